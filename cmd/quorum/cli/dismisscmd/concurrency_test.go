package dismisscmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/filelock"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review/dismiss"
	"github.com/quorum-review/quorum/review/report"
)

// concurrentRepo is a repository whose latest report has n findings,
// Q0000000000.., each with its own fingerprint.
func concurrentRepo(t *testing.T, n int) (dir, gitDir string, ids []string) {
	t.Helper()
	dir, gitDir = gitRepo(t)
	rep := &report.Report{Schema: report.Schema}
	for i := range n {
		id := fmt.Sprintf("Q%010d", i)
		ids = append(ids, id)
		rep.Findings = append(rep.Findings, report.Finding{ID: id, File: "a.go", Line: i + 1, Title: "t",
			Fingerprint: fmt.Sprintf("%016x", i+1), Kinds: []string{"unchecked-error"}, Severity: "important"})
	}
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	if _, err := reportstore.SaveBundle(gitDir, at, "abc1234", reportstore.Bundle{Report: rep}); err != nil {
		t.Fatal(err)
	}
	return dir, gitDir, ids
}

// runCmd runs `quorum dismiss` or `quorum undismiss` in dir as the
// command line does, and returns its exit code and stderr.
func runCmd(dir, name string, args ...string) (int, string) {
	f, _, errOut := cmdtest.NewFactory(dir, nil)
	c := NewCmdDismiss(f, nil)
	if name == "undismiss" {
		c = NewCmdUndismiss(f, nil)
	}
	return cmdtest.Execute(context.Background(), c, f.IOStreams, args), errOut.String()
}

// ledgerIDs are the ids in the ledger at path, sorted.
func ledgerIDs(t *testing.T, path string) []string {
	t.Helper()
	l, err := dismiss.ReadFile(path, dismiss.SourceLocal)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range l.Entries {
		ids = append(ids, e.ID)
	}
	slices.Sort(ids)
	return ids
}

// Many `quorum dismiss` at once (a script dismissing findings in the
// background) each read, change and rewrite the ledger: every one that
// says "dismissed" must be in it afterwards, in either ledger.
func TestConcurrentDismissKeepsEveryEntry(t *testing.T) {
	const n = 16
	for _, local := range []bool{true, false} {
		t.Run(fmt.Sprintf("local=%v", local), func(t *testing.T) {
			dir, gitDir, ids := concurrentRepo(t, n)
			path := dismiss.SharedPath(dir)
			if local {
				path = dismiss.LocalPath(gitDir)
			}
			var wg sync.WaitGroup
			codes := make([]int, n)
			msgs := make([]string, n)
			for i, id := range ids {
				wg.Go(func() {
					args := []string{id, "--reason", "x"}
					if local {
						args = append(args, "--local")
					}
					codes[i], msgs[i] = runCmd(dir, "dismiss", args...)
				})
			}
			wg.Wait()
			for i := range ids {
				if codes[i] != 0 {
					t.Fatalf("dismiss %s: exit %d %q", ids[i], codes[i], msgs[i])
				}
			}
			if got := ledgerIDs(t, path); !slices.Equal(got, ids) {
				t.Fatalf("ledger holds %d of %d dismissals: %v", len(got), n, got)
			}
		})
	}
}

// An undismiss that says it removed an entry must leave it removed, even
// when a dismiss of another finding rewrites the ledger at the same time
// (its stale copy of the ledger would bring the entry back: fail-open).
func TestUndismissRacingDismiss(t *testing.T) {
	const rounds = 12
	dir, gitDir, ids := concurrentRepo(t, 2+rounds)
	path := dismiss.LocalPath(gitDir)
	keep := ids[0] // dismissed all along: neither command may lose it
	if code, msg := runCmd(dir, "dismiss", keep, "--reason", "x", "--local"); code != 0 {
		t.Fatalf("dismiss %s: exit %d %q", keep, code, msg)
	}
	for r := range rounds {
		gone, added := ids[1], ids[2+r]
		if code, msg := runCmd(dir, "dismiss", gone, "--reason", "x", "--local"); code != 0 {
			t.Fatalf("dismiss %s: exit %d %q", gone, code, msg)
		}
		var wg sync.WaitGroup
		var uCode, dCode int
		var uMsg, dMsg string
		wg.Go(func() { uCode, uMsg = runCmd(dir, "undismiss", gone) })
		wg.Go(func() { dCode, dMsg = runCmd(dir, "dismiss", added, "--reason", "x", "--local") })
		wg.Wait()
		if uCode != 0 || !strings.Contains(uMsg, "removed the dismissal of ") || dCode != 0 {
			t.Fatalf("round %d: undismiss exit %d %q; dismiss exit %d %q", r, uCode, uMsg, dCode, dMsg)
		}
		got := ledgerIDs(t, path)
		want := append([]string{keep}, ids[2:3+r]...)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: ledger %v, want %v (undismissed %s, dismissed %s)", r, got, want, gone, added)
		}
	}
}

// A ledger another command keeps locked past the wait stops dismiss with
// one error line naming the lock, a hint, and exit 2; the ledger is left as
// it was. (The wait is the real 5 s: the test asserts no time.)
func TestDismissWhileTheLedgerIsLocked(t *testing.T) {
	dir, gitDir, ids := concurrentRepo(t, 1)
	ledger := filepath.Join(gitDir, "quorum", "dismissed.yaml")
	if err := os.MkdirAll(filepath.Dir(ledger), 0o755); err != nil {
		t.Fatal(err)
	}
	held, err := filelock.Acquire(context.Background(), dismiss.LockPath(ledger), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	code, stderr := runCmd(dir, "dismiss", ids[0], "--local", "--reason", "noise")
	_ = held.Release()
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if code != exitcode.Setup || len(lines) != 2 ||
		!strings.HasPrefix(lines[0], "error: dismissal ledger ") || !strings.Contains(lines[0], "another 'quorum dismiss' or 'quorum undismiss' is changing it (") ||
		!strings.HasPrefix(lines[1], "hint: wait for the other 'quorum dismiss' or 'quorum undismiss'") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if _, err := os.Stat(ledger); !os.IsNotExist(err) {
		t.Errorf("the ledger was written: %v", err)
	}
}
