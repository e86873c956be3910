package ollamatest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/quorum-review/quorum/internal/ollamatest"
)

// A typical test: two models, a scripted answer for prompts that mention
// "Divide", a 503 the first time llama is asked, and 2 s loads that the
// test does not wait for (TimeScale 0) but sees in the reported durations.
func Example() {
	t := &cleanups{} // in a real test, the *testing.T you are given
	defer t.run()
	srv := ollamatest.New(t, ollamatest.Config{
		Models: []ollamatest.Model{
			{Name: "qwen2.5-coder:7b", Family: "qwen2", ParameterSize: "7.6B", ContextLength: 32768, Capabilities: []string{"completion"}},
			{Name: "llama3.1:8b", Family: "llama", ParameterSize: "8.0B", ContextLength: 131072},
		},
		Rules:    []ollamatest.Rule{{Contains: "Divide", Reply: `{"summary":"division by zero","findings":[]}`}},
		Faults:   []ollamatest.Fault{{Kind: ollamatest.FaultBusy, Model: "llama3.1:8b", Times: 1}},
		LoadTime: 2 * time.Second,
	})

	u, _ := url.Parse(srv.URL)
	c := api.NewClient(u, &http.Client{})
	var answer string
	var load time.Duration
	_ = c.Chat(context.Background(), &api.ChatRequest{
		Model:    "qwen2.5-coder:7b",
		Messages: []api.Message{{Role: "user", Content: "func Divide(a, b int) int { return a / b }"}},
	}, func(r api.ChatResponse) error {
		answer += r.Message.Content
		if r.Done {
			load = r.LoadDuration
		}
		return nil
	})
	fmt.Println(answer)
	fmt.Println("load:", load, "model calls:", srv.ModelCalls(), "loads:", len(srv.Loads()))
	// Output:
	// {"summary":"division by zero","findings":[]}
	// load: 2s model calls: 1 loads: 1
}

type cleanups struct{ fns []func() }

func (c *cleanups) Helper()          {}
func (c *cleanups) Cleanup(f func()) { c.fns = append(c.fns, f) }
func (c *cleanups) run() {
	for i := len(c.fns) - 1; i >= 0; i-- {
		c.fns[i]()
	}
}
