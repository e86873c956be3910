// Package dismiss keeps the dismissal ledger and decides which report findings it, or an inline quorum:ignore, dismisses.
package dismiss

import (
	"slices"
	"strings"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
)

// The ledger's places: SharedFile under the work tree (committed, so the
// team shares it) and LocalFile under the git dir (--local, this clone only).
const (
	SharedFile = diff.LedgerPath
	LocalFile  = "quorum/dismissed.yaml"
)

// Sources of a dismissal, as report.Dismissal.Source says.
const (
	SourceShared = "ledger"
	SourceLocal  = "local"
	SourceInline = "inline"
)

// Entry is one dismissed finding. Fingerprint, Kinds and Severity decide
// what it matches; the rest says what it was, who dismissed it, when and why.
type Entry struct {
	Fingerprint string `yaml:"fingerprint"`
	// Kinds are the dismissed finding's issue kinds (merge's taxonomy), or
	// [other] when it had none: a finding of a known kind the entry does not
	// name is a different issue. None (an entry written by hand, or by
	// quorum before "other" was recorded) agrees with every kind.
	Kinds []string `yaml:"kinds,omitempty,flow"`
	// Severity is the severity of the finding that was dismissed: the entry
	// covers findings at its place up to that severity, never a more severe
	// one (a new opinion of the code, not the one dismissed). "" (an entry
	// written by hand, or by quorum before entries recorded it) covers
	// every severity, as entries always did.
	Severity string `yaml:"severity,omitempty"`
	// Places is how many places the dismissed finding's members pointed
	// at, as quorum recorded it before it recorded which
	// (PlaceFingerprints). A count says nothing of where: a finding of as
	// many places, one of them never checked, would be covered. So an
	// entry with a count only is read as one made for one place: it covers
	// a finding of one place, and a finding of several is not dismissed
	// until it is dismissed again. quorum no longer writes it; 0 is one.
	Places int `yaml:"places,omitempty"`
	// PlaceFingerprints are the places checked when the dismissed finding
	// pointed at several (quorum dismiss --all-places): the fingerprint of
	// each of its members' lines, made as a finding's is (places.go), so
	// they survive code moving and change with the code. The entry covers
	// a finding of several places only when each of its places has a
	// member at one of them. With none, it covers a finding of one place.
	PlaceFingerprints []string `yaml:"place_fingerprints,omitempty,flow"`
	// Span is a short hash of each line the dismissed finding quoted
	// beyond its first (spanOf): the entry does not cover the finding once
	// one of them changes. None: a one-line quote, or an entry written
	// before quorum recorded spans.
	Span []string `yaml:"span,omitempty,flow"`
	// Copies is how many lines of its file held the dismissed finding's
	// code in the diff its report was made from (report.Finding.Copies),
	// when more than one (dismissed with --all-places). The entry covers none of a review's
	// findings at more: a copy of the line added to the function (a second
	// handler's closure) was never judged.
	Copies int `yaml:"copies,omitempty"`
	// Category is the dismissed finding's category, recorded when its
	// kinds are only "other": then the kinds cannot tell a naming nit from
	// a bug of the same line and severity, and the category does (a
	// dismissed style note covers no "bug" there).
	Category string    `yaml:"category,omitempty"`
	ID       string    `yaml:"id,omitempty"`
	File     string    `yaml:"file,omitempty"`
	Title    string    `yaml:"title,omitempty"`
	Reason   string    `yaml:"reason"`
	Who      string    `yaml:"who,omitempty"`
	When     time.Time `yaml:"when,omitempty"`
	// Source is where it was read from (not stored).
	Source string `yaml:"-"`
	// legacy is the v1 fingerprint of the finding a new entry is made for
	// (NewEntry): Add replaces an entry written with it.
	legacy string
}

// Ledger is a list of dismissals.
type Ledger struct {
	Entries []Entry `yaml:"dismissed"`
}

// OtherKind is what an entry records as its kinds when the dismissed
// finding had none of the taxonomy (its reviewers said "other", or named
// none): the entry then covers findings of no known kind at its place,
// and a finding of a known kind there is a different issue.
const OtherKind = "other"

// NewEntry is the entry that dismisses f: its fingerprint, its kinds
// ([other] when it has none) and its severity, which decide what the
// entry covers, and what it was, why, who and when. For a finding of
// several places it covers them only once their PlaceFingerprints (read
// from the reviewed diff) are set: until then, a finding of one place.
func NewEntry(f report.Finding, reason, who string, when time.Time) Entry {
	e := Entry{Fingerprint: f.Fingerprint, legacy: f.LegacyFingerprint, Kinds: slices.Clone(f.Kinds), ID: f.ID, File: f.File, Title: f.Title,
		Reason: strings.TrimSpace(reason), Who: who, When: when, Span: spanOf(f), Copies: f.Copies}
	if len(e.Kinds) == 0 {
		e.Kinds = []string{OtherKind}
	}
	if slices.Equal(e.Kinds, []string{OtherKind}) {
		e.Category = strings.ToLower(strings.TrimSpace(f.Category))
	}
	if review.SeverityRank(f.Severity) > 0 {
		e.Severity = f.Severity
	}
	return e
}
