package anchor

import (
	"cmp"
	"math"
	"sort"
	"strings"

	"github.com/quorum-review/quorum/diff"
)

// This file finds the enclosing section of an anchored line: the nearest
// function (or method, or class) definition above it inside its hunk, else
// the nearest above the hunk in the file (diff.Hunk.Enclosing), else the
// hunk's own section heading (git's funcname line). Merging uses it as
// a region: the same issue reported at its cause and at its symptom lies in
// one function, however many lines apart.

// section returns the enclosing section of new-side line n of path, or "".
func (ix *Index) section(path string, n int) string {
	f := ix.diffs[path]
	if f == nil || n <= 0 {
		return ""
	}
	for _, h := range f.Hunks {
		if n < h.NewStart || n >= h.NewStart+max(h.NewLines, 1) {
			continue
		}
		// Walk back from line n to the hunk's start for a definition. New
		// numbers rise through the hunk, so the last line at or before n is
		// found by binary search (deleted lines carry New 0 and are skipped).
		at := sort.Search(len(h.Lines), func(i int) bool {
			for ; i < len(h.Lines) && h.Lines[i].Kind == diff.Deleted; i++ {
			}
			return i < len(h.Lines) && h.Lines[i].New > n
		}) - 1
		// A definition encloses the lines indented further than itself: a
		// helper nested above the line in its function is not its section.
		// The line's own definition is its section; a blank line, or one at
		// no indentation (a Go label), takes the nearest.
		want := math.MaxInt
		if at >= 0 && h.Lines[at].New == n && h.Lines[at].Kind != diff.Deleted {
			self := h.Lines[at].Text
			if diff.IsDefinition(self) {
				return Normalize(self)
			}
			if strings.TrimSpace(self) != "" {
				want = diff.Indent(self)
			}
		}
		nearest := ""
		for i := at; i >= 0; i-- {
			l := h.Lines[i]
			if l.Kind == diff.Deleted || !diff.IsDefinition(l.Text) {
				continue
			}
			if diff.Indent(l.Text) < want {
				return Normalize(l.Text)
			}
			nearest = cmp.Or(nearest, l.Text)
		}
		// The definitions open above the hunk, read from the file: the same
		// section whether or not the hunk grows to show them.
		for i := len(h.Enclosing) - 1; i >= 0; i-- {
			if e := h.Enclosing[i]; diff.Indent(e) < want {
				return Normalize(e)
			}
			nearest = cmp.Or(nearest, h.Enclosing[i])
		}
		return Normalize(cmp.Or(nearest, h.Section))
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
		found := ""
		for _, l := range h.Lines {
			if l.Kind == diff.Added || l.Old == 0 {
				continue
			}
			if l.Old > n {
				break
			}
			if diff.IsDefinition(l.Text) {
				found = l.Text
			}
		}
		if found != "" {
			return Normalize(found)
		}
		return Normalize(h.Section)
	}
	return ""
}
