package reportcmd_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/cmd/quorum/cli/reportcmd"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// repoWith makes a repository with n saved reports of the "agree" scenario,
// one a minute, unpruned; it returns the work tree and the git dir.
func repoWith(t *testing.T, n int) (string, string) {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	out, err := exec.Command("git", "-C", dir, "rev-parse", "--absolute-git-dir").Output()
	if err != nil {
		t.Fatal(err)
	}
	gd := strings.TrimSpace(string(out))
	sc := reporttest.Scenarios()[0]
	for i := 0; i < n; i++ {
		at := reporttest.GeneratedAt.Add(time.Duration(i) * time.Minute)
		r, err := pipeline.Consolidate(sc.Set, sc.Raw, report.Policy{}, report.Meta{Branch: "feature", GeneratedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := reportstore.SaveBundle(gd, at, "abc1234", reportstore.Bundle{Report: r, Raw: sc.Raw, Diff: sc.Set, Limits: &reportstore.Limits{}}); err != nil {
			t.Fatal(err)
		}
	}
	return dir, gd
}

func listIDs(t *testing.T, gd string) []string {
	t.Helper()
	entries, err := reportstore.List(gd)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.ID)
	}
	return ids
}

var sizeRE = regexp.MustCompile(`\d+ KB`)

func TestPrune(t *testing.T) {
	dir, gd := repoWith(t, 4)
	before := listIDs(t, gd)

	code, out, errOut := run(t, dir, "report prune --keep 2 --dry-run")
	want := `would remove 20261127-090205-abc1234 (fail, 1 finding; N KB; beyond the newest 2)
would remove 20261127-090305-abc1234 (fail, 1 finding; N KB; beyond the newest 2)
would remove 2 reports (N KB); 2 would be kept (N KB)
`
	if got := sizeRE.ReplaceAllString(out, "N KB"); code != 0 || errOut != "" || got != want {
		t.Errorf("dry run: exit %d, stderr %q\n%s\nwant\n%s", code, errOut, out, want)
	}
	if got := listIDs(t, gd); strings.Join(got, " ") != strings.Join(before, " ") {
		t.Errorf("dry run removed reports: %v", got)
	}

	// --keep 0 is no count limit, as reports.keep: 0 is.
	code, out, errOut = run(t, dir, "report prune --keep 0 --max-mb 0 --dry-run")
	if got := sizeRE.ReplaceAllString(out, "N KB"); code != 0 || errOut != "" || got != "nothing to prune: 4 reports, N KB (no count limit, no size cap)\n" {
		t.Errorf("--keep 0: exit %d, stderr %q\n%s", code, errOut, out)
	}

	code, out, errOut = run(t, dir, "report prune --keep 2")
	if got := sizeRE.ReplaceAllString(out, "N KB"); code != 0 || errOut != "" || got != strings.ReplaceAll(strings.ReplaceAll(want, "would remove", "removed"), "would be kept", "kept") {
		t.Errorf("prune: exit %d, stderr %q\n%s", code, errOut, out)
	}
	if got := strings.Join(listIDs(t, gd), " "); got != "20261127-090505-abc1234 20261127-090405-abc1234" {
		t.Errorf("left %s", got)
	}

	// The config's limits apply without flags: the defaults first, then reports.keep.
	code, out, _ = run(t, dir, "report prune")
	if got := sizeRE.ReplaceAllString(out, "N KB"); code != 0 || got != "nothing to prune: 2 reports, N KB (keep 50, max 200 MB)\n" {
		t.Errorf("nothing to prune: exit %d %q", code, out)
	}
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte("reports:\n  keep: 1\n  max_mb: 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, dir, "report prune")
	if code != 0 || !strings.HasPrefix(out, "removed 20261127-090405-abc1234 (fail, 1 finding; ") || !strings.HasSuffix(out, "; 1 kept ("+sizeRE.FindString(out[strings.LastIndex(out, "("):])+")\n") {
		t.Errorf("reports.keep 1: exit %d\n%s", code, out)
	}
	if got := strings.Join(listIDs(t, gd), " "); got != "20261127-090505-abc1234" {
		t.Errorf("left %s", got)
	}
	code, out, _ = run(t, dir, "report prune")
	if got := sizeRE.ReplaceAllString(out, "N KB"); code != 0 || got != "nothing to prune: 1 report, N KB (keep 1, no size cap)\n" {
		t.Errorf("nothing to prune: exit %d %q", code, out)
	}
}

func TestPruneErrors(t *testing.T) {
	dir, _ := repoWith(t, 1)
	for _, tt := range []struct {
		args, msg, hint string
	}{
		{"report prune --keep -1", "error: --keep must not be negative, got -1", "hint: pass --keep 0 for no count limit, or how many reports to keep"},
		{"report prune --max-mb -1", "error: --max-mb must not be negative, got -1", "hint: pass --max-mb 0 for no size cap, or a number of megabytes"},
		{"report prune now", `error: quorum report prune takes no arguments, got "now"`, "hint: run 'quorum report prune --help' for the flags"},
		{"report prune --keep x", `error: invalid argument "x" for "--keep" flag: not a whole number`, "hint: give --keep a whole number; see 'quorum report prune --help'"},
		{"report prune --keep abc", `error: invalid argument "abc" for "--keep" flag: not a whole number`, "hint: give --keep a whole number; see 'quorum report prune --help'"},
		{"report prune --max-mb 1.5", `error: invalid argument "1.5" for "--max-mb" flag: not a whole number`, "hint: give --max-mb a whole number; see 'quorum report prune --help'"},
		{"report prune --max-mb 99999999999999999999", `error: invalid argument "99999999999999999999" for "--max-mb" flag: out of range`, "hint: give --max-mb a whole number; see 'quorum report prune --help'"},
		{"report prune --dry-run=maybe", `error: invalid argument "maybe" for "--dry-run" flag: not true or false`, "hint: give --dry-run alone, or --dry-run=true or --dry-run=false; see 'quorum report prune --help'"},
	} {
		code, out, errOut := run(t, dir, tt.args)
		if code != 2 || out != "" {
			t.Errorf("%s: exit %d, stdout %q", tt.args, code, out)
		}
		if want := tt.msg + "\n" + tt.hint + "\n"; errOut != want {
			t.Errorf("%s: stderr\n%q\nwant\n%q", tt.args, errOut, want)
		}
	}
	// A bad reports.keep in the config.
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte("reports:\n  keep: -3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, dir, "report prune")
	if code != 2 || out != "" || errOut != "error: .quorum.yaml:2: reports.keep: -3 is below the minimum of 0\nhint: use a whole number of at least 0\n" {
		t.Errorf("bad config: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// Outside a repository.
	code, _, errOut = run(t, t.TempDir(), "report prune")
	if code != 2 || !strings.HasPrefix(errOut, "error: not a git repository") || !strings.Contains(errOut, "\nhint: ") || strings.Count(errOut, "\n") != 2 {
		t.Errorf("not a repo: exit %d, %q", code, errOut)
	}
}

func TestPruneFlags(t *testing.T) {
	f, _, _ := factory("")
	var got *reportcmd.PruneOptions
	cmd := reportcmd.NewCmdPrune(f, func(o *reportcmd.PruneOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--keep", "3", "--max-mb", "0", "--dry-run"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Keep != 3 || !got.KeepSet || got.MaxMB != 0 || !got.MaxMBSet || !got.DryRun {
		t.Errorf("options = %+v", got)
	}
	cmd = reportcmd.NewCmdPrune(f, func(o *reportcmd.PruneOptions) error { got = o; return nil })
	cmd.SetArgs([]string{})
	if err := cmd.Execute(); err != nil || got.KeepSet || got.MaxMBSet || got.DryRun {
		t.Errorf("no flags: %+v, %v", got, err)
	}
}

func TestPruneNoReports(t *testing.T) {
	dir, _ := repoWith(t, 0)
	code, out, errOut := run(t, dir, "report prune")
	if code != 0 || errOut != "" || out != "nothing to prune: no saved reports\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
