package dismiss

import (
	"path"
	"strings"
)

// This file decides whether an inline quorum:ignore is a comment (the
// author dismissing a finding) or text inside a string literal (data the
// program uses: "... -- quorum:ignore" in a query). A string can span
// lines (a Go raw string, a JS/TS template literal, a Python triple-quoted
// string), so a line is read from the state the hunk's lines above it
// leave: a marker on a line that opens inside such a string is data.
//
// quorum sees only the diff, so a hunk is read from its first line as if
// that line began outside any string: a string opened above the hunk (more
// than git's 3 context lines above the change) is not seen. Within the
// three languages, only that language's own comment openers count, which
// narrows that case: "-- quorum:ignore" or "# quorum:ignore" in a Go or JS
// file can only be inside a string, so it never dismisses.

// syntax is the lexical rules a file is read with.
type syntax int

const (
	// anySyntax: a language quorum does not lex. Strings end at the end of
	// their line and every common comment opener counts (#, //, /*, --,
	// <!--), as they always did.
	anySyntax syntax = iota
	goSyntax
	jsSyntax // JavaScript and TypeScript
	pySyntax
)

// syntaxOf is the syntax of a file by its extension.
func syntaxOf(file string) syntax {
	switch strings.ToLower(path.Ext(file)) {
	case ".go":
		return goSyntax
	case ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts":
		return jsSyntax
	case ".py", ".pyi", ".pyw":
		return pySyntax
	}
	return anySyntax
}

// lexState is what a line opens inside: the multi-line strings and block
// comments still open at the end of the lines above it, innermost last
// (empty: code). A JS template literal's ${...} is code again, so frames
// nest: "`", "${", "`" is a template inside a substitution of a template.
type lexState []lexFrame

type lexFrame struct {
	// open is the frame's opener: "`" (a Go raw string or a JS template
	// literal), `"""` or "'''" (Python), "/*" (a block comment) or "${"
	// (code inside a template literal).
	open string
	// braces counts the unclosed { inside a "${" frame: its } closes it
	// only at zero.
	braces int
}

// maxLexDepth bounds how many strings and substitutions nest: real code
// nests a few; a file nesting thousands of "`${" (crafted, or generated)
// would otherwise cost its depth on every later line (scan copies the
// state). Deeper frames are not tracked: such a line's marker is read as
// the frames it can hold say.
const maxLexDepth = 32

// push opens frame f, unless maxLexDepth frames are open.
func (s lexState) push(f lexFrame) lexState {
	if len(s) >= maxLexDepth {
		return s
	}
	return append(s, f)
}

func (s lexState) top() string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1].open
}

// where a byte of a line is.
type where int

const (
	inCode where = iota
	inString
	inComment
)

// scan reads line from state st by syn's rules and returns the state the
// line leaves, and where byte at of it is (at < 0: no byte asked about).
func scan(syn syntax, st lexState, line string, at int) (lexState, where) {
	st = append(lexState(nil), st...)
	var quote byte // the quote of a one-line string being read
	for i := 0; i < len(line); i++ {
		top := st.top()
		if at >= 0 && i >= at {
			switch {
			case quote != 0, top == "`", top == `"""`, top == "'''":
				return st, inString
			case top == "/*":
				return st, inComment
			}
			return st, inCode
		}
		c, rest := line[i], line[i:]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case top == "/*":
			if strings.HasPrefix(rest, "*/") {
				st = st[:len(st)-1]
				i++
			}
		case top == "`":
			switch {
			case syn == jsSyntax && c == '\\': // Go raw strings have no escapes
				i++
			case c == '`':
				st = st[:len(st)-1]
			case syn == jsSyntax && strings.HasPrefix(rest, "${"):
				st = st.push(lexFrame{open: "${"})
				i++
			}
		case top == `"""` || top == "'''":
			if c == '\\' {
				i++
			} else if strings.HasPrefix(rest, top) {
				st = st[:len(st)-1]
				i += 2
			}
		default: // code, at the top level or inside a ${...}
			if opensComment(syn, rest) {
				if syn == anySyntax || !strings.HasPrefix(rest, "/*") {
					// The rest of the line is a comment.
					if at > i {
						return st, inComment
					}
					return st, inCode
				}
				st = st.push(lexFrame{open: "/*"})
				i++
				continue
			}
			switch {
			case syn == pySyntax && (strings.HasPrefix(rest, `"""`) || strings.HasPrefix(rest, "'''")):
				st = st.push(lexFrame{open: rest[:3]})
				i += 2
			case c == '`' && (syn == goSyntax || syn == jsSyntax):
				st = st.push(lexFrame{open: "`"})
			case c == '"' || c == '\'' || c == '`':
				quote = c
			case top == "${" && c == '{':
				st[len(st)-1].braces++
			case top == "${" && c == '}':
				if st[len(st)-1].braces == 0 {
					st = st[:len(st)-1]
				} else {
					st[len(st)-1].braces--
				}
			}
		}
	}
	// A one-line string does not run past its line: an unclosed quote is a
	// typo or an apostrophe in text, not a string of the next line.
	return st, inCode
}

// opensComment reports whether code at rest starts a comment in syn: the
// language's own openers, or for a language quorum does not lex every
// common one.
func opensComment(syn syntax, rest string) bool {
	switch syn {
	case goSyntax, jsSyntax:
		return strings.HasPrefix(rest, "//") || strings.HasPrefix(rest, "/*")
	case pySyntax:
		return rest[0] == '#'
	}
	return rest[0] == '#' || strings.HasPrefix(rest, "//") || strings.HasPrefix(rest, "/*") ||
		strings.HasPrefix(rest, "--") || strings.HasPrefix(rest, "<!--")
}

// markerInComment reports whether a line's first quorum:ignore is inside
// a comment, reading the line from state st (what the hunk's lines above
// it left open) by syn's rules. A marker in a string, one-line or
// multi-line, is data the program uses, not the author dismissing a
// finding.
func markerInComment(syn syntax, st lexState, line string) bool {
	at := strings.Index(line, Marker)
	if at < 0 {
		return false
	}
	// A line that continues a block comment whose /* is above the hunk
	// ("* quorum:ignore" in a doc comment). Python has no block comments,
	// and a line that opens inside a string is that string's text.
	_, w := scan(syn, st, line, at)
	if t := strings.TrimSpace(line); w != inString && syn != pySyntax && len(st) == 0 &&
		(t == "*" || strings.HasPrefix(t, "* ") || strings.HasPrefix(t, "*\t") || strings.HasPrefix(t, "*"+Marker)) {
		// Written as a comment's continuation is ("* text"): "*p = x" is
		// code, and a marker the line's own quotes enclose is a string's.
		return true
	}
	return w == inComment
}
