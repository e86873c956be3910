package reviewcmd

import (
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// TestGateUnmetWhenAFileIsReadByTooFew: a review whose file one of two
// reviewers could not read (a failed chunk) cannot apply min agreement 2
// there: exit 2, as its replay does; one whose second reviewer read
// nothing says how few read the change.
func TestGateUnmetWhenAFileIsReadByTooFew(t *testing.T) {
	set := &diff.Set{Files: []diff.File{
		reporttest.File("a.go", diff.StatusModified, 1, 1, "+\tx := 1"),
		reporttest.File("b.go", diff.StatusModified, 1, 1, "+\ty := 2"),
	}}
	both := reporttest.Result("alice", 0, reporttest.Chunk("c1", []string{"a.go", "b.go"}, review.Answer{Summary: "ok"}))
	one := reporttest.Result("bob", 1, reporttest.Chunk("c1", []string{"a.go"}, review.Answer{Summary: "ok"}), reporttest.Failed("c2", []string{"b.go"}, "server failed"))
	one.Status = review.StatusPartial
	rep, err := pipeline.Consolidate(set, reporttest.Raw(both, one), report.Policy{FailOn: "important", MinAgreement: 2}, report.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	err = gateUnmet(rep)
	if exitcode.Of(err) != exitcode.Setup || !strings.Contains(err.Error(), "b.go read in full by fewer reviewers than min agreement 2") || exitcode.HintOf(err) == "" {
		t.Fatalf("verdict %q: %v (hint %q)", rep.Verdict.Text, err, exitcode.HintOf(err))
	}
	nothing := reporttest.Result("bob", 1)
	nothing.Chunks, nothing.NotCovered = nil, []string{"a.go", "b.go"}
	rep, err = pipeline.Consolidate(set, reporttest.Raw(both, nothing), report.Policy{FailOn: "important", MinAgreement: 2}, report.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if err := gateUnmet(rep); exitcode.Of(err) != exitcode.Setup || !strings.Contains(err.Error(), "only 1 of 2 reviewers read the change") {
		t.Fatalf("verdict %q: %v", rep.Verdict.Text, err)
	}
}

// TestUnreadHintAtOneTokenAByte: a file that fit no chunk of reviewers
// that planned at one token a byte (no token count from their server) is
// not blamed on the file: the hint names the count, not an ignore glob.
func TestUnreadHintAtOneTokenAByte(t *testing.T) {
	set := &diff.Set{Files: []diff.File{reporttest.File("main.go", diff.StatusModified, 1, 1, "+\tx := compute(1)")}}
	for _, cal := range []string{"conservative", "probe"} {
		res := reporttest.Result("alice", 0)
		res.Chunks, res.NotCovered, res.Calibration = nil, []string{"main.go"}, cal
		rep, err := pipeline.Consolidate(set, reporttest.Raw(res), report.Policy{}, report.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		h := exitcode.HintOf(unreadError(rep, rep.Verdict.Unread, true))
		if one := strings.Contains(h, "planned at one token a byte"); one != (cal == "conservative") || strings.Contains(h, "minified") == (cal == "conservative") {
			t.Errorf("calibration %s: hint %q", cal, h)
		}
	}
}

// TestUnreadHintAtACutProbe: reviewers planned at one token a byte because
// the server cut their tokenizer probe (its context is smaller than the
// probe) get a hint about that context, not about a server that counts
// nothing.
func TestUnreadHintAtACutProbe(t *testing.T) {
	set := &diff.Set{Files: []diff.File{reporttest.File("main.go", diff.StatusModified, 1, 1, "+\tx := compute(1)")}}
	res := reporttest.Result("alice", 0)
	res.Chunks, res.NotCovered, res.Calibration, res.ProbeCut = nil, []string{"main.go"}, "conservative", 2048
	rep, err := pipeline.Consolidate(set, reporttest.Raw(res), report.Policy{}, report.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	h := exitcode.HintOf(unreadError(rep, rep.Verdict.Unread, true))
	if !strings.Contains(h, "the server runs "+res.Reviewer.Model+" at 2048 tokens, too few for quorum's tokenizer probe, so quorum planned at one token a byte: raise the context the server runs it at") ||
		strings.Contains(h, "usable token count") {
		t.Errorf("hint %q", h)
	}
	if !strings.Contains(rep.Verdict.Text, "at 2048 tokens, too few for quorum's tokenizer probe") {
		t.Errorf("verdict %q", rep.Verdict.Text)
	}
}
