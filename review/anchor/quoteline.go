// This file reads a quote as lines to match, and the other readings of
// one that does not match as written (the prompt's line numbers and
// markers dropped), and matches one quote line to one diff line.

package anchor

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/quorum-review/quorum/diff"
)

// match is how well one quote line matches one diff line.
type match int

// quoteLine is one normalised line of a quote, its words counted once.
type quoteLine struct {
	text     string
	words    int
	ellipsis bool
	// marked is the line with the leading +/- that text dropped, for code
	// whose own text starts with one (a diff or a list inside a file).
	marked string
	// want is the diff line kind the dropped marker names: a line quoted
	// as "-x" is a deleted x before an added or unchanged one ("" for any).
	want diff.LineKind
	// unsemi is text without the statement-ending ";" a model added to a
	// line that has none ("" when text has none to drop; see semicolonless).
	unsemi string
}

// kindFits reports whether a diff line of kind k can be q: the marker a
// quote line was copied with names the side it is on, unless the line
// matched with the marker as its own text.
func (q quoteLine) kindFits(k diff.LineKind, line string) bool {
	if q.want == "" || k == q.want {
		return true
	}
	return q.marked != "" && (line == q.marked || len(q.marked) >= MinSubstring && strings.Contains(line, q.marked))
}

func quoteLines(q string) []quoteLine {
	var out []quoteLine
	for _, l := range strings.Split(q, "\n") {
		l = strings.TrimSpace(l)
		marked := ""
		var want diff.LineKind
		// Models often copy the diff marker with the line.
		if len(l) > 1 && (l[0] == '+' || l[0] == '-') && (l[1] == ' ' || l[1] == '\t') {
			marked = Normalize(l)
			want = diff.Added
			if l[0] == '-' {
				want = diff.Deleted
			}
			l = l[1:]
		}
		n := Normalize(l)
		if n == "" {
			continue
		}
		if isEllipsis(n) {
			// A leading or doubled ellipsis adds nothing.
			if len(out) > 0 && !out[len(out)-1].ellipsis {
				out = append(out, quoteLine{text: n, ellipsis: true})
			}
			continue
		}
		// A line a model cut short with an ellipsis (`validate(a, b, ...`)
		// is the part before it.
		n = cutEllipsis(n)
		out = append(out, quoteLine{text: n, words: countWords(n), marked: marked, want: want, unsemi: semicolonless(n)})
	}
	for len(out) > 0 && out[len(out)-1].ellipsis {
		out = out[:len(out)-1]
	}
	return out
}

// dropLineNumbers removes a "12+" / "12 " / "12:" prefix from every line
// of a quote that has one, and returns the first line's number (0 when it
// has none) and what followed it; a quote is tried this way only when it
// does not match as written, so code that starts with a number still
// matches.
func dropLineNumbers(q string) (string, int, byte) {
	lines := strings.Split(q, "\n")
	first, sep, decided := 0, byte(0), false
	for i, l := range lines {
		t := strings.TrimLeft(l, " \t")
		n := 0
		for n < len(t) && t[n] >= '0' && t[n] <= '9' {
			n++
		}
		num, c := 0, byte(0)
		if n > 0 && n < len(t) && (t[n] == '+' || t[n] == ' ' || t[n] == ':') {
			num, _ = strconv.Atoi(t[:n])
			c = t[n]
			lines[i] = t[n+1:]
		}
		// The number that counts is the first line quoteLines keeps (not
		// a blank line, nor an ellipsis): the line a match starts at.
		if rest := Normalize(lines[i]); !decided && rest != "" && !isEllipsis(rest) {
			first, sep, decided = num, c, true
		}
	}
	return strings.Join(lines, "\n"), first, sep
}

// dropMarkers removes one leading + or - from every line of a quote that
// has one, whatever follows it: the prompt shows a deleted line as "-code",
// and a short line ("-}", "+package api") copied that way matches nothing
// else. A quote is tried this way only when it does not match as written,
// so code that starts with a sign still matches as itself.
func dropMarkers(q string) string {
	lines := strings.Split(q, "\n")
	for i, l := range lines {
		if t := strings.TrimLeft(l, " \t"); len(t) > 1 && (t[0] == '+' || t[0] == '-') && t[1] != ' ' && t[1] != '\t' {
			// "-}" reads as "- }": quoteLines drops the marker and keeps
			// the side it names (a deleted "}", not an added one).
			lines[i] = t[:1] + " " + t[1:]
		}
	}
	return strings.Join(lines, "\n")
}

