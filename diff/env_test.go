package diff

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/quorum-review/quorum/diff/difftest"
)

// splitRepo is a repository whose git dir lives apart from its work tree
// (base/repo.git, non-bare, and base/wt), as with `GIT_DIR=... GIT_WORK_TREE=...`:
// main has one commit, feature one more (checked out). It returns the
// fixture (its Git runs with GIT_DIR and GIT_WORK_TREE set), the git dir,
// the work tree, the merge-base and the head.
func splitRepo(t *testing.T) (r *difftest.Repo, gitDir, wt, mb, head string) {
	t.Helper()
	r = difftest.NewIsolated(t)
	r.Write("a.txt", difftest.Lines("a", 10))
	mb = r.Commit("base")
	r.Git("checkout", "-q", "-b", "feature")
	r.Write("a.txt", difftest.Lines("a", 11))
	r.Write("b.txt", "new\n")
	head = r.Commit("feature")
	base := filepath.Dir(r.Dir)
	gitDir, wt = filepath.Join(base, "repo.git"), filepath.Join(base, "wt")
	if err := os.Rename(filepath.Join(r.Dir, ".git"), gitDir); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(r.Dir, wt); err != nil {
		t.Fatal(err)
	}
	return r.At(wt), mustReal(t, gitDir), mustReal(t, wt), mb, head
}

// TestGitDirEnv: GIT_DIR and GIT_WORK_TREE find the repository git would
// use, from a directory that is in no repository.
func TestGitDirEnv(t *testing.T) {
	_, gitDir, wt, mb, head := splitRepo(t)
	outside := t.TempDir()
	t.Chdir(outside)
	t.Setenv("GIT_DIR", gitDir)
	t.Setenv("GIT_WORK_TREE", wt)
	set := load(t, Options{})
	if set.Root != wt || set.MergeBase != mb || set.Head.Commit != head || set.Base.Ref != "main" {
		t.Fatalf("root %s merge-base %s head %s base %s; want %s %s %s main", set.Root, set.MergeBase, set.Head.Commit, set.Base.Ref, wt, mb, head)
	}
	if len(set.Files) != 2 || len(set.Commits) != 1 {
		t.Errorf("files %d commits %d, want 2 and 1\n%s", len(set.Files), len(set.Commits), describe(set))
	}
	if gd, err := GitDir(outside); err != nil || gd != gitDir {
		t.Errorf("GitDir = %q, %v; want %s", gd, err, gitDir)
	}
	if cd, err := CommonDir(outside); err != nil || cd != gitDir {
		t.Errorf("CommonDir = %q, %v; want %s", cd, err, gitDir)
	}

	// Relative paths are relative to the current directory, even when that
	// is neither the work tree nor the git dir.
	relDir, err1 := filepath.Rel(outside, gitDir)
	relWT, err2 := filepath.Rel(outside, wt)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	t.Setenv("GIT_DIR", relDir)
	t.Setenv("GIT_WORK_TREE", relWT)
	if set := load(t, Options{}); set.Root != wt || set.Head.Commit != head {
		t.Errorf("relative to a third directory (%s, %s): root %s head %s", relDir, relWT, set.Root, set.Head.Commit)
	}

	// Relative to the current directory; the git binary (--worktree) sees
	// the same work tree.
	t.Chdir(wt)
	t.Setenv("GIT_DIR", "../repo.git")
	t.Setenv("GIT_WORK_TREE", ".")
	if err := os.WriteFile(filepath.Join(wt, "a.txt"), []byte(difftest.Lines("a", 12)), 0o644); err != nil {
		t.Fatal(err)
	}
	set = load(t, Options{Worktree: true})
	if set.Root != wt || len(set.Files) != 1 || set.Files[0].Path != "a.txt" || set.Files[0].Added != 1 {
		t.Errorf("--worktree with a relative GIT_DIR: root %s\n%s", set.Root, describe(set))
	}
}

