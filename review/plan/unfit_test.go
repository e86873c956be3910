package plan

import (
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
)

// TestWholeFileTooLargeIsInNoChunk: a file whose only line cannot fit the
// budget even alone is in NotCovered and in no chunk, while the rest of the
// diff is planned as usual. The report reads exactly this (not covered by a
// reviewer that answered every chunk it was given) as "truncated": review
// run gives NotCovered files no request.
func TestWholeFileTooLargeIsInNoChunk(t *testing.T) {
	set := &diff.Set{Files: []diff.File{
		{Path: "long.js", Status: diff.StatusAdded, Hunks: []diff.Hunk{hunk(1,
			diff.Line{Kind: diff.Added, New: 1, Text: "var x = '" + strings.Repeat("a", 45000) + "';"})}},
		{Path: "small.go", Status: diff.StatusAdded, Hunks: []diff.Hunk{hunk(1,
			diff.Line{Kind: diff.Added, New: 1, Text: "package small"})}},
	}}
	pl, err := Build(Prepare(Input{Set: set}), Budget{NumCtx: 2048, AnswerTokens: 1024})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(pl.NotCovered, ",") != "long.js" || strings.Join(pl.Covered, ",") != "small.go" {
		t.Fatalf("covered %v, not covered %v", pl.Covered, pl.NotCovered)
	}
	for _, c := range pl.Chunks {
		for _, p := range c.Paths {
			if p == "long.js" {
				t.Fatalf("chunk %d shows long.js: %+v", c.Index, c.Files)
			}
		}
	}
}
