package anchor

import (
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// Models re-flow the code they quote: a statement the file wraps over two
// lines is quoted on one (`db.Query("..." + name)` of `db.Query("..." +` and
// `name)`), a long line is quoted broken in two. The code is the same; only
// its layout differs, so a quote that matches no line as written (or only
// as a near copy) is read once more with the layout left out
// (findReflowed): the quote and each hunk's lines of one side (the file as
// it now reads, or as it read) are compared as one flow of code (flowed,
// joinFlow), each line's comments left out (a /* */ comment over several
// lines too). Only what cannot change a token goes: whitespace next to a
// bracket, comma or semicolon (`f( a,\n b )` reads `f(a,b)`); elsewhere a
// run of whitespace is one space (`a - -b` is no `a--b`, `i + ++j` no `i++
// + j`), and inside a string literal it is kept as it is (`"Bearer "` is no
// `"Bearer"`). Two lines of the diff join only where the first plainly
// goes on (it ends with an open bracket, a comma, an operator, `;`, `{` or
// `}`, or the next starts with a closing bracket or a `.`): `return` then
// `value` are two statements in Python and JavaScript, and `total = price`
// then `-discount` two in Python. Inside an open bracket a line break ends
// nothing, and where statements end with `;` (Java, C#, JS) a next line
// that starts with a binary operator goes on too. A match must be at least MinSubstring
// bytes, start and end at the edges of the code's words as a part of a
// line must (cutsWord), and stay within one hunk and one side: a deleted
// line and the added line that replaced it are never one statement. It is a
// quote of every line it covers; one that stops inside a name or leaves off
// what turns the code around (`!`) is a near copy.

// joinFlow joins flowed lines of code as one flow: with nothing where one
// side of the join is tight, else one space; where apart says the two are
// separate statements (diff lines: goesOn), with a line break no quote's
// flow holds, so no match runs across it. It returns where each line
// starts.
func joinFlow(lines []string, apart func(prev, next string) bool) (string, []int) {
	var b strings.Builder
	starts := make([]int, 0, len(lines))
	for i, l := range lines {
		if i > 0 {
			prev := lines[i-1]
			last, _ := utf8.DecodeLastRuneInString(prev)
			first, _ := utf8.DecodeRuneInString(l)
			switch {
			case apart != nil && apart(prev, l):
				b.WriteByte('\n')
			case !tight(last) && !tight(first) && first != '.':
				// A chain's next call (`.map(f)`) is written against it.
				b.WriteByte(' ')
			}
		}
		starts = append(starts, b.Len())
		b.WriteString(l)
	}
	return b.String(), starts
}

// goesOn reports whether code line prev plainly goes on in next: it ends
// with an open bracket, a comma, an operator, a `;`, `{` or `}`, or next
// starts with a closing bracket or a `.` (a method chain). Otherwise a
// line break may end a statement (Python, Go, JavaScript's automatic
// semicolons, Ruby, shell).
func goesOn(prev, next string, lineBreaks bool) bool {
	last, _ := utf8.DecodeLastRuneInString(prev)
	first, _ := utf8.DecodeRuneInString(next)
	if i := strings.LastIndexFunc(prev, func(r rune) bool { return !isWord(r) }); isWord(last) {
		switch prev[i+1:] {
		case "return", "break", "continue", "throw", "yield":
			return false // JavaScript ends the statement there, whatever follows
		}
	}
	if strings.ContainsRune("([{,;}+-*/%&|^<>=!?:.\\~", last) || strings.ContainsRune(")]}.", first) {
		return true
	}
	// Java, C#, C, JS and the like wrap before a binary operator (`&&
	// user.isAdmin()`, `? admin() : guest()`); where a line break ends a
	// statement (Python, Go, Ruby, shell) such a line is another one.
	return !lineBreaks && strings.ContainsRune("&|?:+-*/%<>=^", first)
}

// newlineEnds reports whether a line break may end a statement in path's
// language even after a complete expression (Python, Go, Ruby, shell,
// Kotlin, Swift, Scala), so that a next line starting with an operator is
// no continuation (`total = price` then `-discount`).
func newlineEnds(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".py", ".pyi", ".go", ".rb", ".sh", ".bash", ".zsh", ".kt", ".kts", ".swift", ".scala", ".lua", ".r", ".jl", ".ex", ".exs":
		return true
	}
	return false
}

// bracketBalance is the brackets line code opens less those it closes,
// outside its string literals (flowed keeps them whole).
func bracketBalance(code string) int {
	n := 0
	var quote byte
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case quote != 0 && c == '\\':
			i++
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '(' || c == '[' || c == '{':
			n++
		case c == ')' || c == ']' || c == '}':
			n--
		}
	}
	return n
}

