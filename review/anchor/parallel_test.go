package anchor_test

import (
	"fmt"
	"reflect"
	"runtime"
	"testing"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// TestAllInParallelIsAllInSequence: anchoring a large answer spreads its
// findings over the cores, and the result must be the one a single core
// gives, memos (file indexes, scope chains, flowed code) included. Under
// -race it also checks the memos are guarded.
func TestAllInParallelIsAllInSequence(t *testing.T) {
	var old, nw []string
	old = append(old, "package a", "")
	nw = append(nw, "package a", "")
	for f := range 40 {
		old = append(old, fmt.Sprintf("func f%d(ctx context.Context) error {", f), "\treturn nil", "}", "")
		nw = append(nw, fmt.Sprintf("func f%d(ctx context.Context) error {", f),
			fmt.Sprintf("\tv%d := compute(ctx,", f), fmt.Sprintf("\t\titem%d)", f), "\treturn nil", "}", "")
	}
	set := changeSet(t, "a.go", lines(old...), lines(nw...))
	var fs []review.RawFinding
	for i := range 1200 {
		f := i % 40
		var q string
		switch i % 4 {
		case 0:
			q = fmt.Sprintf("v%d := compute(ctx,", f) // as written
		case 1:
			q = fmt.Sprintf("v%d := compute(ctx, item%d)", f, f) // joined onto one line: read as flowed code
		case 2:
			q = fmt.Sprintf("os.RemoveAll(item%d)", f) // invented: rejected
		case 3:
			q = "" // a line number only
		}
		fs = append(fs, review.RawFinding{File: "a.go", Line: 3 + 6*f, Quote: q, Severity: "important", Category: "bug", Title: fmt.Sprintf("t%d", i)})
	}
	raw := reporttest.Raw(
		reporttest.Result("alpha", 0, reporttest.Chunk("c1", []string{"a.go"}, review.Answer{Findings: fs[:600]})),
		reporttest.Result("bravo", 1, reporttest.Chunk("c1", []string{"a.go"}, review.Answer{Findings: fs[600:]})),
	)
	anchorWith := func(procs int) anchor.Result {
		prev := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(prev)
		return anchor.NewIndex(set).All(raw)
	}
	one, many := anchorWith(1), anchorWith(4)
	if len(one.Findings) == 0 || len(one.Rejected) == 0 {
		t.Fatalf("the answer should anchor some findings and reject others: %d anchored, %d rejected", len(one.Findings), len(one.Rejected))
	}
	if !reflect.DeepEqual(one, many) {
		t.Error("anchoring over 4 cores gave another result than over 1")
	}
}
