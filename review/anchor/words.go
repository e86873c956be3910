// This file compares quotes and lines by their words: the similarity of a
// near copy, counted without allocating.

package anchor

import (
	"unicode"
	"unicode/utf8"
)

// Similarity is the share of words two code lines have in common, in order:
// 2·LCS(a, b) / (|a| + |b|) over their words (identifiers, keywords, numbers,
// string literals; punctuation and spacing are ignored). Identical lines
// score 1; `os.RemoveAll("/")` against `os.RemoveAll(dir)` scores 2/3, and
// `f, _ := os.Open(c.path(key))` against `f, _ := os.Open(c.path(name))` 6/7.
func Similarity(a, b string) float64 {
	return similarity(words(a), words(b))
}

func similarity(wa, wb []string) float64 {
	if len(wa) == 0 || len(wb) == 0 {
		return 0
	}
	return 2 * float64(lcs(wa, wb)) / float64(len(wa)+len(wb))
}

// words splits a code line into its words: runs of letters, digits and
// underscores, and string literals kept whole (so a changed literal is one
// changed word, not several). It stops after maxWords+1 words.
func words(s string) []string {
	var out []string
	eachWord(s, func(w string) bool {
		out = append(out, w)
		return len(out) <= maxWords
	})
	return out
}

// countWords is len(words(s)) without building the slice: every quote line
// of every finding is counted.
func countWords(s string) int {
	n := 0
	eachWord(s, func(string) bool {
		n++
		return n <= maxWords
	})
	return n
}

// eachWord calls yield with each of words(s)'s words in order, until it
// returns false.
func eachWord(s string, yield func(string) bool) {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		j := i + n
		switch {
		case r == '"' || r == '\'' || r == '`':
			for j < len(s) && s[j] != byte(r) {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				j++
			}
			j = min(j+1, len(s))
		case isWord(r):
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if !isWord(r2) {
					break
				}
				j += n2
			}
		default:
			i = j
			continue
		}
		if !yield(s[i:j]) {
			return
		}
		i = j
	}
}

func isWord(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

func lcs(a, b []string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			switch {
			case a[i] == b[j]:
				cur[j+1] = prev[j] + 1
			case cur[j] >= prev[j+1]:
				cur[j+1] = cur[j]
			default:
				cur[j+1] = prev[j+1]
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
