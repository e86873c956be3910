package openai

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// The API has no context size: the client says so (SetsContext), sends no
// num_ctx in any form, and passes on the count a server that cut the prompt
// to its own context reports (Ollama's /v1 at 2048 tokens), so the runner
// can tell the cut.
func TestServerContextIsNotSetAndItsCountPassesThrough(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		sse(w, true, piece(`{"summary":"ok"}`), finish("stop"), usageChunk(2048, 5))
	})
	c, _ := f.client(t, Config{})
	if c.SetsContext() {
		t.Fatal("SetsContext() = true over an API that has no num_ctx")
	}
	req := chatReq()
	req.Prompt = strings.Repeat("x := f(y)\n", 1600) // ~4000 tokens: over 2048
	resp, err := c.Chat(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.PromptEvalCount != 2048 || resp.DoneReason != "stop" {
		t.Errorf("resp = %+v: want the server's count of the cut prompt, 2048", resp)
	}
	body := f.requests()[0].Body
	for _, k := range []string{"num_ctx", "options", "context_length", "n_ctx"} {
		if _, ok := body[k]; ok {
			t.Errorf("request sets %q: %v", k, body[k])
		}
	}
}