// TestGitDirEnvOnly: with GIT_DIR and no GIT_WORK_TREE or core.worktree,
// the current directory is the top of the work tree (git's rule).
func TestGitDirEnvOnly(t *testing.T) {
	r, gitDir, wt, mb, _ := splitRepo(t)
	sub := filepath.Join(wt, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	unsetenv(t, "GIT_WORK_TREE")
	t.Setenv("GIT_DIR", gitDir)
	for _, dir := range []string{wt, sub} {
		t.Chdir(dir)
		set := load(t, Options{Dir: "."})
		if set.Root != mustReal(t, dir) || set.MergeBase != mb {
			t.Errorf("in %s: root %s, merge-base %s; want the current directory and %s", dir, set.Root, set.MergeBase, mb)
		}
	}

	// core.worktree (relative to the git dir) is the work tree then.
	t.Chdir(t.TempDir())
	r.Git("--git-dir="+gitDir, "config", "core.worktree", "../wt")
	set := load(t, Options{})
	if set.Root != wt {
		t.Errorf("core.worktree: root %s, want %s", set.Root, wt)
	}
}

// TestGitDirEnvErrors: a GIT_DIR that is no repository, a GIT_WORK_TREE
// that is no directory and a bare GIT_DIR without a work tree are the
// errors git gives, naming the variable.
func TestGitDirEnvErrors(t *testing.T) {
	r, gitDir, wt, _, _ := splitRepo(t)
	t.Chdir(wt)
	cases := []struct {
		name, gitDir, workTree string
		kind                   Kind
		env, msg               string
	}{
		{"no such GIT_DIR", "../nope.git", "", NotRepo, "GIT_DIR", "GIT_DIR=../nope.git is not a git repository"},
		{"GIT_DIR is a work tree", wt, "", NotRepo, "GIT_DIR", "GIT_DIR=" + wt + " is not a git repository"},
		{"no such GIT_WORK_TREE", gitDir, "../nowhere", NotRepo, "GIT_WORK_TREE", "GIT_WORK_TREE=../nowhere is not a directory"},
		{"empty GIT_DIR", "", "", NotRepo, "GIT_DIR", "GIT_DIR= is empty, which names no git repository"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("GIT_DIR", c.gitDir) // set, even when empty
			if c.workTree == "" {
				unsetenv(t, "GIT_WORK_TREE")
			} else {
				t.Setenv("GIT_WORK_TREE", c.workTree)
			}
			_, err := Load(t.Context(), Options{})
			var de *Error
			if !errors.As(err, &de) || de.Kind != c.kind || de.Env != c.env || err.Error() != c.msg {
				t.Fatalf("err = %v (%#v), want %s %q from %s", err, de, c.kind, c.msg, c.env)
			}
		})
	}

	// A bare repository: no work tree without GIT_WORK_TREE, one with it.
	bare := filepath.Join(t.TempDir(), "bare.git")
	r.Git("clone", "-q", "--bare", gitDir, bare)
	bare = mustReal(t, bare)
	t.Setenv("GIT_DIR", bare)
	unsetenv(t, "GIT_WORK_TREE")
	_, err := GitDir(".")
	var de *Error
	if !errors.As(err, &de) || de.Kind != BareRepo || de.Dir != bare {
		t.Errorf("bare GIT_DIR: %v, want a BareRepo error for %s", err, bare)
	}
	t.Setenv("GIT_WORK_TREE", wt)
	if gd, err := GitDir("."); err != nil || gd != bare {
		t.Errorf("bare GIT_DIR with GIT_WORK_TREE: %q, %v", gd, err)
	}

	// GIT_WORK_TREE alone: the repository is found from the directory (a
	// bare one too).
	unsetenv(t, "GIT_DIR")
	t.Chdir(bare)
	set := load(t, Options{})
	if set.Root != wt || set.Head.Ref != "HEAD" {
		t.Errorf("GIT_WORK_TREE in a bare repository: root %s head %s", set.Root, set.Head.Ref)
	}
}

// unsetenv removes name for the rest of the test (git treats a variable set
// to "" as an error, not as unset) and restores it afterwards.
func unsetenv(t *testing.T, name string) {
	t.Setenv(name, "")
	os.Unsetenv(name)
}
