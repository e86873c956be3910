package ollamatest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/internal/openai"
	"github.com/quorum-review/quorum/review"
)

func openaiClient(t *testing.T, s *ollamatest.Server) *openai.Client {
	t.Helper()
	c, err := openai.New(openai.Config{BaseURL: s.URL + "/v1", Retry: openai.BackoffPolicy{Initial: 1, Max: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The /v1 endpoint lists the models as Ollama's does (name:tag, no context
// length) and answers a chat in OpenAI's stream with a usage block.
func TestOpenAIEndpointListsAndChats(t *testing.T) {
	s := ollamatest.New(t, ollamatest.Config{
		Models: []ollamatest.Model{{Name: "coder", Family: "qwen2", ContextLength: 32768}},
		Rules:  []ollamatest.Rule{{Contains: "Divide", Reply: `{"summary":"division by zero","findings":[]}`}},
	})
	c := openaiClient(t, s)
	info, err := c.Show(context.Background(), "coder")
	if err != nil || info.Name != "coder:latest" || info.ContextLength != 0 {
		t.Fatalf("Show = %+v, %v", info, err)
	}
	resp, err := c.Chat(context.Background(), review.ChatRequest{Model: "coder", System: "You review.", Prompt: "func Divide(a, b int) int { return a / b }",
		Format: json.RawMessage(`{"type":"object"}`), Options: review.Options{NumCtx: 16384, NumPredict: 512, Seed: 42}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Content != `{"summary":"division by zero","findings":[]}` || resp.DoneReason != "stop" || resp.PromptEvalCount != ollamatest.EstimateTokens("You review.")+ollamatest.EstimateTokens("func Divide(a, b int) int { return a / b }") || resp.EvalCount == 0 {
		t.Fatalf("resp = %+v", resp)
	}
	chats := s.OpenAIChats()
	if len(chats) != 1 || s.ModelCalls() != 1 || len(s.Chats()) != 0 {
		t.Fatalf("%d /v1 chats, %d model calls, %d /api/chat", len(chats), s.ModelCalls(), len(s.Chats()))
	}
	// What Ollama derives from an OpenAI request: never a num_ctx.
	o := chats[0].Options
	if _, ok := o["num_ctx"]; ok || o["num_predict"] != float64(512) || o["seed"] != float64(42) || chats[0].System != "You review." || len(chats[0].Format) == 0 {
		t.Fatalf("logged request %+v", chats[0])
	}
}

// Over /v1 the server's own context applies (DefaultNumCtx: 2048 emulates
// Ollama v0.6.5): a longer prompt is cut to its first tokens and its tail,
// prompt_tokens is the context size, the log has the truncation line, and
// the reply is to what was kept. A prompt that fits is counted honestly.
func TestOpenAIEndpointCutsAtTheServersContext(t *testing.T) {
	s := ollamatest.New(t, ollamatest.Config{
		Models:          []ollamatest.Model{{Name: "coder:latest", ContextLength: 32768}},
		DefaultNumCtx:   2048,
		TruncatePrompts: true,
		Rules: []ollamatest.Rule{
			{Contains: "BUG AT THE TOP", Reply: `{"summary":"saw the top","findings":[]}`},
			{Contains: "the tail", Reply: `{"summary":"saw only the tail","findings":[]}`},
		},
	})
	c := openaiClient(t, s)
	// The marker sits past the first tokens, which a cut keeps.
	long := "package main // a file of many lines\nBUG AT THE TOP\n" + strings.Repeat("x := compute(y) // padding\n", 600) + "the tail\n" // ~16 KB, ~4000 tokens
	req := review.ChatRequest{Model: "coder", Prompt: long, Options: review.Options{NumCtx: 16384, NumPredict: 256}}
	resp, err := c.Chat(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.PromptEvalCount != 2048 || resp.Content != `{"summary":"saw only the tail","findings":[]}` {
		t.Fatalf("cut prompt: %+v", resp)
	}
	if log := s.TruncationLog(); len(log) != 1 || !strings.Contains(log[0], "limit=2048") {
		t.Fatalf("truncation log %q", log)
	}
	req.Prompt = "BUG AT THE TOP\nshort"
	resp, err = c.Chat(context.Background(), req, nil)
	if err != nil || resp.PromptEvalCount != ollamatest.EstimateTokens(req.Prompt) || resp.Content != `{"summary":"saw the top","findings":[]}` {
		t.Fatalf("short prompt: %+v, %v", resp, err)
	}
}

// Faults and errors come in OpenAI's shape: a missing model is
// ErrModelNotFound, a 503 is retried, a drop mid-stream is a server error.
func TestOpenAIEndpointFaults(t *testing.T) {
	s := ollamatest.New(t, ollamatest.Config{
		Models: []ollamatest.Model{{Name: "coder:latest"}},
		Faults: []ollamatest.Fault{
			{Kind: ollamatest.FaultBusy, Request: 1},
			{Kind: ollamatest.FaultDrop, Request: 3},
		},
	})
	c := openaiClient(t, s)
	req := review.ChatRequest{Model: "coder", Prompt: "p", Options: review.Options{NumPredict: 64}}
	if _, err := c.Chat(context.Background(), req, nil); err != nil {
		t.Fatalf("503 then OK: %v", err)
	}
	if _, err := c.Chat(context.Background(), req, nil); err == nil || !errors.Is(err, openai.ErrServer) {
		t.Fatalf("drop: %v", err)
	}
	missing := req
	missing.Model = "nope"
	if _, err := c.Chat(context.Background(), missing, nil); !errors.Is(err, review.ErrModelNotFound) {
		t.Fatalf("missing model: %v", err)
	}
	// A non-streamed request gets one chat.completion with its usage.
	r, err := http.Post(s.URL+ollamatest.OpenAIChatPath, "application/json", strings.NewReader(`{"model":"coder","messages":[{"role":"user","content":"hi"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var whole struct {
		Choices []struct {
			Message      struct{ Content string } `json:"message"`
			FinishReason string                   `json:"finish_reason"`
		} `json:"choices"`
		Usage struct {
			PromptTokens int `json:"prompt_tokens"`
		} `json:"usage"`
	}
	if err := json.NewDecoder(r.Body).Decode(&whole); err != nil || len(whole.Choices) != 1 ||
		whole.Choices[0].Message.Content != ollamatest.DefaultReply || whole.Choices[0].FinishReason != "stop" || whole.Usage.PromptTokens != 1 {
		t.Fatalf("non-streamed: %+v, %v", whole, err)
	}
}
