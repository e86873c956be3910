package dismisscmd

import (
	"slices"
	"testing"
	"time"

	"github.com/quorum-review/quorum/review/dismiss"
	"github.com/quorum-review/quorum/review/report"
)

// A judged finding is recorded as each rules finding it holds, all under
// its id; any other finding as itself.
func TestPartsOf(t *testing.T) {
	plain := report.Finding{ID: "Q1", Fingerprint: "fp1", File: "a.go", Line: 3}
	if got := partsOf(plain); len(got) != 1 || got[0].Fingerprint != "fp1" {
		t.Fatalf("plain: %+v", got)
	}
	judged := report.Finding{ID: "Q2", Fingerprint: "fpA", Parts: []report.Part{
		{Fingerprint: "fpA", Kinds: []string{"sql-injection"}, Severity: "critical", File: "a.go", Line: 4, Title: "SQL"},
		{Fingerprint: "fpB", Kinds: []string{"unchecked-error"}, Severity: "important", File: "b.go", Line: 9, Title: "err"},
	}}
	got := partsOf(judged)
	if len(got) != 2 || got[0].ID != "Q2" || got[1].ID != "Q2" || got[1].Fingerprint != "fpB" || got[1].Severity != "important" || got[1].Kinds[0] != "unchecked-error" {
		t.Fatalf("judged: %+v", got)
	}
}

// Each entry of a judged finding of several places names the places
// checked: the judged finding's, whichever grouping the next review makes
// holds them. A finding of one place names none.
func TestRecordNamesThePlacesOfEachPart(t *testing.T) {
	root := t.TempDir()
	path := dismiss.SharedPath(root)
	judged := report.Finding{ID: "Q2", Fingerprint: "aaaaaaaaaaaaaaaa", Parts: []report.Part{
		{Fingerprint: "aaaaaaaaaaaaaaaa", Kinds: []string{"sql-injection"}, Severity: "critical", File: "a.go", Line: 4, Title: "SQL"},
		{Fingerprint: "bbbbbbbbbbbbbbbb", Kinds: []string{"sql-injection"}, Severity: "critical", File: "b.go", Line: 9, Title: "SQL too"},
	}}
	plain := report.Finding{ID: "Q3", Fingerprint: "cccccccccccccccc", File: "c.go", Line: 2}
	prints := map[string][]string{"Q2": {"0123456789abcdef", "fedcba9876543210"}}
	if _, err := record(t.Context(), root, path, dismiss.SourceShared, []report.Finding{judged, plain}, prints, func(f report.Finding) dismiss.Entry {
		return dismiss.NewEntry(f, "checked", "", time.Time{})
	}); err != nil {
		t.Fatal(err)
	}
	l, err := dismiss.ReadFile(path, dismiss.SourceShared)
	if err != nil || len(l.Entries) != 3 {
		t.Fatalf("%+v, %v", l, err)
	}
	for _, e := range l.Entries {
		if want := prints[e.ID]; !slices.Equal(e.PlaceFingerprints, want) {
			t.Errorf("%s %s: places %v, want %v", e.ID, e.Fingerprint, e.PlaceFingerprints, want)
		}
	}
}
