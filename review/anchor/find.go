// This file finds a quote in a file of the diff: on which side, at which
// lines, and which match of several ranks first.

package anchor

import "github.com/quorum-review/quorum/diff"

// side is the reading of a hunk a quote is matched against.
type side int

var sides = [...]side{bothSides, newSide, oldSide}

// skips reports whether the side leaves out lines of kind k.
func (s side) skips(k diff.LineKind) bool {
	return s == newSide && k == diff.Deleted || s == oldSide && k == diff.Added
}

// find locates the quote in the file's diff lines, among the matches
// accept takes (nil: all); the best wins by rank.better: markers that fit
// their lines, a whole or part match over a near copy, the line the
// finding names, a match within rankWindow lines of it, a whole line over a
// part of one, the nearest, an added line over context over deleted (by
// the first matched line), exact over all of a line's code, then the first
// found (the diff as shown before the new side before the old). The kind
// of line never trades the unchanged line a model names for an added line
// with the same text elsewhere (which would turn a finding on untouched
// code into one on the change, and flip the gate).
func (fi *fileIndex) find(quote []quoteLine, hint int, accept func(located) bool) located {
	full := quote
	if len(quote) > maxQuoteLines {
		// A quote this long is a model repeating itself: its first lines
		// place it (reading every line against every start of a large diff
		// would cost minutes), and the rest must then follow from there.
		quote = quote[:maxQuoteLines]
		for len(quote) > 0 && quote[len(quote)-1].ellipsis {
			quote = quote[:len(quote)-1]
		}
	}
	var memo map[memoKey]match
	if len(quote) > 1 {
		// A one-line quote reads each diff line once anyway.
		memo = map[memoKey]match{}
	}
	var best rank
	found := false
	var bestSide side
	var first, last int
	var kind diff.LineKind
	// A one-line quote reads the same on every side.
	try := sides[:1]
	if len(quote) > 1 {
		try = sides[:]
	}
	// Lines equal to the quote's first line are tried first; unless one of
	// them starts a match nothing can beat (an exact one of an added line at
	// the model's line), every line is scanned: a whole match elsewhere (its
	// first line carrying a comment the quote left off) is stronger
	// evidence than a near copy here, and a part of the line the model
	// named is nearer than an exact copy elsewhere.
	commented := stripComment(quote[0].text, fi.comment) != quote[0].text
	tryAt := func(i int) {
		for _, s := range try {
			end, worst, fits, touched := fi.matchAt(i, quote, s, memo)
			if worst == noMatch || accept != nil && !accept(located{first: i, last: end, fits: fits, ok: true}) {
				continue
			}
			r := fi.rankAt(i, worst, fits, hint)
			r.commented = commented
			if !found || r.better(best) {
				first, last, kind, best, bestSide, found = i, end, touched, r, s, true
			}
		}
	}
	for _, i := range fi.byNorm[quote[0].text] {
		tryAt(i)
	}
	if quote[0].marked != "" {
		for _, i := range fi.byNorm[quote[0].marked] {
			tryAt(i)
		}
	}
	if !found || !best.unbeatable() {
		for i := range fi.lines {
			tryAt(i)
		}
	}
	if !found {
		return located{}
	}
	if len(full) > len(quote) {
		// Every line of the quote is code of the diff, not the first 40.
		end, worst, fits, touched := fi.matchAt(first, full, bestSide, memo)
		if worst == noMatch {
			return located{}
		}
		last, kind, best.worst, best.fits = end, touched, min(best.worst, worst), best.fits && fits
	}
	return fi.locate(first, last, bestSide, kind, best.worst == similar, best.fits)
}

// locate is a match of lines first..last of side s, touched as kind says
// (matchAt, kindOf): with the old side's readings applied. Unchanged lines
// that stood together before the change, now apart, are a finding on the
// unchanged lines up to the insertion (code the change inserted between
// them is not what the reviewer quoted, nor where it found the issue); code
// as it read, deleted lines and unchanged ones after them, is deleted code,
// not the added lines the old side steps over.
func (fi *fileIndex) locate(first, last int, s side, kind diff.LineKind, near, fits bool) located {
	if s == oldSide && fi.readsOnly(first, last, oldSide, diff.Context) {
		return located{first: first, last: fi.beforeInsertion(first, last), kind: diff.Context, near: near, fits: fits, ok: true}
	}
	if s == oldSide && fi.readsAny(first, last, oldSide, diff.Deleted) {
		kind = diff.Deleted
	}
	return located{first: first, last: last, kind: kind, deleted: fi.deletedOnly(first, last, s), near: near, fits: fits, ok: true}
}

