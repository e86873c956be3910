package merge

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file scores how alike two findings' texts are. Identifiers (names in
// backticks, dotted or called names, camelCase, snake_case) weigh three times
// a plain word: two reviewers describing the same bug rarely share wording
// but nearly always name the same function or variable.

const (
	identWeight = 3.0
	// idfFloor is the weight factor of a term every finding uses; idfMin the
	// fewest findings an IDF is computed over.
	idfFloor   = 0.25
	idfMin     = 6
	wordWeight = 1.0
	// codeWeight is the weight of a name on the finding's anchored line.
	codeWeight = 1.0
)

type term struct {
	tok   string
	w     float64
	ident bool
	code  bool // only from the anchored line, not from the finding's words
}

// vector is a finding's terms sorted by token, so every score is computed in
// the same order whatever order the findings arrived in.
type vector struct {
	terms  []term
	total  float64
	idents int // how many terms are identifiers
}

var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the a an and or but not no is are was were be been being this that these those
		it its of in on at to for from by with without as into onto than then there here when where which who what why how
		can could should would will may might must do does did done has have had if else so such use used using via
		line lines code file function method value values call calls called also only just more less very all any
		each other some same new old instead because while after before may need needs make makes made`) {
		stopwords[w] = true
	}
}

// vectorize turns a finding's title and explanation into weighted terms.
func vectorize(text string) vector {
	terms := make([]term, 0, 16)
	inTick := false
	sentenceStart := true // the next word starts a sentence (or the text)
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			switch {
			case r == '`':
				inTick = !inTick
			case r == '\n' || (r == '.' || r == '!' || r == '?' || r == ':') && !wordAt(text, i+size):
				sentenceStart = true
			}
			i += size
			continue
		}
		j := i
		for j < len(text) {
			r2, s2 := utf8.DecodeRuneInString(text[j:])
			if !isWordRune(r2) {
				break
			}
			j += s2
		}
		raw := text[i:j]
		// a.b: a dotted name, but not a word ending a sentence.
		dotted := wordAt(text, j+1) && j < len(text) && text[j] == '.' || i > 1 && text[i-1] == '.' && wordBefore(text, i-1)
		called := j < len(text) && text[j] == '('
		// A capital inside a sentence is a name (Open, ReadAll), not prose.
		capital := !sentenceStart && unicode.IsUpper(r)
		// An acronym in prose (SQL, CSV, JSON, HTTP) is a word, not a name.
		ident := inTick || dotted || called || (capital || looksLikeIdent(raw)) && !isAcronym(raw)
		sentenceStart = false
		i = j
		tok := strings.ToLower(raw)
		w := identWeight
		if !ident {
			if len(tok) < 3 || stopwords[tok] || isNumber(tok) {
				continue
			}
			tok = stem(tok)
			w = wordWeight
		}
		terms = append(terms, term{tok: tok, w: w, ident: ident})
	}
	return newVector(terms)
}

// newVector sorts terms by token and keeps each token once, with its
// highest weight.
func newVector(terms []term) vector {
	sortTerms(terms)
	out := terms[:0]
	for _, t := range terms {
		if n := len(out); n > 0 && out[n-1].tok == t.tok {
			if t.w > out[n-1].w {
				out[n-1].w, out[n-1].ident = t.w, t.ident
			}
			continue
		}
		out = append(out, t)
	}
	v := vector{terms: out}
	for _, t := range out {
		v.total += t.w
		if t.ident {
			v.idents++
		}
	}
	return v
}

// wordAt reports whether a word rune starts at byte i of s.
func wordAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isWordRune(r)
}

// wordBefore reports whether a word rune ends just before byte i of s.
func wordBefore(s string, i int) bool {
	if i <= 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return isWordRune(r)
}

