package render

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	"github.com/rivo/uniseg"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/quorum-review/quorum/review/report"
)

// renderTerminal lays Markdown out for a terminal width cells wide: styled
// with ANSI colors when color is set, the same layout in plain text when not.
// It is a small walker over goldmark's AST rather than a full Markdown
// renderer: those highlight code with chroma, which parses every lexer and
// style at package init, a cost every quorum invocation paid (~12 ms, ~8 MB)
// for a report few of them print.
//
// Prose, headings, list items and table cells wrap at spaces (a word wider
// than its line is cut). Code lines are never wrapped: a hard break would
// put line breaks into a suggested fix that is not in it, so a long line is
// left to the terminal. Tabs in code become four spaces.
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
	plain      role = iota
	title           // # heading
	section         // ## heading
	subsection      // ### heading and deeper
	marker          // list bullets and numbers, the ▸ before a ### heading
	rule            // table header rules, quote bars, thematic breaks
	columnName      // table header cells
	added           // + line of a diff
	deleted         // - line of a diff
	hunk            // @@ line of a diff
	fileHeader      // +++ and --- lines of a diff
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
	case subsection, columnName, fileHeader:
		s = s.Bold(true)
	case marker, hunk:
		s = s.Foreground(cyan)
	case rule:
		s = s.Faint(true)
	case added:
		s = s.Foreground(green)
	case deleted:
		s = s.Foreground(red)
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
		s = s.Underline(true)
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
		return t.code(n, string(n.Language(t.src)) == "diff")
	case *ast.CodeBlock:
		return t.code(n, false)
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

// code shows a code block's lines as they are, two cells in; a diff's lines
// are colored by their prefix.
func (t *terminal) code(n ast.Node, diff bool) []string {
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
		out = append(out, "  "+t.palette.paint(l, s))
	}
	return out
}

func diffRole(line string) role {
	switch {
	case strings.HasPrefix(line, "@@"):
		return hunk
	case strings.HasPrefix(line, "+++ "), strings.HasPrefix(line, "--- "):
		return fileHeader
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

// piece is a run of inline text in one look, or a hard line break.
type piece struct {
	text string
	look look
	brk  bool
}

// inlines appends the inline content of n to out, in look l.
func (t *terminal) inlines(out []piece, n ast.Node, l look) []piece {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		out = t.inline(out, c, l)
	}
	return out
}

func (t *terminal) inline(out []piece, n ast.Node, l look) []piece {
	switch n := n.(type) {
	case *ast.Text:
		v := n.Segment.Value(t.src)
		s := string(v)
		if !n.IsRaw() {
			s = unescape(v)
		}
		out = append(out, piece{text: clean(s), look: l})
		switch {
		case n.HardLineBreak():
			out = append(out, piece{brk: true})
		case n.SoftLineBreak():
			out = append(out, piece{text: " ", look: l})
		}
		return out
	case *ast.String:
		s := string(n.Value)
		if !n.IsCode() && !n.IsRaw() {
			s = unescape(n.Value)
		}
		return append(out, piece{text: clean(s), look: l})
	case *ast.CodeSpan:
		// A code span's text is literal: no escapes, no entities.
		var b strings.Builder
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				b.Write(c.Segment.Value(t.src))
			case *ast.String:
				b.Write(c.Value)
			}
		}
		return append(out, piece{text: clean(b.String()), look: l.with(codeSpan)})
	case *ast.Emphasis:
		e := italic
		if n.Level >= 2 {
			e = strong
		}
		return t.inlines(out, n, l.with(e))
	case *ast.Link:
		start := len(out)
		out = t.inlines(out, n, l.with(link))
		// The destination is shown unless the text already says it: a
		// terminal cannot follow a link it does not show.
		var shown strings.Builder
		for _, p := range out[start:] {
			shown.WriteString(p.text)
		}
		if dest := clean(string(n.Destination)); dest != "" && dest != shown.String() {
			out = append(out, piece{text: " (" + dest + ")", look: l})
		}
		return out
	case *ast.AutoLink:
		return append(out, piece{text: clean(string(n.URL(t.src))), look: l.with(link)})
	case *ast.RawHTML:
		for i := 0; i < n.Segments.Len(); i++ {
			seg := n.Segments.At(i)
			out = append(out, piece{text: clean(string(seg.Value(t.src))), look: l})
		}
		return out
	}
	return t.inlines(out, n, l) // an image shows its alt text; anything else, its text
}

