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
// Both are read as tokens (codeTokens: words, operators, brackets and
// other punctuation) and aligned by their longest common subsequence.
// Every strict token of the quote (a number, an operator, a keyword that
// changes what a call does, a literal holding a number) must be aligned,
// and so must every one of the line from its start to the last aligned
// token: the part of the line the quote covers. A quote that stops early
// (a long line cut short) is not held to the rest of the line, but one
// that closes a bracket the line closes later is: `xs[len(xs)]` reaches
// the line's `]`, so the `-1` before it counts. Spacing ("a=-b" is
// "a = -b") and comments count for nothing; a comment-only line is judged
// by its words alone.
func sameMeaning(quote, line string) bool {
	q, l := codeTokens(quote), codeTokens(line)
	if len(q) == 0 && len(l) == 0 {
		return true // both only comment: Similarity decided
	}
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
	last := -1
	for i, j := 0, 0; i < len(q) && j < len(l); {
		switch {
		case q[i] == l[j]:
			inQ[i], inL[j] = true, true
			last = j
			i++
			j++
		case t[i+1][j] >= t[i][j+1]:
			i++
		default:
			j++
		}
	}
	if last < 0 {
		return false
	}
	for i, tok := range q {
		if strict(tok) && !inQ[i] {
			return false
		}
	}
	for j := 0; j <= last; j++ {
		if strict(l[j]) && !inL[j] {
			return false
		}
	}
	return true
}

// strict reports whether a token carries the line's meaning in a way a
// near copy may not change: an operator, a number, a literal holding a
// number (`'1 day'` is not `'30 day'`), or a keyword that changes when or
// whether code runs (`defer f.Close()` is not `f.Close()`).
func strict(tok string) bool {
	switch tok[0] {
	case opTag:
		return true
	case wordTag:
		w := tok[1:]
		literal := w[0] == '"' || w[0] == '\'' || w[0] == '`'
		return isNumeral(w) || strictWords[w] || literal && strings.ContainsAny(w, "0123456789")
	}
	return false
}

// strictWords are keywords whose presence changes what the line does.
var strictWords = map[string]bool{
	"defer": true, "go": true, "await": true, "async": true, "yield": true, "return": true,
	"throw": true, "raise": true, "break": true, "continue": true, "mut": true, "const": true,
	"static": true, "final": true, "volatile": true, "unsafe": true,
}

const (
	opTag    = 'o'
	wordTag  = 'w'
	punctTag = 'p'
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
	s = strings.ReplaceAll(s, "\u2212", "-") // a typeset minus, as a model may copy it
	var out []string
	for i := 0; i < len(s) && len(out) < maxTokens; {
		c := s[i]
		switch {
		case c == '\'' && lifetime(s[i+1:]):
			i++ // Rust's 'a: a name, not the start of a literal
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
		case strings.IndexByte(punctuation, c) >= 0:
			out = append(out, string(punctTag)+string(c))
			i++
		default:
			i++
		}
	}
	return out
}

// punctuation are the brackets and separators read as tokens: not
// strict, but they tell where in the line a quote ends.
const punctuation = "()[]{},;.@"

// lifetime reports whether what follows a ' is a Rust lifetime or label
// ('a, 'static): a name not closed by another ' right after it.
func lifetime(rest string) bool {
	n := 0
	for n < len(rest) && isWordByte(rest[n]) && rest[n] < 0x80 {
		n++
	}
	return n > 0 && (n == len(rest) || rest[n] != '\'') && !(rest[0] >= '0' && rest[0] <= '9')
}

// isWordByte is a byte of a word: a letter, a digit, an underscore, or any
// byte of a multi-byte character.
func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}
