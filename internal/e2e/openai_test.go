package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/quorum-review/quorum/internal/openai"
	"github.com/quorum-review/quorum/internal/tinymodel"
	"github.com/quorum-review/quorum/prompts"
	"github.com/quorum-review/quorum/review"
)

// TestOpenAIBackend drives internal/openai against the real server's own
// OpenAI-compatible endpoint (/v1/models, /v1/chat/completions): the list,
// one schema-constrained review answer with its usage, a truncated answer,
// and a missing model.
func TestOpenAIBackend(t *testing.T) {
	s := Start(t, Binary(t))
	const model = "tinyqwen"
	s.Create(t, model, tinymodel.Config{Kind: tinymodel.Terse, Seed: 1, ContextLength: 16384})
	c, err := openai.New(openai.Config{BaseURL: "http://" + s.Host + "/v1"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()

	t.Run("models", func(t *testing.T) {
		list, err := c.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Name != model+":latest" || list[0].Family != model ||
			!strings.HasPrefix(list[0].Digest, "openai:") || list[0].Capabilities[0] != "completion" {
			t.Fatalf("List = %+v", list)
		}
		// Ollama's /v1/models says nothing of the context: unknown.
		if list[0].ContextLength != 0 {
			t.Errorf("context length %d, want 0 (unknown)", list[0].ContextLength)
		}
		info, err := c.Show(ctx, model)
		if err != nil || info.Digest != list[0].Digest {
			t.Errorf("Show = %+v, %v; List said %+v", info, err, list[0])
		}
	})

	req := review.ChatRequest{
		Model:   model,
		System:  "You review code. Answer with JSON only.",
		Prompt:  "diff --git a/main.go b/main.go\n+func main() { panic(1) }\n",
		Format:  json.RawMessage(prompts.Schema()),
		Options: review.Options{NumPredict: 4096, Temperature: 0, Seed: 1},
	}

	t.Run("chat", func(t *testing.T) {
		progressed := 0
		resp, err := c.Chat(ctx, req, func(n int) { progressed += n })
		if err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(resp.Content))
		if err != nil {
			t.Fatalf("answer is not JSON: %v\n%s", err, resp.Content)
		}
		if err := schemaValidator(t).Validate(inst); err != nil {
			t.Errorf("answer fails the reviewer schema: %v\n%s", err, resp.Content)
		}
		if resp.DoneReason != "stop" || resp.PromptEvalCount <= 0 || resp.EvalCount <= 0 || resp.TotalDuration <= 0 {
			t.Errorf("resp = %+v: want a finished answer with the server's usage", resp)
		}
		if progressed != resp.EvalCount {
			t.Errorf("progress summed to %d, usage says %d tokens", progressed, resp.EvalCount)
		}
		t.Logf("answer %q, prompt %d tokens, answer %d tokens, %v", resp.Content, resp.PromptEvalCount, resp.EvalCount, resp.TotalDuration)
	})

	t.Run("truncated", func(t *testing.T) {
		short := req
		short.Options.NumPredict = 8
		resp, err := c.Chat(ctx, short, nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.DoneReason != "length" || resp.EvalCount != 8 {
			t.Errorf("finish %q after %d tokens, want length after 8", resp.DoneReason, resp.EvalCount)
		}
	})

	t.Run("missing model", func(t *testing.T) {
		missing := req
		missing.Model = "not-installed"
		_, err := c.Chat(ctx, missing, nil)
		if !errors.Is(err, review.ErrModelNotFound) {
			t.Errorf("chat: %v, want ErrModelNotFound", err)
		}
		if _, err := c.Show(ctx, "not-installed"); !errors.Is(err, review.ErrModelNotFound) {
			t.Errorf("show: %v, want ErrModelNotFound", err)
		}
	})
}
