package plan

import (
	"fmt"
	"path"
	"strings"
)

// This file decides how much head-side code beyond git's three lines a
// reviewer sees. Every extra byte is prompt evaluation a developer waits for
// at `git push`, and more context did not make reviews better (issue 12), so
// the default is the enclosing signature only.

// Context is how much surrounding code the prompt carries.
type Context string

const (
	// ContextNone sends the diff as git prints it (three lines around each change).
	ContextNone Context = "none"
	// ContextSignature also names the enclosing function or type in each
	// hunk's header, found by a scan of the head-side file (git's own guess
	// is often a comment or a label). It costs no extra lines.
	ContextSignature Context = "signature"
	// ContextFunction adds the enclosing block (up to MaxBlock lines, else
	// ContextLines either side), as long as it stays within functionShare of
	// the file's diff (or minContextBytes); beyond that a file gets the
	// window, then nothing.
	ContextFunction Context = "function"
	// DefaultContext is what a review sends unless told otherwise.
	DefaultContext = ContextSignature
)

// functionShare caps the surrounding code of one file piece in
// ContextFunction at this multiple of its diff's bytes, so context never
// crowds out the change itself.
const functionShare = 1.0

// minContextBytes is the context any file piece may have in ContextFunction
// whatever its diff's size, so a one-line change still gets its window.
const minContextBytes = 1024

// Contexts lists the valid settings, in growing size.
func Contexts() []Context { return []Context{ContextNone, ContextSignature, ContextFunction} }

// ParseContext reads a --context or config value; "" is the default.
func ParseContext(s string) (Context, error) {
	if s == "" {
		return DefaultContext, nil
	}
	for _, c := range Contexts() {
		if string(c) == strings.ToLower(strings.TrimSpace(s)) {
			return c, nil
		}
	}
	return "", fmt.Errorf("context %q is not one of none, signature, function", s)
}

// proseExt are files whose surrounding lines are prose or data: a
// CHANGELOG's neighbouring entries or a lockfile's neighbouring hashes tell a
// reviewer nothing about the change.
var proseExt = map[string]bool{
	".md": true, ".markdown": true, ".rst": true, ".txt": true, ".adoc": true, ".org": true,
	".json": true, ".yaml": true, ".yml": true, ".toml": true, ".ini": true, ".cfg": true, ".conf": true,
	".csv": true, ".tsv": true, ".xml": true, ".svg": true, ".lock": true, ".sum": true, ".mod": true,
	".po": true, ".pot": true, ".properties": true, ".env": true, ".golden": true, ".snap": true,
}

var proseNames = []string{"license", "licence", "changelog", "changes", "notice", "authors", "contributors", "codeowners", "readme", "news", "history", "copying"}

// isProse reports whether p is prose, data or a lockfile, which never get
// surrounding code or a signature.
func isProse(p string) bool {
	base := strings.ToLower(path.Base(p))
	if proseExt[path.Ext(base)] {
		return true
	}
	stem := strings.TrimSuffix(base, path.Ext(base))
	for _, n := range proseNames {
		if stem == n {
			return true
		}
	}
	return strings.HasSuffix(base, "-lock.json") || strings.HasSuffix(base, ".lock.json")
}

// signature is the line that opens the top-level block around new-side
// line first when it lies above it (the hunk does not show it),
// trimmed; "" when no opener is found within maxBlock lines or the hunk sits
// between blocks.
func signature(src []string, first, maxBlock int) string {
	i := opener(src, first, maxBlock)
	if i == 0 || i >= first {
		return "" // none, or the hunk shows its own opener
	}
	return clipSignature(strings.TrimSpace(src[i-1]))
}

// clipSignature keeps a header line short: a minified or generated line must
// not turn every hunk header into a page.
func clipSignature(s string) string {
	const maxSig = 160
	if len(s) <= maxSig {
		return s
	}
	cut := maxSig
	for cut > 0 && s[cut]&0xC0 == 0x80 { // never split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}
