package reportcmd_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/pipeline"

	"github.com/quorum-review/quorum/cmd/quorum/cli"
	"github.com/quorum-review/quorum/cmd/quorum/cli/reportcmd"
	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

func factory(dir string) (*cmdutil.Factory, *bytes.Buffer, *bytes.Buffer) {
	f, out, errOut := cmdtest.NewFactory(dir, nil)
	f.Now = func() time.Time { return reporttest.GeneratedAt }
	return f, out, errOut
}

// repo makes a real git repository with two saved reports and returns its work tree.
func repo(t *testing.T) string {
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
	for i, name := range []string{"agree", "empty"} {
		for _, sc := range reporttest.Scenarios() {
			if sc.Name != name {
				continue
			}
			r, err := pipeline.Consolidate(sc.Set, sc.Raw, report.Policy{}, report.Meta{Branch: "feature", GeneratedAt: reporttest.GeneratedAt})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := reportstore.SaveBundle(gd, reporttest.GeneratedAt.Add(time.Duration(i)*time.Hour), "abc123"+name[:1], reportstore.Bundle{Report: r, Raw: sc.Raw}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return dir
}

func run(t *testing.T, dir, args string) (code int, stdout, stderr string) {
	t.Helper()
	f, out, errOut := factory(dir)
	code = cli.Run(context.Background(), f, strings.Fields(args))
	return code, out.String(), errOut.String()
}

func TestList(t *testing.T) {
	dir := repo(t)
	code, out, errOut := run(t, dir, "report list")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	want := `ID                       WHEN                  BRANCH   VERDICT  FINDINGS
20261127-100205-abc123e  2026-11-27 10:02 UTC  feature  empty    0
20261127-090205-abc123a  2026-11-27 09:02 UTC  feature  fail     1
`
	if out != want {
		t.Errorf("list =\n%s\nwant\n%s", out, want)
	}
	code, out, _ = run(t, dir, "report list --json")
	if code != 0 || !strings.Contains(out, `"id": "20261127-090205-abc123a"`) || !strings.Contains(out, `"verdict": "fail"`) {
		t.Errorf("list --json: exit %d\n%s", code, out)
	}
}

func TestListEmpty(t *testing.T) {
	dir := t.TempDir()
	exec.Command("git", "init", "-q", dir).Run()
	code, out, errOut := run(t, dir, "report list")
	if code != 0 || out != "" || !strings.Contains(errOut, "no saved reports yet") {
		t.Errorf("exit %d, out %q, err %q", code, out, errOut)
	}
	code, out, _ = run(t, dir, "report list --json")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("exit %d, out %q", code, out)
	}
}

func TestShow(t *testing.T) {
	dir := repo(t)
	code, out, _ := run(t, dir, "report show")
	if code != 0 || !strings.Contains(out, "nothing to review") {
		t.Errorf("show (latest): exit %d\n%s", code, out)
	}
	code, out, _ = run(t, dir, "report show 20261127-09 --format markdown")
	if code != 0 || !strings.Contains(out, "### 1. SQL injection") {
		t.Errorf("show prefix: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, dir, "report show 20261127-090205-abc123a --format sarif")
	if code != 0 || !strings.Contains(out, `"version": "2.1.0"`) {
		t.Errorf("show sarif: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, dir, "report show --path")
	if code != 0 || !strings.HasSuffix(strings.TrimSpace(out), "quorum/reports/20261127-100205-abc123e") {
		t.Errorf("show --path: exit %d %q", code, out)
	}
}

func TestShowErrors(t *testing.T) {
	dir := repo(t)
	for _, tt := range []struct {
		args, msg, hint string
	}{
		{"report show nope", "error: report not found: nope", "hint: run 'quorum report list' to see saved reports"},
		{"report show --format html", `error: unknown format "html"`, "hint: use --format text, markdown, json, sarif, rdjsonl"},
		{"report show a b", "error: accepts at most 1 arg(s), received 2", "hint: run 'quorum report show --help' for usage"},
		{"report bogus", `error: unknown command "bogus" for "quorum report"`, "hint: 'quorum report --help' lists its commands"},
		{"report lsit", `error: unknown command "lsit" for "quorum report"`, "hint: did you mean 'quorum report list'? 'quorum report --help' lists its commands"},
		{"report list x", `error: quorum report list takes no arguments, got "x"`, "hint: run 'quorum report list --help' for the flags"},
	} {
		code, out, errOut := run(t, dir, tt.args)
		if code != 2 || out != "" {
			t.Errorf("%s: exit %d, stdout %q", tt.args, code, out)
		}
		if want := tt.msg + "\n" + tt.hint + "\n"; errOut != want {
			t.Errorf("%s: stderr\n%q\nwant\n%q", tt.args, errOut, want)
		}
	}
	// Outside a repository.
	code, _, errOut := run(t, t.TempDir(), "report list")
	if code != 2 || !strings.Contains(errOut, "error: not a git repository") || !strings.Contains(errOut, "hint: ") {
		t.Errorf("not a repo: exit %d, %q", code, errOut)
	}
	// A damaged newest report: named, with the way past it, and an older
	// one still shows.
	gd, err := exec.Command("git", "-C", dir, "rev-parse", "--absolute-git-dir").Output()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := reportstore.List(strings.TrimSpace(string(gd)))
	if err != nil || len(entries) != 2 {
		t.Fatalf("List: %v, %v", entries, err)
	}
	if err := os.WriteFile(filepath.Join(entries[0].Dir, reportstore.ReportJSON), []byte("{trunc"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, dir, "report show")
	if code != 2 || out != "" || !strings.HasPrefix(errOut, "error: read report "+entries[0].ID+": report.json: ") ||
		!strings.HasSuffix(errOut, "\nhint: move "+entries[0].Dir+" aside (or delete it), or pick another report from 'quorum report list'\n") {
		t.Errorf("damaged newest report: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, _, errOut := run(t, dir, "report show "+entries[1].ID); code != 0 {
		t.Errorf("older report beside a damaged one: exit %d, %q", code, errOut)
	}
	// A repository with no reports.
	empty := t.TempDir()
	exec.Command("git", "init", "-q", empty).Run()
	code, _, errOut = run(t, empty, "report show")
	if code != 2 || !strings.Contains(errOut, "error: no saved reports in ") || !strings.Contains(errOut, "hint: run 'quorum review' to make one") {
		t.Errorf("no reports: exit %d, %q", code, errOut)
	}
}

func TestShowFlags(t *testing.T) {
	f, _, _ := factory("")
	var got *reportcmd.ShowOptions
	cmd := reportcmd.NewCmdShow(f, func(o *reportcmd.ShowOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"2026", "--format", "JSON", "--path"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.ID != "2026" || got.Format != "json" || !got.Path {
		t.Errorf("options = %+v", got)
	}
	var list *reportcmd.ListOptions
	lc := reportcmd.NewCmdList(f, func(o *reportcmd.ListOptions) error { list = o; return nil })
	lc.SetArgs([]string{"--json"})
	if err := lc.Execute(); err != nil || !list.JSON {
		t.Errorf("list options = %+v, %v", list, err)
	}
}
