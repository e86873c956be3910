package pipeline

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// guidelineFiles are read from the repository root when present.
var guidelineFiles = []string{"AGENTS.md", "CONTRIBUTING.md", ".quorum/guidelines.md"}

// maxGuidelineBytes caps what is read from one file; planning trims the
// total further to each model's budget.
const maxGuidelineBytes = 64 << 10

// Guidelines concatenates the repository's guideline files and the
// configured ones, each under its name. Unreadable files are skipped: they
// are advice, not input the review depends on.
func Guidelines(root string, extra []string) string {
	var paths []string
	for _, f := range guidelineFiles {
		if root != "" {
			paths = append(paths, filepath.Join(root, filepath.FromSlash(f)))
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
		}
		fmt.Fprintf(&b, "From %s:\n%s\n\n", name, strings.TrimSpace(data))
	}
	return strings.TrimSpace(b.String())
}

func readCapped(path string, n int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, n))
	return string(b), err
}
