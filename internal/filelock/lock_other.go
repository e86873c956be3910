//go:build !unix

package filelock

import (
	"errors"
	"io/fs"
	"os"
)

// Stale is true here: the lock is the file's existence, so a holder killed
// before it released leaves the file, and it must be removed by hand.
const Stale = true

// tryLock creates the file at path, failing if it exists: without flock
// (as on Windows here) O_EXCL is the portable exclusive create.
func tryLock(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, ErrBusy
	}
	return f, err
}

// unlock closes the file first (Windows cannot remove an open file), then
// removes it, which frees the lock.
func unlock(f *os.File, path string) error {
	cerr := f.Close()
	if err := os.Remove(path); err != nil {
		return err
	}
	return cerr
}
