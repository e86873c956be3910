package diff

// The patch parser: sourcegraph/go-diff splits git's output into files and
// hunks; this file turns its FileDiffs into our File/Hunk/Line values. Names,
// statuses and modes come from git's extended headers (not from go-diff's
// guesses, which miss some header combinations), and every hunk is walked
// against its @@ counts so a corrupt patch is an error rather than wrong
// line numbers.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unsafe"

	godiff "github.com/sourcegraph/go-diff/diff"
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
			err = fmt.Errorf("%w: parser failed: %v", ErrCorruptPatch, p)
		}
	}()
	mr := godiff.NewMultiFileDiffReaderOptions(r, godiff.ParseOptions{KeepCR: true})
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
		fd, trailing, err := mr.ReadFileWithTrailingContent()
		if err == io.EOF {
			// go-diff gives up on a last header-only file whose header lines it
			// does not recognise (e.g. a mode change of a binary file) and
			// returns its lines as trailing content.
			if strings.HasPrefix(trailing, "diff --git ") {
				f, ferr := convertFile(&godiff.FileDiff{Extended: strings.Split(trailing, "\n")})
				if ferr != nil {
					return ferr
				}
				if err := push(f); err != nil {
					return err
				}
			} else if strings.TrimSpace(trailing) != "" {
				return fmt.Errorf("%w: unexpected trailing text %q", ErrCorruptPatch, firstN(trailing, 60))
			}
			return flush()
		}
		if err != nil {
			return fmt.Errorf("%w: %v", ErrCorruptPatch, err)
		}
		f, err := convertFile(fd)
		if err != nil {
			return err
		}
		if err := push(f); err != nil {
			return err
		}
	}
}

