package anchor

import (
	"html"
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
func unwrapped(q string) string {
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
	if len(s) > 2 && s[0] == '`' && s[len(s)-1] == '`' && !strings.Contains(s[1:len(s)-1], "`") {
		s = s[1 : len(s)-1]
	}
	if !strings.Contains(s, "\n") && strings.ContainsAny(s, `\`) {
		s = jsonEscapes.Replace(s)
	}
	return invisible.Replace(html.UnescapeString(s))
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

// jsonEscapes undo one JSON escaping left in a quote.
var jsonEscapes = strings.NewReplacer(`\\`, `\`, `\"`, `"`, `\n`, "\n", `\t`, "\t", `\/`, `/`)

// invisible maps typographic quotes to code's and drops characters that
// show nothing.
var invisible = strings.NewReplacer(
	"\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u2018", "'", "\u2019", "'",
	"\u200b", "", "\u200c", "", "\u200d", "", "\u2060", "", "\u00ad", "", "\ufeff", "",
)
