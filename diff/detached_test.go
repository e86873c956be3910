package diff

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/quorum-review/quorum/diff/difftest"
)

// TestDetachedHeadDefaultBase: a detached HEAD (`git checkout <sha>`, a CI
// checkout) is reviewed like a branch without an upstream: against
// origin/HEAD, else main, else master; its label says where it is.
func TestDetachedHeadDefaultBase(t *testing.T) {
	r := difftest.NewIsolated(t)
	r.Write("a.txt", difftest.Lines("a", 10))
	mb := r.Commit("base")
	r.Git("checkout", "-q", "-b", "feature")
	r.Write("a.txt", difftest.Lines("a", 11))
	r.Commit("one")
	r.Write("b.txt", "b\n")
	head := r.Commit("two")
	r.Git("checkout", "-q", "--detach", head)

	set := load(t, Options{Dir: r.Dir})
	if set.Base.Ref != "main" || set.MergeBase != mb || set.Head.Ref != "HEAD" || set.Head.Commit != head {
		t.Fatalf("base %s merge-base %s head %s %s; want main %s HEAD %s", set.Base.Ref, set.MergeBase, set.Head.Ref, set.Head.Commit, mb, head)
	}
	if want := "detached at " + head[:12]; set.Branch != want {
		t.Errorf("Branch = %q, want %q", set.Branch, want)
	}
	if got, want := shas(set.Commits), revList(r, mb+".."+head); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("commits %v, want %v", got, want)
	}
	checkAgainstGit(t, r, set, mb, head)

	// main moved on after the branch left it: still the merge-base.
	r.Git("checkout", "-q", "main")
	r.Write("c.txt", "c\n")
	r.Commit("main moves")
	r.Git("checkout", "-q", "--detach", head)
	if set := load(t, Options{Dir: r.Dir}); set.MergeBase != mb || len(set.Files) != 2 {
		t.Errorf("after main moved: merge-base %s, %d files\n%s", set.MergeBase, len(set.Files), describe(set))
	}

	// A CI clone: detached at the commit, origin/HEAD is the base.
	r.Git("checkout", "-q", "main")
	clone := filepath.Join(t.TempDir(), "clone")
	r.Git("clone", "-q", "--no-checkout", r.Dir, clone)
	c := r.At(clone)
	c.Git("checkout", "-q", "--detach", head)
	set = load(t, Options{Dir: clone})
	if set.Base.Ref != "origin/HEAD" || set.MergeBase != mb || set.Head.Commit != head {
		t.Errorf("clone: base %s merge-base %s head %s", set.Base.Ref, set.MergeBase, set.Head.Commit)
	}

	// On a branch the label is the branch.
	r.Git("checkout", "-q", "feature")
	if set := load(t, Options{Dir: r.Dir}); set.Branch != "feature" {
		t.Errorf("on a branch: Branch = %q", set.Branch)
	}
}

// TestDetachedHeadNoBase: detached with no origin/HEAD, main or master is
// DetachedNoBase, naming where HEAD is.
func TestDetachedHeadNoBase(t *testing.T) {
	r := difftest.NewIsolated(t)
	r.Git("checkout", "-q", "-b", "trunk")
	r.Write("a.txt", "a\n")
	head := r.Commit("one")
	r.Git("checkout", "-q", "--detach")
	_, err := Load(t.Context(), Options{Dir: r.Dir})
	var de *Error
	want := "HEAD is detached at " + head[:12] + " and no base branch was found (no origin/HEAD, main or master)"
	if !errors.As(err, &de) || de.Kind != DetachedNoBase || err.Error() != want {
		t.Fatalf("err = %v, want DetachedNoBase %q", err, want)
	}
	// --base still works.
	if set := load(t, Options{Dir: r.Dir, Base: "trunk"}); set.MergeBase != head || len(set.Files) != 0 {
		t.Errorf("--base trunk: merge-base %s, %d files", set.MergeBase, len(set.Files))
	}
}

// TestRebaseInProgressBase: git detaches HEAD while a rebase replays; the
// branch being rebased, and its upstream, are still what will be pushed,
// so they set the base rather than main.
func TestRebaseInProgressBase(t *testing.T) {
	r := difftest.NewIsolated(t)
	r.Write("a.txt", difftest.Lines("a", 10))
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "release")
	r.Write("r.txt", "r\n")
	rel := r.Commit("release work")
	r.Git("checkout", "-q", "-b", "feature")
	r.Git("branch", "-q", "--set-upstream-to=release")
	r.Write("b.txt", "b\n")
	r.Commit("one")
	r.Write("c.txt", "c\n")
	r.Commit("two")
	// Stop the rebase at its first commit: HEAD is detached there.
	cmd := []string{"-c", "sequence.editor=sed -i 1s/^pick/edit/", "rebase", "-q", "-i", "release"}
	r.Git(cmd...)
	head := r.Head()

	set := load(t, Options{Dir: r.Dir})
	if set.Base.Ref != "release" || set.MergeBase != rel || set.Head.Commit != head {
		t.Fatalf("mid-rebase: base %s merge-base %s head %s; want release %s %s", set.Base.Ref, set.MergeBase, set.Head.Commit, rel, head)
	}
	if want := "detached at " + head[:12] + " (rebasing feature)"; set.Branch != want {
		t.Errorf("Branch = %q, want %q", set.Branch, want)
	}
	checkAgainstGit(t, r, set, rel, head)

	// Once the rebase is done, feature is the branch again.
	r.Git("rebase", "--continue")
	if set := load(t, Options{Dir: r.Dir}); set.Branch != "feature" || set.Base.Ref != "release" {
		t.Errorf("after the rebase: branch %q base %s", set.Branch, set.Base.Ref)
	}
}
