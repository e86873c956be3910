package report

import (
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/merge"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// A representative with no fix borrows one with the lines it was written
// for (FixFrom): a finder anchored where the representative is first, so
// the fix replaces the lines the finding shows; else the first finder with
// a fix, at its own lines (deleted code's old lines included). The
// representative's own fix borrows nothing.
func TestBorrowedFixCarriesItsLines(t *testing.T) {
	file := reporttest.File("h.go", diff.StatusModified, 20, 22,
		"+func Sum(xs []int) int {",
		"+\tt := 0",
		"+\tfor i := 0; i <= len(xs); i++ {",
		"+\t\tt += xs[i]",
		"-\t\tcheck(i)",
		"+\t}",
		"+\treturn t",
		"+}",
	)
	files := map[string]*diff.File{"h.go": &file}
	at := func(who string, line int, fix string) anchor.Finding {
		return anchor.Finding{Reviewer: who, File: "h.go", Line: line, EndLine: line, Evidence: anchor.EvidenceQuote, LineKind: diff.Added,
			Raw: review.RawFinding{Severity: review.Important, Category: "bug", Title: who, Fix: fix, Quote: who + " quote"}}
	}
	gone := at("dora", 26, "check(i)")
	gone.Deleted, gone.OldLine, gone.OldEndLine, gone.LineKind = true, 20, 20, diff.Deleted
	r := &Report{Policy: Policy{Severity: DefaultSeverityPolicy, FailOn: review.Important}}
	finding := func(rep anchor.Finding, members ...anchor.Finding) Finding {
		c := merge.Cluster{Rep: rep, Members: append([]anchor.Finding{rep}, members...), Category: "bug", Votes: map[string]string{}}
		for _, m := range c.Members {
			c.Reviewers = append(c.Reviewers, m.Reviewer)
			c.Votes[m.Reviewer] = m.Raw.Severity
		}
		return r.finding(c, files, map[string]map[string]bool{})
	}

	f := finding(at("llama", 25, ""), at("qwen", 24, "for i := 0; i < len(xs); i++ {"), at("zed", 25, "if i < len(xs) { t += xs[i] }"))
	if s := f.FixFrom; s == nil || s.Reviewer != "zed" || s.Line != 25 || f.Fix != "if i < len(xs) { t += xs[i] }" || f.FixQuote != "zed quote" {
		t.Errorf("a finder at the representative's line is not preferred: fix %q quote %q from %+v", f.Fix, f.FixQuote, s)
	}

	f = finding(at("llama", 25, ""), at("qwen", 24, "for i := 0; i < len(xs); i++ {"))
	if s := f.FixFrom; s == nil || s.Reviewer != "qwen" || s.File != "h.go" || s.Line != 24 || s.EndLine != 24 || len(s.Code) != 3 ||
		s.Code[1].New != 24 || s.Code[1].Text != "\tfor i := 0; i <= len(xs); i++ {" || f.FixQuote != "qwen quote" {
		t.Errorf("fix from another line: %+v", s)
	}

	f = finding(at("llama", 25, ""), gone)
	if s := f.FixFrom; s == nil || !s.Deleted || s.OldLine != 20 || s.OldEndLine != 20 || len(s.Code) != 1 || s.Code[0].Kind != "deleted" || s.Code[0].Text != "\t\tcheck(i)" {
		t.Errorf("fix from deleted code: %+v", s)
	}

	if f = finding(at("llama", 25, "t += xs[min(i, len(xs)-1)]"), at("qwen", 24, "for i := 0; i < len(xs); i++ {")); f.FixFrom != nil || f.FixQuote != "llama quote" {
		t.Errorf("the representative's own fix is borrowed: %+v", f.FixFrom)
	}
	if f = finding(at("llama", 25, ""), at("gemma", 25, "")); f.FixFrom != nil || f.Fix != "" {
		t.Errorf("no fix anywhere, yet fix %q from %+v", f.Fix, f.FixFrom)
	}
}
