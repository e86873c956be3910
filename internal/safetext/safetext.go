// Package safetext makes text from a model, a repository or a server safe to print: the one sanitiser and the one one-line form.
package safetext

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Sanitize removes terminal control sequences and other control characters
// (keeping newlines and tabs) and bidi overrides from text a model or a diff
// supplied, so printing it can never drive the user's terminal. report.Build
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

func unsafeRune(r rune) bool {
	switch {
	case r < 0x20 && r != '\n' && r != '\t':
		return true
	case r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
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