// beforeInsertion is the last line of first..last before the first added
// line in it (blank lines left off): where a quote of unchanged lines that
// stood together before the change ends, now that code sits between them.
func (fi *fileIndex) beforeInsertion(first, last int) int {
	for k := first; k <= last; k++ {
		if fi.lines[k].kind == diff.Added {
			last = k - 1
			break
		}
	}
	for last > first && fi.lines[last].norm == "" {
		last--
	}
	return last
}

// located is where find found a quote: the first and last matched diff
// line indexes, how the change touched the lines the quote matched
// (kind), whether every line the match read is a deleted one, whether a
// line matched only as a near copy, and whether each quote line's marker
// fits its line; ok is false when the quote is not in the file's diff.
type located struct {
	first, last             int
	kind                    diff.LineKind
	deleted, near, fits, ok bool
}

// readsAny reports whether a non-blank line side s reads in first..last
// is of kind k.
func (fi *fileIndex) readsAny(first, last int, s side, k diff.LineKind) bool {
	for _, l := range fi.lines[first : last+1] {
		if l.norm != "" && !s.skips(l.kind) && l.kind == k {
			return true
		}
	}
	return false
}

// readsOnly reports whether every non-blank line side s reads in
// first..last is of kind k.
func (fi *fileIndex) readsOnly(first, last int, s side, k diff.LineKind) bool {
	for _, l := range fi.lines[first : last+1] {
		if l.norm != "" && !s.skips(l.kind) && l.kind != k {
			return false
		}
	}
	return true
}

// rank is how good one match of a quote is (find).
type rank struct {
	fits  bool  // every quote line's marker fits its line
	named bool  // at the line the finding names
	worst match // the weakest line match
	dist  int   // lines from the finding's line (0 without one)
	kind  int   // of the first matched line: 2 added, 1 context, 0 deleted
	// commented: the quote's first line carries a comment of its own,
	// which an exact match holds and a match of the code alone does not.
	commented bool
}

// unbeatable reports whether no match can beat r (rank.better): an exact
// match of added lines at the model's line, markers fitting.
func (r rank) unbeatable() bool {
	return r.fits && r.worst == exact && r.dist == 0 && r.kind == 2
}

// rankAt ranks a match that starts at diff line i: how well it matched
// (worst), whether its markers fit, the line's kind, and its distance from
// the line the finding names (hint, 0 for none).
func (fi *fileIndex) rankAt(i int, worst match, fits bool, hint int) rank {
	r := rank{fits: fits, worst: worst}
	switch fi.lines[i].kind {
	case diff.Added:
		r.kind = 2
	case diff.Context:
		r.kind = 1
	}
	if hint > 0 {
		r.dist = abs(fi.lines[i].new - hint)
		// A deleted line has no number of its own on the new side (it
		// sits at the line after it): the number names it only for the
		// whole of it, not a part.
		r.named = r.dist == 0 && (fi.lines[i].kind != diff.Deleted || worst >= wholeCode)
	}
	return r
}

// better reports whether r beats o.
func (r rank) better(o rank) bool {
	switch {
	case r.fits != o.fits:
		// The side a quote line's marker names ("-}": a deleted brace)
		// outranks everything else; a marker that fits no line (a
		// model's bullet) still lets the text match.
		return r.fits
	case (r.worst == similar) != (o.worst == similar):
		// A whole match, or a part of a line, beats a near copy anywhere.
		return r.worst > o.worst
	case r.named != o.named:
		// A part of the line the model named (its comment left off) is
		// its code as much as an exact copy elsewhere is: an unchanged
		// `safeExec(input)` 30 lines off must not take a finding away
		// from the added `safeExec(input) // run it` it was about.
		return r.named
	case (r.dist <= rankWindow) != (o.dist <= rankWindow):
		// Nor from a line one or two off, as models' line numbers often
		// are: a whole line beats a part of one only nearby.
		return r.dist <= rankWindow
	case (r.worst >= wholeCode) != (o.worst >= wholeCode):
		// Elsewhere, and at the named line itself, a whole line (or all
		// its code) over a part of another: the added `db.Exec(query)`
		// two lines off, not a part of an unchanged line one line off;
		// `return -1` is the deleted line, not a part of the `return -1,
		// blocks` that replaced it.
		return r.worst >= wholeCode
	case r.dist != o.dist:
		return r.dist < o.dist
	case r.commented && (r.worst == exact) != (o.worst == exact):
		// A quote with its comment is the line that has that comment:
		// the deleted `f() // old` a rewrite replaced with `f() // new`,
		// not the new line whose code alone it shares.
		return r.worst == exact
	case r.kind != o.kind:
		// A line rewritten only to add a comment: its new line.
		return r.kind > o.kind
	}
	return r.worst > o.worst
}

