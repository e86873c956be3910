package anchor

import (
	"cmp"

	"github.com/quorum-review/quorum/diff"
)

// This file finds the enclosing section of an anchored line: the innermost
// function (or method, or class) definition open at it that it is indented
// past, from the file (diff.Hunk.Enclosing) and the hunk's lines, else the
// hunk's own section heading (git's funcname line). Merging uses it as
// a region: the same issue reported at its cause and at its symptom lies in
// one function, however many lines apart.

// section returns the enclosing section of new-side line n of path, or "":
// the definitions open above the hunk (diff.Hunk.Enclosing, read from the
// file) are carried through the hunk's lines up to n (diff.Scopes), and
// the innermost of them that line n is indented past is its section; with
// none open, git's heading. The same line has the same section however far
// its hunk reaches.
func (ix *Index) section(path string, n int) string {
	f := ix.diffs[path]
	if f == nil || n <= 0 {
		return ""
	}
	for _, h := range f.Hunks {
		if n < h.NewStart || n >= h.NewStart+max(h.NewLines, 1) {
			continue
		}
		sc := diff.NewScopes(path, h.Enclosing)
		self := ""
		for _, l := range h.Lines {
			if l.Kind == diff.Deleted || l.New == 0 {
				continue
			}
			if l.New >= n {
				if l.New == n {
					self = l.Text
				}
				break
			}
			sc.See(l.Text)
		}
		return Normalize(cmp.Or(sc.Enclosing(self), h.Section))
	}
	return ""
}

// OldSection is the enclosing section of old-side line n of path, for
// code a deleted file held (it has no new side): the nearest definition
// above it among the hunk's deleted and unchanged lines, else the hunk's
// heading. Two removed files each holding `if !isAdmin(r) {` in their own
// function are two places.
func (ix *Index) OldSection(path string, n int) string {
	f := ix.diffs[path]
	if f == nil || n <= 0 {
		return ""
	}
	for _, h := range f.Hunks {
		if n < h.OldStart || n >= h.OldStart+max(h.OldLines, 1) {
			continue
		}
		sc := diff.NewScopes(path, nil)
		self := ""
		for _, l := range h.Lines {
			if l.Kind == diff.Added || l.Old == 0 {
				continue
			}
			if l.Old >= n {
				if l.Old == n {
					self = l.Text
				}
				break
			}
			sc.See(l.Text)
		}
		return Normalize(cmp.Or(sc.Enclosing(self), h.Section))
	}
	return ""
}