func firstN(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// convertFile turns one go-diff FileDiff into a File.
func convertFile(fd *godiff.FileDiff) (File, error) {
	var f File
	ext := fd.Extended
	// Anything before "diff --git" is preamble (go-diff keeps it in Extended).
	start := -1
	for i, l := range ext {
		if strings.HasPrefix(l, "diff --git ") {
			start = i
		}
	}
	var gitA, gitB string
	var renameFrom, renameTo, copyFrom, copyTo string
	haveGitLine := start >= 0
	if haveGitLine {
		var ok bool
		gitA, gitB, ok = splitGitArgs(strings.TrimSuffix(ext[start][len("diff --git "):], "\r"))
		if !ok {
			return f, fmt.Errorf("%w: cannot read file names from %q", ErrCorruptPatch, firstN(ext[start], 80))
		}
		for _, l := range ext[start+1:] {
			l = strings.TrimSuffix(l, "\r")
			var err error
			switch {
			case strings.HasPrefix(l, "new file mode "):
				f.Status = StatusAdded
				f.NewMode = l[len("new file mode "):]
			case strings.HasPrefix(l, "deleted file mode "):
				f.Status = StatusDeleted
				f.OldMode = l[len("deleted file mode "):]
			case strings.HasPrefix(l, "old mode "):
				f.OldMode = l[len("old mode "):]
			case strings.HasPrefix(l, "new mode "):
				f.NewMode = l[len("new mode "):]
			case strings.HasPrefix(l, "similarity index "):
				f.Similarity, _ = strconv.Atoi(strings.TrimSuffix(l[len("similarity index "):], "%"))
			case strings.HasPrefix(l, "rename from "):
				renameFrom, err = unquoteC(l[len("rename from "):])
			case strings.HasPrefix(l, "rename to "):
				renameTo, err = unquoteC(l[len("rename to "):])
			case strings.HasPrefix(l, "copy from "):
				copyFrom, err = unquoteC(l[len("copy from "):])
			case strings.HasPrefix(l, "copy to "):
				copyTo, err = unquoteC(l[len("copy to "):])
			case strings.HasPrefix(l, "index "):
				// "index abc..def 100644": the new blob, and the mode when
				// it did not change.
				ids, mode, _ := strings.Cut(l[len("index "):], " ")
				if len(mode) == 6 && f.OldMode == "" && f.NewMode == "" {
					f.OldMode, f.NewMode = mode, mode
				}
				if _, b, ok := strings.Cut(ids, ".."); ok && strings.Trim(b, "0") != "" {
					f.newBlob = b
				}
			case strings.HasPrefix(l, "Binary files "), strings.HasPrefix(l, "GIT binary patch"):
				f.Binary = true
			}
			if err != nil {
				return f, err
			}
		}
	}
	switch {
	case renameFrom != "" || renameTo != "":
		f.Status = StatusRenamed
		f.OldPath, f.Path = renameFrom, renameTo
	case copyFrom != "" || copyTo != "":
		f.Status = StatusCopied
		f.OldPath, f.Path = copyFrom, copyTo
	case haveGitLine:
		f.OldPath, f.Path = gitA, gitB
	default:
		// A plain unified diff without git headers.
		f.OldPath, f.Path = stripPrefix(fd.OrigName), stripPrefix(fd.NewName)
		switch {
		case fd.OrigName == "/dev/null":
			f.Status, f.OldPath = StatusAdded, f.Path
		case fd.NewName == "/dev/null":
			f.Status, f.Path = StatusDeleted, f.OldPath
		}
	}
	if f.Status == "" {
		f.Status = StatusModified
	}
	if f.Path == "" || f.OldPath == "" {
		return f, fmt.Errorf("%w: file without a name", ErrCorruptPatch)
	}
	if (f.Status == StatusRenamed || f.Status == StatusCopied) && (f.OldPath == "" || f.Path == "") {
		return f, fmt.Errorf("%w: %s without both names", ErrCorruptPatch, f.Status)
	}
	f.Hunks = make([]Hunk, 0, len(fd.Hunks))
	for _, h := range fd.Hunks {
		hk, add, del, err := convertHunk(h)
		if err != nil {
			return f, fmt.Errorf("%w (in %s)", err, f.Path)
		}
		f.Hunks = append(f.Hunks, hk)
		f.Added += add
		f.Deleted += del
	}
	return f, nil
}

// convertHunk numbers the lines of one hunk and checks them against its header.
func convertHunk(h *godiff.Hunk) (Hunk, int, int, error) {
	hk := Hunk{
		OldStart: int(h.OrigStartLine), OldLines: int(h.OrigLines),
		NewStart: int(h.NewStartLine), NewLines: int(h.NewLines),
		Section: strings.TrimSuffix(h.Section, "\r"),
	}
	if hk.OldStart < 0 || hk.OldLines < 0 || hk.NewStart < 0 || hk.NewLines < 0 {
		return hk, 0, 0, fmt.Errorf("%w: negative hunk range", ErrCorruptPatch)
	}
	// Every line's Text is a slice of the hunk body, which is viewed as a
	// string without a copy: go-diff allocates a fresh Body per hunk and
	// never touches it after ReadHunk returns, and nothing here writes it.
	var body string
	if len(h.Body) > 0 {
		body = unsafe.String(&h.Body[0], len(h.Body))
	}
	hk.Lines = make([]Line, 0, strings.Count(body, "\n")+1)
	oldN, newN := hk.OldStart, hk.NewStart
	var add, del, oldSeen, newSeen int
	for pos := 0; pos < len(body); {
		end := strings.IndexByte(body[pos:], '\n')
		next := 0
		noNL := false
		if end < 0 {
			end = len(body)
			next = end
			noNL = true // go-diff drops the newline of a line followed by "\ No newline"
		} else {
			end += pos
			next = end + 1
		}
		raw := body[pos:end]
		if h.OrigNoNewlineAt > 0 && int(h.OrigNoNewlineAt) == next {
			noNL = true
		}
		pos = next
		ln := Line{NoNewline: noNL}
		prefix := byte(' ')
		if len(raw) > 0 {
			prefix = raw[0]
			ln.Text = raw[1:]
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
		default:
			return hk, 0, 0, fmt.Errorf("%w: unexpected line %q in hunk", ErrCorruptPatch, firstN(raw, 40))
		}
		hk.Lines = append(hk.Lines, ln)
	}
	if oldSeen != hk.OldLines || newSeen != hk.NewLines {
		return hk, 0, 0, fmt.Errorf("%w: hunk @@ -%d,%d +%d,%d @@ has %d old and %d new lines",
			ErrCorruptPatch, hk.OldStart, hk.OldLines, hk.NewStart, hk.NewLines, oldSeen, newSeen)
	}
	return hk, add, del, nil
}

func stripPrefix(name string) string {
	if len(name) > 2 && (name[0] == 'a' || name[0] == 'b') && name[1] == '/' {
		return name[2:]
	}
	return name
}

// splitGitArgs splits the arguments of a "diff --git a/X b/Y" line. quorum
// forces the a/ b/ prefixes, so for an unquoted line without a rename the two
// names are equal and the split is in the middle; quoted names are C-quoted.
func splitGitArgs(args string) (string, string, bool) {
	// Both unquoted: "a/NAME b/NAME" with equal names splits in the middle.
	if len(args)%2 == 1 {
		mid := len(args) / 2
		a, b := args[:mid], args[mid+1:]
		if args[mid] == ' ' && strings.HasPrefix(a, "a/") && strings.HasPrefix(b, "b/") && a[2:] == b[2:] {
			return a[2:], b[2:], true
		}
	}
	if strings.HasPrefix(args, `"`) {
		a, rest, ok := readQuoted(args)
		if !ok || !strings.HasPrefix(rest, " ") {
			return "", "", false
		}
		rest = rest[1:]
		var b string
		if strings.HasPrefix(rest, `"`) {
			var tail string
			b, tail, ok = readQuoted(rest)
			if !ok || tail != "" {
				return "", "", false
			}
		} else {
			b = rest
		}
		return stripPrefix(a), stripPrefix(b), true
	}
	if strings.HasSuffix(args, `"`) {
		// Unquoted first name, quoted second.
		i := strings.Index(args, ` "`)
		for i >= 0 {
			b, tail, ok := readQuoted(args[i+1:])
			if ok && tail == "" {
				return stripPrefix(args[:i]), stripPrefix(b), true
			}
			j := strings.Index(args[i+1:], ` "`)
			if j < 0 {
				break
			}
			i += 1 + j
		}
		return "", "", false
	}
	// Different names (a rename): the caller prefers rename/copy headers, so
	// any plausible split is fine here.
	if i := strings.Index(args, " b/"); i > 0 && strings.HasPrefix(args, "a/") {
		return args[2:i], args[i+3:], true
	}
	return "", "", false
}

// readQuoted reads one C-quoted string at the start of s and returns it
// unquoted with the rest of s.
func readQuoted(s string) (string, string, bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", s, false
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			v, err := unquoteC(s[:i+1])
			if err != nil {
				return "", s, false
			}
			return v, s[i+1:], true
		}
	}
	return "", s, false
}

// unquoteC undoes git's C-style path quoting ("\303\251", "\t", "\"", ...).
// Unquoted input is returned as is. Octal escapes give raw bytes, so names
// that are not UTF-8 survive.
func unquoteC(s string) (string, error) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return s, nil
	}
	in := s[1 : len(s)-1]
	var b strings.Builder
	b.Grow(len(in))
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(in) {
			return "", fmt.Errorf("%w: bad quoted name %s", ErrCorruptPatch, s)
		}
		switch c = in[i]; c {
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'v':
			b.WriteByte('\v')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case '"', '\\':
			b.WriteByte(c)
		case '0', '1', '2', '3':
			if i+2 >= len(in) {
				return "", fmt.Errorf("%w: bad quoted name %s", ErrCorruptPatch, s)
			}
			v := 0
			for k := 0; k < 3; k++ {
				d := in[i+k]
				if d < '0' || d > '7' {
					return "", fmt.Errorf("%w: bad quoted name %s", ErrCorruptPatch, s)
				}
				v = v*8 + int(d-'0')
			}
			b.WriteByte(byte(v))
			i += 2
		default:
			return "", fmt.Errorf("%w: bad quoted name %s", ErrCorruptPatch, s)
		}
	}
	return b.String(), nil
}
