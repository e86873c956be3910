package merge

import (
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
	wordWeight  = 1.0
)

type term struct {
	tok string
	w   float64
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
		ident := inTick || dotted || called || capital || looksLikeIdent(raw)
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
		terms = append(terms, term{tok, w})
	}
	sortTerms(terms)
	// Keep each token once, with its highest weight.
	out := terms[:0]
	for _, t := range terms {
		if n := len(out); n > 0 && out[n-1].tok == t.tok {
			if t.w > out[n-1].w {
				out[n-1].w = t.w
			}
			continue
		}
		out = append(out, t)
	}
	v := vector{terms: out}
	for _, t := range out {
		v.total += t.w
		if t.w == identWeight {
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

func isWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

func isNumber(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
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

// stem drops the commonest English suffixes so "leaks", "leaked" and "leaking" meet.
func stem(w string) string {
	for _, suf := range []string{"ing", "ed", "es", "s"} {
		if len(w) > len(suf)+3 && strings.HasSuffix(w, suf) {
			return w[:len(w)-len(suf)]
		}
	}
	return w
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
			if lo == identWeight && hi == identWeight {
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
