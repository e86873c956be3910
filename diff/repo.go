package diff

// The opened repository: HEAD, revisions and the default base, all
// in-process with go-git.

import (
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
