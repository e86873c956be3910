package run

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/review"
)

// TestServerGoneMidAnswer: a server that dies while it answers a chunk
// (the stream drops, then the connection is refused) leaves that chunk
// failed, not never asked, and the chunks after it counted as never asked:
// the verdict said "0 of 2 chunks failed" for a plan of many with one cut off.
func TestServerGoneMidAnswer(t *testing.T) {
	f := newFake("a")
	chunks := 0
	f.reply = func(_ string, _ int, req review.ChatRequest) (review.ChatResponse, error) {
		if strings.HasPrefix(req.Prompt, "Calibration ") {
			return review.ChatResponse{Content: "ok", DoneReason: "stop", PromptEvalCount: len(req.Prompt) / 4, EvalCount: 1}, nil
		}
		chunks++
		switch {
		case chunks <= 2:
			return review.ChatResponse{Content: finding, DoneReason: "stop", PromptEvalCount: len(req.Prompt) / 4, EvalCount: 20}, nil
		case chunks == 3:
			return review.ChatResponse{}, errors.New("unexpected EOF") // the stream dropped mid-answer
		}
		return review.ChatResponse{}, fmt.Errorf("connect: connection refused: %w", review.ErrUnreachable)
	}
	raw, _ := (&Runner{Chat: f, Catalog: f}).Run(context.Background(), prepared(20), Config{Reviewers: reviewers("a"), MaxContext: 4096, Parallel: 1})
	res := raw.Results[0]
	failed := 0
	for _, c := range res.Chunks {
		if c.Answer == nil {
			failed++
			if !strings.Contains(c.Error, "cut off mid-answer") {
				t.Errorf("failed chunk's error %q", c.Error)
			}
		}
	}
	if failed != 1 || len(res.Chunks) != 3 || res.Unasked < 1 || res.Status != review.StatusPartial {
		t.Fatalf("status %s, %d chunks (%d failed), %d never asked: %+v", res.Status, len(res.Chunks), failed, res.Unasked, res.Error)
	}
}

// TestOwnContextOnlyWhenTheModelsOwn: a context that is the user's num_ctx
// (or a default, the server saying none) is no model's own: raising it
// helps, and the error does not say nothing can.
func TestOwnContextOnlyWhenTheModelsOwn(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ctxLen int
		numCtx int
		own    bool
	}{
		{"the model's own 512", 512, 0, true},
		{"the user's num_ctx 512, the server says none", 0, 512, false},
		{"the user's num_ctx 512 under the model's 8192", 8192, 512, false},
	} {
		f := newFake("a")
		f.models["a"] = review.ModelInfo{Name: "a", Digest: "sha256:a", ContextLength: tc.ctxLen}
		rvs := reviewers("a")
		rvs[0].NumCtx = tc.numCtx
		raw, _ := (&Runner{Chat: f, Catalog: f}).Run(context.Background(), prepared(1), Config{Reviewers: rvs, MaxContext: 32768})
		res := raw.Results[0]
		if !strings.Contains(res.Error, "no part of the diff fits") || strings.Contains(res.Error, "own context") != tc.own {
			t.Errorf("%s: error %q (own context: want %v)", tc.name, res.Error, tc.own)
		}
		// Its files did not fit: truncated in the coverage, not "stopped
		// before reaching them".
		if len(res.Truncated) != 1 || res.Truncated[0] != "f00.go" {
			t.Errorf("%s: truncated %v, want the file that did not fit", tc.name, res.Truncated)
		}
	}
}

// TestCompactTokenizerKeepsItsPlan: a diff small enough to plan the same at
// any real tokenizer's figure is asked in one plan; a model that then
// proves more compact than any (a byte-level test model, 0.7 bytes a
// token) must not re-plan it from that figure next time, which split it
// into other chunks and asked the model again for answers it had cached.
func TestCompactTokenizerKeepsItsPlan(t *testing.T) {
	f := newFake("a")
	f.reply = func(_ string, _ int, req review.ChatRequest) (review.ChatResponse, error) {
		count := (len(req.System) + len(req.Prompt)) * 10 / 7
		if strings.HasPrefix(req.Prompt, "Calibration ") {
			return review.ChatResponse{Content: "ok", DoneReason: "stop", PromptEvalCount: count, EvalCount: 1}, nil
		}
		return review.ChatResponse{Content: finding, DoneReason: "stop", PromptEvalCount: count, EvalCount: 20}, nil
	}
	c := cache.New(t.TempDir())
	cfg := Config{Reviewers: reviewers("a"), MaxContext: 16384}
	first, _ := (&Runner{Chat: f, Catalog: f, Cache: c}).Run(context.Background(), prepared(4), cfg)
	if res := first.Results[0]; res.Status != review.StatusOK || res.Calibration != CalibrationNotNeeded {
		t.Fatalf("first review: %s, calibration %s (the test needs a plan the same at any figure): %s", res.Status, res.Calibration, res.Error)
	}
	calls := f.count()
	second, _ := (&Runner{Chat: f, Catalog: f, Cache: c}).Run(context.Background(), prepared(4), cfg)
	res := second.Results[0]
	if f.count() != calls || res.Metrics.CacheHits != len(res.Chunks) {
		t.Fatalf("second review: %d model calls, %d of %d chunks cached (calibration %s)", f.count()-calls, res.Metrics.CacheHits, len(res.Chunks), res.Calibration)
	}
}
