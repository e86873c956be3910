package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/gitexec"
)

// Guidelines concatenates the repository's guideline files
// (config.RepoGuidelineFiles, then those its .quorum.yaml names, when
// repoNamed says extra are those) and the user's configured files, each
// under its name. The repository's are quoted as the change's old side has
// them (old reads them there): a change under review does not set its own
// guidance, and `quorum review`, a push's hook and a background review of
// one change quote the same text, so they share cached answers; when the
// old side cannot be read, none is quoted. With no old side (old nil: a
// repository with no commit yet, or no git), they are read from the work
// tree, where one that is a symlink
// leaving the repository is skipped (a cloned repository must not make
// quorum put ~/.ssh or /proc into a prompt). The user's files are read
// from disk. Unreadable files are skipped: they are advice, not input the
// review depends on; only regular files are read, so a FIFO or a device
// never blocks the review.
func Guidelines(root string, extra []string, repoNamed bool, old func(names []string) ([]gitexec.Blob, error)) string {
	var b strings.Builder
	add := func(name, text string) {
		if text = strings.TrimSpace(text); text != "" {
			fmt.Fprintf(&b, "From %s:\n%s\n\n", name, text)
		}
	}
	names := slices.Clone(config.RepoGuidelineFiles)
	var mine []string
	for _, p := range extra {
		rel, err := filepath.Rel(root, p)
		name := filepath.ToSlash(rel)
		switch {
		case root != "" && err == nil && config.InsideByName(root, p) && slices.Contains(names, name):
			// The repository's own file, named again (QUORUM_GUIDELINES=AGENTS.md):
			// quoted once, as the repository's.
		case !repoNamed || root == "" || !config.InsideByName(root, p) || err != nil:
			mine = append(mine, p)
		case strings.ContainsAny(name, "\n\x00"):
			// No name git's batch reads; never quoted.
		default:
			names = append(names, name)
		}
	}
	read := false
	if old != nil {
		blobs, err := old(names)
		// Read at the old side, or not at all: a failure there (a corrupt
		// object, a partial clone offline) never quotes the change's own
		// wording from the work tree instead.
		read = true
		if err == nil && len(blobs) == len(names) {
			for i, bl := range blobs {
				if bl.State == gitexec.Found {
					add(names[i], string(bl.Data[:min(len(bl.Data), config.MaxGuidelineBytes)]))
				}
			}
		}
	}
	seen := map[string]bool{}
	if !read && root != "" {
		for _, name := range names {
			p := filepath.Join(root, filepath.FromSlash(name))
			if resolved, ok := insideRepo(root, p); ok && !seen[resolved] {
				seen[resolved] = true
				if data, err := readCapped(resolved, config.MaxGuidelineBytes); err == nil {
					add(displayName(root, resolved), data)
				}
			}
		}
	}
	for _, p := range mine {
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

// GuidelinesFor is the guidance a review of set under cfg quotes
// (Guidelines, at set's old side): what every command's prompts carry.
func GuidelinesFor(cfg *config.Config, set *diff.Set) string {
	return Guidelines(cmp.Or(cfg.Root, set.Root), cfg.Guidelines, cfg.RepoNamedGuidelines(), OldSide(set))
}

// OldSide reads files as the change set's old side has them (its merge
// base, or its base: the commit a range, a commit list, the index or the
// work tree is diffed against); nil when it has none (no commit yet) or
// there is no git binary to read it with.
func OldSide(set *diff.Set) func(names []string) ([]gitexec.Blob, error) {
	commit := cmp.Or(set.MergeBase, set.Base.Commit)
	if commit == "" || set.Root == "" || gitexec.LookPath() == "" {
		return nil
	}
	return func(names []string) ([]gitexec.Blob, error) {
		specs := make([]string, len(names))
		for i, n := range names {
			specs[i] = commit + ":" + n
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		return (&gitexec.Git{Dir: set.Root}).ReadBlobs(ctx, specs)
	}
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
