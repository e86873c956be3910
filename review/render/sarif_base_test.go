package render

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/quorum-review/quorum/review/report"
)

// Every artifactLocation of the SARIF log (a result's, a related
// location's, a fix's, a suppression's) names the base its relative URI is
// read from, %SRCROOT%; none did, and the log names no absolute path for
// it (originalUriBaseIds would be the reviewer's home directory).
func TestSARIFArtifactLocationsAreRelativeToSrcRoot(t *testing.T) {
	code := []report.CodeLine{{Kind: "added", New: 3, Text: "\tx := 1"}}
	kept := report.Finding{ID: "Q0000000001", Severity: "important", Category: "bug", File: "a.go", Line: 3, EndLine: 3, Title: "kept",
		Evidence: "quote", Fingerprint: "0123456789abcdef", Fix: "x := 2", FixQuote: "x := 1", Code: code,
		Members: []report.Member{{Reviewer: "m", Title: "kept", Line: 3}, {Reviewer: "n", Title: "cause", File: "b.go", Line: 9}}}
	inline := report.Finding{ID: "Q0000000002", Severity: "important", Category: "bug", File: "c.go", Line: 5, Title: "inline",
		Fingerprint: "fedcba9876543210", Dismissal: &report.Dismissal{Reason: "trusted", Source: "inline", Line: 4}}
	ledger := inline
	ledger.ID, ledger.Fingerprint, ledger.Dismissal = "Q0000000003", "00112233445566aa", &report.Dismissal{Reason: "ok", Source: "ledger"}
	r := &report.Report{Schema: report.Schema, Tool: "quorum", Findings: []report.Finding{kept}, Dismissed: []report.Finding{inline, ledger}}
	var buf bytes.Buffer
	if err := SARIF(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	var log any
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				if k == "originalUriBaseIds" {
					t.Errorf("%s.%s: %v", path, k, c)
				}
				if k == "artifactLocation" || k == "artifactChanges" {
					seen[k]++
				}
				if loc, ok := c.(map[string]any); ok && k == "artifactLocation" && loc["uriBaseId"] != "%SRCROOT%" {
					t.Errorf("%s.%s has uriBaseId %v: %v", path, k, loc["uriBaseId"], loc)
				}
				walk(path+"."+k, c)
			}
		case []any:
			for _, c := range v {
				walk(path+"[]", c)
			}
		}
	}
	walk("", log)
	// The result's, the related location's, the fix's, and the
	// suppressions' (an inline one at its comment) and results' of the two
	// dismissed findings.
	if seen["artifactLocation"] != 7 || seen["artifactChanges"] != 1 {
		t.Errorf("artifact locations %v, want 7 and a fix:\n%s", seen, buf.String())
	}
}
