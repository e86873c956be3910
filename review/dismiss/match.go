// This file decides whether an entry dismisses a finding (its place, its
// kinds, its severity, its copies) and says why one does not.

package dismiss

import (
	"cmp"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/report"
)

// Matches reports whether e dismisses f, without the diff f was found in:
// the same fingerprint, kinds the entry covers (kindsCovered: it names
// none, or every one of f's, a finding of no known kind counting as
// "other"), a severity the entry covers (f is no more severe than the
// finding that was dismissed), the quoted lines it recorded, its copies,
// and one place. Whether a finding of several
// places is at places the entry checked is read from the diff (Matcher);
// without it such a finding is not dismissed.
func (e Entry) Matches(f report.Finding) bool { return e.matches(f, (*placer)(nil).of(f)) }

// matches is Matches, with f's places (and, read from the diff, their
// fingerprints).
func (e Entry) matches(f report.Finding, at findingPlaces) bool {
	return e.at(f) && e.inFile(at) && kindsCovered(e.Kinds, f.Kinds) && e.categoryAgrees(f) && e.covers(f.Severity) && e.spanAgrees(f) && e.coversCopies(f) && e.coversPlaces(at)
}

// categoryAgrees reports whether the entry, when it recorded a category
// (kinds only "other"), is of f's category: a dismissed style note of a
// line does not cover a bug there that names no kind either (helper 250).
func (e Entry) categoryAgrees(f report.Finding) bool {
	return e.Category == "" || strings.EqualFold(e.Category, strings.TrimSpace(f.Category))
}

// coversCopies reports whether the entry covers f's copies: no more lines
// of its file hold its code than did when it was dismissed.
func (e Entry) coversCopies(f report.Finding) bool { return f.Copies <= max(e.Copies, 1) }

// at reports whether the entry names f's place: its fingerprint, or the
// v1 fingerprint an entry written before v2 has (report.LegacyFingerprint).
func (e Entry) at(f report.Finding) bool {
	return e.Fingerprint == f.Fingerprint || f.LegacyFingerprint != "" && e.Fingerprint == f.LegacyFingerprint
}

// inFile reports whether the entry covers code in the file of a finding
// at places at: its own file, or the path that file had before a rename
// the reviewed diff shows. The same code in another file is another
// place: a copy of a dismissed line elsewhere (a production manifest
// beside a dev one, a second handler) may well be the bug the first was
// not. An entry that names no file (written by hand) covers any.
func (e Entry) inFile(at findingPlaces) bool {
	// A hand-written `./a.go` or `a//b.go` names the repository path.
	file := strings.TrimPrefix(path.Clean(filepath.ToSlash(e.File)), "./")
	return e.File == "" || file == at.file || at.renamedFrom != "" && file == at.renamedFrom
}

// coversPlaces reports whether the entry covers a finding at places at:
// one place (the fingerprint names it), or places each of which has a
// member at a place the dismissal checked. A count of places alone
// (Places, from before quorum recorded which) covers one place only.
func (e Entry) coversPlaces(at findingPlaces) bool {
	if len(at.places) <= 1 {
		return true
	}
	return at.known && len(e.PlaceFingerprints) > 0 && len(at.unchecked(e.PlaceFingerprints)) == 0
}

// covers reports whether the entry covers a finding of severity sev: up
// to its own severity, every severity when it records none.
func (e Entry) covers(sev string) bool {
	return e.Severity == "" || review.SeverityRank(sev) <= review.SeverityRank(e.Severity)
}

// kindsCovered reports whether the entry kinds a cover every kind of a
// finding's kinds b: a names none (a ledger written before entries
// recorded kinds), or each of b is one of a (b naming none is "other").
// A finding that now also names a kind the dismissal did not (another
// reviewer's SQL injection merged into a dismissed unchecked error) is
// not covered: that issue was never judged a false positive.
func kindsCovered(a, b []string) bool {
	return len(a) == 0 || len(uncoveredKinds(a, b)) == 0
}

// uncoveredKinds are the kinds of b (a finding's; none is "other") that
// the entry kinds a do not name.
func uncoveredKinds(a, b []string) []string {
	if len(b) == 0 {
		b = []string{OtherKind}
	}
	var out []string
	for _, k := range b {
		if !slices.Contains(a, k) {
			out = append(out, k)
		}
	}
	return out
}

// kindsAgree reports whether kinds b (a finding's, or a new entry's) are
// an issue the entry kinds a covers: a names none (a ledger written before
// entries recorded kinds), or they share one. Kinds b that name none are
// "other": an entry of a known kind does not cover a finding of no known
// kind there (it may be any other defect), nor an "other" entry one of a
// known kind.
func kindsAgree(a, b []string) bool {
	if len(a) == 0 {
		return true
	}
	if len(b) == 0 {
		b = []string{OtherKind}
	}
	for _, k := range a {
		if slices.Contains(b, k) {
			return true
		}
	}
	return false
}

