package report_test

import (
	"testing"

	"github.com/quorum-review/quorum/internal/pipeline"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// FuzzBuild: arbitrary reviewer answers never make Build fail or panic.
func FuzzBuild(f *testing.F) {
	f.Add("store/cache.go", 17, "f, _ := os.Open(c.path(key))", "important", "bug", "title", "expl `x`", "fix", "risk")
	f.Add("", -3, "\x1b[2J", "CRITICAL", "", "", "", "", "")
	f.Add("api/handler.go", 4, "", "suggestion", "style", "\u202e", "a\nb", "-a\n+b", "high")
	f.Fuzz(func(t *testing.T, file string, line int, quote, sev, cat, title, expl, fix, risk string) {
		set := reporttest.Set()
		fs := []review.RawFinding{
			{File: file, Line: line, Quote: quote, Severity: sev, Category: cat, Title: title, Explanation: expl, Fix: fix},
			{File: file, Line: line + 1, Quote: quote, Severity: "important", Category: cat, Title: expl, Explanation: title},
		}
		a := review.Answer{Summary: expl, Findings: fs, Strengths: []string{title}, Untested: []review.Untested{{Scenario: title, Risk: risk}}}
		raw := reporttest.Raw(
			reporttest.Result("a", 0, reporttest.Chunk("c1", reporttest.Files(set), a)),
			reporttest.Result("b", 1, reporttest.Chunk("c1", []string{file}, a)),
		)
		if _, err := pipeline.Consolidate(set, raw, report.Policy{}, report.Meta{}); err != nil {
			t.Fatal(err)
		}
	})
}
