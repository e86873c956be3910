package diff

// Repository discovery, revisions, merge-base and the commit list, all
// in-process with go-git.

import (
	"container/heap"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	gitconfig "github.com/go-git/go-git/v5/plumbing/format/config"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
)

// EmptyTree is git's empty tree object; `--commits <EmptyTree>..B` reviews
// everything reachable from B (the pre-push hook uses it for a new branch).
const EmptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

// repo is an opened repository: go-git handle plus the paths git needs.
type repo struct {
	r       *git.Repository
	root    string // work tree root
	gitDir  string // this work tree's git dir (.git/worktrees/x for a linked one)
	shallow bool
}

// GitDir returns the git directory of the repository containing dir: ".git"
// of the main work tree, or ".git/worktrees/<name>" of a linked work tree.
// It follows "gitdir:" files and needs no git binary.
func GitDir(dir string) (string, error) {
	_, gitDir, err := findRoot(dir)
	return gitDir, err
}

// WorkTree returns the root of the work tree containing dir, as git finds
// it: GIT_DIR and GIT_WORK_TREE when set, else the first directory from
// dir up holding .git.
func WorkTree(dir string) (string, error) {
	root, _, err := findRoot(dir)
	return root, err
}

// Locate returns both WorkTree and GitDir of the repository containing
// dir, found once, for callers that need the two.
func Locate(dir string) (workTree, gitDir string, err error) {
	return findRoot(dir)
}

// CommonDir returns the git directory shared by all work trees of the
// repository containing dir (the main ".git"); it equals GitDir outside
// linked work trees.
func CommonDir(dir string) (string, error) {
	gd, err := GitDir(dir)
	if err != nil {
		return "", err
	}
	return commonDirOf(gd), nil
}

// commonDirOf is the common git directory of gitDir: the one its
// "commondir" file names (a linked work tree's), else gitDir itself.
func commonDirOf(gd string) string {
	b, err := os.ReadFile(filepath.Join(gd, "commondir"))
	if err != nil {
		return gd
	}
	c := strings.TrimSpace(string(b))
	if !filepath.IsAbs(c) {
		c = filepath.Join(gd, c)
	}
	return filepath.Clean(c)
}

// findRoot finds the work tree root and git dir of the repository
// containing dir, as git does: GIT_DIR and GIT_WORK_TREE when set (see
// fromEnv), else the first directory from dir up holding .git.
func findRoot(dir string) (root, gitDir string, err error) {
	gd, gdSet := os.LookupEnv("GIT_DIR")
	wt, wtSet := os.LookupEnv("GIT_WORK_TREE")
	// Set but empty is no repository to git ("not a git repository: ''",
	// "the empty string is not a valid path"), not unset.
	if gdSet && gd == "" {
		return "", "", envError("GIT_DIR", gd, "is empty, which names no git repository")
	}
	if wtSet && wt == "" {
		return "", "", envError("GIT_WORK_TREE", wt, "is empty, which names no directory")
	}
	if gd != "" {
		return fromEnv(gd, wt)
	}
	root, gitDir, err = discover(dir)
	if wt == "" {
		return root, gitDir, err
	}
	// GIT_WORK_TREE alone: the repository is found from dir as usual (a
	// bare one too), the work tree is GIT_WORK_TREE.
	var de *Error
	switch {
	case err == nil:
	case errors.As(err, &de) && de.Kind == BareRepo:
		gitDir = de.Dir
	default:
		return "", "", err
	}
	if root, err = envWorkTree(wt); err != nil {
		return "", "", err
	}
	return root, gitDir, nil
}

