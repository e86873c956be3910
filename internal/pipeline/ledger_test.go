package pipeline

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review/dismiss"
)

// TestCommittedLedgerWhenTheWorkTreeHasNone: commits that carry their
// dismissals, reviewed from a checkout of a branch without the ledger (a
// push of feature made while on release), get them: the same commits, the
// same verdict. Where the work tree has the ledger, it decides.
func TestCommittedLedgerWhenTheWorkTreeHasNone(t *testing.T) {
	dir := t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir, "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("init", "-q", "-b", "main")
	if err := os.WriteFile(filepath.Join(dir, "a.go"), []byte("package a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run("add", ".")
	run("commit", "-q", "-m", "one")
	base := run("rev-parse", "HEAD")
	run("checkout", "-q", "-b", "feature")
	if err := os.WriteFile(filepath.Join(dir, "a.go"), []byte("package a\n\nfunc f() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ledger := "dismissed:\n  - fingerprint: 0123456789abcdef\n    file: a.go\n    reason: trusted input\n"
	if err := os.MkdirAll(filepath.Join(dir, ".quorum"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dismiss.SharedPath(dir), []byte(ledger), 0o644); err != nil {
		t.Fatal(err)
	}
	run("add", ".")
	run("commit", "-q", "-m", "f, with its dismissal")
	head := run("rev-parse", "HEAD")
	run("checkout", "-q", "main") // no ledger in this work tree

	set, err := diff.Load(context.Background(), diff.Options{Dir: dir, Commits: base + ".." + head})
	if err != nil {
		t.Fatal(err)
	}
	l, err := LoadDismissals(Request{Set: set})
	if err != nil || len(l.Entries) != 1 || l.Entries[0].Reason != "trusted input" {
		t.Fatalf("from the commits: %+v %v", l, err)
	}
	// The work tree's own ledger, present, decides.
	if err := os.MkdirAll(filepath.Join(dir, ".quorum"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dismiss.SharedPath(dir), []byte("dismissed: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	set, _ = diff.Load(context.Background(), diff.Options{Dir: dir, Commits: base + ".." + head})
	if l, err := LoadDismissals(Request{Set: set}); err != nil || len(l.Entries) != 0 {
		t.Fatalf("with the work tree's: %+v %v", l, err)
	}
}
