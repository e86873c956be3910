package reportstore_test

import (
	"testing"

	"github.com/quorum-review/quorum/internal/reportstore"
)

func TestShortBranch(t *testing.T) {
	for in, want := range map[string]string{
		"":                                 "",
		"main":                             "main",
		"feature/refs/x":                   "feature/refs/x",
		"refs/heads/main":                  "main",
		"refs/heads/feature/login":         "feature/login",
		"refs/heads/main, refs/heads/fix":  "main, fix",
		"refs/heads/main, main":            "main",
		"refs/tags/v1.2":                   "tag v1.2",
		"refs/heads/v1, refs/tags/v1":      "v1, tag v1",
		"refs/remotes/origin/main":         "origin/main",
		"refs/heads/":                      "refs/heads/",
		"refs/notes/commits":               "refs/notes/commits",
		"detached at 0123abc":              "detached at 0123abc",
		"refs/heads/main, refs/heads/main": "main",
		"refs/heads/a,b":                   "a,b",
	} {
		if got := reportstore.ShortBranch(in); got != want {
			t.Errorf("ShortBranch(%q) = %q, want %q", in, got, want)
		}
	}
}
