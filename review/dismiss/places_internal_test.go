package dismiss

import (
	"testing"

	"github.com/quorum-review/quorum/review/report"
)

// placeIndex puts each member in the place report.Finding.Places made of
// it: a chain of members each within report.SamePlace lines of the one
// before is one place, named by its first; a member further than that, on
// the other side (deleted code), in another file or of the file as a whole
// is in another.
func TestPlaceIndexFollowsPlaces(t *testing.T) {
	f := report.Finding{File: "a.go", Members: []report.Member{
		{Reviewer: "r1", Line: 5, EndLine: 5},
		{Reviewer: "r2", Line: 8, EndLine: 8},
		{Reviewer: "r3", Line: 11, EndLine: 11}, // 6 lines from the first, 3 from the one before
		{Reviewer: "r4", Line: 15, EndLine: 15}, // 4 lines from the one before
		{Reviewer: "r5"},                        // the file as a whole
		{Reviewer: "r6", Line: 15, EndLine: 15, OldLine: 30},
		{Reviewer: "r7", Line: 15, EndLine: 15, OldLine: 33},
		{Reviewer: "r8", File: "b.go", Line: 5, EndLine: 5},
	}}
	places := f.Places()
	if len(places) != 5 {
		t.Fatalf("want 5 places (what this test guards), got %+v", places)
	}
	want := map[string]report.Place{}
	for _, p := range places {
		want[p.Reviewer] = p
	}
	in := map[string]string{"r1": "r1", "r2": "r1", "r3": "r1", "r4": "r4", "r5": "r5", "r6": "r6", "r7": "r6", "r8": "r8"}
	for _, m := range f.Members {
		got := placeIndex(places, memberPlace(f, m))
		if got < 0 || places[got] != want[in[m.Reviewer]] {
			t.Errorf("%s: place %d, want the place of %s", m.Reviewer, got, in[m.Reviewer])
		}
	}
}
