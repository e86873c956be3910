package merge

import (
	"strings"
	"unicode/utf8"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
)

// This file reads a finding's suggested fix as evidence of which issue it is
// about. Two reviewers wording one bug differently still tend to write the
// same repair ("defer rows.Close()", a bounds check on `parts`, a
// parameterised query), while two bugs on one line get different repairs.
// What counts is what the fix brings that the code it replaces (the
// anchored line, the quote) does not hold: new names and keywords, and the
// neighbouring code it rewrites.

// fixWeight is how much a shared change adds to the text overlap of two
// findings: chosen on the 13 older corpora (0.1 to 1 measured), then
// measured once on the held-out ones.
const fixWeight = 0.25

// findingFix is the fix delta of a finding: its fix against the code it
// replaces (the anchored line and the quote). Code near the finding that a
// fix repeats still counts: two fixes that rewrite the same neighbouring
// lines are about the same place (leaving out 8 diff lines either side
// measured worse, BENCHMARKS.md "Merge quality", ninth pass).
func findingFix(f *anchor.Finding) vector {
	return fixDelta(f.Raw.Fix, f.LineText+"\n"+f.Raw.Quote)
}

// fixDelta is the vector of what a fix changes: the tokens of its new code
// (a unified diff's "+" lines, else the whole text) minus those of code,
// of a diff's "-" and context lines, and of a fence's language tag. A fix in
// words (review.FixIsProse) gives its words, stopwords left out, at a
// word's weight: "close the file" still says what changes. Empty when
// there is no fix.
func fixDelta(fix, code string) vector {
	fix = strings.TrimSpace(fix)
	if fix == "" {
		return vector{}
	}
	old := map[string]bool{}
	for _, t := range codeTokens(code) {
		old[t] = true
	}
	prose := review.FixIsProse(fix)
	var lines []string
	for _, l := range strings.Split(fix, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			continue // a fence and its language tag are not the repair
		}
		lines = append(lines, l)
	}
	diffLike := !prose && review.FixIsDiff(strings.Join(lines, "\n"))
	var added []string
	for _, l := range lines {
		if diffLike {
			switch {
			case strings.HasPrefix(l, "+++"), strings.HasPrefix(l, "---"), strings.HasPrefix(l, "@@"), strings.HasPrefix(l, `\ `):
				continue
			case strings.HasPrefix(l, "-"), strings.HasPrefix(l, " "):
				for _, t := range codeTokens(l[1:]) {
					old[t] = true // deleted or unchanged
				}
				continue
			case strings.HasPrefix(l, "+"):
				l = l[1:]
			}
		}
		added = append(added, codeTokens(l)...)
	}
	var terms []term
	for _, t := range added {
		if old[t] || prose && stopwords[t] {
			continue
		}
		switch {
		case prose:
			terms = append(terms, term{tok: t, w: wordWeight})
		case codeKeywords[t] || fixFiller[t]:
			terms = append(terms, term{tok: t, w: wordWeight})
		default:
			terms = append(terms, term{tok: t, w: identWeight, ident: true})
		}
	}
	return newVector(terms)
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
		if utf8.RuneCountInString(tok) < 2 || isNumber(tok) {
			continue
		}
		out = append(out, tok)
	}
	return out
}

// fixIDF weighs the fix deltas by an IDF over the findings that have a fix,
// not over every finding: a token every fix adds says little, however few
// findings carry a fix.
func fixIDF(fixes []vector) {
	var have []vector
	var at []int
	for i, v := range fixes {
		if v.total > 0 {
			have = append(have, v)
			at = append(at, i)
		}
	}
	idfWeigh(have)
	for k, i := range at {
		fixes[i] = have[k]
	}
}

// fixSimilarity is the weighted Jaccard of two fix deltas, or noFix when
// either finding has no fix delta (no evidence either way).
func fixSimilarity(a, b vector) float64 {
	if a.total == 0 || b.total == 0 {
		return noFix
	}
	return jaccard(a, b)
}

// noFix is the fix similarity of a pair of which a finding has no fix.
const noFix = -1

// withFix adds the fix evidence f (fixSimilarity; noFix for none) to a text
// overlap j, at fixWeight. Only ever upwards: two reviewers may repair one
// bug in different ways, so fixes that share nothing do not count against
// a pair (measured: such a veto undid no false merge, BENCHMARKS.md "Merge
// quality", ninth pass).
func withFix(j, f float64) float64 {
	if f <= 0 || ablate.fix {
		return j
	}
	return min(j+fixWeight*f, 1)
}
