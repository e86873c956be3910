package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review/report"
)

// A fix that is the code it replaces (a model copied the line) became a
// suggestion and a SARIF fix that change nothing, and a diff removing and
// adding the same line. No tool gets it; the reports say the fix repeats
// the code, where they show a fix.
func TestFixThatRepeatsTheCodeIsNoSuggestion(t *testing.T) {
	whole := report.Finding{ID: "Q0000000001", Severity: "important", Category: "bug", File: "a.go", Line: 8, EndLine: 8, Title: "noop",
		Evidence: "quote", Fingerprint: "0123456789abcdef", Fix: "z := y + 1",
		FixQuote: "z := y + 1", Code: []report.CodeLine{{Kind: "added", New: 8, Text: "\tz := y + 1"}}}
	// A quote inside its line, "fixed" into itself.
	part := whole
	part.ID, part.Line, part.EndLine, part.Fingerprint, part.Fix, part.FixQuote = "Q0000000002", 9, 9, "fedcba9876543210", "y + 1", "y + 1"
	part.Code = []report.CodeLine{{Kind: "added", New: 9, Text: "\treturn y + 1"}}
	r := &report.Report{Schema: report.Schema, Tool: "quorum", Findings: []report.Finding{whole, part}}

	texts, fixes := sarifMessages(t, r)
	for i, text := range texts {
		if fixes[i] || !strings.Contains(text, "Suggested fix: none, the fix repeats the code") {
			t.Errorf("SARIF result %d: fixes %v, message:\n%s", i, fixes[i], text)
		}
	}
	for i, d := range rdDiagnostics(t, r) {
		if len(d.Suggestions) > 0 || !strings.Contains(d.Message, "Suggested fix: none, the fix repeats the code") {
			t.Errorf("rdjsonl diagnostic %d: suggestions %+v, message:\n%s", i, d.Suggestions, d.Message)
		}
	}
	var md bytes.Buffer
	if err := Markdown(&md, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Count(md.String(), "Suggested fix: none, the fix repeats the code\n") != 2 || strings.Contains(md.String(), "-\tz := y + 1") {
		t.Errorf("markdown:\n%s", md.String())
	}

	// A fix that changes the line is still one.
	whole.Fix = "z := y + 2"
	if _, ok := fixReplacement(whole); !ok || fixRepeatsCode(whole) {
		t.Error("a fix that changes the line is no replacement")
	}
}
