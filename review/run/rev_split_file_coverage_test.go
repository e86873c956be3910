package run

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/plan"
)

// bigFileSet is one file, big.go, with hunks enough to take several chunks
// at num_ctx 4096, and one small file, f00.go.
func bigFileSet() *diff.Set {
	set := diffSet(1)
	var hunks []diff.Hunk
	for h := range 24 {
		var lines []diff.Line
		start := 1 + 100*h
		for l := range 40 {
			lines = append(lines, diff.Line{Kind: diff.Added, New: start + l, Text: fmt.Sprintf("h%02d_%d := g(%d) // %s", h, l, l, strings.Repeat("pad ", 8))})
		}
		hunks = append(hunks, diff.Hunk{NewStart: start, NewLines: 40, Lines: lines})
	}
	set.Files = append(set.Files, diff.File{Path: "big.go", Status: diff.StatusModified, Hunks: hunks})
	return set
}

// holding returns the chunks of res that show path.
func holding(res review.RawResult, path string) []review.ChunkResult {
	var out []review.ChunkResult
	for _, c := range res.Chunks {
		if slices.Contains(c.Files, path) {
			out = append(out, c)
		}
	}
	return out
}

// A file split across chunks is covered only when every chunk holding it
// answered: one of big.go's chunks gives no usable answer, twice.
func TestRevSplitFileWithAFailedChunkIsNotCovered(t *testing.T) {
	f := newFake("a")
	f.reply = func(_ string, _ int, req review.ChatRequest) (review.ChatResponse, error) {
		if strings.Contains(req.Prompt, "h20_0 :=") {
			return review.ChatResponse{Content: "not json", DoneReason: "stop"}, nil
		}
		return review.ChatResponse{Content: `{"summary":"ok","findings":[]}`, DoneReason: "stop"}, nil
	}
	raw, err := (&Runner{Chat: f, Catalog: f}).Run(context.Background(), plan.Prepare(plan.Input{Set: bigFileSet()}), Config{Reviewers: reviewers("a"), MaxContext: 4096})
	if err != nil {
		t.Fatal(err)
	}
	res := raw.Results[0]
	chunks := holding(res, "big.go")
	answered := 0
	for _, c := range chunks {
		if c.Answer != nil {
			answered++
		}
	}
	if len(chunks) < 2 || answered == 0 || answered == len(chunks) {
		t.Fatalf("want big.go across several chunks, some answered, one failed: %d chunks, %d answered", len(chunks), answered)
	}
	if slices.Contains(res.Covered, "big.go") || !slices.Contains(res.NotCovered, "big.go") {
		t.Errorf("big.go, one of whose chunks failed: covered %v, not covered %v", res.Covered, res.NotCovered)
	}
	if !slices.Contains(res.Covered, "f00.go") {
		t.Errorf("f00.go, answered whole, not covered: %v", res.Covered)
	}
	if res.Status != review.StatusPartial {
		t.Errorf("status %s, want partial", res.Status)
	}
}

// The run stops after the first of big.go's chunks answered: big.go was
// not reached in full, so it is not covered.
func TestRevSplitFileInterruptedIsNotCovered(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := newFake("a")
	bigAsked := 0
	f.reply = func(_ string, _ int, req review.ChatRequest) (review.ChatResponse, error) {
		if strings.Contains(req.Prompt, "big.go") {
			bigAsked++
			if bigAsked == 2 {
				cancel() // Ctrl-C while the second chunk of big.go is asked
				return review.ChatResponse{}, context.Canceled
			}
		}
		return review.ChatResponse{Content: `{"summary":"ok","findings":[]}`, DoneReason: "stop"}, nil
	}
	raw, _ := (&Runner{Chat: f, Catalog: f}).Run(ctx, plan.Prepare(plan.Input{Set: bigFileSet()}), Config{Reviewers: reviewers("a"), MaxContext: 4096})
	if raw == nil {
		t.Fatal("no raw result")
	}
	res := raw.Results[0]
	chunks := holding(res, "big.go")
	if len(chunks) != 1 || chunks[0].Answer == nil {
		t.Fatalf("want one answered chunk of big.go before the stop, got %d", len(chunks))
	}
	if slices.Contains(res.Covered, "big.go") || !slices.Contains(res.NotCovered, "big.go") {
		t.Errorf("big.go, half asked when the run stopped: covered %v, not covered %v", res.Covered, res.NotCovered)
	}
	if res.Status == review.StatusOK {
		t.Errorf("status %s after an interruption", res.Status)
	}
}
