package reportstore

import (
	"bytes"
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
// another review, a pass among them. A report saved before sums.json has
// nothing to check.
func Verify(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, SumsJSON))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return damaged(dir, fmt.Errorf("read %s: %w", SumsJSON, err))
	}
	var sums map[string]string
	if err := json.Unmarshal(b, &sums); err != nil {
		return changed(dir, fmt.Errorf("%s in %s is not valid: %w", SumsJSON, filepath.Base(dir), err))
	}
	for _, name := range slices.Sorted(maps.Keys(sums)) {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			return changed(dir, fmt.Errorf("saved review %s lost its %s since it was saved", filepath.Base(dir), name))
		}
		if err != nil {
			return damaged(dir, fmt.Errorf("read %s: %w", name, err))
		}
		sum := sha256.Sum256(data)
		if !bytes.Equal([]byte(hex.EncodeToString(sum[:])), []byte(sums[name])) {
			return changed(dir, fmt.Errorf("saved review %s: %s changed since it was saved (its SHA-256 no longer matches %s)", filepath.Base(dir), name, SumsJSON))
		}
	}
	return nil
}

// changed is the error for a saved review whose files are not as saved.
func changed(dir string, err error) error {
	return exitcode.New(exitcode.Setup, err,
		"replay another saved review ('quorum report list'), or run 'quorum review' again on the same commits")
}
