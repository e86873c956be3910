package eval

import (
	"strings"
	"testing"
)

// A bug case no reviewer found says "nobody" in its "found by" cell, and
// a case nobody flagged "-": a blank cell read as a rendering fault.
func TestCaseCellsAreNeverBlank(t *testing.T) {
	r := &Result{Cases: []CaseResult{
		{Case: Case{ID: "bug:1a2b3c4d", Kind: KindBug, Subject: "fix: close the file", Files: []string{"a.go"}}},
		{Case: Case{ID: "clean:5e6f7a8b", Kind: KindClean, Subject: "docs", Files: []string{"README.md"}}},
	}}
	var b strings.Builder
	if err := Write(&b, "text", r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"nobody", "fix: close the file"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("lacks %q:\n%s", want, b.String())
		}
	}
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.Contains(l, "bug:1a2b3c4d") && strings.HasSuffix(strings.TrimRight(l, " "), "a.go") {
			t.Errorf("blank cells after the files: %q", l)
		}
	}
}
