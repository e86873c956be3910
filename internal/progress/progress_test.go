package progress

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

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

// fakeClock is the tests' clock: it moves only when told. The bar
// library's drawing goroutine reads it while a test moves it, hence the lock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestPlainLines(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	events(New(ios, false, (&fakeClock{t: time.Unix(1e9, 0)}).now))
	want := `quorum: qwen: 2 chunks to review
quorum: qwen: model loaded in 2.1s
quorum: qwen: chunk 1/2 done (0s, ~0s left, 100 tokens)
quorum: qwen: chunk 2/2 failed: the answer was empty (0s, 100 tokens)
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

// Each chunk's line gives the elapsed time, the estimate left (the mean of
// the finished chunks times the chunks left) and the tokens so far; a model
// waiting for its turn starts its clock when the previous one finishes.
// One line per step, never one per token, and no control characters.
func TestPlainLinesTiming(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	clk := &fakeClock{t: time.Unix(1e9, 0)}
	r := New(ios, false, clk.now)
	r.Planned("qwen2.5-coder:7b", 3)
	r.Planned("llama3.1:8b", 1)
	for i := 0; i < 100; i++ {
		clk.add(20 * time.Millisecond)
		r.Tokens("qwen2.5-coder:7b", 6)
	}
	clk.add(4 * time.Second)
	r.ChunkDone("qwen2.5-coder:7b", review.ChunkResult{Answer: &review.Answer{}})
	clk.add(6 * time.Second)
	r.Tokens("qwen2.5-coder:7b", 600)
	r.ChunkDone("qwen2.5-coder:7b", review.ChunkResult{Answer: &review.Answer{}})
	clk.add(5 * time.Second)
	r.ChunkDone("qwen2.5-coder:7b", review.ChunkResult{Cached: true})
	r.Finished("qwen2.5-coder:7b", review.RawResult{Status: review.StatusOK, Chunks: make([]review.ChunkResult, 3), Metrics: review.Metrics{Wall: 17 * time.Second}})
	clk.add(65 * time.Second)
	r.Loaded("llama3.1:8b", time.Second)
	r.ChunkDone("llama3.1:8b", review.ChunkResult{Error: "boom\x1b[2J\nmore"})
	r.Close()
	want := `quorum: qwen2.5-coder:7b: 3 chunks to review
