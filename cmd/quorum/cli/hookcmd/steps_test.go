package hookcmd

import (
	"strings"
	"testing"
)

// TestStepsAlignTheirComments: a blocked push's next steps put every
// comment in one column, after the longest command that has one; notes
// stand on lines of their own.
func TestStepsAlignTheirComments(t *testing.T) {
	var s steps
	s.add("quorum report show 20261127-0902-abc1234", "the full report")
	s.add(`quorum dismiss Qa1b2c3d4e5 --report 20261127-0902-abc1234 --reason "..."`, "a false positive: the same push then goes through")
	s.note(allPlaces(nil))
	s.note("Qa1b2c3d4e5: on several lines or places; check each, then add --all-places")
	s.add("QUORUM_SKIP=1 git push", "push once without review (or: git push --no-verify)")
	var b strings.Builder
	s.write(&b)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 5 || lines[0] != "next:" || lines[3] != "    # Qa1b2c3d4e5: on several lines or places; check each, then add --all-places" {
		t.Fatalf("steps:\n%s", b.String())
	}
	col := strings.Index(lines[1], " # ")
	for _, l := range []string{lines[2], lines[4]} {
		if strings.Index(l, " # ") != col {
			t.Errorf("comments not aligned:\n%s", b.String())
		}
	}
}
