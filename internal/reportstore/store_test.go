package reportstore_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/pipeline"

	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// gitDir makes a real repository and returns its git dir as git reports it.
func gitDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	run := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("init", "-q")
	gd := run("rev-parse", "--git-dir")
	if !filepath.IsAbs(gd) {
		gd = filepath.Join(dir, gd)
	}
	return gd
}

func fixture(t *testing.T, name string) (*report.Report, reporttest.Scenario) {
	t.Helper()
	for _, sc := range reporttest.Scenarios() {
		if sc.Name == name {
			r, err := pipeline.Consolidate(sc.Set, sc.Raw, report.Policy{}, report.Meta{Branch: "b", GeneratedAt: reporttest.GeneratedAt})
			if err != nil {
				t.Fatal(err)
			}
			return r, sc
		}
	}
	t.Fatalf("no scenario %s", name)
	return nil, reporttest.Scenario{}
}

func TestSaveListLoad(t *testing.T) {
	gd := gitDir(t)
	r, sc := fixture(t, "full")
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

	d1, err := reportstore.SaveBundle(gd, t0, "abc1234", reportstore.Bundle{Report: r, Raw: sc.Raw})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(gd, "quorum", "reports", "20261127-090000-abc1234"); d1 != want {
		t.Errorf("dir = %s, want %s", d1, want)
	}
	d2, err := reportstore.SaveBundle(gd, t0, "abc1234", reportstore.Bundle{Report: r, Raw: sc.Raw}) // same second, same head
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(d2) != "20261127-090000-abc1234-2" {
		t.Errorf("second save in the same second went to %s", d2)
	}
	empty, _ := fixture(t, "empty")
	if _, err := reportstore.SaveBundle(gd, t0.Add(time.Hour), "def5678", reportstore.Bundle{Report: empty, Raw: nil}); err != nil {
		t.Fatal(err)
	}

	for _, name := range []string{"report.md", "report.json", "raw.json"} {
		if _, err := os.Stat(filepath.Join(d1, name)); err != nil {
			t.Error(err)
		}
	}
	left, _ := filepath.Glob(filepath.Join(gd, "quorum", "reports", ".tmp-*"))
	if len(left) > 0 {
		t.Errorf("temporary directories left behind: %v", left)
	}

	entries, err := reportstore.List(gd)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.ID)
	}
	if got := strings.Join(ids, " "); got != "20261127-100000-def5678 20261127-090000-abc1234-2 20261127-090000-abc1234" {
		t.Errorf("list order = %s", got)
	}
	if e := entries[2]; e.Verdict != "fail" || e.Findings != len(r.Findings) || e.Head != r.Head.Commit || !e.Time.Equal(t0) || e.Branch != "b" {
		t.Errorf("entry = %+v", e)
	}
	// A report saved in the same second has a "-2" in its id, not in the
	// commit it names.
	if e := entries[1]; e.Head != r.Head.Commit {
		t.Errorf("second report of the second: head %q, want %q", e.Head, r.Head.Commit)
	}

	// Latest, prefix and exact ids.
	got, e, err := reportstore.Load(gd, "")
	if err != nil || e.ID != "20261127-100000-def5678" || got.Verdict.Status != report.VerdictEmpty {
		t.Errorf("latest = %+v, %v", e, err)
	}
	got, _, err = reportstore.Load(gd, "20261127-090000-abc1234")
	if err != nil {
		t.Fatal(err)
	}
	// The saved JSON carries everything the renderers need: re-rendering
	// it gives the saved Markdown byte for byte.
	var md bytes.Buffer
	if err := render.Markdown(&md, got, render.Options{}); err != nil {
		t.Fatal(err)
	}
	saved, _ := os.ReadFile(filepath.Join(d1, "report.md"))
	if !bytes.Equal(md.Bytes(), saved) {
		t.Error("markdown rendered from the saved report.json differs from report.md")
	}
	if _, e, err := reportstore.Load(gd, "20261127-10"); err != nil || e.Head != empty.Head.Commit {
		t.Errorf("prefix load: %+v %v", e, err)
	}

	raw, err := reportstore.LoadRaw(d1)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(raw)
	b, _ := json.Marshal(sc.Raw)
	if !bytes.Equal(a, b) {
		t.Errorf("raw round trip differs:\n%s\n%s", a, b)
	}
}

// TestReplayBundle: a saved bundle rebuilds the same report from disk alone.
func TestReplayBundle(t *testing.T) {
	gd := gitDir(t)
	r, sc := fixture(t, "full")
	dir, err := reportstore.SaveBundle(gd, time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), "abc1234", reportstore.Bundle{Report: r, Raw: sc.Raw, Diff: sc.Set})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := reportstore.LoadRaw(dir)
	if err != nil {
		t.Fatal(err)
	}
	set, err := reportstore.LoadDiff(dir)
	if err != nil || set == nil {
		t.Fatalf("load diff: %v, %v", set, err)
	}
	again, err := pipeline.Consolidate(set, raw, report.Policy{}, report.Meta{Branch: "b", GeneratedAt: reporttest.GeneratedAt})
	if err != nil {
		t.Fatal(err)
	}
	var a, b bytes.Buffer
	render.JSON(&a, r, render.Options{})
	render.JSON(&b, again, render.Options{})
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("report rebuilt from the saved raw.json and diff.json differs")
	}
	for _, arg := range []string{dir, "20261127-0900", "latest"} {
		if got, err := reportstore.ResolveDir(gd, arg); err != nil || got != dir {
			t.Errorf("ResolveDir(%s) = %s, %v", arg, got, err)
		}
	}
	if _, err := reportstore.ResolveDir(gd, "/no/such/dir"); err == nil || !strings.Contains(err.Error(), "no report directory /no/such/dir") {
		t.Errorf("missing dir: %v", err)
	}
	if set, err := reportstore.LoadDiff(t.TempDir()); set != nil || err != nil {
		t.Errorf("no diff.json: %v, %v", set, err)
	}
}

