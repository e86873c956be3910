package pipeline

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/quorum-review/quorum/internal/config"
)

// Guidelines concatenates the repository's guideline files
// (config.RepoGuidelineFiles) and the configured ones, each under its name.
// With committed set (a push: the remote default branch's), the repository's
// files, and those its .quorum.yaml names, are quoted as that commit has
// them, found or not; other configured files (the user's) are read from
// disk: a push does not reword the guidance its own review gets. Unreadable files are skipped:
// they are advice, not input the review depends on. A file inside the
// repository that is a symlink leaving it is skipped too (a cloned
// repository must not make quorum put ~/.ssh or /proc into a prompt), and
// only regular files are read, so a FIFO or a device never blocks the
// review.
func Guidelines(root string, extra []string, committed *config.Guidance) string {
	var b strings.Builder
	add := func(name, text string) {
		if text = strings.TrimSpace(text); text != "" {
			fmt.Fprintf(&b, "From %s:\n%s\n\n", name, text)
		}
	}
	seen := map[string]bool{}
	if committed != nil {
		for _, f := range committed.Files {
			add(f.Name, f.Text)
		}
	} else if root != "" {
		for _, f := range config.RepoGuidelineFiles {
			p := filepath.Join(root, filepath.FromSlash(f))
			if resolved, ok := insideRepo(root, p); ok && !seen[resolved] {
				seen[resolved] = true
				data, err := readCapped(resolved, config.MaxGuidelineBytes)
				if err == nil {
					add(displayName(root, resolved), data)
				}
			}
		}
	}
	for _, p := range extra {
		if committed != nil && committed.Has(p) {
			continue // the commit's, among committed's files or absent there
		}
		if config.InsideByName(root, p) {
			resolved, ok := insideRepo(root, p)
			if !ok {
				continue
			}
			p = resolved
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		if data, err := readCapped(p, config.MaxGuidelineBytes); err == nil {
			add(displayName(root, p), data)
		}
	}
	return strings.TrimSpace(b.String())
}

// displayName is p relative to root when it lies inside (root's links
// resolved or not), else p.
func displayName(root, p string) string {
	if rel, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	if realRoot, err := filepath.EvalSymlinks(root); err == nil {
		if rel, err := filepath.Rel(realRoot, p); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return p
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
