package diff

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff/difftest"
)

func revList(r *difftest.Repo, rng string) []string {
	return strings.Fields(r.Git("rev-list", "--reverse", "--date-order", rng))
}

func shas(cs []Commit) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.SHA)
	}
	return out
}

func TestSubmodulePointerChange(t *testing.T) {
	r := difftest.NewIsolated(t)
	subDir := filepath.Join(filepath.Dir(r.Dir), "sub")
	os.MkdirAll(subDir, 0o755)
	sub := r.At(subDir)
	sub.Git("init", "-q", "-b", "main")
	sub.Write("s.txt", "one\n")
	sub.Commit("sub one")
	r.Write("README", "x\n")
	r.Git("-c", "protocol.file.allow=always", "submodule", "add", "-q", subDir, "sub")
	mb := r.Commit("add submodule")
	r.Git("checkout", "-q", "-b", "feature")
	sub.Write("s.txt", "two\n")
	newSub := sub.Commit("sub two")
	smod := r.At(filepath.Join(r.Dir, "sub"))
	smod.Git("-c", "protocol.file.allow=always", "fetch", "-q", "origin")
	smod.Git("checkout", "-q", newSub)
	r.Write("README", "y\n")
	head := r.Commit("bump submodule")
	set := load(t, Options{Dir: r.Dir})
	checkAgainstGit(t, r, set, mb, head)
	f := only(t, set, StatusModified, "sub")
	if f.Skip != SkipSubmodule || f.NewMode != "160000" {
		t.Errorf("submodule: %+v", f)
	}

	// The submodule replaced by a file: the file is new code to review.
	r.Git("rm", "-q", "--cached", "sub")
	os.RemoveAll(filepath.Join(r.Dir, "sub"))
	r.Write("sub", "package sub\n")
	head = r.Commit("replace the submodule with a file")
	set = load(t, Options{Dir: r.Dir, Commits: head + "~1.." + head})
	checkAgainstGit(t, r, set, head+"~1", head)
	f = only(t, set, StatusTypeChanged, "sub")
	if f.Skip != "" || f.OldMode != "160000" || f.NewMode != "100644" || f.Added != 1 {
		t.Errorf("submodule replaced by a file: %+v", f)
	}
}

func TestMergeCommitsInRange(t *testing.T) {
	r := difftest.NewIsolated(t)
	r.Write("a.txt", difftest.Lines("a", 20))
	mb := r.Commit("base")
	r.Git("checkout", "-q", "-b", "feature")
	r.Write("a.txt", strings.Replace(difftest.Lines("a", 20), "a 2\n", "a two\n", 1))
	r.Commit("feature one")
	r.Git("checkout", "-q", "-b", "side", mb)
	r.Write("b.txt", "side\n")
	r.Commit("side one")
	r.Write("b.txt", "side\nmore\n")
	r.Commit("side two")
	r.Git("checkout", "-q", "feature")
	r.Tick()
	r.Git("merge", "-q", "--no-ff", "-m", "merge side", "side")
	r.Write("a.txt", strings.Replace(difftest.Lines("a", 20), "a 2\n", "a two\n", 1)+"end\n")
	head := r.Commit("feature two")
	set := load(t, Options{Dir: r.Dir})
	checkAgainstGit(t, r, set, mb, head)
	if got, want := shas(set.Commits), revList(r, mb+".."+head); !slices.Equal(got, want) {
		t.Fatalf("commits %v, git rev-list %v", got, want)
	}
	merges := 0
	for _, c := range set.Commits {
		if c.IsMerge() {
			merges++
			if c.Subject != "merge side" || len(c.Parents) != 2 {
				t.Errorf("merge commit: %+v", c)
			}
		}
	}
	if merges != 1 || len(set.Commits) != 5 {
		t.Errorf("commits: %+v", set.Commits)
	}
}

