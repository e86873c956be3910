//go:build !unix

package filelock

import (
	"os"

	"github.com/gofrs/flock"
)

// release drops the lock first, since an open file cannot be removed here,
// then removes the file unless another process has opened it since (the
// removal fails then, and the file stays for it).
func release(fl *flock.Flock, path string) error {
	if err := fl.Close(); err != nil {
		return err
	}
	_ = os.Remove(path)
	return nil
}
