package reviewcmd

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff/difftest"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/ollamatest"
)

// --context and the context config choose how much code around each change
// the models see; the flag beats the file, and a bad level is a setup error.
func TestContextLevelReachesThePrompt(t *testing.T) {
	r := difftest.New(t)
	long := func(op string) string {
		var b strings.Builder
		b.WriteString("package calc\n\nfunc Sum(xs []int) int {\n\ttotal := 0\n")
		for i := range 12 {
			fmt.Fprintf(&b, "\ttotal += xs[%d]\n", i)
		}
		b.WriteString("\treturn total " + op + " 0\n}\n")
		return b.String()
	}
	r.Write("calc.go", long("+"))
	r.Commit("initial")
	r.Git("checkout", "-q", "-b", "feature")
	r.Write("calc.go", long("-"))
	r.Commit("calc: subtract")
	e := &env{t: t, repo: r, srv: ollamatest.New(t, ollamatest.Config{}), cache: t.TempDir(), vars: map[string]string{}}
	prompt := func() string {
		chats := e.srv.Chats()
		return chats[len(chats)-1].Prompt
	}
	if res := e.run(context.Background(), "--models", "qwen2.5-coder:7b", "-q", "--no-cache"); res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	// The default names the enclosing function in the hunk header, with no context section.
	if p := prompt(); !strings.Contains(p, "@@ -14,5 +14,5 @@ func Sum(xs []int) int {\n") || strings.Contains(p, " context of ") {
		t.Errorf("default prompt:\n%s", p)
	}
	e.repo.Write(".quorum.yaml", "context: function\n")
	if res := e.run(context.Background(), "--models", "qwen2.5-coder:7b", "-q", "--no-cache"); res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	if p := prompt(); !strings.Contains(p, " context of calc.go at head\n3 func Sum(xs []int) int {\n") {
		t.Errorf("context: function sent no context:\n%s", p)
	}
	res := e.run(context.Background(), "--models", "qwen2.5-coder:7b", "-q", "--no-cache", "--context", "none", "--format", "json")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	// The report says which level its prompts used.
	if !strings.Contains(res.stdout, `"context": "none"`) && !strings.Contains(res.stdout, `"context":"none"`) {
		t.Errorf("report options lack the context level:\n%s", res.stdout)
	}
	if p := prompt(); strings.Contains(p, " context of ") {
		t.Errorf("--context none beat by the file:\n%s", p)
	}
	res = e.run(context.Background(), "-q", "--context", "everything")
	if res.code != exitcode.Setup || !strings.Contains(res.stderr, `error: flag --context: "everything" is not a valid context level`) ||
		!strings.Contains(res.stderr, "hint: use one of: none, signature, function") {
		t.Fatalf("bad level: exit %d\n%s", res.code, res.stderr)
	}
}
