package diff

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/quorum-review/quorum/internal/crash"
	"github.com/quorum-review/quorum/internal/gitexec"
)

// Options say which changes to load.
type Options struct {
	Dir      string // where to start repo discovery (any subdirectory, linked worktree ok)
	Base     string // --base REF ("" = default resolution: upstream, origin/<branch>, origin/HEAD, origin/main, main, master)
	Head     string // --head REF (default HEAD)
	Staged   bool   // index vs HEAD
	Worktree bool   // uncommitted changes (work tree incl. index) vs HEAD
	Commits  string // "A..B": exactly A..B, no merge-base
	// Reversed lets Commits name B..A where A is an ancestor of B: the
	// change undone, on purpose (eval's bug cases). A user's --commits
	// in that order is refused as a swap.
	Reversed bool
	Ignore   []string // user ignore globs (doublestar)
	// MaxFileBytes is the per-file patch size limit (0 = DefaultMaxFileBytes).
	MaxFileBytes int64
	// Git runs the git binary (the command's Factory gives it); nil is the
	// one gitexec.LookPath finds, and no binary means the go-git engine.
	Git *gitexec.Git
}

// Modes of Set.Mode.
const (
	ModeRange    = "range"
	ModeCommits  = "commits"
	ModeStaged   = "staged"
	ModeWorktree = "worktree"
)

// Pseudo refs of Set.Head for the staged and worktree modes.
const (
	RefIndex    = "index"
	RefWorktree = "worktree"
)

// Validate reports conflicting options.
func (o Options) Validate() error {
	switch {
	case o.Staged && o.Worktree:
		return usageErr("--staged and --worktree cannot be used together")
	case o.Commits != "" && (o.Base != "" || o.Head != "" || o.Staged || o.Worktree):
		return usageErr("--commits cannot be combined with --base, --head, --staged or --worktree")
	case (o.Staged || o.Worktree) && (o.Base != "" || o.Head != ""):
		return usageErr("--staged and --worktree compare with HEAD; they cannot be combined with --base or --head")
	case o.MaxFileBytes < 0:
		return usageErr("the size limit must not be negative")
	}
	if o.Commits != "" {
		if _, _, err := splitCommits(o.Commits); err != nil {
			return err
		}
	}
	return nil
}

func splitCommits(s string) (string, string, error) {
	// The ".." outside braces: HEAD@{1.day.ago}..HEAD is a range.
	i, depth := -1, 0
	for j := 0; j < len(s) && i < 0; j++ {
		switch {
		case s[j] == '{':
			depth++
		case s[j] == '}' && depth > 0:
			depth--
		case depth == 0 && strings.HasPrefix(s[j:], ".."):
			i = j
		}
	}
	if i < 0 {
		return "", "", usageErr("--commits takes a range A..B, got %q", s)
	}
	a, b := s[:i], s[i+2:]
	switch {
	case a != "" && strings.HasPrefix(b, ".") && len(b) > 1 && !strings.Contains(stripBraces(b[1:]), ".."):
		// git's A...B: B's own commits since it left A.
		return "", "", usageErr("--commits takes a range A..B, got %q: for the commits of %s since it left %s, use --base %s --head %s", s, b[1:], a, a, b[1:])
	case a != "" && b == "":
		return "", "", usageErr("--commits takes a range A..B, got %q: for the commits since %s, use --base %s", s, a, a)
	case a == "" || b == "" || strings.HasPrefix(b, ".") || strings.Contains(stripBraces(b), ".."):
		return "", "", usageErr("--commits takes a range A..B, got %q", s)
	}
	return a, b, nil
}

