package anchor

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/quorum-review/quorum/diff"
)

// A quote is evidence: the finding is about code the reviewer says is in the
// diff, so the quote must be found there. These are the rules, in order; a
// quote line matches a diff line when, after Normalize (whitespace runs to
// one space, trimmed, a leading "+ " or "- " diff marker dropped; a line whose
// own code starts with one also matches with it kept):
//
//  1. the two are equal;
//  2. the quote is a substring of the line and at least MinSubstring bytes
//     long (models shorten long lines); for rules 1 and 2, a ";" that ends
//     a quote line may be left off (models end statements with one), but
//     not after a control statement's head (`if (x);`); a part that leaves
//     off what turns the code around (`!`, not, defer, go before it) is
//     only a near copy (partOf);
//  3. the quote has at least MinSimilarWords words, its Similarity to the
//     line is at least SimilarThreshold (a model misspelling one identifier
//     of a long line), and the quote keeps the line's meaning where it
//     covers the line (sameMeaning: the same numbers, operators, literal
//     values and called functions in the same order, and at most one word
//     changed, to a word new to the line: `len(xs)` is not `len(xs)-1`,
//     `i < n` is not `i <= n`, `return nil` is not `return err`, `min(a,
//     b)` is not `max(a, b)`, `f(b, a)` is not `f(a, b)`). Neither may be
//     longer than maxWords words or maxTokens tokens: a long line is
//     matched whole or in part, never compared up to a cap.
//
// A quote line that fails rules 1 and 2 as written is tried with its line
// comment and the diff line's left out (comment.go): the code matching is
// rule 2, and outranks a near copy.
//
// A multi-line quote must match consecutive non-blank lines, line by line,
// each by the rules above, of one of three readings of a hunk: the diff as
// shown, the new side (the file as it now reads: deleted lines skipped) or
// the old side (as it read: added lines skipped); the best match wins.
// Unchanged lines that were adjacent only on the old side (code inserted
// between them) anchor to those unchanged lines up to the insertion. The
// lines must be of one hunk: two hunks are not adjacent in the file, and the
// lines between them were never shown to the reviewer. A quote line that is
// only an ellipsis ("...", "…", "// ...") stands for up to maxEllipsisGap
// skipped lines of the same hunk. A quote that matches nowhere as written is
// tried again without the prompt's line-number prefixes ("12+code"), then
// with one leading + or - dropped from each line whatever follows ("-}", as
// the prompt shows a deleted line). Anything else is "quote not in the
// diff", whatever the finding's line says.
const (
	MinSubstring     = 8
	MinSimilarWords  = 4
	SimilarThreshold = 0.8
	maxEllipsisGap   = 40
	// maxWords bounds the words compared per line, so a minified line costs
	// a bounded amount of work; a line with more is read to maxWords+1,
	// which tells it is longer, and is never a near copy.
	maxWords = 64
	// maxQuoteLines is how many lines of a quote are matched (find).
	maxQuoteLines = 40
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

// match is how well one quote line matches one diff line.
type match int

const (
	noMatch match = iota
	similar
	substring
	// wholeCode: the quote is all of the line's code, its comment left
	// off; as good a reading of the line as exact.
	wholeCode
	exact
)

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
		if t, ok := strings.CutSuffix(s, e); ok && len(strings.TrimSpace(t)) >= MinSubstring {
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
		}
	}
	return cutNone
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

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

// side is the reading of a hunk a quote is matched against.
type side int

const (
	bothSides side = iota // the diff as shown, deleted and added lines both
	newSide               // the file as it now reads: deleted lines skipped
	oldSide               // the file as it read: added lines skipped
)

var sides = [...]side{bothSides, newSide, oldSide}

// skips reports whether the side leaves out lines of kind k.
func (s side) skips(k diff.LineKind) bool {
	return s == newSide && k == diff.Deleted || s == oldSide && k == diff.Added
}

