package statuscmd

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// TestReviewedWithAnotherBranch: a push of two branches reviews their
// ranges as one and saves one report of both. Status on either branch
// used to say "not reviewed yet"; it names that review, and says its
// verdict and findings are of both branches.
func TestReviewedWithAnotherBranch(t *testing.T) {
	dir := repo(t)
	head := git(t, dir, "rev-parse", "HEAD")
	base := git(t, dir, "rev-parse", "origin/main")
	sc := agreeScenario(t)
	other := strings.Repeat("a", 40) + ".." + strings.Repeat("b", 40)
	r, err := pipeline.Consolidate(sc.Set, sc.Raw, report.Policy{}, report.Meta{GeneratedAt: reporttest.GeneratedAt,
		Options: map[string]string{"ranges": base + ".." + head + " " + other, "trigger": "pre-push"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reportstore.SaveBundle(filepath.Join(dir, ".git"), reporttest.GeneratedAt, head[:7], reportstore.Bundle{Report: r, Raw: sc.Raw}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := status(t, dir)
	if code != 0 || !strings.Contains(out, "reviewed by the pre-push hook at ") || !strings.Contains(out, "in one push with another branch") || strings.Contains(out, "not reviewed yet") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	_, out, _ = status(t, dir, "--format", "json")
	var st Status
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.State != Reviewed || !st.Together {
		t.Fatalf("json %+v %v\n%s", st, err, out)
	}
}

// agreeScenario is reporttest's "agree" review: two reviewers agreeing on
// one finding, the saved review status tests read.
func agreeScenario(t *testing.T) reporttest.Scenario {
	t.Helper()
	for _, s := range reporttest.Scenarios() {
		if s.Name == "agree" {
			return s
		}
	}
	t.Fatal("reporttest has no agree scenario")
	return reporttest.Scenario{}
}
