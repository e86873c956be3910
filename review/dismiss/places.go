package dismiss

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/report"
)

// This file is what a dismissal of a finding at several places
// (report.Finding.Places; quorum dismiss --all-places) records of them, and
// how a later finding's places are checked against it. A count of places
// is not enough: a finding of the same count whose second place is
// another function (a new, never-checked injection that a reviewer now
// reports instead of the checked one) would be covered. So each place is
// named by a fingerprint of its code, made as the finding's own is
// (report.Fingerprint: the anchored line and its enclosing function,
// whitespace-normalised, without line numbers or the path), which
// survives code moving between reviews and changes when that code does.

// ErrNoDiff is PlaceFingerprints' error when it has no diff to read the
// places' code from.
var ErrNoDiff = errors.New("no reviewed diff")

// PlaceFingerprints are the fingerprints of the lines f's members are
// anchored to (each member's, sorted, once each), read from set, the diff
// f was found in: what quorum dismiss --all-places records as the places
// checked. It is an error when set is nil (ErrNoDiff) or does not hold
// one of those lines (a report and a diff that are not each other's).
func PlaceFingerprints(f report.Finding, set *diff.Set) ([]string, error) {
	if set == nil {
		return nil, ErrNoDiff
	}
	p := newPlacer(set)
	var out []string
	for _, m := range f.Members {
		fp, ok := p.memberPrint(f, m)
		if !ok {
			return nil, fmt.Errorf("the diff has no line %s that %s's finding is anchored to", placeName(memberPlace(f, m)), m.Reviewer)
		}
		out = append(out, fp)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// placer reads the fingerprints of places from a reviewed diff.
type placer struct {
	ix    *anchor.Index
	files map[string]*diff.File
	// newByCode are a file's new-side lines by their code without its
	// spaces (Copies).
	newByCode map[string]map[uint64][]*diff.Line
}

// newPlacer is the placer of set; nil (one that knows no place's code)
// for no diff.
func newPlacer(set *diff.Set) *placer {
	return newPlacerOf(set, nil)
}

// newPlacerOf is newPlacer over ix, set's index (nil: one of its own).
func newPlacerOf(set *diff.Set, ix *anchor.Index) *placer {
	if set == nil {
		return nil
	}
	if ix == nil {
		ix = anchor.NewIndex(set)
	}
	p := &placer{ix: ix, files: map[string]*diff.File{}, newByCode: map[string]map[uint64][]*diff.Line{}}
	for i := range set.Files {
		p.files[set.Files[i].Path] = &set.Files[i]
	}
	return p
}

// memberPrint is the fingerprint of the line member m of f is anchored to
// (report.Fingerprint's: its enclosing section and its code; a deleted
// line's old text; for a file-level member the file's base name and the
// member's category). ok is false when the diff does not hold that line.
func (p *placer) memberPrint(f report.Finding, m report.Member) (string, bool) {
	pl, ok := p.place(f, m)
	if !ok {
		return "", false
	}
	return report.Fingerprint(pl.file, pl.line, pl.outer, pl.section, pl.text, m.Category), true
}

// memberPrints are memberPrint's fingerprint and, for a line in no class,
// its v1 one (report.LegacyFingerprint): what an entry made before v2
// recorded of the places it checked.
func (p *placer) memberPrints(f report.Finding, m report.Member) ([]string, bool) {
	pl, ok := p.place(f, m)
	if !ok {
		return nil, false
	}
	prints := []string{report.Fingerprint(pl.file, pl.line, pl.outer, pl.section, pl.text, m.Category)}
	if len(pl.outer) == 0 {
		prints = append(prints, report.LegacyFingerprint(pl.file, pl.line, pl.section, pl.text, m.Category))
	}
	return prints, true
}

// memberCode is what a member's fingerprint hashes: its file, line (1 for
// any line, 0 for the file as a whole), the definitions around it and its
// code.
type memberCode struct {
	file, section, text string
	line                int
	outer               []string
}

// place reads the code member m of f is anchored to from the diff; ok is
// false when the diff does not hold that line.
func (p *placer) place(f report.Finding, m report.Member) (memberCode, bool) {
	file := cmp.Or(m.File, f.File)
	if m.Line == 0 && m.OldLine == 0 {
		return memberCode{file: file}, true
	}
	// The line and its section as anchoring finds them for a finding at
	// that line: the same text and section the finding's fingerprint hashes.
	a, rej := p.ix.Anchor("", "", 0, review.RawFinding{File: file, Line: m.Line, Severity: review.Suggestion, Title: "place"})
	if rej != nil && m.OldLine == 0 {
		return memberCode{}, false
	}
	// Any line number but 0 (the file as a whole): the fingerprint leaves
	// it out, so code moving keeps it.
	pl := memberCode{file: file, line: 1, outer: a.Outer, section: a.Section, text: a.LineText}
	if m.OldLine > 0 {
		// Deleted code sits at one new-side line for its whole hunk: its
		// own old-side line is the code.
		if rej == nil {
			pl.file = a.File
		}
		var ok bool
		if pl.text, ok = p.deletedText(pl.file, m.OldLine); !ok {
			return memberCode{}, false
		}
		if m.Line == 0 {
			// A deleted file: its code's own function, as anchoring finds it.
			chain := p.ix.OldScope(pl.file, m.OldLine)
			pl.outer, pl.section = nil, ""
			if n := len(chain); n > 0 {
				pl.outer, pl.section = chain[:n-1], chain[n-1]
			}
		}
	}
	return pl, true
}

// deletedText is the text of old-side line n of file, deleted by the diff.
func (p *placer) deletedText(file string, n int) (string, bool) {
	f := p.files[file]
	if f == nil {
		return "", false
	}
	for _, h := range f.Hunks {
		for _, l := range h.Lines {
			if l.Kind == diff.Deleted && l.Old == n {
				return l.Text, true
			}
		}
	}
	return "", false
}

// findingPlaces are a finding's places and, when the diff was read, the
// fingerprints of each one's members.
type findingPlaces struct {
	// file is the finding's file, and renamedFrom its path before a
	// rename the reviewed diff shows ("" for none): an entry covers code
	// in its own file, followed through such a rename.
	file, renamedFrom string
	places            []report.Place
	// prints are, by place, the fingerprints of its members' lines; nil
	// when the diff was not read (known false).
	prints [][]string
	known  bool
	// members are the fingerprints of the lines of a finding of one place
	// whose members are on several lines (another reviewer quoting the
	// line above): an entry made when one of them was the finding's
	// fingerprint does not cover it (the merge may have joined another
	// issue), but says why. Read from the diff when first asked (names).
	members *memberPrints
}

// memberPrints are a finding's members' fingerprints, read once.
type memberPrints struct {
	p      *placer
	f      report.Finding
	read   bool
	prints []string
}

// names reports whether fingerprint print is one of the lines of the
// finding's members (a finding of one place whose members are on several
// lines; never without the diff).
func (fp findingPlaces) names(print string) bool {
	m := fp.members
	if m == nil {
		return false
	}
	if !m.read {
		m.read = true
		for _, mem := range m.f.Members {
			if prs, ok := m.p.memberPrints(m.f, mem); ok {
				m.prints = append(m.prints, prs...)
			}
		}
	}
	return slices.Contains(m.prints, print)
}

// of is f's places, with their members' fingerprints when p has a diff
// and f has more than one place (one place is the finding's fingerprint).
func (p *placer) of(f report.Finding) findingPlaces {
	fp := findingPlaces{file: f.File, places: f.Places()}
	if p != nil {
		if df := p.files[f.File]; df != nil && df.OldPath != f.File {
			fp.renamedFrom = df.OldPath
		}
	}
	if p == nil {
		return fp
	}
	if len(fp.places) < 2 {
		if lines := memberLines(f); len(lines) > 1 {
			fp.members = &memberPrints{p: p, f: f}
		}
		return fp
	}
	fp.known, fp.prints = true, make([][]string, len(fp.places))
	for _, m := range f.Members {
		i := placeIndex(fp.places, memberPlace(f, m))
		if prs, ok := p.memberPrints(f, m); ok && i >= 0 {
			fp.prints[i] = append(fp.prints[i], prs...)
		}
	}
	return fp
}

// memberLines are the distinct lines (new or old side) of f's members.
func memberLines(f report.Finding) []int {
	var out []int
	for _, m := range f.Members {
		l := m.Line
		if l == 0 {
			l = -m.OldLine // a deleted line: its old side's
		}
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// unchecked are the places none of whose members' lines is among checked
// (an entry's PlaceFingerprints): every place when the diff was not read.
func (fp findingPlaces) unchecked(checked []string) []report.Place {
	var out []report.Place
	for i, pl := range fp.places {
		if !fp.known || !slices.ContainsFunc(fp.prints[i], func(s string) bool { return slices.Contains(checked, s) }) {
			out = append(out, pl)
		}
	}
	return out
}

// memberPlace is member m of f as a report.Place.
func memberPlace(f report.Finding, m report.Member) report.Place {
	return report.Place{File: cmp.Or(m.File, f.File), Line: m.Line, OldLine: m.OldLine, Reviewer: m.Reviewer, Title: m.Title}
}

// placeIndex is the index in places (report.Finding.Places) of the place
// member place m is in, -1 for none. Places are runs of members in file,
// side (new lines, then deleted ones) and line order, each named by its
// first member: m is in the last place of its file and side, and of its
// kind (the file as a whole or a line), that starts at or before it.
func placeIndex(places []report.Place, m report.Place) int {
	first := func(p report.Place) int { return cmp.Or(p.OldLine, p.Line) }
	at := -1
	for i, p := range places {
		if p.File == m.File && (p.OldLine > 0) == (m.OldLine > 0) && (first(p) == 0) == (first(m) == 0) && first(p) <= first(m) {
			at = i
		}
	}
	return at
}

// placeName is a place as a reader finds it: file:line, the file and its
// deleted line, or the file alone for the file as a whole.
func placeName(p report.Place) string {
	switch {
	case p.OldLine > 0:
		return fmt.Sprintf("%s (deleted line %d)", p.File, p.OldLine)
	case p.Line > 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return p.File
}

// placeNames names places for a sentence.
func placeNames(ps []report.Place) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = placeName(p)
	}
	return strings.Join(names, ", ")
}
