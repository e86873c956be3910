package hookcmd

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/hook"
)

// Commits a push was blocked on stay blocked, under hook.on_unavailable:
// allow, through every review that is not whole and finds nothing: a
// panel model missing (which once recorded a pass and erased the block),
// a failed reviewer, every file over the size limit. Each refusal is one
// error and one hint; a whole review that passes then lets them through.
func TestBlockedCommitsStayBlockedOnAnIncompleteReview(t *testing.T) {
	dir, line := gitRepo(t)
	env := map[string]string{"HOME": t.TempDir()}
	outcome := func(o Outcome) Reviewer {
		return reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) { return o, nil })
	}
	blocked := Outcome{Blocked: true, ReportPath: "/r.md", Blocking: []hook.Finding{{ID: "ab12cd34", Severity: "critical", File: "db.go", Line: 3,
		Title: "SQL built from user input", Reviewers: []string{"beta:8b"}, SeenBy: 2}}}
	if _, err := runHook(t, dir, line, env, outcome(blocked)); !errors.Is(err, exitcode.FindingsError) {
		t.Fatalf("blocked: %v", err)
	}
	for _, tc := range []struct {
		name string
		out  Outcome
		why  string
	}{
		{"a panel model missing", Outcome{Missing: []string{"beta:8b"}, Reviewed: 1, Panel: 2}, "the review is partial (reviewed by 1 of 2 panel models; not installed in ollama: beta:8b)"},
		{"a reviewer failed", Outcome{Partial: "beta:8b failed"}, "the review is partial (beta:8b failed)"},
		{"every file too large", Outcome{NothingReviewed: true, Skipped: []diff.Skipped{{Path: "db.go", Reason: diff.SkipTooLarge}}}, "nothing reviewed: every changed file was skipped: db.go (too-large)"},
	} {
		for range 2 { // and again: the first refusal kept the block
			stderr, err := runHook(t, dir, line, env, outcome(tc.out))
			want := "push blocked: " + tc.why + ", and an earlier push of these commits was blocked on 1 finding (report /r.md)"
			if exitcode.Of(err) != exitcode.Setup || err.Error() != want || !strings.Contains(exitcode.HintOf(err), "QUORUM_SKIP=1") {
				t.Fatalf("%s: %v (hint %q)\nwant %s", tc.name, err, exitcode.HintOf(err), want)
			}
			if strings.Contains(stderr, "hint:") {
				t.Fatalf("%s: a hint before the refusal's own:\n%s", tc.name, stderr)
			}
		}
	}
	if stderr, err := runHook(t, dir, line, env, outcome(Outcome{})); err != nil {
		t.Fatalf("a whole review that passes: %v\n%s", err, stderr)
	}
}
