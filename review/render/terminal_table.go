package render

// Tables for the terminal renderer: clean columns that fit the width,
// wrapping cells before cutting words, and row-by-row records past that.

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	extast "github.com/yuin/goldmark/extension/ast"
)

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