// find locates the quote in the file's diff lines, among the matches
// accept takes (nil: all); the best wins by rank.better: markers that fit
// their lines, a whole or part match over a near copy, the line the
// finding names, a match within rankWindow lines of it, a whole line over a
// part of one, the nearest, an added line over context over deleted (by
// the first matched line), exact over all of a line's code, then the first
// found (the diff as shown before the new side before the old). The kind
// of line never trades the unchanged line a model names for an added line
// with the same text elsewhere (which would turn a finding on untouched
// code into one on the change, and flip the gate).
func (fi *fileIndex) find(quote []quoteLine, hint int, accept func(located) bool) located {
	full := quote
	if len(quote) > maxQuoteLines {
		// A quote this long is a model repeating itself: its first lines
		// place it (reading every line against every start of a large diff
		// would cost minutes), and the rest must then follow from there.
		quote = quote[:maxQuoteLines]
		for len(quote) > 0 && quote[len(quote)-1].ellipsis {
			quote = quote[:len(quote)-1]
		}
	}
	var memo map[memoKey]match
	if len(quote) > 1 {
		// A one-line quote reads each diff line once anyway.
		memo = map[memoKey]match{}
	}
	var best rank
	found := false
	var bestSide side
	var first, last int
	var kind diff.LineKind
	// A one-line quote reads the same on every side.
	try := sides[:1]
	if len(quote) > 1 {
		try = sides[:]
	}
	// Lines equal to the quote's first line are tried first; unless one of
	// them starts a match nothing can beat (an exact one of an added line at
	// the model's line), every line is scanned: a whole match elsewhere (its
	// first line carrying a comment the quote left off) is stronger
	// evidence than a near copy here, and a part of the line the model
	// named is nearer than an exact copy elsewhere.
	commented := stripComment(quote[0].text, fi.comment) != quote[0].text
	tryAt := func(i int) {
		for _, s := range try {
			end, worst, fits, touched := fi.matchAt(i, quote, s, memo)
			if worst == noMatch || accept != nil && !accept(located{first: i, last: end, fits: fits, ok: true}) {
				continue
			}
			r := fi.rankAt(i, worst, fits, hint)
			r.commented = commented
			if !found || r.better(best) {
				first, last, kind, best, bestSide, found = i, end, touched, r, s, true
			}
		}
	}
	for _, i := range fi.byNorm[quote[0].text] {
		tryAt(i)
	}
	if quote[0].marked != "" {
		for _, i := range fi.byNorm[quote[0].marked] {
			tryAt(i)
		}
	}
	if !found || !best.unbeatable() {
		for i := range fi.lines {
			tryAt(i)
		}
	}
	if !found {
		return located{}
	}
	if len(full) > len(quote) {
		// Every line of the quote is code of the diff, not the first 40.
		end, worst, fits, touched := fi.matchAt(first, full, bestSide, memo)
		if worst == noMatch {
			return located{}
		}
		last, kind, best.worst, best.fits = end, touched, min(best.worst, worst), best.fits && fits
	}
	return fi.locate(first, last, bestSide, kind, best.worst == similar, best.fits)
}

// locate is a match of lines first..last of side s, touched as kind says
// (matchAt, kindOf): with the old side's readings applied. Unchanged lines
// that stood together before the change, now apart, are a finding on the
// unchanged lines up to the insertion (code the change inserted between
// them is not what the reviewer quoted, nor where it found the issue); code
// as it read, deleted lines and unchanged ones after them, is deleted code,
// not the added lines the old side steps over.
func (fi *fileIndex) locate(first, last int, s side, kind diff.LineKind, near, fits bool) located {
	if s == oldSide && fi.readsOnly(first, last, oldSide, diff.Context) {
		return located{first: first, last: fi.beforeInsertion(first, last), kind: diff.Context, near: near, fits: fits, ok: true}
	}
	if s == oldSide && fi.readsAny(first, last, oldSide, diff.Deleted) {
		kind = diff.Deleted
	}
	return located{first: first, last: last, kind: kind, deleted: fi.deletedOnly(first, last, s), near: near, fits: fits, ok: true}
}

// beforeInsertion is the last line of first..last before the first added
// line in it (blank lines left off): where a quote of unchanged lines that
// stood together before the change ends, now that code sits between them.
func (fi *fileIndex) beforeInsertion(first, last int) int {
	for k := first; k <= last; k++ {
		if fi.lines[k].kind == diff.Added {
			last = k - 1
			break
		}
	}
	for last > first && fi.lines[last].norm == "" {
		last--
	}
	return last
}

