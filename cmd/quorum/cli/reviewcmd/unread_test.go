package reviewcmd

import (
	"testing"

	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/review/report"
)

// TestUnreadHintNamesTheCause: a file that did not fit a context asks for
// a larger one or an ignore glob; a file whose chunks the server failed
// or never got to (it went away mid-review) asks for the server, which
// no context size mends. Both causes give both hints.
func TestUnreadHintNamesTheCause(t *testing.T) {
	rep := &report.Report{
		Reviewers: []report.Reviewer{{Name: "m", Status: "partial", Chunks: 3, FailedChunks: 1, UnaskedChunks: 16}},
		Coverage: report.Coverage{Reviewers: []string{"m"}, Files: []report.FileCoverage{
			{Path: "a.go", By: map[string]string{"m": report.CoverReviewed}},
			{Path: "b.go", By: map[string]string{"m": report.CoverFailed}},
			{Path: "c.go", By: map[string]string{"m": report.CoverNotCovered}},
			{Path: "min.js", By: map[string]string{"m": report.CoverTruncated}},
		}},
	}
	const server = "check the model server ('quorum doctor'), then run the review again: the chunks that finished come from the cache"
	const context = "leave generated or minified files out (--ignore, or ignore: in .quorum.yaml), or give the reviewers a larger context (--max-context, a model's num_ctx)"
	for _, tc := range []struct {
		unread    []string
		msg, hint string
	}{
		{[]string{"b.go", "c.go"}, "review incomplete: b.go, c.go read in full by no reviewer (see the coverage)", server},
		{[]string{"min.js"}, "review incomplete: min.js read in full by no reviewer (see the coverage)", context},
		{[]string{"b.go", "min.js"}, "review incomplete: b.go, min.js read in full by no reviewer (see the coverage)", server + "; " + context},
	} {
		err := unreadError(rep, tc.unread, true)
		if exitcode.Of(err) != exitcode.Setup || err.Error() != tc.msg || exitcode.HintOf(err) != tc.hint {
			t.Errorf("%v: exit %d, %q, hint %q", tc.unread, exitcode.Of(err), err, exitcode.HintOf(err))
		}
	}
	// With the cache off (--no-cache), nothing finished is kept.
	if h := exitcode.HintOf(unreadError(rep, []string{"b.go"}, false)); h != "check the model server ('quorum doctor'), then run the review again" {
		t.Errorf("no cache: hint %q", h)
	}
}
