package run

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/quorum-review/quorum/review"
)

// TestDenseChunksKeepTheSystemPrompt: Ollama, given a prompt longer than
// num_ctx whose last message alone fits, drops the system prompt and
// counts the rest, below num_ctx: nothing shows. With a small
// --num-predict the plan used to fill almost all of num_ctx, and chunks a
// quarter denser than the probe (code is) overflowed it that way. The plan
// keeps a fifth of the context free of the prompt, so none does.
func TestDenseChunksKeepTheSystemPrompt(t *testing.T) {
	f := newFake("a")
	var mu sync.Mutex
	dropped := 0
	f.reply = func(_ string, _ int, req review.ChatRequest) (review.ChatResponse, error) {
		if strings.HasPrefix(req.Prompt, "Calibration ") {
			return review.ChatResponse{Content: "ok", DoneReason: "stop", PromptEvalCount: len(req.Prompt) / 4}, nil
		}
		// A quarter denser than the probe: 3.2 bytes a token.
		whole, user := int(float64(len(req.System)+len(req.Prompt))/3.2), int(float64(len(req.Prompt))/3.2)
		if whole > req.Options.NumCtx {
			mu.Lock()
			dropped++
			mu.Unlock()
			return review.ChatResponse{Content: finding, DoneReason: "stop", PromptEvalCount: user}, nil
		}
		return review.ChatResponse{Content: finding, DoneReason: "stop", PromptEvalCount: whole}, nil
	}
	raw, err := (&Runner{Chat: f, Catalog: f}).Run(context.Background(), prepared(60), Config{Reviewers: reviewers("a"), MaxContext: 4096, NumPredict: 100})
	if err != nil {
		t.Fatal(err)
	}
	if res := raw.Results[0]; dropped != 0 || res.Status != review.StatusOK {
		t.Fatalf("%d prompts lost their system prompt; status %s: %s", dropped, res.Status, res.Error)
	}
}
