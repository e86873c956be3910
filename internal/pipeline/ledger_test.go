package pipeline

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/review/dismiss"
)

// TestCommittedLedgerWhenTheWorkTreeHasNone: commits that carry their
// dismissals, reviewed from a checkout of another branch (a push of
// feature made while on release), get them: the same commits, the same
// verdict, whatever that checkout's own ledger says. A review of the
// checkout's own commits reads its work tree.
func TestCommittedLedgerWhenTheWorkTreeHasNone(t *testing.T) {
	dir, run, base, head := featureWithLedger(t, "dismissed:\n  - fingerprint: 0123456789abcdef\n    file: a.go\n    reason: trusted input\n", "package a\n\nfunc f() {}\n")
	set, err := diff.Load(context.Background(), diff.Options{Dir: dir, Commits: base + ".." + head})
	if err != nil {
		t.Fatal(err)
	}
	l, err := LoadDismissals(Request{Set: set})
	if err != nil || len(l.Entries) != 1 || l.Entries[0].Reason != "trusted input" {
		t.Fatalf("from the commits: %+v %v", l, err)
	}
	// A checkout with a ledger of its own (another branch's) does not
	// judge these commits either: theirs does, so the push of feature gets
	// one verdict from any checkout.
	if err := os.MkdirAll(filepath.Join(dir, ".quorum"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dismiss.SharedPath(dir), []byte("dismissed: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	set, _ = diff.Load(context.Background(), diff.Options{Dir: dir, Commits: base + ".." + head})
	if l, err := LoadDismissals(Request{Set: set}); err != nil || len(l.Entries) != 1 {
		t.Fatalf("from a checkout with its own ledger: %+v %v", l, err)
	}
	// On the branch that carries it, a ledger deleted from the work tree
	// (not yet committed) is the work tree's say: no dismissals, as
	// 'quorum dismiss --list' there shows.
	if err := os.Remove(dismiss.SharedPath(dir)); err != nil {
		t.Fatal(err)
	}
	run("checkout", "-q", "feature")
	if err := os.Remove(dismiss.SharedPath(dir)); err != nil {
		t.Fatal(err)
	}
	set, _ = diff.Load(context.Background(), diff.Options{Dir: dir, Commits: base + ".." + head})
	if l, err := LoadDismissals(Request{Set: set}); err != nil || len(l.Entries) != 0 {
		t.Fatalf("deleted in the work tree: %+v %v", l, err)
	}
}

// TestBadCommittedLedgerSaysWhereToFixIt: a ledger the pushed commits
// carry with conflict markers stops the review (exit 2) with a hint that
// names the commit and the branch, not an edit of a commit's file.
func TestBadCommittedLedgerSaysWhereToFixIt(t *testing.T) {
	bad := "dismissed:\n<<<<<<< HEAD\n  - fingerprint: 0123456789abcdef\n    reason: a\n=======\n  - fingerprint: 0123456789abcdee\n    reason: b\n>>>>>>> other\n"
	dir, _, base, head := featureWithLedger(t, bad, "package a\n\nfunc f() {}\n")
	set, err := diff.Load(context.Background(), diff.Options{Dir: dir, Commits: base + ".." + head})
	if err != nil {
		t.Fatal(err)
	}
	_, err = LoadDismissals(Request{Set: set})
	if code := exitcode.Of(err); code != exitcode.Setup || !strings.Contains(err.Error(), "conflict markers") {
		t.Fatalf("exit %d: %v", code, err)
	}
	if hint := exitcode.HintOf(err); !strings.Contains(hint, "at "+head[:7]) || !strings.Contains(hint, "on their branch and commit it") {
		t.Errorf("hint %q", hint)
	}
}

// featureWithLedger is a repository whose feature branch commits a change
// to a.go with the shared ledger holding ledger, checked out at main
// again: it returns the directory, the git runner, and the range's base
// and head.
func featureWithLedger(t *testing.T, ledger, change string) (dir string, run func(...string) string, base, head string) {
	t.Helper()
	dir = t.TempDir()
	run = func(args ...string) string {
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
	base = run("rev-parse", "HEAD")
	run("checkout", "-q", "-b", "feature")
	if err := os.WriteFile(filepath.Join(dir, "a.go"), []byte(change), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, ".quorum"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dismiss.SharedPath(dir), []byte(ledger), 0o644); err != nil {
		t.Fatal(err)
	}
	run("add", ".")
	run("commit", "-q", "-m", "feature, with its ledger")
	head = run("rev-parse", "HEAD")
	run("checkout", "-q", "main") // no ledger in this work tree
	return dir, run, base, head
}