// stripBraces is s without its {...} parts (reflog dates, ^{type}).
func stripBraces(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '{':
			depth++
		case r == '}' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// source is what Load resolved, kept for ReadNew.
type source struct {
	rp   *repo
	git  *gitCLI
	head plumbing.Hash // zero for the staged and worktree modes
	mode string

	// trees caches the head commit's directories by path ("" is the root):
	// go-git decodes every directory on the way again on each Tree.File,
	// which cost 0.1-0.3 ms a file on a 400-file diff.
	mu    sync.Mutex
	trees map[string]*object.Tree
	// index is the decoded .git/index for --staged, read once: go-git
	// decodes the whole file on every Storer.Index call.
	index map[string]plumbing.Hash
}

// indexBlob returns the staged blob of p, decoding the index on first use.
func (s *source) indexBlob(p string) (plumbing.Hash, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.index == nil {
		idx, err := s.rp.r.Storer.Index()
		if err != nil {
			return plumbing.ZeroHash, err
		}
		s.index = make(map[string]plumbing.Hash, len(idx.Entries))
		for _, e := range idx.Entries {
			if e.Stage == 0 { // merged entries only; conflicts have stages 1-3
				s.index[e.Name] = e.Hash
			}
		}
	}
	h, ok := s.index[p]
	if !ok {
		return plumbing.ZeroHash, fmt.Errorf("%s in the index: %w", p, index.ErrEntryNotFound)
	}
	return h, nil
}

// headFile finds p in the head commit's tree, decoding each directory once.
func (s *source) headFile(p string) (*object.File, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.trees == nil {
		root, err := s.rp.tree(s.head)
		if err != nil {
			return nil, err
		}
		s.trees = map[string]*object.Tree{"": root}
	}
	dir, name := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	t, err := s.dirTree(dir)
	if err != nil {
		return nil, fmt.Errorf("%s at %s: %w", p, s.head.String()[:12], err)
	}
	e, err := t.FindEntry(name)
	if err != nil || !e.Mode.IsFile() {
		return nil, fmt.Errorf("%s at %s: %w", p, s.head.String()[:12], object.ErrFileNotFound)
	}
	blob, err := s.rp.r.BlobObject(e.Hash)
	if err != nil {
		return nil, err
	}
	return object.NewFile(name, e.Mode, blob), nil
}

func (s *source) dirTree(dir string) (*object.Tree, error) {
	if t, ok := s.trees[dir]; ok {
		return t, nil
	}
	parent, name := path.Split(dir)
	pt, err := s.dirTree(strings.TrimSuffix(parent, "/"))
	if err != nil {
		return nil, err
	}
	e, err := pt.FindEntry(name)
	if err != nil {
		return nil, err
	}
	t, err := s.rp.r.TreeObject(e.Hash)
	if err != nil {
		return nil, err
	}
	s.trees[dir] = t
	return t, nil
}

func (s *source) isWorktree() bool { return s.mode == ModeWorktree }

// Load resolves the range described by opts and returns the parsed changes
// with skip rules applied. Errors a user can cause or fix are *Error.
func Load(ctx context.Context, opts Options) (*Set, error) {
	var files []File
	set, err := Stream(ctx, opts, nil, func(f *File) error {
		files = append(files, *f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if files != nil {
		set.Files = files
	}
	return set, nil
}

// Stream is Load for output that can be written file by file: it resolves
// the range, calls begin with the Set before any file is read (range and
// commits filled, Files empty), then each with every file, skip rules
// applied, in patch order, while git is still printing the patch. The
// returned Set has Skipped filled and Files empty. A large diff is never
// held in memory whole. begin may be nil.
func Stream(ctx context.Context, opts Options, begin func(*Set) error, each func(*File) error) (*Set, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	ign, err := newIgnoreSet(opts.Ignore)
	if err != nil {
		return nil, err
	}
	rg, err := resolveRange(opts)
	if err != nil {
		return nil, err
	}
	if begin != nil {
		if err := begin(rg.set); err != nil {
			return nil, err
		}
	}
	if err := streamFiles(ctx, rg, ign, opts.MaxFileBytes, each); err != nil {
		return nil, err
	}
	if rg.set.Mode == ModeWorktree {
		listUntracked(rg.set, rg.src.git)
	}
	return rg.set, nil
}

// span is a resolved range: the Set with its range and commits filled, and
// the two sides of the diff.
type span struct {
	set      *Set
	src      *source
	from, to plumbing.Hash // to is zero for the staged and worktree modes
}

// resolveRange opens the repository and resolves opts into the range to
// diff: the two commits (or HEAD and the index or work tree), the
// merge-base and the commits between.
func resolveRange(opts Options) (*span, error) {
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	rp, err := openRepo(dir)
	if err != nil {
		return nil, err
	}
	g := newGitCLI(opts.Git, rp.root, rp.gitDir)
	head, err := rp.headRef()
	// Before the first commit, the index and the work tree can still be
	// reviewed: against the empty tree, as `git diff --cached` does.
	head.unborn = err != nil && (opts.Staged || opts.Worktree) && rp.unborn()
	if err != nil && !head.unborn {
		return nil, err
	}
	if head.branch == "" {
		head.rebasing = rp.rebasing()
	}
	set := &Set{Root: rp.root, Branch: head.label(), Commits: []Commit{}, Files: []File{}, Skipped: []Skipped{}}
	if head.rebasing != "" {
		set.Branch += " (rebasing " + head.rebasing + ")"
	}
	var from, to plumbing.Hash
	switch {
	case opts.Commits != "":
		from, to, err = resolveCommits(rp, g, set, opts.Commits, opts.Reversed)
	case opts.Staged || opts.Worktree:
		from, err = resolveUncommitted(g, set, head, opts.Worktree)
	default:
		from, to, err = resolveBranch(rp, g, set, head, opts.Base, opts.Head)
	}
	if err != nil {
		return nil, err
	}
	set.Warnings = rp.warnings
	src := &source{rp: rp, git: g, head: to, mode: set.Mode}
	set.src = src
	return &span{set: set, src: src, from: from, to: to}, nil
}

// resolveCommits resolves --commits A..B: exactly A..B, no merge-base.
func resolveCommits(rp *repo, g *gitCLI, set *Set, commits string, reversed bool) (from, to plumbing.Hash, err error) {
	a, b, _ := splitCommits(commits)
	if from, err = rp.resolve(g, a); err != nil {
		return from, to, badRev(a, err)
	}
	if to, err = rp.resolve(g, b); err != nil {
		return from, to, badRev(b, err)
	}
	set.Mode = ModeCommits
	set.Base = Ref{Ref: a, Commit: from.String()}
	set.Head = Ref{Ref: b, Commit: to.String()}
	if set.Commits, err = rp.commitsBetween(from, to); err != nil {
		return from, to, err
	}
	if from == to || reversed || from.String() == EmptyTree {
		return from, to, nil
	}
	mb, err := rp.mergeBase(g, from, to, a, b)
	switch {
	case err != nil: // unrelated histories: neither check applies
	case len(set.Commits) == 0 && mb == to:
		// B..A typed as A..B: reviewing it would review the branch's
		// change undone, "in 0 commits".
		e := errorf(Reversed, "--commits %s: %s is an ancestor of %s, so the range has no commits", commits, b, a)
		e.Rev, e.Head = a, b
		return from, to, e
	case mb != from:
		// A..B is the two trees, no merge-base: when A is not an ancestor
		// of B, the diff also shows, undone, what A has and B lacks, which
		// no listed commit did. Said, so no finding about such a "change"
		// passes as B's.
		rp.warnings = append(rp.warnings, fmt.Sprintf("--commits %s: %s is not an ancestor of %s, so the diff also shows, undone, what %s has that %s lacks (no listed commit made those changes); --base %s --head %s reviews only %s's own commits",
			commits, a, b, a, b, a, b, b))
	}
	return from, to, nil
}

// resolveUncommitted resolves --staged (the index) or --worktree against
// HEAD. Before the first commit they compare with the empty tree, as `git
// diff --cached` does.
func resolveUncommitted(g *gitCLI, set *Set, head headInfo, worktree bool) (plumbing.Hash, error) {
	headHash := head.hash
	set.Mode, set.Head.Ref = ModeStaged, RefIndex
	if worktree {
		set.Mode, set.Head.Ref = ModeWorktree, RefWorktree
	}
	set.Base = Ref{Ref: "HEAD", Commit: headHash.String()}
	set.MergeBase = headHash.String()
	from := headHash
	if head.unborn {
		set.Base.Commit, set.MergeBase = "", ""
		from = plumbing.NewHash(EmptyTree)
	}
	if g == nil {
		e := errorf(NeedsGit, "--%s needs the git binary, which is not on PATH", set.Mode)
		e.Mode = set.Mode
		return plumbing.ZeroHash, e
	}
	// A merge, cherry-pick or rebase stopped on conflicts leaves unmerged
	// entries, which git's patch reports as lines no parser reads.
	if out, err := g.output("ls-files", "--unmerged", "-z"); err == nil && len(out) > 0 {
		var paths []string
		for rec := range strings.SplitSeq(strings.TrimRight(string(out), "\x00"), "\x00") {
			if _, p, ok := strings.Cut(rec, "\t"); ok && !slices.Contains(paths, p) {
				paths = append(paths, p)
			}
		}
		shown := strings.Join(paths[:min(len(paths), 3)], ", ")
		if len(paths) > 3 {
			shown += fmt.Sprintf(" and %d more", len(paths)-3)
		}
		e := errorf(Unmerged, "the index has unmerged paths (%s): the conflicts are not resolved", shown)
		e.Mode = set.Mode
		return plumbing.ZeroHash, e
	}
	return from, nil
}

// resolveBranch resolves the default mode: merge-base(base, head)..head,
// base defaulting to the head branch's upstream, origin/HEAD, main or
// master.
func resolveBranch(rp *repo, g *gitCLI, set *Set, head headInfo, baseName, headName string) (from, to plumbing.Hash, err error) {
	branch, hh := head.branch, head.hash
	set.Mode = ModeRange
	given := headName != "" && headName != "HEAD"
	if headName == "" {
		headName = "HEAD"
	} else if hh, err = rp.resolve(g, headName); err != nil {
		return from, to, badRev(headName, err)
	}
	set.Head = Ref{Ref: headName, Commit: hh.String()}
	var bh plumbing.Hash
	if baseName != "" {
		if bh, err = rp.resolve(g, baseName); err != nil {
			return from, to, badRev(baseName, err)
		}
	} else {
		if given {
			// The default base follows the head's branch, if it is one.
			branch = shortName(headName)
			if _, err := rp.r.Reference(plumbing.NewBranchReferenceName(branch), false); err != nil {
				branch = ""
			}
		}
		// A detached HEAD mid-rebase is the branch being rebased, with its
		// upstream; any other (a CI checkout, `git checkout <sha>`) is a
		// branch without an upstream: origin/HEAD, main or master.
		if branch == "" && !given {
			branch = head.rebasing
		}
		var ok bool
		if baseName, bh, ok = rp.defaultBase(branch); !ok {
			if branch == "" && !given {
				return from, to, errorf(DetachedNoBase, "HEAD is detached at %s and no base branch was found (no origin/HEAD, main or master)", shortHash(hh))
			}
			return from, to, errorf(NoBase, "no base branch found (no upstream, origin/HEAD, main or master)")
		}
	}
	set.Base = Ref{Ref: baseName, Commit: bh.String()}
	mb, err := rp.mergeBase(g, bh, hh, baseName, headName)
	if err != nil {
		return from, to, err
	}
	set.MergeBase = mb.String()
	if set.Commits, err = rp.commitsBetween(mb, hh); err != nil {
		return from, to, err
	}
	return mb, hh, nil
}

// streamFiles reads the patch of rg (git diff as it prints, or the go-git
// engine without git) and hands each file, skip rules applied, to each.
func streamFiles(ctx context.Context, rg *span, ign ignoreSet, maxBytes int64, each func(*File) error) error {
	if maxBytes == 0 {
		maxBytes = DefaultMaxFileBytes
	}
	set, src := rg.set, rg.src
	b := &batcher{ctx: ctx, set: set, src: src, from: rg.from, ign: ign, maxBytes: maxBytes, each: each}
	b.start()
	defer b.close()
	switch {
	case set.Mode == ModeRange && rg.from == rg.to:
		// Empty range: nothing to diff.
	case src.git != nil:
		if err := b.gitDiff(); err != nil {
			return err
		}
	default:
		files, err := goGitFiles(ctx, src.rp, rg.from, rg.to)
		if err != nil {
			return err
		}
		for _, f := range files {
			if err := b.add(f); err != nil {
				return err
			}
		}
		if err := b.flush(); err != nil {
			return err
		}
	}
	return b.finish()
}

// gitDiff streams `git diff` of the range through the parser into b.
func (b *batcher) gitDiff() error {
	ctx, set, g := b.ctx, b.set, b.src.git
	args := []string{b.from.String()}
	if set.Mode == ModeStaged {
		args = []string{"--cached", b.from.String()}
	} else if set.Mode != ModeWorktree {
		args = append(args, b.src.head.String())
	}
	args = append(args, "--")
	// check-attr starts now so that it is ready when the first batch is.
	b.startAttrs()
	err := g.streamDiff(ctx, args, func(r io.Reader) error {
		if err := parseStream(bufio.NewReaderSize(r, 256<<10), b.add); err != nil {
			return err
		}
		if err := b.flush(); err != nil {
			return err
		}
		return b.finish()
	})
	if err == nil {
		return nil
	}
	// The emitter has stopped once finish returns, so emitErr can be read.
	emitErr := b.finish()
	var de *Error
	switch {
	case errors.As(err, &de):
		return err
	case emitErr != nil && errors.Is(err, emitErr):
		return err // the caller's own error, from each
	case errors.Is(err, ErrCorruptPatch):
		return &Error{Kind: Corrupt, Op: OpDiff, Engine: EngineGit, Err: fmt.Errorf("cannot read the diff: %w", err)}
	case ctx.Err() != nil:
		return interruptedError(ctx)
	}
	return diffUnreadable(EngineGit, "cannot read the diff: %w", err)
}

// listUntracked adds the untracked files to set.Skipped: they are
// uncommitted changes too, but not in the patch, and the user should see
// they were not reviewed.
func listUntracked(set *Set, g *gitCLI) {
	out, err := g.output("ls-files", "--others", "--exclude-standard", "-z")
	if err != nil {
		return
	}
	for p := range strings.SplitSeq(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		if p != "" {
			set.Skipped = append(set.Skipped, Skipped{Path: p, Reason: SkipUntracked})
		}
	}
}

// batcher collects parsed files in small batches, so attributes are asked
// for once per batch, then applies the skip rules and hands each file on.
type batcher struct {
	ctx      context.Context
	set      *Set
	src      *source
	from     plumbing.Hash
	ign      ignoreSet
	maxBytes int64
	each     func(*File) error

	files []File
	size  int64
	attrs *attrProc
	// want[i] says files[i] has a head-blob request outstanding in blobs.
	want  []bool
	blobs *blobProc

	// Skip-checked batches go to an emitter goroutine, so encoding the
	// output of one batch overlaps with parsing the next.
	out      chan batch
	done     chan struct{}
	stop     atomic.Bool
	emitErr  error
	finished bool
	box      crash.Box
}

// batch is a run of parsed files and which of them wait for a head blob.
type batch struct {
	files []File
	want  []bool
}

// start runs the emitter: it applies the skip rules to each batch (which
// waits on check-attr and cat-file answers) and hands the files on, while
// the caller's goroutine keeps parsing, so git's output never backs up
// behind those round trips or the output encoding.
func (b *batcher) start() {
	b.out = make(chan batch, 1)
	b.done = make(chan struct{})
	// A panic (in the skip rules or the caller's each) stops the parser at
	// its next batch (stop) and is thrown again by finish, in the caller's
	// goroutine; until then the feed drains, so the parser never blocks on it.
	b.box.OnPanic = func() { b.stop.Store(true) }
	go func() {
		defer close(b.done)
		defer func() {
			for range b.out {
			}
		}()
		defer b.box.Catch()
		for bt := range b.out {
			if b.emitErr == nil {
				b.emitErr = b.emit(bt)
				if b.emitErr != nil {
					b.stop.Store(true)
				}
			}
			clear(bt.files) // release the hunks
		}
	}()
}

// finish waits for the emitter and returns its error.
func (b *batcher) finish() error {
	if !b.finished {
		b.finished = true
		close(b.out)
		<-b.done
		b.box.Rethrow()
	}
	return b.emitErr
}

// Batch limits: enough files to amortise a check-attr round trip, small
// enough that memory stays flat.
const (
	batchFiles = 64
	batchBytes = 512 << 10
)

func (b *batcher) add(f File) error {
	want := false
	// Once stopped, nobody reads the blob answers: ask for none.
	if b.blobs != nil && f.newBlob != "" && !b.stop.Load() {
		if starts := enclosingStarts(&f); len(starts) > 0 || needsHead(&f, b.ign) {
			want = b.blobs.request(f.newBlob, f.Path, starts) == nil
		}
	}
	b.want = append(b.want, want)
	b.files = append(b.files, f)
	b.size += patchBytes(&f)
	if len(b.files) >= batchFiles || b.size >= batchBytes {
		return b.flush()
	}
	return nil
}

func (b *batcher) flush() error {
	if len(b.files) == 0 {
		return nil
	}
	if b.stop.Load() {
		return b.finish()
	}
	b.out <- batch{files: b.files, want: b.want}
	b.files, b.size, b.want = make([]File, 0, batchFiles), 0, make([]bool, 0, batchFiles)
	return nil
}

// emit decides the skip reasons of one batch and hands its files on.
func (b *batcher) emit(bt batch) error {
	files := bt.files
	fillModes(b.src.rp, b.from, files)
	at := b.attributes(withOldPaths(files))
	for i := range files {
		f := &files[i]
		var head []byte
		want := bt.want[i]
		starts := enclosingStarts(f)
		if want {
			res, err := b.blobs.next()
			if err == nil {
				head = res.head
				setEnclosing(f, starts, res.enclosing)
				starts = nil
			} else {
				want = false
			}
		}
		reason := skipReason(f, b.ign, at[f.Path], b.maxBytes, func() []byte {
			if want {
				return head
			}
			h, _ := b.src.readHead(f.Path, headBytes)
			return h
		})
		if at[f.Path].binary && !f.Binary {
			// git prints "Binary files differ" for these: no counts.
			f.Binary, f.Added, f.Deleted = true, 0, 0
		}
		if reason == SkipBinary && !at[f.Path].binary && f.Status != StatusDeleted && codeFile(f.Path, func() []byte {
			if head == nil {
				head, _ = b.src.readHead(f.Path, 2)
			}
			return head
		}) {
			// Source code git calls binary for a NUL byte or two (a
			// script with one in a comment runs as ever): read whole,
			// each NUL shown, or no model would read the code at all.
			reason = b.codeWithNULs(f, at[f.Path])
		}
		// git calls a rename binary when the old path's attribute says so:
		// the content decides once it is read whole.
		binaryWhereItWas := reason == SkipBinary && at[f.OldPath].binary && !at[f.Path].binary
		// The base's header, read at most once a file (a blob read).
		var baseGen, baseOK, baseRead bool
		atBase := func() (bool, bool) {
			if !baseRead {
				baseRead = true
				baseGen, baseOK = b.generatedAtBase(f)
			}
			return baseGen, baseOK
		}
		if reason == SkipGenerated && !at[f.Path].generated {
			// A marker is in the header now: one the change put there is
			// the change exempting itself (looksGenerated catches it when
			// the patch shows the header from line 1).
			if was, ok := atBase(); ok && !was {
				reason = ""
			}
		}
		lostGenerated := func() bool { was, ok := atBase(); return ok && was } // its marker left the header
		if (reason == "" || binaryWhereItWas) && (movedOutOfSkipped(f, b.ign, at[f.OldPath]) || lostGeneratedMarker(f) || lostGenerated()) {
			reason = b.wholeFile(f, at[f.Path])
		}
		if f.Hunks == nil {
			f.Hunks = []Hunk{}
		}
		if len(starts) > 0 && reason == "" {
			// No blob answer (the work tree, the go-git engine, a failed
			// cat-file): the file as it now reads.
			// Read one byte past the bound: a larger file keeps git's
			// headings, as a blob over it does.
			if content, err := b.src.readHead(f.Path, maxEnclosingBytes+1); err == nil && len(content) <= maxEnclosingBytes {
				setEnclosing(f, starts, enclosings(f.Path, content, starts))
			}
		}
		if reason != "" {
			f.Skip = reason
			f.Hunks = []Hunk{}
			b.set.Skipped = append(b.set.Skipped, Skipped{Path: f.Path, Reason: reason})
		}
		if err := b.each(f); err != nil {
			return err
		}
	}
	return nil
}

func (b *batcher) attributes(files []File) map[string]attrs {
	if b.src.git == nil {
		return goGitAttributes(b.src.rp, files)
	}
	b.startAttrs()
	at, err := b.attrs.query(files)
	if err != nil {
		b.attrs.close()
		b.attrs = &attrProc{failed: true}
	}
	return at
}

func (b *batcher) startAttrs() {
	if b.attrs != nil {
		return
	}
	if b.src.mode != ModeWorktree {
		// Worktree mode reads head lines from disk instead.
		if p, err := startBlobProc(b.ctx, b.src.git); err == nil {
			b.blobs = p
		}
	}
	p, err := startAttrProc(b.ctx, b.src.git)
	if err != nil {
		p = &attrProc{failed: true}
	}
	b.attrs = p
}

// close stops the emitter and the git processes; the processes are
// stopped and waited for also when a carried panic is thrown here.
func (b *batcher) close() {
	defer func() {
		if b.attrs != nil {
			b.attrs.close()
		}
	}()
	defer b.blobs.close()
	_ = b.finish()
}

// fillModes sets the modes of pure renames and copies, for which git prints
// no mode (the content and mode are unchanged): the mode of the source.
func fillModes(rp *repo, from plumbing.Hash, files []File) {
	var tree *object.Tree
	for i := range files {
		f := &files[i]
		if f.OldMode != "" || f.NewMode != "" || (f.Status != StatusRenamed && f.Status != StatusCopied) {
			continue
		}
		if tree == nil {
			t, err := rp.tree(from)
			if err != nil {
				return
			}
			tree = t
		}
		if e, err := tree.FindEntry(f.OldPath); err == nil {
			m := fmt.Sprintf("%06o", uint32(e.Mode))
			f.OldMode, f.NewMode = m, m
		}
	}
}

// ReadNew returns the head-side content of path: the head commit's blob in
// the range and commits modes, the index entry with --staged, the file in
// the work tree with --worktree (a symlink reads as its target, as in git).
func ReadNew(ctx context.Context, set *Set, path string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	clean := filepath.ToSlash(filepath.Clean(filepath.FromSlash(path)))
	if path == "" || filepath.IsAbs(path) || clean == ".." || strings.HasPrefix(clean, "../") || clean == "." {
		return nil, fmt.Errorf("path %q is outside the repository", path)
	}
	src := set.src
	if src == nil {
		rp, err := openRepo(set.Root)
		if err != nil {
			return nil, err
		}
		src = &source{rp: rp, mode: set.Mode}
		if set.Mode == ModeRange || set.Mode == ModeCommits {
			src.head = plumbing.NewHash(set.Head.Commit)
		}
		set.src = src
	}
	return src.readHead(clean, -1)
}

// readHead reads up to limit bytes (-1: all) of the head side of p.
func (s *source) readHead(p string, limit int64) ([]byte, error) {
	var r io.ReadCloser
	switch {
	case !s.head.IsZero():
		f, err := s.headFile(p)
		if err != nil {
			return nil, err
		}
		if r, err = f.Reader(); err != nil {
			return nil, err
		}
	case s.isWorktree():
		full := filepath.Join(s.rp.root, filepath.FromSlash(p))
		fi, err := os.Lstat(full)
		if err != nil {
			return nil, err
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			t, err := os.Readlink(full)
			return []byte(t), err
		}
		dir, err := filepath.EvalSymlinks(filepath.Dir(full))
		if err != nil {
			return nil, err
		}
		if rel, err := filepath.Rel(s.rp.root, dir); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, fmt.Errorf("path %q leaves the work tree through a symlink", p)
		}
		fh, err := os.Open(full)
		if err != nil {
			return nil, err
		}
		r = fh
	default:
		h, err := s.indexBlob(p)
		if err != nil {
			return nil, err
		}
		b, err := s.rp.r.BlobObject(h)
		if err != nil {
			return nil, err
		}
		if r, err = b.Reader(); err != nil {
			return nil, err
		}
	}
	defer r.Close()
	if limit >= 0 {
		return io.ReadAll(io.LimitReader(r, limit))
	}
	return io.ReadAll(r)
}

// movedOutOfSkipped reports whether f is a rename or copy from a path the
// rules skip by its place or name (an ignore glob, a vendored directory, a
// lockfile's name) or by an attribute there (binary or -diff,
// linguist-generated, linguist-vendored: old, the old path's) to one they
// do not: code that no review read (it was vendored, say) becomes the
// project's own, and its patch would show only the lines edited on the
// way. (A generated file keeps its marker when moved: wholeFile skips it
// again.)
func movedOutOfSkipped(f *File, ign ignoreSet, old attrs) bool {
	if f.Status != StatusRenamed && f.Status != StatusCopied || f.OldPath == f.Path || f.Binary && !old.binary {
		return false
	}
	return ign.match(f.OldPath) || inVendoredDir(f.OldPath) || lockfiles[path.Base(f.OldPath)] ||
		old.binary || old.generated || old.vendored
}

// withOldPaths is files and, for each rename or copy, its old path as a
// file of its own: the attributes that skipped the code where it was are
// asked beside the new path's.
func withOldPaths(files []File) []File {
	out := files
	for _, f := range files {
		if f.OldPath != "" && f.OldPath != f.Path && (f.Status == StatusRenamed || f.Status == StatusCopied) {
			if len(out) == len(files) {
				out = slices.Clone(files)
			}
			out = append(out, File{Path: f.OldPath})
		}
	}
	return out
}

// lostGeneratedMarker reports whether the change deletes a generated-code
// marker from the header of a file it keeps (modified or moved): the file,
// skipped while generated, becomes the project's own code, and its patch
// shows only the marker's deletion. A file regenerated keeps a marker and
// is skipped as generated, however its header changed.
func lostGeneratedMarker(f *File) bool {
	if f.Status == StatusAdded || f.Status == StatusDeleted || f.Binary {
		return false
	}
	for _, h := range f.Hunks {
		if h.OldStart > headerLines {
			break
		}
		for _, l := range h.Lines {
			if l.Kind != Deleted || l.Old > headerLines || !maybeGenerated(l.Text) {
				continue
			}
			text := strings.TrimSpace(l.Text)
			if goGenerated.MatchString(text) || genMarker.MatchString(strings.TrimSpace(strings.TrimLeft(text, "/*#;-%!<{ \t"))) {
				return true
			}
		}
	}
	return false
}

// generatedAtBase reports whether f was a generated file at the range's
// base (ok: that could be read), for a file whose header the change edits
// (its first hunk starts within the header lines), where the patch may not
// show enough of the old header to tell: lines pushed in above a marker
// take it out of the header as surely as deleting it, and lines above a
// marker added below line 1 make a file "generated" the change wrote.
func (b *batcher) generatedAtBase(f *File) (generated, ok bool) {
	if f.Status != StatusModified && f.Status != StatusRenamed || f.Binary || len(f.Hunks) == 0 || f.Hunks[0].OldStart > headerLines {
		return false, false
	}
	tree, err := b.src.rp.tree(b.from)
	if err != nil {
		return false, false
	}
	old, err := tree.File(cmp.Or(f.OldPath, f.Path))
	if err != nil {
		return false, false
	}
	r, err := old.Reader()
	if err != nil {
		return false, false
	}
	defer r.Close()
	head, err := io.ReadAll(io.LimitReader(r, headBytes))
	if err != nil {
		return false, false
	}
	return generatedHead(cmp.Or(f.OldPath, f.Path), head), true
}

// wholeFile makes f, moved out of a skipped place, an added file holding
// its whole new content, as git shows an added file, so the review reads
// all of it (the old path, left out by the rules, is not shown); it
// returns the skip reason of that content by the rules any added file
// meets (generated, too large), or "" to review it.
func (b *batcher) wholeFile(f *File, a attrs) string {
	content, err := b.src.readHead(f.Path, b.maxBytes*2+1)
	if err != nil {
		return "" // reviewed as the patch shows it, as before
	}
	if text, ok := utf16Text(content); ok {
		f.Binary = false
		return b.wholeContent(f, text, a)
	}
	if f.Binary = bytes.IndexByte(content, 0) >= 0; f.Binary {
		return SkipBinary // binary content, moved out of a binary attribute
	}
	return b.wholeContent(f, content, a)
}

// codeWithNULs makes f, a source file git calls binary, an added file of
// its whole content with each NUL byte written `\x00` (see codeFile), or
// returns SkipBinary when the content is not text but for its NULs.
func (b *batcher) codeWithNULs(f *File, a attrs) string {
	content, err := b.src.readHead(f.Path, b.maxBytes*2+1)
	if err != nil {
		return SkipBinary
	}
	if text, ok := utf16Text(content); ok {
		// UTF-16 with its byte order mark (PowerShell and C# files saved
		// by Windows tools): every other byte is NUL, and the code is
		// plain text once decoded.
		f.Binary = false
		return b.wholeContent(f, text, a)
	}
	if !textButNULs(content) {
		return SkipBinary
	}
	f.Binary = false
	return b.wholeContent(f, bytes.ReplaceAll(content, []byte{0}, []byte(`\x00`)), a)
}

// wholeContent makes f an added file holding content (see wholeFile) and
// returns the skip reason of that content at f's path: a (f's attributes
// there: linguist-generated and linguist-vendored still skip it), the
// size limit, a generated header.
func (b *batcher) wholeContent(f *File, content []byte, a attrs) string {
	f.Status, f.OldPath, f.OldMode, f.Similarity = StatusAdded, "", "", 0
	f.Hunks = []Hunk{} // an empty file: no hunk, as git shows one
	f.Added, f.Deleted = 0, 0
	if len(content) > 0 {
		text := strings.TrimSuffix(string(content), "\n")
		h := Hunk{OldStart: 0, NewStart: 1}
		for i, line := range strings.Split(text, "\n") {
			h.Lines = append(h.Lines, Line{Kind: Added, New: i + 1, Text: line})
		}
		h.Lines[len(h.Lines)-1].NoNewline = !bytes.HasSuffix(content, []byte("\n"))
		h.NewLines = len(h.Lines)
		f.Added, f.Hunks = len(h.Lines), []Hunk{h}
	}
	a.binary = false // what made it binary was read here: the content decides
	return skipReason(f, ignoreSet{}, a, b.maxBytes, func() []byte { return content })
}
