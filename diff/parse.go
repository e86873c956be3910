package diff

// The patch parser. go-diff reads each file's header block (header.go turns
// it into a File); the hunk bodies are read here, line by line, by the
// counts of their @@ header, the way `git apply` reads them. Two reasons:
//   - Speed: go-diff allocates every body line and grows each hunk's body by
//     appending, which was a third of `quorum diff`'s CPU and most of its
//     garbage on a 14 MB patch. Here lines are copied once into shared slabs.
//   - Exactness: counting cannot mistake a deleted "-- x" line followed by
//     an added "++ y" line for the next file's "---"/"+++" header.
// Every hunk is checked against its counts, so a corrupt patch is an error
// rather than wrong line numbers.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unsafe"

	godiff "github.com/sourcegraph/go-diff/diff"

	"github.com/quorum-review/quorum/internal/crash"
)

// ErrCorruptPatch wraps every error ParsePatch returns.
var ErrCorruptPatch = errors.New("corrupt diff")

// ParsePatch parses a unified diff as printed by `git diff` (with a/ and b/
// prefixes) into files with hunks and numbered lines. It never panics.
func ParsePatch(patch []byte) ([]File, error) {
	var files []File
	err := parseStream(bytes.NewReader(patch), func(f File) error {
		files = append(files, f)
		return nil
	})
	return files, err
}

// parseStream reads a patch from r and calls emit once per file, in patch
// order, so callers can process a large patch without holding all of it.
// A type change (git prints it as a deletion followed by an addition of the
// same path) is merged into one file with status type-changed.
func parseStream(r io.Reader, emit func(File) error) (err error) {
	defer func() {
		// go-diff has panicked on hostile input in the past (v0.7.0); keep the
		// promise that no input panics even if a future version regresses.
		if p := recover(); p != nil {
			if carried, ok := p.(*crash.Panic); ok {
				panic(carried) // a worker's bug, carried here by emit: not the input's fault
			}
			err = fmt.Errorf("%w: parser failed: %v", ErrCorruptPatch, p)
		}
	}()
	pr := newPatchReader(r)
	var pending *File
	flush := func() error {
		if pending == nil {
			return nil
		}
		f := *pending
		pending = nil
		return emit(f)
	}
	push := func(f File) error {
		if pending != nil && pending.Status == StatusDeleted && f.Status == StatusAdded && pending.Path == f.Path {
			merged := *pending
			merged.Status = StatusTypeChanged
			merged.NewMode = f.NewMode
			merged.newBlob = f.newBlob
			merged.Binary = merged.Binary || f.Binary
			merged.Hunks = append(merged.Hunks, f.Hunks...)
			merged.Added += f.Added
			pending = nil
			return emit(merged)
		}
		if err := flush(); err != nil {
			return err
		}
		pending = &f
		return nil
	}
	for {
		f, ok, err := pr.readFile()
		if err != nil {
			return err
		}
		if !ok {
			return flush()
		}
		if err := push(f); err != nil {
			return err
		}
	}
}

// patchReader reads a patch a line at a time, with one line of lookahead,
// and keeps line texts in slabs shared by many hunks.
type patchReader struct {
	br *bufio.Reader
	// line is the current line without its '\n' (a '\r' stays); it is valid
	// until the next read. held says next returns it again.
	line []byte
	held bool
	long []byte // a line longer than br's buffer, assembled here
	eof  bool

	text  []byte // slab for line texts: append-only, strings point into it
	lines []Line // slab for hunk lines: each hunk takes a capped sub-slice
}

// Slab sizes: large enough that a 14 MB patch makes a few hundred
// allocations rather than a few hundred thousand.
const (
	textSlab  = 64 << 10
	linesSlab = 2048
)

func newPatchReader(r io.Reader) *patchReader {
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < 64<<10 {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	return &patchReader{br: br}
}

// next returns the next line, or io.EOF.
func (p *patchReader) next() ([]byte, error) {
	if p.held {
		p.held = false
		return p.line, nil
	}
	if p.eof {
		return nil, io.EOF
	}
	b, err := p.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		p.long = append(p.long[:0], b...)
		for err == bufio.ErrBufferFull {
			b, err = p.br.ReadSlice('\n')
			p.long = append(p.long, b...)
		}
		b = p.long
	}
	switch {
	case err == io.EOF:
		p.eof = true
		if len(b) == 0 {
			return nil, io.EOF
		}
	case err != nil:
		return nil, err
	}
	p.line = bytes.TrimSuffix(b, []byte("\n"))
	return p.line, nil
}

// unread makes next return the current line again.
func (p *patchReader) unread() { p.held = true }

// keep copies s into the text slab and returns it as a string that stays
// valid: slab bytes are never written twice.
func (p *patchReader) keep(s []byte) string {
	if len(s) == 0 {
		return ""
	}
	if cap(p.text)-len(p.text) < len(s) {
		p.text = make([]byte, 0, max(textSlab, len(s)))
	}
	start := len(p.text)
	p.text = append(p.text, s...)
	return unsafe.String(&p.text[start], len(s))
}