// retry is another reading of a quote (quoteRetries), with what makes it
// the prompt's text copied, not code shortened: the line number it
// dropped from its first line must be the line it then matches (0: none
// dropped), and a marker it dropped must name the side of its line.
type retry struct {
	text    string
	line    int
	sep     byte // what followed the dropped number: '+', ' ' or ':'
	markers bool
}

// quoteRetries are the other readings of a quote, in the order they are
// tried when it does not match as written: without line numbers, without
// markers, without both; then the same of the quote unwrapped (its fence,
// backticks, HTML or JSON escapes undone: unwrapped). Readings equal to an
// earlier one are left out.
func quoteRetries(q, path string) []retry {
	seen := map[string]bool{q: true}
	var out []retry
	add := func(q string) {
		bare, n, sep := dropLineNumbers(q)
		for _, r := range []retry{{q, 0, 0, false}, {bare, n, sep, false}, {dropMarkers(q), 0, 0, true}, {dropMarkers(bare), n, sep, true}} {
			if !seen[r.text] {
				seen[r.text] = true
				out = append(out, r)
			}
		}
	}
	add(q)
	// Then the quote as the code it shows (mangled.go).
	add(unwrapped(q, path))
	return out
}

// holds reports whether a match of this reading is the prompt's text:
// at the line its number names, each dropped marker on a line of the side
// it names.
func (r retry) holds(fi *fileIndex, l located) bool {
	return (r.line == 0 || fi.lines[l.first].new == r.line && fi.lines[l.first].kind != diff.Deleted) && (!r.markers || l.fits)
}

// copiedFromPrompt reports whether a match of this reading copied the
// prompt's own prefix of its line: its number and the mark the prompt
// gives that line's kind ("12+" added, "12 " unchanged). Only that says
// the model read the line; "12:" is no prompt's, and a number alone
// repeats the finding's own line field.
func (r retry) copiedFromPrompt(fi *fileIndex, l located) bool {
	if r.line == 0 || fi.lines[l.first].new != r.line {
		return false
	}
	switch fi.lines[l.first].kind {
	case diff.Added:
		return r.sep == '+'
	case diff.Context:
		return r.sep == ' '
	}
	return false
}

// cutEllipsis is a quote line without the ellipsis a model put at its end
// or its start to say it left the rest of the line out.
func cutEllipsis(s string) string {
	for _, e := range []string{"...", "…"} {
		// What is left must still be a part long enough to count (`x =
		// ...` is Python's Ellipsis), and a leading "..." must stand apart.
		// `./...` is Go's package pattern (go test ./...), not a cut.
		if t, ok := strings.CutSuffix(s, e); ok && len(strings.TrimSpace(t)) >= MinSubstring && !strings.HasSuffix(t, "/") {
			s = strings.TrimSpace(t)
		}
		lead := e
		if e == "..." {
			lead += " " // `...state,` is JS's spread
		}
		if t, ok := strings.CutPrefix(s, lead); ok && len(strings.TrimSpace(t)) >= MinSubstring {
			s = strings.TrimSpace(t)
		}
	}
	return s
}

func isEllipsis(s string) bool {
	s = strings.TrimSpace(strings.TrimLeft(s, "/#*- "))
	return s == "..." || s == "…" || s == "// ..." || s == "# ..."
}

// matchLine applies the line rules to one quote line and one diff line of
// a file whose line comments start as style says (commentStyle).
func matchLine(q quoteLine, line, style string) match {
	if line == "" {
		return noMatch
	}
	if line == q.text || q.marked != "" && line == q.marked {
		return exact
	}
	if q.unsemi != "" && line == q.unsemi {
		return exact
	}
	if len(q.text) >= MinSubstring && len(line) > len(q.text) && strings.HasPrefix(line, q.text) || q.unsemi != "" && strings.HasPrefix(line, q.unsemi) {
		// Only a line the quote starts can be its code and a comment
		// (most lines are not: no comment to read).
		if code := stripComment(line, style); code != line && (code == q.text || q.unsemi != "" && code == q.unsemi) && len(code) >= MinSubstring {
			return wholeCode // the line's code, its comment left off
		}
	}
	best := noMatch
	if len(q.text) >= MinSubstring {
		best = partOf(q.text, line, style)
	}
	if best < substring && len(q.text) >= MinSubstring && q.marked != "" {
		best = max(best, partOf(q.marked, line, style))
	}
	if best < substring && len(q.unsemi) >= MinSubstring {
		best = max(best, partOf(q.unsemi, line, style))
	}
	if best == noMatch && q.words >= MinSimilarWords && q.words <= maxWords && nearCopy(q.text, line) {
		return similar
	}
	return best
}

