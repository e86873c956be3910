package report_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review/report"
)

// A finding on unchanged lines of the diff (code the change did not touch)
// says so in the report, and the gate judges it as it judges any other.
func TestFindingOnUnchangedLines(t *testing.T) {
	r := build(t, scenario(t, "unchanged"), report.Policy{})
	kinds := map[string]string{}
	for _, f := range r.Findings {
		kinds[f.Title] = f.LineKind
	}
	want := map[string]string{
		"File handle is never closed":       "added",
		"Read lock taken on a nil receiver": "context",
		"Get has no doc comment":            "context",
	}
	for title, kind := range want {
		if kinds[title] != kind {
			t.Errorf("%q: line kind %q, want %q (all: %v)", title, kinds[title], kind, kinds)
		}
	}

	// The gate: an important finding with quoted code blocks, on an
	// unchanged line as on an added one.
	if !r.GateTripped() || r.Verdict.Status != report.VerdictFail ||
		!strings.HasPrefix(r.Verdict.Text, "changes requested: 2 findings at or above important") {
		t.Errorf("verdict = %+v", r.Verdict)
	}
	for _, f := range r.Findings {
		g := f
		g.LineKind = "added"
		if r.Policy.Blocks(f) != r.Policy.Blocks(g) {
			t.Errorf("%q: the line kind changed the gate", f.Title)
		}
		if f.Title == "Read lock taken on a nil receiver" && !r.Policy.Blocks(f) {
			t.Errorf("%q on an unchanged line does not block", f.Title)
		}
	}

	// JSON: the field is written, and a report saved before it existed
	// still reads (a finding with no line kind is not marked unchanged).
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"line_kind":"context"`) {
		t.Errorf("no line_kind in the JSON report")
	}
	var old report.Finding
	if err := json.Unmarshal([]byte(`{"id":"Q0123456789","severity":"important","file":"a.go","line":3,"end_line":3}`), &old); err != nil || old.LineKind != "" {
		t.Errorf("an old finding reads as %+v, %v", old, err)
	}
}
