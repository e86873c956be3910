package dismiss_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/dismiss"
	"github.com/quorum-review/quorum/review/report"
	rt "github.com/quorum-review/quorum/review/report/reporttest"
)

// lookups are three functions of one file, each an SQL injection, four
// lines apart (three places); above lines of code added above them.
func lookups(above ...string) *diff.Set {
	lines := append(slices.Clone(above),
		"+func ByName(db *sql.DB, name string) {",
		"+	db.Query(fmt.Sprintf(\"SELECT * FROM users WHERE name = '%s'\", name))",
		"+}",
		"+",
		"+func ByEmail(db *sql.DB, email string) {",
		"+	db.Query(\"SELECT * FROM users WHERE email = '\" + email + \"'\")",
		"+}",
		"+",
		"+func ByCity(db *sql.DB, city string) {",
		"+	db.Query(\"SELECT * FROM users WHERE city = '\" + city + \"'\")",
		"+}",
	)
	return set("h.go", 1, lines...)
}

// injection is a reviewer's finding of the injection on line (of
// lookups()) plus shift.
func injection(fn string, line, shift int) review.RawFinding {
	quotes := map[string]string{
		"ByName":  `db.Query(fmt.Sprintf("SELECT * FROM users WHERE name = '%s'", name))`,
		"ByEmail": `db.Query("SELECT * FROM users WHERE email = '" + email + "'")`,
		"ByCity":  `db.Query("SELECT * FROM users WHERE city = '" + city + "'")`,
	}
	f := rt.F("", line+shift, quotes[fn], review.Critical, "security", "SQL injection in "+fn, "user input is put into the query.")
	f.Kind = "sql-injection"
	return f
}

