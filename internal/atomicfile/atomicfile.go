// Package atomicfile writes files through a temp file and a rename, so readers never see a half-written file.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write replaces path with data and perm. It creates the parent directory
// if needed, writes and syncs a temp file in that directory (a rename is
// only atomic within one file system) and renames it over path. On any
// failure the temp file is removed and path is left as it was.
func Write(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	// Sync before the rename, or a crash could leave path renamed but empty.
	if err := f.Sync(); err != nil {
		return err
	}
	// CreateTemp makes 0600 files; the caller says what the file should be.
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
