// This file streams the diff in batches: git's patch of a few files at a
// time, their attributes and modes, each file finished and handed on.

package diff

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/quorum-review/quorum/internal/crash"
)

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
		switch {
		case p == LedgerPath:
			// Never reviewed, tracked or not: "git add -N" would not
			// change that, so it is not offered.
			set.Skipped = append(set.Skipped, Skipped{Path: p, Reason: SkipLedger})
		case p != "":
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
