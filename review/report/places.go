package report

import (
	"cmp"
	"slices"
	"strings"
)

// SamePlace is how many lines apart two reviewers' findings may be
// anchored and still be one place (a line-only finding lands a line or two
// off the statement).
const SamePlace = 3

// Place is one place a finding's members point at: a file, its line (0 for
// the file as a whole) or, for deleted code, its old-side line, and the
// first member there.
type Place struct {
	File     string
	Line     int
	OldLine  int
	Reviewer string
	Title    string
}

// Places lists the distinct places of f's members, by file then line:
// members of one file within SamePlace lines of each other are one place,
// deleted code by its old-side lines (every deletion of a hunk sits at one
// new-side line). A finding the merge (or a judge) joined from findings
// far apart has several; what one dismissal of it would cover.
func (f Finding) Places() []Place {
	type member struct {
		Member
		file        string
		old         bool
		first, last int
	}
	ms := make([]member, 0, len(f.Members))
	for _, m := range f.Members {
		x := member{Member: m, file: cmp.Or(m.File, f.File), first: m.Line, last: max(m.EndLine, m.Line)}
		if m.OldLine > 0 {
			x.old, x.first, x.last = true, m.OldLine, m.OldLine
		}
		ms = append(ms, x)
	}
	slices.SortStableFunc(ms, func(a, b member) int {
		return cmp.Or(strings.Compare(a.file, b.file), cmp.Compare(side(a.old), side(b.old)), cmp.Compare(a.first, b.first))
	})
	var out []Place
	for i, m := range ms {
		if i > 0 {
			prev := ms[i-1]
			if prev.file == m.file && prev.old == m.old && (m.first == 0) == (prev.first == 0) && m.first-prev.last <= SamePlace {
				continue
			}
		}
		p := Place{File: m.file, Line: m.Line, Reviewer: m.Reviewer, Title: m.Title}
		if m.old {
			p.OldLine = m.first
		}
		out = append(out, p)
	}
	return out
}

// side orders the new side's places before the old side's.
func side(old bool) int {
	if old {
		return 1
	}
	return 0
}
