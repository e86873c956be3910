package report_test

import (
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/pipeline"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// A file whose prompt the server cut (even after quorum split it again) is
// "truncated" in the coverage, never "reviewed", though another part of it
// was answered; the verdict says the review is partial and why.
func TestTruncatedFileIsNotReviewed(t *testing.T) {
	set := reporttest.Set()
	files := reporttest.Files(set)
	cut := reporttest.Failed("c2", files[:1], "the server truncated the prompt: it read 4096 tokens and wrote 3 with num_ctx 4096, even alone")
	cut.Truncated = true
	alice := reporttest.Result("alice", 0, reporttest.Chunk("c1", files, review.Answer{Summary: "ok"}), cut)
	alice.Truncated = files[:1]
	r, err := pipeline.Consolidate(set, reporttest.Raw(alice, reporttest.Result("bob", 1, reporttest.Chunk("c1", files, review.Answer{Summary: "ok"}))),
		report.Policy{}, report.Meta{GeneratedAt: reporttest.GeneratedAt})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range r.Coverage.Files {
		want := report.CoverReviewed
		if f.Path == files[0] {
			want = report.CoverTruncated
		}
		if f.By["alice"] != want || f.By["bob"] != report.CoverReviewed {
			t.Errorf("%s: coverage %v, want alice %s", f.Path, f.By, want)
		}
	}
	if !strings.Contains(r.Verdict.Text, "partly reviewed (alice: 1 of 2 chunks failed, 1 truncated by the server)") {
		t.Errorf("verdict %q does not say the review is partial", r.Verdict.Text)
	}
}

// A reviewer whose server went away mid-review failed one chunk and was
// never asked the rest: the verdict counts every planned chunk and says
// how many were not asked (it said "1 of 2" for a plan of 18).
func TestUnaskedChunksAreCounted(t *testing.T) {
	set := reporttest.Set()
	files := reporttest.Files(set)
	alice := reporttest.Result("alice", 0, reporttest.Chunk("c1", files, review.Answer{Summary: "ok"}), reporttest.Failed("c2", files[:1], "connection refused"))
	alice.Status, alice.Unasked = review.StatusPartial, 16
	r, err := pipeline.Consolidate(set, reporttest.Raw(alice), report.Policy{}, report.Meta{GeneratedAt: reporttest.GeneratedAt})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Verdict.Text, "partly reviewed (alice: 1 of 18 chunks failed, 16 not asked)") {
		t.Errorf("verdict %q", r.Verdict.Text)
	}
}
