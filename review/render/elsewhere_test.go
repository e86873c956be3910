package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review/report"
)

// A finding whose members are anchored at other lines, or in another file
// (a judge's group), names each place: "Also at" in Markdown, related
// locations in SARIF and rdjsonl. A member at the finding's own place is
// not repeated.
func TestMembersElsewhereAreNamed(t *testing.T) {
	r := &report.Report{Schema: report.Schema, Findings: []report.Finding{{
		ID: "q1", Title: "Race on the counter", Severity: "critical", Category: "bug", File: "a.go", Line: 10, EndLine: 10,
		Reviewers: []string{"x", "y", "z"}, SeenBy: 3,
		Members: []report.Member{
			{Reviewer: "x", Title: "Race on the counter", Severity: "critical", Line: 10, EndLine: 10},
			{Reviewer: "y", Title: "Totals wrong under load", Severity: "important", Line: 42, EndLine: 43},
			{Reviewer: "z", Title: "Unsynchronised read", Severity: "important", File: "b.go", Line: 7, EndLine: 7},
			{Reviewer: "w", Title: "No lock anywhere", Severity: "important", File: "c.go"},
			{Reviewer: "v", Title: "The file is racy", Severity: "important"},
		},
	}}}
	var md bytes.Buffer
	if err := Markdown(&md, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "Also at: `line 42` (y); `b.go:7` (z); `c.go` (w).") {
		t.Errorf("Markdown lacks the places:\n%s", md.String())
	}
	var sb bytes.Buffer
	if err := SARIF(&sb, r, Options{}); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RelatedLocations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, EndLine int }
					}
					Message struct{ Text string }
				}
			}
		}
	}
	if err := json.Unmarshal(sb.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	rel := log.Runs[0].Results[0].RelatedLocations
	if len(rel) != 3 || rel[2].PhysicalLocation.ArtifactLocation.URI != "c.go" || rel[2].PhysicalLocation.Region.StartLine != 0 || rel[0].PhysicalLocation.ArtifactLocation.URI != "a.go" || rel[0].PhysicalLocation.Region.StartLine != 42 ||
		rel[0].PhysicalLocation.Region.EndLine != 43 || rel[0].Message.Text != "y: Totals wrong under load" ||
		rel[1].PhysicalLocation.ArtifactLocation.URI != "b.go" || rel[1].PhysicalLocation.Region.StartLine != 7 {
		t.Errorf("related locations %+v", rel)
	}
	var rd bytes.Buffer
	if err := RDJSONL(&rd, r, Options{}); err != nil {
		t.Fatal(err)
	}
	var d struct {
		RelatedLocations []struct {
			Message  string
			Location struct {
				Path  string
				Range *struct{ Start struct{ Line int } }
			}
		} `json:"related_locations"`
	}
	if err := json.Unmarshal(rd.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	if rl := d.RelatedLocations; len(rl) != 3 || rl[0].Location.Range.Start.Line != 42 || rl[1].Location.Path != "b.go" || rl[2].Location.Range != nil || rl[2].Message != "w: No lock anywhere" {
		t.Errorf("rdjsonl related locations %+v", rl)
	}
}

// Two members about code the change deletes sit at one new-side line (the
// deletion's); their old-side lines tell the places apart.
func TestDeletedMembersElsewhereAreNamed(t *testing.T) {
	r := &report.Report{Schema: report.Schema, Findings: []report.Finding{{
		ID: "q1", Title: "Auth check removed", Severity: "critical", Category: "security", File: "a.go", Line: 4, EndLine: 4,
		Deleted: true, OldLine: 4, OldEndLine: 4, Reviewers: []string{"x", "y"}, SeenBy: 2,
		Members: []report.Member{
			{Reviewer: "x", Title: "Auth check removed", Severity: "critical", Line: 4, EndLine: 4, OldLine: 4},
			{Reviewer: "y", Title: "Rate limiter removed", Severity: "important", Line: 4, EndLine: 4, OldLine: 38},
		},
	}}}
	var md bytes.Buffer
	if err := Markdown(&md, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "Also at: `deleted line 38` (y).") {
		t.Errorf("Markdown lacks the deleted place:\n%s", md.String())
	}
}
