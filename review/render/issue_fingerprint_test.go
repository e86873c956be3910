package render

import (
	"testing"

	"github.com/quorum-review/quorum/review/report"
)

// sarifPrints are the quorumFingerprint/v3 of each result of r's SARIF log.
func sarifPrints(t *testing.T, r *report.Report) []string {
	t.Helper()
	var out []string
	for _, res := range sarifResults(t, r) {
		out = append(out, res.PartialFingerprints["quorumFingerprint/v3"])
	}
	return out
}

// rdCodes are the rule codes of r's rdjsonl diagnostics.
func rdCodes(t *testing.T, r *report.Report) []string {
	t.Helper()
	var out []string
	for _, d := range rdDiagnostics(t, r) {
		out = append(out, d.Code.Value)
	}
	return out
}

// Two issues of one line in one category (an overflow and a wrong factor)
// share the finding fingerprint; the ledger tells them apart by their
// kinds, and so must SARIF and reviewdog, or code scanning makes them one
// alert. Line drift and a rewording keep a finding's print, and so does
// dismissing the other one.
func TestIssueFingerprintsTellTwoIssuesOfOneLineApart(t *testing.T) {
	overflow := report.Finding{ID: "Q4fc0d269de", Severity: "critical", Category: "bug", File: "a.go", Line: 7,
		Title: "integer overflow when x is large", Fingerprint: "78c6d8ac733e2bb8", Kinds: []string{"integer-overflow"}}
	factor := report.Finding{ID: "Qa2d2c77c40", Severity: "important", Category: "bug", File: "a.go", Line: 7,
		Title: "wrong factor: spec says triple", Fingerprint: "78c6d8ac733e2bb8"}
	r := &report.Report{Schema: report.Schema, Tool: "quorum", Findings: []report.Finding{overflow, factor}}
	prints := sarifPrints(t, r)
	if len(prints) != 2 || prints[0] == "" || prints[0] == prints[1] {
		t.Fatalf("two issues of one line share SARIF fingerprints %q", prints)
	}
	codes := rdCodes(t, r)
	if len(codes) != 2 || codes[0] == codes[1] || codes[0] != "bug/"+prints[0] || codes[1] != "bug/"+prints[1] {
		t.Fatalf("rdjsonl codes %q, SARIF fingerprints %q", codes, prints)
	}

	// The next review: code added above moved it, the model reworded it,
	// and the overflow was dismissed.
	moved := factor
	moved.Line, moved.Title = 12, "the factor should be 3"
	dismissed := overflow
	dismissed.Line, dismissed.Dismissal = 12, &report.Dismissal{Reason: "x < 100", Source: "ledger"}
	next := sarifPrints(t, &report.Report{Schema: report.Schema, Tool: "quorum", Findings: []report.Finding{moved}, Dismissed: []report.Finding{dismissed}})
	if len(next) != 2 || next[0] != prints[1] || next[1] != prints[0] {
		t.Errorf("fingerprints moved with the line, the wording or a dismissal: before %q, after %q", prints, next)
	}

	// Two findings alike in fingerprint, category and kinds (ids -2) are
	// no dismissal's to tell apart, but each result still has its own.
	twin := factor
	twin.ID, twin.Title = factor.ID+"-2", "factor again"
	alike := sarifPrints(t, &report.Report{Schema: report.Schema, Tool: "quorum", Findings: []report.Finding{twin, factor}})
	if len(alike) != 2 || alike[0] == alike[1] || alike[1] != prints[1] {
		t.Errorf("alike findings' fingerprints %q (the first by id was %q)", alike, prints[1])
	}
}
