package pipeline_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// coverOf returns the coverage state of path for reviewer name.
func coverOf(r *report.Report, path, name string) string {
	for _, f := range r.Coverage.Files {
		if f.Path == path {
			return f.By[name]
		}
	}
	return ""
}

// store/cache.go was split into two chunks (hunk groups); the reviewer
// answered the first and the second failed. The file is only half read:
// its coverage is the worst of its chunks ("failed"), in either order of
// the chunks, and the verdict names it as read by no reviewer.
func TestRevPartlyFailedFileCountsAsReviewed(t *testing.T) {
	set := reporttest.Set()
	all := reporttest.Files(set)
	ok := review.Answer{Summary: "ok", Findings: []review.RawFinding{}}
	for _, order := range [][]review.ChunkResult{
		{reporttest.Chunk("c1", all, ok), reporttest.Failed("c2", []string{"store/cache.go"}, "after one retry: invalid JSON")},
		{reporttest.Failed("c2", []string{"store/cache.go"}, "after one retry: invalid JSON"), reporttest.Chunk("c1", all, ok)},
	} {
		raw := reporttest.Raw(reporttest.Result("m", 0, order...))
		r, err := pipeline.Consolidate(set, raw, report.Policy{}, report.Meta{GeneratedAt: time.Unix(0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		if s := coverOf(r, "store/cache.go", "m"); s != report.CoverFailed {
			t.Errorf("store/cache.go: coverage %q although one of its two chunks failed, want %q; verdict %q: %s", s, report.CoverFailed, r.Verdict.Status, r.Verdict.Text)
		}
		if s := coverOf(r, "api/handler.go", "m"); s != report.CoverReviewed {
			t.Errorf("api/handler.go, answered whole: coverage %q", s)
		}
		if !slices.Contains(r.Verdict.Unread, "store/cache.go") || slices.Contains(r.Verdict.Unread, "api/handler.go") {
			t.Errorf("verdict unread %v, want store/cache.go only (status %q: %s)", r.Verdict.Unread, r.Verdict.Status, r.Verdict.Text)
		}
	}
}

// A finding in a file split across chunks: the reviewer that failed one of
// the file's chunks did not see the whole file, so it does not count as
// having seen the file without finding the problem.
func TestRevPartlyFailedFileIsNotSeenForAgreement(t *testing.T) {
	set := reporttest.Set()
	all := reporttest.Files(set)
	leak := reporttest.F("store/cache.go", 17, "\tf, _ := os.Open(c.path(key))", "important", "bug", "file never closed", "`f` is never closed.")
	ok := review.Answer{Summary: "ok", Findings: []review.RawFinding{}}
	raw := reporttest.Raw(
		reporttest.Result("alice", 0, reporttest.Chunk("c1", all, review.Answer{Summary: "s", Findings: []review.RawFinding{leak}})),
		reporttest.Result("bob", 1, reporttest.Chunk("c1", all, ok), reporttest.Failed("c2", []string{"store/cache.go"}, "after one retry: invalid JSON")),
	)
	r, err := pipeline.Consolidate(set, raw, report.Policy{}, report.Meta{GeneratedAt: time.Unix(0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range r.Findings {
		if f.File == "store/cache.go" {
			found = true
			if f.SeenBy != 1 {
				t.Errorf("finding %q: seen by %d, want 1 (bob read only part of the file)", f.Title, f.SeenBy)
			}
		}
	}
	if !found {
		t.Fatal("the finding in store/cache.go is missing")
	}
}

// The run stopped after the first of store/cache.go's two chunks answered:
// the runner reports the file not covered (its other chunk never ran, so
// no chunk result shows it). The coverage says not reviewed, the verdict
// does not count it as reached; the other file, read whole, stays reviewed.
func TestRevInterruptedSplitFileIsNotReviewed(t *testing.T) {
	set := reporttest.Set()
	all := reporttest.Files(set)
	res := reporttest.Result("m", 0, reporttest.Chunk("c1", all, review.Answer{Summary: "ok", Findings: []review.RawFinding{}}))
	res.Status = review.StatusPartial
	res.Error = "interrupted: 1 of 2 chunks not reviewed"
	res.Covered = []string{"api/handler.go"}
	res.NotCovered = []string{"store/cache.go"}
	raw := reporttest.Raw(res)
	raw.Interrupted = true
	r, err := pipeline.Consolidate(set, raw, report.Policy{}, report.Meta{GeneratedAt: time.Unix(0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if s := coverOf(r, "store/cache.go", "m"); s != report.CoverNotCovered {
		t.Errorf("store/cache.go, half reached: coverage %q, want %q", s, report.CoverNotCovered)
	}
	if s := coverOf(r, "api/handler.go", "m"); s != report.CoverReviewed {
		t.Errorf("api/handler.go: coverage %q, want %q", s, report.CoverReviewed)
	}
	if r.Verdict.Status != "incomplete" || !strings.Contains(r.Verdict.Text, "1 of 2 files reviewed") {
		t.Errorf("verdict %q: %s; want incomplete, 1 of 2 files reached", r.Verdict.Status, r.Verdict.Text)
	}

	// A file the reviewer did cover, one line of which fitted no context
	// (covered and not covered at once), stays truncated, finished or not.
	res.Covered = []string{"api/handler.go", "store/cache.go"}
	r, err = pipeline.Consolidate(set, reporttest.Raw(res), report.Policy{}, report.Meta{GeneratedAt: time.Unix(0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if s := coverOf(r, "store/cache.go", "m"); s != report.CoverTruncated {
		t.Errorf("store/cache.go, a line of which fitted no context: coverage %q, want %q", s, report.CoverTruncated)
	}
}
