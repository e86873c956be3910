package diff

import (
	"path/filepath"
	"testing"

	"github.com/quorum-review/quorum/diff/difftest"
)

// pushedMainAhead is a repository whose main was pushed (without -u) to a
// bare remote named remote and then got a commit of its own, and the
// commit pushed.
func pushedMainAhead(t *testing.T, remote string) (*difftest.Repo, string) {
	t.Helper()
	r := difftest.NewIsolated(t)
	r.Write("a.txt", "a\n")
	pushed := r.Commit("pushed")
	bare := filepath.Join(t.TempDir(), "remote.git")
	r.Git("init", "-q", "--bare", bare)
	r.Git("remote", "add", remote, bare)
	r.Git("push", "-q", remote, "main")
	r.Write("m.txt", "unpushed on main\n")
	r.Commit("local main")
	return r, pushed
}

// TestRemoteBranchesBeforeLocalOnes: a repository pushed with `git remote
// add` and `git push` has no origin/HEAD. A local main with a commit not
// pushed yet must not be the base: a push of the branch sends that commit
// too, and a review against main never showed it. The remote's main is the
// base; and on main pushed without -u (no upstream), origin/main, not
// main itself ("nothing to review" while the push sends a commit).
func TestRemoteBranchesBeforeLocalOnes(t *testing.T) {
	r, pushed := pushedMainAhead(t, "origin")

	// On main itself, pushed without -u.
	set := load(t, Options{Dir: r.Dir})
	if set.Base.Ref != "origin/main" || set.MergeBase != pushed || len(set.Files) != 1 || set.Files[0].Path != "m.txt" {
		t.Fatalf("on main: base %s merge-base %s\n%s", set.Base.Ref, set.MergeBase, describe(set))
	}

	// A branch made from it.
	r.Git("checkout", "-q", "-b", "feature")
	r.Write("f.txt", "f\n")
	r.Commit("feature")
	set = load(t, Options{Dir: r.Dir})
	if set.Base.Ref != "origin/main" || set.MergeBase != pushed || len(set.Commits) != 2 || len(set.Files) != 2 {
		t.Fatalf("feature: base %s merge-base %s, %d commits\n%s", set.Base.Ref, set.MergeBase, len(set.Commits), describe(set))
	}

	// Pushed under its own name without -u: what is not pushed yet.
	r.Git("push", "-q", "origin", "feature")
	r.Write("g.txt", "g\n")
	r.Commit("more")
	if set := load(t, Options{Dir: r.Dir}); set.Base.Ref != "origin/feature" || len(set.Commits) != 1 || set.Files[0].Path != "g.txt" {
		t.Fatalf("pushed feature: base %s\n%s", set.Base.Ref, describe(set))
	}
}

// TestPushRemoteNotNamedOrigin: the remote a push goes to need not be
// origin (one remote named github; a branch made with --track from the
// local main, whose upstream is main itself): the base is still that
// remote's main, so main's unpushed commit is reviewed with the branch.
func TestPushRemoteNotNamedOrigin(t *testing.T) {
	r, pushed := pushedMainAhead(t, "github")
	r.Git("checkout", "-q", "-b", "feature")
	r.Write("f.txt", "f\n")
	r.Commit("feature")
	if set := load(t, Options{Dir: r.Dir}); set.Base.Ref != "github/main" || set.MergeBase != pushed || len(set.Commits) != 2 {
		t.Fatalf("remote github: base %s merge-base %s\n%s", set.Base.Ref, set.MergeBase, describe(set))
	}
	r.Git("checkout", "-q", "--track", "-b", "tracked", "main")
	r.Write("t.txt", "t\n")
	r.Commit("tracked")
	r.Git("config", "branch.main.remote", "github")
	r.Git("config", "branch.main.merge", "refs/heads/main")
	if set := load(t, Options{Dir: r.Dir}); set.Base.Ref != "github/main" || set.MergeBase != pushed || len(set.Commits) != 2 {
		t.Fatalf("--track main: base %s merge-base %s\n%s", set.Base.Ref, set.MergeBase, describe(set))
	}
}

// TestLocalUpstreamWithoutRemote: in a repository with no remote, a branch
// made with --track from develop is based on develop, not main.
func TestLocalUpstreamWithoutRemote(t *testing.T) {
	r := difftest.NewIsolated(t)
	r.Write("a.txt", "a\n")
	r.Commit("one")
	r.Git("checkout", "-q", "-b", "develop")
	r.Write("d.txt", "d\n")
	dev := r.Commit("develop")
	r.Git("checkout", "-q", "--track", "-b", "feature", "develop")
	r.Write("f.txt", "f\n")
	r.Commit("feature")
	if set := load(t, Options{Dir: r.Dir}); set.Base.Ref != "develop" || set.MergeBase != dev || len(set.Commits) != 1 {
		t.Fatalf("base %s merge-base %s\n%s", set.Base.Ref, set.MergeBase, describe(set))
	}
}