// Why says why no entry of l dismisses f although one is at its place
// (the same fingerprint): "not dismissed: critical, the dismissal covered
// suggestion" when f is more severe than what was dismissed there (said
// first: it is what a reader weighs), else "not dismissed:
// sql-injection, the dismissal covered other" when it is another kind of
// issue, else why its places are not the dismissal's. It is "" when an
// entry dismisses f, or none is at its place. It does not read the diff f
// was found in (WhyNot does), so it cannot name which of f's places the
// dismissal did not check.
func (l *Ledger) Why(f report.Finding) string { return l.why(f, (*placer)(nil).of(f)) }

// WhyNot is Why for the findings of a review of set: a finding of several
// places names the places the dismissal did not check.
func WhyNot(l *Ledger, set *diff.Set) func(report.Finding) string {
	return whyNot(l, newPlacer(set), lineIndex(set))
}

func whyNot(l *Ledger, p *placer, lines diffLines) func(report.Finding) string {
	return func(f report.Finding) string {
		if l != nil && len(l.Entries) > 0 { // no entry: no place's code to read
			if why := l.why(f, p.of(f)); why != "" {
				return why
			}
		}
		return inlineWhyNot(lines, f)
	}
}

// Stage is the pipeline's dismissal stage for a review of set with ledger
// l: report.Input's Dismiss (Matcher), WhyNot and Copies, over one reading
// of the diff.
type Stage struct {
	Dismiss func(report.Finding) (report.Dismissal, bool)
	WhyNot  func(report.Finding) string
	Copies  func(report.Finding) []int
}

// NewStage is the Stage of a review of set with ledger l (nil for none).
// ix is set's anchor index when the caller has one (the pipeline's, which
// anchored the findings), else nil.
func NewStage(l *Ledger, set *diff.Set, ix *anchor.Index) Stage {
	p, lines := newPlacerOf(set, ix), lineIndex(set)
	return Stage{Dismiss: matcher(l, lines, p), WhyNot: whyNot(l, p, lines), Copies: copies(set, p)}
}

func (l *Ledger) why(f report.Finding, at findingPlaces) string {
	if l == nil {
		return ""
	}
	var below, otherKind, otherCategory, placed, otherFile, changed, copied, member *Entry
	for i := range l.Entries {
		e := &l.Entries[i]
		switch {
		case !e.at(f) && at.names(e.Fingerprint) && e.inFile(at):
			// It names a member's line, not the one the finding is named
			// after: the merge joined another reviewer's finding to the
			// dismissed one. The same issue, or another one nearby (in
			// another function, even): checked, not assumed.
			member = e
		case !e.at(f):
		case e.matches(f, at):
			return ""
		case !e.inFile(at):
			if otherFile == nil || e.File < otherFile.File {
				otherFile = e
			}
		case kindsCovered(e.Kinds, f.Kinds) && e.covers(f.Severity) && !e.categoryAgrees(f):
			otherCategory = e
		case kindsCovered(e.Kinds, f.Kinds) && e.covers(f.Severity) && !e.spanAgrees(f):
			changed = e
		case kindsCovered(e.Kinds, f.Kinds) && e.covers(f.Severity) && !e.coversCopies(f):
			copied = e
		case kindsCovered(e.Kinds, f.Kinds) && e.covers(f.Severity):
			// Only the places differ: the entry that checked the most of
			// them says the most.
			if placed == nil || len(at.unchecked(e.PlaceFingerprints)) < len(at.unchecked(placed.PlaceFingerprints)) {
				placed = e
			}
		case !e.covers(f.Severity):
			// The entry of this issue (kinds that agree) first, then the
			// one that covered the most.
			if below == nil || cmp.Or(compareBool(kindsCovered(e.Kinds, f.Kinds), kindsCovered(below.Kinds, f.Kinds)),
				cmp.Compare(review.SeverityRank(e.Severity), review.SeverityRank(below.Severity))) > 0 {
				below = e
			}
		case otherKind == nil || strings.Join(e.Kinds, ",") < strings.Join(otherKind.Kinds, ","):
			otherKind = e
		}
	}
	switch {
	case member != nil && placed == nil && below == nil && otherKind == nil && otherCategory == nil && changed == nil && copied == nil:
		return fmt.Sprintf("not dismissed: the dismissal covers one of its reviewers' lines only; it now groups %s, named after line %d: check it, then dismiss it again", reviewerLines(f), f.Line)
	case changed != nil && placed == nil:
		return "not dismissed: the code it quotes changed since it was dismissed"
	case copied != nil && placed == nil:
		return fmt.Sprintf("not dismissed: the same code is now on %d lines of %s, and the dismissal covered %d; check each, then dismiss it again with --all-places", f.Copies, f.File, max(copied.Copies, 1))
	case otherFile != nil && placed == nil && below == nil && otherKind == nil && otherCategory == nil && changed == nil && copied == nil:
		return fmt.Sprintf("not dismissed: the dismissal is of the same code in %s; this is another place", otherFile.File)
	case placed != nil:
		return placed.whyPlaces(at)
	case below != nil:
		return fmt.Sprintf("not dismissed: %s, the dismissal covered %s", f.Severity, below.Severity)
	case otherKind != nil:
		return fmt.Sprintf("not dismissed: %s, the dismissal covered %s", strings.Join(uncoveredKinds(otherKind.Kinds, f.Kinds), ", "), strings.Join(otherKind.Kinds, ", "))
	case otherCategory != nil:
		return fmt.Sprintf("not dismissed: a %s finding, the dismissal covered %s", cmp.Or(strings.ToLower(f.Category), "uncategorised"), otherCategory.Category)
	}
	return ""
}