// deletedOnly reports whether every non-blank line of a match that its side
// reads is a deleted one: code found only on deleted lines. A match on the
// new side never is.
func (fi *fileIndex) deletedOnly(first, last int, s side) bool {
	return s != newSide && fi.readsOnly(first, last, s, diff.Deleted)
}

// matchAt matches the quote against the lines of side s from diff line i
// on. It returns the index of the last diff line matched, the weakest line
// match (noMatch when the quote does not match there), whether each quote
// line's marker fits its line, and how the change touched the lines the
// quote read (fileIndex.kindOf over them): the matched lines and the lines
// between two consecutive ones (a deleted line a new-side quote steps over
// was touched there), never the lines an ellipsis stands for, which the
// reviewer did not quote.
func (fi *fileIndex) matchAt(i int, quote []quoteLine, s side, memo map[memoKey]match) (end int, worst match, fits bool, touched diff.LineKind) {
	if s.skips(fi.lines[i].kind) {
		return 0, noMatch, false, "" // a match starts on a line of its side
	}
	worst, fits, touched = exact, true, diff.Context
	j, q := i, 0
	last, from := i, i // from: the first line the next match accounts for
	for q < len(quote) {
		ql := quote[q]
		if ql.ellipsis {
			// Find the next quote line within the gap; its own match decides.
			next := quote[q+1]
			found := false
			// Within the hunk of the line before the gap: the lines between
			// two hunks were never shown, so they are no gap to skip.
			for k := j; k < len(fi.lines) && k <= j+maxEllipsisGap && fi.lines[k].hunk == fi.lines[last].hunk; k++ {
				if s.skips(fi.lines[k].kind) {
					continue
				}
				if m := matchLine(next, fi.lines[k].norm, fi.comment); m != noMatch {
					j, found = k, true
					break
				}
			}
			if !found {
				return 0, noMatch, false, ""
			}
			from = j
			q++
			continue
		}
		for j < len(fi.lines) && q > 0 && (fi.lines[j].norm == "" || s.skips(fi.lines[j].kind)) {
			j++ // blank lines, and lines of the other side, are skipped
		}
		if j >= len(fi.lines) || q > 0 && fi.lines[j].hunk != fi.lines[last].hunk {
			// The next line of another hunk is not the next line of
			// the file: a quote does not run from one hunk into the next.
			return 0, noMatch, false, ""
		}
		key := memoKey{q, fi.lines[j].norm}
		m, ok := memo[key]
		if !ok {
			m = matchLine(ql, fi.lines[j].norm, fi.comment)
			if m < substring {
				// The code itself, comments aside, outranks a near copy.
				m = max(m, codeMatch(ql, fi.lines[j].norm, fi.comment))
			}
			if memo != nil {
				memo[key] = m
			}
		}
		if m == noMatch {
			return 0, noMatch, false, ""
		}
		fits = fits && ql.kindFits(fi.lines[j].kind, fi.lines[j].norm)
		worst = min(worst, m)
		touched = stronger(touched, fi.kindOf(from, j))
		last = j
		j++
		from = j
		q++
	}
	return last, worst, fits, touched
}

// rankWindow is how far from the finding's line a whole-line match may
// beat a nearer part of a line (rank.better): models' line numbers are
// often one to five lines off, seldom more.
const rankWindow = 5

// memoKey is one quote line (its index) against one diff line's text: a
// file of many equal lines (generated code, a table) is matched once per
// distinct line, not once per start.
type memoKey struct {
	q    int
	line string
}

// stronger is the kind kindOf gives lines of kinds a and b together.
func stronger(a, b diff.LineKind) diff.LineKind {
	switch {
	case a == diff.Added || b == diff.Added:
		return diff.Added
	case a == diff.Deleted || b == diff.Deleted:
		return diff.Deleted
	}
	return diff.Context
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

const (
	bothSides side = iota // the diff as shown, deleted and added lines both
	newSide               // the file as it now reads: deleted lines skipped
	oldSide               // the file as it read: added lines skipped
)
