package anchor

import (
	"github.com/quorum-review/quorum/diff"
)

// This file finds the enclosing section of an anchored line: the innermost
// function (or method, or class) definition open at it that it is indented
// past, from the file (diff.Hunk.Enclosing) and the hunk's lines, else the
// hunk's own section heading (git's funcname line). Merging uses it as
// a region: the same issue reported at its cause and at its symptom lies in
// one function, however many lines apart.

// section returns the enclosing section of new-side line n of path, or "":
// the definitions open above the hunk (diff.Hunk.Enclosing, read from the
// file) are carried through the hunk's lines up to n (diff.Scopes), and
// the innermost of them that line n is indented past is its section; with
// none open, git's heading. The same line has the same section however far
// its hunk reaches.
func (ix *Index) section(path string, n int) string {
	return innermost(ix.scope(path, n))
}

// scope is the definitions around new-side line n of path, outermost
// first, ending with its section (see section); nil for none.
func (ix *Index) scope(path string, n int) []string {
	f := ix.diffs[path]
	if f == nil || n <= 0 {
		return nil
	}
	for _, h := range f.Hunks {
		if n >= h.NewStart && n < h.NewStart+max(h.NewLines, 1) {
			known := knownWhole(path, f.Scoped || h.NewStart <= 1)
			return sectionIn(path, h, h.Enclosing, h.EnclosingIn, known, n, newSideLine)
		}
	}
	return nil
}

// innermost is the last of a scope chain, "" for none.
func innermost(chain []string) string {
	if len(chain) == 0 {
		return ""
	}
	return chain[len(chain)-1]
}

// OldSection is the enclosing section of old-side line n of path, for
// code a deleted file held (it has no new side), read as section reads the
// new side from the hunk's deleted and unchanged lines. Two removed files
// each holding `if !isAdmin(r) {` in their own function are two places.
func (ix *Index) OldSection(path string, n int) string {
	return innermost(ix.OldScope(path, n))
}

// OldScope is OldSection's chain: the definitions around old-side line n
// of path, outermost first.
func (ix *Index) OldScope(path string, n int) []string {
	f := ix.diffs[path]
	if f == nil || n <= 0 {
		return nil
	}
	for _, h := range f.Hunks {
		if n >= h.OldStart && n < h.OldStart+max(h.OldLines, 1) {
			known := knownWhole(path, h.OldStart <= 1)
			return sectionIn(path, h, nil, "", known, n, oldSideLine)
		}
	}
	return nil
}

// sectionIn carries the definitions open at hunk h's start (open), and the
// string its first line is inside (in), through its lines of one side up
// to line n (numbered by lineNo, 0 for a line of the other side), and
// returns n's section: the innermost open definition
// it is indented past; with none, "" when open is known to be all the file
// has there (known: read from the file, or the hunk starts at its top, in
// a language whose definitions quorum reads: diff.DefinitionsKnown; or a
// file of no functions at all: diff.NoFunctions), else h's heading.
func sectionIn(path string, h diff.Hunk, open []string, in string, known bool, n int, lineNo func(diff.Line) int) []string {
	sc := diff.NewScopes(path, open)
	sc.StartIn(in)
	self := ""
	for _, l := range h.Lines {
		k := lineNo(l)
		if k == 0 {
			continue
		}
		if k >= n {
			if k == n {
				self = l.Text
			}
			break
		}
		sc.See(l.Text)
	}
	chain := sc.EnclosingChain(self)
	for i := range chain {
		chain[i] = Normalize(chain[i])
	}
	if len(chain) == 0 && !known && Normalize(h.Section) != "" {
		// Top-level code (module settings, a Go var block) has no
		// section where definitions are known: git's heading there is
		// whatever line its funcname rule last matched, and an unrelated
		// edit moves it. Elsewhere it is the better guess.
		chain = []string{Normalize(h.Section)}
	}
	return chain
}

// knownWhole says whether the definitions open at a line of path are all
// there is (see sectionIn): in a language whose definitions quorum reads,
// when they were read from the file's top (read); in a file of no
// functions, always; else never, and git's heading is the better guess.
func knownWhole(path string, read bool) bool {
	if diff.DefinitionsKnown(path) {
		return read
	}
	return diff.NoFunctions(path)
}

// newSideLine and oldSideLine number a line on one side (0: not on it).
func newSideLine(l diff.Line) int {
	if l.Kind == diff.Deleted {
		return 0
	}
	return l.New
}

func oldSideLine(l diff.Line) int {
	if l.Kind == diff.Added {
		return 0
	}
	return l.Old
}
