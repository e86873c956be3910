package hookcmd

import (
	"context"
	"strings"
	"testing"
)

// TestQuorumSkip pins both sides of QUORUM_SKIP: any value but "", "0",
// "false", "no" and "off" (in any case, as git reads booleans) skips the
// review; those review as usual.
func TestQuorumSkip(t *testing.T) {
	dir, line := gitRepo(t)
	for _, tt := range []struct {
		value string
		skip  bool
	}{
		{"1", true}, {"true", true}, {"yes", true}, {"TRUE", true}, {"on", true},
		{"", false}, {"0", false}, {"false", false}, {"FALSE", false}, {"False", false}, {"no", false}, {"Off", false}, {" 0 ", false},
	} {
		t.Run("QUORUM_SKIP="+tt.value, func(t *testing.T) {
			env := map[string]string{"HOME": t.TempDir(), "QUORUM_SKIP": tt.value}
			reviewed := false
			stderr, err := runHook(t, dir, line, env, reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) {
				reviewed = true
				return Outcome{}, nil
			}))
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			skipped := strings.Contains(stderr, "QUORUM_SKIP is set; push not reviewed")
			if reviewed == tt.skip || skipped != tt.skip {
				t.Errorf("reviewed=%v, skip message=%v; want skip=%v (stderr %q)", reviewed, skipped, tt.skip, stderr)
			}
		})
	}
}
