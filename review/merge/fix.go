package merge

import "strings"

// This file reads a finding's suggested fix as evidence of which issue it is
// about. Two reviewers wording one bug differently still tend to write the
// same repair ("defer rows.Close()", a bounds check on `parts`, a
// parameterised query), while two bugs on one line get different repairs.
// What counts is the change: the names and keywords the fix brings that the
// code it replaces does not hold.

// fixWeight is how much a shared change adds to the text overlap of two
// findings: chosen on the 13 older corpora (0.1 to 1 measured), then
// measured once on the held-out ones.
const fixWeight = 0.25

// fixDelta is the vector of what a fix changes: the code tokens of its new
// lines (a unified diff's "+" lines, or the whole text when it is
// replacement code) minus those of the finding's anchored line, its quote
// and the diff's "-" lines. Prose fixes give their words too: "close the
// file" still says what changes. Empty when there is no fix.
func fixDelta(fix, lineText, quote string) vector {
	fix = strings.TrimSpace(fix)
	if fix == "" {
		return vector{}
	}
	old := map[string]bool{}
	for _, t := range codeTokens(lineText + "\n" + quote) {
		old[t] = true
	}
	var added []string
	diffLike := looksLikeUnifiedDiff(fix)
	for _, l := range strings.Split(fix, "\n") {
		switch {
		case diffLike && strings.HasPrefix(l, "-"):
			for _, t := range codeTokens(l[1:]) {
				old[t] = true
			}
			continue
		case diffLike && (strings.HasPrefix(l, "@@") || strings.HasPrefix(l, "+++") || strings.HasPrefix(l, "---")):
			continue
		case diffLike && strings.HasPrefix(l, "+"):
			l = l[1:]
		case diffLike && strings.HasPrefix(l, " "):
			continue // context: not a change
		}
		added = append(added, codeTokens(l)...)
	}
	var terms []term
	for _, t := range added {
		if old[t] {
			continue
		}
		w := identWeight
		if codeKeywords[t] || fixFiller[t] {
			w = wordWeight
		}
		terms = append(terms, term{tok: t, w: w, ident: true})
	}
	sortTerms(terms)
	out := terms[:0]
	for _, t := range terms {
		if n := len(out); n > 0 && out[n-1].tok == t.tok {
			continue
		}
		out = append(out, t)
	}
	v := vector{terms: out}
	for _, t := range out {
		v.total += t.w
		v.idents++
	}
	return v
}

// fixFiller are words of fixes' comments and of every language's error
// paths that say little about which repair it is.
var fixFiller = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the a an to of and or is be it this that with for on at by not no todo fix fixed here
		print println printf log logger error errors raise throw return fmt errorf sprintf string str`) {
		fixFiller[w] = true
	}
}

// codeTokens are the lower-cased words of a piece of code (names, keywords,
// words in strings and comments), each at least two runes, numbers dropped.
func codeTokens(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) }) {
		tok := strings.ToLower(f)
		if len(tok) < 2 || isNumber(tok) {
			continue
		}
		out = append(out, tok)
	}
	return out
}

// looksLikeUnifiedDiff reports whether a fix is written as a diff: at least
// one "+" line, and every non-empty line starts with a diff marker.
func looksLikeUnifiedDiff(fix string) bool {
	plus := false
	for _, l := range strings.Split(fix, "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		switch l[0] {
		case '+':
			plus = true
		case '-', ' ', '@':
		default:
			return false
		}
	}
	return plus
}

// fixSimilarity is the weighted Jaccard of two fix deltas, or -1 when
// either finding has no fix delta (no evidence either way).
func fixSimilarity(a, b vector) float64 {
	if a.total == 0 || b.total == 0 {
		return -1
	}
	return jaccard(a, b)
}

// withFix adds the fix evidence f (fixSimilarity; -1 for none) to a text
// overlap j, at fixWeight. Only ever upwards: two reviewers may repair one
// bug in different ways, and fixes that share nothing split no pair
// (measured: such a veto undid no false merge, BENCHMARKS.md "Merge
// quality", ninth pass).
func withFix(j, f float64) float64 {
	if f <= 0 || ablate.fix {
		return j
	}
	return min(j+fixWeight*f, 1)
}
