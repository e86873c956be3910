package reportstore_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/reportstore"
)

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// save saves the "full" scenario's bundle (its diff included) at t0 plus i
// minutes, with lim.
func save(t *testing.T, gd string, i int, lim *reportstore.Limits) string {
	t.Helper()
	r, sc := fixture(t, "full")
	at := t0.Add(time.Duration(i) * time.Minute)
	rr := *r
	rr.GeneratedAt = at
	dir, err := reportstore.SaveBundle(gd, at, "abc1234", reportstore.Bundle{Report: &rr, Raw: sc.Raw, Diff: sc.Set, Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func ids(t *testing.T, gd string) string {
	t.Helper()
	entries, err := reportstore.List(gd)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.ID)
	}
	return strings.Join(out, " ")
}

// dirBytes is the size of a report directory's files.
func dirBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		fi, err := de.Info()
		if err != nil {
			t.Fatal(err)
		}
		n += fi.Size()
	}
	return n
}

// After each save the oldest reports beyond Keep are removed; the one just
// saved stays even when its time sorts before the others (a clock set back).
func TestSaveKeepsN(t *testing.T) {
	gd := gitDir(t)
	lim := &reportstore.Limits{Keep: 3}
	for i := 0; i < 5; i++ {
		save(t, gd, i, lim)
	}
	if got, want := ids(t, gd), "20261127-090400-abc1234 20261127-090300-abc1234 20261127-090200-abc1234"; got != want {
		t.Errorf("kept %s, want %s", got, want)
	}
	old := save(t, gd, -10, &reportstore.Limits{Keep: 1})
	if got, want := ids(t, gd), "20261127-090400-abc1234 "+filepath.Base(old); got != want {
		t.Errorf("after a save with an older time: %s, want %s (the newest and the one just saved)", got, want)
	}
	left, _ := filepath.Glob(filepath.Join(reportstore.Root(gd), ".tmp-*"))
	if len(left) > 0 {
		t.Errorf("prune left %v", left)
	}
}

// The size cap removes the oldest reports until the rest fit, never the one
// just saved, even when it alone is over the cap.
func TestSaveSizeCap(t *testing.T) {
	gd := gitDir(t)
	first := save(t, gd, 0, &reportstore.Limits{})
	// diff.json is shared by every report: a second report costs its other files.
	shared := dirBytes(t, first)
	diff, _ := os.Stat(filepath.Join(first, reportstore.DiffJSON))
	each := shared - diff.Size()
	lim := &reportstore.Limits{Keep: 0, MaxBytes: shared + 2*each} // three reports fit, not four
	for i := 1; i < 6; i++ {
		save(t, gd, i, lim)
	}
	if got, want := ids(t, gd), "20261127-090500-abc1234 20261127-090400-abc1234 20261127-090300-abc1234"; got != want {
		t.Errorf("kept %s, want %s", got, want)
	}
	res, err := reportstore.Prune(gd, *lim, "", true)
	if err != nil || len(res.Removed) != 0 || res.Kept != 3 || res.Bytes != shared+2*each {
		t.Errorf("dry run after the cap: %+v, %v (want 3 kept in %d bytes)", res, err, shared+2*each)
	}
	last := save(t, gd, 6, &reportstore.Limits{MaxBytes: 1})
	if got := ids(t, gd); got != filepath.Base(last) {
		t.Errorf("over the cap alone: kept %s, want only the report just saved", got)
	}
}

// A re-run of an identical review stores its diff.json once: both reports'
// diff.json are the same file, and the blob goes when its last report does.
func TestIdenticalDiffStoredOnce(t *testing.T) {
	gd := gitDir(t)
	a := save(t, gd, 0, nil)
	b := save(t, gd, 1, nil)
	fa, err := os.Stat(filepath.Join(a, reportstore.DiffJSON))
	if err != nil {
		t.Fatal(err)
	}
	fb, err := os.Stat(filepath.Join(b, reportstore.DiffJSON))
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(fa, fb) {
		t.Error("the second identical review wrote a second diff.json")
	}
	blobs, _ := filepath.Glob(filepath.Join(reportstore.DiffsRoot(gd), "*.json"))
	if len(blobs) != 1 {
		t.Fatalf("blobs = %v, want one", blobs)
	}
	for _, dir := range []string{a, b} {
		if set, err := reportstore.LoadDiff(dir); err != nil || set == nil || len(set.Files) == 0 {
			t.Errorf("LoadDiff(%s) = %v, %v", dir, set, err)
		}
	}
	// A different diff gets its own blob.
	r, sc := fixture(t, "full")
	other := *sc.Set
	other.MergeBase = "0123456789abcdef"
	c, err := reportstore.SaveBundle(gd, t0.Add(2*time.Minute), "abc1234", reportstore.Bundle{Report: r, Raw: sc.Raw, Diff: &other})
	if err != nil {
		t.Fatal(err)
	}
	fc, _ := os.Stat(filepath.Join(c, reportstore.DiffJSON))
	if os.SameFile(fa, fc) {
		t.Error("a different diff shares the first one's file")
	}
	// Keep only the newest: a and b go, and so does their blob.
	aBytes, bBytes := dirBytes(t, a), dirBytes(t, b)
	res, err := reportstore.Prune(gd, reportstore.Limits{Keep: 1}, "", false)
	if err != nil || len(res.Removed) != 2 || res.Removed[0].ID != filepath.Base(a) || res.Removed[1].ID != filepath.Base(b) || res.Removed[0].Reason != "keep" {
		t.Fatalf("prune = %+v, %v", res, err)
	}
	if res.Removed[0].Bytes != aBytes-fa.Size() || res.Removed[1].Bytes != bBytes {
		t.Errorf("freed %d and %d bytes: the first to go shares its diff.json, the last frees it", res.Removed[0].Bytes, res.Removed[1].Bytes)
	}
	blobs, _ = filepath.Glob(filepath.Join(reportstore.DiffsRoot(gd), "*.json"))
	if len(blobs) != 1 {
		t.Errorf("blobs after prune = %v, want the newest report's only", blobs)
	}
	if set, err := reportstore.LoadDiff(c); err != nil || set == nil || set.MergeBase != other.MergeBase {
		t.Errorf("kept report's diff: %v, %v", set, err)
	}
}