// clean is the last guarantee that text cannot drive the terminal: the
// Markdown was sanitized, but entity references (&#27;) decode to control
// characters after that, and invalid UTF-8 can hide a C1 control.
func clean(s string) string {
	return report.Sanitize(strings.ToValidUTF8(s, "\uFFFD"))
}

// unescape does what goldmark leaves to its HTML renderer: it resolves
// backslash escapes and entity references, in one pass so that an escaped
// ampersand stays one.
func unescape(b []byte) string {
	if bytes.IndexByte(b, '\\') < 0 && bytes.IndexByte(b, '&') < 0 {
		return string(b)
	}
	var out strings.Builder
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\\' && i+1 < len(b) && util.IsPunct(b[i+1]) {
			out.WriteByte(b[i+1])
			i++
			continue
		}
		if c == '&' {
			if s, n := entity(b[i:]); n > 0 {
				out.WriteString(s)
				i += n - 1
				continue
			}
		}
		out.WriteByte(c)
	}
	return out.String()
}

// entity decodes the entity reference b starts with, returning its text and
// length, or a length of 0 when b does not start with one.
func entity(b []byte) (string, int) {
	// The longest entity name has 31 letters; looking no further keeps a
	// text of many ampersands and no semicolon linear.
	end := bytes.IndexByte(b[:min(len(b), 40)], ';')
	if end < 2 {
		return "", 0
	}
	name := b[1:end]
	if name[0] != '#' {
		e, ok := util.LookUpHTML5EntityByName(string(name))
		if !ok {
			return "", 0
		}
		return string(e.Characters), end + 1
	}
	digits, base := name[1:], 10
	if len(digits) > 0 && (digits[0] == 'x' || digits[0] == 'X') {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 || len(digits) > 7 {
		return "", 0
	}
	v, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil {
		return "", 0
	}
	return string(util.ToValidRune(rune(v))), end + 1
}

// word is pieces with no space between them, kept on one line when it fits.
type word struct {
	pieces []piece
	width  int
	brk    bool // a hard line break comes before it
}

func (w *word) add(p piece) {
	if n := len(w.pieces); n > 0 && w.pieces[n-1].look == p.look {
		w.pieces[n-1].text += p.text
	} else {
		w.pieces = append(w.pieces, p)
	}
	w.width += ansi.StringWidth(p.text)
}

// words splits pieces at white space and hard line breaks.
func words(pieces []piece) []word {
	var out []word
	var cur word
	brk := false
	flush := func() {
		if len(cur.pieces) > 0 {
			cur.brk, brk = brk, false
			out = append(out, cur)
		}
		cur = word{}
	}
	for _, p := range pieces {
		if p.brk {
			flush()
			brk = true
			continue
		}
		s := p.text
		for s != "" {
			i := strings.IndexFunc(s, unicode.IsSpace)
			if i < 0 {
				cur.add(piece{text: s, look: p.look})
				break
			}
			if i > 0 {
				cur.add(piece{text: s[:i], look: p.look})
			}
			flush()
			_, size := utf8.DecodeRuneInString(s[i:])
			s = s[i+size:]
		}
	}
	flush()
	return out
}

// wrap lays pieces out in lines at most width cells wide, breaking at spaces
// and hard breaks, and inside a word only when it is wider than a line.
func (t *terminal) wrap(pieces []piece, width int) []string {
	width = max(width, 1)
	var lines []string
	var line []piece
	used := 0
	emit := func() {
		lines = append(lines, t.paintLine(line))
		line, used = nil, 0
	}
	for _, w := range words(pieces) {
		if len(line) > 0 && (w.brk || used+1+w.width > width) {
			emit()
		}
		if len(line) > 0 {
			line = append(line, space(line[len(line)-1].look, w.pieces[0].look))
			used++
		}
		rest, restWidth := w.pieces, w.width
		for used+restWidth > width && len(rest) > 0 {
			head, tail, headWidth := cut(rest, width-used)
			line = append(line, head...)
			used += headWidth
			emit()
			rest, restWidth = tail, piecesWidth(tail)
		}
		if len(rest) > 0 {
			line = append(line, rest...)
			used += restWidth
		}
	}
	if len(line) > 0 {
		emit()
	}
	return lines
}

// space is the space between two words: in their look when they share it,
// so a bold phrase or a code span reads as one run.
func space(left, right look) piece {
	if left == right {
		return piece{text: " ", look: left}
	}
	return piece{text: " "}
}

func piecesWidth(ps []piece) int {
	w := 0
	for _, p := range ps {
		w += ansi.StringWidth(p.text)
	}
	return w
}

// cut takes the first n cells of a word, whole grapheme clusters only, and
// at least one cluster so that wrapping always moves on.
func cut(ps []piece, n int) (head, tail []piece, width int) {
	for i, p := range ps {
		if pw := ansi.StringWidth(p.text); width+pw <= n {
			head = append(head, p)
			width += pw
			continue
		}
		s, k, state := p.text, 0, -1
		for k < len(s) {
			cluster, _, _, next := uniseg.FirstGraphemeClusterInString(s[k:], state)
			cw := ansi.StringWidth(cluster)
			if width+cw > n && (len(head) > 0 || k > 0) {
				break
			}
			k, width, state = k+len(cluster), width+cw, next
		}
		if k > 0 {
			head = append(head, piece{text: s[:k], look: p.look})
		}
		tail = ps[i+1:]
		if k < len(s) {
			tail = append([]piece{{text: s[k:], look: p.look}}, tail...)
		}
		return head, tail, width
	}
	return head, nil, width
}

// paintLine styles a laid-out line, one escape sequence per run of a look.
func (t *terminal) paintLine(ps []piece) string {
	var b strings.Builder
	for i := 0; i < len(ps); {
		j := i + 1
		run := ps[i].text
		for j < len(ps) && ps[j].look == ps[i].look {
			run += ps[j].text
			j++
		}
		b.WriteString(t.palette.paint(ps[i].look, run))
		i = j
	}
	return b.String()
}

// columnGaps are the gaps between table columns, widest first: a table
// takes the narrower gap only when that spares it wrapping or cutting. They
// are clean columns rather than boxed ones because borders cost three cells
// a column, which would wrap the nine-column retro table on 80 columns.
var columnGaps = []string{"  ", " "}

// narrowest is the width below which a column's words would be cut into
// pieces too small to read; a table that cannot give every column that much
// is shown row by row instead.
const narrowest = 6

type column struct {
	align   extast.Alignment
	natural int // cells on one line
	longest int // cells of the widest word
	width   int
}

// table lays a GFM table out in columns that fit width, every cell wrapped
// inside its column, numbers right aligned as the Markdown asks. A header of
// empty cells (a key-value table) is left out. lipgloss/table is not used:
// it truncates header cells and clips the table to its width, losing text.
func (t *terminal) table(n *extast.Table, width int) []string {
	var header [][]piece
	var rows [][][]piece
	for r := n.FirstChild(); r != nil; r = r.NextSibling() {
		_, isHeader := r.(*extast.TableHeader)
		l := look{}
		if isHeader {
			l.role = columnName
		}
		var cells [][]piece
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, t.inlines(nil, c, l))
		}
		if isHeader {
			header = cells
		} else {
			rows = append(rows, cells)
		}
	}
	if headerIsEmpty(header) {
		header = nil
	}
	all := rows
	if header != nil {
		all = append([][][]piece{header}, rows...)
	}
	cols := make([]column, len(n.Alignments))
	for _, row := range all {
		for len(cols) < len(row) {
			cols = append(cols, column{})
		}
	}
	if len(cols) == 0 {
		return nil
	}
	for i := range cols {
		if i < len(n.Alignments) {
			cols[i].align = n.Alignments[i]
		}
		for _, row := range all {
			if i < len(row) {
				natural, longest := measure(row[i])
				cols[i].natural = max(cols[i].natural, natural)
				cols[i].longest = max(cols[i].longest, longest)
			}
		}
	}
	gap, ok := fitColumns(cols, width)
	if !ok {
		return t.records(header, rows, width)
	}
	var out []string
	if header != nil {
		out = append(out, t.tableRow(header, cols, gap)...)
		rules := make([]string, len(cols))
		for i, c := range cols {
			rules[i] = strings.Repeat("─", c.width)
		}
		out = append(out, t.palette.paint(look{role: rule}, strings.Join(rules, gap)))
	}
	for _, row := range rows {
		out = append(out, t.tableRow(row, cols, gap)...)
	}
	return out
}

