// Package atomicfile writes files through a temp file and a rename, so readers never see a half-written file.
package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// StaleAge is how old a temp file must be before a later run removes it as
// left behind by a killed process (SIGKILL, power loss). A write takes
// seconds at most, so an hour never removes a file still being written.
const StaleAge = time.Hour

// IsTemp reports whether name (a base name) is one of Write's temp files,
// ".<name>.tmp<digits>".
func IsTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp")
}

// RemoveStale removes the entries of dir whose names match and that were
// last modified before cutoff (a directory with everything in it). It
// returns how many it removed; a missing dir removes nothing. Errors on one
// entry do not stop the others; the first is returned.
func RemoveStale(dir string, match func(name string) bool, cutoff time.Time) (int, error) {
	des, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, first := 0, error(nil)
	for _, de := range des {
		if !match(de.Name()) {
			continue
		}
		fi, err := de.Info()
		if err != nil || !fi.ModTime().Before(cutoff) {
			continue // gone already, or fresh: maybe another process's
		}
		if err := os.RemoveAll(filepath.Join(dir, de.Name())); err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		n++
	}
	return n, first
}

// Write replaces path with data and perm. It creates the parent directory
// if needed, writes and syncs a temp file in that directory (a rename is
// only atomic within one file system) and renames it over path. On any
// failure the temp file is removed and path is left as it was. Temp files
// for path older than StaleAge, left by a killed earlier write, are removed.
func Write(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	prefix := "." + filepath.Base(path) + ".tmp"
	_, _ = RemoveStale(dir, func(name string) bool { return strings.HasPrefix(name, prefix) }, time.Now().Add(-StaleAge))
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
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	SyncDir(dir)
	return nil
}

// SyncDir syncs directory dir after a rename in it, so the rename outlives
// a power loss (the file's own sync does not cover its directory entry).
// Best effort: some file systems cannot sync a directory, and the rename
// is done either way.
func SyncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
