package diff

// A hand-written encoder for File, the bulk of `quorum diff --format json`.
// encoding/json's reflection plus its indent pass took ~80% of the command's
// time on a 100k-line diff; this produces the same bytes (proved against
// encoding/json in json_test.go) several times faster.

import (
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

const hexDigits = "0123456789abcdef"

// jsonSafe[b] is true for ASCII bytes encoding/json copies as they are
// (with HTML escaping off).
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\'
	}
	return t
}()

// appendJSONString appends s quoted as encoding/json does with
// SetEscapeHTML(false): \" \\ \b \f \n \r \t, other control bytes as
// \u00XX, invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	// A byte view of s for word loads; nothing writes through it.
	bs := unsafe.Slice(unsafe.StringData(s), len(s))
	for i := 0; i < len(s); {
		// Skip 8 plain bytes at a time: none below 0x20, none '"' or '\\',
		// none with the high bit set.
		for i+8 <= len(s) {
			x := binary.LittleEndian.Uint64(bs[i:])
			if (hasLess(x, 0x20)|hasZero(x^0x2222222222222222)|hasZero(x^0x5c5c5c5c5c5c5c5c)|x)&0x8080808080808080 != 0 {
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		b := s[i]
		if b < utf8.RuneSelf {
			if jsonSafe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// hasZero sets the high bit of every zero byte of x (and possibly of
// some bytes above a zero byte, which only sends them to the slow path).
func hasZero(x uint64) uint64 { return (x - 0x0101010101010101) &^ x & 0x8080808080808080 }

// hasLess sets the high bit of bytes of x below n (n <= 128), with the same
// harmless false positives.
func hasLess(x uint64, n uint64) uint64 {
	return (x - 0x0101010101010101*n) &^ x & 0x8080808080808080
}

// jsonWriter appends indented JSON with a fixed line prefix.
type jsonWriter struct {
	buf    []byte
	prefix string
	// nls[d] is a newline plus the prefix and d levels of indentation.
	nls []string
	// Precomputed separators of the hot loop over lines.
	lineOpen, lineOld, lineNew, lineText, lineNoNL, lineClose string
}

// quotedKind is the JSON string of a known line kind ("" for others).
func quotedKind(k LineKind) string {
	switch k {
	case Context:
		return `"context"`
	case Added:
		return `"added"`
	case Deleted:
		return `"deleted"`
	}
	return ""
}

func newJSONWriter(prefix string) *jsonWriter {
	w := &jsonWriter{prefix: prefix}
	for d := 0; d <= 6; d++ {
		w.nls = append(w.nls, "\n"+prefix+strings.Repeat("  ", d))
	}
	w.lineOpen = w.nls[4] + "{" + w.nls[5] + `"kind": `
	w.lineOld = "," + w.nls[5] + `"old": `
	w.lineNew = "," + w.nls[5] + `"new": `
	w.lineText = "," + w.nls[5] + `"text": `
	w.lineNoNL = "," + w.nls[5] + `"no_newline": true`
	w.lineClose = w.nls[4] + "}"
	return w
}

func (w *jsonWriter) nl(depth int) {
	w.buf = append(w.buf, w.nls[depth]...)
}

func (w *jsonWriter) key(depth int, first bool, k string) {
	if !first {
		w.buf = append(w.buf, ',')
	}
	w.nl(depth)
	w.buf = append(w.buf, '"')
	w.buf = append(w.buf, k...)
	w.buf = append(w.buf, '"', ':', ' ')
}

func (w *jsonWriter) str(depth int, first bool, k, v string) {
	w.key(depth, first, k)
	w.buf = appendJSONString(w.buf, v)
}

func (w *jsonWriter) int(depth int, k string, v int) {
	w.key(depth, false, k)
	w.buf = strconv.AppendInt(w.buf, int64(v), 10)
}

func (w *jsonWriter) bool(depth int, k string, v bool) {
	w.key(depth, false, k)
	w.buf = strconv.AppendBool(w.buf, v)
}

// file appends f as encoding/json would at depth 0 of an encoder whose
// prefix is w.prefix and indent two spaces (no trailing newline).
func (w *jsonWriter) file(f *File) {
	w.buf = append(w.buf, '{')
	w.str(1, true, "path", f.Path)
	w.str(1, false, "old_path", f.OldPath)
	w.str(1, false, "status", string(f.Status))
	w.bool(1, "binary", f.Binary)
	if f.OldMode != "" {
		w.str(1, false, "old_mode", f.OldMode)
	}
	if f.NewMode != "" {
		w.str(1, false, "new_mode", f.NewMode)
	}
	if f.Similarity != 0 {
		w.int(1, "similarity", f.Similarity)
	}
	w.int(1, "added", f.Added)
	w.int(1, "deleted", f.Deleted)
	if f.Skip != "" {
		w.str(1, false, "skip", f.Skip)
	}
	if f.Scoped {
		w.bool(1, "scoped", true)
	}
	w.key(1, false, "hunks")
	switch {
	case f.Hunks == nil:
		w.buf = append(w.buf, "null"...)
	case len(f.Hunks) == 0:
		w.buf = append(w.buf, '[', ']')
	default:
		w.buf = append(w.buf, '[')
		for i := range f.Hunks {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.nl(2)
			w.hunk(&f.Hunks[i])
		}
		w.nl(1)
		w.buf = append(w.buf, ']')
	}
	// As File.MarshalJSON: the exact bytes of a path that is not UTF-8.
	if !utf8.ValidString(f.Path) {
		w.b64(1, "path_bytes", f.Path)
	}
	if !utf8.ValidString(f.OldPath) {
		w.b64(1, "old_path_bytes", f.OldPath)
	}
	w.nl(0)
	w.buf = append(w.buf, '}')
}

// b64 appends a []byte field as encoding/json does: standard base64.
func (w *jsonWriter) b64(depth int, k, v string) {
	w.key(depth, false, k)
	w.buf = append(w.buf, '"')
	w.buf = base64.StdEncoding.AppendEncode(w.buf, []byte(v))
	w.buf = append(w.buf, '"')
}

func (w *jsonWriter) hunk(h *Hunk) {
	w.buf = append(w.buf, '{')
	w.key(3, true, "old_start")
	w.buf = strconv.AppendInt(w.buf, int64(h.OldStart), 10)
	w.int(3, "old_lines", h.OldLines)
	w.int(3, "new_start", h.NewStart)
	w.int(3, "new_lines", h.NewLines)
	w.str(3, false, "section", h.Section)
	if len(h.Enclosing) > 0 {
		w.key(3, false, "enclosing")
		w.buf = append(w.buf, '[')
		for i, e := range h.Enclosing {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			w.nl(4)
			w.buf = appendJSONString(w.buf, e)
		}
		w.nl(3)
		w.buf = append(w.buf, ']')
	}
	if h.EnclosingIn != "" {
		w.str(3, false, "enclosing_in", h.EnclosingIn)
	}
	w.key(3, false, "lines")
	switch {
	case h.Lines == nil:
		w.buf = append(w.buf, "null"...)
	case len(h.Lines) == 0:
		w.buf = append(w.buf, '[', ']')
	default:
		w.buf = append(w.buf, '[')
		for i := range h.Lines {
			if i > 0 {
				w.buf = append(w.buf, ',')
			}
			l := &h.Lines[i]
			w.buf = append(w.buf, w.lineOpen...)
			if k := quotedKind(l.Kind); k != "" {
				w.buf = append(w.buf, k...)
			} else {
				w.buf = appendJSONString(w.buf, string(l.Kind))
			}
			w.buf = append(w.buf, w.lineOld...)
			w.buf = strconv.AppendInt(w.buf, int64(l.Old), 10)
			w.buf = append(w.buf, w.lineNew...)
			w.buf = strconv.AppendInt(w.buf, int64(l.New), 10)
			w.buf = append(w.buf, w.lineText...)
			w.buf = appendJSONString(w.buf, l.Text)
			if l.NoNewline {
				w.buf = append(w.buf, w.lineNoNL...)
			}
			w.buf = append(w.buf, w.lineClose...)
		}
		w.nl(3)
		w.buf = append(w.buf, ']')
	}
	w.nl(2)
	w.buf = append(w.buf, '}')
}