// located is where find found a quote: the first and last matched diff
// line indexes, how the change touched the lines the quote matched
// (kind), whether every line the match read is a deleted one, whether a
// line matched only as a near copy, and whether each quote line's marker
// fits its line; ok is false when the quote is not in the file's diff.
type located struct {
	first, last             int
	kind                    diff.LineKind
	deleted, near, fits, ok bool
}

// readsAny reports whether a non-blank line side s reads in first..last
// is of kind k.
func (fi *fileIndex) readsAny(first, last int, s side, k diff.LineKind) bool {
	for _, l := range fi.lines[first : last+1] {
		if l.norm != "" && !s.skips(l.kind) && l.kind == k {
			return true
		}
	}
	return false
}

// readsOnly reports whether every non-blank line side s reads in
// first..last is of kind k.
func (fi *fileIndex) readsOnly(first, last int, s side, k diff.LineKind) bool {
	for _, l := range fi.lines[first : last+1] {
		if l.norm != "" && !s.skips(l.kind) && l.kind != k {
			return false
		}
	}
	return true
}

// rank is how good one match of a quote is (find).
type rank struct {
	fits  bool  // every quote line's marker fits its line
	named bool  // at the line the finding names
	worst match // the weakest line match
	dist  int   // lines from the finding's line (0 without one)
	kind  int   // of the first matched line: 2 added, 1 context, 0 deleted
	// commented: the quote's first line carries a comment of its own,
	// which an exact match holds and a match of the code alone does not.
	commented bool
}

// unbeatable reports whether no match can beat r (rank.better): an exact
// match of added lines at the model's line, markers fitting.
func (r rank) unbeatable() bool {
	return r.fits && r.worst == exact && r.dist == 0 && r.kind == 2
}

// rankAt ranks a match that starts at diff line i: how well it matched
// (worst), whether its markers fit, the line's kind, and its distance from
// the line the finding names (hint, 0 for none).
func (fi *fileIndex) rankAt(i int, worst match, fits bool, hint int) rank {
	r := rank{fits: fits, worst: worst}
	switch fi.lines[i].kind {
	case diff.Added:
		r.kind = 2
	case diff.Context:
		r.kind = 1
	}
	if hint > 0 {
		r.dist = abs(fi.lines[i].new - hint)
		// A deleted line has no number of its own on the new side (it
		// sits at the line after it): the number names it only for the
		// whole of it, not a part.
		r.named = r.dist == 0 && (fi.lines[i].kind != diff.Deleted || worst >= wholeCode)
	}
	return r
}

// better reports whether r beats o.
func (r rank) better(o rank) bool {
	switch {
	case r.fits != o.fits:
		// The side a quote line's marker names ("-}": a deleted brace)
		// outranks everything else; a marker that fits no line (a
		// model's bullet) still lets the text match.
		return r.fits
	case (r.worst == similar) != (o.worst == similar):
		// A whole match, or a part of a line, beats a near copy anywhere.
		return r.worst > o.worst
	case r.named != o.named:
		// A part of the line the model named (its comment left off) is
		// its code as much as an exact copy elsewhere is: an unchanged
		// `safeExec(input)` 30 lines off must not take a finding away
		// from the added `safeExec(input) // run it` it was about.
		return r.named
	case (r.dist <= rankWindow) != (o.dist <= rankWindow):
		// Nor from a line one or two off, as models' line numbers often
		// are: a whole line beats a part of one only nearby.
		return r.dist <= rankWindow
	case (r.worst >= wholeCode) != (o.worst >= wholeCode):
		// Elsewhere, and at the named line itself, a whole line (or all
		// its code) over a part of another: the added `db.Exec(query)`
		// two lines off, not a part of an unchanged line one line off;
		// `return -1` is the deleted line, not a part of the `return -1,
		// blocks` that replaced it.
		return r.worst >= wholeCode
	case r.dist != o.dist:
		return r.dist < o.dist
	case r.commented && (r.worst == exact) != (o.worst == exact):
		// A quote with its comment is the line that has that comment:
		// the deleted `f() // old` a rewrite replaced with `f() // new`,
		// not the new line whose code alone it shares.
		return r.worst == exact
	case r.kind != o.kind:
		// A line rewritten only to add a comment: its new line.
		return r.kind > o.kind
	}
	return r.worst > o.worst
}

