package diff

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff/difftest"
)

// revRepo is main with an octopus merge at its tip: c1, then b1 b2 b3 off
// c1 merged together into HEAD; tags on c1 (annotated, and a tag of that
// tag) and on HEAD's tree. The reflog of HEAD and main holds every step.
type revRepo struct {
	r                  *difftest.Repo
	c1, c2, b1, b2, b3 string
	head               string
}

func newRevRepo(t *testing.T) *revRepo {
	t.Helper()
	r := difftest.NewIsolated(t)
	rr := &revRepo{r: r}
	r.Write("a.go", "package a\n")
	rr.c1 = r.Commit("one")
	r.Git("tag", "-a", "-m", "v1", "v1", rr.c1)
	r.Git("tag", "-a", "-m", "v1 again", "v1tag", "v1")
	for i, b := range []*string{&rr.b1, &rr.b2, &rr.b3} {
		name := []string{"b1", "b2", "b3"}[i]
		r.Git("checkout", "-q", "-b", name, rr.c1)
		r.Write(name+".go", "package a\n")
		*b = r.Commit(name)
	}
	r.Git("checkout", "-q", "main")
	r.Write("a.go", "package a\n\nfunc A() {}\n")
	rr.c2 = r.Commit("two")
	r.Tick()
	r.Git("merge", "-q", "--no-edit", "b1", "b2", "b3")
	rr.head = r.Head()
	r.Git("tag", "treetag", "HEAD^{tree}")
	return rr
}

// gitCommit is what git resolves rev to, peeled to a commit ("" when git
// refuses it).
func (rr *revRepo) gitCommit(rev string) string {
	out, err := rr.r.TryGit("rev-parse", "--verify", "--quiet", rev)
	if err != nil {
		return ""
	}
	out, err = rr.r.TryGit("rev-parse", "--verify", "--quiet", strings.TrimSpace(out)+"^{commit}")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(out)
}

// TestRevisionsResolveAsGit: with the git binary, every revision resolves
// to the commit git names, and one that names no commit (a tree, a blob,
// a reflog entry past the end, a negation) is a BadRev error saying so,
// never HEAD. go-git alone reads HEAD@{1}, HEAD^{tree} and HEAD:a.go as
// HEAD.
func TestRevisionsResolveAsGit(t *testing.T) {
	rr := newRevRepo(t)
	commits := []string{
		"HEAD@{1}", "HEAD@{2}", "main@{1}", "main@{2}", "@{1}", "HEAD~1", "HEAD^2", "HEAD^3", "HEAD^4", "HEAD^^",
		"HEAD~1~", "HEAD^0", "HEAD^{commit}", "HEAD^{}", ":/two", "HEAD^{/one}", "v1", "v1tag", "v1^{}", "v1tag~0",
		"@", "main", "heads/main", "refs/heads/main", rr.c1[:7], rr.c1,
	}
	for _, rev := range commits {
		want := rr.gitCommit(rev)
		if want == "" {
			t.Fatalf("fixture: git does not resolve %q", rev)
		}
		set, err := Load(context.Background(), Options{Dir: rr.r.Dir, Commits: rev + "..HEAD", Reversed: true})
		if err != nil {
			t.Errorf("--commits %s..HEAD: %v", rev, err)
			continue
		}
		if set.Base.Commit != want {
			t.Errorf("%q resolved to %s, git says %s", rev, set.Base.Commit, want)
		}
	}
	// The reflog forms really are the earlier commits, not HEAD.
	if got := rr.gitCommit("HEAD@{1}"); got != rr.c2 {
		t.Fatalf("fixture: HEAD@{1} = %s, want c2 %s", got, rr.c2)
	}
	set := load(t, Options{Dir: rr.r.Dir, Base: "HEAD@{1}"})
	if set.Base.Ref != "HEAD@{1}" || set.Base.Commit != rr.c2 || set.MergeBase != rr.c2 || len(set.Commits) != 4 || len(set.Files) != 3 {
		t.Errorf("--base HEAD@{1}: base %+v merge-base %s, %d commits, %d files", set.Base, set.MergeBase, len(set.Commits), len(set.Files))
	}
	set = load(t, Options{Dir: rr.r.Dir, Base: "main", Head: "HEAD@{1}"})
	if set.Head.Commit != rr.c2 {
		t.Errorf("--head HEAD@{1}: %+v", set.Head)
	}

	notCommits := map[string]string{
		"HEAD^{tree}": ": it names a tree",
		"HEAD:a.go":   ": it names a blob",
		"HEAD:":       ": it names a tree",
		":a.go":       ": it names a blob", // the index
		"treetag":     ": it names a tree",
		"HEAD@{99}":   ": log for 'HEAD' only has 10 entries",
		"main@{99}":   ": log for 'main' only has 3 entries",
		"HEAD^5":      "",
		"^main":       "",
		"main..HEAD":  "",
		"HEAD^{tag}":  "",
		"nope":        "",
		"@{upstream}": ": no upstream configured for branch 'main'",
		"-x":          ": a revision cannot start with '-'",
	}
	for rev, why := range notCommits {
		for _, opts := range []Options{
			{Dir: rr.r.Dir, Base: rev},
			{Dir: rr.r.Dir, Base: "main", Head: rev},
			{Dir: rr.r.Dir, Commits: rev + "..HEAD"},
		} {
			if opts.Commits != "" && strings.Contains(rev, "..") {
				continue
			}
			_, err := Load(context.Background(), opts)
			var de *Error
			if !errors.As(err, &de) || de.Kind != BadRev || de.Rev != rev {
				t.Errorf("%+v: err %v, want BadRev for %q", opts, err, rev)
				continue
			}
			if want := `base or head "` + rev + `" does not resolve to a commit` + why; err.Error() != want {
				t.Errorf("%q:\n got %s\nwant %s", rev, err, want)
			}
		}
	}
}