// readFile reads one file: its header block, then its hunks. ok is false at
// the end of the patch.
func (p *patchReader) readFile() (f File, ok bool, err error) {
	hdr, sawFile, err := p.readHeader()
	if err != nil {
		return f, false, err
	}
	if !sawFile {
		if line, err := p.next(); err == nil {
			// readHeader stops without a file header only at an "@@" line.
			return f, false, fmt.Errorf("%w: hunk %q without a file header", ErrCorruptPatch, firstN(string(line), 40))
		}
		if len(bytes.TrimSpace(hdr)) == 0 {
			return f, false, nil
		}
		return f, false, fmt.Errorf("%w: unexpected trailing text %q", ErrCorruptPatch, firstN(string(hdr), 60))
	}
	fd, herr := godiff.NewFileDiffReaderOptions(bytes.NewReader(hdr), godiff.ParseOptions{KeepCR: true}).ReadAllHeaders()
	if herr != nil {
		// go-diff gives up on a header-only file whose lines it does not
		// recognise (e.g. a mode change of a binary file) but still returns
		// them; the "diff --git" line and its extended headers are enough.
		if fd == nil || !bytes.HasPrefix(hdr, []byte("diff --git ")) && !bytes.Contains(hdr, []byte("\ndiff --git ")) {
			return f, false, fmt.Errorf("%w: %v", ErrCorruptPatch, herr)
		}
		fd.Extended = strings.Split(strings.TrimSuffix(string(hdr), "\n"), "\n")
	}
	if f, err = fileFromHeader(fd); err != nil {
		return f, false, err
	}
	gitFile := bytes.HasPrefix(hdr, []byte("diff --git ")) || bytes.Contains(hdr, []byte("\ndiff --git "))
	for {
		line, err := p.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return f, false, err
		}
		if !bytes.HasPrefix(line, []byte("@@ ")) {
			if n := len(f.Hunks); n > 0 && !startsNextFile(line, gitFile) {
				h := f.Hunks[n-1]
				return f, false, fmt.Errorf("%w: line %q after hunk @@ -%d,%d +%d,%d @@ is not counted by it (in %s)",
					ErrCorruptPatch, firstN(string(line), 40), h.OldStart, h.OldLines, h.NewStart, h.NewLines, f.Path)
			}
			p.unread()
			break
		}
		hk, add, del, err := p.readHunk(line)
		if err != nil {
			return f, false, fmt.Errorf("%w (in %s)", err, f.Path)
		}
		if f.Hunks == nil {
			f.Hunks = make([]Hunk, 0, 4)
		}
		f.Hunks = append(f.Hunks, hk)
		f.Added += add
		f.Deleted += del
	}
	if f.Hunks == nil {
		f.Hunks = []Hunk{}
	}
	return f, true, nil
}

// startsNextFile reports whether line, which follows a complete hunk, can
// begin what comes next. In git's output only the next "diff --git" can; a
// plain unified diff may have other text between files, but never a line
// that reads as part of a hunk, which would mean the @@ counts were wrong.
func startsNextFile(line []byte, gitFile bool) bool {
	if gitFile {
		return bytes.HasPrefix(line, []byte("diff --git "))
	}
	if len(line) == 0 {
		return false
	}
	switch line[0] {
	case ' ', '+', '\\':
		return false
	case '-':
		return bytes.HasPrefix(line, []byte("--- "))
	}
	return true
}

// readHeader collects the lines before a file's first hunk: any preamble,
// "diff --git", the extended headers and "---"/"+++". A header-only file
// (binary, pure rename, mode change) ends where the next "diff --git"
// begins. sawFile says a file header was seen.
func (p *patchReader) readHeader() (hdr []byte, sawFile bool, err error) {
	sawGit, sawPlus := false, false
	for {
		line, err := p.next()
		if err == io.EOF {
			return hdr, sawGit || sawPlus, nil
		}
		if err != nil {
			return nil, false, err
		}
		switch {
		case bytes.HasPrefix(line, []byte("@@ ")):
			p.unread()
			return hdr, sawGit || sawPlus, nil
		case sawPlus:
			// "+++" is always followed by a hunk; "@@@" starts a hunk of a
			// combined diff (diff --cc), which quorum never asks git for.
			return nil, false, fmt.Errorf("%w: %q where a hunk header should follow %q",
				ErrCorruptPatch, firstN(string(line), 40), firstN(lastLine(hdr), 60))
		case bytes.HasPrefix(line, []byte("diff --git ")):
			if sawGit {
				p.unread()
				return hdr, true, nil
			}
			sawGit = true
		case bytes.HasPrefix(line, []byte("+++ ")):
			sawPlus = true
		}
		hdr = append(append(hdr, line...), '\n')
	}
}

