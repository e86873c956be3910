package reportstore_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/reportstore"
)

// linkedWorktree makes a real repository with a commit and a linked work
// tree of it (git worktree add), and returns the git dirs of both as git
// reports them: the main ".git" and ".git/worktrees/<name>".
func linkedWorktree(t *testing.T) (mainGD, wtGD string) {
	t.Helper()
	dir := t.TempDir()
	run := func(in string, args ...string) string {
		cmd := exec.Command("git", append([]string{"-c", "user.name=T", "-c", "user.email=t@example.com"}, args...)...)
		cmd.Dir = in
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	main, wt := filepath.Join(dir, "main"), filepath.Join(dir, "wt")
	run(dir, "init", "-q", main)
	run(main, "commit", "-q", "--allow-empty", "-m", "one")
	run(main, "worktree", "add", "-q", "-b", "wt", wt)
	return run(main, "rev-parse", "--absolute-git-dir"), run(wt, "rev-parse", "--absolute-git-dir")
}

// A report saved from a linked work tree lives in the common git dir: the
// main checkout lists it, and removing the work tree keeps it.
func TestWorktreeReportsShared(t *testing.T) {
	mainGD, wtGD := linkedWorktree(t)
	if mainGD == wtGD {
		t.Fatalf("git dirs are the same: %s", mainGD)
	}
	dir := save(t, wtGD, 0, nil)
	if want := filepath.Join(mainGD, "quorum", "reports"); filepath.Dir(dir) != want {
		t.Errorf("saved in %s, want under %s", dir, want)
	}
	if got := ids(t, mainGD); got != filepath.Base(dir) {
		t.Errorf("main checkout lists %q, want %s", got, filepath.Base(dir))
	}
	if err := os.RemoveAll(wtGD); err != nil { // what git worktree remove does to it
		t.Fatal(err)
	}
	if _, e, err := reportstore.Load(mainGD, filepath.Base(dir)); err != nil || e.Dir != dir {
		t.Errorf("after the work tree is gone: %+v, %v", e, err)
	}
}

// A report an earlier quorum saved in a linked work tree's own git dir is
// still found from that work tree, and pruned with the others.
func TestWorktreeOwnReportsRead(t *testing.T) {
	_, wtGD := linkedWorktree(t)
	shared := save(t, wtGD, 1, nil)
	own := filepath.Join(wtGD, "quorum", "reports", "20261126-080000-0ld0ld0")
	if err := os.MkdirAll(own, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{reportstore.ReportMD, reportstore.ReportJSON, reportstore.RawJSON, reportstore.DiffJSON} {
		b, err := os.ReadFile(filepath.Join(shared, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(own, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := ids(t, wtGD), filepath.Base(shared)+" 20261126-080000-0ld0ld0"; got != want {
		t.Errorf("work tree lists %q, want %q", got, want)
	}
	if _, e, err := reportstore.Load(wtGD, "20261126-080000"); err != nil || e.Dir != own {
		t.Errorf("own report: %+v, %v", e, err)
	}
	res, err := reportstore.Prune(wtGD, reportstore.Limits{Keep: 1}, "", false)
	if err != nil || len(res.Removed) != 1 || res.Removed[0].Dir != own {
		t.Errorf("prune to 1 = %+v, %v", res, err)
	}
	if _, err := os.Stat(own); !os.IsNotExist(err) {
		t.Errorf("pruned own report still there: %v", err)
	}
	if got := ids(t, wtGD); got != filepath.Base(shared) {
		t.Errorf("after pruning: %q", got)
	}
}
