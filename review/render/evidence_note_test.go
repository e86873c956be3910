package render

import (
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review/report"
)

// TestLineFormatsSayTheEvidenceIsWeaker: code scanning and reviewdog show
// no evidence field, so a finding placed by a line number alone, or quoted
// only as a near copy, says so in its message (and SARIF's properties
// carry the evidence and the support); a quoted finding says nothing.
func TestLineFormatsSayTheEvidenceIsWeaker(t *testing.T) {
	r := &report.Report{Findings: []report.Finding{
		{ID: "q1", Title: "Quoted", Severity: "important", Category: "bug", File: "a.go", Line: 3, EndLine: 3, Evidence: "quote", Support: 1, Reviewers: []string{"x"}, SeenBy: 1},
		{ID: "q2", Title: "By line", Severity: "important", Category: "bug", File: "a.go", Line: 5, EndLine: 5, Evidence: "line", Support: 0.5, Reviewers: []string{"x"}, SeenBy: 1},
		{ID: "q3", Title: "Near", Severity: "important", Category: "bug", File: "a.go", Line: 7, EndLine: 7, Evidence: report.EvidenceNearQuote, Support: 0.5, Reviewers: []string{"x"}, SeenBy: 1},
		{ID: "q4", Title: "Whole file", Severity: "important", Category: "bug", File: "a.go", Evidence: "file", Support: 0.5, Reviewers: []string{"x"}, SeenBy: 1},
	}}
	for name, out := range lineFormats(t, r) {
		for _, want := range []string{"By line [weaker evidence: a line number, no quoted code]", "Near [weaker evidence: a near copy of the code]", "Whole file [weaker evidence: the file only, no quoted code]"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: no %q in\n%s", name, want, out)
			}
		}
		if strings.Contains(out, "Quoted [weaker") {
			t.Errorf("%s: a quoted finding is called weaker:\n%s", name, out)
		}
		if name == "sarif" && (!strings.Contains(out, `"evidence": "line"`) || !strings.Contains(out, `"support": 0.5`)) {
			t.Errorf("sarif: no evidence or support property:\n%s", out)
		}
	}
}
