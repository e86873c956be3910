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
	"export default async function ", "export class ",
}

// nestedPrefixes start a definition even when indented: Python and Ruby
// methods, Rust functions inside an impl, Kotlin functions (a nested Go
// closure is "func(", never "func name", so Go stays unindented only).
var nestedPrefixes = []string{
	"def ", "async def ", "fn ", "pub fn ", "pub(crate) fn ", "pub(super) fn ", "async fn ", "pub async fn ",
	"pub(crate) async fn ", "unsafe fn ", "pub unsafe fn ", "const fn ", "pub const fn ",
	"fun ", "suspend fun ", "override fun ", "private fun ", "internal fun ", "protected fun ", "public fun ",
	"override suspend fun ", "private suspend fun ",
}

// modifiers open a Java, C# or Kotlin method declaration.
var modifiers = map[string]bool{
	"public": true, "private": true, "protected": true, "internal": true, "static": true, "final": true,
	"override": true, "virtual": true, "abstract": true, "synchronized": true, "async": true, "sealed": true,
	"extern": true, "unsafe": true, "native": true, "default": true, "open": true, "suspend": true,
}

// isDefinition reports whether a line starts a definition: an unindented
// definition keyword, a nested method (Python, Ruby, Rust impl, Kotlin), a
// Java/C#-style method declaration, or a JS/TS function expression opening
// at the top level (`router.get('/x', async (req, res) => {`,
// `const save = async (x) => {`).
func isDefinition(text string) bool {
	t := strings.TrimLeft(text, " \t")
	if t == "" {
		return false
	}
	indented := len(t) < len(text)
	for _, p := range nestedPrefixes {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	if !indented {
		for _, p := range definitionPrefixes {
			if strings.HasPrefix(t, p) {
				return true
			}
		}
		if isCallbackDefinition(t) {
			return true
		}
	}
	return isMethodDeclaration(t)
}

// isCallbackDefinition: a top-level line that opens a function body, an
// arrow function or a function expression (`=> {`, `function (`), as an
// Express route or an exported const does.
func isCallbackDefinition(t string) bool {
	body := strings.TrimSpace(t)
	if !strings.HasSuffix(body, "{") {
		return false
	}
	return strings.Contains(body, "=> {") || strings.Contains(body, "function(") || strings.Contains(body, "function (")
}

// isMethodDeclaration: `[modifiers] Type name(params) [throws X] {` in
// Java, C# or Kotlin: one or more modifiers, then words up to a name and a
// parameter list, no assignment, not a statement.
func isMethodDeclaration(t string) bool {
	open := strings.IndexByte(t, '(')
	if open <= 0 || strings.HasSuffix(strings.TrimSpace(t), ";") {
		return false
	}
	head := t[:open]
	if strings.ContainsAny(head, "=.") {
		return false
	}
	words := strings.Fields(head)
	if len(words) < 2 || !modifiers[words[0]] {
		return false
	}
	for _, w := range words[:len(words)-1] { // the last word is the name
		switch w {
		case "class", "interface", "struct", "enum", "record", "new", "return":
			return false
		}
	}
	return true
}
