package pipeline_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/cmd/quorum/cli/reviewcmd"
	"github.com/quorum-review/quorum/diff/difftest"
	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/ollamatest"
)

// TestUnfitFileEndToEnd is the adversarial tester's commit through `quorum
// review`: long.js is one 45 KB line that no context of tinyllama (2048
// tokens) can hold even one line at a time, small.go fits. The review is
// not a pass: exit 2, verdict.status "incomplete" with the gate tripped,
// long.js "truncated" in the coverage and named in the verdict with what to
// do, and the summary counts only small.go's lines. With long.js left out
// by --ignore (a minified bundle), the same commit is a clean pass.
func TestUnfitFileEndToEnd(t *testing.T) {
	repo := difftest.New(t)
	repo.Write("README.md", "base\n")
	repo.Commit("initial")
	repo.Git("checkout", "-q", "-b", "feature")
	repo.Write("long.js", "var x = '"+strings.Repeat("a", 45000)+"';\n")
	repo.Write("small.go", "package small\n\nfunc F() int { return 1 }\n")
	repo.Commit("add long.js and small.go")

	srv := ollamatest.New(t, ollamatest.Config{Models: []ollamatest.Model{
		{Name: "tinyllama:latest", Family: "llama", ContextLength: 2048, Capabilities: []string{"completion"}},
	}})
	cache := t.TempDir()
	run := func(args ...string) (int, string, string) {
		t.Helper()
		f, out, errOut := cmdtest.NewFactory(repo.Dir, map[string]string{
			"OLLAMA_HOST":      srv.Host,
			"QUORUM_CACHE_DIR": cache,
			"HOME":             repo.Home,
			"XDG_CONFIG_HOME":  filepath.Join(repo.Home, ".config"),
		})
		f.Now = time.Now
		code := cmdtest.Execute(context.Background(), reviewcmd.NewCmdReview(f, nil), f.IOStreams, args)
		return code, out.String(), errOut.String()
	}

	code, stdout, stderr := run("--models", "tinyllama", "--base", "main", "--format", "json", "-q")
	if code != exitcode.Setup || !strings.Contains(stderr, "error: review incomplete: long.js read in full by no reviewer (see the coverage)\nhint: leave generated or minified files out") {
		t.Fatalf("exit %d, want %d (not a clean pass)\nstdout:\n%s\nstderr:\n%s", code, exitcode.Setup, stdout, stderr)
	}
	var rep struct {
		Verdict struct {
			Status      string   `json:"status"`
			Text        string   `json:"text"`
			GateTripped bool     `json:"gate_tripped"`
			Unread      []string `json:"unread"`
		} `json:"verdict"`
		Summary struct {
			Text string `json:"text"`
		} `json:"summary"`
		Coverage struct {
			Files []struct {
				Path string            `json:"path"`
				By   map[string]string `json:"by"`
			} `json:"files"`
		} `json:"coverage"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\n%s", err, stdout)
	}
	if rep.Verdict.Status != "incomplete" || !rep.Verdict.GateTripped || strings.Join(rep.Verdict.Unread, ",") != "long.js" {
		t.Errorf("verdict %+v", rep.Verdict)
	}
	for _, want := range []string{"long.js did not fit any reviewer's context, even one line at a time", "generated or minified, leave it out with an ignore glob", "larger context"} {
		if !strings.Contains(rep.Verdict.Text, want) {
			t.Errorf("verdict %q lacks %q", rep.Verdict.Text, want)
		}
	}
	cover := map[string]string{}
	for _, f := range rep.Coverage.Files {
		cover[f.Path] = f.By["tinyllama"]
	}
	if cover["long.js"] != "truncated" || cover["small.go"] != "reviewed" {
		t.Errorf("coverage %v, want long.js truncated and small.go reviewed", cover)
	}
	if !strings.Contains(rep.Summary.Text, "reviewed 1 file (+3 −0)") {
		t.Errorf("summary %q counts lines nobody read", rep.Summary.Text)
	}

	// The text report says the same to a person.
	code, stdout, stderr = run("--models", "tinyllama", "--base", "main", "-q")
	if code != exitcode.Setup || strings.Contains(stdout, "PASS") || !strings.Contains(stdout, "long.js did not fit") {
		t.Errorf("text: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}

	// Replayed from the saved answers, it is still not a pass.
	if code, stdout, stderr = run("--replay", "latest", "-q"); code == 0 {
		t.Errorf("replay: exit 0\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
	}

	// Left out by an ignore glob, the bundle is skipped, not partial.
	code, stdout, stderr = run("--models", "tinyllama", "--base", "main", "--format", "json", "-q", "--ignore", "*.js")
	if code != 0 {
		t.Fatalf("with --ignore: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	rep.Verdict.Unread = nil // omitted when empty: do not keep the first run's
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Verdict.Status != "pass" || len(rep.Verdict.Unread) != 0 || !strings.Contains(stdout, `"file": "long.js"`) {
		t.Errorf("with --ignore: verdict %+v\n%s", rep.Verdict, stdout)
	}
}
