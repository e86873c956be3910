package anchor

import (
	"slices"
	"strings"
)

// sameMeaning reports whether a near copy keeps the meaning of the line it
// is compared with: its numbers, operators, literals, called functions and
// the order of its names. A near copy forgives a misspelt name, never a
// changed number or operator: `xs[len(xs)]` quoted against
// `xs[len(xs)-1]`, `i <= len(xs)` against `i < len(xs)`, `err == nil`
// against `err != nil`, `x is None` against `x is not None`, `err :=`
// against `err =`, `InsecureSkipVerify: true` against `: false`, `min(a,
// b)` against `max(a, b)` or `f(used, total)` against `f(total, used)` is
// the bug a model imagines, not the code that is there.
//
// Both are read as tokens (codeTokens: words, operators, brackets and
// other punctuation) and aligned by their longest common subsequence.
// Every strict token of the quote (see strictAt) must be aligned, and so
// must every one of the line from its start to the last aligned token: the
// part of the line the quote covers. Aligned tokens keep their order, so
// the strict tokens of the two are the same sequence. A quote that stops
// early (a long line cut short) is not held to the rest of the line, but
// one that closes a bracket the line closes later is: `xs[len(xs)]`
// reaches the line's `]`, so the `-1` before it counts. The words (names,
// keywords, literals) of the quote and of the covered part may then differ
// by one word at most, changed, missing or extra, and a word the quote has
// in its place must be new to the line: a misspelt name is one new word,
// while names swapped, moved or repeated (`f(a, a)` for `f(a, b)`) are the
// line's words in another order, which is other code. Spacing ("a=-b" is
// "a = -b") and comments count for nothing; a comment-only line is judged
// by its words alone. Past maxTokens tokens on either side it is never the
// same: a long line is matched whole or in part, not compared up to a cap
// that would leave a changed number after it unread.
func sameMeaning(quote, line string) bool {
	q, l := codeTokens(quote), codeTokens(line)
	if len(q) > maxTokens || len(l) > maxTokens {
		return false
	}
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
	for i := range q {
		if strictAt(q, i) && !inQ[i] {
			return false
		}
	}
	for j := 0; j <= last; j++ {
		if strictAt(l, j) && !inL[j] {
			return false
		}
	}
	return oneWordApart(wordTokens(q), wordTokens(l[:last+1]), wordTokens(l))
}

// oneWordApart reports whether the words of a quote (q) and of the part of
// the line it covers (covered) differ by at most one word changed, missing
// or extra, and whether a word the quote has in its place is new to the
// line (every word of it, so a name moved in from past the covered part is
// moved too). The word the line has there may recur in the quote: a name
// misspelt once and copied right elsewhere is still one misspelling. A
// common prefix and suffix leave what differs.
func oneWordApart(q, covered, line []string) bool {
	p := 0
	for p < len(q) && p < len(covered) && q[p] == covered[p] {
		p++
	}
	s := 0
	for s < len(q)-p && s < len(covered)-p && q[len(q)-1-s] == covered[len(covered)-1-s] {
		s++
	}
	dq, dl := q[p:len(q)-s], covered[p:len(covered)-s]
	if len(dq) > 1 || len(dl) > 1 {
		return false
	}
	return len(dq) == 0 || !slices.Contains(line, dq[0])
}

// wordTokens are the words among tokens, in order.
func wordTokens(toks []string) []string {
	var out []string
	for _, t := range toks {
		if t[0] == wordTag {
			out = append(out, t)
		}
	}
	return out
}

// strictAt reports whether token i of toks carries the line's meaning in a
// way a near copy may not change: a strict token, or the name of a called
// (or declared) function, a word followed by "(" (`min(a, b)` is not
// `max(a, b)`, `Some(x)` is not `Ok(x)`).
func strictAt(toks []string, i int) bool {
	if strict(toks[i]) {
		return true
	}
	return toks[i][0] == wordTag && isIdentStart(toks[i][1]) && i+1 < len(toks) && toks[i+1] == string(punctTag)+"("
}

