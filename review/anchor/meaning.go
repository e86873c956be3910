package anchor

import "strings"

// sameMeaning reports whether a near copy keeps the meaning of the line it
// is compared with: its numbers and operators. A near copy forgives a
// misspelt name, never a changed number or operator: `xs[len(xs)]` quoted
// against `xs[len(xs)-1]`, `i <= len(xs)` against `i < len(xs)`, `err ==
// nil` against `err != nil`, `x is None` against `x is not None` or `err
// :=` against `err =` is the bug a model imagines, not the code that is
// there.
//
// Both are read as tokens (codeTokens) and aligned by their longest common
// subsequence. Every number and operator of the quote must be aligned, and
// so must every one of the line between the first and last aligned tokens:
// the part of the line the quote covers. A quote of the start of a long
// line is not held to the operators of the rest, nor spacing ("a=-b" is
// "a = -b") or a comment to anything.
func sameMeaning(quote, line string) bool {
	q, l := codeTokens(quote), codeTokens(line)
	// LCS table, then one alignment read back from its end.
	t := make([][]int, len(q)+1)
	for i := range t {
		t[i] = make([]int, len(l)+1)
	}
	for i := len(q) - 1; i >= 0; i-- {
		for j := len(l) - 1; j >= 0; j-- {
			if q[i] == l[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	inQ, inL := make([]bool, len(q)), make([]bool, len(l))
	first, last := -1, -1
	for i, j := 0, 0; i < len(q) && j < len(l); {
		switch {
		case q[i] == l[j]:
			inQ[i], inL[j] = true, true
			if first < 0 {
				first = j
			}
			last = j
			i++
			j++
		case t[i+1][j] >= t[i][j+1]:
			i++
		default:
			j++
		}
	}
	if first < 0 {
		return false
	}
	for i, tok := range q {
		if strict(tok) && !inQ[i] {
			return false
		}
	}
	for j := first; j <= last; j++ {
		if strict(l[j]) && !inL[j] {
			return false
		}
	}
	return true
}

// strict reports whether a token carries the line's meaning in a way a
// near copy may not change: an operator or a number.
func strict(tok string) bool { return tok[0] == opTag || tok[0] == 'w' && isNumeral(tok[1:]) }

const (
	opTag   = 'o'
	wordTag = 'w'
	// maxTokens bounds the tokens read per line (a minified line).
	maxTokens = 128
	// operatorChars make up operators; a run of them is one operator,
	// with the spaces inside it dropped ("= -" reads as "=-", as "=-"
	// does), so spacing never tells two lines apart.
	operatorChars = "=!<>&|+-*/%^~?:"
)

// wordOperators are the operators spelt as words (Python's, SQL's).
var wordOperators = map[string]bool{"not": true, "and": true, "or": true, "is": true, "in": true}

// codeTokens reads a code line as words (identifiers, numbers, whole
// string literals) and operators, each tagged ('w' or 'o'); a comment
// (`//` or "# " to the end of the line, `/* ... */`) is left out.
func codeTokens(s string) []string {
	var out []string
	for i := 0; i < len(s) && len(out) < maxTokens; {
		c := s[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				j++
			}
			j = min(j+1, len(s))
			out = append(out, string(wordTag)+s[i:j])
			i = j
		case strings.HasPrefix(s[i:], "//") || c == '#' && (i+1 == len(s) || s[i+1] == ' '):
			return out // "# text" is a comment; "#include", "#[derive]" are code
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return out
			}
			i += 2 + end + 2
		case strings.IndexByte(operatorChars, c) >= 0:
			var op strings.Builder
			j := i
			for j < len(s) {
				if strings.IndexByte(operatorChars, s[j]) >= 0 && !strings.HasPrefix(s[j:], "//") && !strings.HasPrefix(s[j:], "/*") {
					op.WriteByte(s[j])
					j++
					continue
				}
				k := j
				for k < len(s) && (s[k] == ' ' || s[k] == '\t') {
					k++
				}
				if k > j && k < len(s) && strings.IndexByte(operatorChars, s[k]) >= 0 && !strings.HasPrefix(s[k:], "//") && !strings.HasPrefix(s[k:], "/*") {
					j = k // "= -": one operator, spaces dropped
					continue
				}
				break
			}
			out = append(out, string(opTag)+op.String())
			i = j
		case isWordByte(c):
			j := i + 1
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			w := s[i:j]
			if wordOperators[w] {
				out = append(out, string(opTag)+w)
			} else {
				out = append(out, string(wordTag)+w)
			}
			i = j
		default:
			i++
		}
	}
	return out
}

// isWordByte is a byte of a word: a letter, a digit, an underscore, or any
// byte of a multi-byte character.
func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}
