//go:build unix

package filelock

import (
	"os"

	"github.com/gofrs/flock"
)

// release removes the file while still holding it (so no one can lock it
// and find it gone in between), then drops the lock.
func release(fl *flock.Flock, path string) error {
	rerr := os.Remove(path)
	if err := fl.Close(); err != nil {
		return err
	}
	return rerr
}
