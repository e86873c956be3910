package render

// Inline text for the terminal renderer: runs of styled text, entity and
// escape decoding, and word wrapping that keeps each run's style.

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/rivo/uniseg"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"

	"github.com/quorum-review/quorum/internal/safetext"
)

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
		// Shown with its backticks (a fence longer than any run inside
		// it), so it reads as code without color and reads back as the
		// span it was.
		return append(out, piece{text: codeSpanOf(clean(b.String())), look: l.with(codeSpan)})
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
// characters after that.
func clean(s string) string {
	return safetext.Sanitize(s)
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
