package anchor

import (
	"path"
	"strings"
)

// A model often quotes a line with a comment of its own ("// too short",
// "# BUG") or with the line's comment left off. Comments are not code, so
// a quote whose code matches a line's code is that line's quote whatever
// either comment says. Only the language's own line comments are read
// (Python's // is floor division, Go has no #), and only outside strings.

// wordHash is the style of languages whose # starts a comment only at
// the start of a word (shells, Perl, YAML, TOML, Terraform, make).
const wordHash = " #"

// commentStyle is how a file's language starts a line comment: "//", "#",
// wordHash, "//#" (both, as PHP), or "" when quorum does not know.
func commentStyle(file string) string {
	switch strings.ToLower(path.Ext(file)) {
	case ".go", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".java", ".kt", ".kts", ".scala", ".swift",
		".c", ".h", ".cc", ".cpp", ".hpp", ".cs", ".rs", ".dart":
		return "//"
	case ".py", ".rb", ".r":
		return "#"
	case ".sh", ".bash", ".zsh", ".yaml", ".yml", ".toml", ".pl", ".pm", ".tf", ".mk":
		return wordHash
	case ".php":
		return "//#"
	}
	return ""
}

// stripComment is s without its trailing line comment in style (see
// commentStyle), trimmed; s itself when it has none or style is "".
func stripComment(s, style string) string {
	if i := commentStart(s, style); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

// commentStart is where s's line comment in style starts, or -1. A
// comment opener inside a string literal ("http://", "#fff") is not one,
// nor, in "#!"-style languages (shells, Perl, YAML, ...), a # inside a
// word: `${#items[@]}` and `$#args` are code there.
func commentStart(s, style string) int {
	if style == "" {
		return -1
	}
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '/' && i+1 < len(s) && s[i+1] == '/' && strings.Contains(style, "//"):
			return i
		case c == '#' && strings.Contains(style, "#"):
			if style == wordHash && i > 0 && s[i-1] != ' ' && s[i-1] != '\t' {
				continue
			}
			return i
		}
	}
	return -1
}

// codeMatch is the comment rule: the quote line carries a comment (its own
// or the line's), and its code, at least MinSubstring bytes, is the line's
// code or a part of it. A substring match: the code is the diff's.
func codeMatch(q quoteLine, line, style string) match {
	code := stripComment(q.text, style)
	if code == q.text || len(code) < MinSubstring {
		return noMatch // no comment to drop: the other rules decided
	}
	lineCode := stripComment(line, style)
	if lineCode == code {
		return substring
	}
	// Part of the line's code, as rule 2 reads a part (partOf): whole
	// words, nothing that turns it around left off.
	return partOf(code, lineCode, "")
}
