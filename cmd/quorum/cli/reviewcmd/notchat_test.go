package reviewcmd

import (
	"context"
	"testing"

	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/ollamatest"
)

// A reviewer named with --models that is an embedding model is refused up
// front, with what it is and what to run: exit 2, no model loaded or asked,
// whether the server reports capabilities (current ollama), only the
// pooling type (v0.6.5 and older), or only the family.
func TestEmbeddingModelRefused(t *testing.T) {
	const hint = "hint: name a chat model in --models (or models: in .quorum.yaml); 'quorum models' lists the installed models and which can chat\n"
	bert := ollamatest.Model{Name: "all-minilm:22m", Family: "bert", ParameterSize: "23M", Quantization: "F16",
		ContextLength: 512, Capabilities: []string{"embedding"}, NoPoolingType: true}
	for _, tc := range []struct {
		name   string
		cfg    ollamatest.Config
		models string
		want   string
	}{
		{"capabilities", ollamatest.Config{}, "nomic-embed-text",
			"error: nomic-embed-text is an embedding model (family nomic-bert): it cannot chat, so it cannot review\n"},
		{"pooling type only", ollamatest.Config{OmitCapabilities: true}, "nomic-embed-text:latest",
			"error: nomic-embed-text:latest is an embedding model (family nomic-bert): it cannot chat, so it cannot review\n"},
		{"beside a chat model", ollamatest.Config{}, "qwen2.5-coder:7b,nomic-embed-text",
			"error: nomic-embed-text is an embedding model (family nomic-bert): it cannot chat, so it cannot review\n"},
		{"family only", ollamatest.Config{OmitCapabilities: true, Models: append(ollamatest.DefaultModels(), bert)}, "all-minilm:22m",
			"error: all-minilm:22m is an embedding model (family bert): it cannot chat, so it cannot review\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.cfg)
			res := e.run(context.Background(), "-q", "--models", tc.models)
			if res.code != 2 || res.stdout != "" || res.stderr != tc.want+hint {
				t.Errorf("exit %d, stdout %q, stderr:\n%swant:\n%s", res.code, res.stdout, res.stderr, tc.want+hint)
			}
			if n := e.srv.ModelCalls(); n != 0 || len(e.srv.Loads()) != 0 {
				t.Errorf("%d model calls, loads %v: want none", n, e.srv.Loads())
			}
		})
	}
	// The same name in .quorum.yaml is refused the same way.
	e := newEnv(t, ollamatest.Config{})
	e.repo.Write(".quorum.yaml", "models:\n  - name: nomic-embed-text\n")
	res := e.run(context.Background(), "-q")
	if want := "error: nomic-embed-text is an embedding model (family nomic-bert): it cannot chat, so it cannot review\n" + hint; res.code != 2 || res.stderr != want {
		t.Errorf("from .quorum.yaml: exit %d, stderr:\n%swant:\n%s", res.code, res.stderr, want)
	}
}

// Each named model is described once per review: the up-front chat check
// and the reviewer's setup share the server's answer.
func TestEachModelIsShownOnce(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	res := e.run(context.Background(), "--models", "qwen2.5-coder:7b,llama3.1:8b", "-q")
	if res.code != exitcode.OK {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if n := e.srv.Count("/api/show"); n != 2 {
		t.Fatalf("%d /api/show requests for 2 models, want 2", n)
	}
}

// One model under two names (a name and its :latest, an `ollama cp` copy)
// is one opinion: as two reviewers it would meet --min-agreement 2 alone.
// It is refused up front, naming both and the shared ID, with no chat.
func TestOneModelUnderTwoNamesRefused(t *testing.T) {
	const hint = "hint: list the model once in --models (or models: in .quorum.yaml); 'ollama list' shows each name's ID\n"
	digest := "sha256:4f2a9c0d1e7b88aa0123456789abcdef0123456789abcdef0123456789abcdef"
	models := []ollamatest.Model{
		{Name: "coder:latest", Family: "qwen2", ContextLength: 32768, Capabilities: []string{"completion"}, Digest: digest},
		{Name: "coder-copy:latest", Family: "qwen2", ContextLength: 32768, Capabilities: []string{"completion"}, Digest: digest},
		{Name: "llama3.1:8b", Family: "llama", ContextLength: 131072, Capabilities: []string{"completion"}},
	}
	for _, tc := range []struct{ models, want string }{
		{"coder,coder:latest", "error: coder and coder:latest are one model (ID 4f2a9c0d1e7b): as two reviewers they would agree with themselves\n"},
		{"coder,llama3.1:8b,coder-copy", "error: coder and coder-copy are one model (ID 4f2a9c0d1e7b): as two reviewers they would agree with themselves\n"},
		// The default namespace and registry, as ollama reads them.
		{"coder,library/coder", "error: coder and library/coder are one model (ID 4f2a9c0d1e7b): as two reviewers they would agree with themselves\n"},
		{"registry.ollama.ai/library/coder:latest,coder", "error: registry.ollama.ai/library/coder:latest and coder are one model (ID 4f2a9c0d1e7b): as two reviewers they would agree with themselves\n"},
	} {
		e := newEnv(t, ollamatest.Config{Models: models})
		res := e.run(context.Background(), "-q", "--models", tc.models, "--min-agreement", "2")
		if res.code != exitcode.Setup || res.stdout != "" || res.stderr != tc.want+hint {
			t.Errorf("%s: exit %d, stdout %q, stderr:\n%swant:\n%s", tc.models, res.code, res.stdout, res.stderr, tc.want+hint)
		}
		if n := e.srv.ModelCalls(); n != 0 {
			t.Errorf("%s: %d model calls, want none", tc.models, n)
		}
	}
	// Two different models are two reviewers.
	e := newEnv(t, ollamatest.Config{Models: models})
	if res := e.run(context.Background(), "-q", "--models", "coder,llama3.1:8b"); res.code != exitcode.OK {
		t.Fatalf("two models: exit %d\n%s", res.code, res.stderr)
	}
}
