package pipeline

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// guidelineFiles are read from the repository root when present.
var guidelineFiles = []string{"AGENTS.md", "CONTRIBUTING.md", ".quorum/guidelines.md"}

// maxGuidelineBytes caps what is read from one file; planning trims the
// total further to each model's budget.
const maxGuidelineBytes = 64 << 10

// Guidelines concatenates the repository's guideline files and the
// configured ones, each under its name. Unreadable files are skipped: they
// are advice, not input the review depends on. A repository's own guideline
// file that is a symlink leaving the repository is skipped too (a cloned
// repository must not make quorum put ~/.ssh or /proc into a prompt), and
// only regular files are read, so a FIFO or a device never blocks the review.
// The configured files were checked when the configuration was loaded: a
// repository's .quorum.yaml may only name files inside it.
func Guidelines(root string, extra []string) string {
	var paths []string
	for _, f := range guidelineFiles {
		if root == "" {
			continue
		}
		p := filepath.Join(root, filepath.FromSlash(f))
		if resolved, ok := insideRepo(root, p); ok {
			paths = append(paths, resolved)
		}
	}
	paths = append(paths, extra...)
	var b strings.Builder
	seen := map[string]bool{}
	for _, p := range paths {
		if seen[p] {
			continue
		}
		seen[p] = true
		data, err := readCapped(p, maxGuidelineBytes)
		if err != nil || strings.TrimSpace(data) == "" {
			continue
		}
		name := p
		if rel, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(rel, "..") {
			name = filepath.ToSlash(rel)
		} else if realRoot, err := filepath.EvalSymlinks(root); err == nil {
			if rel, err := filepath.Rel(realRoot, p); err == nil && !strings.HasPrefix(rel, "..") {
				name = filepath.ToSlash(rel)
			}
		}
		fmt.Fprintf(&b, "From %s:\n%s\n\n", name, strings.TrimSpace(data))
	}
	return strings.TrimSpace(b.String())
}

// insideRepo resolves p's symlinks and reports the resolved path when it
// still lies inside root (resolved too); a missing file is not inside.
func insideRepo(root, p string) (string, bool) {
	r, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", false
	}
	resolved, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", false
	}
	rel, err := filepath.Rel(r, resolved)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return resolved, true
}

var errNotRegular = errors.New("not a regular file")

// readCapped reads at most n bytes of a regular file. It refuses anything
// else before opening it, opens without blocking (a FIFO swapped in after the
// check opens at once instead of waiting for a writer) and checks the opened
// file again.
func readCapped(path string, n int64) (string, error) {
	if st, err := os.Stat(path); err != nil {
		return "", err
	} else if !st.Mode().IsRegular() {
		return "", errNotRegular
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return "", err
	} else if !st.Mode().IsRegular() {
		return "", errNotRegular
	}
	b, err := io.ReadAll(io.LimitReader(f, n))
	return string(b), err
}
