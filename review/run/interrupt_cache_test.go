package run

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/review"
)

// TestInterruptedAnswersAreUsedNextRun: a run stopped after two chunks
// says "answered chunks are cached"; the next run must plan the same
// chunks and take those answers from the cache, even though the answers it
// saw taught it a denser figure for the model (which would plan other
// chunks, whose answers nobody cached).
func TestInterruptedAnswersAreUsedNextRun(t *testing.T) {
	f := newFake("a")
	f.perToken = time.Millisecond
	f.reply = func(_ string, _ int, req review.ChatRequest) (review.ChatResponse, error) {
		// The chunks are denser than the probe: 2.5 bytes a token to its 4.
		n := (len(req.System) + len(req.Prompt)) * 2 / 5
		if strings.HasPrefix(req.Prompt, "Calibration ") {
			n = len(req.Prompt) / 4
		}
		return review.ChatResponse{Content: finding, DoneReason: "stop", PromptEvalCount: n}, nil
	}
	c := cache.New(t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	obs := &recorder{onChunk: func(n int) {
		if n == 2 {
			cancel()
		}
	}}
	raw, err := (&Runner{Chat: f, Catalog: f, Cache: c, Observer: obs}).Run(ctx, prepared(40), Config{Reviewers: reviewers("a"), MaxContext: 4096})
	if err != nil || !raw.Interrupted {
		t.Fatalf("first run: %v, interrupted %v", err, raw.Interrupted)
	}
	answered := 0
	for _, ch := range raw.Results[0].Chunks {
		if ch.Answer != nil {
			answered++
		}
	}
	again, err := (&Runner{Chat: f, Catalog: f, Cache: c}).Run(context.Background(), prepared(40), Config{Reviewers: reviewers("a"), MaxContext: 4096})
	if err != nil {
		t.Fatal(err)
	}
	if res := again.Results[0]; answered == 0 || res.Metrics.CacheHits != answered || res.Status != review.StatusOK {
		t.Fatalf("answered %d before; second run: %d cache hits, status %s", answered, res.Metrics.CacheHits, res.Status)
	}
}