func TestLinkedWorktreeAndSubdirectory(t *testing.T) {
	r := difftest.NewIsolated(t)
	r.Write("pkg/inner/x.go", "package inner\n")
	mb := r.Commit("base")
	wtDir := filepath.Join(filepath.Dir(r.Dir), "wt")
	r.Git("worktree", "add", "-q", "-b", "wt-branch", wtDir)
	wt := r.At(wtDir)
	wt.Write("pkg/inner/x.go", "package inner\n\nvar X = 1\n")
	head := wt.Commit("in worktree")
	for _, dir := range []string{wtDir, filepath.Join(wtDir, "pkg", "inner")} {
		set := load(t, Options{Dir: dir})
		if set.MergeBase != mb || set.Head.Commit != head || len(set.Commits) != 1 {
			t.Fatalf("%s: %+v", dir, set)
		}
		real, _ := filepath.EvalSymlinks(wtDir)
		if set.Root != real {
			t.Errorf("root %s, want %s", set.Root, real)
		}
		checkAgainstGit(t, wt, set, mb, head)
	}
	gd, err := GitDir(filepath.Join(wtDir, "pkg"))
	if err != nil || !strings.HasSuffix(gd, filepath.Join(".git", "worktrees", "wt")) {
		t.Errorf("GitDir = %q, %v", gd, err)
	}
	cd, err := CommonDir(wtDir)
	if err != nil || !strings.HasSuffix(cd, filepath.Join("repo", ".git")) {
		t.Errorf("CommonDir = %q, %v", cd, err)
	}
	// From a subdirectory of the main work tree.
	r.Git("checkout", "-q", "-b", "feat")
	r.Write("pkg/inner/y.go", "package inner\n")
	h2 := r.Commit("y")
	set := load(t, Options{Dir: filepath.Join(r.Dir, "pkg", "inner")})
	if set.Head.Commit != h2 || len(set.Files) != 1 || set.Files[0].Path != "pkg/inner/y.go" {
		t.Fatalf("subdir: %s", describe(set))
	}
}

func TestBaseResolution(t *testing.T) {
	r := difftest.NewIsolated(t)
	r.Write("a", "1\n")
	c1 := r.Commit("one")
	r.Write("a", "2\n")
	c2 := r.Commit("two")
	// A fake remote branch and origin/HEAD ahead of main's first commit.
	r.Git("update-ref", "refs/remotes/origin/trunk", c1)
	r.Git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
	r.Git("checkout", "-q", "-b", "feature")
	r.Write("a", "3\n")
	r.Commit("three")
	set := load(t, Options{Dir: r.Dir})
	if set.Base.Ref != "origin/HEAD" || set.MergeBase != c1 {
		t.Errorf("origin/HEAD: base %+v mb %s", set.Base, set.MergeBase)
	}
	// An upstream wins over origin/HEAD.
	r.Git("update-ref", "refs/remotes/origin/feature", c2)
	r.Git("remote", "add", "origin", "https://example.invalid/repo.git")
	r.Git("config", "branch.feature.remote", "origin")
	r.Git("config", "branch.feature.merge", "refs/heads/feature")
	set = load(t, Options{Dir: r.Dir})
	if set.Base.Ref != "origin/feature" || set.MergeBase != c2 || len(set.Commits) != 1 {
		t.Errorf("upstream: base %+v mb %s", set.Base, set.MergeBase)
	}
	// --base, --head, --commits.
	set = load(t, Options{Dir: r.Dir, Base: "main~1", Head: "main"})
	if set.MergeBase != c1 || set.Head.Commit != c2 || len(set.Commits) != 1 {
		t.Errorf("--base/--head: %+v", set)
	}
	set = load(t, Options{Dir: r.Dir, Commits: EmptyTree + "..main"})
	if len(set.Commits) != 2 || set.Commits[0].SHA != c1 || set.MergeBase != "" {
		t.Errorf("empty tree: %+v", set.Commits)
	}
	checkAgainstGit(t, r, set, EmptyTree, c2)
	set = load(t, Options{Dir: r.Dir, Commits: "HEAD~2..HEAD"})
	if len(set.Commits) != 2 || set.Commits[1].Subject != "three" {
		t.Errorf("commits: %+v", set.Commits)
	}
	// Upstream syntax only the git binary knows.
	set = load(t, Options{Dir: r.Dir, Base: "@{upstream}"})
	if set.Base.Commit != c2 {
		t.Errorf("@{upstream}: %+v", set.Base)
	}
}

func TestStagedAndWorktree(t *testing.T) {
	r := difftest.NewIsolated(t)
	r.Write("a.txt", difftest.Lines("a", 10))
	r.Write("b.txt", "b\n")
	head := r.Commit("base")
	r.Write("a.txt", strings.Replace(difftest.Lines("a", 10), "a 5\n", "staged\n", 1))
	r.Git("add", "a.txt")
	r.Write("b.txt", "b\nunstaged\n")
	set := load(t, Options{Dir: r.Dir, Staged: true})
	if set.Mode != ModeStaged || set.Base.Commit != head || len(set.Files) != 1 {
		t.Fatalf("staged: %s", describe(set))
	}
	checkAgainstGit(t, r, set, "--cached", head)
	got, err := ReadNew(t.Context(), set, "a.txt")
	if err != nil || !strings.Contains(string(got), "staged") {
		t.Errorf("ReadNew staged: %q %v", got, err)
	}
	set = load(t, Options{Dir: r.Dir, Worktree: true})
	if set.Mode != ModeWorktree || len(set.Files) != 2 {
		t.Fatalf("worktree: %s", describe(set))
	}
	checkAgainstGit(t, r, set, head)
	got, err = ReadNew(t.Context(), set, "b.txt")
	if err != nil || string(got) != "b\nunstaged\n" {
		t.Errorf("ReadNew worktree: %q %v", got, err)
	}
	if _, err := ReadNew(t.Context(), set, "../etc/passwd"); err == nil {
		t.Error("ReadNew outside the repo did not fail")
	}
}

