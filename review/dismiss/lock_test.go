package dismiss

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/filelock"
)

// heldLedger is a work tree whose shared ledger another command holds
// locked (released when the test ends, or earlier by the test).
func heldLedger(t *testing.T) (root, path string, other *filelock.Lock) {
	t.Helper()
	root = t.TempDir()
	path = SharedPath(root)
	other, err := filelock.Acquire(t.Context(), LockPath(path), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Release() })
	return root, path, other
}

// A ledger another command keeps locked is a one-line ledger error naming
// the lock file, with a hint saying what to do; once it is released, the
// lock is taken and its file removed on unlock.
func TestLockedLedgerNamesTheLockFile(t *testing.T) {
	root, path, other := heldLedger(t)
	var err error
	was := lockWait
	lockWait = 20 * time.Millisecond // the wait is not what is tested
	defer func() { lockWait = was }()

	_, err = Lock(t.Context(), path)
	if !errors.Is(err, ErrLedger) || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), LockPath(path)+" stayed locked") {
		t.Fatalf("got %v; want a one-line ledger error naming %s", err, LockPath(path))
	}
	hint := Hint(root, err)
	if !strings.Contains(hint, ".quorum/dismissed.yaml.lock") || !strings.HasPrefix(hint, "wait for the other 'quorum dismiss' or 'quorum undismiss'") {
		t.Fatalf("hint %q", hint)
	}
	if strings.Contains(hint, "remove .quorum/dismissed.yaml.lock") {
		t.Errorf("hint %q: says to remove the lock file a live holder has", hint)
	}

	if err := other.Release(); err != nil {
		t.Fatal(err)
	}
	unlock, err := Lock(t.Context(), path)
	if err != nil {
		t.Fatalf("released: %v", err)
	}
	unlock()
	if _, err := os.Stat(LockPath(path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file left in the work tree: %v", err)
	}
}

// A lock file that cannot be made (the ledger's directory is a file) says
// which directory must be writable.
func TestUnlockableLedger(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, ".quorum"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Lock(t.Context(), SharedPath(root))
	if !errors.Is(err, ErrLedger) || !strings.Contains(err.Error(), "cannot lock it") {
		t.Fatalf("got %v", err)
	}
	if got, want := Hint(root, err), "check that .quorum is a writable directory: the lock file .quorum/dismissed.yaml.lock is made there"; got != want {
		t.Errorf("hint %q, want %q", got, want)
	}
}

// Interrupted while another command holds the lock, Lock says so in the
// ledger's terms (exit 2 with a hint), not as a bare "context canceled".
func TestLockInterrupted(t *testing.T) {
	root, path, _ := heldLedger(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := Lock(ctx, path)
	if !errors.Is(err, ErrLedger) || !strings.Contains(err.Error(), "interrupted while waiting for its lock") ||
		!strings.HasPrefix(Hint(root, err), "wait for the other 'quorum dismiss'") {
		t.Fatalf("got %v, hint %q", err, Hint(root, err))
	}
}
