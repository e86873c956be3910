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

// A finding on unchanged lines of the diff is about code the change did not
// touch: every writer says so, the way it says a finding is about deleted
// code, and says nothing of the kind for a finding on an added line.
func TestWritersSayCodeWasUnchanged(t *testing.T) {
	r := &report.Report{Findings: []report.Finding{
		{ID: "q1", Title: "Old check", Severity: "important", Category: "bug", File: "a.go", Line: 5, EndLine: 5,
			LineKind: "context", Reviewers: []string{"x"}, SeenBy: 1},
		{ID: "q2", Title: "Old block", Severity: "important", Category: "bug", File: "a.go", Line: 7, EndLine: 8,
			LineKind: "context", Reviewers: []string{"x"}, SeenBy: 1},
		{ID: "q3", Title: "New code", Severity: "important", Category: "bug", File: "a.go", Line: 9, EndLine: 9,
			LineKind: "added", Reviewers: []string{"x"}, SeenBy: 1},
		{ID: "q4", Title: "Check removed", Severity: "important", Category: "bug", File: "a.go", Line: 3, EndLine: 3,
			LineKind: "deleted", Deleted: true, OldLine: 3, OldEndLine: 3, Reviewers: []string{"x"}, SeenBy: 1},
	}}
	out := map[string]string{}
	for _, format := range Formats {
		var b bytes.Buffer
		if err := Write(&b, format, r, Options{Width: 200}); err != nil {
			t.Fatal(err)
		}
		out[format] = b.String()
	}
	for _, format := range []string{"sarif", "rdjsonl"} {
		s := out[format]
		for _, want := range []string{
			"Old check [unchanged code: a line this change did not touch]",
			"Old block [unchanged code: lines this change did not touch]",
			"Check removed [deleted code: old line 3]",
		} {
			if !strings.Contains(s, want) {
				t.Errorf("%s: no %q:\n%s", format, want, s)
			}
		}
		if strings.Contains(s, "New code [") {
			t.Errorf("%s: a finding on an added line is noted:\n%s", format, s)
		}
	}
	if !strings.Contains(out["sarif"], `"line_kind": "context"`) {
		t.Errorf("sarif: no line_kind property:\n%s", out["sarif"])
	}
	if !strings.Contains(out["json"], `"line_kind": "context"`) || !strings.Contains(out["json"], `"line_kind": "added"`) {
		t.Errorf("json: no line_kind:\n%s", out["json"])
	}
	for _, format := range []string{"markdown", "text"} {
		s := out[format]
		for _, want := range []string{
			"a.go:5 (unchanged line)", "a.go:7-8 (unchanged lines)", "a.go:9`", "a.go:3 (deleted line 3)",
			"Unchanged code: this finding is on a line this change did not touch",
			"Unchanged code: this finding is on lines this change did not touch",
		} {
			if !strings.Contains(s, want) {
				t.Errorf("%s: no %q:\n%s", format, want, s)
			}
		}
		if n := strings.Count(s, "Unchanged code:"); n != 2 {
			t.Errorf("%s: %d findings noted as unchanged code, want 2:\n%s", format, n, s)
		}
	}
}
