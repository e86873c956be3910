// Package safetext makes text from a model, a repository or a server safe to print: the one sanitiser and the one one-line form.
package safetext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Sanitize removes terminal control sequences and other control characters
// (keeping newlines and tabs), bidi overrides and other invisible format
// characters (zero-width spaces, the soft hyphen) from text a model or a
// diff supplied, so printing it can never drive the user's terminal. report.Build
// applies it to every such string, so every format is covered; commands
// apply it (or OneLine) to what servers send.
func Sanitize(s string) string {
	if s == "" {
		return s
	}
	// Invalid UTF-8 first: a lone byte 0x9b is the 8-bit CSI to a terminal
	// that reads bytes, and IndexFunc would see only U+FFFD.
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexFunc(s, unsafeRune) < 0 {
		return s
	}
	s = ansi.Strip(s)
	return strings.Map(func(r rune) rune {
		if unsafeRune(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
}

// Code is Sanitize for a line of the repository's code shown as code:
// each control character and bidi override is shown as an escape
// (`\x1b`, `<U+202E>`) rather than dropped, so a reader sees the bytes a
// Trojan Source line or an escape in a string literal holds, and printing
// it still cannot drive the terminal. A line's closing "\r" (a CRLF file)
// is its line ending, not code, and is dropped.
func Code(s string) string {
	s = strings.TrimSuffix(s, "\r")
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexFunc(s, func(r rune) bool { return hiddenInCode(r) || r == '\n' }) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || unsafeRune(r) && r < 0x80:
			fmt.Fprintf(&b, "\\x%02x", r)
		case hiddenInCode(r):
			fmt.Fprintf(&b, "<U+%04X>", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	switch {
	case r < 0x20 && r != '\n' && r != '\t':
		return true
	case r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r < 0xad:
		return false
	}
	// Format characters (bidi overrides, isolates and marks, zero-width
	// spaces, the soft hyphen, the BOM, tag characters): invisible, they
	// change what a reader sees without being seen. The zero-width joiner
	// and non-joiner stay in text: emoji and several scripts are spelled
	// with them (Code still shows them).
	return r != zwnj && r != zwj && unicode.Is(unicode.Cf, r)
}

const zwnj, zwj = 0x200c, 0x200d

// hiddenInCode reports whether Code shows r as an escape: what Sanitize
// drops, and the joiners too (an identifier may hold one unseen).
func hiddenInCode(r rune) bool { return unsafeRune(r) || r == zwnj || r == zwj }

// Blank reports whether s shows nothing once sanitized: white space,
// format characters, and the characters fonts draw as nothing (the
// combining grapheme joiner, the Hangul fillers, the braille blank,
// variation selectors, marks alone, private-use characters). A
// title of them alone is no title.
func Blank(s string) bool {
	for _, r := range Sanitize(s) {
		switch {
		case unicode.IsSpace(r), r == zwj, r == zwnj, unicode.Is(unicode.Cf, r):
		case r == 0x034f, r == 0x115f, r == 0x1160, r == 0x3164, r == 0xffa0, r == 0x2800:
		case r >= 0xfe00 && r <= 0xfe0f, r >= 0xe0100 && r <= 0xe01ef: // variation selectors
		case r == 0x17b4, r == 0x17b5: // Khmer inherent vowels, drawn as nothing
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Co):
			// Marks with nothing to mark, and private-use characters no font
			// shares.
		default:
			return false
		}
	}
	return true
}

// OneLine is Sanitize for one line of output: the first line of s, tabs as
// spaces, trimmed. Error messages and server-supplied names go through it.
func OneLine(s string) string {
	s = Sanitize(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(strings.ReplaceAll(s, "\t", " "))
}

// Clip shortens s to at most n bytes on a rune boundary, marking the cut with "...".
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "..."
}

// EscapeJSON rewrites encoded JSON so that it holds no raw C1 control
// (U+0080-U+009F), DEL or bidi override or isolate (U+202A-U+202E,
// U+2066-U+2069): each is written as a \uXXXX escape instead. encoding/json
// escapes the C0 controls (and U+2028, U+2029) but leaves these raw, and a
// terminal that shows the JSON would obey them. The strings mean exactly
// what they meant (a path stays usable); only their encoding changes. The
// input must be what encoding/json writes (valid UTF-8), where these
// characters can only occur inside strings; a byte that is not UTF-8 (in
// a json.RawMessage) becomes \ufffd.
func EscapeJSON(b []byte) []byte {
	if !hasJSONUnsafe(b) {
		return b
	}
	out := make([]byte, 0, len(b)+32)
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			out = append(out, `\ufffd`...) // a byte that is not UTF-8 (0x9b is the 8-bit CSI)
		case jsonUnsafe(r):
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}

func hasJSONUnsafe(b []byte) bool {
	if !utf8.Valid(b) {
		return true
	}
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == 0x7f:
			return true
		case c == 0xc2 && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x9f:
			return true
		case c == 0xe2 && i+2 < len(b) && (b[i+1] == 0x80 && b[i+2] >= 0xaa && b[i+2] <= 0xae || b[i+1] == 0x81 && b[i+2] >= 0xa6 && b[i+2] <= 0xa9):
			return true
		}
	}
	return false
}

func jsonUnsafe(r rune) bool {
	return r == 0x7f || r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// pathEscaper writes the line breaks and tabs a file name may hold as
// their escapes.
// A backslash and a literal "<U+" are escaped too, so that no name shows
// as another's escaped one ("caf\xe9.go" on disk is `caf\\xe9.go`).
var pathEscaper = strings.NewReplacer("\\", `\\`, "<U+", `\<U+`, "\r", `\r`, "\n", `\n`, "\t", `\t`)

// Path is a file name for a one-line message or a report: its line breaks
// and tabs escaped (`a\nb.go`), a byte that is not UTF-8 as `\xe9`, and
// its other control and invisible characters shown as Code shows them (`a\x1b[31m.go`, `a<U+200B>.go`),
// so the message stays one line and the name is the one on disk, never
// another file's with a part dropped.
func Path(p string) string { return Code(invalidBytes(pathEscaper.Replace(p))) }

// invalidBytes writes each byte of s that is not UTF-8 as `\xNN`: two
// names that differ in such bytes (a Latin-1 "caf\xe9.go") stay two.
func invalidBytes(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			fmt.Fprintf(&b, `\x%02x`, s[i])
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
