//go:build unix

package filelock

import (
	"errors"
	"os"
	"syscall"
)

// Stale is false here: the kernel drops a flock when its holder dies, so a
// lock file left behind by a killed process never blocks anyone.
const Stale = false

// tryLock flocks the file at path without waiting (as internal/ahead's
// review lock does). A holder removes the file before it unlocks, so the
// file this process locked may no longer be the one at path: then it
// tries again on the new one, or two processes would each hold "the" lock.
func tryLock(path string) (*os.File, error) {
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EAGAIN) {
				return nil, ErrBusy
			}
			return nil, err
		}
		if same(f, path) {
			return f, nil
		}
		f.Close() // closing drops the flock on the stale file
	}
}

// same reports whether f is still the file at path.
func same(f *os.File, path string) bool {
	held, err := f.Stat()
	if err != nil {
		return false
	}
	now, err := os.Stat(path)
	return err == nil && os.SameFile(held, now)
}

// unlock removes the file while still holding it (so no one can lock it
// and find it gone in between), then drops the flock.
func unlock(f *os.File, path string) error {
	rerr := os.Remove(path)
	if err := f.Close(); err != nil {
		return err
	}
	return rerr
}
