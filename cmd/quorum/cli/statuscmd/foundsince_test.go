package statuscmd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/ahead"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// A push the hook let through before its background review finished, which
// then found a blocking finding: the remote has that code. status must not
// call the push reviewed and go quiet: it says what the review found and
// which report holds it. A review since that blocks on nothing by the
// hook's gate (here fail_on none) does make it quiet; a clean review saved
// before the push (another panel's quick look) does not: it is not the
// review the hook could not make.
func TestStatusFindingsFoundAfterAnUnreviewedPush(t *testing.T) {
	for _, tt := range []struct {
		name, cfg, want string
		reviewedBefore  bool
		failed          bool // a reviewer failed in the review since
	}{
		{"a reviewer failed since", "hook:\n  fail_on: none\n", "", false, true},
		{"blocking", "", "a review since found 1 finding at or above the pre-push hook's gate in it, which the remote now has: 'quorum report show ", false, false},
		{"nothing blocks", "hook:\n  fail_on: none\n", "", false, false},
		{"reviewed before the push", "hook:\n  fail_on: none\n", "", true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := repo(t)
			if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte(tt.cfg), 0o644); err != nil {
				t.Fatal(err)
			}
			one := git(t, dir, "rev-parse", "HEAD~1")
			two := git(t, dir, "rev-parse", "HEAD")
			git(t, dir, "push", "-q", "origin", "main")      // let through: the remote has it
			pushed := reporttest.GeneratedAt.Add(-time.Hour) // the review below ends after it
			if tt.reviewedBefore {
				pushed = reporttest.GeneratedAt.Add(time.Hour)
			}
			v, err := hook.LoadVerdicts(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := v.RecordUnreviewed(hook.Unreviewed{Ranges: []hook.Range{{Base: one, Head: two}}, Commits: []string{two},
				Reason: "hook.timeout: the background review had not finished", Time: pushed}); err != nil {
				t.Fatal(err)
			}
			// The background review, finished after the push.
			sc := agreeScenario(t)
			if tt.failed {
				sc.Raw.Results[0].Status, sc.Raw.Results[0].Chunks = review.StatusFailed, nil
			}
			r, err := pipeline.Consolidate(sc.Set, sc.Raw, report.Policy{}, report.Meta{GeneratedAt: reporttest.GeneratedAt,
				Options: map[string]string{"ranges": one + ".." + two, "trigger": ahead.TriggerAhead}})
			if err != nil {
				t.Fatal(err)
			}
			e, err := reportstore.SaveBundle(filepath.Join(dir, ".git"), reporttest.GeneratedAt, two[:7], reportstore.Bundle{Report: r, Raw: sc.Raw})
			if err != nil {
				t.Fatal(err)
			}
			code, out, errOut := status(t, dir)
			if code != 0 {
				t.Fatalf("exit %d\n%s%s", code, out, errOut)
			}
			if tt.reviewedBefore {
				if !strings.Contains(out, "went through UNREVIEWED") || strings.Contains(out, "review since") {
					t.Errorf("a review saved before the push covers it:\n%s", out)
				}
				return
			}
			if tt.failed {
				name := safetext.OneLine(sc.Raw.Results[0].Reviewer.Name)
				if !strings.Contains(out, "went through UNREVIEWED") || !strings.Contains(out, "the review of it saved since does not clear it: "+name+" failed there; every panel model must answer ('quorum report show "+filepath.Base(e)+"'") {
					t.Errorf("a review since with a failed reviewer:\n%s", out)
				}
				return
			}
			if tt.want == "" {
				if strings.Contains(out, "UNREVIEWED") || !strings.Contains(out, "nothing to review: the remote has every commit") {
					t.Errorf("a clean review since: status still names the push\n%s", out)
				}
				return
			}
			if !strings.Contains(out, "went through UNREVIEWED (hook.timeout: the background review had not finished): 1 commit") ||
				!strings.Contains(out, tt.want+filepath.Base(e)+"'\n") || strings.Contains(out, "nothing to review") || strings.Contains(out, "no push will review") {
				t.Errorf("status:\n%s", out)
			}
			code, out, _ = status(t, dir, "--format", "json")
			if code != 0 || !strings.Contains(out, `"found_since": 1`) || !strings.Contains(out, `"reports": [`) {
				t.Errorf("json:\n%s", out)
			}
		})
	}
}
