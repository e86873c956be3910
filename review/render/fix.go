package render

// A finding's suggested fix: shown as a diff when it is code, as a
// sentence when it is words.

import (
	"strings"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
)

func diffPrefix(kind string) string {
	switch kind {
	case "added":
		return "+"
	case "deleted":
		return "-"
	}
	return " "
}

// fixDiff shows the fix as a diff: a model's unified diff as it is, or
// replacement code as removing the finding's lines (added or unchanged) and
// adding the fix (only adding it, for a finding about deleted code). A
// one-line fix of a quote that is part of its line replaces the quote in the
// line, so the rest of the line is kept; other fixes take the indentation of
// the first line they replace when they come without one, so an indented
// Python block stays one.
func fixDiff(f report.Finding) string {
	fix := strings.Trim(f.Fix, "\n")
	if strings.TrimSpace(fix) == "" {
		return ""
	}
	if review.FixIsDiff(fix) {
		return fix + "\n"
	}
	// The lines the fix replaces. A finding about deleted code replaces
	// none: its code is already gone, and the new-side line where the
	// deletion sits (f.Line) is other code, kept or added, that the fix must
	// not be shown removing. The fix is added there, indented like the
	// deleted code it is about.
	var replaced []string
	shape := ""
	for _, l := range f.Code {
		switch {
		case f.Deleted:
			if l.Kind == "deleted" && l.Old >= f.OldLine && l.Old <= max(f.OldEndLine, f.OldLine) && shape == "" {
				shape = l.Text
			}
		case (l.Kind == "added" || l.Kind == "context") && l.New >= f.Line && l.New <= f.EndLine:
			replaced = append(replaced, l.Text)
		}
	}
	fixLines := strings.Split(fix, "\n")
	var b strings.Builder
	for _, l := range replaced {
		b.WriteString("-" + l + "\n")
	}
	if len(replaced) == 1 && len(fixLines) == 1 {
		if line, ok := inPlace(replaced[0], f.FixQuote, strings.TrimSpace(fixLines[0])); ok {
			b.WriteString("+" + line + "\n")
			return b.String()
		}
	}
	if len(replaced) > 0 {
		shape = replaced[0]
	}
	indent := ""
	if shape != "" && !startsIndented(fixLines[0]) {
		indent = leadingSpace(shape)
	}
	for _, l := range fixLines {
		if strings.TrimSpace(l) != "" {
			l = indent + l
		}
		b.WriteString("+" + l + "\n")
	}
	return b.String()
}

// inPlace replaces quote in line with fix when the quote is a part of the
// line found once, and the fix is not itself the whole line rewritten (it
// does not repeat the code around the quote).
func inPlace(line, quote, fix string) (string, bool) {
	if quote == "" || fix == "" || quote == strings.TrimSpace(line) || strings.Count(line, quote) != 1 {
		return "", false
	}
	i := strings.Index(line, quote)
	before, after := strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+len(quote):])
	if before != "" && strings.HasPrefix(fix, before) || after != "" && strings.HasSuffix(fix, after) {
		return "", false
	}
	return line[:i] + fix + line[i+len(quote):], true
}

func startsIndented(l string) bool { return l != "" && (l[0] == ' ' || l[0] == '\t') }

func leadingSpace(l string) string { return l[:len(l)-len(strings.TrimLeft(l, " \t"))] }