func headerIsEmpty(header [][]piece) bool {
	for _, cell := range header {
		if len(words(cell)) > 0 {
			return false
		}
	}
	return true
}

// measure returns the width of a cell on one line and of its widest word.
func measure(cell []piece) (natural, longest int) {
	ws := words(cell)
	for i, w := range ws {
		if i > 0 {
			natural++
		}
		natural += w.width
		longest = max(longest, w.width)
	}
	return natural, longest
}

// fitColumns sets the column widths so that the table fits width, and
// returns the gap to put between them: natural widths when they fit; else
// no narrower than the widest word, so that cells wrap only at spaces; else
// words are cut, but no column is narrower than narrowest. It reports false
// when even that does not fit.
func fitColumns(cols []column, width int) (string, bool) {
	natural, longest, floor := make([]int, len(cols)), make([]int, len(cols)), make([]int, len(cols))
	for i, c := range cols {
		natural[i], longest[i] = max(c.natural, 1), max(c.longest, 1)
		floor[i] = min(longest[i], narrowest)
	}
	for _, step := range []struct{ want, floor []int }{{natural, natural}, {natural, longest}, {longest, floor}} {
		for _, gap := range columnGaps {
			avail := width - len(gap)*(len(cols)-1)
			if sum(step.floor) > avail {
				continue
			}
			for i, w := range fill(step.want, step.floor, avail) {
				cols[i].width = w
			}
			return gap, true
		}
	}
	return "", false
}

