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
// the start of a word (shells, where `;#` starts one too, Perl, YAML).
const wordHash = " #"

// commentStyle is how a file's language starts a line comment: "//", "#",
// wordHash, "//#" (both, as PHP), or "" when quorum does not know.
func commentStyle(file string) string {
	switch strings.ToLower(path.Ext(file)) {
	case ".go", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".java", ".kt", ".kts", ".scala", ".swift",
		".c", ".h", ".cc", ".cpp", ".hpp", ".cs", ".rs", ".dart":
		return "//"
	case ".py", ".rb", ".r", ".toml", ".tf", ".mk":
		return "#"
	case ".sh", ".bash", ".zsh", ".yaml", ".yml", ".pl", ".pm":
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

// commentStart is where s's line comment in style starts, or -1 (see
// comments).
func commentStart(s, style string) int {
	at, _ := comments(s, style)
	return at
}

// comments reads s's comments in style: where its line comment starts
// (-1: none), and the spans of its /* ... */ comments in C-like languages.
// A comment opener inside a string literal ("http://", "#fff") is not one,
// nor, in "#"-at-a-word languages (shells, Perl, YAML), a # inside a word
// (`${#items[@]}`, `$#args`), nor PHP's attribute `#[Route(...)]`. A Rust
// lifetime (`&'a str`, `<'a>`) opens no character literal.
func comments(s, style string) (line int, blocks [][2]int) {
	if style == "" {
		return -1, nil
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
		case c == '\'' && i > 0 && (s[i-1] == '&' || s[i-1] == '<') && strings.Contains(style, "//") &&
			i+2 < len(s) && s[i+1] != '\\' && s[i+2] != '\'':
			// A lifetime (`&'a str`), not a character (`c<'0'`).
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '/' && i+1 < len(s) && s[i+1] == '/' && strings.Contains(style, "//"):
			return i, blocks
		case c == '/' && i+1 < len(s) && s[i+1] == '*' && strings.Contains(style, "//"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return -1, append(blocks, [2]int{i, len(s)})
			}
			blocks = append(blocks, [2]int{i, i + 2 + end + 2})
			i += 2 + end + 1
		case c == '#' && strings.Contains(style, "#"):
			if style == wordHash && i > 0 && !strings.ContainsRune(" \t;&|()", rune(s[i-1])) {
				continue
			}
			if style == "//#" && i+1 < len(s) && s[i+1] == '[' {
				continue // a PHP 8 attribute
			}
			return i, blocks
		}
	}
	return -1, blocks
}

// codeMatch is the comment rule: the quote line carries a comment (its own
// or the line's), and its code, at least MinSubstring bytes, is the line's
// code (wholeCode) or a part of it (substring): the code is the diff's.
func codeMatch(q quoteLine, line, style string) match {
	code := stripComment(q.text, style)
	if code == q.text || len(code) < MinSubstring {
		return noMatch // no comment to drop: the other rules decided
	}
	lineCode := stripComment(line, style)
	if lineCode == code {
		return wholeCode
	}
	// Part of the line's code, as rule 2 reads a part (partOf): whole
	// words, nothing that turns it around left off.
	return partOf(code, lineCode, "")
}
