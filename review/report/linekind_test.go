package report_test

import (
	"encoding/json"
	"slices"
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

	// The gate: a finder that quoted only unchanged lines counts ½, as one
	// that quoted nothing: alone it is held back at min agreement 1, and a
	// second finder makes it block.
	if !r.GateTripped() || r.Verdict.Status != report.VerdictFail ||
		!strings.HasPrefix(r.Verdict.Text, "changes requested: 1 finding at or above important") {
		t.Errorf("verdict = %+v", r.Verdict)
	}
	for _, f := range r.Findings {
		switch f.Title {
		case "Read lock taken on a nil receiver":
			if f.Support != 0.5 || r.Policy.Blocks(f) {
				t.Errorf("%q on an unchanged line: support %v, blocks %v; want ½ and held back", f.Title, f.Support, r.Policy.Blocks(f))
			}
			g := f
			g.Support, g.Reviewers = 1, append(slices.Clone(f.Reviewers), "second")
			if !r.Policy.Blocks(g) {
				t.Errorf("%q found by two reviewers does not block", f.Title)
			}
		case "File handle is never closed":
			if f.Support != float64(len(f.Reviewers)) || !r.Policy.Blocks(f) {
				t.Errorf("%q on an added line: support %v for %d finders, blocks %v", f.Title, f.Support, len(f.Reviewers), r.Policy.Blocks(f))
			}
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