// fromEnv is the repository GIT_DIR names (absolute, or relative to the
// current directory; a "gitdir: <path>" file is followed) and its work
// tree, chosen as git chooses it: GIT_WORK_TREE when set; else none when
// the repository's config says core.bare = true; else core.worktree
// (relative to the git dir); else the current directory.
func fromEnv(gd, wt string) (root, gitDir string, err error) {
	gitDir, err = filepath.Abs(gd)
	if err != nil {
		return "", "", envError("GIT_DIR", gd, "is not a git repository")
	}
	if g, ok := gitdirFile(gitDir); ok {
		gitDir = g
	}
	gitDir = filepath.Clean(resolved(gitDir))
	if !isGitDir(gitDir, commonDirOf(gitDir)) {
		return "", "", envError("GIT_DIR", gd, "is not a git repository")
	}
	if wt != "" {
		root, err = envWorkTree(wt)
		return root, gitDir, err
	}
	// A linked work tree's git dir ignores core.bare and core.worktree of
	// the shared config, as git does.
	var bare bool
	var cfgWT string
	if _, err := os.Stat(filepath.Join(gitDir, "commondir")); err != nil {
		bare, cfgWT = coreConfig(gitDir)
	}
	switch {
	case bare:
		return "", "", bareRepoError(gitDir)
	case cfgWT != "":
		if !filepath.IsAbs(cfgWT) {
			cfgWT = filepath.Join(gitDir, cfgWT)
		}
		root = filepath.Clean(cfgWT)
	default:
		if root, err = os.Getwd(); err != nil {
			return "", "", envError("GIT_DIR", gd, "is set, and the current directory is unreadable")
		}
	}
	root = resolved(root)
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return "", "", envError("core.worktree", root, "is not a directory")
	}
	return root, gitDir, nil
}

// envWorkTree is the work tree GIT_WORK_TREE names (relative to the
// current directory), which must be a directory.
func envWorkTree(wt string) (string, error) {
	root, err := filepath.Abs(wt)
	if err != nil {
		return "", envError("GIT_WORK_TREE", wt, "is not a directory")
	}
	root = resolved(root)
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return "", envError("GIT_WORK_TREE", wt, "is not a directory")
	}
	return filepath.Clean(root), nil
}

// envError is the NotRepo error for a repository or work tree named by
// the environment variable (or setting) name that does not hold one.
func envError(name, val, what string) error {
	e := errorf(NotRepo, "%s=%s %s", name, val, what)
	e.Dir, e.Env = val, name
	return e
}

