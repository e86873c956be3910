package reportstore_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/reportstore"
)

// savedFull saves the "full" fixture's report, answers and diff in a new
// repository and returns its directory.
func savedFull(t *testing.T) string {
	t.Helper()
	r, sc := fixture(t, "full")
	dir, err := reportstore.SaveBundle(gitDir(t), time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), "abc1234", reportstore.Bundle{Report: r, Raw: sc.Raw, Diff: sc.Set})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// A saved review's check, sums.json: absent, the replay is unchecked and
// says so; present but unreadable (a link to nowhere), the replay is
// refused, never taken as a report saved before sums.json existed.
func TestSumsAbsentOrBroken(t *testing.T) {
	dir := savedFull(t)
	if err := reportstore.Verify(dir); err != nil {
		t.Fatalf("as saved: %v", err)
	}
	if err := reportstore.Unchecked(dir); err != nil {
		t.Fatalf("as saved, unchecked: %v", err)
	}
	sums := filepath.Join(dir, reportstore.SumsJSON)
	if err := os.Remove(sums); err != nil {
		t.Fatal(err)
	}
	if err := reportstore.Verify(dir); err != nil {
		t.Fatalf("no sums.json: %v", err)
	}
	if err := reportstore.Unchecked(dir); err == nil || !strings.Contains(err.Error(), "has no sums.json") || exitcode.HintOf(err) == "" {
		t.Fatalf("no sums.json, unchecked: %v", err)
	}
	if err := os.Symlink(filepath.Join(t.TempDir(), "gone"), sums); err != nil {
		t.Skipf("symlink: %v", err)
	}
	err := reportstore.Verify(dir)
	if err == nil || exitcode.Of(err) != exitcode.Setup || !strings.Contains(err.Error(), "its sums.json cannot be read") || exitcode.HintOf(err) == "" {
		t.Fatalf("a dangling sums.json: %v", err)
	}
}
