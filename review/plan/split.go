package plan

import (
	"fmt"
	"strings"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/prompts"
)

// piece is one rendered part of a file and its size in the prompt.
type piece struct {
	f    prompts.File
	cost int
	g    group
	file int // index in Prepared.files
}

// group is a run of a file's hunks (or a window of one hunk's lines) rendered together.
type group struct {
	hunks   []hunkUnit
	context bool
	window  string // "lines a-b of hunk" when a hunk is cut into windows
	// win is the window's place in its whole hunk, so Split can halve it.
	win *winRange
}

// winRange is lines [from, to) of hunk.
type winRange struct {
	hunk     hunkUnit
	from, to int
}

func render(fu fileUnits, g group) prompts.File {
	pf := fileHeader(fu.f)
	var d strings.Builder
	var block, win, shown []span
	for _, hu := range g.hunks {
		d.WriteString(hunkHeader(hu.h, hu.section, g.window))
		renderLines(&d, hu.lines)
		if g.context {
			block = append(block, hu.ctx...)
			win = append(win, hu.window...)
		}
		shown = append(shown, hu.shown)
	}
	pf.Diff = d.String()
	// The enclosing blocks while they stay within their share of the diff,
	// else the plain window around each hunk, else nothing.
	limit := max(int(functionShare*float64(len(pf.Diff))), minContextBytes)
	for _, spans := range [][]span{block, win} {
		if len(spans) == 0 {
			continue
		}
		if ctx := renderSpans(fu.src, subtract(spans, shown)); len(ctx) <= limit {
			pf.Context = ctx
			break
		}
	}
	return pf
}

// splitFile renders fu as pieces no bigger than avail bytes. dropped reports
// lines that could not fit even one per piece.
func splitFile(fu fileUnits, avail int) (pieces []piece, dropped bool, err error) {
	if len(fu.hunks) == 0 {
		return nil, false, nil
	}
	cost := func(g group) (prompts.File, int, error) {
		f := render(fu, g)
		c, err := fileCost(f)
		return f, c, err
	}
	// Whole file with context, then whole file without.
	for _, withCtx := range []bool{true, false} {
		f, c, err := cost(group{hunks: fu.hunks, context: withCtx})
		if err != nil {
			return nil, false, err
		}
		if c <= avail {
			return []piece{{f: f, cost: c, g: group{hunks: fu.hunks, context: withCtx}}}, false, nil
		}
	}
	// Groups of hunks: extend the current group while it fits. Keep room for
	// the "part k of n" note the header gains.
	avail -= len(", part 9999 of 9999")
	var groups []group
	var cur *group
	for _, hu := range fu.hunks {
		if cur != nil {
			// Extend with the same context choice, so earlier hunks keep theirs.
			try := group{hunks: append(append([]hunkUnit(nil), cur.hunks...), hu), context: cur.context}
			if _, c, err := cost(try); err != nil {
				return nil, false, err
			} else if c <= avail {
				*cur = try
				continue
			}
			groups = append(groups, *cur)
			cur = nil
		}
		for _, withCtx := range []bool{true, false} {
			g := group{hunks: []hunkUnit{hu}, context: withCtx}
			if _, c, err := cost(g); err != nil {
				return nil, false, err
			} else if c <= avail {
				cur = &g
				break
			}
		}
		if cur == nil {
			// One hunk alone is too big: cut it into windows of lines.
			ws, lost, err := windows(fu, hu, avail)
			if err != nil {
				return nil, false, err
			}
			dropped = dropped || lost
			groups = append(groups, ws...)
		}
	}
	if cur != nil {
		groups = append(groups, *cur)
	}
	for i, g := range groups {
		f := render(fu, g)
		f.Part, f.Parts = i+1, len(groups)
		c, err := fileCost(f)
		if err != nil {
			return nil, false, err
		}
		pieces = append(pieces, piece{f: f, cost: c, g: g})
	}
	return pieces, dropped, nil
}

// window is lines [start, end) of hunk hu, without context.
func window(hu hunkUnit, start, end int) group {
	sub := hu
	sub.lines = hu.lines[start:end]
	return group{hunks: []hunkUnit{sub}, window: fmt.Sprintf("lines %d-%d of %d in this hunk", start+1, end, len(hu.lines)),
		win: &winRange{hunk: hu, from: start, to: end}}
}

// windows cuts one hunk into consecutive line windows that fit, without
// context. Sizes add up line by line (the header is measured once), so a huge
// hunk is cut in linear time; dropped reports a line larger than the budget.
func windows(fu fileUnits, hu hunkUnit, avail int) ([]group, bool, error) {
	mk := func(start, end int) group { return window(hu, start, end) }
	n := len(hu.lines)
	// The header with the longest window note, and no lines.
	head, err := fileCost(render(fu, group{hunks: []hunkUnit{{h: hu.h, section: hu.section}}, window: fmt.Sprintf("lines %d-%d of %d in this hunk", n, n, n)}))
	if err != nil {
		return nil, false, err
	}
	lineCost := make([]int, n)
	for i, l := range hu.lines {
		var b strings.Builder
		renderLines(&b, []diff.Line{l})
		lineCost[i] = b.Len()
	}
	var out []group
	dropped := false
	for start := 0; start < n; {
		end, size := start, head
		for end < n && size+lineCost[end] <= avail {
			size += lineCost[end]
			end++
		}
		if end == start {
			dropped = true // a single line is larger than the whole budget
			start++
			continue
		}
		out = append(out, mk(start, end))
		start = end
	}
	return out, dropped, nil
}
