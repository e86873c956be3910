package render

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review/report"
)

// TestSARIFMessagesMakeNoEmbeddedLink: "[text](target)" in a SARIF
// plain-text message is a link (§3.11.6). A model's, with or without a
// backslash before its "](", links nothing: the text is shown.
func TestSARIFMessagesMakeNoEmbeddedLink(t *testing.T) {
	r := &report.Report{Findings: []report.Finding{{ID: "q1", Severity: "important", Category: "bug", File: "a.go", Line: 3, EndLine: 3,
		Title: "see [the docs](https://evil.example/phish)", Explanation: `an escaped x\](https://e.example) and [loc](0)`,
		Evidence: "quote", Support: 1, Reviewers: []string{"x"}, SeenBy: 1}}}
	var doc struct {
		Runs []struct {
			Results []struct {
				Message struct{ Text string } `json:"message"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(lineFormats(t, r)["sarif"]), &doc); err != nil {
		t.Fatal(err)
	}
	msg := doc.Runs[0].Results[0].Message.Text
	if strings.Contains(msg, "](") || !strings.Contains(msg, "[the docs] (https://evil.example/phish)") {
		t.Errorf("message %q", msg)
	}
}
