package run_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/plan"
	"github.com/quorum-review/quorum/review/run"
)

// TestConcurrentReviewsSplitOnce: two reviews at once, sharing the cache,
// of a diff whose chunks the server cuts: the second, waiting for the
// first, finds the split marker written before the first let the chunk go,
// and splits too rather than send the oversized prompt again (the most
// expensive request there is).
func TestConcurrentReviewsSplitOnce(t *testing.T) {
	slow := func(model, prompt string) string {
		if strings.Contains(prompt, "file: ") {
			time.Sleep(200 * time.Millisecond) // both reviews look the chunk up before it is answered
		}
		return ollamatest.DefaultReply
	}
	models := []ollamatest.Model{{Name: "tiny:latest", Family: "llama", ContextLength: 4096, Capabilities: []string{"completion"}}}
	g := newRig(t, ollamatest.Config{BytesPerToken: 1, TruncatePrompts: true, Reply: slow, Models: models})
	seedBPT(t, g, "tiny", 4.5)
	client, err := ollama.New(ollama.Config{Host: g.srv.Host})
	if err != nil {
		t.Fatal(err)
	}
	set := bigSet(3)
	cfg := run.Config{MaxContext: 4096, NumPredict: 512, Reviewers: []review.Reviewer{{Name: "tiny", Model: "tiny"}}}
	before := len(g.srv.TruncationLog())
	var wg sync.WaitGroup
	waits := make([]*waitCounter, 2)
	for i := range waits {
		waits[i] = &waitCounter{}
		wg.Go(func() {
			r := &run.Runner{Chat: client, Catalog: client, Cache: cache.New(g.runner.Cache.Dir), Observer: waits[i]}
			if _, err := r.Run(t.Context(), plan.Prepare(plan.Input{Set: set}), cfg); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// One review alone is cut this many times.
	g2 := newRig(t, ollamatest.Config{BytesPerToken: 1, TruncatePrompts: true, Models: models})
	seedBPT(t, g2, "tiny", 4.5)
	g2.review(set, run.Config{MaxContext: 4096, NumPredict: 512}, "tiny")
	alone := len(g2.srv.TruncationLog())
	if got := len(g.srv.TruncationLog()) - before; got != alone {
		t.Errorf("two reviews at once: %d prompts cut; one review alone: %d", got, alone)
	}
}

// waitCounter is a run.Observer (and run.WaitObserver) counting waits.
type waitCounter struct {
	mu    sync.Mutex
	waits int
}

func (w *waitCounter) Planned(string, int)                  {}
func (w *waitCounter) Loaded(string, time.Duration)         {}
func (w *waitCounter) Tokens(string, int)                   {}
func (w *waitCounter) ChunkDone(string, review.ChunkResult) {}
func (w *waitCounter) Finished(string, review.RawResult)    {}
func (w *waitCounter) Waiting(string, string)               { w.mu.Lock(); w.waits++; w.mu.Unlock() }