func sortTerms(ts []term) {
	slices.SortFunc(ts, func(a, b term) int { return strings.Compare(a.tok, b.tok) })
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf { // most text: no table look-up
		return r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isNumber(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// isAcronym: two to five upper-case letters and nothing else.
func isAcronym(s string) bool {
	if len(s) < 2 || len(s) > 5 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// looksLikeIdent: snake_case, digits mixed with letters, or an upper-case
// letter after the first rune (camelCase, PascalCase with more humps, ALLCAPS).
func looksLikeIdent(s string) bool {
	if strings.ContainsRune(s, '_') {
		return true
	}
	letters, digits := false, false
	for i, r := range s {
		if unicode.IsDigit(r) {
			digits = true
		} else {
			letters = true
		}
		if i > 0 && unicode.IsUpper(r) {
			return true
		}
	}
	return letters && digits
}

// stem drops the commonest English suffixes so "leaks", "leaked" and
// "leaking" meet, and "validation", "validated" and "validates" too.
func stem(w string) string {
	for _, suf := range []string{"ions", "ion", "ings", "ing", "ed", "es", "s", "e"} {
		if len(w) >= len(suf)+4 && strings.HasSuffix(w, suf) && !strings.HasSuffix(w, "ss") {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

// codeKeywords are words of Go, Python and JS/TS syntax that say nothing
// about which code a line is.
var codeKeywords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`func return if else for range var const let def self this err nil none null
		undefined true false await async new in not and or go defer import from class try except pass with as
		is function export type struct interface string int bool any void public private static`) {
		codeKeywords[w] = true
	}
}

// withCode adds the names on a finding's anchored line (its real code) to
// its terms, at codeWeight: two findings quoting or anchored on code that
// names the same variable are about the same place, however they word it.
func withCode(v vector, line string) vector {
	var add []term
	for _, f := range strings.FieldsFunc(line, func(r rune) bool { return !isWordRune(r) }) {
		tok := strings.ToLower(f)
		if len(tok) < 2 || codeKeywords[tok] || isNumber(tok) {
			continue
		}
		add = append(add, term{tok: tok, w: codeWeight, code: true})
	}
	if len(add) == 0 {
		return v
	}
	terms := append(append(make([]term, 0, len(v.terms)+len(add)), v.terms...), add...)
	sortTerms(terms)
	out := terms[:0]
	for _, t := range terms {
		if n := len(out); n > 0 && out[n-1].tok == t.tok {
			if t.w > out[n-1].w {
				out[n-1].w, out[n-1].ident = t.w, t.ident
			}
			out[n-1].code = out[n-1].code && t.code
			continue
		}
		out = append(out, t)
	}
	v.terms, v.total = out, 0
	for _, t := range out {
		v.total += t.w
	}
	return v
}

// textOnly is v without the terms that only its anchored line gave.
func textOnly(v vector) vector {
	out := vector{terms: make([]term, 0, len(v.terms))}
	for _, t := range v.terms {
		if t.code {
			continue
		}
		out.terms = append(out.terms, t)
		out.total += t.w
		if t.ident {
			out.idents++
		}
	}
	return out
}

// jaccard is the weighted Jaccard similarity of two vectors, in [0, 1].
func jaccard(a, b vector) float64 {
	j, _ := jaccardIdents(a, b)
	return j
}

// jaccardIdents is jaccard, and whether the vectors share an identifier.
func jaccardIdents(a, b vector) (float64, bool) {
	if a.total == 0 || b.total == 0 {
		return 0, false
	}
	shared := false
	var inter, union float64
	i, j := 0, 0
	for i < len(a.terms) && j < len(b.terms) {
		switch {
		case a.terms[i].tok == b.terms[j].tok:
			lo, hi := a.terms[i].w, b.terms[j].w
			if a.terms[i].ident && b.terms[j].ident {
				shared = true
			}
			if lo > hi {
				lo, hi = hi, lo
			}
			inter += lo
			union += hi
			i++
			j++
		case a.terms[i].tok < b.terms[j].tok:
			union += a.terms[i].w
			i++
		default:
			union += b.terms[j].w
			j++
		}
	}
	for ; i < len(a.terms); i++ {
		union += a.terms[i].w
	}
	for ; j < len(b.terms); j++ {
		union += b.terms[j].w
	}
	return inter / union, shared
}

// idfWeigh scales every term of every vector by how rare it is among the
// review's own findings: a word or name that most findings use ("error",
// the package's central type) says little about which issue a finding is
// about. The factor is 1 for a term only one finding uses, falling towards
// idfFloor for a term every finding uses; with fewer than idfMin findings
// there is nothing to learn and weights are left alone.
func idfWeigh(vs []vector) {
	if len(vs) < idfMin {
		return
	}
	df := map[string]int{}
	for _, v := range vs {
		for _, t := range v.terms {
			df[t.tok]++
		}
	}
	n := float64(len(vs))
	for i := range vs {
		v := &vs[i]
		v.total = 0
		for k := range v.terms {
			t := &v.terms[k]
			f := math.Log(n/float64(df[t.tok])) / math.Log(n) // 1 for df 1, 0 for df n
			t.w *= idfFloor + (1-idfFloor)*f
			v.total += t.w
		}
	}
}
