package openai

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review"
)

var urlHost = url.URL{Scheme: "http", Host: "127.0.0.1:1", Path: "/v1"}

// llama-server's /v1/models: one model, meta with the training context,
// created set to the time of the request.
func llamaModels(created int) string {
	return fmt.Sprintf(`{"object":"list","data":[{"id":"models/qwen2.5-coder-7b-instruct-q4_k_m.gguf","object":"model","created":%d,"owned_by":"llamacpp",`+
		`"meta":{"vocab_type":2,"n_vocab":152064,"n_ctx_train":32768,"n_embd":3584,"n_params":7615616512,"size":4677120000}}]}`, created)
}

// vLLM's /v1/models: max_model_len, root, and a permission list with fresh ids.
func vllmModels(created int) string {
	return fmt.Sprintf(`{"object":"list","data":[{"id":"Qwen/Qwen2.5-Coder-7B-Instruct","object":"model","created":%d,"owned_by":"vllm",`+
		`"root":"Qwen/Qwen2.5-Coder-7B-Instruct","parent":null,"max_model_len":16384,`+
		`"permission":[{"id":"modelperm-%d","object":"model_permission","created":%d}]},`+
		`{"id":"gemma-2b","object":"model","created":%d,"owned_by":"vllm","root":"google/gemma-2b","parent":null,"max_model_len":"odd"}]}`, created, created, created, created)
}

func TestListShapes(t *testing.T) {
	for _, tt := range []struct {
		name   string
		body   func(int) string
		want   []review.ModelInfo
		lookup string
	}{
		{"llama-server", llamaModels, []review.ModelInfo{
			{Name: "models/qwen2.5-coder-7b-instruct-q4_k_m.gguf", Family: "qwen2.5-coder", ContextLength: 32768, Capabilities: []string{"completion"}},
		}, "models/qwen2.5-coder-7b-instruct-q4_k_m.gguf"},
		{"vllm", vllmModels, []review.ModelInfo{
			{Name: "Qwen/Qwen2.5-Coder-7B-Instruct", Family: "qwen2.5-coder", ContextLength: 16384, Capabilities: []string{"completion"}},
			{Name: "gemma-2b", Family: "gemma", ContextLength: 0, Capabilities: []string{"completion"}},
		}, "gemma-2b"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/v1/models" || r.Method != http.MethodGet {
					t.Errorf("%s %s", r.Method, r.URL.Path)
				}
				calls++
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, tt.body(1700000000+calls)) // a new "created" every time
			})
			c, _ := f.client(t, Config{})
			got, err := c.List(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v", got)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Name != w.Name || g.Family != w.Family || g.ContextLength != w.ContextLength || fmt.Sprint(g.Capabilities) != fmt.Sprint(w.Capabilities) {
					t.Errorf("model %d = %+v, want %+v", i, g, w)
				}
				if !strings.HasPrefix(g.Digest, "openai:") || len(g.Digest) != len("openai:")+16 {
					t.Errorf("digest %q", g.Digest)
				}
			}
			// The digest is stable across requests although "created" changes.
			again, err := c.Show(context.Background(), tt.lookup)
			if err != nil {
				t.Fatal(err)
			}
			if again.Digest != got[len(got)-1].Digest || again.Name != tt.lookup {
				t.Errorf("Show = %+v, List said %+v", again, got[len(got)-1])
			}
			if _, err := c.Show(context.Background(), "missing"); !errors.Is(err, review.ErrModelNotFound) || !strings.Contains(err.Error(), `does not list model "missing"`) {
				t.Errorf("Show(missing) = %v", err)
			}
		})
	}
}

// The digest depends on the server (base URL) and on what the server says
// about the model, not only on its name.
func TestDigestIdentity(t *testing.T) {
	a := &Client{base: &url.URL{Scheme: "http", Host: "127.0.0.1:8080", Path: "/v1"}}
	b := &Client{base: &url.URL{Scheme: "http", Host: "127.0.0.1:8081", Path: "/v1"}}
	e := modelEntry{ID: "m", OwnedBy: "llamacpp", Meta: map[string]any{"n_params": 1.0, "size": 2.0}}
	e2 := e
	e2.Meta = map[string]any{"size": 2.0, "n_params": 1.0}
	e3 := e
	e3.Meta = map[string]any{"n_params": 1.0, "size": 3.0}
	if a.digest(e) != a.digest(e2) {
		t.Error("digest depends on map order")
	}
	if a.digest(e) == b.digest(e) || a.digest(e) == a.digest(e3) {
		t.Error("digest ignores the server or the model's metadata")
	}
}

// Ollama's /v1 lists "name:latest"; a name without a tag finds it.
func TestShowOllamaNames(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"object":"list","data":[{"id":"tinyqwen:latest","object":"model","created":1,"owned_by":"library"},{"id":"qwen2.5-coder:7b","object":"model","created":2,"owned_by":"library"}]}`)
	})
	c, _ := f.client(t, Config{})
	m, err := c.Show(context.Background(), "tinyqwen")
	if err != nil || m.Name != "tinyqwen:latest" || m.Family != "tinyqwen" {
		t.Errorf("Show = %+v, %v", m, err)
	}
	if !c.SameModel("tinyqwen", "tinyqwen:latest") || c.SameModel("qwen2.5-coder", "qwen2.5-coder:7b") {
		t.Error("SameModel")
	}
}

func TestListNotOpenAI(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<html>hello</html>") })
	c, _ := f.client(t, Config{})
	if _, err := c.List(context.Background()); !errors.Is(err, ErrServer) {
		t.Errorf("err = %v", err)
	}
}

func TestFamily(t *testing.T) {
	for id, want := range map[string]string{
		"qwen2.5-coder:7b":                             "qwen2.5-coder",
		"Qwen/Qwen2.5-Coder-7B-Instruct":               "qwen2.5-coder",
		"models/qwen2.5-coder-7b-instruct-q4_k_m.gguf": "qwen2.5-coder",
		"meta-llama/Llama-3.1-8B-Instruct":             "llama-3.1",
		"mistralai/Mixtral-8x7B-Instruct-v0.1":         "mixtral",
		"HuggingFaceTB/SmolLM2-135M-Instruct":          "smollm2",
		"deepseek-coder-v2":                            "deepseek-coder-v2",
		"gemma-2b":                                     "gemma",
		"tinyqwen:latest":                              "tinyqwen",
	} {
		if got := Family(id); got != want {
			t.Errorf("Family(%q) = %q, want %q", id, got, want)
		}
	}
}

// Ollama's /v1 reports a model's modification time as "created" (owned_by
// "library"): a model re-created under its name (another PARAMETER
// num_ctx) gets a new digest, so its tokenizer figure and context check
// are made anew. The same listing read twice keeps it.
func TestOllamaRecreatedModelGetsANewDigest(t *testing.T) {
	created := 1
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"object":"list","data":[{"id":"m:latest","object":"model","created":%d,"owned_by":"library"}]}`, created)
	})
	c, _ := f.client(t, Config{})
	show := func() string {
		m, err := c.Show(context.Background(), "m")
		if err != nil {
			t.Fatal(err)
		}
		return m.Digest
	}
	first, again := show(), show()
	created = 2
	if recreated := show(); first != again || recreated == first {
		t.Errorf("digests %s, %s, then re-created %s", first, again, recreated)
	}
}
