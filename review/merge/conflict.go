// This file says when two groups of findings must stay apart: distinct
// names, far places, or regions they do not share.

package merge

import (
	"slices"
	"strings"

	"github.com/quorum-review/quorum/review/anchor"
)

// conflicts reports whether a finding of one group and one of the other
// cannot be one issue: known, different kinds, or disjoint names further
// apart than Window.
func conflicts(nodes []node, a, b []int) bool {
	for _, i := range a {
		for _, j := range b {
			if kindConflict(&nodes[i], &nodes[j]) {
				return true
			}
			if readabilityApart(&nodes[i].f, &nodes[j].f) {
				return true
			}
			if disjointFar(&nodes[i], &nodes[j]) {
				return true
			}
		}
	}
	return false
}

// disjointFar reports whether two findings name identifiers, share none, and
// lie more than Window lines apart.
func disjointFar(a, b *node) bool {
	if a.f.File != b.f.File || a.vec.idents == 0 || b.vec.idents == 0 {
		return false
	}
	lo, hi := &a.f, &b.f
	if hi.Line < lo.Line {
		lo, hi = hi, lo
	}
	if hi.Line-lo.EndLine <= Window {
		return false
	}
	if a.fileIso && b.fileIso && a.decl == b.decl && !placesApart(a, b) {
		return false // fileKindPairs: one issue of the kind in the file, wherever its findings lie
	}
	if sameDeclared(a, b) && !ablate.kindIsolated {
		// The rules of kindIsolated: names apart split one declared kind,
		// unless it is one that spans places in one function.
		return !functionWide(a, b) && namedApart(a, b)
	}
	return disjointNames(a, b)
}

// disjointNames reports whether two findings both name identifiers and share
// none, leaving out the names of a section they share (the enclosing
// function and its receiver are where the issue is, not what it is about).
func disjointNames(a, b *node) bool {
	if a.vec.idents == 0 || b.vec.idents == 0 {
		return false
	}
	sec := ""
	if a.f.Section != "" && sameScope(&a.f, &b.f) {
		sec = strings.ToLower(a.f.Section)
	}
	skip := func(tok string) bool { return sec != "" && containsWord(sec, tok) }
	na, nb := 0, 0
	for _, t := range a.vec.terms {
		if t.ident && !skip(t.tok) {
			na++
		}
	}
	for _, t := range b.vec.terms {
		if t.ident && !skip(t.tok) {
			nb++
		}
	}
	if na == 0 || nb == 0 {
		return false
	}
	i, j := 0, 0
	for i < len(a.vec.terms) && j < len(b.vec.terms) {
		ta, tb := a.vec.terms[i], b.vec.terms[j]
		switch {
		case ta.tok == tb.tok:
			if ta.ident && tb.ident && !skip(ta.tok) {
				return false
			}
			i++
			j++
		case ta.tok < tb.tok:
			i++
		default:
			j++
		}
	}
	return true
}

// containsWord reports whether tok occurs in s as a whole word.
func containsWord(s, tok string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], tok)
		if j < 0 {
			return false
		}
		j += i
		e := j + len(tok)
		if (j == 0 || !isWordRune(rune(s[j-1]))) && (e == len(s) || !isWordRune(rune(s[e]))) {
			return true
		}
		i = j + 1
	}
}

// overlaps reports whether two sorted id lists share an id.
func overlaps(a, b []int32) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			return true
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return false
}

func mergeSorted(a, b []int32) []int32 {
	out := make([]int32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if j == len(b) || i < len(a) && a[i] < b[j] {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	return out
}

// isFuncRegion reports whether a section heading opens one function, so
// that the whole section is one region: it has a parameter list, is not a
// statement (`const router = Router();`), and does not open a container of
// many functions (a class, struct, impl or interface: when no definition is
// found inside the hunk, the anchor falls back to the hunk's heading, which
// is often the type whose methods follow). When in doubt it is not a region,
// and findings merge only within Window.
func isFuncRegion(sec string) bool {
	s := strings.TrimSpace(sec)
	if !strings.Contains(s, "(") || strings.HasSuffix(s, ";") {
		return false
	}
	for _, w := range strings.Fields(strings.ToLower(s)) {
		switch strings.TrimRight(w, "{:") {
		case "class", "struct", "impl", "interface", "trait", "enum", "object", "module", "namespace":
			return false
		}
		if strings.Contains(w, "(") {
			break
		}
	}
	return true
}

// sameScope reports whether two findings are in one definition: the same
// section inside the same outer definitions (two classes' methods of one
// name are two).
func sameScope(a, b *anchor.Finding) bool {
	return a.Section == b.Section && slices.Equal(a.Outer, b.Outer)
}
