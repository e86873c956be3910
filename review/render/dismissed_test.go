package render

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review/report"
)

// Dismissed findings are listed one line each with the reason; SARIF and
// rdjsonl key findings by their issue fingerprint.
func TestDismissedAndFingerprints(t *testing.T) {
	r := &report.Report{Schema: report.Schema, Tool: "quorum",
		Findings: []report.Finding{{ID: "Q0000000001", Severity: "critical", Category: "bug", File: "a.go", Line: 3, Title: "kept",
			Reviewers: []string{"m"}, SeenBy: 1, Fingerprint: "0123456789abcdef"}},
		Dismissed: []report.Finding{{ID: "Q0000000002", Severity: "important", Category: "bug", File: "b.go", Line: 9, Title: "dropped error",
			Fingerprint: "fedcba9876543210", Dismissal: &report.Dismissal{Reason: "logged by the caller", Who: "Ada <a@x>", When: "2026-01-02T03:04:05Z", Source: "ledger"}}}}
	var md bytes.Buffer
	if err := Markdown(&md, r, Options{}); err != nil {
		t.Fatal(err)
	}
	// "<" is escaped: "<a@x>" would be an autolink or HTML in the Markdown.
	want := "- `Q0000000002` important, b.go:9: dropped error — dismissed by Ada &lt;a@x>, 2026-01-02T03:04:05Z: logged by the caller\n"
	if !strings.Contains(md.String(), "\n## Dismissed\n") || !strings.Contains(md.String(), want) {
		t.Errorf("markdown has no dismissed line %q:\n%s", want, md.String())
	}
	var sarif, rd bytes.Buffer
	if err := SARIF(&sarif, r, Options{}); err != nil {
		t.Fatal(err)
	}
	// The dismissed finding stays in SARIF, suppressed, so code scanning
	// shows it dismissed rather than fixed.
	var log struct {
		Runs []struct {
			Results []struct {
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Suppressions        []map[string]any  `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(sarif.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results
	if len(res) != 2 || res[0].PartialFingerprints["quorumFingerprint/v3"] != report.IssueFingerprint("0123456789abcdef", nil, 1) || len(res[0].Suppressions) != 0 ||
		res[1].PartialFingerprints["quorumFingerprint/v3"] != report.IssueFingerprint("fedcba9876543210", nil, 1) || len(res[1].Suppressions) != 1 {
		t.Fatalf("sarif results:\n%s", sarif.String())
	}
	sup := res[1].Suppressions[0]
	if sup["kind"] != "external" || sup["status"] != "accepted" || sup["justification"] != "logged by the caller (Ada <a@x>)" || sup["location"] == nil {
		t.Errorf("suppression %v", sup)
	}
	// An inline dismissal's suppression is where its comment is.
	r.Dismissed[0].Dismissal = &report.Dismissal{Reason: "trusted", Source: "inline", Line: 8}
	sarif.Reset()
	if err := SARIF(&sarif, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sarif.String(), `"kind": "inSource"`) || !regexp.MustCompile(`"suppressions": \[\s*\{\s*"kind": "inSource",\s*"status": "accepted",\s*"location": \{\s*"physicalLocation": \{\s*"artifactLocation": \{\s*"uri": "b.go",\s*"uriBaseId": "%SRCROOT%"\s*\},\s*"region": \{\s*"startLine": 8,`).MatchString(sarif.String()) {
		t.Errorf("inline suppression not at its comment's line 8:\n%s", sarif.String())
	}
	if g, _ := sup["guid"].(string); !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(g) {
		t.Errorf("suppression guid %q is no version 5 GUID", g)
	}
	if err := RDJSONL(&rd, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rd.String(), `"code":{"value":"bug/`+report.IssueFingerprint("0123456789abcdef", nil, 1)+`"}`) || strings.Count(rd.String(), "\n") != 1 {
		t.Errorf("rdjsonl:\n%s", rd.String())
	}
}
