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
