package anchor

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/quorum-review/quorum/diff"
)

// Models re-flow the code they quote: a statement the file wraps over two
// lines is quoted on one (`db.Query("..." + name)` of `db.Query("..." +` and
// `name)`), a long line is quoted broken in two. The code is the same; only
// its layout differs, so a quote that matches no line as written is read
// once more with the layout left out (findReflowed): the quote and each
// hunk's lines of one side (the file as it now reads, or as it read) are
// compared as one flow of code, whitespace dropped but for one space
// between two words, each line's comment left out (so `if(x==nil)` is
// `if (x == nil)` too). A match must be at least MinSubstring bytes, start
// and end at the edges of the code's words as a part of a line must
// (cutsWord), and stay within one hunk and one side: a deleted line and
// the added line that replaced it are never one statement. It is a quote
// of every line it covers; one that stops inside a name or leaves off what
// turns the code around (`!`) is a near copy.

// Flowed is code with its layout left out (see flowed): what a finding's
// fingerprint hashes, so a formatter's pass over the line keeps it.
func Flowed(s string) string { return flowed(Normalize(s)) }

// flowed is code with its layout left out: every run of whitespace dropped,
// except one space where it stood between two word characters (`a b` stays
// apart, `f( a,\n b )` reads `f(a,b)`), and before a negating "!" after a
// word (`if !ok`).
func flowed(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	var last rune
	for i, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && isWord(last) && (isWord(r) || negation(s, i)) {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
		last = r
	}
	return b.String()
}

// negation reports whether s[i] is a "!" that negates what follows (not
// "!="): the space before it is kept, so `if !ok` is no `assert!(ok)`
// (turnsAround reads the difference).
func negation(s string, i int) bool {
	return s[i] == '!' && (i+1 == len(s) || s[i+1] != '=')
}

// codeOnly is line s without its comments in style: its line comment and
// its /* */ spans (each read as a space).
func codeOnly(s, style string) string {
	at, blocks := comments(s, style)
	if at >= 0 {
		s = s[:at]
	}
	for i := len(blocks) - 1; i >= 0; i-- {
		b := blocks[i]
		if b[0] >= len(s) {
			continue
		}
		s = s[:b[0]] + " " + s[min(b[1], len(s)):]
	}
	return s
}

// flow is one hunk's code on one side as a single flowed text, and where
// each of its lines starts in it.
type flow struct {
	text   string
	starts []int // offset in text of each line in lines
	lines  []int // diff line indexes (fileIndex.lines) of the code lines read
}

// lineAt is the diff line index of the line holding text offset at.
func (f flow) lineAt(at int) int {
	i := 0
	for i+1 < len(f.starts) && f.starts[i+1] <= at {
		i++
	}
	return f.lines[i]
}

// flows builds the flowed text of every hunk on side s, once per file.
func (fi *fileIndex) flows(s side) []flow {
	if fi.flowed == nil {
		fi.flowed = map[side][]flow{}
	}
	if fs, ok := fi.flowed[s]; ok {
		return fs
	}
	var out []flow
	for i := 0; i < len(fi.lines); {
		hunk := fi.lines[i].hunk
		var b strings.Builder
		var f flow
		for ; i < len(fi.lines) && fi.lines[i].hunk == hunk; i++ {
			l := fi.lines[i]
			if s.skips(l.kind) {
				continue
			}
			code := flowed(codeOnly(l.norm, fi.comment))
			if code == "" {
				continue
			}
			if b.Len() > 0 {
				last, _ := utf8.DecodeLastRuneInString(b.String())
				first, _ := utf8.DecodeRuneInString(code)
				if isWord(last) && isWord(first) {
					b.WriteByte(' ')
				}
			}
			f.starts = append(f.starts, b.Len())
			f.lines = append(f.lines, i)
			b.WriteString(code)
		}
		f.text = b.String()
		if len(f.lines) > 0 {
			out = append(out, f)
		}
	}
	fi.flowed[s] = out
	return out
}

// findReflowed locates a quote whose code is in the diff laid out on other
// lines (see flowed). As in find, a match that is no near copy wins, then
// the one nearest hint (the finding's line), then an added line over
// context over deleted, then the first found (the new side before the old).
func (fi *fileIndex) findReflowed(quote []quoteLine, hint int) located {
	parts := make([]string, 0, len(quote))
	for _, q := range quote {
		if q.ellipsis {
			return located{} // lines left out: no one flow of code
		}
		parts = append(parts, codeOnly(q.text, fi.comment))
	}
	want := flowed(strings.Join(parts, "\n"))
	wants := []string{want}
	if t, ok := strings.CutSuffix(want, ";"); ok && semicolonless(want) != "" {
		wants = append(wants, t) // a model ends the statement with ";"
	}
	type candidate struct {
		loc  located
		near bool
		dist int
		kind int
	}
	var best candidate
	found := false
	for _, s := range []side{newSide, oldSide} {
		for _, f := range fi.flows(s) {
			for _, w := range wants {
				if len(w) < MinSubstring {
					continue
				}
				for off := 0; ; {
					at := strings.Index(f.text[off:], w)
					if at < 0 {
						break
					}
					from, to := off+at, off+at+len(w)
					off = from + 1
					first, last := f.lineAt(from), f.lineAt(to-1)
					cut := cutsWord(f.text, from, to)
					if cut == cutMeaning {
						continue
					}
					c := candidate{near: cut == cutShort || turnsAround(f.text[:from])}
					c.loc = located{first: first, last: last, kind: fi.kindOf(first, last), deleted: fi.deletedOnly(first, last, s), near: c.near, fits: true, ok: true}
					if hint > 0 {
						c.dist = abs(fi.lines[first].new - hint)
					}
					switch fi.lines[first].kind {
					case diff.Added:
						c.kind = 2
					case diff.Context:
						c.kind = 1
					}
					better := !found || best.near && !c.near ||
						best.near == c.near && (c.dist < best.dist || c.dist == best.dist && c.kind > best.kind)
					if better {
						best, found = c, true
					}
				}
			}
		}
	}
	return best.loc
}