// isGitDir reports whether d is a git directory: HEAD in it, objects/ and
// refs/ in common. GIT_DIR may name a linked work tree's git dir, whose
// objects/ and refs/ are in its common dir (commonDirOf); a bare
// repository found by walking up holds them itself (common == d).
func isGitDir(d, common string) bool {
	if fi, err := os.Stat(filepath.Join(d, "HEAD")); err != nil || fi.IsDir() {
		return false
	}
	for _, sub := range []string{"objects", "refs"} {
		if fi, err := os.Stat(filepath.Join(common, sub)); err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

// coreConfig reads core.bare and core.worktree from gitDir's config; an
// unreadable config sets neither (go-git reports it when opening).
func coreConfig(gitDir string) (bare bool, worktree string) {
	f, err := os.Open(filepath.Join(gitDir, "config"))
	if err != nil {
		return false, ""
	}
	defer f.Close()
	cfg := gitconfig.New()
	if err := gitconfig.NewDecoder(f).Decode(cfg); err != nil {
		return false, ""
	}
	core := cfg.Section("core")
	switch strings.ToLower(core.Option("bare")) {
	case "true", "yes", "on", "1":
		bare = true
	}
	return bare, core.Option("worktree")
}

// discover walks up from dir to the first directory holding .git (a
// directory, or a file "gitdir: <path>" as in linked work trees).
func discover(dir string) (root, gitDir string, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", "", notRepoError(dir)
	}
	abs = resolved(abs)
	for d := abs; ; {
		p := filepath.Join(d, ".git")
		if fi, err := os.Stat(p); err == nil {
			if fi.IsDir() {
				return d, p, nil
			}
			if g, ok := gitdirFile(p); ok {
				return d, filepath.Clean(g), nil
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			if bare := bareAbove(abs); bare != "" {
				return "", "", bareRepoError(bare)
			}
			return "", "", notRepoError(dir)
		}
		d = parent
	}
}

// BareRepoAt is the BareRepo error when dir is in no work tree but in a
// bare repository (a mirror), else nil: for commands that must tell a bare
// repository from any other problem before doing their work.
func BareRepoAt(dir string) *Error {
	var de *Error
	if _, err := GitDir(dir); errors.As(err, &de) && de.Kind == BareRepo {
		return de
	}
	return nil
}

// bareAbove is the bare repository dir is in (dir or an ancestor holding
// HEAD, objects/ and refs/ itself, as `git clone --mirror` makes), or "".
// It is asked only when no work tree holds dir, so a work tree's own .git
// directory is never taken for one.
func bareAbove(dir string) string {
	for d := dir; ; {
		if isGitDir(d, d) {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// gitdirFile is the git dir a "gitdir: <path>" file at p names (a linked
// work tree's .git, or what GIT_DIR names), relative paths taken from p's
// directory; ok is false when p is no such file.
func gitdirFile(p string) (gitDir string, ok bool) {
	b, err := os.ReadFile(p)
	if err != nil || !strings.HasPrefix(string(b), "gitdir:") {
		return "", false
	}
	g := strings.TrimSpace(strings.TrimPrefix(string(b), "gitdir:"))
	if !filepath.IsAbs(g) {
		g = filepath.Join(filepath.Dir(p), g)
	}
	return g, true
}

// resolved is p with its symlinks resolved, or p unchanged when they
// cannot be (a missing path is for the caller's next stat to report).
func resolved(p string) string {
	if real, err := filepath.EvalSymlinks(p); err == nil {
		return real
	}
	return p
}

func openRepo(dir string) (*repo, error) {
	root, gitDir, err := findRoot(dir)
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(gitDir); err != nil || !fi.IsDir() {
		return nil, notRepoError(dir)
	}
	// The storage is built by hand (as git.PlainOpenWithOptions does with
	// EnableDotGitCommonDir) to pass options: a few pack descriptors stay
	// open instead of one open per object read, and blobs over 16 KiB that
	// are stored whole are streamed, so reading a head file's first lines
	// (the go-git engine's generated-code check, ReadNew) does not inflate
	// all of it into memory. The pack list is not cached (no
	// ExclusiveAccess): a long review may outlive a background git gc.
	var fs billy.Filesystem = osfs.New(gitDir)
	if common := commonDirOf(gitDir); common != gitDir {
		fs = dotgit.NewRepositoryFilesystem(fs, osfs.New(common))
	}
	st := filesystem.NewStorageWithOptions(fs, cache.NewObjectLRUDefault(), filesystem.Options{
		MaxOpenDescriptors:   16,
		LargeObjectThreshold: 16 << 10,
	})
	r, err := git.Open(st, osfs.New(root))
	if err != nil {
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return nil, notRepoError(dir)
		}
		return nil, unreadable(OpOpen, "cannot open git repository at %s: %w", root, err)
	}
	rp := &repo{r: r, root: root, gitDir: gitDir}
	// Close the kept pack descriptors once nothing uses the repository.
	runtime.AddCleanup(rp, func(st *filesystem.Storage) { _ = st.Close() }, st)
	if sh, err := r.Storer.Shallow(); err == nil && len(sh) > 0 {
		rp.shallow = true
	}
	return rp, nil
}

// headInfo is HEAD: the branch it points at ("" when detached), its
// commit, and whether the branch is unborn (no commit yet; set by callers
// that accept that).
type headInfo struct {
	branch string
	hash   plumbing.Hash
	unborn bool
	// branches: some local branch exists though HEAD has no commit (an
	// orphan branch), set by headRef with its NoCommits error, whose
	// wording and CheckHead's Orphan both depend on it.
	branches bool
	// rebasing is the branch a rebase in progress rewrites, when HEAD is
	// detached (set by Load only).
	rebasing string
}

// label names HEAD for people: the branch, or "detached at <short sha>".
func (h headInfo) label() string {
	if h.branch != "" || h.hash.IsZero() {
		return h.branch
	}
	return "detached at " + shortHash(h.hash)
}

// rebasing is the branch an interrupted rebase is rewriting ("" when no
// rebase is in progress or its branch is gone): git detaches HEAD while it
// replays, and the branch, with its upstream, is still what will be pushed.
func (rp *repo) rebasing() string {
	for _, d := range []string{"rebase-merge", "rebase-apply"} {
		b, err := os.ReadFile(filepath.Join(rp.gitDir, d, "head-name"))
		if err != nil {
			continue
		}
		name, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "refs/heads/")
		if !ok || name == "" {
			continue
		}
		if _, err := rp.r.Reference(plumbing.NewBranchReferenceName(name), false); err == nil {
			return name
		}
	}
	return ""
}

// shortHash is h's first 12 hex digits, as quorum prints commits.
func shortHash(h plumbing.Hash) string { return h.String()[:12] }

// headRef returns HEAD. A repository without commits is a NoCommits error.
func (rp *repo) headRef() (headInfo, error) {
	ref, err := rp.r.Reference(plumbing.HEAD, false)
	if err != nil {
		return headInfo{}, unreadable(OpHead, "cannot read HEAD: %w", err)
	}
	var branch string
	if ref.Type() == plumbing.SymbolicReference {
		branch = ref.Target().Short()
	}
	res, err := rp.r.Reference(plumbing.HEAD, true)
	if err != nil {
		what := "the repository has no commits yet"
		branches := rp.hasBranches()
		if branches {
			what = fmt.Sprintf("branch %s has no commits yet", branch) // an orphan branch
		}
		return headInfo{branch: branch, branches: branches}, errorf(NoCommits, "%s", what)
	}
	return headInfo{branch: branch, hash: res.Hash()}, nil
}

// hasBranches reports whether any local branch exists.
func (rp *repo) hasBranches() bool {
	refs, err := rp.r.Branches()
	if err != nil {
		return false
	}
	defer refs.Close()
	_, err = refs.Next()
	return err == nil
}

// unborn reports whether HEAD names a branch with no commit yet (a new
// repository before its first commit).
func (rp *repo) unborn() bool {
	ref, err := rp.r.Reference(plumbing.HEAD, false)
	if err != nil || ref.Type() != plumbing.SymbolicReference {
		return false
	}
	_, err = rp.r.Reference(ref.Target(), false)
	return errors.Is(err, plumbing.ErrReferenceNotFound)
}

// resolve turns a revision into a commit hash: go-git first, then the git
// binary (if any) for syntax go-git lacks (@{u}, :/text, ...).
func (rp *repo) resolve(g *gitCLI, rev string) (plumbing.Hash, error) {
	if rev == "" {
		return plumbing.ZeroHash, fmt.Errorf("empty revision: %w", errNoRev)
	}
	if rev == EmptyTree {
		return plumbing.NewHash(EmptyTree), nil
	}
	h, gerr := rp.r.ResolveRevision(plumbing.Revision(rev))
	if gerr != nil {
		// go-git reports a ref whose commit cannot be read as not found:
		// read the commit of a plain ref name to tell the two apart.
		if rh, ok := rp.refHash(rev); ok {
			if _, err := rp.r.CommitObject(rh); readFailure(err) {
				gerr = err
			}
		}
	}
	if gerr == nil {
		c, err := rp.r.CommitObject(*h)
		if err == nil {
			return c.Hash, nil
		}
		gerr = err
		// A tag object: peel it.
		if t, err := rp.r.TagObject(*h); err == nil {
			c, err := t.Commit()
			if err == nil {
				return c.Hash, nil
			}
			gerr = err
		}
	}
	if g != nil && !strings.HasPrefix(rev, "-") {
		// The git binary knows syntax go-git lacks (@{u}, :/text, ...).
		out, err := g.output("rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
		if err == nil {
			if s := strings.TrimSpace(string(out)); plumbing.IsHash(s) {
				return plumbing.NewHash(s), nil
			}
		}
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			return plumbing.ZeroHash, err // git did not run
		}
		if !readFailure(gerr) {
			// git exits 1 for a name it does not know and 128 for one it
			// cannot use (@{u} without an upstream): either way the name
			// is wrong, unless go-git failed to read the repository.
			return plumbing.ZeroHash, fmt.Errorf("revision %q: %w", rev, errNoRev)
		}
	}
	if readFailure(gerr) {
		return plumbing.ZeroHash, gerr
	}
	return plumbing.ZeroHash, fmt.Errorf("revision %q: %w", rev, errNoRev)
}

// refHash resolves rev as a ref name the way git expands one (rev,
// refs/rev, refs/tags/rev, refs/heads/rev, refs/remotes/rev).
func (rp *repo) refHash(rev string) (plumbing.Hash, bool) {
	for _, p := range []string{"", "refs/", "refs/tags/", "refs/heads/", "refs/remotes/"} {
		if ref, err := rp.r.Reference(plumbing.ReferenceName(p+rev), true); err == nil {
			return ref.Hash(), true
		}
	}
	return plumbing.ZeroHash, false
}

// defaultBase finds the base for branch: its upstream, else origin/HEAD,
// else main, else master. It returns the name it used.
func (rp *repo) defaultBase(branch string) (string, plumbing.Hash, bool) {
	var candidates []string
	if cfg, err := rp.r.Config(); err == nil && branch != "" {
		if b, ok := cfg.Branches[branch]; ok && b.Merge != "" {
			short := b.Merge.Short()
			if b.Remote == "" || b.Remote == "." {
				candidates = append(candidates, short)
			} else {
				candidates = append(candidates, "refs/remotes/"+b.Remote+"/"+short)
			}
		}
	}
	candidates = append(candidates, "refs/remotes/origin/HEAD", "refs/heads/main", "refs/heads/master")
	for _, c := range candidates {
		ref, err := rp.r.Reference(plumbing.ReferenceName(c), true)
		if err != nil {
			if h, err := rp.r.ResolveRevision(plumbing.Revision(c)); err == nil {
				return shortName(c), *h, true
			}
			continue
		}
		return shortName(c), ref.Hash(), true
	}
	return "", plumbing.ZeroHash, false
}

func shortName(ref string) string {
	for _, p := range []string{"refs/heads/", "refs/remotes/", "refs/tags/"} {
		if strings.HasPrefix(ref, p) {
			return ref[len(p):]
		}
	}
	return ref
}

// mergeBase is the merge-base of a (the base, named baseName) and b (the
// head, named headName). A shallow clone whose history stops before it is
// a Shallow error. The git binary, when there is one, is asked first: its
// pick among several best common ancestors (a criss-cross history) is the
// one `git diff A...B` uses, so the reviewed range is what git shows.
// Without git, go-git walks the history and the newest of them is taken.
func (rp *repo) mergeBase(g *gitCLI, a, b plumbing.Hash, baseName, headName string) (plumbing.Hash, error) {
	if g != nil && !rp.shallow {
		// git's answer first: it is the range git itself shows, and it is
		// several times faster than go-git's walk on a long history
		// (BENCHMARKS.md "Other figures": 0.09 s against 0.6 s for a base
		// 20,000 commits back). Any failure falls through to go-git, whose
		// errors say what is wrong in quorum's words.
		if out, gerr := g.output("merge-base", a.String(), b.String()); gerr == nil {
			if pick := plumbing.NewHash(strings.TrimSpace(string(out))); !pick.IsZero() {
				if _, cerr := rp.r.CommitObject(pick); cerr == nil {
					return pick, nil
				}
			}
		}
	}
	ca, err := rp.r.CommitObject(a)
	if err != nil {
		return plumbing.ZeroHash, rp.readErr(err, a)
	}
	cb, err := rp.r.CommitObject(b)
	if err != nil {
		return plumbing.ZeroHash, rp.readErr(err, b)
	}
	bases, err := ca.MergeBase(cb)
	if err == nil && len(bases) == 0 && !rp.shallow {
		e := errorf(Unrelated, "%s and %s have no common history", baseName, headName)
		e.Rev, e.Head = baseName, headName
		return plumbing.ZeroHash, e
	}
	if rp.shallow && (err != nil || len(bases) == 0) && g != nil {
		// go-git walks into the missing parents of the shallow boundary;
		// git knows the boundary, and a merge-base it finds is present
		// (the usual CI checkout: --depth 1 of the base, commits on top).
		if out, gerr := g.output("merge-base", a.String(), b.String()); gerr == nil {
			if pick := plumbing.NewHash(strings.TrimSpace(string(out))); !pick.IsZero() {
				if _, cerr := rp.r.CommitObject(pick); cerr == nil {
					return pick, nil
				}
			}
		}
	}
	if rp.shallow && (err != nil || len(bases) == 0) {
		e := errorf(Shallow, "shallow clone: the merge-base of %s and %s is not in the fetched history", baseName, headName)
		e.Rev, e.Head = baseName, headName
		if err != nil {
			e.Err = &msgErr{msg: e.Err.Error(), err: err}
		}
		return plumbing.ZeroHash, e
	}
	if err != nil {
		return plumbing.ZeroHash, unreadable(OpCommit, "cannot compute the merge-base of %s and %s: %w", baseName, headName, err)
	}
	// Several best common ancestors (a criss-cross history) and no git to
	// pick one: the newest.
	best := bases[0]
	for _, c := range bases[1:] {
		if c.Committer.When.After(best.Committer.When) ||
			(c.Committer.When.Equal(best.Committer.When) && c.Hash.String() < best.Hash.String()) {
			best = c
		}
	}
	return best.Hash, nil
}

func (rp *repo) readErr(err error, h plumbing.Hash) error {
	if rp.shallow {
		return &Error{Kind: Shallow, Err: &msgErr{msg: fmt.Sprintf("shallow clone: commit %s is not in the fetched history", h.String()[:12]), err: err}}
	}
	return unreadable(OpCommit, "cannot read commit %s: %w", h.String()[:12], err)
}

// commitItem orders the walk by committer date, newest first, ties by
// insertion order (as git's date-order queue does).
type commitItem struct {
	c             *object.Commit
	seq           int
	uninteresting bool
}

type commitQueue []commitItem

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	ti, tj := q[i].c.Committer.When, q[j].c.Committer.When
	if !ti.Equal(tj) {
		return ti.After(tj)
	}
	return q[i].seq < q[j].seq
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(commitItem)) }
func (q *commitQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

// commitsBetween lists the commits reachable from head but not from base
// (git rev-list base..head), oldest first, parents before children; among
// independent commits, older committer dates first (the reverse of git's
// --date-order). base may be zero (everything reachable from head).
func (rp *repo) commitsBetween(base, head plumbing.Hash) ([]Commit, error) {
	hc, err := rp.r.CommitObject(head)
	if err != nil {
		return nil, rp.readErr(err, head)
	}
	q := &commitQueue{}
	seq := 0
	push := func(c *object.Commit, unint bool) {
		seq++
		heap.Push(q, commitItem{c: c, seq: seq, uninteresting: unint})
	}
	uninteresting := map[plumbing.Hash]bool{}
	doneInt := map[plumbing.Hash]bool{}
	doneUnint := map[plumbing.Hash]bool{}
	if !base.IsZero() && base.String() != EmptyTree {
		bc, err := rp.r.CommitObject(base)
		if err != nil {
			return nil, rp.readErr(err, base)
		}
		uninteresting[base] = true
		push(bc, true)
	}
	push(hc, false)
	var found []*object.Commit
	slop := 5
	for q.Len() > 0 {
		allUnint := true
		for _, it := range *q {
			if !it.uninteresting && !uninteresting[it.c.Hash] {
				allUnint = false
				break
			}
		}
		if allUnint {
			// Keep going a little for clock skew, like git's slop.
			if slop--; slop < 0 {
				break
			}
		}
		it := heap.Pop(q).(commitItem)
		c := it.c
		unint := it.uninteresting || uninteresting[c.Hash]
		if unint {
			if doneUnint[c.Hash] {
				continue
			}
			doneUnint[c.Hash] = true
			uninteresting[c.Hash] = true
		} else {
			if doneInt[c.Hash] {
				continue
			}
			doneInt[c.Hash] = true
			found = append(found, c)
		}
		for _, ph := range c.ParentHashes {
			if unint && doneUnint[ph] {
				continue
			}
			pc, err := rp.r.CommitObject(ph)
			if err != nil {
				if rp.shallow || unint {
					continue // history ends at the shallow boundary
				}
				return nil, rp.readErr(err, ph)
			}
			if unint {
				uninteresting[ph] = true
			}
			push(pc, unint)
		}
	}
	var in []*object.Commit
	for _, c := range found {
		if !uninteresting[c.Hash] {
			in = append(in, c)
		}
	}
	return orderCommits(in), nil
}

// orderCommits sorts commits like `git rev-list --date-order --reverse`.
func orderCommits(cs []*object.Commit) []Commit {
	inSet := make(map[plumbing.Hash]*object.Commit, len(cs))
	for _, c := range cs {
		inSet[c.Hash] = c
	}
	// children counts within the set: a commit is ready when all its
	// children have been emitted (date-order emits children first).
	pending := map[plumbing.Hash]int{}
	for _, c := range cs {
		for _, p := range c.ParentHashes {
			if _, ok := inSet[p]; ok {
				pending[p]++
			}
		}
	}
	order := map[plumbing.Hash]int{}
	for i, c := range cs {
		order[c.Hash] = i
	}
	q := &commitQueue{}
	for _, c := range cs {
		if pending[c.Hash] == 0 {
			heap.Push(q, commitItem{c: c, seq: order[c.Hash]})
		}
	}
	var rev []*object.Commit
	for q.Len() > 0 {
		c := heap.Pop(q).(commitItem).c
		rev = append(rev, c)
		for _, p := range c.ParentHashes {
			if pc, ok := inSet[p]; ok {
				if pending[p]--; pending[p] == 0 {
					heap.Push(q, commitItem{c: pc, seq: order[p]})
				}
			}
		}
	}
	out := make([]Commit, 0, len(rev))
	for i := len(rev) - 1; i >= 0; i-- {
		out = append(out, toCommit(rev[i]))
	}
	return out
}

func toCommit(c *object.Commit) Commit {
	msg := strings.TrimLeft(c.Message, "\n")
	subject, body, _ := strings.Cut(msg, "\n")
	out := Commit{
		SHA:     c.Hash.String(),
		Subject: strings.TrimSpace(subject),
		Body:    strings.TrimSpace(body),
		Author:  fmt.Sprintf("%s <%s>", c.Author.Name, c.Author.Email),
	}
	for _, p := range c.ParentHashes {
		out.Parents = append(out.Parents, p.String())
	}
	return out
}

// HeadState is what `quorum review` without flags would find at HEAD,
// without reading the patch: Err is the *Error Load would return for the
// default range (NoCommits on an unborn or orphan branch, Unrelated when
// HEAD shares no history with the default base), or nil; Base names the
// default base ("" when there is none).
type HeadState struct {
	Branch string
	Base   string
	// Orphan: HEAD names a branch with no commit yet while other branches
	// have some (`git checkout --orphan`).
	Orphan bool
	Err    error
}

// CheckHead resolves HEAD and the default range of the repository
// containing dir as Load would, without reading the patch. Only the
// repository failing to open is returned as an error.
func CheckHead(dir string) (HeadState, error) {
	rp, err := openRepo(dir)
	if err != nil {
		return HeadState{}, err
	}
	head, err := rp.headRef()
	st := HeadState{Branch: head.label()}
	if err != nil {
		st.Err = err
		var de *Error
		st.Orphan = errors.As(err, &de) && de.Kind == NoCommits && head.branch != "" && head.branches
		return st, nil
	}
	base, bh, ok := rp.defaultBase(head.branch)
	if !ok {
		return st, nil
	}
	st.Base = base
	if _, err := rp.mergeBase(nil, bh, head.hash, base, "HEAD"); err != nil {
		st.Err = err
	}
	return st, nil
}
