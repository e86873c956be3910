package dismiss

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/quorum-review/quorum/internal/filelock"
)

// lockWait bounds how long a dismiss or undismiss waits for another one
// changing the same ledger. Each holds the lock for one read and one write
// of a small file, so a wait this long means something is stuck.
var lockWait = 5 * time.Second

// LockPath is the lock file of the ledger at path: beside it, so every
// linked work tree writing the clone's local ledger takes the same lock.
func LockPath(path string) string { return path + ".lock" }

// Lock takes the ledger at path for one read-modify-write (ReadFile, a
// change, WriteFile) and returns the function that releases it. Without
// it two commands at once each write back the ledger they read, and one's
// change is lost: a dismissal that was reported recorded, or an undismissed
// entry brought back. A ledger still locked after lockWait is a
// LedgerError naming the lock file, and so is a wait ctx ended.
func Lock(ctx context.Context, path string) (unlock func(), err error) {
	l, err := filelock.Acquire(ctx, LockPath(path), lockWait)
	switch {
	case err == nil:
		// The ledger is written by then: a lock file that cannot be
		// removed is for the next command to report, not a failure of this one.
		return func() { _ = l.Release() }, nil
	case ctx.Err() != nil:
		// Interrupted (Ctrl-C) while another command held the lock: the
		// same advice as a wait that ran out.
		return nil, &LedgerError{Path: path, fault: locked,
			Msg: fmt.Sprintf("interrupted while waiting for its lock %s: another 'quorum dismiss' or 'quorum undismiss' is changing it", LockPath(path))}
	case errors.Is(err, filelock.ErrBusy):
		return nil, &LedgerError{Path: path, fault: locked,
			Msg: fmt.Sprintf("another 'quorum dismiss' or 'quorum undismiss' is changing it (%s stayed locked for %v)", LockPath(path), lockWait)}
	}
	return nil, &LedgerError{Path: path, fault: unlockable, Msg: "cannot lock it: " + err.Error()}
}

// lockHint is Hint for a ledger Lock could not take; file is the ledger
// as the user would type it.
func lockHint(file string, fault readFault) string {
	lock := LockPath(file)
	if fault == unlockable {
		return "check that " + filepath.Dir(file) + " is a writable directory: the lock file " + lock + " is made there"
	}
	return "wait for the other 'quorum dismiss' or 'quorum undismiss' (it holds " + lock + ") to finish, then run this again"
}