// partOf is how a quote that is part of a line matches it. It is a
// substring where it stands as the line's own code: it starts and ends at
// the edges of the line's words and numbers (`n := 100` is not part of
// `n := 1000`, nor `allowed` of `disallowed`: cut there, it says another
// thing, and is no match), outside the line's comment (code a comment
// mentions is not code the change runs), and with nothing left off before
// it that turns the quoted code around (`!`, not, defer, go). A place that
// is in a comment, or that leaves off such a word, is only a near copy:
// `u.IsAdmin() {` of `if !u.IsAdmin() {` is the claim the admin check is
// there, and `f.Close()` of `defer f.Close()` the claim it runs at once.
// `await` is not among those words: models leave it off a call they quote
// for another reason (6 of the corpora's 2,416 quotes).
func partOf(quote, line, style string) match {
	best := noMatch
	read := false // the line's comments, read once a place is found
	comment, blocks := -1, [][2]int(nil)
	inComment := func(at int) bool {
		if !read {
			comment, blocks = comments(line, style)
			read = true
		}
		if comment >= 0 && at >= comment {
			return true
		}
		for _, b := range blocks {
			if at >= b[0] && at < b[1] {
				return true
			}
		}
		return false
	}
	for from := 0; ; {
		i := strings.Index(line[from:], quote)
		if i < 0 {
			return best
		}
		at := from + i
		from = at + 1
		cut := cutsWord(line, at, at+len(quote))
		if cut == cutMeaning {
			continue
		}
		if cut == cutShort || inComment(at) || turnsAround(line[:at]) {
			best = similar
			continue
		}
		return substring
	}
}

// How a part of a line cuts the line's words (cutsWord).
const (
	cutNone    = iota
	cutShort   // it ends inside a name: `sig != verification` of `verification_sig(email)`
	cutMeaning // it starts inside a word, or ends inside a number
)

