package dismisscmd

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review/dismiss"
	"github.com/quorum-review/quorum/review/report"
)

// A sparse checkout that leaves .quorum/ out still has the team's ledger:
// a review and --list read it from the index, and a dismissal, which
// would write a ledger of its own entry alone and lose the team's once
// committed, is refused with how to bring the file in (helper 243).
func TestSparseCheckoutKeepsTheTeamsLedger(t *testing.T) {
	dir, gd := gitRepo(t)
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	team := &dismiss.Ledger{Entries: []dismiss.Entry{{Fingerprint: "fedcba9876543210", Kinds: []string{"other"}, Severity: "critical", File: "b.go", Reason: "the team's reason", Who: "t", When: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}}
	if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "src", "a.go"), []byte("package a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := dismiss.WriteFile(dismiss.SharedPath(dir), team); err != nil {
		t.Fatal(err)
	}
	git("add", ".")
	git("commit", "-q", "-m", "ledger")
	git("sparse-checkout", "set", "src")
	if _, err := os.Stat(dismiss.SharedPath(dir)); err == nil {
		t.Fatal("the sparse checkout kept .quorum/")
	}
	l, err := pipeline.LoadDismissals(pipeline.Request{Set: &diff.Set{Root: dir}, GitDir: gd})
	if err != nil || len(l.Entries) != 1 || l.Entries[0].Reason != "the team's reason" {
		t.Fatalf("ledger read %+v, %v", l, err)
	}
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	rep := &report.Report{Schema: report.Schema, Findings: []report.Finding{{ID: "Qaaaaaaaaaa", File: "src/a.go", Line: 1, Title: "t",
		Fingerprint: "0123456789abcdef", Kinds: []string{"other"}, Severity: "critical"}}}
	if _, err := reportstore.SaveBundle(gd, at, "abc1234", reportstore.Bundle{Report: rep}); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string, string) {
		f, out, errOut := cmdtest.NewFactory(dir, nil)
		f.Now = func() time.Time { return at }
		return cmdtest.Execute(context.Background(), NewCmdDismiss(f, nil), f.IOStreams, args), out.String(), errOut.String()
	}
	code, _, errOut := run("Qaaaaaaaaaa", "--reason", "fine here")
	if code != 2 || !strings.Contains(errOut, "error: .quorum/dismissed.yaml is outside this sparse checkout: a ledger written here would lose the team's entries\n") ||
		!strings.Contains(errOut, "hint: bring it in with 'git sparse-checkout add .quorum'") {
		t.Fatalf("dismiss: exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(dismiss.SharedPath(dir)); err == nil {
		t.Fatal("a ledger was written into the sparse checkout")
	}
	if code, out, errOut := run("--list"); code != 0 || !strings.Contains(out, "the team's reason") {
		t.Fatalf("--list: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := run("Qaaaaaaaaaa", "--reason", "fine here", "--local"); code != 0 {
		t.Fatalf("--local: exit %d\n%s", code, errOut)
	}
}
