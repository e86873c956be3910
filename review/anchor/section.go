package anchor

import (
	"sort"
	"strings"

	"github.com/quorum-review/quorum/diff"
)

// This file finds the enclosing section of an anchored line: the nearest
// function (or method, or class) definition above it inside its hunk, else
// the hunk's own section heading (git's funcname line). Merging uses it as
// a region: the same issue reported at its cause and at its symptom lies in
// one function, however many lines apart.

// section returns the enclosing section of new-side line n of path, or "".
func (ix *Index) section(path string, n int) string {
	f := ix.diffs[path]
	if f == nil || n <= 0 {
		return ""
	}
	for _, h := range f.Hunks {
		if n < h.NewStart || n >= h.NewStart+max(h.NewLines, 1) {
			continue
		}
		// Walk back from line n to the hunk's start for a definition. New
		// numbers rise through the hunk, so the last line at or before n is
		// found by binary search (deleted lines carry New 0 and are skipped).
		at := sort.Search(len(h.Lines), func(i int) bool {
			for ; i < len(h.Lines) && h.Lines[i].Kind == diff.Deleted; i++ {
			}
			return i < len(h.Lines) && h.Lines[i].New > n
		}) - 1
		for i := at; i >= 0; i-- {
			if l := h.Lines[i]; l.Kind != diff.Deleted && isDefinition(l.Text) {
				return Normalize(l.Text)
			}
		}
		return Normalize(h.Section)
	}
	return ""
}

// definitionPrefixes start a function, method or class definition in the
// languages quorum usually reviews (Go, Python, JS/TS, Rust, Java-likes).
var definitionPrefixes = []string{
	"func ", "def ", "async def ", "class ", "function ", "async function ",
	"export function ", "export async function ", "export default function ",
	"export default async function ", "export class ", "fn ", "pub fn ",
	"pub(crate) fn ", "async fn ", "pub async fn ",
}

// isDefinition reports whether a line starts a definition. Only unindented
// lines count, except Python methods (def inside a class) and JS/TS class
// methods, which are recognised by their shape.
func isDefinition(text string) bool {
	t := strings.TrimLeft(text, " \t")
	if t == "" || !strings.ContainsRune("fdcaep", rune(t[0])) {
		return false // fast path: no prefix starts otherwise
	}
	indented := len(t) < len(text)
	for _, p := range definitionPrefixes {
		if strings.HasPrefix(t, p) {
			// Nested Go closures are "func(" and never "func name".
			return !indented || strings.HasPrefix(t, "def ") || strings.HasPrefix(t, "async def ") ||
				strings.HasPrefix(t, "fn ") || strings.HasPrefix(t, "pub fn ") || strings.HasPrefix(t, "async fn ")
		}
	}
	return false
}