// cutsWord is how line[from:to] cuts the words of the line. A part that
// stops inside a name is a model shortening a long line (a near copy); one
// that starts inside a word (`allowed` of `disallowed`) or stops inside a
// number (`n := 100` of `n := 1000`) says something the line does not.
func cutsWord(line string, from, to int) int {
	if from > 0 {
		before, _ := utf8.DecodeLastRuneInString(line[:from])
		first, _ := utf8.DecodeRuneInString(line[from:])
		switch {
		case isWord(before) && isWord(first):
			return cutMeaning
		case isWord(first) && (before == '-' || before == '.' && isDigit(first)) && from > 1 && isWordByte(line[from-2]):
			// Inside a hyphenated name (`color` of `background-color`,
			// `delete-file` of `safe-delete-file`) or a decimal (`5` of `0.5`).
			return cutMeaning
		case first == '$' && before == '$':
			return cutMeaning // `$name` of PHP's `$$name`
		case inOperator(before, first):
			return cutMeaning // inside an operator: `= "admin"` of `== "admin"`, `= x` of `:= x`
		}
	}
	if to < len(line) {
		last, _ := utf8.DecodeLastRuneInString(line[:to])
		after, _ := utf8.DecodeRuneInString(line[to:])
		switch {
		case isWord(last) && isWord(after):
			start := strings.LastIndexFunc(line[:to], func(r rune) bool { return !isWord(r) }) + 1
			if isNumeral(line[start:to]) {
				return cutMeaning
			}
			return cutShort
		case isDigit(last) && (after == '.' || after == '_') && to+1 < len(line) && isDigit(rune(line[to+1])):
			return cutMeaning // `timeout := 1` of `timeout := 1.5`, `"1.2` of `"1.2.3"`
		case last == '/' && (isWord(after) || after == '.'):
			return cutMeaning // a path cut short: `rm -rf /` of `rm -rf /tmp/build`
		case inOperator(last, after):
			return cutMeaning // inside an operator: `if role =` of `if role ==`, `i <` of `i <=`
		}
	}
	return cutNone
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// inOperator reports whether a and b, side by side, are an operator of two
// characters (`==`, `<=`, `:=`, `&&`, `->`, `<<`, `++`, `::`), which a cut
// between them turns into another. Only operators: `>` then `:` is an HTML
// tag's end before a colon, and `//` of `///` (a Rust doc comment) is the
// same comment.
func inOperator(a, b rune) bool {
	switch string([]rune{a, b}) {
	case "==", "!=", "<=", ">=", ":=", "&&", "||", "<<", ">>", "++", "--", "->", "=>", "::",
		"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "**", "<-", "??", "?.", "=~", "!~":
		return true
	}
	return false
}

// turnsAround reports whether code before a quote ends with what changes
// the meaning of the code after it.
func turnsAround(before string) bool {
	// `!(a || b)` and `not (a or b)` turn around what the parentheses
	// hold as `!a` does a.
	b := strings.TrimRight(before, " (")
	if rest, ok := strings.CutSuffix(before, "-"); ok {
		// A unary minus (`x := -delta`), not a subtraction (`a - delta`,
		// `f()-x`) nor a decrement.
		rest = strings.TrimRight(rest, " \t")
		if r, _ := utf8.DecodeLastRuneInString(rest); rest == "" || !isWord(r) && r != ')' && r != ']' && r != '-' {
			return true
		}
	}
	if rest, ok := strings.CutSuffix(b, "!"); ok && !strings.HasSuffix(rest, "!") {
		// `assert!(` and `println!(` are Rust macros, not negations.
		if r, _ := utf8.DecodeLastRuneInString(rest); rest == "" || !isWord(r) {
			return true
		}
	}
	if len(b) < len(before) { // a word ends here, followed by a space or a parenthesis
		i := strings.LastIndexFunc(b, func(r rune) bool { return !isWord(r) })
		switch b[i+1:] {
		case "not", "defer", "go":
			return true
		}
	}
	return false
}

// wordless reports whether a quote has no word but the language's
// commonest keywords and literals (`}`, `]);`, `} else {`, `return nil`,
// `Ok(())`): code found on many lines of any file, which places a finding
// near the line a model gave but shows no code it read there. Error
// handling (`if err != nil {`, `except Exception: pass`) is not among
// them: such a line is often the bug itself.
func wordless(quote []quoteLine) bool {
	for _, q := range quote {
		if q.ellipsis {
			continue
		}
		bare := true
		eachWord(q.text, func(w string) bool {
			bare = bareWords[w]
			return bare
		})
		if !bare {
			return false
		}
	}
	return true
}

// bareWords are the keywords and literals that alone make a line found
// on many lines of a file.
var bareWords = map[string]bool{
	"return": true, "else": true, "break": true, "continue": true, "pass": true, "end": true, "do": true,
	"done": true, "then": true, "fi": true, "esac": true, "try": true, "finally": true, "default": true,
	"nil": true, "null": true, "None": true, "true": true, "false": true, "True": true, "False": true,
	"undefined": true, "self": true, "this": true,
	// Rust's plumbing: `Ok(())` ends many functions.
	"Ok": true, "Err": true, "Some": true,
}

// semicolonless is a quote line without the ";" that ends it, for a model
// that ends every statement with one (Go and Python lines have none, and
// a JS line may not): the statement is the same. It is "" when the line
// has no ";" to drop, and for a control statement's head: `if (x);` is
// the empty-statement bug, not `if (x)`.
func semicolonless(n string) string {
	t, ok := strings.CutSuffix(n, ";")
	t = strings.TrimRight(t, " ")
	if !ok || t == "" || strings.HasSuffix(t, ";") {
		return ""
	}
	head, _, _ := strings.Cut(t, " ")
	head, _, _ = strings.Cut(head, "(")
	switch head {
	case "if", "for", "while", "else", "do", "switch", "with", "foreach", "elseif", "elif", "using", "lock":
		return ""
	}
	return t
}

// nearCopy is rule 3: a quote close enough to the line in words, that keeps
// its meaning. A line past maxWords words is never one: its words past the
// cap would go unread.
func nearCopy(quote, line string) bool {
	wl := words(line)
	if len(wl) > maxWords {
		return false
	}
	return similarity(words(quote), wl) >= SimilarThreshold && sameMeaning(quote, line)
}

// isNumeral: a word that is a number literal (digits, maybe a type suffix
// or hex digits after the first digit: 1, 0x1f, 10u).
func isNumeral(w string) bool { return w != "" && w[0] >= '0' && w[0] <= '9' }

const (
	noMatch match = iota
	similar
	substring
	// wholeCode: the quote is all of the line's code, its comment left
	// off; as good a reading of the line as exact.
	wholeCode
	exact
)
