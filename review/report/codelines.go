package report

// The real code under a finding: its diff lines, deleted lines included,
// with a line of context either side.

import (
	"strings"
	"unicode/utf8"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/safetext"
)

// maxCodeLines bounds the excerpt under one finding.
const maxCodeLines = 30

// codeLines returns the real diff lines from line to end (new side), with the
// deleted lines between them, and one context line either side. A deleted
// line sits at the new-side line after it (the last line, at the end of a
// file), as anchoring places it.
func codeLines(files map[string]*diff.File, file string, line, end int) []CodeLine {
	if line == 0 {
		return nil
	}
	f, ok := files[file]
	if !ok {
		return nil
	}
	for _, h := range f.Hunks {
		if !hunkHas(h, line) {
			continue
		}
		// New-side numbers of context and added lines run consecutively from
		// NewStart, so "is p a line of this hunk" is a range check.
		last := h.NewStart - 1
		for i := len(h.Lines) - 1; i >= 0; i-- {
			if l := h.Lines[i]; l.Kind != diff.Deleted {
				last = l.New
				break
			}
		}
		var out []CodeLine
		next := h.NewStart
		for _, l := range h.Lines {
			p := l.New
			if l.Kind == diff.Deleted {
				p = next
				if p > last && p-1 >= h.NewStart {
					p-- // a deletion at the end of the hunk sits on its last line
				}
			} else {
				next = l.New + 1
			}
			if p > end+1 {
				break // positions only grow down a hunk
			}
			inside := p >= line && p <= end
			edge := l.Kind != diff.Deleted && (p == line-1 || p == end+1)
			if inside || edge {
				text := safetext.Code(l.Text)
				// A U+FFFD may stand for bytes a saved diff could not keep
				// (a replay reads its JSON): taken as altered too.
				out = append(out, CodeLine{Kind: string(l.Kind), Old: l.Old, New: l.New, Text: text, Altered: text != l.Text || strings.ContainsRune(l.Text, utf8.RuneError)})
			}
		}
		if len(out) > maxCodeLines {
			out = out[:maxCodeLines]
		}
		return out
	}
	return nil
}

// deletedCodeLines returns the deleted lines old..end (old side) and the
// nearest kept line either side, so a finding about removed code shows the
// removed code and where it was, never an unrelated added line.
func deletedCodeLines(files map[string]*diff.File, file string, old, end int) []CodeLine {
	f, ok := files[file]
	if !ok || old == 0 {
		return nil
	}
	for _, h := range f.Hunks {
		first, last := -1, -1
		for i, l := range h.Lines {
			if l.Kind == diff.Deleted && l.Old >= old && l.Old <= end {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		if first < 0 {
			continue
		}
		if first > 0 && h.Lines[first-1].Kind == diff.Context {
			first--
		}
		if last+1 < len(h.Lines) && h.Lines[last+1].Kind == diff.Context {
			last++
		}
		var out []CodeLine
		for _, l := range h.Lines[first : last+1] {
			if l.Kind == diff.Added {
				continue // code the deletion was replaced with is not what the finding quotes
			}
			out = append(out, CodeLine{Kind: string(l.Kind), Old: l.Old, New: l.New, Text: safetext.Code(l.Text)})
		}
		if len(out) > maxCodeLines {
			out = out[:maxCodeLines]
		}
		return out
	}
	return nil
}

func hunkHas(h diff.Hunk, line int) bool {
	for _, l := range h.Lines {
		if l.Kind != diff.Deleted && l.New == line {
			return true
		}
	}
	return false
}
