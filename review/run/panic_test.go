package run

import (
	"context"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/crash"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/plan"
)

// A panic while a worker goroutine handles a chunk must not end the process
// from that goroutine (Go's exit 2, read as a setup error): Run panics again
// in its caller's goroutine with the worker's panic and stack, for the
// command line's recover (exit 3). It also stops the review: the other
// models get no more requests, rather than a whole review whose result is
// thrown away.
func TestWorkerPanicReachesTheCaller(t *testing.T) {
	for _, parallel := range []int{1, 3} {
		f := newFake("a", "b", "c")
		f.reply = func(model string, _ int, req review.ChatRequest) (review.ChatResponse, error) {
			if model == "a" {
				replyThatPanics()
			}
			return review.ChatResponse{Content: `{"summary":"ok","findings":[]}`, DoneReason: "stop"}, nil
		}
		set := plan.Prepare(plan.Input{Set: bigFileSet()})
		func() {
			defer func() {
				p, ok := recover().(*crash.Panic)
				if !ok {
					t.Fatalf("parallel %d: Run did not panic with the worker's panic", parallel)
				}
				if v, stack := crash.Report(p); v != "bug in a reply" || !strings.Contains(string(stack), "replyThatPanics") {
					t.Errorf("parallel %d: panic %q, stack without the worker's frame:\n%s", parallel, v, stack)
				}
			}()
			_, _ = (&Runner{Chat: f, Catalog: f}).Run(context.Background(), set,
				Config{Reviewers: reviewers("a", "b", "c"), MaxContext: 4096, Parallel: parallel, ConcurrentModels: 1})
		}()
		// Model by model, a first: its first replies panic, and b and c are
		// never asked.
		f.mu.Lock()
		asked := len(f.requests)
		others := f.perModel["b"] + f.perModel["c"]
		f.mu.Unlock()
		if others != 0 || asked > parallel {
			t.Errorf("parallel %d: %d requests after the panic, %d of them to the other models; want at most %d, none to them", parallel, asked, others, parallel)
		}
	}
}

func replyThatPanics() { panic("bug in a reply") }
