package merge

import (
	"slices"
	"strings"

	"github.com/quorum-review/quorum/review/anchor"
)

// This file is the code evidence of a finding: the names on the diff line
// its quote resolved to, and which of them its own words name. Two rules use
// it, both about precision:
//
//   - distinct anchors: two findings whose quotes resolve to different lines,
//     each line holding a name its own finding talks about that the other
//     line does not hold ("unchecked error of `BeginTx`" on the BeginTx line,
//     "unchecked error of `tx.Exec`" on an Exec line), are two issues,
//     however alike their kind and wording;
//   - far evidence: two findings of one kind further apart than Window in
//     one function merge only on evidence more specific than kind and
//     function, a name both talk about (or one talks about and the other's
//     line holds) that is neither the function's own name nor common to the
//     review's findings.

// minNameLen is the shortest name counted as evidence: `e`, `ok`, `tx`-sized
// names are everywhere.
const minNameLen = 3

// commonName is the share of a file's findings above which a name is common
// to the review and says nothing about which issue a finding is about.
const commonName = 0.25

type evidence struct {
	line  []string // names on the anchored line, sorted, unique (quote evidence only)
	named []string // those of line the finding's own words name, sorted
	words []string // every word and name of the finding's text, lower case, sorted, unique
}

// codeNames are the names on a line of code, lower case, sorted and unique.
func codeNames(line string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(line, func(r rune) bool { return !isWordRune(r) }) {
		tok := strings.ToLower(f)
		if len(tok) < minNameLen || codeKeywords[tok] || isNumber(tok) {
			continue
		}
		out = append(out, tok)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// textWords are a text's words, lower case, sorted and unique, unstemmed.
func textWords(s string) []string {
	out := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !isWordRune(r) })
	slices.Sort(out)
	return slices.Compact(out)
}

func has(sorted []string, s string) bool {
	_, ok := slices.BinarySearch(sorted, s)
	return ok
}

// evidenceOf reads what names f's text and quoted line share; v is its
// text's vector (vectorize of title and explanation, no code terms).
func evidenceOf(f anchor.Finding, v vector) evidence {
	e := evidence{words: textWords(f.Raw.Title + "\n" + f.Raw.Explanation)}
	if f.Evidence != anchor.EvidenceQuote || f.LineText == "" {
		return e
	}
	e.line = codeNames(f.LineText)
	calls := calledNames(f.LineText)
	for _, n := range e.line {
		if !has(e.words, n) {
			continue
		}
		// A name the text gives as code (`x`, x.y, x(), camelCase), or any
		// mention of a function the line calls.
		i, ok := slices.BinarySearchFunc(v.terms, n, func(t term, s string) int { return strings.Compare(t.tok, s) })
		if ok && v.terms[i].ident || has(calls, n) {
			e.named = append(e.named, n)
		}
	}
	if alt.fixNames && len(e.named) == 0 && f.Raw.Fix != "" {
		// A text that names no code ("Unchecked return value") still says
		// which call it is about when its fix repairs that call.
		fixed := codeTokens(f.Raw.Fix)
		slices.Sort(fixed)
		for _, n := range calls {
			if has(fixed, n) {
				e.named = append(e.named, n)
			}
		}
	}
	return e
}

// calledNames are the names a line of code calls, lower case, sorted.
func calledNames(line string) []string {
	var out []string
	for i := 0; i < len(line); i++ {
		if line[i] != '(' {
			continue
		}
		j := i
		for j > 0 && (isWordRune(rune(line[j-1]))) {
			j--
		}
		if tok := strings.ToLower(line[j:i]); len(tok) >= minNameLen && !codeKeywords[tok] {
			out = append(out, tok)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// distinctAnchors reports whether two findings quote different lines that
// each hold a name their own finding talks about and the other line lacks.
func distinctAnchors(a, b *node) bool {
	if ablate.distinct || len(a.ev.named) == 0 || len(b.ev.named) == 0 || lineGap(&a.f, &b.f) <= 1 {
		return false
	}
	return ownName(a.ev.named, b.ev.line) && ownName(b.ev.named, a.ev.line)
}

// commonMin is the most findings a name may appear in and still count as
// specific in any review, however large.
const commonMin = 4

// ownName reports whether one of named is missing from the other finding's line.
func ownName(named, line []string) bool {
	for _, n := range named {
		if !has(line, n) {
			return true
		}
	}
	return false
}

// lineGap is how many lines lie between two findings' ranges plus one: 0
// when they overlap, 1 when they are adjacent.
func lineGap(a, b *anchor.Finding) int {
	return max(b.Line-a.EndLine, a.Line-b.EndLine, 0)
}

// farEvidence reports whether two findings share a name more specific than
// their function: one both texts name, or one a text names that the other's
// line holds, left out the section's own names and names common to the
// review (common lists them).
func farEvidence(a, b *node) bool {
	if ablate.far {
		return true
	}
	sec := ""
	if a.f.Section != "" && sameScope(&a.f, &b.f) {
		sec = strings.ToLower(a.f.Section)
	}
	ok := func(n string) bool {
		return len(n) >= minNameLen && !stopwords[n] && !codeKeywords[n] && !a.common[n] && (sec == "" || !containsWord(sec, n))
	}
	for _, t := range a.vec.terms {
		if t.ident && b.hasIdent(t.tok) && ok(t.tok) {
			return true
		}
	}
	if (a.decl|b.decl)&perCallMask != 0 && !ablate.perCallFar {
		// A function has several of a per-call kind, often on lines that
		// repeat one call: only a name both texts give tells which.
		return false
	}
	for _, n := range a.ev.line {
		if has(b.ev.line, n) && ok(n) {
			return true
		}
	}
	for _, n := range a.ev.words {
		if has(b.ev.line, n) && ok(n) && isIdentIn(a, n) {
			return true
		}
	}
	for _, n := range b.ev.words {
		if has(a.ev.line, n) && ok(n) && isIdentIn(b, n) {
			return true
		}
	}
	return false
}

// isIdentIn reports whether the finding names n as an identifier.
func isIdentIn(x *node, n string) bool { return x.hasIdent(n) }

func (x *node) hasIdent(tok string) bool {
	i, ok := slices.BinarySearchFunc(x.vec.terms, tok, func(t term, s string) int { return strings.Compare(t.tok, s) })
	return ok && x.vec.terms[i].ident
}

// setCommon gives every node the names (text words and line names) that
// more than commonName of the findings of its file use.
func setCommon(nodes []node) {
	for start := 0; start < len(nodes); {
		end := start
		for end < len(nodes) && nodes[end].f.File == nodes[start].f.File {
			end++
		}
		n := end - start
		out := map[string]bool{}
		if n >= idfMin {
			// How many nodes use each name, and the last (1-based) that did.
			type use struct{ nodes, last int }
			df := map[string]use{}
			for i := start; i < end; i++ {
				for _, ws := range [2][]string{nodes[i].ev.words, nodes[i].ev.line} {
					for _, w := range ws {
						if u := df[w]; u.last != i+1 {
							df[w] = use{u.nodes + 1, i + 1}
						}
					}
				}
			}
			for w, u := range df {
				if c := u.nodes; c > commonMin && float64(c) > commonName*float64(n) {
					out[w] = true
				}
			}
		}
		for i := start; i < end; i++ {
			nodes[i].common = out
		}
		start = end
	}
}
