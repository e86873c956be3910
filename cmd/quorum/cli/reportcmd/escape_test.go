package reportcmd_test

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// A branch name comes from the repository: `report list` prints it
// sanitised, and --json keeps it exact with C1 and bidi characters as \u escapes.
func TestListBranchIsSanitized(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	out, err := exec.Command("git", "-C", dir, "rev-parse", "--absolute-git-dir").Output()
	if err != nil {
		t.Fatal(err)
	}
	sc := reporttest.Scenarios()[0]
	r, err := pipeline.Consolidate(sc.Set, sc.Raw, report.Policy{}, report.Meta{Branch: "feat\u202e\u009b\x1b[2J", GeneratedAt: reporttest.GeneratedAt})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reportstore.SaveBundle(strings.TrimSpace(string(out)), reporttest.GeneratedAt.Add(time.Hour), "abc123", reportstore.Bundle{Report: r, Raw: sc.Raw}); err != nil {
		t.Fatal(err)
	}
	code, list, errOut := run(t, dir, "report list")
	if code != 0 || !strings.Contains(list, "feat") {
		t.Fatalf("exit %d\n%s%s", code, list, errOut)
	}
	if bad := cmdtest.Unsafe(list + errOut); bad != "" {
		t.Errorf("report list has %s", bad)
	}
	code, js, _ := run(t, dir, "report list --json")
	if bad := cmdtest.Unsafe(js); code != 0 || bad != "" || !strings.Contains(js, `"feat\u202e\u009b\u001b[2J"`) {
		t.Errorf("report list --json: exit %d, %s\n%s", code, bad, js)
	}
}
