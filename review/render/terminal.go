package render

import (
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// renderTerminal lays Markdown out for a terminal width cells wide: styled
// with ANSI colors when color is set, the same layout in plain text when not.
// It is a small walker over goldmark's AST rather than a full Markdown
// renderer: those highlight code with chroma, which parses every lexer and
// style at package init, a cost every quorum invocation paid (~12 ms, ~8 MB)
// for a report few of them print.
//
// Prose, headings, list items and table cells wrap at spaces (a word wider
// than its line is cut). A code line wider than the terminal is folded
// between tokens (codeFold), never inside one, its rest on lines that start
// with a ↪ mark, so a fold is never mistaken for a line break in a
// suggested fix. Tabs in code become four spaces. Inline code keeps its
// backticks, with color too (where it is also styled): without color they
// are all that tells an identifier from the prose around it, and color
// must not change the layout.
func renderTerminal(markdown []byte, width int, color bool) string {
	doc := goldmark.New(goldmark.WithExtensions(extension.Table)).Parser().Parse(text.NewReader(markdown))
	t := &terminal{src: markdown, palette: newPalette(color)}
	var b strings.Builder
	for _, line := range t.blocks(doc, max(width, 1), true) {
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

type terminal struct {
	src     []byte
	palette palette
}

// role is what a run of text is, which decides its style.
type role uint8

const (
	plain       role = iota
	title            // # heading
	section          // ## heading
	subsection       // ### heading and deeper
	marker           // list bullets and numbers, the ▸ before a ### heading
	rule             // table header rules, quote bars, thematic breaks
	columnName       // table header cells
	added            // + line of a diff
	deleted          // - line of a diff
	hunk             // @@ line of a diff
	verdictPass      // the verdict, by status
	verdictFail
	verdictOther
	sevCritical // a severity's heading in the terminal view
	sevImportant
	sevSuggestion
	continued // the mark before the rest of a code line that did not fit
)

// emphasis is the inline markup a run sits inside; runs nest, so it is a set.
type emphasis uint8

const (
	strong emphasis = 1 << iota
	italic
	codeSpan
	link
)

type look struct {
	role     role
	emphasis emphasis
}

func (l look) with(e emphasis) look { l.emphasis |= e; return l }

// palette styles runs through a lipgloss renderer whose color profile is
// fixed: detecting it from the writer would see a bytes.Buffer, and the
// output must be the same bytes wherever it is rendered.
type palette struct{ renderer *lipgloss.Renderer }

func newPalette(color bool) palette {
	profile := termenv.Ascii // styles render as the bare text
	if color {
		profile = termenv.ANSI // the 16 colors the user's theme defines
	}
	r := lipgloss.NewRenderer(io.Discard, termenv.WithProfile(profile))
	r.SetColorProfile(profile)
	return palette{r}
}

// Colors are of the 16 a terminal theme defines, so they follow the user's
// theme; none is bright black, which some themes make the background.
var (
	red     = lipgloss.Color("1")
	green   = lipgloss.Color("2")
	yellow  = lipgloss.Color("3")
	blue    = lipgloss.Color("4")
	magenta = lipgloss.Color("5")
	cyan    = lipgloss.Color("6")
)

func (p palette) style(l look) lipgloss.Style {
	s := p.renderer.NewStyle()
	switch l.role {
	case title:
		s = s.Bold(true).Foreground(magenta)
	case section:
		s = s.Bold(true).Foreground(cyan)
	case subsection, columnName:
		s = s.Bold(true)
	case marker, hunk:
		s = s.Foreground(cyan)
	case rule:
		s = s.Faint(true)
	case added:
		s = s.Foreground(green)
	case deleted:
		s = s.Foreground(red)
	case verdictPass:
		s = s.Bold(true).Foreground(green)
	case verdictFail, sevCritical:
		s = s.Bold(true).Foreground(red)
	case verdictOther, sevImportant:
		s = s.Bold(true).Foreground(yellow)
	case sevSuggestion:
		s = s.Bold(true).Foreground(cyan)
	case continued:
		s = s.Faint(true)
	}
	if l.emphasis&strong != 0 {
		s = s.Bold(true)
	}
	if l.emphasis&italic != 0 {
		s = s.Italic(true)
	}
	if l.emphasis&codeSpan != 0 {
		s = s.Foreground(yellow)
	}
	if l.emphasis&link != 0 {
		// A color, not an underline: lipgloss underlines rune by rune, an
		// escape sequence around each, which splits grapheme clusters.
		s = s.Foreground(blue)
	}
	return s
}

// paint styles one line of text; text never holds a newline or a tab.
func (p palette) paint(l look, text string) string {
	if text == "" || l == (look{}) {
		return text
	}
	return p.style(l).Render(text)
}

// blocks renders the block children of parent, a blank line between them
// when gap is set (everywhere but inside the items of a tight list).
func (t *terminal) blocks(parent ast.Node, width int, gap bool) []string {
	var out []string
	for c := parent.FirstChild(); c != nil; c = c.NextSibling() {
		lines := t.block(c, width)
		if len(lines) == 0 {
			continue
		}
		if gap && len(out) > 0 {
			out = append(out, "")
		}
		out = append(out, lines...)
	}
	return out
}

func (t *terminal) block(n ast.Node, width int) []string {
	switch n := n.(type) {
	case *ast.Heading:
		return t.heading(n, width)
	case *ast.Paragraph, *ast.TextBlock:
		return t.wrap(t.inlines(nil, n, look{}), width)
	case *ast.List:
		return t.list(n, width)
	case *ast.FencedCodeBlock:
		return t.code(n, string(n.Language(t.src)) == "diff", width)
	case *ast.CodeBlock:
		return t.code(n, false, width)
	case *ast.Blockquote:
		bar := t.palette.paint(look{role: rule}, "│")
		return indent(t.blocks(n, width-2, true), bar+" ", bar+" ")
	case *ast.ThematicBreak:
		return []string{t.palette.paint(look{role: rule}, strings.Repeat("─", min(width, 80)))}
	case *ast.HTMLBlock:
		// A terminal cannot render HTML (only model text holds any): it
		// is shown as the text it is, line by line.
		var ps []piece
		for _, s := range t.lines(n) {
			ps = append(ps, piece{text: s}, piece{brk: true})
		}
		if n.HasClosure() {
			ps = append(ps, piece{text: clean(string(n.ClosureLine.Value(t.src)))})
		}
		return t.wrap(ps, width)
	case *extast.Table:
		return t.table(n, width)
	}
	if n.HasChildren() {
		return t.blocks(n, width, true)
	}
	return nil
}

func (t *terminal) heading(n *ast.Heading, width int) []string {
	var l look
	switch n.Level {
	case 1:
		l.role = title
	case 2:
		l.role = section
	default:
		l.role = subsection
		lines := t.wrap(t.inlines(nil, n, l), width-2)
		return indent(lines, t.palette.paint(look{role: marker}, "▸")+" ", "  ")
	}
	lines := t.wrap(t.inlines(nil, n, l), width)
	underline := "═"
	if n.Level == 2 {
		underline = "─"
	}
	if w := widest(lines); w > 0 {
		lines = append(lines, t.palette.paint(l, strings.Repeat(underline, w)))
	}
	return lines
}

// list hangs every item under its bullet or number; numbers are right
// aligned so items 9 and 10 start in the same column.
func (t *terminal) list(n *ast.List, width int) []string {
	var markers []string
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		m := "•"
		if n.IsOrdered() {
			m = strconv.Itoa(n.Start+len(markers)) + string(n.Marker)
		}
		markers = append(markers, m)
	}
	hang := 0
	for _, m := range markers {
		hang = max(hang, ansi.StringWidth(m)+1)
	}
	var out []string
	i := 0
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		if i > 0 && !n.IsTight {
			out = append(out, "")
		}
		m := markers[i]
		i++
		first := strings.Repeat(" ", hang-1-ansi.StringWidth(m)) + t.palette.paint(look{role: marker}, m) + " "
		lines := t.blocks(item, width-hang, !n.IsTight)
		if len(lines) == 0 {
			lines = []string{""}
		}
		out = append(out, indent(lines, first, strings.Repeat(" ", hang))...)
	}
	return out
}

// code shows a code block's lines two cells in; a diff's lines are colored
// by their prefix. A line wider than width is folded between tokens.
func (t *terminal) code(n ast.Node, diff bool, width int) []string {
	var out []string
	for _, s := range t.lines(n) {
		s = strings.TrimRight(strings.ReplaceAll(s, "\t", "    "), " ")
		if s == "" {
			out = append(out, "")
			continue
		}
		l := look{}
		if diff {
			l.role = diffRole(s)
		}
		for i, part := range codeFold(s, width-2, width-4) {
			if i == 0 {
				out = append(out, "  "+t.palette.paint(l, part))
			} else {
				out = append(out, t.palette.paint(look{role: continued}, "↪ ")+"  "+t.palette.paint(l, part))
			}
		}
	}
	return out
}

// codeFold cuts a code line into a first piece at most first cells wide and
// further pieces at most rest cells wide, each cut after a space or before
// or after punctuation, so no identifier, number or string word is split;
// only a token wider than a whole line is cut inside. Joined, the pieces
// are the line.
func codeFold(s string, first, rest int) []string {
	first, rest = max(first, 8), max(rest, 8)
	var out []string
	limit := first
	for ansi.StringWidth(s) > limit {
		cut, w, last := 0, 0, 0
		rs := []rune(s)
		pos := 0
		for i, r := range rs {
			rw := ansi.StringWidth(string(r))
			if w+rw > limit {
				break
			}
			w += rw
			pos += len(string(r))
			last = pos
			if i+1 < len(rs) && tokenBoundary(r, rs[i+1]) {
				cut = pos
			}
		}
		if cut == 0 {
			cut = max(last, len(string(rs[0])))
		}
		out = append(out, s[:cut])
		s = s[cut:]
		limit = rest
	}
	return append(out, s)
}

// tokenBoundary reports whether a line may be folded between a and b.
func tokenBoundary(a, b rune) bool {
	word := func(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
	switch {
	case a == ' ':
		return b != ' '
	case b == ' ':
		return false
	}
	return !word(a) || !word(b)
}

func diffRole(line string) role {
	switch {
	case strings.HasPrefix(line, "@@"):
		return hunk
	case strings.HasPrefix(line, "+"):
		return added
	case strings.HasPrefix(line, "-"):
		return deleted
	}
	return plain
}

// lines returns the raw lines of a block, cleaned, without line endings.
func (t *terminal) lines(n ast.Node) []string {
	segs := n.Lines()
	out := make([]string, 0, segs.Len())
	for i := 0; i < segs.Len(); i++ {
		seg := segs.At(i)
		s := strings.Repeat(" ", seg.Padding) + string(seg.Value(t.src))
		out = append(out, strings.TrimRight(clean(s), "\n"))
	}
	return out
}

// indent prefixes the first line with first and the others with rest; a
// blank line gets the prefix without its trailing spaces.
func indent(lines []string, first, rest string) []string {
	for i, l := range lines {
		p := rest
		if i == 0 {
			p = first
		}
		if l == "" {
			lines[i] = strings.TrimRight(p, " ")
		} else {
			lines[i] = p + l
		}
	}
	return lines
}

func widest(lines []string) int {
	w := 0
	for _, l := range lines {
		w = max(w, ansi.StringWidth(l))
	}
	return w
}
