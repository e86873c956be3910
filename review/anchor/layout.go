package anchor

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file reads a line of code without its layout, where layout cannot
// change a token: for matching a quote laid out otherwise (flowed, see
// reflow.go) and for a fingerprint a formatter's pass keeps (Flowed).

// Flowed is a line of code as a finding's fingerprint reads it, so that a
// formatter re-spacing it (gofmt's `err := f(a, b)` of `err:=f(a,b)`)
// keeps a dismissal: whitespace outside string literals dropped, except
// one space between two words or between two operator characters that
// would join into another operator (`i + ++j` is no `i++ + j`, `a - -b` no
// `a--b`), and string literals as they are.
func Flowed(s string) string {
	return relayout(Normalize(s), func(a, b rune) bool { return isWord(a) && isWord(b) || operatorPair(a, b) })
}

// operatorPair reports whether a and b, written together, would read as
// one operator of two characters (`+ +` is no `++`, `< -` no `<-`, `& &`
// no `&&`): the space between them is code. Any other space between two
// operators is layout (gofmt's `a*-b` is `a * -b`, `x == -1` is `x==-1`).
func operatorPair(a, b rune) bool {
	switch string([]rune{a, b}) {
	case "++", "--", "<-", "->", "&&", "||", "&^", "==", ":=", "!=", "<<", ">>", "<=", ">=", "//", "/*", "*/",
		"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "**", "..", "::", "??", "?.", "=>", "~=", "=~":
		return true
	}
	return false
}

// flowed is one line of code with its layout left out where that cannot
// change a token: whitespace next to a bracket, comma or semicolon goes,
// any other run of it is one space, and a string literal keeps its own.
func flowed(s string) string {
	return relayout(s, func(a, b rune) bool { return !tight(a) && !tight(b) })
}

// relayout is s with each run of whitespace outside its string literals
// dropped, or one space where keep says the characters around it need one;
// inside a string literal ("...", '...', `...`) everything stays.
func relayout(s string, keep func(before, after rune) bool) string {
	var b strings.Builder
	b.Grow(len(s))
	var quote, last rune
	space := false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if quote != 0 {
			b.WriteRune(r)
			switch {
			case r == '\\' && i < len(s):
				r2, n2 := utf8.DecodeRuneInString(s[i:])
				b.WriteRune(r2)
				i += n2
			case r == quote:
				quote = 0
			}
			last = r
			continue
		}
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 && keep(last, r) {
			b.WriteByte(' ')
		}
		space = false
		if r == '"' || r == '\'' || r == '`' {
			quote = r
		}
		b.WriteRune(r)
		last = r
	}
	return b.String()
}

// tight reports whether whitespace beside r can be dropped without
// joining two tokens into another.
func tight(r rune) bool { return strings.ContainsRune("()[]{},;", r) }