// readHunk reads the body of the hunk whose "@@" line is header, numbering
// each line, and returns it with its added and deleted counts.
func (p *patchReader) readHunk(header []byte) (Hunk, int, int, error) {
	hk, err := parseHunkHeader(header)
	if err != nil {
		return hk, 0, 0, err
	}
	if len(p.lines) == cap(p.lines) {
		p.lines = make([]Line, 0, linesSlab)
	}
	first := len(p.lines)
	oldN, newN := hk.OldStart, hk.NewStart
	var add, del, oldSeen, newSeen int
	for oldSeen < hk.OldLines || newSeen < hk.NewLines {
		raw, err := p.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return hk, 0, 0, err
		}
		ln := Line{}
		prefix := byte(' ') // some tools strip a blank context line to ""
		if len(raw) > 0 {
			prefix = raw[0]
			raw = raw[1:]
		}
		switch prefix {
		case ' ':
			ln.Kind, ln.Old, ln.New = Context, oldN, newN
			oldN++
			newN++
			oldSeen++
			newSeen++
		case '-':
			ln.Kind, ln.Old = Deleted, oldN
			oldN++
			oldSeen++
			del++
		case '+':
			ln.Kind, ln.New = Added, newN
			newN++
			newSeen++
			add++
		case '\\':
			// "\ No newline at end of file" belongs to the line before it.
			if len(p.lines) > first {
				p.lines[len(p.lines)-1].NoNewline = true
			}
			continue
		default:
			return hk, 0, 0, fmt.Errorf("%w: unexpected line %q in hunk", ErrCorruptPatch, firstN(string(prefix)+string(raw), 40))
		}
		ln.Text = p.keep(raw)
		if len(p.lines) == cap(p.lines) {
			// The slab is full: move this hunk's lines to a fresh one.
			grown := make([]Line, len(p.lines)-first, max(linesSlab, 2*(len(p.lines)-first)))
			copy(grown, p.lines[first:])
			p.lines, first = grown, 0
		}
		p.lines = append(p.lines, ln)
	}
	if oldSeen != hk.OldLines || newSeen != hk.NewLines {
		return hk, 0, 0, fmt.Errorf("%w: hunk @@ -%d,%d +%d,%d @@ has %d old and %d new lines",
			ErrCorruptPatch, hk.OldStart, hk.OldLines, hk.NewStart, hk.NewLines, oldSeen, newSeen)
	}
	// A marker after the hunk's last line.
	if raw, err := p.next(); err == nil {
		if len(raw) > 0 && raw[0] == '\\' && len(p.lines) > first {
			p.lines[len(p.lines)-1].NoNewline = true
		} else {
			p.unread()
		}
	}
	hk.Lines = p.lines[first:len(p.lines):len(p.lines)]
	if hk.Lines == nil {
		hk.Lines = []Line{}
	}
	return hk, add, del, nil
}

// maxHunkNumber bounds the numbers of an @@ header, so hostile input cannot
// overflow line arithmetic.
const maxHunkNumber = 1 << 31

// parseHunkHeader reads "@@ -OLD[,N] +NEW[,N] @@ section".
func parseHunkHeader(line []byte) (Hunk, error) {
	s := strings.TrimSuffix(string(line), "\r")
	bad := func() (Hunk, error) {
		return Hunk{}, fmt.Errorf("%w: bad hunk header %q", ErrCorruptPatch, firstN(s, 60))
	}
	rest, ok := strings.CutPrefix(s, "@@ -")
	if !ok {
		return bad()
	}
	oldR, rest, ok := strings.Cut(rest, " +")
	if !ok {
		return bad()
	}
	newR, section, ok := strings.Cut(rest, " @@")
	if !ok || (section != "" && section[0] != ' ') {
		return bad()
	}
	var h Hunk
	var okOld, okNew bool
	h.OldStart, h.OldLines, okOld = parseRange(oldR)
	h.NewStart, h.NewLines, okNew = parseRange(newR)
	if !okOld || !okNew {
		return bad()
	}
	h.Section = strings.TrimSpace(section)
	return h, nil
}

// parseRange reads "START[,COUNT]"; COUNT defaults to 1.
func parseRange(s string) (start, count int, ok bool) {
	a, b, hasCount := strings.Cut(s, ",")
	start, ok = parseHunkNumber(a)
	if !ok {
		return 0, 0, false
	}
	if !hasCount {
		return start, 1, true
	}
	count, ok = parseHunkNumber(b)
	return start, count, ok
}

func parseHunkNumber(s string) (int, bool) {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n >= maxHunkNumber {
		return 0, false
	}
	return n, true
}

// lastLine is the last line of text that ends in a newline.
func lastLine(b []byte) string {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return string(b[bytes.LastIndexByte(b, '\n')+1:])
}

func firstN(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
