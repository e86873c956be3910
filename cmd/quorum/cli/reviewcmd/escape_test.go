package reviewcmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/ollamatest"
)

// evilRepo is a repository whose branch and changed files carry C1 and bidi
// characters (U+009B, U+202E): a source file without a test beside it, so
// checks.source_without_tests names it too.
func evilEnv(t *testing.T) (*env, string) {
	t.Helper()
	evil := ollamatest.Model{Name: "rev\u009b\u202e:7b", Family: "qwen2", ContextLength: 8192, Capabilities: []string{"completion"}}
	e := newEnv(t, ollamatest.Config{Models: []ollamatest.Model{evil}})
	file := "src/\u202egnp\u009b.go"
	e.repo.Git("checkout", "-q", "-b", "feat\u202e\u009b")
	e.repo.Write(file, "package src\n\nfunc Evil() int { return 1 }\n")
	e.repo.Commit("add the evil file")
	return e, evil.Name
}

// Text from the repository (branch, file names) and the server (reviewer
// names) never reaches output raw: --format json and report.json keep it
// exact but write C1 and bidi characters as \uXXXX escapes; the text format
// drops them.
func TestRepositoryAndServerTextInJSON(t *testing.T) {
	e, model := evilEnv(t)
	res := e.run(context.Background(), "--models", model, "-q", "--format", "json")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	if bad := cmdtest.Unsafe(res.stdout + res.stderr); bad != "" {
		t.Errorf("--format json has %s", bad)
	}
	for _, want := range []string{`\u202egnp\u009b.go`, `"feat\u202e\u009b"`, `rev\u009b\u202e:7b`} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("--format json lacks the escaped %s", want)
		}
	}
	saved, _ := filepath.Glob(filepath.Join(e.repo.Dir, ".git", "quorum", "reports", "*", "*.json"))
	if len(saved) == 0 {
		t.Fatal("no report saved")
	}
	for _, p := range saved {
		data, _ := os.ReadFile(p)
		if bad := cmdtest.Unsafe(string(data)); bad != "" {
			t.Errorf("%s has %s", filepath.Base(p), bad)
		}
	}
	for _, format := range []string{"text", "markdown", "sarif", "rdjsonl"} {
		res := e.run(context.Background(), "--models", model, "-q", "--format", format)
		if bad := cmdtest.Unsafe(res.stdout + res.stderr); bad != "" {
			t.Errorf("--format %s has %s", format, bad)
		}
	}
	res = e.run(context.Background(), "--models", model, "-q", "--raw", "--format", "json")
	if bad := cmdtest.Unsafe(res.stdout + res.stderr); bad != "" {
		t.Errorf("--raw --format json has %s", bad)
	}
}