// codeOnly is line s without its comments in style: its line comment and
// its /* */ spans (each read as a space).
func codeOnly(s, style string) string {
	at, blocks := comments(s, style)
	if at >= 0 {
		s = s[:at]
	}
	for i := len(blocks) - 1; i >= 0; i-- {
		b := blocks[i]
		if b[0] >= len(s) {
			continue
		}
		s = s[:b[0]] + " " + s[min(b[1], len(s)):]
	}
	return s
}

// flow is one hunk's code on one side as a single flowed text, and where
// each of its lines starts in it.
type flow struct {
	text   string
	starts []int // offset in text of each line in lines
	lines  []int // diff line indexes (fileIndex.lines) of the code lines read
}

// lineAt is the diff line index of the line holding text offset at.
func (f flow) lineAt(at int) int {
	// The last line starting at or before at; starts ascend (a search:
	// a quote found at every line of a long file asks for each).
	i := sort.Search(len(f.starts), func(k int) bool { return f.starts[k] > at }) - 1
	return f.lines[max(i, 0)]
}

// flows builds the flowed text of every hunk on side s, once per file.
func (fi *fileIndex) flows(s side) []flow {
	return fi.flowed.Get(s, func() []flow { return fi.readFlows(s) })
}

// readFlows is flows without the memo.
func (fi *fileIndex) readFlows(s side) []flow {
	var out []flow
	for i := 0; i < len(fi.lines); {
		hunk := fi.lines[i].hunk
		var f flow
		var codes []string
		inBlock := false // inside a /* */ comment opened on a line above
		for ; i < len(fi.lines) && fi.lines[i].hunk == hunk; i++ {
			l := fi.lines[i]
			if s.skips(l.kind) {
				continue
			}
			text := l.norm
			if inBlock {
				end := strings.Index(text, "*/")
				if end < 0 {
					continue // all comment
				}
				text, inBlock = text[end+2:], false
			}
			inBlock = opensBlockComment(text, fi.comment)
			code := flowed(codeOnly(text, fi.comment))
			if code == "" {
				continue
			}
			codes = append(codes, code)
			f.lines = append(f.lines, i)
		}
		depth := 0 // brackets open before each line: inside them a line break ends nothing
		depths := make([]int, len(codes))
		for k, c := range codes {
			depths[k] = depth
			depth = max(0, depth+bracketBalance(c))
		}
		k := 0
		lineBreaks := newlineEnds(fi.path)
		f.text, f.starts = joinFlow(codes, func(prev, next string) bool {
			k++
			return depths[k] == 0 && !goesOn(prev, next, lineBreaks)
		})
		if len(f.lines) > 0 {
			out = append(out, f)
		}
	}
	return out
}

// opensBlockComment reports whether line s, in a language of C-like
// comments, leaves a /* comment open at its end.
func opensBlockComment(s, style string) bool {
	_, blocks := comments(s, style)
	if n := len(blocks); n > 0 {
		// comments ends an unclosed comment's span at the line's end; a
		// closed one that ends there ends with "*/" after its "/*".
		b := blocks[n-1]
		closed := b[1]-b[0] >= 4 && strings.HasSuffix(s[b[0]:b[1]], "*/")
		return b[1] == len(s) && !closed
	}
	return false
}

// findReflowed locates a quote whose code is in the diff laid out on other
// lines (see flowed), the best match ranked as find ranks (rank.better),
// the new side's before the old's at a tie.
func (fi *fileIndex) findReflowed(quote []quoteLine, hint int) located {
	parts := make([]string, 0, len(quote))
	for _, q := range quote {
		if q.ellipsis {
			return located{} // lines left out: no one flow of code
		}
		if code := flowed(codeOnly(q.text, fi.comment)); code != "" {
			parts = append(parts, code)
		}
	}
	// The model's own line breaks are layout: they may fall anywhere.
	want, _ := joinFlow(parts, nil)
	wants := []string{want}
	if t, ok := strings.CutSuffix(want, ";"); ok && semicolonless(want) != "" {
		wants = append(wants, t) // a model ends the statement with ";"
	}
	var best rank
	var loc located
	for _, s := range []side{newSide, oldSide} {
		for _, f := range fi.flows(s) {
			for _, w := range wants {
				if len(w) < MinSubstring {
					continue
				}
				for off := 0; ; {
					at := strings.Index(f.text[off:], w)
					if at < 0 {
						break
					}
					from, to := off+at, off+at+len(w)
					off = from + 1
					first, last := f.lineAt(from), f.lineAt(to-1)
					cut := cutsWord(f.text, from, to)
					if cut == cutMeaning {
						continue
					}
					// Ranked as find ranks a match: the code itself, or a
					// near copy where it stops inside a name or leaves off
					// what turns it around.
					worst := exact
					if cut == cutShort || turnsAround(f.text[:from]) {
						worst = similar
					}
					r := fi.rankAt(first, worst, true, hint)
					if !loc.ok || r.better(best) {
						best = r
						loc = fi.locate(first, last, s, fi.kindOf(first, last), r.worst == similar, true)
					}
				}
			}
		}
	}
	return loc
}
