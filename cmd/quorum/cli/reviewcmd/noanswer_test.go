package reviewcmd

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/ollamatest"
)

// When no reviewer answers, a machine format still gets its document: the
// report whose verdict is "incomplete", resting on nobody (a CI step that
// uploads SARIF or reads JSON must never be handed an empty file). The
// error, its hint and exit 2 are unchanged; the terminal shows nothing on
// stdout, as before.
func TestNoAnswerStillWritesTheDocument(t *testing.T) {
	cfg := ollamatest.Config{Faults: []ollamatest.Fault{{Kind: ollamatest.FaultServerError}}}
	const failed, unreachable = "error: no reviewer could answer: chat with qwen2.5-coder:7b: ollama failed (500)", "error: cannot reach ollama at 127.0.0.1:1"
	for _, tc := range []struct{ name, format, host, err string }{
		{"json", "json", "", failed}, {"sarif", "sarif", "", failed}, {"rdjsonl", "rdjsonl", "", failed}, {"markdown", "markdown", "", failed}, {"text", "text", "", failed},
		// The server unreachable before any review starts (the default
		// panel is read from it): the same.
		{"unreachable json", "json", "127.0.0.1:1", unreachable}, {"unreachable sarif", "sarif", "127.0.0.1:1", unreachable}, {"unreachable text", "text", "127.0.0.1:1", unreachable},
	} {
		format := tc.format
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, cfg)
			if tc.host != "" {
				e.vars["OLLAMA_HOST"] = tc.host
			}
			args := []string{"--models", "qwen2.5-coder:7b", "-q", "--format", format}
			if tc.host != "" {
				args = args[2:]
			}
			res := e.run(context.Background(), args...)
			lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
			if res.code != 2 || len(lines) < 2 || !strings.HasPrefix(lines[len(lines)-2], tc.err) ||
				!strings.HasPrefix(lines[len(lines)-1], "hint: ") {
				t.Fatalf("exit %d, stderr:\n%s", res.code, res.stderr)
			}
			switch format {
			case "text":
				if res.stdout != "" {
					t.Errorf("text: stdout %q, want nothing (stderr says it)", res.stdout)
				}
			case "json":
				var doc struct {
					Verdict struct{ Status string } `json:"verdict"`
				}
				if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil || doc.Verdict.Status != "incomplete" {
					t.Errorf("json: verdict %q (%v)\n%s", doc.Verdict.Status, err, res.stdout)
				}
			case "sarif":
				var doc struct {
					Version string `json:"version"`
					Runs    []any  `json:"runs"`
				}
				if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil || doc.Version != "2.1.0" || len(doc.Runs) != 1 {
					t.Errorf("sarif: %v\n%s", err, res.stdout)
				}
			case "markdown":
				if !strings.HasPrefix(res.stdout, "# quorum review") || !strings.Contains(strings.ToLower(res.stdout), "incomplete") {
					t.Errorf("markdown:\n%s", res.stdout)
				}
			}
		})
	}
}

