// Package filelock serializes read-modify-write cycles of a file across processes with an exclusive lock file beside it.
package filelock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// ErrBusy is returned by Acquire when another holder kept the lock for the
// whole wait.
var ErrBusy = errors.New("the lock is held by another process")

// Lock is a held lock on the file at Path. The lock file exists only while
// it is held, so it does not linger beside the file it guards, in a work
// tree say; the operating system drops the lock of a killed holder.
type Lock struct {
	Path string
	fl   *flock.Flock
}

// retryDelay is the pause between tries while another process holds the
// lock: a holder keeps it for one read and one write of a small file.
const retryDelay = 10 * time.Millisecond

// Acquire takes the exclusive lock file at path, creating its directory,
// and waits up to wait while another process holds it: then ErrBusy. A
// done ctx stops the wait with ctx's error.
func Acquire(ctx context.Context, path string, wait time.Duration) (*Lock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	waitCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for {
		fl := flock.New(path, flock.SetPermissions(0o644))
		ok, err := fl.TryLock() // once even when wait is 0
		if err == nil && !ok {
			ok, err = fl.TryLockContext(waitCtx, retryDelay)
		}
		switch {
		case ok:
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case err == nil || errors.Is(err, context.DeadlineExceeded):
			return nil, ErrBusy
		default:
			return nil, err
		}
		// A holder removes the file before it unlocks, so the file this
		// process locked may no longer be the one at path: then it tries
		// again on the new one, or two processes would each hold "the" lock.
		if sameFile(fl, path) {
			return &Lock{Path: path, fl: fl}, nil
		}
		_ = fl.Close()
	}
}

// sameFile reports whether the file fl holds is still the one at path.
func sameFile(fl *flock.Flock, path string) bool {
	held, err := fl.Stat()
	if err != nil {
		return false
	}
	now, err := os.Stat(path)
	return err == nil && os.SameFile(held, now)
}

// Release removes the lock file and lets the next process take it.
func (l *Lock) Release() error {
	if l == nil || l.fl == nil {
		return nil
	}
	fl := l.fl
	l.fl = nil
	return release(fl, l.Path)
}