// deletedOnly reports whether every non-blank line of a match that its side
// reads is a deleted one: code found only on deleted lines. A match on the
// new side never is.
func (fi *fileIndex) deletedOnly(first, last int, s side) bool {
	return s != newSide && fi.readsOnly(first, last, s, diff.Deleted)
}

// matchAt matches the quote against the lines of side s from diff line i
// on. It returns the index of the last diff line matched, the weakest line
// match (noMatch when the quote does not match there), whether each quote
// line's marker fits its line, and how the change touched the lines the
// quote read (fileIndex.kindOf over them): the matched lines and the lines
// between two consecutive ones (a deleted line a new-side quote steps over
// was touched there), never the lines an ellipsis stands for, which the
// reviewer did not quote.
func (fi *fileIndex) matchAt(i int, quote []quoteLine, s side, memo map[memoKey]match) (end int, worst match, fits bool, touched diff.LineKind) {
	if s.skips(fi.lines[i].kind) {
		return 0, noMatch, false, "" // a match starts on a line of its side
	}
	worst, fits, touched = exact, true, diff.Context
	j, q := i, 0
	last, from := i, i // from: the first line the next match accounts for
	for q < len(quote) {
		ql := quote[q]
		if ql.ellipsis {
			// Find the next quote line within the gap; its own match decides.
			next := quote[q+1]
			found := false
			// Within the hunk of the line before the gap: the lines between
			// two hunks were never shown, so they are no gap to skip.
			for k := j; k < len(fi.lines) && k <= j+maxEllipsisGap && fi.lines[k].hunk == fi.lines[last].hunk; k++ {
				if s.skips(fi.lines[k].kind) {
					continue
				}
				if m := matchLine(next, fi.lines[k].norm, fi.comment); m != noMatch {
					j, found = k, true
					break
				}
			}
			if !found {
				return 0, noMatch, false, ""
			}
			from = j
			q++
			continue
		}
		for j < len(fi.lines) && q > 0 && (fi.lines[j].norm == "" || s.skips(fi.lines[j].kind)) {
			j++ // blank lines, and lines of the other side, are skipped
		}
		if j >= len(fi.lines) || q > 0 && fi.lines[j].hunk != fi.lines[last].hunk {
			// The next line of another hunk is not the next line of
			// the file: a quote does not run from one hunk into the next.
			return 0, noMatch, false, ""
		}
		key := memoKey{q, fi.lines[j].norm}
		m, ok := memo[key]
		if !ok {
			m = matchLine(ql, fi.lines[j].norm, fi.comment)
			if m < substring {
				// The code itself, comments aside, outranks a near copy.
				m = max(m, codeMatch(ql, fi.lines[j].norm, fi.comment))
			}
			if memo != nil {
				memo[key] = m
			}
		}
		if m == noMatch {
			return 0, noMatch, false, ""
		}
		fits = fits && ql.kindFits(fi.lines[j].kind, fi.lines[j].norm)
		worst = min(worst, m)
		touched = stronger(touched, fi.kindOf(from, j))
		last = j
		j++
		from = j
		q++
	}
	return last, worst, fits, touched
}

// rankWindow is how far from the finding's line a whole-line match may
// beat a nearer part of a line (rank.better): models' line numbers are
// often one to five lines off, seldom more.
const rankWindow = 5

// memoKey is one quote line (its index) against one diff line's text: a
// file of many equal lines (generated code, a table) is matched once per
// distinct line, not once per start.
type memoKey struct {
	q    int
	line string
}

// stronger is the kind kindOf gives lines of kinds a and b together.
func stronger(a, b diff.LineKind) diff.LineKind {
	switch {
	case a == diff.Added || b == diff.Added:
		return diff.Added
	case a == diff.Deleted || b == diff.Deleted:
		return diff.Deleted
	}
	return diff.Context
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
