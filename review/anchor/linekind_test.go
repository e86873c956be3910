package anchor_test

import (
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// A finding knows how the change touched the lines it is anchored to, so
// the report can say when it is about code the change did not touch: only
// when every diff line it read, and every line between them, is unchanged.
func TestLineKind(t *testing.T) {
	set := &diff.Set{Files: []diff.File{reporttest.File("pkg/k.go", diff.StatusModified, 1, 1,
		" a := 1", // new 1
		" b := 2", // new 2
		"-old()",  // deleted, before new 3
		" c := 3", // new 3
		"+d := 4", // new 4
		" e := 5", // new 5
		"-gone()", // deleted, before new 6
		" f := 6", // new 6
	)}}
	ix := anchor.NewIndex(set)
	quote := func(q string) review.RawFinding {
		return reporttest.F("pkg/k.go", 0, q, "important", "bug", "t", "e")
	}
	lines := func(line, end int) review.RawFinding {
		return review.RawFinding{File: "pkg/k.go", Line: line, EndLine: end, Severity: "important", Title: "t"}
	}
	for _, tt := range []struct {
		name      string
		f         review.RawFinding
		line, end int
		want      diff.LineKind
		deleted   bool
	}{
		{"quote on an unchanged line", quote("a := 1"), 1, 1, diff.Context, false},
		{"quote on unchanged lines", quote("a := 1\nb := 2"), 1, 2, diff.Context, false},
		{"quote on an added line", quote("d := 4"), 4, 4, diff.Added, false},
		{"quote on an unchanged and an added line", quote("c := 3\nd := 4"), 3, 4, diff.Added, false},
		// The file as it now reads: two unchanged lines a deletion joined.
		{"quote across a deletion", quote("b := 2\nc := 3"), 2, 3, diff.Deleted, false},
		// A deleted line then an unchanged one: new-side lines 3..3 alone
		// would read as untouched code; the quote read the deletion too.
		{"quote from a deleted line into an unchanged one", quote("old()\nc := 3"), 3, 3, diff.Deleted, false},
		{"quote on deleted code", quote("gone()"), 6, 6, diff.Deleted, true},
		// An ellipsis stands for lines the reviewer did not quote: two
		// unchanged lines around an added one are still untouched code,
		// and a quote that reads the added line is not.
		{"unchanged lines around an ellipsis", quote("c := 3\n...\ne := 5"), 3, 5, diff.Context, false},
		{"an ellipsis then an added line", quote("b := 2\n...\nd := 4"), 2, 4, diff.Added, false},
		{"lines, all unchanged", lines(1, 2), 1, 2, diff.Context, false},
		{"one unchanged line", lines(5, 0), 5, 5, diff.Context, false},
		{"lines across a deletion", lines(2, 3), 2, 3, diff.Deleted, false},
		{"lines with an added one", lines(3, 5), 3, 5, diff.Added, false},
		{"file level", reporttest.F("pkg/k.go", 0, "", "important", "bug", "t", "e"), 0, 0, "", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, rej := ix.Anchor("alice", "c1", 1, tt.f)
			if rej != nil {
				t.Fatalf("rejected: %s", rej.Reason)
			}
			if got.Line != tt.line || got.EndLine != tt.end || got.LineKind != tt.want || got.Deleted != tt.deleted {
				t.Errorf("anchored at %d-%d, line kind %q, deleted %v; want %d-%d, %q, %v",
					got.Line, got.EndLine, got.LineKind, got.Deleted, tt.line, tt.end, tt.want, tt.deleted)
			}
		})
	}
}
