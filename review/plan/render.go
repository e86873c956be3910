package plan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/quorum-review/quorum/diff"
)

// This file turns diff hunks and head-side file content into the text a
// reviewer reads: hunk lines with new-side numbers, and surrounding code.

// renderLines renders hunk lines as git does, each prefixed by its new-side
// line number, unpadded: "12+code" (added), "13 code" (unchanged), "-code"
// (deleted, no number). Models cite the numbers and anchoring checks them;
// padding them to a column cost a sixth of every prompt (issue 12).
func renderLines(b *strings.Builder, lines []diff.Line) {
	for _, l := range lines {
		switch l.Kind {
		case diff.Deleted:
			b.WriteByte('-')
		case diff.Added:
			b.WriteString(strconv.Itoa(l.New))
			b.WriteByte('+')
		default:
			b.WriteString(strconv.Itoa(l.New))
			b.WriteByte(' ')
		}
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
}

// hunkHeader is git's "@@ -a,b +c,d @@ section" line; section is the
// enclosing signature when one was found, else git's own guess.
func hunkHeader(h diff.Hunk, section, note string) string {
	s := fmt.Sprintf("@@ -%d,%d +%d,%d @@", h.OldStart, h.OldLines, h.NewStart, h.NewLines)
	if section != "" {
		s += " " + section
	}
	if note != "" {
		s += " (" + note + ")"
	}
	return s + "\n"
}

// newRange is the first and last new-side line a hunk shows (0, 0 for a pure deletion at the top).
func newRange(h diff.Hunk) (int, int) {
	first, last := 0, 0
	for _, l := range h.Lines {
		if l.Kind == diff.Deleted {
			continue
		}
		if first == 0 {
			first = l.New
		}
		last = l.New
	}
	if first == 0 { // only deletions: the hunk sits just after NewStart
		return h.NewStart, h.NewStart
	}
	return first, last
}

// span is an inclusive range of head-side line numbers (1-based).
type span struct{ from, to int }

// contextSpans returns the head-side lines around one hunk worth showing: the
// enclosing top-level block (function, type, class) when a cheap indentation
// scan finds one within maxBlock lines, else n lines either side. Lines the
// hunk itself shows are left out.
func contextSpans(src []string, h diff.Hunk, n, maxBlock int) []span {
	first, last := newRange(h)
	if len(src) == 0 || first > len(src) {
		return nil
	}
	from, to := enclosing(src, first, last, maxBlock)
	if from == 0 {
		return windowSpans(src, h, n)
	}
	return around(from, to, first, last)
}

// windowSpans is n head-side lines either side of the hunk.
func windowSpans(src []string, h diff.Hunk, n int) []span {
	first, last := newRange(h)
	if len(src) == 0 || first > len(src) {
		return nil
	}
	return around(max(1, first-n), min(len(src), last+n), first, last)
}

// around is from..to without first..last.
func around(from, to, first, last int) []span {
	var out []span
	if from < first {
		out = append(out, span{from, first - 1})
	}
	if last < to {
		out = append(out, span{last + 1, to})
	}
	return out
}

// enclosing finds the top-level block around lines first..last: upwards to the
// nearest line that starts at column 0 and opens a declaration, downwards to
// the line at column 0 that closes it. It returns 0, 0 when the block is not
// found or is longer than maxBlock lines, so callers fall back to a window.
func enclosing(src []string, first, last, maxBlock int) (int, int) {
	start := opener(src, first, maxBlock)
	if start == 0 {
		return 0, 0
	}
	for i := max(last, start+1); i <= len(src) && i-start <= maxBlock; i++ {
		l := src[i-1]
		if topLevelCloser(l) {
			return start, i
		}
		if i > last && (topLevelOpener(l) || topLevelStatement(l)) {
			// Indentation-scoped languages (Python) have no closer: end
			// before the next block or top-level statement.
			return start, i - 1
		}
	}
	if len(src)-start <= maxBlock {
		return start, len(src) // the last block of an indentation-scoped file
	}
	return 0, 0
}

func topLevelOpener(l string) bool {
	if l == "" || l[0] == ' ' || l[0] == '\t' || l[0] == '}' || l[0] == ')' {
		return false
	}
	for _, p := range []string{"func ", "def ", "async def ", "class ", "fn ", "pub fn ", "pub(crate) fn ", "async fn ", "pub async fn ", "impl", "type ", "function ", "async function ", "export ", "static ", "public ", "private ", "protected ", "const ", "var ", "let ", "struct ", "enum ", "interface ", "module ", "sub "} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	// C-like definitions: "int main(void) {" and friends.
	return strings.Contains(l, "(") && strings.HasSuffix(strings.TrimSpace(l), "{")
}

// opener is the line (1-based) that opens the top-level block holding line
// first: the nearest opener at or above it within maxBlock lines; 0 when a
// closer or a top-level statement comes first (first is between blocks).
func opener(src []string, first, maxBlock int) int {
	if first < 1 || first > len(src) {
		return 0
	}
	for i := first; i >= 1 && first-i <= maxBlock; i-- {
		l := src[i-1]
		if topLevelOpener(l) {
			return i
		}
		if i < first && topLevelCloser(l) || topLevelStatement(l) {
			return 0
		}
	}
	return 0
}

// topLevelStatement reports a line at column 0 that neither opens nor
// closes a block: top-level code (an assignment, an import, a package
// clause), so whatever is below it is not inside the block above it.
// Comments, decorators, preprocessor lines and labels are neutral: they
// stand at column 0 inside blocks too (gofmt outdents labels).
func topLevelStatement(l string) bool {
	t := strings.TrimRight(l, " \t\r")
	if t == "" || l[0] == ' ' || l[0] == '\t' || topLevelOpener(l) || topLevelCloser(l) {
		return false
	}
	switch t[0] {
	case '#', '/', '*', '@', '{', '}', ')', ']', '"', '\'', '`', '<':
		return false
	}
	if strings.HasSuffix(t, ":") && !strings.ContainsAny(t, " =(") {
		return false // a label
	}
	return true
}

func topLevelCloser(l string) bool {
	t := strings.TrimRight(l, " \t\r")
	return t == "}" || t == "};" || t == ")" || t == "end"
}

// renderSpans renders head-side lines with their numbers, merging overlaps.
func renderSpans(src []string, spans []span) string {
	if len(spans) == 0 {
		return ""
	}
	var b strings.Builder
	prev := 0
	for _, s := range mergeSpans(spans) {
		if prev != 0 && s.from > prev+1 {
			b.WriteString("...\n")
		}
		for i := s.from; i <= s.to && i <= len(src); i++ {
			b.WriteString(strconv.Itoa(i))
			b.WriteByte(' ')
			b.WriteString(src[i-1])
			b.WriteByte('\n')
		}
		prev = s.to
	}
	return b.String()
}

func mergeSpans(in []span) []span {
	s := append([]span(nil), in...)
	// Insertion sort: spans per unit are few.
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].from < s[j-1].from; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	var out []span
	for _, x := range s {
		if n := len(out); n > 0 && x.from <= out[n-1].to+1 {
			out[n-1].to = max(out[n-1].to, x.to)
			continue
		}
		out = append(out, x)
	}
	return out
}

// subtract removes the lines of hunk ranges from spans, so context never
// repeats what the diff already shows.
func subtract(spans []span, shown []span) []span {
	out := mergeSpans(spans)
	for _, h := range shown {
		var next []span
		for _, s := range out {
			if h.to < s.from || h.from > s.to {
				next = append(next, s)
				continue
			}
			if s.from < h.from {
				next = append(next, span{s.from, h.from - 1})
			}
			if s.to > h.to {
				next = append(next, span{h.to + 1, s.to})
			}
		}
		out = next
	}
	return out
}
