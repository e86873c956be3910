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
// replacement code as removing the finding's added lines and adding the fix.
func fixDiff(f report.Finding) string {
	fix := strings.Trim(f.Fix, "\n")
	if strings.TrimSpace(fix) == "" {
		return ""
	}
	if review.FixIsDiff(fix) {
		return fix + "\n"
	}
	var b strings.Builder
	for _, l := range f.Code {
		if l.Kind == "added" && l.New >= f.Line && l.New <= f.EndLine {
			b.WriteString("-" + l.Text + "\n")
		}
	}
	for _, l := range strings.Split(fix, "\n") {
		b.WriteString("+" + l + "\n")
	}
	return b.String()
}
