package render

// Model text in Markdown. Everything a model writes (titles, explanations,
// fixes in words, notes, summaries, reviewer errors) reaches the Markdown
// report and the terminal view, which renders that same Markdown. quorum's
// Markdown is a fixed subset it writes itself, so model text may add only
// one thing to it: the inline code spans the model wrote (`os.Open`,
// backticks balanced on one line), kept as code. Every other mark is shown
// as the character it is: no heading, list, block quote, table, fence,
// thematic break or setext underline, no HTML, entity, link, image or
// emphasis that quorum did not write. Escapes are backslashes (and &lt; for
// "<"), which a Markdown reader, GitHub and the terminal view all show as
// the bare character; text with none of these marks is left as it is.

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/quorum-review/quorum/internal/safetext"
)

// mdText makes model text safe on one line of Markdown: white space
// collapsed to single spaces (and control characters dropped, as
// safetext.Sanitize does), then escaped as escapeLine does. It is safe
// at the start of a line, in a list item, a heading or a table cell (where
// mdCell is wanted for pipes in code spans).
func mdText(s string) string { return escapeLine(inline(safetext.Sanitize(s)), false) }

// mdCell is mdText for a table cell: a pipe splits a GFM cell even inside a
// code span, so there it is escaped too (GFM shows "\|" in a cell's code
// span as "|").
func mdCell(s string) string { return escapeLine(inline(safetext.Sanitize(s)), true) }

// mdBlock makes multi-line model text safe as Markdown blocks: it keeps the
// paragraphs (split at blank lines) and the line breaks inside them (as
// hard breaks, so a list or code the model wrote stays one item or
// statement a line), and escapes every line as mdText does, leading
// indentation dropped. The result is paragraphs and nothing else.
func mdBlock(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = safetext.Sanitize(strings.ReplaceAll(s, "\r", "\n"))
	var paras []string
	var lines []string
	flush := func() {
		if len(lines) > 0 {
			paras = append(paras, strings.Join(lines, "\\\n"))
			lines = nil
		}
	}
	for _, l := range strings.Split(s, "\n") {
		l = inline(l)
		if l == "" {
			flush()
			continue
		}
		lines = append(lines, escapeLine(l, false))
	}
	flush()
	return strings.Join(paras, "\n\n")
}

