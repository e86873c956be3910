package reportstore

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/quorum-review/quorum/internal/exitcode"
)

// checksums are the SHA-256 (hex) of the files a replay consolidates again,
// raw.json and diff.json, among files.
func checksums(files map[string][]byte) map[string]string {
	sums := map[string]string{}
	for _, name := range []string{RawJSON, DiffJSON} {
		if b, ok := files[name]; ok {
			sum := sha256.Sum256(b)
			sums[name] = hex.EncodeToString(sum[:])
		}
	}
	return sums
}

// Verify checks that the files sums.json lists in a saved report directory
// are there, with the bytes they were saved with: an edited, truncated or
// deleted raw.json or diff.json (diff.json is shared by hard link, so one
// edit reaches every report that holds it) would otherwise replay as
// another review, a pass among them. A report with no sums.json (saved
// before it existed, or with it deleted) has nothing to check: Unchecked
// says so.
func Verify(dir string) error {
	path := filepath.Join(dir, SumsJSON)
	b, err := readSaved(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, lerr := os.Lstat(path); lerr == nil {
			// There, but not readable as a file (a link to nowhere): not
			// a report saved before sums.json, one whose check is broken.
			return changed(fmt.Errorf("saved review %s: its %s cannot be read", filepath.Base(dir), SumsJSON))
		}
		return nil
	}
	if err != nil {
		return damaged(dir, fmt.Errorf("saved review %s: read %s: %w", filepath.Base(dir), SumsJSON, err))
	}
	var sums map[string]string
	if err := json.Unmarshal(b, &sums); err != nil {
		return changed(fmt.Errorf("saved review %s: %s is not valid: %w", filepath.Base(dir), SumsJSON, err))
	}
	// Every file a replay reads that is there must be listed: a sums.json
	// emptied to {} must not check nothing.
	for _, name := range []string{RawJSON, DiffJSON} {
		if _, listed := sums[name]; !listed {
			if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
				return changed(fmt.Errorf("saved review %s: %s does not list its %s", filepath.Base(dir), SumsJSON, name))
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(sums)) {
		data, err := readSaved(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			return changed(fmt.Errorf("saved review %s lost its %s since it was saved", filepath.Base(dir), name))
		}
		if err != nil {
			return damaged(dir, fmt.Errorf("read %s: %w", name, err))
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != sums[name] {
			return changed(fmt.Errorf("saved review %s: %s changed since it was saved (its SHA-256 no longer matches %s)", filepath.Base(dir), name, SumsJSON))
		}
	}
	return nil
}

// Unchecked is the warning for a saved review whose files Verify cannot
// check (it has no sums.json: saved before quorum wrote one, or the file
// was deleted), nil when it can.
func Unchecked(dir string) error {
	if _, err := os.Lstat(filepath.Join(dir, SumsJSON)); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return exitcode.WithHint(fmt.Errorf("saved review %s has no %s, so its raw.json and diff.json cannot be checked against what was saved", filepath.Base(dir), SumsJSON),
		"trust this replay only if nobody changed the report's files; 'quorum review' on the same commits makes a checked one")
}

// readSaved reads a saved report's file, refusing one that is not a
// regular file (a FIFO would block the read forever, a device never end):
// quorum only ever writes regular files there. A missing file is
// fs.ErrNotExist, as os.ReadFile gives it.
func readSaved(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return os.ReadFile(path) // its own words for a missing or unreadable file
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("read %s: not a regular file", path)
	}
	return os.ReadFile(path)
}

// changed is the error for a saved review whose files are not as saved.
func changed(err error) error {
	return exitcode.New(exitcode.Setup, err,
		"replay another saved review ('quorum report list'), or run 'quorum review' again on the same commits")
}
