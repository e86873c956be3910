package report_test

import (
	"encoding/json"
	"testing"

	"github.com/quorum-review/quorum/review/report"
)

// TestOlderReportUnreadMatchesCoverage: a report.json saved before one
// spelling (coverage paths escaped for printing, with path_bytes, and the
// verdict's unread list escaped too) reads back with one name per file
// (ExactUnread, as the report store reads it), and Read counts right.
func TestOlderReportUnreadMatchesCoverage(t *testing.T) {
	old := `{"verdict": {"status": "incomplete", "text": "x", "rests_on": 1, "panel": 1, "counts": {"critical":0,"important":0,"suggestion":0},
	   "unread": ["caf\\xe9.go"]},
	 "totals": {"files": 2, "added": 10, "deleted": 0},
	 "coverage": {"reviewers": ["m"], "files": [
	   {"path": "caf\\xe9.go", "status": "added", "added": 7, "by": {"m": "truncated"}, "path_bytes": "Y2Fm6S5nbw=="},
	   {"path": "b.go", "status": "added", "added": 3, "by": {"m": "reviewed"}}]}}`
	var r report.Report
	if err := json.Unmarshal([]byte(old), &r); err != nil {
		t.Fatal(err)
	}
	r.ExactUnread()
	files, added, _ := r.Read()
	if files != 1 || added != 3 {
		t.Errorf("Read() = %d files, +%d; want 1 file, +3 (the unread file's 7 lines not counted)", files, added)
	}
	if got := r.Verdict.Unread[0]; got != r.Coverage.Files[0].Path {
		t.Errorf("unread %q and coverage %q spell one file two ways", got, r.Coverage.Files[0].Path)
	}
}
