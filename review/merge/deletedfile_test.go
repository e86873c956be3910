package merge

import (
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review/anchor"
)

// TestDeletedFileFindingsKeepTheirPlaces: findings on the code of a
// removed file have no new-side line (Line 0), yet they are not about the
// whole file: two reviewers' findings sixty lines apart, in two functions,
// stay two findings, each keeping its own (old) lines; two on one old
// line are one.
func TestDeletedFileFindingsKeepTheirPlaces(t *testing.T) {
	onOld := func(rev string, old int, text, sec, title, expl string) anchor.Finding {
		f := fnd(rev, "a.go", 0, "important", "bug", title, expl)
		f.Line, f.EndLine = 0, 0
		f.Deleted, f.OldLine, f.OldEndLine, f.LineKind = true, old, old, diff.Deleted
		f.Evidence, f.LineText, f.Raw.Quote, f.Section, f.Raw.Kind = anchor.EvidenceQuote, text, text, sec, "unchecked-error"
		return f
	}
	a := onOld("alpha", 5, "v1 := compute1()", "func A() {", "Error of compute1 dropped", "compute1 returns an error that is ignored.")
	b := onOld("beta", 60, "v57 := compute57()", "func B() {", "compute57 error ignored", "The error from compute57 is never checked.")
	c := Clusters([]anchor.Finding{a, b})
	if len(c) != 2 {
		t.Fatalf("findings 55 lines apart in a removed file merged:\n%s", signature(c))
	}
	for _, cl := range c {
		if m := cl.Members[0]; m.Line != 0 || m.EndLine != 0 || m.OldLine == 0 || cl.Rep.Line != 0 {
			t.Fatalf("a member lost its place: %+v", m)
		}
	}
	b2 := onOld("beta", 5, "v1 := compute1()", "func A() {", "Unchecked error from compute1", "If compute1 fails its error is dropped.")
	if c := Clusters([]anchor.Finding{a, b2, b}); len(c) != 2 || len(c[0].Members)+len(c[1].Members) != 3 {
		t.Fatalf("the same issue on one removed line split:\n%s", signature(c))
	}
}
