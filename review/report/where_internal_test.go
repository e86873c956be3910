package report

import (
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
)

// TestSummarySaysWhereTheChangesAre: a review of the work tree or the
// index has no commits; its summary says where the changes are, not "in 0
// commits".
func TestSummarySaysWhereTheChangesAre(t *testing.T) {
	for mode, want := range map[string]string{
		diff.ModeWorktree: "reviewed 1 file (+1 −0) in the work tree.",
		diff.ModeStaged:   "reviewed 1 file (+1 −0) in the index.",
		diff.ModeRange:    "reviewed 1 file (+1 −0) in 0 commits.",
	} {
		r := &Report{Mode: mode, Totals: Totals{Files: 1, Added: 1}, Verdict: Verdict{Status: VerdictPass, RestsOn: 1, Panel: 1}}
		if got := r.summaryText(); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", mode, got, want)
		}
	}
}
