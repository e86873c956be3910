package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review/report"
)

// SARIF and rdjsonl place a finding on new-side lines only: a finding about
// deleted code says so, rather than reading as a finding about the added
// line that sits where the deletion was.
func TestLineFormatsSayCodeWasDeleted(t *testing.T) {
	r := &report.Report{Findings: []report.Finding{
		{ID: "q1", Title: "Check removed", Severity: "important", Category: "bug", File: "a.go", Line: 3, EndLine: 3,
			Deleted: true, OldLine: 3, OldEndLine: 4, Reviewers: []string{"x"}, SeenBy: 1},
		{ID: "q2", Title: "Plain", Severity: "important", Category: "bug", File: "a.go", Line: 9, EndLine: 9, Reviewers: []string{"x"}, SeenBy: 1},
	}}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"sarif":   func(b *bytes.Buffer) error { return SARIF(b, r, Options{}) },
		"rdjsonl": func(b *bytes.Buffer) error { return RDJSONL(b, r, Options{}) },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		if out := b.String(); !strings.Contains(out, "Check removed [deleted code: old lines 3-4]") || strings.Contains(out, "Plain [deleted") {
			t.Errorf("%s:\n%s", name, out)
		}
	}
}
