package anchor_test

import (
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// TestQuotesEndingInAnEllipsisOfCode: a quote whose "..." is code (Go's
// ./... pattern, a variadic call, a spread, a string) is found as written.
func TestQuotesEndingInAnEllipsisOfCode(t *testing.T) {
	set := reporttest.Set()
	set.Files = append(set.Files,
		reporttest.File("Makefile", diff.StatusModified, 3, 3, "+test:", "+\tgo test ./..."),
		reporttest.File("x.go", diff.StatusModified, 1, 1, "+\targs = append(args, extra...)", "+\tfmt.Println(xs...)", "+\tcall(a, b...)"),
		reporttest.File("x.js", diff.StatusModified, 1, 1, "+const o = {...base, ...extra};", "+  fn(...args);", "+print(\"Loading...\")"),
	)
	ix := anchor.NewIndex(set)
	for _, c := range []struct{ f, q string }{
		{"Makefile", "go test ./..."}, {"Makefile", "\tgo test ./..."},
		{"x.go", "args = append(args, extra...)"}, {"x.go", "fmt.Println(xs...)"}, {"x.go", "call(a, b...)"},
		{"x.js", "const o = {...base, ...extra};"}, {"x.js", "fn(...args);"}, {"x.js", "print(\"Loading...\")"},
	} {
		got, rej := ix.Anchor("a", "c", 1, review.RawFinding{File: c.f, Quote: c.q, Severity: "important", Title: "t"})
		if rej != nil {
			t.Errorf("%s %q rejected: %s", c.f, c.q, rej.Reason)
		} else {
			t.Logf("%s %q -> %d (%s)", c.f, c.q, got.Line, got.Evidence)
		}
	}
}
