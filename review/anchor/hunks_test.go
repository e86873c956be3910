package anchor_test

import (
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// twoHunks is a file whose diff shows two hunks far apart: lines 13-17 and
// 175-179, and the 157 lines between them never shown.
func twoHunks() *anchor.Index {
	f := reporttest.File("svc.go", diff.StatusModified, 13, 13,
		" func Add(x int) {", // 13
		" \tmu.Lock()",       // 14
		" \tdefer mu.Unlock()",
		"+\tcount++", // 16
		" }",         // 17
	)
	f.Hunks = append(f.Hunks, reporttest.Hunk(174, 175,
		" func Get() []int {",              // 175
		" \tout := make([]int, len(data))", // 176
		"+\tlog(len(out))",                 // 177
		" \treturn out",                    // 178
		" }",                               // 179
	))
	return anchor.NewIndex(&diff.Set{Files: []diff.File{f}})
}

// TestQuoteStaysInOneHunk: the lines of a quote are consecutive lines of
// the file, so a quote never runs from the end of one hunk into the start
// of the next, as written or across an ellipsis; within a hunk both still
// match.
func TestQuoteStaysInOneHunk(t *testing.T) {
	ix := twoHunks()
	for _, tt := range []struct {
		name     string
		quote    string
		from, to int // 0: rejected as "quote not in the diff"
		hint     int
	}{
		{name: "last line of one hunk, first of the next", quote: "count++\n}\nfunc Get() []int {", hint: 16},
		{name: "a hunk's last line, then the next hunk's first", quote: "}\nfunc Get() []int {", hint: 17},
		{name: "an ellipsis across the unshown lines", quote: "count++\n...\nlog(len(out))", hint: 16},
		{name: "an ellipsis from one hunk's start to the next's end", quote: "func Add(x int) {\n...\nreturn out", hint: 13},
		{name: "consecutive lines of one hunk", quote: "count++\n}", from: 16, to: 17},
		{name: "an ellipsis within one hunk", quote: "func Get() []int {\n...\nlog(len(out))", from: 175, to: 177},
		{name: "the second hunk's lines", quote: "log(len(out))\nreturn out\n}", from: 177, to: 179},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, rej := ix.Anchor("r", "c", 1, reporttest.F("svc.go", tt.hint, tt.quote, "important", "bug", "t", "e"))
			if tt.from == 0 {
				if rej == nil || rej.Reason != "quote not in the diff" {
					t.Fatalf("anchored at %d-%d, want rejected as not in the diff", got.Line, got.EndLine)
				}
				return
			}
			if rej != nil {
				t.Fatalf("rejected: %s", rej.Reason)
			}
			if got.Line != tt.from || got.EndLine != tt.to {
				t.Errorf("anchored at %d-%d, want %d-%d", got.Line, got.EndLine, tt.from, tt.to)
			}
		})
	}
}