// TestRevisionsWithoutGit: the go-git engine resolves the forms it
// implements exactly as git does (HEAD^3 is the third parent, HEAD^^ the
// grandparent), and refuses the others as needing git instead of reading
// them as HEAD.
func TestRevisionsWithoutGit(t *testing.T) {
	rr := newRevRepo(t)
	supported := []string{"HEAD", "@", "HEAD~", "HEAD~1", "HEAD~2", "HEAD^", "HEAD^0", "HEAD^1", "HEAD^2", "HEAD^3", "HEAD^^", "HEAD~1~", "HEAD^3~0",
		"main", "heads/main", "refs/heads/main", "b2", "v1", "v1tag", rr.c1, rr.c1[:7]}
	want := map[string]string{}
	for _, rev := range supported {
		if want[rev] = rr.gitCommit(rev); want[rev] == "" {
			t.Fatalf("fixture: git does not resolve %q", rev)
		}
	}
	tree := strings.TrimSpace(rr.r.Git("rev-parse", "HEAD^{tree}"))
	noGit(t)
	for _, rev := range supported {
		set, err := Load(context.Background(), Options{Dir: rr.r.Dir, Commits: rev + "..HEAD", Reversed: true})
		if err != nil {
			t.Errorf("%q: %v", rev, err)
			continue
		}
		if set.Base.Commit != want[rev] {
			t.Errorf("%q resolved to %s, git says %s", rev, set.Base.Commit, want[rev])
		}
	}
	for _, rev := range []string{"HEAD@{1}", "main@{1}", "@{u}", "HEAD^{tree}", "HEAD^{commit}", "HEAD:a.go", ":/one", "HEAD^{/one}", "user@host"} {
		_, err := Load(context.Background(), Options{Dir: rr.r.Dir, Base: rev})
		var de *Error
		if !errors.As(err, &de) || de.Kind != NeedsGit || de.Rev != rev {
			t.Errorf("%q: err %v, want NeedsGit", rev, err)
		} else if want := `revision "` + rev + `" needs the git binary, which is not on PATH`; err.Error() != want {
			t.Errorf("%q: %s, want %s", rev, err, want)
		}
	}
	for rev, why := range map[string]string{"nope": "", "HEAD^5": "", "treetag": "", "HEAD~9": "", tree: ""} {
		_, err := Load(context.Background(), Options{Dir: rr.r.Dir, Base: rev})
		var de *Error
		if !errors.As(err, &de) || de.Kind != BadRev {
			t.Errorf("%q: err %v, want BadRev", rev, err)
		} else if want := `base or head "` + rev + `" does not resolve to a commit` + why; err.Error() != want {
			t.Errorf("%q: %s, want %s", rev, err, want)
		}
	}
}

// TestRevisionReadFailure: a revision whose commit cannot be read is an
// Unreadable error with its cause, not "does not resolve", with git as
// the authority as much as without git.
func TestRevisionReadFailure(t *testing.T) {
	for _, rev := range []string{"main", "main~0", "f@{1}", "f@{1}~0", "f~1"} {
		for _, engine := range []string{EngineGit, EngineGoGit} {
			t.Run(rev+" "+engine, func(t *testing.T) {
				r := difftest.NewIsolated(t)
				r.Write("a", "1\n")
				r.Commit("one")
				r.Git("checkout", "-q", "-b", "f")
				r.Write("a", "2\n")
				r.Commit("two")
				r.Git("checkout", "-q", "main")
				sha := strings.TrimSpace(r.Git("rev-parse", "main"))
				r.Git("checkout", "-q", "f")
				obj := filepath.Join(r.Dir, ".git", "objects", sha[:2], sha[2:])
				if err := os.Chmod(obj, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(obj, []byte("not zlib"), 0o644); err != nil {
					t.Fatal(err)
				}
				if engine == EngineGoGit {
					noGit(t)
					if strings.Contains(rev, "@") {
						t.Skip("reflog syntax needs git")
					}
				}
				_, err := Load(context.Background(), Options{Dir: r.Dir, Base: rev})
				var de *Error
				if !errors.As(err, &de) || de.Kind != Unreadable || de.Op != OpResolve || de.Rev != rev ||
					!strings.HasPrefix(err.Error(), `cannot resolve "`+rev+`": `) {
					t.Fatalf("error %v (%+v), want an unreadable revision", err, de)
				}
			})
		}
	}
}

// TestSplitCommitsBraces: the range's ".." is the one outside braces, so
// a reflog date with dots is one revision.
func TestSplitCommitsBraces(t *testing.T) {
	for in, want := range map[string][2]string{
		"A..B":                     {"A", "B"},
		"HEAD@{1.day.ago}..HEAD":   {"HEAD@{1.day.ago}", "HEAD"},
		"main..main@{2.weeks.ago}": {"main", "main@{2.weeks.ago}"},
		"HEAD^{/fix..x}..HEAD":     {"HEAD^{/fix..x}", "HEAD"},
	} {
		a, b, err := splitCommits(in)
		if err != nil || a != want[0] || b != want[1] {
			t.Errorf("%q: %q %q %v, want %q", in, a, b, err, want)
		}
	}
	for _, in := range []string{"A", "A...B", "..B", "A..", "A..B..C", "HEAD@{1.day.ago}", "A..{x}..B"} {
		if _, _, err := splitCommits(in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}
