package render_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// The coverage legend names only the marks the table uses, and says why a
// file was not reviewed from what happened to its reviewer: a review cut
// short (timeout, Ctrl-C) is "interrupted or timed out", never only "did
// not fit"; a missing model and a reviewer that stopped say so.
func TestCoverageLegend(t *testing.T) {
	set := reporttest.Set()
	files := reporttest.Files(set)
	one := reporttest.Chunk("c1", files[:1], review.Answer{})
	partial := func(name string, i int) review.RawResult {
		res := reporttest.Result(name, i, one)
		res.Status, res.Error = review.StatusPartial, "interrupted: 1 of 2 chunks not reviewed"
		return res
	}
	stopped := func(name, status, err string) review.RawResult {
		return review.RawResult{Reviewer: review.Reviewer{Name: name, Model: name}, Status: status, Error: err, Chunks: []review.ChunkResult{}}
	}
	for _, tt := range []struct {
		name        string
		interrupted bool
		results     []review.RawResult
		want        string
	}{
		{"all reviewed", false, []review.RawResult{reporttest.Result("alice", 0, reporttest.Chunk("c1", files, review.Answer{}))},
			"✓ reviewed"},
		{"did not fit", false, []review.RawResult{reporttest.Result("alice", 0, one)},
			"✓ reviewed · – not reviewed: it did not fit the model's context"},
		{"interrupted", true, []review.RawResult{partial("alice", 0)},
			"✓ reviewed · – not reviewed: the review was interrupted or timed out before reaching it; or it did not fit the model's context"},
		{"interrupted before planning", true, []review.RawResult{reporttest.Result("alice", 0, reporttest.Chunk("c1", files, review.Answer{})), stopped("bob", review.StatusFailed, "interrupted before its chunks were planned")},
			"✓ reviewed · – not reviewed: the review was interrupted or timed out before reaching it"},
		{"model missing", false, []review.RawResult{reporttest.Result("alice", 0, reporttest.Chunk("c1", files, review.Answer{})), stopped("bob", review.StatusMissing, `model "bob" not found`)},
			"✓ reviewed · – not reviewed: the model is not installed"},
		{"reviewer stopped", false, []review.RawResult{reporttest.Result("alice", 0, reporttest.Chunk("c1", files, review.Answer{})), stopped("bob", review.StatusFailed, "cannot reach the server")},
			"✓ reviewed · – not reviewed: the reviewer stopped before reaching it (see Reviewers)"},
		{"failed and truncated", false, []review.RawResult{reporttest.Result("alice", 0, one, reporttest.Failed("c2", files[1:], "no answer within 10m0s")), func() review.RawResult {
			r := reporttest.Result("bob", 1, one, reporttest.Failed("c3", files[1:], "the server truncated the prompt"))
			r.Chunks[1].Truncated = true
			return r
		}()},
			"✓ reviewed · ✂ truncated (not reviewed in full: the prompt was cut, or the file or a line of it did not fit the model's context) · ✗ chunk failed (asked, no usable answer)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw := reporttest.Raw(tt.results...)
			raw.Interrupted = tt.interrupted
			r := build(t, reporttest.Scenario{Name: tt.name, Set: set, Raw: raw})
			for _, format := range []string{"markdown", "text"} {
				var buf bytes.Buffer
				if err := render.Write(&buf, format, r, render.Options{Full: true, Width: 400}); err != nil {
					t.Fatal(err)
				}
				var legend string
				for _, line := range strings.Split(buf.String(), "\n") {
					if strings.HasPrefix(strings.TrimSpace(line), "✓ reviewed") {
						legend = strings.TrimSpace(line)
					}
				}
				if legend != tt.want {
					t.Errorf("%s legend\n%q\nwant\n%q", format, legend, tt.want)
				}
				if strings.Contains(buf.String(), "reviewer missing") {
					t.Errorf("%s still says 'reviewer missing'", format)
				}
			}
		})
	}
}