// allPlaces is the entry 'quorum dismiss ID --all-places' records for f
// of a review of s.
func allPlaces(t *testing.T, f report.Finding, s *diff.Set) dismiss.Entry {
	t.Helper()
	e := dismiss.NewEntry(f, "name and email are validated upstream", "ada", time.Date(2026, 12, 5, 2, 26, 38, 0, time.UTC))
	var err error
	if e.PlaceFingerprints, err = dismiss.PlaceFingerprints(f, s); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestDismissalRecordsWhichPlaces: a dismissal of a finding at two places
// (ByName and ByEmail, checked) does not cover the finding of two places
// the next review makes of ByName and ByCity, never checked: it used to,
// as it recorded only how many places it covered. It keeps covering
// ByName and ByEmail when code moves them, or other reviewers find them.
func TestDismissalRecordsWhichPlaces(t *testing.T) {
	s := lookups()
	first := consolidate(t, s, raw(s, map[string]review.RawFinding{"qwen": injection("ByName", 2, 0), "llama": injection("ByEmail", 6, 0)}), nil)
	checked := only(t, first)
	if n := len(checked.Places()); n != 2 {
		t.Fatalf("want one finding of 2 places (what this test guards), got %d places", n)
	}
	e := allPlaces(t, checked, s)
	if len(e.PlaceFingerprints) != 2 || e.Places != 0 {
		t.Fatalf("entry records %v, places %d", e.PlaceFingerprints, e.Places)
	}
	l := &dismiss.Ledger{Entries: []dismiss.Entry{e}}

	// ByCity instead of ByEmail: the same fingerprint (ByName's), the same
	// count, a place nobody checked.
	r := consolidate(t, s, raw(s, map[string]review.RawFinding{"qwen": injection("ByName", 2, 0), "llama": injection("ByCity", 10, 0)}), l)
	if len(r.Findings) != 1 || r.Findings[0].Fingerprint != checked.Fingerprint || len(r.Findings[0].Places()) != 2 {
		t.Fatalf("want ByName and ByCity as one finding named as before (what this test guards); got %d open, %d dismissed", len(r.Findings), len(r.Dismissed))
	}
	if !r.Verdict.GateTripped {
		t.Error("the unchecked injection did not trip the gate")
	}
	if why := dismiss.WhyNot(l, s)(r.Findings[0]); why != "not dismissed: it now points at h.go:10 too, which the dismissal did not check" {
		t.Errorf("why with the diff: %q", why)
	}
	// Without the diff (quorum status reads a saved report) it cannot
	// name the place, and does not claim the dismissal covers it.
	if why := l.Why(r.Findings[0]); why != "not dismissed: it groups reviewers' findings at 2 places, and the dismissal covers only the places it checked" {
		t.Errorf("why without the diff: %q", why)
	}
	if _, ok := dismiss.Matcher(l, nil)(r.Findings[0]); ok {
		t.Error("without the diff, a finding of several places was dismissed")
	}

	// The checked places, moved down by code added above, found by other
	// reviewers, and with a third reviewer at ByName: still dismissed.
	moved := lookups("+// Package h looks users up.", "+", "+import \"fmt\"", "+")
	r = consolidate(t, moved, raw(moved, map[string]review.RawFinding{"gemma": injection("ByEmail", 6, 4), "mistral": injection("ByName", 2, 4), "phi": injection("ByName", 2, 4)}), l)
	if len(r.Dismissed) != 1 || len(r.Findings) != 0 {
		t.Fatalf("the checked places, moved: %d dismissed, %d open (%v)", len(r.Dismissed), len(r.Findings), dismiss.WhyNot(l, moved)(r.Findings[0]))
	}
	// And all three: ByCity is still unchecked.
	r = consolidate(t, s, raw(s, map[string]review.RawFinding{"qwen": injection("ByName", 2, 0), "llama": injection("ByEmail", 6, 0), "gemma": injection("ByCity", 10, 0)}), l)
	if len(r.Dismissed) != 0 || !r.Verdict.GateTripped {
		t.Fatal("a third, unchecked place was dismissed")
	}
}

// TestCountOnlyEntryCoversOnePlace: an entry from before quorum recorded
// which places were checked ("places: 2" alone) says nothing of where, so
// it is read as a dismissal of one place: it still covers the finding at
// its place alone, and a finding of several places is not dismissed until
// it is dismissed again, which records them.
func TestCountOnlyEntryCoversOnePlace(t *testing.T) {
	s := lookups()
	two := only(t, consolidate(t, s, raw(s, map[string]review.RawFinding{"qwen": injection("ByName", 2, 0), "llama": injection("ByEmail", 6, 0)}), nil))
	old := dismiss.Entry{Fingerprint: two.Fingerprint, Kinds: two.Kinds, Severity: two.Severity, Places: 2, Reason: "validated upstream"}
	l := &dismiss.Ledger{Entries: []dismiss.Entry{old}}

	r := consolidate(t, s, raw(s, map[string]review.RawFinding{"qwen": injection("ByName", 2, 0), "llama": injection("ByEmail", 6, 0)}), l)
	if len(r.Dismissed) != 0 || len(r.Findings) != 1 {
		t.Fatalf("a count-only entry covered a finding of 2 places: %d dismissed", len(r.Dismissed))
	}
	const why = "not dismissed: it groups reviewers' findings at 2 places, and the dismissal recorded how many places it covered (2), not which; check each and dismiss it again with --all-places"
	if got := dismiss.WhyNot(l, s)(r.Findings[0]); got != why {
		t.Errorf("why: %q", got)
	}
	if got := l.Why(r.Findings[0]); got != why {
		t.Errorf("why without the diff: %q", got)
	}
	r = consolidate(t, s, raw(s, map[string]review.RawFinding{"qwen": injection("ByName", 2, 0)}), l)
	if len(r.Dismissed) != 1 {
		t.Fatal("a count-only entry no longer covers the finding at its place")
	}
	// Dismissing it again replaces the old entry with one that names them.
	l.Add(allPlaces(t, two, s))
	if len(l.Entries) != 1 || len(l.Entries[0].PlaceFingerprints) != 2 {
		t.Fatalf("ledger %+v", l.Entries)
	}
	r = consolidate(t, s, raw(s, map[string]review.RawFinding{"qwen": injection("ByName", 2, 0), "llama": injection("ByEmail", 6, 0)}), l)
	if len(r.Dismissed) != 1 {
		t.Fatal("dismissed again: not dismissed")
	}
}

// TestPlaceFingerprintsOfDeletedCode: a member about deleted code is
// fingerprinted by its own deleted line (every deletion of a hunk sits at
// one new-side line); without a diff, or with one that lacks a member's
// line, there is nothing to record and PlaceFingerprints says so.
func TestPlaceFingerprintsOfDeletedCode(t *testing.T) {
	s := &diff.Set{Files: []diff.File{rt.File("auth.go", diff.StatusModified, 1, 1,
		" func Handle(w http.ResponseWriter, r *http.Request) {",
		"-	if !authorized(r) {",
		"-		return",
		"-	}",
		"-	limiter.Wait(r.Context())",
		" 	serve(w, r)",
		" }",
	)}}
	member := func(old int) report.Member {
		return report.Member{Reviewer: "alpha", Title: "check removed", Line: 2, EndLine: 2, OldLine: old}
	}
	f := report.Finding{File: "auth.go", Line: 2, Members: []report.Member{member(2), member(5)}}
	prints, err := dismiss.PlaceFingerprints(f, s)
	if err != nil || len(prints) != 2 {
		t.Fatalf("prints %v, %v", prints, err)
	}
	one, err := dismiss.PlaceFingerprints(report.Finding{File: "auth.go", Line: 2, Members: []report.Member{member(5)}}, s)
	if err != nil || len(one) != 1 || !slices.Contains(prints, one[0]) {
		t.Fatalf("the limiter's line alone: %v (of %v), %v", one, prints, err)
	}
	if _, err := dismiss.PlaceFingerprints(f, nil); !errors.Is(err, dismiss.ErrNoDiff) {
		t.Errorf("no diff: %v", err)
	}
	f.Members = append(f.Members, report.Member{Reviewer: "beta", Title: "elsewhere", Line: 40, EndLine: 40})
	if _, err := dismiss.PlaceFingerprints(f, s); err == nil || err.Error() != "the diff has no line auth.go:40 that beta's finding is anchored to" {
		t.Errorf("a line the diff lacks: %v", err)
	}
}

// TestPlaceFingerprintsInTheLedger: the entry's place fingerprints go
// through the file; one that is not a fingerprint is an error naming its
// line, with the hint every ledger error has.
func TestPlaceFingerprintsInTheLedger(t *testing.T) {
	root := t.TempDir()
	path := dismiss.SharedPath(root)
	e := dismiss.Entry{Fingerprint: "0123456789abcdef", Kinds: []string{"sql-injection"}, PlaceFingerprints: []string{"0123456789abcdef", "1234567890123456"}, Reason: "checked both"}
	if err := dismiss.WriteFile(path, &dismiss.Ledger{Entries: []dismiss.Entry{e}}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `place_fingerprints: [0123456789abcdef, "1234567890123456"]`) || strings.Contains(string(b), "places:") {
		t.Errorf("ledger:\n%s", b)
	}
	back, err := dismiss.ReadFile(path, dismiss.SourceShared)
	if err != nil || !slices.Equal(back.Entries[0].PlaceFingerprints, e.PlaceFingerprints) {
		t.Fatalf("read back %+v, %v", back, err)
	}

	const hint = "fix .quorum/dismissed.yaml (a 'dismissed:' list; each entry needs 'fingerprint:' and 'reason:') or remove it; 'quorum dismiss --list' checks it"
	ok := "dismissed:\n  - fingerprint: 0123456789abcdef\n    reason: fine\n"
	for ledger, msg := range map[string]string{
		ok + "    place_fingerprints: [0123456789abcdef, ByCity]\n": `line 4: entry 1: place_fingerprints: "ByCity" is not a fingerprint (16 lower-case hex digits, like 0123456789abcdef)`,
		ok + "    place_fingerprints: 0123456789abcdef\n":           `line 4: entry 1: place_fingerprints: must be a list like [0123456789abcdef, fedcba9876543210], got "0123456789abcdef"`,
	} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(ledger), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := dismiss.ReadFile(path, dismiss.SourceShared)
		if want := "dismissal ledger " + path + ": " + msg; err == nil || err.Error() != want || !errors.Is(err, dismiss.ErrLedger) {
			t.Errorf("%q:\n got %v\nwant %s", ledger, err, want)
			continue
		}
		if got := dismiss.Hint(root, err); got != hint {
			t.Errorf("hint %q", got)
		}
		// A review reading it stops: exit 2, the same hint.
		s := set("store/load.go", 1, body...)
		s.Root = root
		_, err = pipeline.Review(t.Context(), nil, pipeline.Request{Set: s, Raw: raw(s, map[string]review.RawFinding{"alpha": dropped})})
		if exitcode.Of(err) != exitcode.Setup || exitcode.HintOf(err) != hint {
			t.Errorf("review got %v (exit %d, hint %q)", err, exitcode.Of(err), exitcode.HintOf(err))
		}
	}
}