// TestStagedBeforeTheFirstCommit: with no commit yet, --staged and
// --worktree review against the empty tree, as `git diff --cached` shows;
// a range still needs a commit.
func TestStagedBeforeTheFirstCommit(t *testing.T) {
	r := difftest.NewIsolated(t)
	r.Write("a.txt", difftest.Lines("a", 5))
	r.Git("add", "a.txt")
	r.Write("b.txt", "not added\n")
	set := load(t, Options{Dir: r.Dir, Staged: true})
	if set.Mode != ModeStaged || set.Base.Commit != "" || set.MergeBase != "" || len(set.Files) != 1 || set.Files[0].Status != StatusAdded {
		t.Fatalf("staged: %s", describe(set))
	}
	checkAgainstGit(t, r, set, "--cached", EmptyTree)
	got, err := ReadNew(t.Context(), set, "a.txt")
	if err != nil || string(got) != difftest.Lines("a", 5) {
		t.Errorf("ReadNew staged: %q %v", got, err)
	}
	set = load(t, Options{Dir: r.Dir, Worktree: true})
	if len(set.Files) != 1 || len(set.Skipped) != 1 || set.Skipped[0].Reason != SkipUntracked {
		t.Fatalf("worktree: %s", describe(set))
	}
	checkAgainstGit(t, r, set, EmptyTree)
	// The dismissal ledger, untracked, is the ledger: never reviewed, and
	// not an untracked file 'git add -N' would have reviewed.
	r.Write(LedgerPath, "dismissed: []\n")
	set = load(t, Options{Dir: r.Dir, Worktree: true})
	var reasons []string
	for _, s := range set.Skipped {
		reasons = append(reasons, s.Path+" "+s.Reason)
	}
	if got := strings.Join(reasons, ", "); got != LedgerPath+" "+SkipLedger+", b.txt "+SkipUntracked {
		t.Fatalf("worktree with an untracked ledger: skipped %s", got)
	}
	if _, err := Load(t.Context(), Options{Dir: r.Dir}); err == nil || !strings.Contains(err.Error(), "no commits yet") {
		t.Errorf("a range before the first commit: %v", err)
	}
}

