package report_test

import (
	"testing"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// TestEvidenceWeighsOnTheGate: a finder whose finding quoted code found in
// the diff counts 1 toward min_agreement, one that gave only a line (or only
// a file), or quoted a near copy of the line, counts ½.
func TestEvidenceWeighsOnTheGate(t *testing.T) {
	set := reporttest.Set()
	files := []string{"store/cache.go", "api/handler.go"}
	quoted := func(title string) review.RawFinding {
		return reporttest.F("store/cache.go", 17, "f, _ := os.Open(c.path(key))", "critical", "bug", title, "`os.Open` result `f` is never closed.")
	}
	lineOnly := func(title string) review.RawFinding {
		return reporttest.F("store/cache.go", 17, "", "critical", "bug", title, "`os.Open` result `f` is never closed.")
	}
	// A near copy of the line: one name changed (the model may imagine
	// the code it reports on).
	near := func(title string) review.RawFinding {
		return reporttest.F("store/cache.go", 17, "f, _ := os.Open(c.path(name))", "critical", "bug", title, "`os.Open` result `f` is never closed.")
	}
	answer := func(name string, i int, f review.RawFinding) review.RawResult {
		return reporttest.Result(name, i, reporttest.Chunk("c1", files, review.Answer{Findings: []review.RawFinding{f}}))
	}
	for _, tt := range []struct {
		name     string
		raw      *review.Raw
		minAgree int
		evidence string
		support  float64
		blocks   bool
	}{
		{"one quote", reporttest.Raw(answer("alice", 0, quoted("File handle leak"))), 1, "quote", 1, true},
		{"one line only", reporttest.Raw(answer("alice", 0, lineOnly("File handle leak"))), 1, "line", 0.5, false},
		{"two lines only", reporttest.Raw(answer("alice", 0, lineOnly("File handle leak")), answer("bob", 1, lineOnly("Leaked file handle"))), 1, "line", 1, true},
		{"quote and line, two needed", reporttest.Raw(answer("alice", 0, quoted("File handle leak")), answer("bob", 1, lineOnly("Leaked file handle"))), 2, "quote", 1.5, false},
		{"two quotes, two needed", reporttest.Raw(answer("alice", 0, quoted("File handle leak")), answer("bob", 1, quoted("Leaked file handle"))), 2, "quote", 2, true},
		{"one near copy", reporttest.Raw(answer("alice", 0, near("File handle leak"))), 1, "near-quote", 0.5, false},
		{"two near copies", reporttest.Raw(answer("alice", 0, near("File handle leak")), answer("bob", 1, near("Leaked file handle"))), 1, "near-quote", 1, true},
		{"a quote and a near copy", reporttest.Raw(answer("alice", 0, quoted("File handle leak")), answer("bob", 1, near("Leaked file handle"))), 2, "quote", 1.5, false},
		{"file level", reporttest.Raw(answer("alice", 0, reporttest.F("store/cache.go", 0, "", "critical", "bug", "Leak", "`f` is never closed."))), 1, "file", 0.5, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := build(t, reporttest.Scenario{Set: set, Raw: tt.raw}, report.Policy{FailOn: "critical", MinAgreement: tt.minAgree})
			if len(r.Findings) != 1 {
				t.Fatalf("want 1 finding, got %d: %+v", len(r.Findings), r.Findings)
			}
			f := r.Findings[0]
			if f.Evidence != tt.evidence || f.Support != tt.support {
				t.Errorf("evidence %q support %v, want %q %v", f.Evidence, f.Support, tt.evidence, tt.support)
			}
			if r.GateTripped() != tt.blocks || (tt.support < float64(tt.minAgree)) != (r.Verdict.WeakEvidence == 1) {
				t.Errorf("gate tripped = %v, want %v (%s)", r.GateTripped(), tt.blocks, r.Verdict.Text)
			}
		})
	}
}
