package anchor_test

import (
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// TestNearCopyKeepsOperators: a near copy forgives a misspelt name, never
// a changed operator. `i <= len(xs)` against `i < len(xs)` and `err == nil`
// against `err != nil` are the off-by-one and the inverted check a model
// imagines; both score 1.0 on words alone.
func TestNearCopyKeepsOperators(t *testing.T) {
	set := reporttest.Set()
	set.Files = append(set.Files, reporttest.File("calc.go", diff.StatusModified, 28, 28,
		"+\tfor i := 0; i < len(xs); i++ {",
		"+\t\ttotal += xs[i]",
		"+\t}",
		"+\tif err := check(total); err != nil {",
	))
	ix := anchor.NewIndex(set)
	for _, tt := range []struct {
		quote string
		line  int // 0: rejected as "quote not in the diff"
	}{
		{"for i := 0; i <= len(xs); i++ {", 0},
		{"if err := check(total); err == nil {", 0},
		{"for i := 0; i < len(xs); i-- {", 0},
		{"total -= xs[i]", 0},
		// A misspelt name with every operator kept is still this line.
		{"for i := 0; i < len(ys); i++ {", 28},
		{"if err := check(totl); err != nil {", 31},
		// Spacing around operators is not an operator.
		{"for i := 0; i<len(xs); i++ {", 28},
	} {
		if w := anchor.Similarity(tt.quote, "for i := 0; i < len(xs); i++ {"); tt.line == 0 && tt.quote[0] == 'f' && w < anchor.SimilarThreshold {
			t.Fatalf("%q: similarity %.2f is below the threshold, so this case tests nothing", tt.quote, w)
		}
		got, rej := ix.Anchor("r", "c", 1, reporttest.F("calc.go", 28, tt.quote, "critical", "bug", "t", "e"))
		switch {
		case tt.line == 0 && (rej == nil || rej.Reason != "quote not in the diff"):
			t.Errorf("%q: anchored at %d, want rejected", tt.quote, got.Line)
		case tt.line != 0 && rej != nil:
			t.Errorf("%q: rejected (%s), want line %d", tt.quote, rej.Reason, tt.line)
		case tt.line != 0 && (got.Line != tt.line || got.Evidence != anchor.EvidenceQuote):
			t.Errorf("%q: line %d evidence %s, want line %d by quote", tt.quote, got.Line, got.Evidence, tt.line)
		}
	}
}

// TestNearCopyKeepsLiteralsCallsAndOrder: a near copy forgives a misspelt
// name, never a changed literal value, a changed called function or names
// in another order (the lines of an adversarial review: each wrong quote
// scores at least SimilarThreshold on words and kept every operator).
func TestNearCopyKeepsLiteralsCallsAndOrder(t *testing.T) {
	set := reporttest.Set()
	set.Files = append(set.Files, reporttest.File("c.go", diff.StatusModified, 1, 1,
		"+\tcfg := &tls.Config{InsecureSkipVerify: false}",                      // 1
		"+\tif err != nil { return err }",                                       // 2
		"+\tsize := max(len(data), limit)",                                      // 3
		"+\tpct := float64(used) / float64(total) // share of the quota in use", // 4
	))
	ix := anchor.NewIndex(set)
	for _, tt := range []struct {
		quote string
		line  int // 0: rejected as "quote not in the diff"
	}{
		{"cfg := &tls.Config{InsecureSkipVerify: true}", 0},
		{"if err != nil { return nil }", 0},
		{"size := min(len(data), limit)", 0},
		{"pct := float64(total) / float64(used) // share of the quota in use", 0},
		// The same lines as they are, re-spaced, with a comment changed, or
		// with one plain name misspelt, are still quotes of them.
		{"cfg  :=  &tls.Config{ InsecureSkipVerify: false }", 1},
		{"cfg := &tls.Config{InsecureSkipVerify: false} // the default", 1},
		{"cfg := &tls.Config{InsecureSkipVerfy: false}", 1},
		{"if er != nil { return err }", 2},
		{"size := max(len(data), limt)", 3},
		{"pct := float64(usd) / float64(total) // share of the quota in use", 4},
		{"pct := float64(used) / float64(total) // share of quota", 4},
	} {
		got, rej := ix.Anchor("r", "c", 1, reporttest.F("c.go", 0, tt.quote, "critical", "security", "t", "e"))
		switch {
		case tt.line == 0 && (rej == nil || rej.Reason != "quote not in the diff"):
			t.Errorf("%q: anchored at %d, want rejected", tt.quote, got.Line)
		case tt.line != 0 && rej != nil:
			t.Errorf("%q: rejected (%s), want line %d", tt.quote, rej.Reason, tt.line)
		case tt.line != 0 && got.Line != tt.line:
			t.Errorf("%q: anchored at %d, want %d", tt.quote, got.Line, tt.line)
		}
	}
}