func TestFindErrors(t *testing.T) {
	gd := gitDir(t)
	if _, err := reportstore.Find(gd, ""); exitcode.Of(err) != exitcode.Setup || !strings.Contains(exitcode.HintOf(err), "quorum review") {
		t.Errorf("no reports: %v (hint %q)", err, exitcode.HintOf(err))
	}
	r, _ := fixture(t, "agree")
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for _, h := range []string{"aaa1111", "aaa2222"} {
		if _, err := reportstore.SaveBundle(gd, t0, h, reportstore.Bundle{Report: r, Raw: nil}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := reportstore.Find(gd, "nope")
	if !errors.Is(err, reportstore.ErrNotFound) || exitcode.Of(err) != exitcode.Setup || exitcode.HintOf(err) != "run 'quorum report list' to see saved reports" {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := reportstore.Find(gd, "20261127-090000-aaa"); err == nil || !strings.Contains(err.Error(), "ambiguous") || exitcode.Of(err) != exitcode.Setup {
		t.Errorf("ambiguous id: %v", err)
	}
}

func TestLoadRawErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := reportstore.LoadRaw(dir); err == nil || exitcode.Of(err) != exitcode.Setup || !strings.Contains(err.Error(), "no raw.json") {
		t.Errorf("missing: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "raw.json"), []byte(`{"schema":"other/v9"}`), 0o644)
	if _, err := reportstore.LoadRaw(dir); err == nil || !strings.Contains(err.Error(), `schema "other/v9"`) {
		t.Errorf("wrong schema: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "raw.json"), []byte(`{`), 0o644)
	if _, err := reportstore.LoadRaw(dir); err == nil || exitcode.Of(err) != exitcode.Setup {
		t.Errorf("broken json: %v", err)
	}
}

func TestListSkipsBroken(t *testing.T) {
	gd := gitDir(t)
	bad := filepath.Join(reportstore.Root(gd), "20261127-090000-bad0123-2")
	os.MkdirAll(bad, 0o755)
	os.WriteFile(filepath.Join(bad, "report.json"), []byte("not json"), 0o644)
	os.MkdirAll(filepath.Join(reportstore.Root(gd), ".tmp-123"), 0o755)
	entries, err := reportstore.List(gd)
	if err != nil || len(entries) != 1 || entries[0].Err == "" {
		t.Errorf("entries = %+v, %v", entries, err)
	}
	// Its head is the id's, without the "-2" of a second save that second.
	if len(entries) == 1 && entries[0].Head != "bad0123" {
		t.Errorf("unreadable report's head %q, want bad0123", entries[0].Head)
	}
	if _, _, err := reportstore.Load(gd, "20261127-090000-bad0123-2"); err == nil || exitcode.Of(err) != exitcode.Setup {
		t.Errorf("broken load: %v", err)
	}
}

// A ".tmp-*" directory a SIGKILL left mid-save is removed by the next save
// once older than atomicfile.StaleAge; a fresh one (another process's save in
// progress) is kept, and neither is listed.
func TestSaveRemovesStaleTempDirs(t *testing.T) {
	gd := gitDir(t)
	root := reportstore.Root(gd)
	stale := filepath.Join(root, ".tmp-111")
	fresh := filepath.Join(root, ".tmp-222")
	for _, d := range []string{stale, fresh} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "raw.json"), []byte("{\"half"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	then := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(stale, then, then); err != nil {
		t.Fatal(err)
	}
	r, _ := fixture(t, "empty")
	if _, err := reportstore.SaveBundle(gd, reporttest.GeneratedAt, "abc1234", reportstore.Bundle{Report: r}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temp dir still there (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(fresh, "raw.json")); err != nil {
		t.Errorf("fresh temp dir removed: %v", err)
	}
}

// TestLatestWithinOneSecond: two reviews saved in the same second (their
// directory names differ only by head, in no time order) are ordered by the
// reports' own times, so "latest" is the one made last.
func TestLatestWithinOneSecond(t *testing.T) {
	gd := gitDir(t)
	r, _ := fixture(t, "agree")
	at := time.Date(2026, 12, 3, 9, 0, 0, 100, time.UTC)
	first, second := *r, *r
	first.GeneratedAt, second.GeneratedAt = at, at.Add(500*time.Millisecond)
	if _, err := reportstore.SaveBundle(gd, first.GeneratedAt, "fffffff", reportstore.Bundle{Report: &first}); err != nil {
		t.Fatal(err)
	}
	dir, err := reportstore.SaveBundle(gd, second.GeneratedAt, "0000000", reportstore.Bundle{Report: &second})
	if err != nil {
		t.Fatal(err)
	}
	e, err := reportstore.Find(gd, "latest")
	if err != nil || e.Dir != dir {
		t.Fatalf("latest = %+v, %v; want %s", e, err, dir)
	}
}

// A report saved before reports said what grouped the findings reads as
// grouped by the rules, and writes out valid against the schema's enum.
func TestAReportSavedBeforeGroupingReadsAsRules(t *testing.T) {
	rep, err := pipeline.Consolidate(reporttest.Set(), reporttest.Raw(), report.Policy{}, report.Meta{GeneratedAt: reporttest.GeneratedAt})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "grouping")
	old, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, reportstore.ReportJSON), old, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := reportstore.LoadReport(dir)
	if err != nil || got.Grouping != (report.Grouping{By: report.GroupedByRules}) {
		t.Fatalf("grouping %+v, err %v", got.Grouping, err)
	}
}
