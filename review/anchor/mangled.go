package anchor

import (
	"html"
	"path/filepath"
	"strings"
)

// Models write a quote as they would show code to a reader: in a Markdown
// fence or a pair of backticks, under a language tag, HTML-escaped
// (`a &lt; b`), with typographic quotes (`“user”`), JSON-escaped once too
// often (`\"user\"`, two lines joined by a literal `\n`), or with
// invisible characters (a zero-width space, a soft hyphen). unwrapped
// undoes each; a quote is read so only when it matches nowhere as written,
// so code that itself holds a backtick or `&lt;` matches as itself first.
// What it finds is the diff's code, so it is as good a match as any.
func unwrapped(q, path string) string {
	s := strings.TrimSpace(q)
	lines := strings.Split(s, "\n")
	switch {
	case len(lines) >= 2 && strings.HasPrefix(strings.TrimSpace(lines[0]), "```"):
		lines = lines[1:]
		if n := len(lines); strings.HasPrefix(strings.TrimSpace(lines[n-1]), "```") {
			lines = lines[:n-1]
		}
	case len(lines) >= 2 && langTags[strings.ToLower(strings.TrimSpace(lines[0]))]:
		lines = lines[1:]
	}
	s = strings.TrimSpace(strings.Join(lines, "\n"))
	if len(s) > 2 && s[0] == '`' && s[len(s)-1] == '`' && !strings.Contains(s[1:len(s)-1], "`") &&
		!(backtickStrings(path) && strings.ContainsAny(s[1:len(s)-1], "$\\")) {
		// Not where a backtick opens a string (Go, JavaScript): there
		// `${x}` interpolates and a backslash reads otherwise than in
		// the code's own quotes.
		s = s[1 : len(s)-1]
	}
	if !strings.Contains(s, "\n") {
		s = unescapeJSON(s)
	}
	if !markupFile(path) {
		// In HTML `&amp;` is the code itself.
		s = html.UnescapeString(s)
	}
	return invisible.Replace(s)
}

// unescapeJSON undoes one JSON escaping too many in a one-line quote: a
// quote holding `\"` (an escaped quote, which code outside a string never
// has) is read with `\"`, `\\` and `\n` unescaped; any other with a
// literal `\n` outside its string literals read as the line break a model
// joined two lines with (a `\t` there: the indent after it). A `\t` or a
// `\n` inside a string is code.
func unescapeJSON(s string) string {
	if strings.Contains(s, `\"`) {
		s = strings.NewReplacer(`\\`, `\`, `\"`, `"`).Replace(s)
	}
	var b strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == '\\' && i+1 < len(s):
			b.WriteByte(c)
			i++
			c = s[i]
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\'' || c == '`'):
			quote = c
		case quote == 0 && c == '\\' && i+1 < len(s) && (s[i+1] == 'n' || s[i+1] == 't'):
			// A line break, or an indent after one, left escaped.
			b.WriteByte(map[byte]byte{'n': '\n', 't': '\t'}[s[i+1]])
			i++
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// markupFile reports whether path is HTML-like, where an entity is the
// code as written.
func markupFile(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".html", ".htm", ".xml", ".xhtml", ".svg", ".vue", ".svelte":
		return true
	}
	return false
}

// backtickStrings reports whether a backtick opens a string in path's
// language (Go's raw strings, JavaScript's template literals).
func backtickStrings(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".go", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts":
		return true
	}
	return false
}

// langTags are the language names a model puts on a line of their own
// above the code (a fence's tag without the fence).
var langTags = map[string]bool{
	"go": true, "golang": true, "python": true, "py": true, "javascript": true, "js": true, "typescript": true,
	"ts": true, "tsx": true, "jsx": true, "java": true, "kotlin": true, "swift": true, "rust": true, "rs": true,
	"c": true, "cpp": true, "c++": true, "csharp": true, "cs": true, "c#": true, "ruby": true, "rb": true,
	"php": true, "sh": true, "bash": true, "shell": true, "sql": true, "yaml": true, "yml": true, "json": true,
	"html": true, "css": true, "diff": true, "text": true, "code": true,
}

// invisible maps typographic quotes to code's and drops characters that
// show nothing.
var invisible = strings.NewReplacer(
	"\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u2018", "'", "\u2019", "'",
	"\u200b", "", "\u200c", "", "\u200d", "", "\u2060", "", "\u00ad", "", "\ufeff", "",
)