func TestReadNewAtHead(t *testing.T) {
	r := difftest.NewIsolated(t)
	r.Write("a.txt", "old\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "f")
	r.Write("a.txt", "new\n")
	r.Commit("change")
	r.Write("a.txt", "dirty\n") // the work tree must not leak into range mode
	set := load(t, Options{Dir: r.Dir})
	got, err := ReadNew(t.Context(), set, "a.txt")
	if err != nil || string(got) != "new\n" {
		t.Errorf("ReadNew: %q %v", got, err)
	}
	// A Set decoded from JSON (no handle) still reads.
	bare := &Set{Mode: set.Mode, Head: set.Head, Root: set.Root}
	if got, err := ReadNew(t.Context(), bare, "a.txt"); err != nil || string(got) != "new\n" {
		t.Errorf("ReadNew from bare set: %q %v", got, err)
	}
}

func TestUserConfigDoesNotBreakParsing(t *testing.T) {
	r := difftest.NewIsolated(t)
	r.Write("a b.txt", "x\n\ny\n")
	r.Write("ü.txt", "u\n")
	mb := r.Commit("base")
	r.Git("checkout", "-q", "-b", "f")
	r.Write("a b.txt", "x\n\nY\n")
	r.Write("ü.txt", "U\n")
	head := r.Commit("c")
	for _, kv := range [][2]string{
		{"diff.noprefix", "true"}, {"diff.mnemonicPrefix", "true"}, {"color.ui", "always"},
		{"color.diff", "always"}, {"core.quotePath", "true"}, {"diff.suppressBlankEmpty", "true"},
		{"diff.submodule", "log"}, {"diff.external", "false"}, {"diff.renames", "false"},
	} {
		r.Git("config", "--global", kv[0], kv[1])
	}
	set := load(t, Options{Dir: r.Dir})
	r.Git("config", "--global", "--remove-section", "diff")
	r.Git("config", "--global", "--remove-section", "color")
	r.Git("config", "--global", "--remove-section", "core")
	checkAgainstGit(t, r, set, mb, head)
}

func TestIgnoreGlobsAndSizeLimit(t *testing.T) {
	r := difftest.NewIsolated(t)
	r.Write("README", "x\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "f")
	r.Write("docs/guide.md", "g\n")
	r.Write("src/a_test.go", "package a\n")
	r.Write("src/deep/b_test.go", "package b\n")
	r.Write("src/a.go", "package a\n")
	r.Write("big.txt", strings.Repeat("0123456789\n", 200))
	r.Commit("c")
	set := load(t, Options{Dir: r.Dir, Ignore: []string{"docs/", "*_test.go"}, MaxFileBytes: 1000})
	want := map[string]string{"docs/guide.md": SkipIgnored, "src/a_test.go": SkipIgnored, "src/deep/b_test.go": SkipIgnored, "big.txt": SkipTooLarge, "src/a.go": ""}
	for p, reason := range want {
		if f := set.Files[indexOf(set, p)]; f.Skip != reason {
			t.Errorf("%s: %q, want %q", p, f.Skip, reason)
		}
	}
}

func TestGitDirWithoutGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	r := difftest.NewIsolated(t)
	gd, err := GitDir(r.Dir)
	if err != nil || gd != filepath.Join(mustReal(t, r.Dir), ".git") {
		t.Errorf("GitDir = %q, %v", gd, err)
	}
}

// TestGitDirBare: a bare repository (and a directory inside one) is
// BareRepo, not NotRepo; a work tree's own .git directory still finds the
// work tree.
func TestGitDirBare(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	r := difftest.NewIsolated(t)
	bare := filepath.Join(t.TempDir(), "mirror.git")
	r.Git("clone", "-q", "--mirror", r.Dir, bare)
	for _, dir := range []string{bare, filepath.Join(bare, "refs")} {
		_, err := GitDir(dir)
		var de *Error
		if !errors.As(err, &de) || de.Kind != BareRepo || de.Dir != mustReal(t, bare) {
			t.Errorf("GitDir(%s) = %v, want a BareRepo error for %s", dir, err, bare)
		}
	}
	if gd, err := GitDir(filepath.Join(r.Dir, ".git", "refs")); err != nil || gd != filepath.Join(mustReal(t, r.Dir), ".git") {
		t.Errorf("inside a work tree's .git: GitDir = %q, %v", gd, err)
	}
}

// TestNotRepoNamesAbsoluteDir: "not a git repository: ." says nothing
// about where quorum looked; the error names the directory absolutely.
func TestNotRepoNamesAbsoluteDir(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	_, err := WorkTree(".")
	var de *Error
	if !errors.As(err, &de) || de.Kind != NotRepo || err.Error() != "not a git repository: "+dir {
		t.Fatalf("WorkTree(.) = %v", err)
	}
}

func mustReal(t *testing.T, p string) string {
	t.Helper()
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return real
}

// TestManyFilesAcrossBatches crosses several skip-rule batches (and
// check-attr round trips) and keeps patch order.
func TestManyFilesAcrossBatches(t *testing.T) {
	r := difftest.NewIsolated(t)
	r.Write(".gitattributes", "gen/** linguist-generated\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "f")
	for i := 0; i < 150; i++ {
		dir := "src"
		if i%7 == 0 {
			dir = "gen"
		}
		r.Write(fmt.Sprintf("%s/f%03d.txt", dir, i), difftest.Lines("x", 3))
	}
	head := r.Commit("many")
	set := load(t, Options{Dir: r.Dir})
	checkAgainstGit(t, r, set, "main", head)
	gen := 0
	for _, f := range set.Files {
		if strings.HasPrefix(f.Path, "gen/") != (f.Skip == SkipGenerated) {
			t.Errorf("%s: skip %q", f.Path, f.Skip)
		}
		if f.Skip != "" {
			gen++
		}
	}
	if gen != 22 || len(set.Skipped) != 22 {
		t.Errorf("generated: %d files, %d skipped", gen, len(set.Skipped))
	}
}

// TestGeneratedHeaderOutsideThePatch: the marker is on line 1 but the
// change is far below it, so the check reads the head blob (cat-file with
// git, go-git without, the index with --staged, the disk with --worktree).
func TestGeneratedHeaderOutsideThePatch(t *testing.T) {
	r := difftest.NewIsolated(t)
	gen := "// Code generated by stringer; DO NOT EDIT.\n\n" + difftest.Lines("var x", 40)
	r.Write("z_string.go", gen)
	r.Write("plain.go", difftest.Lines("var y", 40))
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "f")
	r.Write("z_string.go", strings.Replace(gen, "var x 30\n", "var x thirty\n", 1))
	r.Write("plain.go", strings.Replace(difftest.Lines("var y", 40), "var y 30\n", "var y thirty\n", 1))
	r.Commit("change")
	check := func(name string, set *Set) {
		t.Helper()
		if f := set.Files[indexOf(set, "z_string.go")]; f.Skip != SkipGenerated {
			t.Errorf("%s: z_string.go skip %q", name, f.Skip)
		}
		if f := set.Files[indexOf(set, "plain.go")]; f.Skip != "" {
			t.Errorf("%s: plain.go skip %q", name, f.Skip)
		}
	}
	check("range", load(t, Options{Dir: r.Dir}))
	r.Write("z_string.go", strings.Replace(gen, "var x 31\n", "var x 31!\n", 1))
	r.Write("plain.go", strings.Replace(difftest.Lines("var y", 40), "var y 31\n", "var y 31!\n", 1))
	check("worktree", load(t, Options{Dir: r.Dir, Worktree: true}))
	r.Git("add", "-A")
	check("staged", load(t, Options{Dir: r.Dir, Staged: true}))
	noGit(t)
	check("go-git", load(t, Options{Dir: r.Dir, Base: "main", Head: "f"}))
}

// TestCrissCrossMergeBase: two branches that merged each other have two
// best common ancestors; the range must start at the one git picks, in
// whichever order the two were committed. Both have the same date, the
// case where no rule on dates can stand in for git's choice.
func TestCrissCrossMergeBase(t *testing.T) {
	for i, xFirst := range []bool{true, false, true, false, true, false} {
		r := difftest.NewIsolated(t)
		r.Write("a.txt", difftest.Lines("a", 20))
		base := r.Commit("base")
		r.Git("branch", "x")
		r.Git("branch", "y")
		r.Tick()
		commitOn := func(branch, file string) string {
			// git add and commit without Commit's tick: the same date.
			r.Git("checkout", "-q", branch)
			r.Write(file, fmt.Sprintf("%s %d\n", branch, i)) // hashes in another order each round
			r.Git("add", "-A")
			r.Git("commit", "-q", "-m", branch+" one")
			return r.Head()
		}
		var x1, y1 string
		if xFirst {
			x1, y1 = commitOn("x", "x.txt"), commitOn("y", "y.txt")
		} else {
			y1, x1 = commitOn("y", "y.txt"), commitOn("x", "x.txt")
		}
		r.Git("checkout", "-q", "x")
		r.Tick()
		r.Git("merge", "-q", "--no-ff", "-m", "x merges y", y1)
		r.Git("checkout", "-q", "y")
		r.Tick()
		r.Git("merge", "-q", "--no-ff", "-m", "y merges x", x1)
		r.Write("y.txt", "y\nmore\n")
		r.Tick()
		r.Commit("y two")
		if all := strings.Fields(r.Git("merge-base", "--all", "x", "y")); len(all) != 2 {
			t.Fatalf("fixture: want two merge-bases, got %v (base %s)", all, base)
		}
		want := strings.TrimSpace(r.Git("merge-base", "x", "y"))
		set := load(t, Options{Dir: r.Dir, Base: "x"})
		if set.MergeBase != want {
			t.Errorf("round %d: merge-base %s, git picks %s", i, set.MergeBase, want)
		}
		checkAgainstGit(t, r, set, want, r.Head())
	}
}

// TestShallowCloneWithBoundaryMergeBase: the usual CI checkout, a --depth 1
// clone of the base with a commit on top, reviews that commit: the
// merge-base is the shallow boundary, which is present even though go-git
// cannot walk past it.
func TestShallowCloneWithBoundaryMergeBase(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	src := difftest.NewIsolated(t)
	for i := range 3 {
		src.Write(fmt.Sprintf("f%d.txt", i), "x\n")
		src.Commit(fmt.Sprintf("c%d", i))
	}
	dir := filepath.Join(t.TempDir(), "shallow")
	src.Git("clone", "-q", "--depth", "1", "file://"+src.Dir, dir)
	clone := src.At(dir)
	clone.Git("checkout", "-q", "-b", "feat")
	clone.Write("new.go", "package x\n")
	clone.Commit("feat")
	set := load(t, Options{Dir: dir})
	if len(set.Files) != 1 || set.Files[0].Path != "new.go" || len(set.Commits) != 1 {
		t.Fatalf("files %v, commits %d: want new.go and one commit", set.Files, len(set.Commits))
	}
}