// TestFindingsOfADeletedFileAreApart: in a deleted file every finding is
// about deleted code, at no new-side line. Each is fingerprinted by its
// own deleted line, as in a modified file, so a dismissal of the removed
// CSRF check does not hide the removed admin check: they had shared the
// file's fingerprint.
func TestFindingsOfADeletedFileAreApart(t *testing.T) {
	f := rt.File("auth.go", diff.StatusDeleted, 1, 0,
		"-package auth",
		"-",
		"-func Handle(w http.ResponseWriter, r *http.Request) {",
		"-	if !isAdmin(r) {",
		"-		http.Error(w, \"forbidden\", 403)",
		"-		return",
		"-	}",
		"-	if !validCSRF(r) {",
		"-		return",
		"-	}",
		"-	serve(w, r)",
		"-}",
	)
	s := &diff.Set{Mode: "range", Base: diff.Ref{Commit: "b"}, Head: diff.Ref{Commit: "h"}, Files: []diff.File{f}}
	admin := rt.F("auth.go", 4, "if !isAdmin(r) {", review.Critical, "security", "Admin check removed", "Anyone can now call Handle.")
	csrf := rt.F("auth.go", 8, "if !validCSRF(r) {", review.Critical, "security", "CSRF protection removed", "Forged requests are now served.")
	r := &review.Raw{Results: []review.RawResult{rt.Result("alpha", 0, rt.Chunk("c1", []string{"auth.go"}, review.Answer{Findings: []review.RawFinding{admin, csrf}}))}}
	first := consolidate(t, s, r, nil)
	if len(first.Findings) != 2 || first.Findings[0].Fingerprint == first.Findings[1].Fingerprint {
		t.Fatalf("want 2 findings with their own fingerprints: %+v", first.Findings)
	}
	var dismissed report.Finding
	for _, f := range first.Findings {
		if strings.HasPrefix(f.Title, "CSRF") {
			dismissed = f
		}
		prints, err := dismiss.PlaceFingerprints(f, s)
		if err != nil || len(prints) != 1 || prints[0] != f.Fingerprint {
			t.Errorf("%q: place fingerprints %v (%v), want its own %s", f.Title, prints, err, f.Fingerprint)
		}
	}
	l := &dismiss.Ledger{}
	l.Add(dismiss.NewEntry(dismissed, "the proxy checks CSRF now", "ada", time.Date(2026, 12, 5, 2, 26, 38, 0, time.UTC)))
	again := consolidate(t, s, r, l)
	if len(again.Findings) != 1 || !strings.HasPrefix(again.Findings[0].Title, "Admin") {
		t.Fatalf("after dismissing the CSRF finding, want the admin finding left: %+v", again.Findings)
	}
}

