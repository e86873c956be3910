package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/review"
)

func events(r *Reporter) {
	r.Planned("qwen", 2)
	r.Loaded("qwen", 2100*time.Millisecond)
	r.Tokens("qwen", 10)
	r.ChunkDone("qwen", review.ChunkResult{Answer: &review.Answer{}, Metrics: review.Metrics{EvalTokens: 100, EvalDuration: 2 * time.Second}})
	r.ChunkDone("qwen", review.ChunkResult{Error: "the answer was empty"})
	r.Finished("qwen", review.RawResult{Status: review.StatusPartial, Error: "1 of 2 chunks failed: the answer was empty",
		Chunks:  []review.ChunkResult{{Answer: &review.Answer{}}, {}},
		Metrics: review.Metrics{Wall: 5 * time.Second, EvalTokens: 100, EvalDuration: 2 * time.Second, LoadDuration: 2100 * time.Millisecond}})
	r.Finished("gone", review.RawResult{Status: review.StatusMissing, Error: `model "gone" is not installed`})
	r.Close()
}

func TestPlainLines(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	events(New(ios, false, nil))
	want := `quorum: qwen: 2 chunks to review
quorum: qwen: model loaded in 2.1s
quorum: qwen: chunk 1/2 100 tokens, 50.0 tokens/s
quorum: qwen: chunk 2/2 failed: the answer was empty
quorum: qwen: partial, 1/2 chunks in 5s, 50.0 tokens/s, load 2.1s: 1 of 2 chunks failed: the answer was empty
quorum: gone: missing, 0/0 chunks in 0s: model "gone" is not installed
`
	if errOut.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", errOut, want)
	}
}

func TestQuiet(t *testing.T) {
	ios, _, out, errOut := iostreams.Test()
	events(New(ios, true, nil))
	if errOut.Len()+out.Len() != 0 {
		t.Fatalf("quiet wrote %q", errOut)
	}
}

func TestTTYDrawsBars(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	var errOut bytes.Buffer
	ios.ErrOut, ios.StderrTTY = &errOut, true
	events(New(ios, false, nil))
	s := errOut.String()
	if !strings.Contains(s, "qwen") || !strings.Contains(s, `quorum: gone: missing`) || out.Len() != 0 {
		t.Fatalf("tty output:\n%q", s)
	}
}
