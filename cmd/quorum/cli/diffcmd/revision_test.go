package diffcmd

import (
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff/difftest"
	"github.com/quorum-review/quorum/internal/gitexec"
)

// twoCommits is main with a.go added in "one" and changed in "two": HEAD@{1}
// and main@{1} are "one" (go-git alone reads them as HEAD).
func twoCommits(t *testing.T) (r *difftest.Repo, one string) {
	r = difftest.NewIsolated(t)
	r.Write("a.go", "package a\n")
	one = r.Commit("one")
	r.Write("a.go", "package a\n\nfunc A() {}\n")
	r.Commit("two")
	return r, one
}

// TestReflogBase: --base and --commits with reflog syntax review from the
// commit git names, not from HEAD ("nothing to review"), and git's warning
// about a date past the reflog reaches stderr.
func TestReflogBase(t *testing.T) {
	r, one := twoCommits(t)
	// A date before the reflog starts is its oldest entry, "one", as to git.
	for _, args := range []string{"--base HEAD@{1}", "--base main@{1}", "--commits HEAD@{1}..HEAD", "--commits main@{1}..main", "--commits HEAD@{20.years.ago}..HEAD"} {
		stdout, stderr, code := run(t, r.Dir, args)
		rev := strings.TrimSuffix(strings.Fields(args)[1], "..HEAD")
		rev = strings.TrimSuffix(rev, "..main")
		// git warns that the date is past its reflog, and so does quorum:
		// the range is not the one the user meant.
		wantStderr := ""
		if strings.Contains(rev, "ago") {
			wantStderr = "quorum: warning: git: log for 'HEAD' only goes back to "
		}
		if code != 0 || !strings.HasPrefix(stderr, wantStderr) || (wantStderr == "") != (stderr == "") || strings.Count(stderr, "\n") > 1 ||
			!strings.Contains(stdout, "base        "+rev+" "+one[:12]+"\n") ||
			!strings.Contains(stdout, "files (1 to review, +2 -0)") {
			t.Errorf("%s: exit %d, stderr %q\n%s", args, code, stderr, stdout)
		}
	}
}

// TestRevisionNotACommit: a tree, a blob or a reflog entry past the end is
// refused with exit 2 and a hint, never reviewed as HEAD.
func TestRevisionNotACommit(t *testing.T) {
	r, _ := twoCommits(t)
	for _, tt := range []struct{ args, rev, why string }{
		{"--base HEAD^{tree}", "HEAD^{tree}", ": it names a tree"},
		{"--base HEAD:a.go", "HEAD:a.go", ": it names a blob"},
		{"--head HEAD^{tree} --base main", "HEAD^{tree}", ": it names a tree"},
		{"--commits HEAD:a.go..HEAD", "HEAD:a.go", ": it names a blob"},
		{"--commits HEAD~1..HEAD^{tree}", "HEAD^{tree}", ": it names a tree"},
		{"--base HEAD@{5}", "HEAD@{5}", ": log for 'HEAD' only has 2 entries"},
		{"--base @{upstream}", "@{upstream}", ": no upstream configured for branch 'main'"},
	} {
		t.Run(tt.args, func(t *testing.T) {
			_, stderr, code := run(t, r.Dir, tt.args)
			assertErr(t, stderr, code, `error: base or head "`+tt.rev+`" does not resolve to a commit`+tt.why,
				"hint: check the name with 'git rev-parse "+tt.rev+"' or 'git branch -a'; fetch it first if it is remote")
		})
	}
}

// TestRevisionStartingWithDash: a revision that starts with '-' is refused
// (git would read it as an option), and the hint does not suggest the
// 'git rev-parse -x' that would echo it back.
func TestRevisionStartingWithDash(t *testing.T) {
	r, _ := twoCommits(t)
	_, stderr, code := run(t, r.Dir, "--base=-x")
	assertErr(t, stderr, code, `error: base or head "-x" does not resolve to a commit: a revision cannot start with '-'`,
		"hint: name the commit by branch, tag or hash; a revision cannot start with '-'")
}

// TestRevisionNeedsGit: without the git binary, syntax go-git would
// misread is refused, not resolved to HEAD.
func TestRevisionNeedsGit(t *testing.T) {
	r, _ := twoCommits(t)
	old := gitexec.LookPath
	gitexec.LookPath = func() string { return "" }
	t.Cleanup(func() { gitexec.LookPath = old })
	for _, rev := range []string{"HEAD@{1}", "HEAD^{tree}", "HEAD:a.go"} {
		_, stderr, code := run(t, r.Dir, "--base "+rev)
		assertErr(t, stderr, code, `error: revision "`+rev+`" needs the git binary, which is not on PATH`,
			"hint: install git, or name the commit by branch, tag or hash (with ~N or ^N steps)")
	}
	stdout, _, code := run(t, r.Dir, "--base HEAD~1")
	if code != 0 || !strings.Contains(stdout, "files (1 to review, +2 -0)") {
		t.Errorf("--base HEAD~1 without git: exit %d\n%s", code, stdout)
	}
}

// TestEmptyRevisionFlag: `--head "$SHA"` with SHA unset is refused, exit 2
// with a hint, never read as the default range.
func TestEmptyRevisionFlag(t *testing.T) {
	r, _ := twoCommits(t)
	for name, what := range map[string]string{"base": "a revision", "head": "a revision", "commits": "a range A..B"} {
		_, stderr, code := run(t, r.Dir, "--"+name+"=")
		assertErr(t, stderr, code, "error: --"+name+" is empty", "hint: give --"+name+" "+what+", or leave the flag out for its default")
	}
}

// TestCommitsBaseNotAnAncestor: --commits A..B with A not an ancestor of B
// diffs the two trees, so it also shows A's own changes undone; quorum
// says so on stderr, naming the --base form that reviews B's own commits.
func TestCommitsBaseNotAnAncestor(t *testing.T) {
	r, _ := twoCommits(t)
	r.Git("checkout", "-q", "-b", "feat", "HEAD~1")
	r.Write("b.go", "package a\n\nfunc B() {}\n")
	r.Commit("feat")
	stdout, stderr, code := run(t, r.Dir, "--commits main..feat")
	want := "quorum: warning: --commits main..feat: main is not an ancestor of feat, so the diff also shows, undone, what main has that feat lacks (no listed commit made those changes); --base main --head feat reviews only feat's own commits\n"
	if code != 0 || stderr != want || !strings.Contains(stdout, "commits (1, oldest first)") {
		t.Fatalf("exit %d, stderr:\n%s\nwant:\n%s\n%s", code, stderr, want, stdout)
	}
	// An ancestor base: no warning.
	if _, stderr, code = run(t, r.Dir, "--commits main~1..main"); code != 0 || stderr != "" {
		t.Fatalf("ancestor base: exit %d, stderr %q", code, stderr)
	}
}
