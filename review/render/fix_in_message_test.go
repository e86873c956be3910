package render

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review/report"
)

// readResult is what the tests read of a SARIF result.
type readResult struct {
	Message struct {
		Text string `json:"text"`
	} `json:"message"`
	Fixes               []any             `json:"fixes"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
}

// sarifResults are the results of r's SARIF log.
func sarifResults(t *testing.T, r *report.Report) []readResult {
	t.Helper()
	var buf bytes.Buffer
	if err := SARIF(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []readResult `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	return log.Runs[0].Results
}

// sarifMessages are the message texts of r's SARIF results, and whether
// each has a fixes entry.
func sarifMessages(t *testing.T, r *report.Report) (texts []string, fixes []bool) {
	t.Helper()
	for _, res := range sarifResults(t, r) {
		texts, fixes = append(texts, res.Message.Text), append(fixes, len(res.Fixes) > 0)
	}
	return texts, fixes
}

// rdDiagnostics are r's rdjsonl diagnostics.
func rdDiagnostics(t *testing.T, r *report.Report) []rdDiagnostic {
	t.Helper()
	var buf bytes.Buffer
	if err := RDJSONL(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	var out []rdDiagnostic
	for l := range strings.Lines(buf.String()) {
		var d rdDiagnostic
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

// A fix no tool can apply in one click (in words, on a CRLF line) was in
// neither the SARIF nor the rdjsonl message: a reader of code scanning or
// of reviewdog's comment never saw it. The message shows it, as the
// Markdown report does; a fix that is a suggestion is not repeated.
func TestFixNoToolAppliesIsInTheMessage(t *testing.T) {
	words := report.Finding{ID: "Q0000000001", Severity: "important", Category: "bug", File: "a.go", Line: 8, EndLine: 8, Title: "words",
		Evidence: "quote", Fingerprint: "0123456789abcdef", Fix: "Check for overflow before adding one to y.",
		FixQuote: "z := y + 1", Code: []report.CodeLine{{Kind: "added", New: 8, Text: "\tz := y + 1"}}}
	crlf := report.Finding{ID: "Q0000000002", Severity: "important", Category: "bug", File: "crlf.go", Line: 4, EndLine: 4, Title: "crlf",
		Evidence: "quote", Fingerprint: "fedcba9876543210", Fix: "v := x / (x + 1)",
		FixQuote: "v := x / (x - 1)", Code: []report.CodeLine{{Kind: "added", New: 4, Text: "\tv := x / (x - 1)", Altered: true}}}
	applied := crlf
	applied.ID, applied.File, applied.Fingerprint = "Q0000000003", "lf.go", "00112233445566aa"
	applied.Code = []report.CodeLine{{Kind: "added", New: 4, Text: "\tv := x / (x - 1)"}}
	r := &report.Report{Schema: report.Schema, Tool: "quorum", Findings: []report.Finding{words, crlf, applied}}

	texts, fixes := sarifMessages(t, r)
	if len(texts) != 3 || fixes[0] || fixes[1] || !fixes[2] {
		t.Fatalf("SARIF fixes %v (only lf.go's applies), messages %q", fixes, texts)
	}
	if want := "\n\nSuggested fix: Check for overflow before adding one to y.\n\n"; !strings.Contains(texts[0], want) {
		t.Errorf("SARIF message has no %q:\n%s", want, texts[0])
	}
	if want := "\n\nSuggested fix, as a diff:\n\n-\tv := x / (x - 1)\n+\tv := x / (x + 1)\n\n"; !strings.Contains(texts[1], want) {
		t.Errorf("SARIF message has no %q:\n%s", want, texts[1])
	}
	if strings.Contains(texts[2], "Suggested fix") {
		t.Errorf("SARIF message repeats a fix its fixes entry carries:\n%s", texts[2])
	}

	ds := rdDiagnostics(t, r)
	if len(ds) != 3 || len(ds[0].Suggestions) > 0 || len(ds[1].Suggestions) > 0 || len(ds[2].Suggestions) != 1 {
		t.Fatalf("rdjsonl: %+v", ds)
	}
	if want := "\n\nSuggested fix: Check for overflow before adding one to y.\n\nA false positive?"; !strings.Contains(ds[0].Message, want) {
		t.Errorf("rdjsonl message has no %q:\n%s", want, ds[0].Message)
	}
	if want := "\n\nSuggested fix:\n\n```diff\n-\tv := x / (x - 1)\n+\tv := x / (x + 1)\n```\n\nA false positive?"; !strings.Contains(ds[1].Message, want) {
		t.Errorf("rdjsonl message has no %q:\n%s", want, ds[1].Message)
	}
	if strings.Contains(ds[2].Message, "Suggested fix") {
		t.Errorf("rdjsonl message repeats a fix its suggestion carries:\n%s", ds[2].Message)
	}
}
