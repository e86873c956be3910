package diff

import "testing"

// TestCommitsRangeSpellings: git's A...B and an open A.. are refused with
// the flags that say them, not the bare "takes a range A..B".
func TestCommitsRangeSpellings(t *testing.T) {
	for in, want := range map[string]string{
		"main...feat": `--commits takes a range A..B, got "main...feat": for the commits of feat since it left main, use --base main --head feat`,
		"main..":      `--commits takes a range A..B, got "main..": for the commits since main, use --base main`,
		"..feat":      `--commits takes a range A..B, got "..feat"`,
		"a..b..c":     `--commits takes a range A..B, got "a..b..c"`,
	} {
		if _, _, err := splitCommits(in); err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}