// fill narrows the widest columns first: each gets want[i] capped at the
// largest cap that fits avail, but never less than floor[i]; cells left
// over widen the capped columns from the left. sum(floor) must fit avail.
func fill(want, floor []int, avail int) []int {
	at := func(cap int) []int {
		w := make([]int, len(want))
		for i := range want {
			w[i] = max(floor[i], min(want[i], cap))
		}
		return w
	}
	lo, hi := 0, 0
	for _, w := range want {
		hi = max(hi, w)
	}
	for lo < hi {
		if mid := (lo + hi + 1) / 2; sum(at(mid)) <= avail {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	widths := at(lo)
	left := avail - sum(widths)
	for i := range widths {
		if left > 0 && widths[i] < want[i] {
			widths[i]++
			left--
		}
	}
	return widths
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

// tableRow wraps each cell in its column and sets the columns side by side.
func (t *terminal) tableRow(cells [][]piece, cols []column, gap string) []string {
	wrapped := make([][]string, len(cols))
	height := 1
	for i, c := range cols {
		if i < len(cells) {
			wrapped[i] = t.wrap(cells[i], c.width)
		}
		height = max(height, len(wrapped[i]))
	}
	out := make([]string, height)
	for l := range out {
		var b strings.Builder
		for i, c := range cols {
			if i > 0 {
				b.WriteString(gap)
			}
			s := ""
			if l < len(wrapped[i]) {
				s = wrapped[i][l]
			}
			b.WriteString(align(s, c.width, c.align))
		}
		out[l] = strings.TrimRight(b.String(), " ")
	}
	return out
}

func align(s string, width int, a extast.Alignment) string {
	pad := max(width-ansi.StringWidth(s), 0)
	switch a {
	case extast.AlignRight:
		return strings.Repeat(" ", pad) + s
	case extast.AlignCenter:
		return strings.Repeat(" ", pad/2) + s + strings.Repeat(" ", pad-pad/2)
	}
	return s + strings.Repeat(" ", pad)
}

// records shows a table too wide for the terminal row by row, each cell on
// its own lines under its column's name, so that no cell is lost.
func (t *terminal) records(header [][]piece, rows [][][]piece, width int) []string {
	var out []string
	for _, row := range rows {
		var record []string
		for i, cell := range row {
			if len(words(cell)) == 0 {
				continue
			}
			var entry []piece
			if i < len(header) && len(words(header[i])) > 0 {
				entry = append(entry, header[i]...)
				entry = append(entry, piece{text: ": "})
			}
			entry = append(entry, cell...)
			record = append(record, indent(t.wrap(entry, width-2), "", "  ")...)
		}
		if len(out) > 0 && len(record) > 0 {
			out = append(out, "")
		}
		out = append(out, record...)
	}
	return out
}