// TestDeletedFilesOfOneLineAreApart: two removed files each holding the
// same check in their own function are two places: a deleted file's code
// is fingerprinted with its old function. They shared one fingerprint, so
// dismissing one removed admin check hid the other.
func TestDeletedFilesOfOneLineAreApart(t *testing.T) {
	removed := func(path, fn string) diff.File {
		return rt.File(path, diff.StatusDeleted, 1, 0,
			"-package legacy",
			"-",
			"-func "+fn+"(w http.ResponseWriter, r *http.Request) {",
			"-	if !isAdmin(r) {",
			"-		return",
			"-	}",
			"-}",
		)
	}
	s := &diff.Set{Mode: "range", Base: diff.Ref{Commit: "b"}, Head: diff.Ref{Commit: "h"}, Files: []diff.File{removed("legacy/export.go", "ExportUsers"), removed("legacy/purge.go", "PurgeAll")}}
	check := func(file, fn string) review.RawResult {
		f := rt.F(file, 4, "if !isAdmin(r) {", review.Critical, "security", "Admin check removed from "+fn, "Anyone can call it now.")
		f.Kind = "missing-authz"
		return rt.Result("alpha", 0, rt.Chunk("c1", []string{file}, review.Answer{Findings: []review.RawFinding{f}}))
	}
	r := &review.Raw{Results: []review.RawResult{check("legacy/export.go", "ExportUsers")}}
	first := only(t, consolidate(t, s, r, nil))
	l := &dismiss.Ledger{}
	l.Add(dismiss.NewEntry(first, "export is gone for good", "ada", time.Date(2026, 12, 5, 2, 26, 38, 0, time.UTC)))
	later := &review.Raw{Results: []review.RawResult{check("legacy/purge.go", "PurgeAll")}}
	if got := consolidate(t, s, later, l); len(got.Findings) != 1 || got.Findings[0].Fingerprint == first.Fingerprint {
		t.Fatalf("the purge check's finding is dismissed by the export one's entry: %+v", got.Findings)
	}
}
