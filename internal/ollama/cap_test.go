package ollama_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/review"
)

// A server that streams forever is cut by the client at num_predict pieces:
// the request is cancelled and the answer comes back as truncated ("length"),
// long before the request's own deadline.
func TestChatEndlessStreamIsCutAtNumPredict(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{Faults: []ollamatest.Fault{{Kind: ollamatest.FaultEndless}}})
	c := newClient(t, srv)
	// The deadline only stops a broken client from hanging the test; the
	// cut does not depend on it.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req := chatReq("llama3.1:8b")
	req.Options.NumPredict = 64
	tokens := 0
	resp, err := c.Chat(ctx, req, func(n int) { tokens += n })
	if err != nil {
		t.Fatalf("Chat: %v (want a truncated answer)", err)
	}
	if ctx.Err() != nil {
		t.Fatalf("the answer ended only with the request's deadline")
	}
	if resp.DoneReason != "length" || resp.EvalCount != 64 || tokens != 64 {
		t.Errorf("done %q eval %d progress %d, want length 64 64", resp.DoneReason, resp.EvalCount, tokens)
	}
	if len(resp.Content) > review.MaxAnswerBytes(64) {
		t.Errorf("kept %d bytes, over the cap %d", len(resp.Content), review.MaxAnswerBytes(64))
	}
	waitIdle(t, srv) // the request was cancelled: the server stops streaming
}

// A valid answer far over the size cap (a server ignoring num_predict, in
// pieces of 64 KiB) is not accepted whole: reading stops at
// review.MaxAnswerBytes, before the rest is read or decoded.
func TestChatOversizedAnswerIsCutAtByteCap(t *testing.T) {
	piece := strings.Repeat("x", 64<<10)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/version":
			_, _ = io.WriteString(w, `{"version":"0.12.6"}`)
		case "/api/chat":
			w.Header().Set("Content-Type", "application/x-ndjson")
			enc := json.NewEncoder(w)
			for range 4096 { // 256 MiB in all
				if r.Context().Err() != nil {
					return
				}
				if enc.Encode(map[string]any{"message": map[string]string{"role": "assistant", "content": piece}, "done": false}) != nil {
					return
				}
			}
			_ = enc.Encode(map[string]any{"message": map[string]string{"role": "assistant"}, "done": true, "done_reason": "stop", "eval_count": 4096})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(hs.Close)
	c, err := ollama.New(ollama.Config{Host: strings.TrimPrefix(hs.URL, "http://")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req := chatReq("llama3.1:8b") // num_predict 512: a 64 KiB cap
	resp, err := c.Chat(ctx, req, nil)
	if err != nil {
		t.Fatalf("Chat: %v", err)
	}
	limit := review.MaxAnswerBytes(req.Options.NumPredict)
	if resp.DoneReason != "length" || len(resp.Content) > limit || len(resp.Content) == 0 {
		t.Errorf("done %q, %d bytes kept (cap %d)", resp.DoneReason, len(resp.Content), limit)
	}
}