// whyPlaces says why the entry, of the finding's issue, does not cover a
// finding at places at.
func (e *Entry) whyPlaces(at findingPlaces) string {
	n := len(at.places)
	switch {
	case len(e.PlaceFingerprints) > 0 && !at.known:
		return fmt.Sprintf("not dismissed: it groups reviewers' findings at %d places, and the dismissal covers only the places it checked", n)
	case len(e.PlaceFingerprints) > 0:
		return fmt.Sprintf("not dismissed: it now points at %s too, which the dismissal did not check", placeNames(at.unchecked(e.PlaceFingerprints)))
	case e.Places > 1:
		return fmt.Sprintf("not dismissed: it groups reviewers' findings at %d places, and the dismissal recorded how many places it covered (%d), not which; check each and dismiss it again with --all-places", n, e.Places)
	}
	return fmt.Sprintf("not dismissed: it now groups reviewers' findings at %d places, the dismissal covered 1", n)
}

// reviewerLines names f's members' lines, as "gemma2:9b at 8, qwen at 6".
func reviewerLines(f report.Finding) string {
	var out []string
	for _, m := range f.Members {
		line := m.Line
		if line == 0 {
			line = m.OldLine
		}
		if s := fmt.Sprintf("%s at %d", m.Reviewer, line); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return strings.Join(out, ", ")
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// Matcher is the pipeline's dismissal stage: it returns report.Input's
// Dismiss for a ledger (nil for none) and the reviewed diff, where inline
// quorum:ignore comments and the code of a finding's places are read
// (without it, a finding of several places is never dismissed). It is a pure function of its inputs; the
// ledger's order does not matter.
func Matcher(l *Ledger, set *diff.Set) func(report.Finding) (report.Dismissal, bool) {
	return matcher(l, lineIndex(set), newPlacer(set))
}

func matcher(l *Ledger, lines diffLines, places *placer) func(report.Finding) (report.Dismissal, bool) {
	var entries []Entry
	if l != nil {
		entries = slices.Clone(l.Entries)
		sortEntries(entries)
		// The shared ledger first, so a team's reason wins over a local one.
		rank := func(e Entry) int {
			if e.Source == SourceLocal {
				return 1
			}
			return 0
		}
		slices.SortStableFunc(entries, func(a, b Entry) int { return cmp.Compare(rank(a), rank(b)) })
	}
	return func(f report.Finding) (report.Dismissal, bool) {
		var at findingPlaces
		if len(entries) > 0 {
			at = places.of(f) // its places' code, read only for a ledger
		}
		for _, e := range entries {
			if e.matches(f, at) {
				d := report.Dismissal{Reason: e.Reason, Who: e.Who, Source: cmp.Or(e.Source, SourceShared)}
				if !e.When.IsZero() {
					d.When = e.When.UTC().Format(time.RFC3339)
				}
				return d, true
			}
		}
		if reason, at, ok := inline(lines, f); ok {
			return report.Dismissal{Reason: reason, Source: SourceInline, Line: at}, true
		}
		return report.Dismissal{}, false
	}
}

// KindsAgree reports whether an entry of kinds a is of the issue of kinds
// b: a names none, or they share one (none in b is "other").
func KindsAgree(a, b []string) bool { return kindsAgree(a, b) }

// KindKey names the entry's kinds as a set: sorted, comma-separated, ""
// for none (an entry written by hand).
func (e Entry) KindKey() string { return KindKey(e.Kinds) }

// KindKey names a set of kinds: sorted, comma-separated, blanks dropped.
func KindKey(kinds []string) string {
	var ks []string
	for _, k := range kinds {
		if k = strings.TrimSpace(k); k != "" {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	return strings.Join(slices.Compact(ks), ",")
}

// Named reports whether one of keys is the entry's finding id or its
// fingerprint.
func (e Entry) Named(keys []string) bool {
	return slices.Contains(keys, e.ID) || slices.Contains(keys, e.Fingerprint)
}
