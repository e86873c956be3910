package reportstore

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/quorum-review/quorum/diff"
)

// DiffsDir (under the common git dir, beside ReportsDir) holds each distinct
// diff.json once, named by the SHA-256 of its bytes; every report that saved
// the same diff has its diff.json as a hard link to it. A report directory
// therefore reads the same in the old layout (a plain diff.json) and the
// new; a file system without hard links keeps a copy per report. A blob that
// no report links to any more is removed by the next prune.
const DiffsDir = "quorum/diffs"

// DiffsRoot returns the directory of the shared diff.json blobs: beside
// Root, so a report's diff.json can be a hard link to one.
func DiffsRoot(gitDir string) string {
	return filepath.Join(diff.CommonDirOf(gitDir), filepath.FromSlash(DiffsDir))
}

// diffsRoots are the blob directories of roots, each beside its reports.
func diffsRoots(gitDir string) []string {
	var ds []string
	for _, root := range roots(gitDir) {
		ds = append(ds, filepath.Join(filepath.Dir(root), filepath.Base(DiffsDir)))
	}
	return ds
}

// MB is the unit of reports.max_mb and --max-mb.
const MB = 1_000_000

// Limits bound the saved reports; a zero field is no limit.
type Limits struct {
	// Keep is how many reports are kept at most.
	Keep int
	// MaxBytes is how much disk the reports directory may take, counting a
	// file hard-linked into several reports once.
	MaxBytes int64
}

// DefaultLimits are reports.keep and reports.max_mb's defaults.
var DefaultLimits = Limits{Keep: 50, MaxBytes: 200 * MB}

// Removed is one report Prune removed (or, in a dry run, would remove).
type Removed struct {
	Entry
	// Bytes is the disk space removing it frees: its files that no kept
	// report shares.
	Bytes int64 `json:"bytes"`
	// Reason is "keep" (over the count) or "size" (over the size cap).
	Reason string `json:"reason"`
}

// PruneResult is what Prune did.
type PruneResult struct {
	Removed []Removed
	// Kept is how many reports remain (directories not named like reports
	// are not counted); Bytes how much disk the reports directory takes.
	Kept  int
	Bytes int64
}

// Prune removes the oldest saved reports until at most lim.Keep remain and
// they take at most lim.MaxBytes, then removes diff blobs no report uses.
// It never removes the newest report nor the one in keepDir (the report
// just saved), nor a directory whose name is not a report id. With dryRun
// it removes nothing and says what it would remove. A report is first
// renamed to a ".tmp-" name, so readers see it whole or not at all; one a
// kill interrupts is cleaned up like a killed save's.
func Prune(gitDir string, lim Limits, keepDir string, dryRun bool) (PruneResult, error) {
	return PruneKeeping(gitDir, lim, []string{keepDir}, dryRun)
}

// PruneKeeping is Prune keeping every report in keep: a push reviewed in
// several parts saves a report for each, and names them all.
func PruneKeeping(gitDir string, lim Limits, keep []string, dryRun bool) (PruneResult, error) {
	var res PruneResult
	entries, err := List(gitDir)
	if err != nil {
		return res, err
	}
	u, err := usage(roots(gitDir), entries)
	if err != nil {
		return res, fmt.Errorf("prune reports: %w", err)
	}
	// List puts the newest report first and directories not named like
	// reports last.
	protected := func(i int) bool {
		e := entries[i]
		return i == 0 || e.Time.IsZero() || slices.ContainsFunc(keep, func(k string) bool { return k != "" && filepath.Clean(e.Dir) == filepath.Clean(k) })
	}
	count := 0
	for _, e := range entries {
		if !e.Time.IsZero() {
			count++
		}
	}
	var victims []Removed
	// Oldest first: List is newest first.
	for i := len(entries) - 1; i >= 0; i-- {
		reason := ""
		switch {
		case protected(i):
			continue
		case lim.Keep > 0 && count > lim.Keep:
			reason = "keep"
		case lim.MaxBytes > 0 && u.total > lim.MaxBytes:
			reason = "size"
		default:
			continue
		}
		victims = append(victims, Removed{Entry: entries[i], Bytes: u.remove(entries[i].Dir), Reason: reason})
		count--
	}
	res.Kept, res.Bytes = count, u.total
	if dryRun {
		res.Removed = victims
		return res, nil
	}
	var first error
	for _, v := range victims {
		// In its own root: the rename stays within one directory.
		if err := removeReport(filepath.Dir(v.Dir), v.Dir); err != nil {
			if first == nil {
				first = fmt.Errorf("prune reports: %w", err)
			}
			res.Kept++
			continue
		}
		res.Removed = append(res.Removed, v)
	}
	for _, d := range diffsRoots(gitDir) {
		removeUnusedDiffs(d)
	}
	return res, first
}

