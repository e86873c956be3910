package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/quorum-review/quorum/internal/tinymodel"
	"github.com/quorum-review/quorum/prompts"
)

// The panel every e2e test installs: three terse models under family-like
// names, each with its own context length so `quorum models` has something
// to get right, and one random model.
var terse = []struct {
	Name    string
	Context uint32
}{
	{"tinyqwen", 16384},
	{"tinygemma", 32768},
	{"tinyphi", 65536},
}

const randomModel = "tinyllama-random"

// start runs a server with the panel installed.
func start(t *testing.T) *Server {
	t.Helper()
	s := Start(t, Binary(t))
	for i, m := range terse {
		s.Create(t, m.Name, tinymodel.Config{Kind: tinymodel.Terse, Seed: uint64(i + 1), ContextLength: m.Context})
	}
	s.Create(t, randomModel, tinymodel.Config{Kind: tinymodel.Random, Seed: 1, ContextLength: 32768})
	return s
}

func client(s *Server) *api.Client { return api.NewClient(s.URL, http.DefaultClient) }

func schemaValidator(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(prompts.Schema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// chat sends one non-streamed review-shaped request, as quorum does.
func chat(ctx context.Context, c *api.Client, model string, numPredict int, fn func(api.ChatResponse)) (api.ChatResponse, error) {
	stream := fn != nil
	req := &api.ChatRequest{
		Model: model,
		Messages: []api.Message{
			{Role: "system", Content: "You review code. Answer with JSON only."},
			{Role: "user", Content: "diff --git a/main.go b/main.go\n+func main() { panic(1) }\n"},
		},
		Format: json.RawMessage(prompts.Schema()),
		Stream: &stream,
		Options: map[string]any{
			"temperature": 0,
			"seed":        1,
			"num_ctx":     4096,
			"num_predict": numPredict,
		},
	}
	var last api.ChatResponse
	var content strings.Builder
	err := c.Chat(ctx, req, func(r api.ChatResponse) error {
		content.WriteString(r.Message.Content)
		last = r
		if fn != nil {
			fn(r)
		}
		return nil
	})
	last.Message.Content = content.String()
	return last, err
}

// TestRealServer proves the server path on its own, independent of quorum:
// what /api/show says, schema-constrained answers, the server's metrics,
// truncation, a missing model, and cancellation.
func TestRealServer(t *testing.T) {
	s := start(t)
	c := client(s)
	ctx := context.Background()
	validate := schemaValidator(t)

	t.Run("show", func(t *testing.T) {
		for _, m := range append(slices.Clone(terse), struct {
			Name    string
			Context uint32
		}{randomModel, 32768}) {
			resp, err := c.Show(ctx, &api.ShowRequest{Model: m.Name})
			if err != nil {
				t.Fatalf("show %s: %v", m.Name, err)
			}
			if got := resp.ModelInfo["llama.context_length"]; got != float64(m.Context) {
				t.Errorf("%s: context length %v, want %d", m.Name, got, m.Context)
			}
			if !slices.Contains(resp.Capabilities, "completion") {
				t.Errorf("%s: capabilities %v lack completion", m.Name, resp.Capabilities)
			}
			if resp.Details.Family != "llama" || resp.Details.ParameterSize == "" {
				t.Errorf("%s: details %+v", m.Name, resp.Details)
			}
		}
	})

	t.Run("terse answers", func(t *testing.T) {
		for _, m := range terse {
			resp, err := chat(ctx, c, m.Name, 4096, nil)
			if err != nil {
				t.Fatalf("%s: %v", m.Name, err)
			}
			checkAnswer(t, validate, m.Name, resp)
			if got, want := resp.Message.Content, `{"summary":"","findings":[]}`; got != want {
				t.Errorf("%s answered %q, want the smallest valid document %q", m.Name, got, want)
			}
		}
	})

	t.Run("random answers", func(t *testing.T) {
		resp, err := chat(ctx, c, randomModel, 8192, nil)
		if err != nil {
			t.Fatal(err)
		}
		checkAnswer(t, validate, randomModel, resp)
		var a struct {
			Findings []struct{ File, Quote string } `json:"findings"`
		}
		if err := json.Unmarshal([]byte(resp.Message.Content), &a); err != nil {
			t.Fatal(err)
		}
		if len(a.Findings) != 1 || a.Findings[0].File == "main.go" {
			t.Errorf("random model findings %+v, want one garbage finding", a.Findings)
		}
	})

	t.Run("truncated", func(t *testing.T) {
		resp, err := chat(ctx, c, terse[0].Name, 8, nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.DoneReason != "length" || resp.EvalCount != 8 {
			t.Errorf("done_reason %q after %d tokens, want length after 8", resp.DoneReason, resp.EvalCount)
		}
		if json.Valid([]byte(resp.Message.Content)) {
			t.Errorf("a truncated answer parsed as JSON: %q", resp.Message.Content)
		}
	})

	t.Run("missing model", func(t *testing.T) {
		_, err := chat(ctx, c, "not-installed", 10, nil)
		var se api.StatusError
		if !errors.As(err, &se) || se.StatusCode != http.StatusNotFound {
			t.Errorf("err = %v, want a 404 status error", err)
		}
		_, err = c.Show(ctx, &api.ShowRequest{Model: "not-installed"})
		if !errors.As(err, &se) || se.StatusCode != http.StatusNotFound {
			t.Errorf("show err = %v, want a 404 status error", err)
		}
	})

	t.Run("cancel", func(t *testing.T) {
		base := probe(t, c, randomModel)
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		var tokens int
		begun := time.Time{}
		start := time.Now()
		_, err := chat(cctx, c, randomModel, 8192, func(api.ChatResponse) {
			tokens++
			if tokens == 20 {
				begun = time.Now()
				cancel()
			}
		})
		ended := time.Now()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v after %d tokens, want context.Canceled", err, tokens)
		}
		if d := ended.Sub(begun); d > time.Second {
			t.Errorf("request ended %v after cancel, want under 1s", d)
		}
		t.Logf("cancelled after %d tokens, %v into the request", tokens, begun.Sub(start))
		// The server stops generating: its one slot (OLLAMA_NUM_PARALLEL=1)
		// is free for the next request at once, where a generation still
		// running would hold it for seconds more.
		if d := probe(t, c, randomModel); d > slotFree(base) {
			t.Errorf("the next request took %v (idle: %v): the cancelled generation kept the slot", d, base)
		}
	})

	t.Run("ps", func(t *testing.T) {
		resp, err := c.ListRunning(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, m := range resp.Models {
			names = append(names, m.Name)
		}
		for _, m := range terse {
			if !slices.Contains(names, m.Name+":latest") {
				t.Errorf("/api/ps lists %v, want %s loaded", names, m.Name)
			}
		}
	})
}

// checkAnswer asserts a finished, schema-valid answer with the server's own metrics.
func checkAnswer(t *testing.T, validate *jsonschema.Schema, model string, resp api.ChatResponse) {
	t.Helper()
	if !resp.Done || resp.DoneReason != "stop" {
		t.Errorf("%s: done %v, done_reason %q, want a finished answer", model, resp.Done, resp.DoneReason)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(resp.Message.Content))
	if err != nil {
		t.Fatalf("%s: answer is not JSON: %v\n%s", model, err, resp.Message.Content)
	}
	if err := validate.Validate(inst); err != nil {
		t.Errorf("%s: answer fails the reviewer schema: %v", model, err)
	}
	m := resp.Metrics
	if m.TotalDuration <= 0 || m.PromptEvalCount <= 0 || m.EvalCount <= 0 || m.EvalDuration <= 0 || m.TotalDuration < m.EvalDuration {
		t.Errorf("%s: server metrics %+v", model, m)
	}
}

// probe times a one-token answer from model: how long a request takes when
// the model's slot is free.
func probe(t *testing.T, c *api.Client, model string) time.Duration {
	t.Helper()
	t0 := time.Now()
	resp, err := chat(context.Background(), c, model, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.DoneReason != "length" {
		t.Fatalf("probe of %s: done_reason %q", model, resp.DoneReason)
	}
	return time.Since(t0)
}

// slotFree bounds a probe that found the slot free, given an idle probe's
// time: generous for a loaded machine, yet well below the seconds that an
// abandoned random-model answer would still hold the slot.
func slotFree(idle time.Duration) time.Duration { return 3*idle + time.Second }
