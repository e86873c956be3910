package nearest

import (
	"slices"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "", 3}, {"bugfindr", "bugfinder", 1}, {"kitten", "sitting", 3}, {"fail_on", "fail-on", 1}} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestNames(t *testing.T) {
	cands := []string{"bugfinder", "bugfinder2", "llama3.1"}
	if got := Names("bugfindr", cands, 3); !slices.Equal(got, []string{"bugfinder"}) {
		t.Errorf("Names = %v", got)
	}
	if got := Names("bugfinde", cands, 3); !slices.Equal(got, []string{"bugfinder"}) {
		t.Errorf("Names = %v", got)
	}
	if got := Names("qwen", cands, 3); got != nil {
		t.Errorf("Names = %v, want none within 3 edits", got)
	}
	if got := Names("ab", []string{"ax", "ay"}, 2); !slices.Equal(got, []string{"ax", "ay"}) {
		t.Errorf("ties: %v", got)
	}
}
