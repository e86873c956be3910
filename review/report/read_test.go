package report

import "testing"

// TestReadCountsOnlyWhatWasRead: a review stopped after some files says,
// in the summary and the metrics alike, how many files and lines some
// reviewer read in full, never the whole change.
func TestReadCountsOnlyWhatWasRead(t *testing.T) {
	r := &Report{
		Interrupted: true,
		Verdict:     Verdict{RestsOn: 1, Panel: 1},
		Totals:      Totals{Files: 3, Added: 30, Deleted: 3},
		Reviewers:   []Reviewer{{Name: "a", Status: "partial", Chunks: 3, FailedChunks: 1}},
		Coverage: Coverage{Reviewers: []string{"a"}, Files: []FileCoverage{
			{Path: "one.go", Added: 10, Deleted: 1, By: map[string]string{"a": CoverReviewed}},
			{Path: "two.go", Added: 10, Deleted: 1, By: map[string]string{"a": CoverReviewed}},
			{Path: "three.go", Added: 10, Deleted: 1, By: map[string]string{"a": CoverNotCovered}},
		}},
	}
	if files, added, deleted := r.Read(); files != 2 || added != 20 || deleted != 2 {
		t.Errorf("Read() = %d files +%d −%d, want 2 files +20 −2", files, added, deleted)
	}
	r.Verdict.RestsOn = 0
	if files, added, deleted := r.Read(); files != 0 || added != 0 || deleted != 0 {
		t.Errorf("no reviewer answered: Read() = %d files +%d −%d, want nothing", files, added, deleted)
	}
}
