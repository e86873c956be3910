// This file reads a changed file's new side (the head, the index or the
// work tree), and decides when a file is read whole: moved out of a skipped
// place, a generated marker lost, code with NUL bytes.

package diff

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
)

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
