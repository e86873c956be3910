// Package filelock serializes read-modify-write cycles of a file across processes with an exclusive lock file beside it.
package filelock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/quorum-review/quorum/internal/ctxsleep"
)

// ErrBusy is returned by Acquire when another holder kept the lock for the
// whole wait.
var ErrBusy = errors.New("the lock is held by another process")

// Lock is a held lock on the file at Path. The lock file exists only while
// it is held (or, where Stale is true, after its holder was killed), so it
// does not linger beside the file it guards, in a work tree say.
type Lock struct {
	Path string
	f    *os.File
}

// Acquire takes the exclusive lock file at path, creating its directory,
// and waits up to wait while another process holds it: then ErrBusy. A
// done ctx stops the wait with ctx's error.
func Acquire(ctx context.Context, path string, wait time.Duration) (*Lock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	for pause := time.Millisecond; ; pause = min(2*pause, 20*time.Millisecond) {
		f, err := tryLock(path)
		if err == nil {
			return &Lock{Path: path, f: f}, nil
		}
		if !errors.Is(err, ErrBusy) {
			return nil, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, ErrBusy
		}
		// A holder keeps the lock for one read and one write of a small
		// file: short pauses, so many waiters do not wait long.
		if err := ctxsleep.Sleep(ctx, min(pause, left)); err != nil {
			return nil, err
		}
	}
}

// Release removes the lock file and lets the next process take it.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	return unlock(f, l.Path)
}
