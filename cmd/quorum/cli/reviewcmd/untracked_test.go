package reviewcmd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/review/report"
)

// git diff leaves untracked files out of a --worktree review: stderr names
// them on one line (the first few, then how many more), even with -q,
// before the models are asked; the report lists each one as skipped,
// untracked. Ignored files are not untracked changes and are not named.
func TestWorktreeNamesUntrackedFiles(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	e.repo.Write(".gitignore", "*.log\n")
	e.repo.Commit("ignore logs")
	e.repo.Write("calc.go", "package calc\n\nfunc Double(n int) int {\n\treturn n + n\n}\n")
	for _, name := range []string{"a.go", "b.go", "c.go", "d.go", "e.go"} {
		e.repo.Write(name, "package calc\n")
	}
	e.repo.Write("debug.log", "ignored\n")

	const note = "quorum: note: 5 untracked files not reviewed: a.go, b.go, c.go and 2 more (run 'git add -N PATH' to include them)\n"
	res := e.run(context.Background(), "--worktree", "-q", "--format", "json", "--models", "qwen2.5-coder:7b")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if res.stderr != note {
		t.Fatalf("stderr:\n%s\nwant:\n%s", res.stderr, note)
	}
	if e.srv.ModelCalls() == 0 {
		t.Fatal("the tracked change was not reviewed")
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("stdout is not a report: %v\n%s", err, res.stdout)
	}
	var untracked []string
	for _, s := range rep.Skipped {
		if s.Reason == diff.SkipUntracked {
			untracked = append(untracked, s.File)
		}
	}
	if got := strings.Join(untracked, ","); got != "a.go,b.go,c.go,d.go,e.go" {
		t.Errorf("report's untracked files: %q, want all five", got)
	}

	// One untracked file and nothing else changed: named, then "nothing to review".
	e.repo.Git("checkout", "-q", "--", "calc.go")
	for _, name := range []string{"b.go", "c.go", "d.go", "e.go"} {
		if err := os.Remove(filepath.Join(e.repo.Dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	res = e.run(context.Background(), "--worktree")
	want := "quorum: note: 1 untracked file not reviewed: a.go (to include it: git add -N -- ':(top,literal)a.go')\nquorum: nothing to review\n"
	if res.code != 0 || res.stderr != want {
		t.Fatalf("exit %d, stderr:\n%s\nwant:\n%s", res.code, res.stderr, want)
	}

	// git add -N includes it: nothing is left out, and nothing is said.
	e.repo.Git("add", "-N", "a.go")
	res = e.run(context.Background(), "--worktree", "-q", "--raw", "--format", "json", "--models", "qwen2.5-coder:7b")
	if res.code != 0 || res.stderr != "" {
		t.Fatalf("after git add -N: exit %d, stderr:\n%s", res.code, res.stderr)
	}
}
