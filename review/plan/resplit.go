package plan

// This file splits a chunk again after planning, when the server shows the
// chunk did not fit the model's context after all (its tokenizer counted more
// tokens than the budget's bytes-per-token predicted).

// Empty reports whether nothing is to be reviewed: no file with a change.
func (p *Prepared) Empty() bool { return len(p.files) == 0 }

// Split cuts chunk c into smaller chunks that show together exactly what c
// shows: two halves of its files (by size) when it holds several pieces;
// else two groups of the one file's hunks; else the one hunk without its
// context; else two windows of the hunk's lines. It reports false when c is
// a single line of a single hunk, which nothing can make smaller. The
// results keep c's Index and Count (the "part i of N" the prompt shows), and
// their IDs, like any chunk's, hash their own content.
func (pl *Plan) Split(c Chunk) ([]Chunk, bool) {
	if pl.prep == nil || len(c.srcs) != len(c.Files) || len(c.srcs) == 0 {
		return nil, false
	}
	pieces := make([]piece, len(c.srcs))
	total := 0
	for i, s := range c.srcs {
		cost, err := fileCost(c.Files[i])
		if err != nil {
			return nil, false
		}
		pieces[i] = piece{f: c.Files[i], cost: cost, g: s.g, file: s.file}
		total += cost
	}
	if len(pieces) > 1 {
		// The first half takes pieces while it stays within half the size,
		// and at least one.
		cut, size := 1, pieces[0].cost
		for cut < len(pieces)-1 && 2*(size+pieces[cut].cost) <= total {
			size += pieces[cut].cost
			cut++
		}
		return []Chunk{pl.chunk(pieces[:cut], c.Index, c.Count), pl.chunk(pieces[cut:], c.Index, c.Count)}, true
	}
	one := pieces[0]
	fu := pl.prep.files[one.file]
	g := one.g
	var halves []group
	switch {
	case len(g.hunks) > 1:
		mid := len(g.hunks) / 2
		halves = []group{{hunks: g.hunks[:mid], context: g.context}, {hunks: g.hunks[mid:], context: g.context}}
	case len(g.hunks) == 0:
		return nil, false // a file with no hunks: its header alone
	case g.context && len(g.hunks[0].ctx) > 0:
		halves = []group{{hunks: g.hunks, context: false, window: g.window, win: g.win}}
	default:
		w := g.win
		if w == nil {
			w = &winRange{hunk: g.hunks[0], from: 0, to: len(g.hunks[0].lines)}
		}
		if w.to-w.from < 2 {
			return nil, false
		}
		mid := (w.from + w.to) / 2
		halves = []group{window(w.hunk, w.from, mid), window(w.hunk, mid, w.to)}
	}
	var out []Chunk
	for i, h := range halves {
		f := render(fu, h)
		f.Part, f.Parts = one.f.Part, one.f.Parts
		if f.Parts == 0 && len(halves) > 1 {
			f.Part, f.Parts = i+1, len(halves)
		}
		cost, err := fileCost(f)
		if err != nil {
			return nil, false
		}
		out = append(out, pl.chunk([]piece{{f: f, cost: cost, g: h, file: one.file}}, c.Index, c.Count))
	}
	return out, true
}
