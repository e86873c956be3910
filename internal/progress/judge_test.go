package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/review"
)

func judgeEvents(r *Reporter, clk *fakeClock) {
	r.JudgeStarted("gemma2:9b", 12)
	clk.add(3 * time.Second)
	r.JudgeDone("gemma2:9b", review.JudgeRun{Model: "gemma2:9b", Answer: `{"groups":[]}`, Metrics: review.Metrics{Wall: 3 * time.Second, PromptTokens: 4100}})
	r.JudgeStarted("gemma2:9b", 12)
	r.JudgeDone("gemma2:9b", review.JudgeRun{Model: "gemma2:9b", Answer: `{"groups":[]}`, Metrics: review.Metrics{CacheHits: 1}})
	r.JudgeStarted("mistral:7b", 12)
	r.JudgeDone("mistral:7b", review.JudgeRun{Model: "mistral:7b", Error: "the judge model mistral:7b is not installed"})
	r.JudgeStarted("gemma2:9b", 12)
	r.JudgeDone("gemma2:9b", review.JudgeRun{Model: "gemma2:9b", Skipped: "the review was stopped before the judge answered"})
	r.Close()
}

func TestJudgePlainLines(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	clk := &fakeClock{t: time.Unix(1e9, 0)}
	judgeEvents(New(ios, false, clk.now), clk)
	want := `quorum: judge gemma2:9b: grouping 12 findings
quorum: judge gemma2:9b: done in 3s, 4.1k tokens in
quorum: judge gemma2:9b: grouping 12 findings
quorum: judge gemma2:9b: answered from the cache
quorum: judge mistral:7b: grouping 12 findings
quorum: judge mistral:7b: not used, quorum's rules group the findings
quorum: judge gemma2:9b: grouping 12 findings
quorum: judge gemma2:9b: not used: the review was stopped before the judge answered
`
	if errOut.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", errOut, want)
	}
}

// On a terminal the judge is a bar; a judge stopped with the review is
// said under the bars once they are done (a failed one is the review's
// closing warning).
func TestJudgeOnATerminal(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var errOut bytes.Buffer
	ios.ErrOut, ios.StderrTTY = &errOut, true
	clk := &fakeClock{t: time.Unix(1e9, 0)}
	judgeEvents(New(ios, false, clk.now), clk)
	s := errOut.String()
	if !strings.Contains(s, "judge gemma2:9b") || !strings.HasSuffix(s, "quorum: judge gemma2:9b: not used: the review was stopped before the judge answered\n") {
		t.Fatalf("tty output:\n%q", s)
	}
}