// A change whose every file the rules leave out is not "nothing to
// review": the files changed. The review names them (even with -q) with a
// hint, asks no model, and exits 0; the JSON verdict says the same.
func TestEverySkippedFileIsNamed(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	res := e.run(context.Background(), "-q", "--ignore", "*.go")
	if res.code != 0 || e.srv.ModelCalls() != 0 || res.stdout != "" {
		t.Fatalf("exit %d, %d model calls, stdout %q", res.code, e.srv.ModelCalls(), res.stdout)
	}
	want := "quorum: nothing reviewed: every changed file was skipped: calc.go (ignored), util.go (ignored)\nhint: such files are not reviewed, by the rules; 'quorum diff' (with this review's range flags) lists each with its reason\n"
	if res.stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", res.stderr, want)
	}
	res = e.run(context.Background(), "-q", "--ignore", "*.go", "--format", "json")
	var doc struct {
		Verdict struct{ Status, Text string } `json:"verdict"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil || res.code != 0 || doc.Verdict.Status != "empty" ||
		doc.Verdict.Text != "nothing reviewed: every changed file was skipped: calc.go (ignored), util.go (ignored)" {
		t.Errorf("json: exit %d, verdict %+v (%v)", res.code, doc.Verdict, err)
	}
	// An empty range is still "nothing to review", and -q silences it.
	e.repo.Git("checkout", "-q", "main")
	wantEmpty := "quorum: nothing to review: HEAD has no commit that main lacks\n" +
		"hint: review uncommitted changes with --worktree (or the index with --staged), or commits already on the base with --commits A..B\n"
	if res = e.run(context.Background()); res.code != 0 || res.stderr != wantEmpty {
		t.Errorf("empty range: exit %d, stderr %q", res.code, res.stderr)
	}
	if res = e.run(context.Background(), "-q"); res.code != 0 || res.stderr != "" {
		t.Errorf("empty range, -q: exit %d, stderr %q", res.code, res.stderr)
	}
}

// With every panel model missing, the error names each one, not only the
// first: pulling one and running again is not how the user should find
// the next.
func TestEveryMissingModelIsNamed(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	res := e.run(context.Background(), "--models", "nope:1b,gone:2b,absent:3b", "-q")
	if res.code != 2 || !strings.Contains(res.stderr, `model "nope:1b" is not installed`) ||
		!strings.Contains(res.stderr, `; also not installed: "gone:2b", "absent:3b"`+"\n") ||
		!strings.HasSuffix(res.stderr, "\nhint: ollama pull nope:1b && ollama pull gone:2b && ollama pull absent:3b\n") {
		t.Fatalf("exit %d, stderr:\n%s", res.code, res.stderr)
	}
}

// A panel model a typo away from an installed one gets "did you mean":
// before the pull when nobody could answer (pulling the typo fails, or
// fetches a model nobody meant), and on its own line when the others
// reviewed. A name near none gets the pull alone.
func TestMissingModelDidYouMean(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	res := e.run(context.Background(), "--models", "qwen2.5-codr:7b", "-q")
	if res.code != 2 || !strings.HasSuffix(res.stderr, "\nhint: did you mean qwen2.5-coder:7b instead of qwen2.5-codr:7b? ('quorum models' lists the installed models); else ollama pull qwen2.5-codr:7b\n") {
		t.Fatalf("alone: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	res = e.run(context.Background(), "--models", "qwen2.5-codr:7b,llama3.1:8b", "-q", "--fail-on", "none")
	if res.code != 0 || !strings.Contains(res.stderr, "quorum: a panel model is not installed: did you mean qwen2.5-coder:7b instead of qwen2.5-codr:7b? ('quorum models' lists the installed models)\n") {
		t.Fatalf("beside another: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	// The tag left off, a typo in the tag, and a model the panel already
	// has is no answer.
	res = e.run(context.Background(), "--models", "qwen2.5-coder", "-q")
	if res.code != 2 || !strings.Contains(res.stderr, "hint: did you mean qwen2.5-coder:7b instead of qwen2.5-coder?") {
		t.Fatalf("tag left off: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	res = e.run(context.Background(), "--models", "qwen2.5-coder:7", "-q")
	if res.code != 2 || !strings.Contains(res.stderr, "hint: did you mean qwen2.5-coder:7b instead of qwen2.5-coder:7?") {
		t.Fatalf("tag typo: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	res = e.run(context.Background(), "--models", "qwen2.5-codr:7b,qwen2.5-coder:7b", "-q", "--fail-on", "none")
	if res.code != 0 || strings.Contains(res.stderr, "did you mean") {
		t.Fatalf("near a panel model: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	res = e.run(context.Background(), "--models", "zephyr:7b", "-q")
	if res.code != 2 || strings.Contains(res.stderr, "did you mean") || !strings.HasSuffix(res.stderr, "\nhint: ollama pull zephyr:7b\n") {
		t.Fatalf("no near model: exit %d, stderr:\n%s", res.code, res.stderr)
	}
}