// isIdentStart: a byte that can begin a name (not a digit or a quote).
func isIdentStart(c byte) bool { return isWordByte(c) && !(c >= '0' && c <= '9') }

// strict reports whether a token carries the line's meaning in a way a
// near copy may not change: an operator, a number, a string literal
// (`"https://"` is not `"http://"`), a name holding a digit (`md5` is not
// `sha256`), a literal value spelt as a word (`true` is not `false`, `nil`
// is not `err`), the blank identifier (`rows, _ :=` drops the error that
// `rows, err :=` keeps), or a keyword that changes when or whether code
// runs (`defer f.Close()` is not `f.Close()`).
func strict(tok string) bool {
	switch tok[0] {
	case opTag:
		return true
	case wordTag:
		w := tok[1:]
		literal := w[0] == '"' || w[0] == '\'' || w[0] == '`'
		// A string literal is data the line acts on ("https://" is not
		// "http://", "push" is not "status"), and a name holding a digit
		// names a size or an algorithm (md5 is not sha256, int32 not int64).
		// The blank identifier discards a value: a name in its place keeps
		// it, the one word a model imagining the error handled changes.
		return isNumeral(w) || strictWords[w] || literalWords[w] || w == "_" || literal || strings.ContainsAny(w, "0123456789")
	}
	return false
}

// strictWords are keywords whose presence changes what the line does.
var strictWords = map[string]bool{
	"defer": true, "go": true, "await": true, "async": true, "yield": true, "return": true,
	"throw": true, "raise": true, "break": true, "continue": true, "mut": true, "const": true,
	"static": true, "final": true, "volatile": true, "unsafe": true,
	// Ruby's and Perl's inverted conditions: `unless x` is `if !x`.
	"unless": true, "until": true,
}

// literalWords are values spelt as words in Go, Python, JS/TS, Java, C,
// C++, C#, Ruby, PHP, Rust, Swift and SQL: a near copy that changes one
// (`return nil` for `return err`, `true` for `false`) inverts the line.
var literalWords = map[string]bool{
	"true": true, "false": true, "True": true, "False": true, "TRUE": true, "FALSE": true,
	"nil": true, "Nil": true, "null": true, "NULL": true, "Null": true, "None": true,
	"nullptr": true, "undefined": true, "NaN": true, "Infinity": true, "NotImplemented": true,
}

const (
	opTag    = 'o'
	wordTag  = 'w'
	punctTag = 'p'
	// maxTokens bounds the tokens read per line (a minified line); a line
	// with more is read to maxTokens+1, which tells it is longer, and is
	// never a near copy (sameMeaning).
	maxTokens = 128
	// operatorChars make up operators; a run of them is one operator,
	// with the spaces inside it dropped ("= -" reads as "=-", as "=-"
	// does), so spacing never tells two lines apart.
	operatorChars = "=!<>&|+-*/%^~?:"
)

// wordOperators are the operators spelt as words (Python's, SQL's), in
// lower case; wordOperator reads SQL's upper case too.
var wordOperators = map[string]bool{"not": true, "and": true, "or": true, "is": true, "in": true}

// wordOperator is w as an operator spelt as a word, lower-cased ("AND" is
// SQL's and), or "" when it is none. A word in mixed case (`Or`) is a
// name.
func wordOperator(w string) string {
	if wordOperators[w] {
		return w
	}
	if lw := strings.ToLower(w); wordOperators[lw] && w == strings.ToUpper(w) {
		return lw
	}
	return ""
}

// codeTokens reads a code line as words (identifiers, numbers, whole
// string literals) and operators, each tagged ('w' or 'o'); a comment
// (`//` or "# " to the end of the line, `/* ... */`) is left out.
func codeTokens(s string) []string {
	s = strings.ReplaceAll(s, "\u2212", "-") // a typeset minus, as a model may copy it
	var out []string
	for i := 0; i < len(s) && len(out) <= maxTokens; {
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
			if op := wordOperator(w); op != "" {
				out = append(out, string(opTag)+op)
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