// removeReport takes a report directory out of the list in one rename, then
// deletes it.
func removeReport(root, dir string) error {
	tmp, err := os.MkdirTemp(root, ".tmp-prune-")
	if err != nil {
		return err
	}
	gone := filepath.Join(tmp, filepath.Base(dir))
	if err := os.Rename(dir, gone); err != nil {
		os.Remove(tmp)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // another prune (a concurrent save) removed it
		}
		return err
	}
	return os.RemoveAll(tmp)
}

// removeUnusedDiffs removes the blobs in dir that only dir names.
func removeUnusedDiffs(dir string) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, de := range des {
		fi, err := de.Info()
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if _, n, ok := fileKey(fi); ok && n <= 1 {
			os.Remove(filepath.Join(dir, de.Name()))
		}
	}
}

// diskUsage is the reports directory's size, each file counted once however
// many reports link to it.
type diskUsage struct {
	total int64
	size  map[any]int64    // file → bytes
	refs  map[any]int      // file → how many report directories hold it
	files map[string][]any // report directory → its files
}

// usage measures roots: the report directories in entries (a diff blob they
// link to counts once) and anything else that is there (counted, never
// removed) but in-progress ".tmp-" directories.
func usage(roots []string, entries []Entry) (*diskUsage, error) {
	u := &diskUsage{size: map[any]int64{}, refs: map[any]int{}, files: map[string][]any{}}
	reports := map[string]bool{}
	for _, e := range entries {
		reports[filepath.Clean(e.Dir)] = true
	}
	for _, root := range roots {
		if err := u.measure(root, reports); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// measure adds what root holds to u; reports are its report directories.
func (u *diskUsage) measure(root string, reports map[string]bool) error {
	des, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, de := range des {
		name := de.Name()
		if strings.HasPrefix(name, ".tmp-") {
			continue
		}
		top := filepath.Join(root, name)
		err := filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // gone meanwhile, or unreadable: not counted
			}
			if !d.Type().IsRegular() {
				return nil
			}
			fi, err := d.Info()
			if err != nil {
				return nil
			}
			key, _, ok := fileKey(fi)
			if !ok {
				key = p
			}
			if _, seen := u.size[key]; !seen {
				u.size[key] = fi.Size()
				u.total += fi.Size()
			}
			if reports[top] {
				u.refs[key]++
				u.files[top] = append(u.files[top], key)
			} else {
				u.refs[key] += 1 << 20 // held by something never removed
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// remove counts dir's report as gone and returns the bytes that frees.
func (u *diskUsage) remove(dir string) int64 {
	var freed int64
	for _, key := range u.files[filepath.Clean(dir)] {
		u.refs[key]--
		if u.refs[key] == 0 {
			freed += u.size[key]
		}
	}
	delete(u.files, filepath.Clean(dir))
	u.total -= freed
	return freed
}

// shareDiff makes the diff.json at path, holding data, a hard link to the
// one blob of DiffsDir with the same bytes, adding the blob when it is the
// first of its kind. path is in a directory not yet renamed into place, so
// no reader sees the swap. Any failure keeps path's own copy: sharing only
// saves space.
func shareDiff(dir, path string, data []byte) {
	fi, err := os.Lstat(path)
	if err != nil {
		return
	}
	if _, _, ok := fileKey(fi); !ok {
		return // no link counts: an unused blob could never be found
	}
	sum := sha256.Sum256(data)
	blob := filepath.Join(dir, hex.EncodeToString(sum[:])+".json")
	if same, err := os.ReadFile(blob); err == nil {
		if !bytes.Equal(same, data) {
			return // not what its name says: leave it, keep the copy
		}
		link := path + ".link"
		if err := os.Link(blob, link); err != nil {
			return
		}
		if err := os.Rename(link, path); err != nil {
			os.Remove(link)
		}
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	// Another save may add the same blob at the same moment: then this
	// report keeps its copy.
	_ = os.Link(path, blob)
}