// escapeLine escapes one line of text (no line breaks; leading white space
// already trimmed) so that Markdown shows it as written, keeping only its
// code spans. In a table cell (cell), pipes inside code spans are escaped
// too.
func escapeLine(s string, cell bool) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	i := 0
	// The start of the line: anything that opens a block there (heading,
	// block quote, list, thematic break, setext underline, table delimiter
	// row, fence, link reference definition, footnote) is escaped.
	if d := leadingDigits(s); d > 0 && d < len(s) && (s[d] == '.' || s[d] == ')') && spaceAfter(s, d+1) {
		b.WriteString(s[:d] + `\` + s[d:d+1]) // "1." or "1)": an ordered list
		i = d + 1
	} else if s != "" && strings.IndexByte(`#>-+*=_:[~|`, s[0]) >= 0 {
		b.WriteString(`\` + s[:1])
		i = 1
	}
	for i < len(s) {
		c := s[i]
		if n := linkish(s, i); n > 0 {
			// GitHub links a bare URL, pings "@name" and cross-references
			// "#12" in a PR description: as code they are shown, inert.
			b.WriteString("`" + s[i:i+n] + "`")
			i += n
			continue
		}
		switch c {
		case '`':
			n := run(s, i, '`')
			if end := closingRun(s, i+n, n); end >= 0 {
				span := s[i : end+n]
				if cell {
					span = strings.ReplaceAll(span, "|", `\|`)
				}
				b.WriteString(span)
				i = end + n
				continue
			}
			// An unbalanced run: literal backticks, never a fence or a
			// span that runs on into quorum's text.
			b.WriteString(strings.Repeat("\\`", n))
			i += n
			continue
		case '\\':
			// A backslash is shown as it is, unless it would escape the
			// next character or end the line as a hard break.
			if i+1 == len(s) || isASCIIPunct(s[i+1]) {
				b.WriteString(`\\`)
			} else {
				b.WriteByte('\\')
			}
		case '<':
			b.WriteString("&lt;") // no HTML, no autolink
		case '&':
			if isEntity(s[i:]) {
				b.WriteString("&amp;")
			} else {
				b.WriteByte('&')
			}
		case '|':
			b.WriteString(`\|`) // no table row
		case '[', ']':
			// "[" and "]" make a link or image only as "[text](url)" or
			// "[text][ref]"; elsewhere (arr[i]) they stay bare.
			if c == ']' && i+1 < len(s) && (s[i+1] == '(' || s[i+1] == '[') {
				b.WriteString(`\]`)
			} else if c == '[' && i >= 2 && s[i-2:i] == "##" {
				// "##[error]" anywhere in a line is a GitHub Actions
				// command to the runner that prints the report in a log.
				b.WriteString(`\[`)
			} else {
				b.WriteByte(c)
			}
		case '*', '~':
			// Emphasis and strikethrough; a lone "*" between spaces ("a * b")
			// can do neither and stays bare.
			if spaceBefore(s, i) && spaceAfter(s, i+1) {
				b.WriteByte(c)
			} else {
				b.WriteString(`\` + string(c))
			}
		case '_':
			// Inside a word (snake_case) or between spaces, "_" is never
			// emphasis.
			if (wordBefore(s, i) && wordAfter(s, i+1)) || (spaceBefore(s, i) && spaceAfter(s, i+1)) {
				b.WriteByte(c)
			} else {
				b.WriteString(`\_`)
			}
		default:
			b.WriteByte(c)
		}
		i++
	}
	return b.String()
}

// linkish is the length of a bare URL ("https://…", "FTP://…", "www.…",
// "mailto:…") or e-mail address ("a@b.com"), a mention ("@name"), an
// issue reference ("#12", "GH-12", "owner/repo#12") starting at s[i], or
// 0. Trailing sentence punctuation is left out. GitHub finds a URL by its
// "://" and an address by its "@", reading back over the letters before
// them, so those are found after any other character ("1https://",
// "a/bob@host.example"); a mention or reference only where a word starts.
func linkish(s string, i int) int {
	var prev byte
	if i > 0 {
		prev = s[i-1]
	}
	rest := s[i:]
	n := 0
	switch {
	case !asciiLetter(prev) && urlStart(rest), !emailByte(prev) && emailAt(rest) > 0:
		for n < len(rest) && rest[n] > ' ' && strings.IndexByte("`<>|\\", rest[n]) < 0 {
			n++
		}
		for n > 0 && strings.IndexByte(".,;:!?)'\"", rest[n-1]) >= 0 {
			n--
		}
	case i > 0 && (wordByte(prev) || strings.IndexByte("/.&", prev) >= 0):
		return 0
	case rest[0] == '@' && len(rest) > 1 && wordByte(rest[1]):
		n = 1
		for n < len(rest) && (wordByte(rest[n]) || rest[n] == '-' || rest[n] == '/') {
			n++
		}
	case rest[0] == '#' && len(rest) > 1 && rest[1] >= '0' && rest[1] <= '9':
		n = digitsAfter(rest, 1)
	case len(rest) > 3 && strings.EqualFold(rest[:3], "gh-") && rest[3] >= '0' && rest[3] <= '9':
		n = digitsAfter(rest, 3)
	default:
		if n = repoRef(rest); n == 0 {
			n = commitRef(rest)
		}
	}
	return n
}

// commitRef is the length of the reference to another repository's
// commit s starts with ("user@a5c3785e", "owner/repo@a5c3785e": 7 to 40 hex
// digits, a digit and a letter among them), which GitHub links, or 0. A
// bare SHA links to this repository's own commit, and stays as it is.
func commitRef(s string) int {
	at := strings.IndexByte(s[:min(len(s), 142)], '@')
	if at <= 0 {
		return 0
	}
	for _, c := range []byte(s[:at]) {
		if !(wordByte(c) || c == '-' || c == '.' || c == '/') {
			return 0
		}
	}
	n := at + 1
	digit, letter, h := false, false, 0
	for n+h < len(s) && h <= 40 {
		c := s[n+h]
		switch {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F':
			letter = true
		default:
			goto end
		}
		h++
	}
end:
	if h < 7 || h > 40 || !digit || !letter || n+h < len(s) && wordByte(s[n+h]) {
		return 0
	}
	return n + h
}

// digitsAfter is the length of s[:from] and the digits after it, or 0
// when a word goes on past them ("#1a" is no reference).
func digitsAfter(s string, from int) int {
	n := from
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n < len(s) && wordByte(s[n]) {
		return 0
	}
	return n
}

// repoRef is the length of the "owner/repo#12" s starts with, or 0. The
// scan stops at GitHub's longest names (an owner of 39 characters, a
// repository of 100), so a long run of word characters costs no more than
// that at each of its dashes.
func repoRef(s string) int {
	slash, hash := -1, -1
	for n := 0; n < len(s); n++ {
		if slash < 0 && n > 39 || slash >= 0 && n-slash > 101 {
			return 0
		}
		c := s[n]
		switch {
		case wordByte(c) || c == '-' || c == '.':
		case c == '/' && slash < 0 && n > 0:
			slash = n
		case c == '#' && slash > 0 && n > slash+1:
			hash = n
		}
		if hash >= 0 || !(wordByte(c) || c == '-' || c == '.' || c == '/') {
			break
		}
	}
	if hash < 0 || hash+1 >= len(s) || s[hash+1] < '0' || s[hash+1] > '9' {
		return 0
	}
	return digitsAfter(s, hash+1)
}

func asciiLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// emailByte reports a byte GitHub reads back over from an "@".
func emailByte(c byte) bool { return wordByte(c) || c == '.' || c == '+' || c == '-' }

// urlStart reports whether s starts as a link GitHub would make of bare
// text: a scheme and "://" (http, ftp or any other, in any case), "www.",
// or the "mailto:" and "xmpp:" it links too.
func urlStart(s string) bool {
	if len(s) >= 4 && strings.EqualFold(s[:4], "www.") {
		return true
	}
	n := 0
	for n < len(s) && n <= 32 && (wordByte(s[n]) && s[n] != '_' || n > 0 && (s[n] == '+' || s[n] == '.' || s[n] == '-')) {
		n++
	}
	if n == 0 || n >= len(s) || s[n] != ':' || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	if strings.HasPrefix(s[n:], "://") && n >= 2 {
		return true
	}
	scheme := strings.ToLower(s[:n])
	return (scheme == "mailto" || scheme == "xmpp") && n+1 < len(s) && s[n+1] > ' '
}

// emailAt is the length of the e-mail address s starts with (GitHub links
// "name@host.tld" in bare text), or 0.
func emailAt(s string) int {
	at := 0
	// Tried only where such a run starts (linkish), so the scan is linear.
	for at < len(s) && (wordByte(s[at]) || strings.IndexByte(".+-", s[at]) >= 0) {
		at++
	}
	if at == 0 || at >= len(s) || s[at] != '@' {
		return 0
	}
	n, dots := at+1, 0
	for n < len(s) && (wordByte(s[n]) || s[n] == '-' || s[n] == '.' && n+1 < len(s) && (wordByte(s[n+1]) || s[n+1] == '-')) {
		if s[n] == '.' {
			dots++
		}
		n++
	}
	if dots == 0 {
		return 0
	}
	return n
}

func wordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// run is the length of the run of c starting at s[i].
func run(s string, i int, c byte) int {
	n := 0
	for i+n < len(s) && s[i+n] == c {
		n++
	}
	return n
}

// closingRun finds, from s[i], a backtick run exactly n long (what closes a
// CommonMark code span opened by n backticks), returning its index or -1.
func closingRun(s string, i, n int) int {
	for i < len(s) {
		j := strings.IndexByte(s[i:], '`')
		if j < 0 {
			return -1
		}
		j += i
		m := run(s, j, '`')
		if m == n {
			return j
		}
		i = j + m
	}
	return -1
}

func leadingDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

func isASCIIPunct(c byte) bool {
	return c < 0x80 && unicode.IsPunct(rune(c)) || c < 0x80 && unicode.IsSymbol(rune(c))
}

// isEntity reports whether s starts with what Markdown decodes as an entity
// or numeric character reference: "&name;", "&#123;" or "&#x1F;".
func isEntity(s string) bool {
	end := strings.IndexByte(s[:min(len(s), 40)], ';')
	if end < 2 {
		return false
	}
	name := s[1:end]
	if name[0] == '#' {
		name = name[1:]
		if name != "" && (name[0] == 'x' || name[0] == 'X') {
			name = name[1:]
		}
	}
	if name == "" {
		return false
	}
	for _, r := range name {
		if !(r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			return false
		}
	}
	return true
}

func spaceBefore(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsSpace(r)
}

func spaceAfter(s string, i int) bool {
	if i >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r)
}

func wordBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func wordAfter(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
