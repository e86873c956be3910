package diff

// The opened repository: HEAD, revisions and the default base, all
// in-process with go-git.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
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
	// warnings are what resolving the range warned about (Set.Warnings).
	warnings []string
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
	r, err := git.Open(readableStorage{st}, osfs.New(root))
	if err != nil {
		if errors.Is(err, git.ErrRepositoryNotExists) {
			return nil, notRepoError(dir)
		}
		if e := unsupportedFormat(root, commonDirOf(gitDir)); e != nil {
			return nil, e
		}
		if errors.Is(err, git.ErrUnknownExtension) || errors.Is(err, git.ErrUnsupportedExtensionRepositoryFormatVersion) {
			_, list, _ := strings.Cut(err.Error(), ": ")
			exts := strings.Split(list, ", ")
			for i := range exts {
				exts[i] = "extensions." + exts[i]
			}
			return nil, unreadable(OpExtension, "cannot open git repository at %s: it uses a git extension quorum cannot read (%s)", root, strings.Join(exts, ", "))
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

// readableStorage is the repository's storage with the extensions go-git
// refuses to open but that change nothing quorum reads from it:
// worktreeConfig (set by 'git sparse-checkout' and 'git config
// --worktree') only adds a per-worktree config file, which git itself
// reads when quorum runs it. Any other extension still stops the open.
type readableStorage struct{ *filesystem.Storage }

// readOnlyExtensions are those extensions, lower-cased.
var readOnlyExtensions = []string{"worktreeconfig"}

func (s readableStorage) Config() (*gitconfig.Config, error) {
	cfg, err := s.Storage.Config()
	if err != nil || cfg == nil || cfg.Raw == nil || !cfg.Raw.HasSection("extensions") {
		return cfg, err
	}
	sec := cfg.Raw.Section("extensions")
	for _, name := range readOnlyExtensions {
		sec.RemoveOption(name)
	}
	if len(sec.Options) == 0 {
		cfg.Raw.RemoveSection("extensions")
	}
	return cfg, nil
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

// resolve turns a revision into a commit hash. With the git binary, git
// is the authority for every revision: go-git's parser silently drops the
// parts it does not implement (HEAD@{1} and main@{1} read as HEAD and main,
// HEAD^{tree} and HEAD:path as HEAD), which would review the wrong range,
// or none, without a word. Without git, only the forms resolveGoGit
// implements exactly are accepted; any other is a NeedsGit error.
func (rp *repo) resolve(g *gitCLI, rev string) (plumbing.Hash, error) {
	if rev == "" {
		return plumbing.ZeroHash, fmt.Errorf("empty revision: %w", errNoRev)
	}
	if rev == EmptyTree {
		return plumbing.NewHash(EmptyTree), nil
	}
	if g != nil {
		return rp.resolveGit(g, rev)
	}
	return rp.resolveGoGit(rev)
}

// resolveGit resolves rev with `git rev-parse --verify`, then peels it to
// a commit (an annotated tag to its commit); a tree or blob is named in
// the error.
func (rp *repo) resolveGit(g *gitCLI, rev string) (plumbing.Hash, error) {
	switch {
	case strings.HasPrefix(rev, "-"):
		// git would read it as an option (and no branch name starts with "-").
		return plumbing.ZeroHash, &noRevError{why: "a revision cannot start with '-'"}
	case strings.ContainsFunc(rev, func(r rune) bool { return r == 0 || r == '\n' }):
		return plumbing.ZeroHash, &noRevError{why: "it contains a control character"}
	}
	out, stderr, err := g.revParse(rev)
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return plumbing.ZeroHash, err // git did not run
		}
		// A name git does not know, or cannot use (@{u} without an
		// upstream, HEAD@{9} past the reflog), unless the repository
		// cannot be read.
		if rerr := rp.readFailureAt(rev); rerr != nil {
			return plumbing.ZeroHash, rerr
		}
		if gitReadFailure.MatchString(stderr) {
			return plumbing.ZeroHash, &msgErr{msg: gitComplaint(stderr, true), err: err}
		}
		return plumbing.ZeroHash, &noRevError{why: gitComplaint(stderr, false)}
	}
	for line := range strings.SplitSeq(stderr, "\n") {
		if w, ok := strings.CutPrefix(strings.TrimSpace(line), "warning: "); ok && !slices.Contains(rp.warnings, "git: "+w) {
			rp.warnings = append(rp.warnings, "git: "+w)
		}
	}
	s := strings.TrimSpace(string(out))
	if !plumbing.IsHash(s) {
		// "^main" verifies as "^<sha>": a negation, not an object.
		return plumbing.ZeroHash, &noRevError{}
	}
	h := plumbing.NewHash(s)
	c, cerr := rp.r.CommitObject(h)
	if cerr == nil {
		return c.Hash, nil
	}
	// Not a commit go-git can read: an annotated tag (peeled by git, which
	// also follows a tag of a tag), a tree or blob, or a damaged object.
	if out, err := g.output("rev-parse", "--verify", "--quiet", s+"^{commit}"); err == nil {
		if p := strings.TrimSpace(string(out)); plumbing.IsHash(p) {
			return plumbing.NewHash(p), nil
		}
	}
	tout, err := g.output("cat-file", "-t", s+"^{}")
	switch typ := strings.TrimSpace(string(tout)); {
	case err == nil && (typ == "tree" || typ == "blob"):
		return plumbing.ZeroHash, &noRevError{why: "it names a " + typ}
	case readFailure(cerr) || !errors.Is(cerr, plumbing.ErrObjectNotFound):
		return plumbing.ZeroHash, cerr
	}
	return plumbing.ZeroHash, &noRevError{}
}

// revParse runs `git rev-parse --verify rev` and returns its stdout and
// all of its stderr (gitexec keeps the first line only, and a damaged
// object's "is corrupt" comes last). Not --quiet: it also silences why a
// name is wrong ("log for 'HEAD' only has 2 entries").
func (g *gitCLI) revParse(rev string) (string, string, error) {
	c := g.Command(context.Background(), "rev-parse", "--verify", rev)
	var stdout, stderr strings.Builder
	c.Stdout, c.Stderr = &stdout, &stderr
	err := c.Run()
	return stdout.String(), stderr.String(), err
}

// gitReadFailure matches what git says when it cannot read the repository
// (a damaged object or pack, a file it may not read) rather than when a
// name is wrong.
var gitReadFailure = regexp.MustCompile(`(?m)^(error|fatal): (inflate: |unable to unpack |unable to read |.* is corrupt|object file .* is empty|bad packed object|.*[Pp]ermission denied|detected dubious ownership)`)

// gitComplaint is git's own reason in stderr, without its "fatal: "
// prefix: the last fatal line (only that one says why git gave up; its
// "error: X^{commit}: expected commit type" lines describe its own
// peeling), or "" when there is none or it is the generic "Needed a
// single revision". With anyLine, the first line stands
// in for a missing fatal one.
func gitComplaint(stderr string, anyLine bool) string {
	why, first := "", ""
	for line := range strings.SplitSeq(strings.TrimSpace(stderr), "\n") {
		line = strings.TrimSpace(line)
		if first == "" {
			first = line
		}
		if msg, ok := strings.CutPrefix(line, "fatal: "); ok && msg != "Needed a single revision" {
			why = msg
		}
	}
	if why == "" && anyLine {
		why = strings.TrimPrefix(first, "error: ")
	}
	return why
}

// readFailureAt is the error go-git meets reading the repository while
// resolving rev (a damaged object or pack), or nil: it tells a broken
// repository from a wrong name when git refuses rev.
func (rp *repo) readFailureAt(rev string) error {
	if goGitRev.MatchString(rev) {
		// The syntax go-git implements: resolve it step by step, reading
		// every commit on the way.
		if _, err := rp.resolveGoGit(rev); readFailure(err) {
			return err
		}
		return nil
	}
	return rp.nameReadFailure(rev)
}

// nameReadFailure is readFailureAt for a name go-git resolves whole.
func (rp *repo) nameReadFailure(rev string) error {
	_, err := rp.r.ResolveRevision(plumbing.Revision(rev))
	if err != nil && !readFailure(err) {
		// go-git reports a ref whose commit cannot be read as not found:
		// read the commit of a plain ref name to tell the two apart.
		if rh, ok := rp.refHash(rev); ok {
			_, err = rp.r.CommitObject(rh)
		}
	}
	if readFailure(err) {
		return err
	}
	return nil
}

// goGitRev is the revision syntax resolveGoGit implements exactly: a ref
// name or (abbreviated) object name, then any ~N and ^N steps. "@" alone
// is HEAD, as to git; any other "@", ":", "{" or "}" is syntax only git
// knows (reflog, upstream, paths, ^{type}, :/text).
var goGitRev = regexp.MustCompile(`^(@|[^\x00-\x20\x7f~^:?*\[\\{}@]+)((?:[~^][0-9]*)*)$`)

// goGitStep is one ~N or ^N step of a revision.
var goGitStep = regexp.MustCompile(`([~^])([0-9]*)`)

// resolveGoGit resolves rev in-process, for machines without git: the name
// with go-git, then each step by hand (go-git's own walk reads HEAD^3 as
// the second parent and fails on HEAD^^).
func (rp *repo) resolveGoGit(rev string) (plumbing.Hash, error) {
	m := goGitRev.FindStringSubmatch(rev)
	if m == nil || strings.Contains(rev, "..") {
		e := errorf(NeedsGit, "revision %q needs the git binary, which is not on PATH", rev)
		e.Rev = rev
		return plumbing.ZeroHash, e
	}
	name, steps := m[1], m[2]
	if name == "@" {
		name = "HEAD"
	}
	var c *object.Commit
	h, err := rp.r.ResolveRevision(plumbing.Revision(name))
	if err == nil {
		c, err = rp.r.CommitObject(*h)
	} else if rh, ok := rp.refHash(name); ok || plumbing.IsHash(name) {
		// go-git does not peel a tag of a tag.
		if !ok {
			rh = plumbing.NewHash(name)
		}
		c, err = rp.peel(rh)
	}
	if err != nil {
		if rerr := rp.nameReadFailure(name); rerr != nil {
			return plumbing.ZeroHash, rerr
		}
		if readFailure(err) {
			return plumbing.ZeroHash, err
		}
		return plumbing.ZeroHash, fmt.Errorf("revision %q: %w", rev, errNoRev)
	}
	for _, st := range goGitStep.FindAllStringSubmatch(steps, -1) {
		n := 1
		if st[2] != "" {
			if n, err = strconv.Atoi(st[2]); err != nil {
				return plumbing.ZeroHash, fmt.Errorf("revision %q: %w", rev, errNoRev)
			}
		}
		hops, parent := n, 1 // ~N: N first parents
		if st[1] == "^" {
			hops, parent = min(n, 1), n // ^N: the Nth parent; ^0: the commit itself
		}
		for range hops {
			if parent > len(c.ParentHashes) {
				return plumbing.ZeroHash, fmt.Errorf("revision %q: %w", rev, errNoRev)
			}
			if c, err = rp.r.CommitObject(c.ParentHashes[parent-1]); err != nil {
				if readFailure(err) || !errors.Is(err, plumbing.ErrObjectNotFound) {
					return plumbing.ZeroHash, err
				}
				return plumbing.ZeroHash, fmt.Errorf("revision %q: %w", rev, errNoRev)
			}
		}
	}
	return c.Hash, nil
}

// peel follows annotated tags from h to the commit they name.
func (rp *repo) peel(h plumbing.Hash) (*object.Commit, error) {
	for range 16 {
		if c, err := rp.r.CommitObject(h); err == nil || readFailure(err) {
			return c, err
		}
		t, err := rp.r.TagObject(h)
		if err != nil {
			return nil, err
		}
		h = t.Target
	}
	return nil, fmt.Errorf("tag %s: %w", shortHash(h), errNoRev)
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

// defaultBase finds the base for branch: its upstream on a remote (a local
// upstream followed to its own, so a branch made with --track from main is
// based on main's remote branch), else the push remote's branch of its
// name (what a push of it updates), else that remote's HEAD, main or
// master, else a local upstream, else the local main or master. The push
// remote is the branch's pushRemote, remote.pushDefault, its remote, else
// origin, else the only remote. The remote's branches come before the
// local ones: a local main may hold commits not pushed yet, which a push
// of the branch sends too and a review against main would never show. It
// returns the name it used.
func (rp *repo) defaultBase(branch string) (string, plumbing.Hash, bool) {
	var candidates []string
	// The global file too: remote.pushDefault is often set there.
	cfg, err := rp.r.ConfigScoped(gitconfig.GlobalScope)
	if err != nil {
		if cfg, err = rp.r.Config(); err != nil {
			cfg = nil
		}
	}
	var up string
	if cfg != nil && branch != "" {
		var remote bool
		if up, remote = upstreamOf(cfg, branch); remote {
			candidates = append(candidates, up)
		}
	}
	if remote := pushRemoteOf(cfg, branch); remote != "" {
		if branch != "" {
			candidates = append(candidates, "refs/remotes/"+remote+"/"+branch)
		}
		candidates = append(candidates, "refs/remotes/"+remote+"/HEAD", "refs/remotes/"+remote+"/main", "refs/remotes/"+remote+"/master")
	}
	if up != "" && !slices.Contains(candidates, up) {
		// A local upstream no remote's stands behind (a repository with
		// no remote): the user's choice, before the default names.
		candidates = append(candidates, up)
	}
	candidates = append(candidates, "refs/heads/main", "refs/heads/master")
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

// upstreamOf is branch's upstream as a ref name, and whether it is a
// remote's: a remote-tracking ref, or for a local upstream that branch's
// own upstream, followed (up to a few steps) to a remote's; the local
// branch when none is.
func upstreamOf(cfg *gitconfig.Config, branch string) (string, bool) {
	local := ""
	for range 5 {
		b, ok := cfg.Branches[branch]
		if !ok || b.Merge == "" {
			break
		}
		short := b.Merge.Short()
		if b.Remote != "" && b.Remote != "." {
			return "refs/remotes/" + b.Remote + "/" + short, true
		}
		if local == "" {
			local = short
		}
		if short == branch {
			break
		}
		branch = short
	}
	return local, false
}

// pushRemoteOf is the remote a push of branch goes to, as git picks it:
// branch.<name>.pushRemote, remote.pushDefault, branch.<name>.remote,
// else origin when configured, else the only remote; "" when none.
func pushRemoteOf(cfg *gitconfig.Config, branch string) string {
	if cfg == nil {
		return "origin"
	}
	if branch != "" {
		if r := cfg.Raw.Section("branch").Subsection(branch).Option("pushRemote"); r != "" && r != "." {
			return r
		}
	}
	if r := cfg.Raw.Section("remote").Option("pushDefault"); r != "" && r != "." {
		return r
	}
	if b, ok := cfg.Branches[branch]; ok && b.Remote != "" && b.Remote != "." {
		return b.Remote
	}
	if _, ok := cfg.Remotes["origin"]; ok || len(cfg.Remotes) == 0 {
		return "origin"
	}
	if len(cfg.Remotes) == 1 {
		for name := range cfg.Remotes {
			return name
		}
	}
	return ""
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
