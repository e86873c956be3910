package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
)

// DESIGN §7 lists reviewers[].error among the JSON report's fields, but it
// is there only for a reviewer that failed: a tester read its absence on
// a success as a gap. The schema's description says when it appears, and
// the JSON keeps to it.
func TestReviewerErrorIsOnlyOnFailure(t *testing.T) {
	r := &report.Report{Schema: report.Schema, Tool: "quorum", Reviewers: []report.Reviewer{
		{Name: "m1", Model: "m1:latest", Status: review.StatusOK},
		{Name: "m2", Model: "m2:latest", Status: review.StatusFailed, Error: "1 of 1 chunks failed: connection refused"}}}
	var buf bytes.Buffer
	if err := JSON(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Reviewers []map[string]any `json:"reviewers"`
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if _, ok := got.Reviewers[0]["error"]; ok {
		t.Errorf("a reviewer that succeeded has an error: %v", got.Reviewers[0])
	}
	if got.Reviewers[1]["error"] != "1 of 1 chunks failed: connection refused" {
		t.Errorf("a failed reviewer's error: %v", got.Reviewers[1])
	}

	var schema struct {
		Properties struct {
			Reviewers struct {
				Items struct {
					Properties struct {
						Error struct {
							Description string `json:"description"`
						} `json:"error"`
					} `json:"properties"`
				} `json:"items"`
			} `json:"reviewers"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(report.JSONSchema, &schema); err != nil {
		t.Fatal(err)
	}
	if d := schema.Properties.Reviewers.Items.Properties.Error.Description; !strings.Contains(d, "Absent when it succeeded") {
		t.Errorf("the schema does not say when reviewers[].error appears: %q", d)
	}
}
