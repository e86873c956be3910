package anchor_test

import (
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review/anchor"
)

// TestNonUTF8FileNames: a file name that is not UTF-8 (a Latin-1
// "caf\xe9.go") is named back by a model either as the prompt quotes it or
// as JSON carries it, each bad byte U+FFFD; both find the file (every
// finding on it was rejected as "not in the diff"). Two names that differ
// only in such bytes are not guessed between.
func TestNonUTF8FileNames(t *testing.T) {
	file := func(path string) diff.File {
		return diff.File{Path: path, Status: diff.StatusAdded, Added: 1, Hunks: []diff.Hunk{{NewStart: 1, NewLines: 1,
			Lines: []diff.Line{{Kind: diff.Added, New: 1, Text: "x := BUG()"}}}}}
	}
	ix := anchor.NewIndex(&diff.Set{Files: []diff.File{file("caf\xe9.go"), file("a\xff.go"), file("a\xfe.go")}})
	for _, tc := range []struct{ named, want, reason string }{
		{"caf\xe9.go", "caf\xe9.go", ""},
		{`"caf\xe9.go"`, "caf\xe9.go", ""},
		{`caf\xe9.go`, "caf\xe9.go", ""},
		{"caf\uFFFD.go", "caf\xe9.go", ""},
		{`"a\xff.go"`, "a\xff.go", ""},
		{"a\uFFFD.go", "", "file a\uFFFD.go is not in the diff"},
	} {
		got, reason := ix.ResolvePath(tc.named)
		if got != tc.want || reason != tc.reason {
			t.Errorf("ResolvePath(%q) = %q, %q; want %q, %q", tc.named, got, reason, tc.want, tc.reason)
		}
	}
}
