package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/quorum-review/quorum/diff"
)

// Merged is one review over several diffs of the same repository: the
// ranges of a push that updates several refs. Set is what the panel and
// consolidation see; ReadNew reads each file at the head of the range it
// was taken from, which diff.ReadNew on Set alone cannot do (a Set has one
// head, and each range has its own).
type Merged struct {
	Set *diff.Set
	// from maps each kept path to the set that supplied it.
	from map[string]*diff.Set
}

// Merge combines sets, given in order of preference, into one Set:
//   - Files and Skipped are concatenated in that order; a path present in
//     several sets is kept once, from the first set that has it. Each
//     range's diff of a shared path is relative to its own base, so two of
//     them cannot be shown as one file: a caller with two versions of a
//     path (the hook, for two pushed branches) reviews them apart;
//   - Commits are concatenated with repeats dropped;
//   - Mode is "commits", Base, Head and MergeBase are the first set's.
//
// All sets must come from one repository (the same Root). One set is
// returned as it is.
func Merge(sets ...*diff.Set) (*Merged, error) {
	if len(sets) == 0 || sets[0] == nil {
		return nil, errors.New("merge: no diff to merge")
	}
	first := sets[0]
	m := &Merged{from: map[string]*diff.Set{}}
	if len(sets) == 1 {
		for _, f := range first.Files {
			m.from[f.Path] = first
		}
		m.Set = first
		return m, nil
	}
	out := &diff.Set{
		Mode: diff.ModeCommits, Base: first.Base, Head: first.Head, MergeBase: first.MergeBase,
		Root: first.Root, Commits: []diff.Commit{}, Files: []diff.File{}, Skipped: []diff.Skipped{},
	}
	owner := map[string]int{} // path -> index of the set it is kept from
	claim := func(p string, i int) bool {
		if o, ok := owner[p]; ok {
			return o == i
		}
		owner[p] = i
		return true
	}
	seen := map[string]bool{}
	for i, s := range sets {
		if s == nil {
			return nil, fmt.Errorf("merge: diff %d is missing", i+1)
		}
		if s.Root != first.Root {
			return nil, fmt.Errorf("merge: diffs of two repositories (%s and %s)", first.Root, s.Root)
		}
		for _, c := range s.Commits {
			if !seen[c.SHA] {
				seen[c.SHA] = true
				out.Commits = append(out.Commits, c)
			}
		}
		for _, f := range s.Files {
			if claim(f.Path, i) {
				out.Files = append(out.Files, f)
				m.from[f.Path] = s
			}
		}
		for _, sk := range s.Skipped {
			if claim(sk.Path, i) {
				out.Skipped = append(out.Skipped, sk)
			}
		}
	}
	m.Set = out
	return m, nil
}

// ReadNew returns the head-side content of path as the range it came from
// has it (see diff.ReadNew).
func (m *Merged) ReadNew(ctx context.Context, path string) ([]byte, error) {
	src := m.from[path]
	if src == nil {
		src = m.Set
	}
	return diff.ReadNew(ctx, src, path)
}
