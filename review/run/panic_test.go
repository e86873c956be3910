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
// command line's recover (exit 3).
func TestWorkerPanicReachesTheCaller(t *testing.T) {
	for _, parallel := range []int{1, 3} {
		f := newFake("a", "b")
		f.reply = func(model string, _ int, req review.ChatRequest) (review.ChatResponse, error) {
			if model == "b" && strings.Contains(req.Prompt, "h05_0 :=") {
				replyThatPanics()
			}
			return review.ChatResponse{Content: `{"summary":"ok","findings":[]}`, DoneReason: "stop"}, nil
		}
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
			_, _ = (&Runner{Chat: f, Catalog: f}).Run(context.Background(), plan.Prepare(plan.Input{Set: bigFileSet()}),
				Config{Reviewers: reviewers("a", "b"), MaxContext: 4096, Parallel: parallel, ConcurrentModels: 2})
		}()
	}
}

func replyThatPanics() { panic("bug in a reply") }
