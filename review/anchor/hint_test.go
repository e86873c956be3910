package anchor_test

import (
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// TestLineBreaksTiesNearestFirst: the finding's line only breaks ties
// between equal matches, and it breaks them toward itself. An unchanged
// line the model names is not traded for an added line with the same text,
// near or far (that would turn a finding on untouched code into one on the
// change, and flip the gate); at the same distance, or with no line at
// all, the added line wins.
func TestLineBreaksTiesNearestFirst(t *testing.T) {
	f := reporttest.File("p.go", diff.StatusModified, 1, 1,
		" func A(m map[string]int) error {", // 1
		"+\tm[\"x\"] = 1",                   // 2
		" \tif m == nil {",                  // 3
		" \t\treturn nil",                   // 4: unchanged
		"+\t} else if len(m) > 1 {",         // 5
		"+\t\treturn nil",                   // 6: added, 2 lines from 4
		" \t}",                              // 7
	)
	f.Hunks = append(f.Hunks, reporttest.Hunk(69, 71,
		" func B() error {", // 71
		"+\tdoThing()",      // 72
		"+\treturn nil",     // 73: added, far from 4
		" }",                // 74
	))
	ix := anchor.NewIndex(&diff.Set{Files: []diff.File{f}})
	for _, tt := range []struct {
		name string
		hint int
		want int
		kind diff.LineKind
	}{
		{"at the unchanged line, added ones 2 and 69 lines on", 4, 4, diff.Context},
		{"nearest the unchanged line", 1, 4, diff.Context},
		{"as near the unchanged line as an added one", 5, 6, diff.Added},
		{"at an added line", 6, 6, diff.Added},
		{"the added line the model names, in another hunk", 73, 73, diff.Added},
		{"an added line nearest the model's line", 60, 73, diff.Added},
		{"no line: the first added line", 0, 6, diff.Added},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, rej := ix.Anchor("r", "c", 1, reporttest.F("p.go", tt.hint, "return nil", "important", "bug", "t", "e"))
			if rej != nil {
				t.Fatalf("rejected: %s", rej.Reason)
			}
			if got.Line != tt.want || got.LineKind != tt.kind {
				t.Errorf("anchored at %d (%s), want %d (%s)", got.Line, got.LineKind, tt.want, tt.kind)
			}
		})
	}
}
