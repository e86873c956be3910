package reviewcmd

import (
	"context"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/ollamatest"
)

// TestNothingFitsIsNotAPass: a model whose context cannot hold the prompt's
// fixed part beside a single line of the diff reviews nothing; that is a
// setup error with a hint, never "passed" with exit 0.
func TestNothingFitsIsNotAPass(t *testing.T) {
	e := newEnv(t, ollamatest.Config{Models: []ollamatest.Model{
		{Name: "tiny:1b", Family: "tiny", ContextLength: 512, Capabilities: []string{"completion"}},
	}})
	res := e.run(context.Background(), "--models", "tiny:1b", "-q", "--max-context", "512")
	if res.code != exitcode.Setup {
		t.Fatalf("exit %d, want 2\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[len(lines)-2], "error: no reviewer could answer: no part of the diff fits") ||
		!strings.HasPrefix(lines[len(lines)-1], "hint: give the model a larger context") {
		t.Fatalf("stderr:\n%s", res.stderr)
	}
}

// TestOwnContextTooSmall: a model whose own context cannot hold the
// prompt is helped by no context setting (ollama runs no model past its
// own context), and the hint says so: it named --max-context and num_ctx.
// It names --num-predict only where a lower one lets the diff in.
func TestOwnContextTooSmall(t *testing.T) {
	models := []ollamatest.Model{{Name: "tiny:1b", Family: "tiny", ContextLength: 512, Capabilities: []string{"completion"}}}
	e := newEnv(t, ollamatest.Config{Models: models})
	res := e.run(context.Background(), "--models", "tiny:1b", "-q", "--max-context", "32768")
	lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
	if res.code != exitcode.Setup || len(lines) < 2 || !strings.Contains(lines[len(lines)-2], "num_ctx 512 (the model's own context)") ||
		lines[len(lines)-1] != "hint: its own context is too small for quorum's prompt and the room kept for an answer (a lower --num-predict would not help): review with a model of a larger context ('quorum models' lists each one's)" {
		t.Fatalf("exit %d\nstderr:\n%s", res.code, res.stderr)
	}
	// Where a smaller answer budget would leave the prompt room, the hint
	// names the --num-predict that does, and following it works.
	models = []ollamatest.Model{{Name: "tiny:1b", Family: "tiny", ContextLength: 1400, Capabilities: []string{"completion"}}}
	e = newEnv(t, ollamatest.Config{Models: models})
	res = e.run(context.Background(), "--models", "tiny:1b", "-q", "--max-context", "32768")
	if !strings.HasSuffix(strings.TrimSpace(res.stderr), "hint: its own context is too small for quorum's prompt beside the answer's room: lower --num-predict (num_predict in .quorum.yaml) to 280, or review with a model of a larger context ('quorum models' lists each one's)") {
		t.Fatalf("exit %d\nstderr:\n%s", res.code, res.stderr)
	}
	if res = e.run(context.Background(), "--models", "tiny:1b", "-q", "--max-context", "32768", "--num-predict", "280"); res.code != 0 {
		t.Errorf("with the hint's --num-predict: exit %d\n%s", res.code, res.stderr)
	}
}
