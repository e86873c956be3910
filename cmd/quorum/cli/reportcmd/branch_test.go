package reportcmd_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// repoWithBranches saves one report per branch name, oldest first, as the
// hook (full refs) and quorum review (short names) record them.
func repoWithBranches(t *testing.T, branches ...string) (dir, gitDir string) {
	t.Helper()
	dir = t.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	gitDir = filepath.Join(dir, ".git")
	var sc reporttest.Scenario
	for _, s := range reporttest.Scenarios() {
		if s.Name == "empty" {
			sc = s
		}
	}
	for i, b := range branches {
		r, err := pipeline.Consolidate(sc.Set, sc.Raw, report.Policy{}, report.Meta{Branch: b, GeneratedAt: reporttest.GeneratedAt})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := reportstore.SaveBundle(gitDir, reporttest.GeneratedAt.Add(time.Duration(i)*time.Hour), "abc123"+string(rune('a'+i)), reportstore.Bundle{Report: r, Raw: sc.Raw}); err != nil {
			t.Fatal(err)
		}
	}
	return dir, gitDir
}

// A report made by the hook before it recorded short names has
// refs/heads/main, one made by quorum review main: report list (its JSON
// too) and report show's views for people show both as main, and the
// saved files keep what they recorded.
func TestListShowsShortBranch(t *testing.T) {
	dir, gitDir := repoWithBranches(t, "refs/heads/main, refs/heads/fix", "main", "refs/heads/main")
	code, out, errOut := run(t, dir, "report list")
	want := `ID                       WHEN                  BRANCH     VERDICT  FINDINGS
20261127-110205-abc123c  2026-11-27 11:02 UTC  main       empty    0
20261127-100205-abc123b  2026-11-27 10:02 UTC  main       empty    0
20261127-090205-abc123a  2026-11-27 09:02 UTC  main, fix  empty    0
`
	if code != 0 || errOut != "" || out != want {
		t.Errorf("exit %d, stderr %q, list =\n%s\nwant\n%s", code, errOut, out, want)
	}

	code, out, _ = run(t, dir, "report list --json")
	var entries []reportstore.Entry
	if err := json.Unmarshal([]byte(out), &entries); code != 0 || err != nil || len(entries) != 3 {
		t.Fatalf("list --json: exit %d, %v\n%s", code, err, out)
	}
	// One spelling, whichever command saved the report.
	for i, want := range []string{"main", "main", "main, fix"} {
		if entries[i].Branch != want {
			t.Errorf("list --json entry %d branch %q, want %q", i, entries[i].Branch, want)
		}
	}

	code, out, _ = run(t, dir, "report show --format markdown")
	if code != 0 || !strings.Contains(out, "| Branch | `main` |") || strings.Contains(out, "refs/heads") {
		t.Errorf("show --format markdown: exit %d\n%s", code, out)
	}
	// The machine format is the report as saved.
	code, out, _ = run(t, dir, "report show --format json")
	if code != 0 || !strings.Contains(out, `"branch": "refs/heads/main"`) {
		t.Errorf("show --format json: exit %d\n%s", code, out)
	}
	// Nothing on disk changed.
	saved, err := os.ReadFile(filepath.Join(reportstore.Root(gitDir), "20261127-110205-abc123c", reportstore.ReportJSON))
	if err != nil || !strings.Contains(string(saved), `"branch": "refs/heads/main"`) {
		t.Errorf("saved report.json: %v\n%s", err, saved)
	}
}