quorum: llama3.1:8b: 1 chunk to review
quorum: qwen2.5-coder:7b: chunk 1/3 done (6s, ~12s left, 600 tokens)
quorum: qwen2.5-coder:7b: chunk 2/3 done (12s, ~6s left, 1.2k tokens)
quorum: qwen2.5-coder:7b: chunk 3/3 from cache (17s, 1.2k tokens)
quorum: qwen2.5-coder:7b: ok, 0/3 chunks in 17s
quorum: llama3.1:8b: model loaded in 1s
quorum: llama3.1:8b: chunk 1/1 failed: boom (1m05s)
`
	if errOut.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", errOut, want)
	}
}

// On a terminal the bars redraw in place: whatever the number of frames,
// the cursor climbs back over every line but the last frame's, so the
// scrollback keeps one copy of the bars; and no row reaches the last
// column (a wrapped row would leave a copy per frame).
func TestTTYRedrawsInPlace(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var errOut bytes.Buffer
	ios.ErrOut, ios.StderrTTY, ios.TerminalWidth = &errOut, true, 60
	clk := &fakeClock{t: time.Unix(1e9, 0)}
	r := New(ios, false, clk.now)
	long := strings.Repeat("a-very-long-model-name-", 4) + ":7b"
	r.Planned(long, 3)
	r.Planned("llama3.1:8b", 2)
	for i := 0; i < 3; i++ {
		clk.add(10 * time.Second)
		r.Tokens(long, 1500)
		r.ChunkDone(long, review.ChunkResult{Answer: &review.Answer{}})
		time.Sleep(200 * time.Millisecond) // let mpb draw a few frames; nothing asserts on time
	}
	r.Finished(long, review.RawResult{Status: review.StatusOK})
	r.Finished("llama3.1:8b", review.RawResult{Status: review.StatusFailed, Error: "boom"})
	r.Close()
	out := errOut.String()
	up := regexp.MustCompile("\x1b\\[(\\d+)A\x1b\\[J")
	climbed := 0
	for _, m := range up.FindAllStringSubmatch(out, -1) {
		n, _ := strconv.Atoi(m[1])
		climbed += n
	}
	// Two bars, then the failure line printed once the bars are done.
	if left := strings.Count(out, "\n") - climbed; left != 3 {
		t.Fatalf("%d lines left in the scrollback, want 3:\n%q", left, out)
	}
	if climbed == 0 {
		t.Fatalf("no redraw:\n%q", out)
	}
	for _, row := range strings.Split(up.ReplaceAllString(out, "\n"), "\n") {
		if w := utf8.RuneCountInString(ansi.Strip(row)); w >= 60 {
			t.Errorf("row of %d columns on a 60-column terminal: %q", w, row)
		}
	}
	if !strings.Contains(out, "quorum: llama3.1:8b: failed") {
		t.Fatalf("no failure line:\n%q", out)
	}
}

// A reviewer the stop reached before it answered is "stopped", not
// "failed"; one that failed on its own stays "failed".
func TestStoppedIsNotFailed(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	r := New(ios, false, (&fakeClock{t: time.Unix(1e9, 0)}).now)
	r.Finished("late", review.RawResult{Status: review.StatusFailed, Error: "interrupted before its chunks were planned"})
	r.Finished("bad", review.RawResult{Status: review.StatusFailed, Error: "1 of 1 chunks failed: the answer holds no JSON object", Chunks: []review.ChunkResult{{Error: "the answer holds no JSON object"}}})
	r.Close()
	want := "quorum: late: stopped, 0/0 chunks in 0s: interrupted before its chunks were planned\n" +
		"quorum: bad: failed, 0/1 chunks in 0s: 1 of 1 chunks failed: the answer holds no JSON object\n"
	if errOut.String() != want {
		t.Fatalf("got:\n%s\nwant:\n%s", errOut, want)
	}
}

// A reviewer that failed before any chunk shows no rate: its only tokens
// are the tokenizer probe's, which would read as thousands a second.
func TestNoRateWithoutAnAnswer(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	r := New(ios, false, (&fakeClock{t: time.Unix(1e9, 0)}).now)
	r.Finished("qwen", review.RawResult{Status: review.StatusFailed, Error: "no part of the diff fits",
		Metrics: review.Metrics{EvalTokens: 10, EvalDuration: time.Millisecond}})
	r.Close()
	if strings.Contains(errOut.String(), "tokens/s") || !strings.Contains(errOut.String(), "qwen: failed, 0/0 chunks") {
		t.Fatalf("%q", errOut)
	}
}

// TestWaitingIsSaid: a chunk waiting for another quorum process asking the
// same chunk is said, so a wait does not look like a hang.
func TestWaitingIsSaid(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	r := New(ios, false, nil)
	r.Planned("qwen", 2)
	r.Waiting("qwen", "c1", true)
	r.Waiting("qwen", "c1", false)
	r.Close()
	if !strings.Contains(errOut.String(), "quorum: qwen: waiting for another quorum process, which is asking the model the same chunk (c1)\n") {
		t.Errorf("stderr %q", errOut)
	}
}

// TestNoRateFromNoTime: an answered reviewer whose server reports its
// generation as taking next to no time (69 tokens in a microsecond) shows
// no rate: millions of tokens a second is no speed.
func TestNoRateFromNoTime(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	r := New(ios, false, (&fakeClock{t: time.Unix(1e9, 0)}).now)
	r.Finished("qwen", review.RawResult{Status: review.StatusOK, Chunks: []review.ChunkResult{{Chunk: "c1", Answer: &review.Answer{}}},
		Metrics: review.Metrics{EvalTokens: 69, EvalDuration: time.Microsecond}})
	r.Close()
	if strings.Contains(errOut.String(), "tokens/s") {
		t.Fatalf("%q", errOut)
	}
}

// TestTimesRunFromTheTurn: a reviewer's times run from when its model gets
// its turn (Started), not from its probe's tokens while another model had
// the turn: with one model at a time, a chunk line said 1m02s for a model
// that had worked 21s.
func TestTimesRunFromTheTurn(t *testing.T) {
	ios, _, _, errOut := iostreams.Test()
	clk := &fakeClock{t: time.Unix(1e9, 0)}
	r := New(ios, false, clk.now)
	r.Planned("random", 1)
	r.Planned("runaway", 1)
	r.Started("random")
	r.Tokens("runaway", 1) // an early token of the other model: begun, by the old rule
	clk.add(41 * time.Second)
	r.ChunkDone("random", review.ChunkResult{Answer: &review.Answer{}})
	r.Finished("random", review.RawResult{Status: review.StatusOK, Chunks: make([]review.ChunkResult, 1), Metrics: review.Metrics{Wall: 41 * time.Second}})
	r.Started("runaway")
	clk.add(21 * time.Second)
	r.ChunkDone("runaway", review.ChunkResult{Error: "cut off"})
	r.Close()
	if !strings.Contains(errOut.String(), "quorum: runaway: chunk 1/1 failed: cut off (21s, 1 tokens)\n") {
		t.Fatalf("got:\n%s", errOut)
	}
}
