package openai

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/review"
)

// A server that streams forever (ignoring max_tokens) is cut by the client
// at max_tokens pieces: the request is cancelled and the answer comes back
// truncated ("length"), long before any deadline.
func TestChatEndlessStreamIsCutAtMaxTokens(t *testing.T) {
	gone := make(chan struct{})
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		defer close(gone)
		w.Header().Set("Content-Type", "text/event-stream")
		for r.Context().Err() == nil {
			if _, err := fmt.Fprintf(w, "data: %s\n\n", piece("tok ")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	})
	c, _ := f.client(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // only a broken client meets it
	defer cancel()
	req := chatReq()
	req.Options.NumPredict = 64
	resp, err := c.Chat(ctx, req, nil)
	if err != nil {
		t.Fatalf("Chat: %v (want a truncated answer)", err)
	}
	if ctx.Err() != nil {
		t.Fatal("the answer ended only with the deadline")
	}
	if resp.DoneReason != "length" || resp.EvalCount != 64 || resp.Content != strings.Repeat("tok ", 64) {
		t.Errorf("done %q eval %d content %d bytes", resp.DoneReason, resp.EvalCount, len(resp.Content))
	}
	select { // the request was cancelled: the server sees the client go
	case <-gone:
	case <-time.After(time.Minute):
		t.Error("the server is still streaming")
	}
}

// A streamed answer far over the byte cap, in big pieces, stops at
// review.MaxAnswerBytes.
func TestChatStreamOverByteCapIsCut(t *testing.T) {
	big := strings.Repeat("x", 32<<10)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for range 8192 { // 256 MiB
			if _, err := fmt.Fprintf(w, "data: %s\n\n", piece(big)); err != nil {
				return
			}
		}
		fmt.Fprintf(w, "data: %s\n\ndata: [DONE]\n\n", finish("stop"))
	})
	c, _ := f.client(t, Config{})
	req := chatReq() // max_tokens 4096: a 64 KiB cap
	resp, err := c.Chat(context.Background(), req, nil)
	limit := review.MaxAnswerBytes(req.Options.NumPredict)
	if err != nil || resp.DoneReason != "length" || len(resp.Content) > limit || len(resp.Content) == 0 {
		t.Errorf("done %q, %d bytes kept (cap %d), err %v", resp.DoneReason, len(resp.Content), limit, err)
	}
}

// A valid non-streamed answer over the cap is refused before it is decoded
// (read no further than the encoded cap), as a truncated answer.
func TestChatWholeAnswerOverByteCapIsCut(t *testing.T) {
	huge := strings.Repeat("y", 8<<20)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}]}`, huge)
	})
	c, _ := f.client(t, Config{})
	resp, err := c.Chat(context.Background(), chatReq(), nil)
	if err != nil || resp.DoneReason != "length" || len(resp.Content) > review.MaxAnswerBytes(4096) {
		t.Errorf("done %q, %d bytes kept, err %v", resp.DoneReason, len(resp.Content), err)
	}
}

// A server that honours max_tokens and puts the last piece in the chunk
// that carries finish_reason is not cut: the answer and its usage are whole.
func TestChatLastPieceWithFinishReasonIsKept(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		last := `{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"z"},"finish_reason":"length"}]}`
		sse(w, true, piece("a"), piece("b"), last, usageChunk(5, 3))
	})
	c, _ := f.client(t, Config{})
	req := chatReq()
	req.Options.NumPredict = 2
	resp, err := c.Chat(context.Background(), req, nil)
	if err != nil || resp.Content != "abz" || resp.DoneReason != "length" || resp.EvalCount != 3 || resp.PromptEvalCount != 5 {
		t.Errorf("resp %+v, err %v", resp, err)
	}
}