// Reports saved before diff.json was shared (a plain file, no quorum/diffs/) are
// listed, loaded, replayed and pruned like the others.
func TestOldLayoutReadable(t *testing.T) {
	gd := gitDir(t)
	src := save(t, gd, 0, nil)
	legacy := filepath.Join(reportstore.Root(gd), "20261126-080000-0ld0ld0")
	if err := os.MkdirAll(legacy, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{reportstore.ReportMD, reportstore.ReportJSON, reportstore.RawJSON, reportstore.DiffJSON} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(legacy, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.RemoveAll(src); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(reportstore.DiffsRoot(gd))

	if _, e, err := reportstore.Load(gd, "latest"); err != nil || e.Dir != legacy || e.Verdict != "fail" {
		t.Fatalf("latest = %+v, %v", e, err)
	}
	if set, err := reportstore.LoadDiff(legacy); err != nil || set == nil {
		t.Errorf("old diff.json: %v, %v", set, err)
	}
	if _, err := reportstore.LoadRaw(legacy); err != nil {
		t.Error(err)
	}
	// A new save of the same diff keeps the old report's file as it is.
	fresh := save(t, gd, 1, &reportstore.Limits{Keep: 1})
	if got := ids(t, gd); got != filepath.Base(fresh) {
		t.Errorf("after pruning to 1: %s", got)
	}
	if set, err := reportstore.LoadDiff(fresh); err != nil || set == nil {
		t.Errorf("new diff.json: %v, %v", set, err)
	}
}

// Prune keeps the newest report and directories that are not reports; a
// dry run removes nothing.
func TestPruneDryRunAndForeignDirs(t *testing.T) {
	gd := gitDir(t)
	for i := 0; i < 3; i++ {
		save(t, gd, i, &reportstore.Limits{})
	}
	mine := filepath.Join(reportstore.Root(gd), "my-notes")
	os.MkdirAll(mine, 0o755)
	os.WriteFile(filepath.Join(mine, "a.txt"), bytes.Repeat([]byte("x"), 10), 0o644)
	before := ids(t, gd)
	res, err := reportstore.Prune(gd, reportstore.Limits{Keep: 1, MaxBytes: 1}, "", true)
	if err != nil || len(res.Removed) != 2 || ids(t, gd) != before {
		t.Fatalf("dry run: %+v, %v; list %s", res, err, ids(t, gd))
	}
	res, err = reportstore.Prune(gd, reportstore.Limits{Keep: 1, MaxBytes: 1}, "", false)
	if err != nil || len(res.Removed) != 2 {
		t.Fatalf("prune: %+v, %v", res, err)
	}
	if got := ids(t, gd); got != "20261127-090200-abc1234 my-notes" { // never removed, listed last
		t.Errorf("left %s", got)
	}
	if res, err := reportstore.Prune(gd, reportstore.Limits{Keep: 1}, "", false); err != nil || len(res.Removed) != 0 || res.Kept != 1 {
		t.Errorf("nothing more to prune: %+v, %v", res, err)
	}
}

// TestSaveKeepsTheRunsEarlierReports: a push reviewed in two parts saves
// two reports and names both; with reports.keep 1, saving the second must
// not prune the first.
func TestSaveKeepsTheRunsEarlierReports(t *testing.T) {
	gd := t.TempDir()
	r, sc := fixture(t, "full")
	at := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	lim := &reportstore.Limits{Keep: 1}
	older, err := reportstore.SaveBundle(gd, at, "aaa1111", reportstore.Bundle{Report: r, Raw: sc.Raw, Diff: sc.Set, Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	first, err := reportstore.SaveBundle(gd, at.Add(time.Minute), "bbb2222", reportstore.Bundle{Report: r, Raw: sc.Raw, Diff: sc.Set, Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	second, err := reportstore.SaveBundle(gd, at.Add(2*time.Minute), "ccc3333", reportstore.Bundle{Report: r, Raw: sc.Raw, Diff: sc.Set, Limits: lim, Keep: []string{first}})
	if err != nil {
		t.Fatal(err)
	}
	for dir, want := range map[string]bool{older: false, first: true, second: true} {
		if _, err := os.Stat(dir); (err == nil) != want {
			t.Errorf("%s kept %v, want %v", filepath.Base(dir), err == nil, want)
		}
	}
}
