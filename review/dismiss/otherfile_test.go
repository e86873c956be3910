package dismiss_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/dismiss"
	rt "github.com/quorum-review/quorum/review/report/reporttest"
)

// TestDismissalCoversItsOwnFile: a dismissal is of code in one file. The
// same line in a function of the same name in another file (a copy of a
// handler, a production manifest beside a dev one) is another place and
// still counts, saying why; the file renamed in the reviewed diff is the
// same place. Dismissing the copy too keeps the first entry.
func TestDismissalCoversItsOwnFile(t *testing.T) {
	want := base(t) // in store/load.go
	l := &dismiss.Ledger{}
	l.Add(dismiss.NewEntry(want, "the path is a constant here", "", time.Time{}))

	copied := set("store/other.go", 1, body...)
	r := consolidate(t, copied, raw(copied, map[string]review.RawFinding{"alpha": dropped}), l)
	if len(r.Findings) != 1 || len(r.Dismissed) != 0 || !r.Verdict.GateTripped {
		t.Fatalf("a copy in another file was dismissed: findings %d, dismissed %d", len(r.Findings), len(r.Dismissed))
	}
	if f := r.Findings[0]; f.Fingerprint != want.Fingerprint || !strings.Contains(f.NotDismissed, "same code in store/load.go") {
		t.Errorf("fingerprint %s (want %s), not_dismissed %q", f.Fingerprint, want.Fingerprint, f.NotDismissed)
	}

	own := set("store/load.go", 1, body...)
	if r := consolidate(t, own, raw(own, map[string]review.RawFinding{"alpha": dropped}), l); len(r.Dismissed) != 1 {
		t.Errorf("its own file: dismissed %d", len(r.Dismissed))
	}

	f := rt.File("internal/storage/read.go", diff.StatusRenamed, 1, 1, body...)
	f.OldPath = "store/load.go"
	renamed := &diff.Set{Mode: "range", Base: diff.Ref{Commit: "b"}, Head: diff.Ref{Commit: "h"}, Files: []diff.File{f}}
	if r := consolidate(t, renamed, raw(renamed, map[string]review.RawFinding{"alpha": dropped}), l); len(r.Dismissed) != 1 {
		t.Errorf("renamed in the diff: dismissed %d, findings %+v", len(r.Dismissed), r.Findings)
	}

	other := consolidate(t, copied, raw(copied, map[string]review.RawFinding{"alpha": dropped}), nil).Findings[0]
	if got := l.Add(dismiss.NewEntry(other, "also a constant", "", time.Time{})); len(got) != 0 || len(l.Entries) != 2 {
		t.Errorf("dismissing the copy replaced %+v; ledger %+v", got, l.Entries)
	}
}

// TestConflictedLedger: two branches' first dismissals meet in a merge
// (add/add): the ledger holds git's conflict markers. The error says so,
// at the marker's line, and the hint says to keep both sides, not to
// remove the file (which drops every dismissal).
func TestConflictedLedger(t *testing.T) {
	root := t.TempDir()
	path := dismiss.SharedPath(root)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	data := "<<<<<<< HEAD\ndismissed:\n  - fingerprint: 0123456789abcdef\n    reason: a\n=======\ndismissed:\n  - fingerprint: fedcba9876543210\n    reason: b\n>>>>>>> m2\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := dismiss.ReadFile(path, dismiss.SourceShared)
	if err == nil || !strings.Contains(err.Error(), "line 1: has git merge conflict markers") {
		t.Fatalf("error %v", err)
	}
	if h := dismiss.Hint(root, err); !strings.Contains(h, "keep the entries of both sides") || !strings.Contains(h, ".quorum/dismissed.yaml") {
		t.Errorf("hint %q", h)
	}
}
