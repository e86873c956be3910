package anchor_test

import (
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// The marker a quote line was copied with names its side: "-}" is the
// deleted brace even when the hunk also adds one, and "+}" the added one,
// with or without a space after the marker.
func TestMarkerNamesTheSide(t *testing.T) {
	set := reporttest.Set()
	set.Files = append(set.Files, reporttest.File("pkg/swap.go", diff.StatusModified, 10, 10,
		"-func Old() {",
		"-\told()",
		"-}",
		"+func New() {",
		"+\tnew()",
		"+}",
	))
	ix := anchor.NewIndex(set)
	for _, tc := range []struct {
		quote   string
		deleted bool
	}{
		{"-}", true}, {"- }", true}, {"-\told()\n-}", true},
		{"+}", false}, {"+ }", false}, {"+\tnew()\n+}", false},
	} {
		got, rej := ix.Anchor("m", "c", 1, reporttest.F("pkg/swap.go", 0, tc.quote, "important", "bug", "t", "e"))
		if rej != nil {
			t.Errorf("%q rejected: %s", tc.quote, rej.Reason)
			continue
		}
		if got.Deleted != tc.deleted {
			t.Errorf("%q: deleted=%v (line %d), want %v", tc.quote, got.Deleted, got.Line, tc.deleted)
		}
	}
	// A marker that fits no line (a model's list bullet) still lets the
	// text match where it is.
	if got, rej := ix.Anchor("m", "c", 1, reporttest.F("pkg/swap.go", 0, "- func New() {", "important", "bug", "t", "e")); rej != nil || got.Deleted {
		t.Errorf(`"- func New() {": %+v %v`, got, rej)
	}
}
