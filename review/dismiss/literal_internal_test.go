package dismiss

import (
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
)

// TestLexStateIsBounded: a line nesting thousands of template
// substitutions ("`${" over and over, crafted or generated) leaves at
// most maxLexDepth frames open, so every later line costs a bounded copy
// (it cost the depth on each: a 70 KB file took 8 s to index). A marker
// on a line after it is still read.
func TestLexStateIsBounded(t *testing.T) {
	st, _ := scan(jsSyntax, nil, "const s = "+strings.Repeat("`${", 10000), -1)
	if len(st) > maxLexDepth {
		t.Fatalf("%d frames open, want at most %d", len(st), maxLexDepth)
	}
	h := diff.Hunk{NewStart: 1, Lines: []diff.Line{{Kind: diff.Added, New: 1, Text: "const s = " + strings.Repeat("`${", 10000)}}}
	for i := range 200 {
		h.Lines = append(h.Lines, diff.Line{Kind: diff.Added, New: i + 2, Text: "x"})
	}
	h.Lines = append(h.Lines, diff.Line{Kind: diff.Added, New: 202, Text: "// " + Marker})
	idx := lineIndex(&diff.Set{Files: []diff.File{{Path: "a.js", Status: diff.StatusAdded, Hunks: []diff.Hunk{h}}}})
	if len(idx.added["a.js"]) != 202 {
		t.Errorf("added lines: %d", len(idx.added["a.js"]))
	}
	if _, ok := idx.markers["a.js"][202]; !ok {
		t.Errorf("the marker on line 202 was not read: %v", idx.markers)
	}
}
