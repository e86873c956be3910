package anchor

import (
	"slices"

	"github.com/quorum-review/quorum/diff"
)

// This file finds the enclosing section of an anchored line: the innermost
// function (or method, or class) definition open at it that it is indented
// past, from the file (diff.Hunk.Enclosing) and the hunk's lines, else the
// hunk's own section heading (git's funcname line). Merging uses it as
// a region: the same issue reported at its cause and at its symptom lies in
// one function, however many lines apart.

// scope is the definitions around new-side line n of path, outermost
// first, or nil for none: the definitions open above the hunk
// (diff.Hunk.Enclosing, read from the file) are carried through the hunk's
// lines up to n (diff.Scopes); the innermost of them that line n is
// indented past is its section, and with none open, git's heading. The
// same line has the same section however far its hunk reaches.
func (ix *Index) scope(path string, n int) []string {
	f := ix.diffs[path]
	if f == nil || n <= 0 {
		return nil
	}
	for hi, h := range f.Hunks {
		if n >= h.NewStart && n < h.NewStart+max(h.NewLines, 1) {
			known := knownWhole(path, f.Scoped || h.NewStart <= 1)
			return ix.chains(chainKey{path, hi, false}, h, h.Enclosing, h.EnclosingIn, known, newSideLine).at(n)
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
	for hi, h := range f.Hunks {
		if n >= h.OldStart && n < h.OldStart+max(h.OldLines, 1) {
			known := knownWhole(path, h.OldStart <= 1)
			return ix.chains(chainKey{path, hi, true}, h, nil, "", known, oldSideLine).at(n)
		}
	}
	return nil
}

// chainKey names one side of one hunk of a file.
type chainKey struct {
	path string
	hunk int
	old  bool
}

// hunkChains are the scope chains of one side of a hunk, by line number,
// read once (findings many to a hunk would each read it again).
type hunkChains struct {
	byLine map[int][]string
	// tail is the chain of a line past the hunk's lines of this side.
	tail []string
}

// at is line n's chain, a copy its caller may keep.
func (hc *hunkChains) at(n int) []string {
	if c, ok := hc.byLine[n]; ok {
		return slices.Clone(c)
	}
	return slices.Clone(hc.tail)
}

// chains returns the scope chains of the lines of one side of hunk h,
// reading the hunk the first time: the definitions open at its start
// (open, read from the file; in, the string its first line is inside) are
// carried through its lines (lineNo numbers a line of this side, 0 for one
// of the other), and each line's chain is what is open at it that it is
// indented past (diff.Scopes.EnclosingChain); with none, "" when open is
// known to be all the file has there (known: read from the file, or the
// hunk starts at its top, in a language whose definitions quorum reads:
// diff.DefinitionsKnown; or a file of no functions at all:
// diff.NoFunctions), else h's heading.
func (ix *Index) chains(key chainKey, h diff.Hunk, open []string, in string, known bool, lineNo func(diff.Line) int) *hunkChains {
	return ix.chainMemo.Get(key, func() *hunkChains { return readChains(key, h, open, in, known, lineNo) })
}

// readChains is chains without the memo.
func readChains(key chainKey, h diff.Hunk, open []string, in string, known bool, lineNo func(diff.Line) int) *hunkChains {
	hc := &hunkChains{byLine: map[int][]string{}}
	sc := diff.NewScopes(key.path, open)
	sc.StartIn(in)
	norm := map[string]string{} // a definition is on many lines' chains: normalised once
	for _, l := range h.Lines {
		k := lineNo(l)
		if k == 0 {
			continue
		}
		hc.byLine[k] = chainOf(sc.EnclosingChain(l.Text), h, known, norm)
		sc.See(l.Text)
	}
	hc.tail = chainOf(sc.EnclosingChain(""), h, known, norm)
	return hc
}

// chainOf normalises a chain the Scopes gave (norm: the definitions
// normalised so far); with none, "" when the open definitions are known
// to be all the file has there, else h's heading.
func chainOf(chain []string, h diff.Hunk, known bool, norm map[string]string) []string {
	for i, d := range chain {
		n, ok := norm[d]
		if !ok {
			n = Normalize(d)
			norm[d] = n
		}
		chain[i] = n
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
// there is (see chains): in a language whose definitions quorum reads,
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
