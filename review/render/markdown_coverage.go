// This file writes the Markdown report's coverage: which reviewer read
// which file, and why a file went unread.

package render

import (
	"strings"

	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
)

func (m *md) coverage(r *report.Report) {
	m.h2("Coverage")
	c := r.Coverage
	if len(c.Files) == 0 {
		m.p("No files were reviewed.\n")
	} else {
		m.p("| file | change |")
		for _, name := range c.Reviewers {
			m.p(" %s |", cell(name))
		}
		m.p("\n|---|---|%s\n", strings.Repeat(":-:|", len(c.Reviewers)))
		for _, f := range c.Files {
			m.p("| %s | %s +%d −%d |", cell(safetext.Path(f.Path)), cell(f.Status), f.Added, f.Deleted)
			for _, name := range c.Reviewers {
				m.p(" %s |", coverMark(f.By[name]))
			}
			m.p("\n")
		}
		m.p("\n%s\n", coverLegend(r))
	}
	if len(r.Skipped) > 0 {
		m.p("\nSkipped files:\n\n| file | reason |\n|---|---|\n")
		for _, s := range r.Skipped {
			m.p("| %s | %s |\n", cell(safetext.Path(s.File)), cell(s.Reason))
		}
	}
}

func coverMark(s string) string {
	switch s {
	case report.CoverReviewed:
		return "✓"
	case report.CoverFailed:
		return "✗"
	case report.CoverTruncated:
		return "✂"
	}
	return "–"
}

// coverLegend explains the marks the coverage table uses, each by what
// happened: a file not reviewed says why, from what the report knows of its
// reviewer (the model is not installed; the review was interrupted or timed
// out; the reviewer stopped; the file did not fit), never "did not fit" for
// a review that was cut short.
func coverLegend(r *report.Report) string {
	c := r.Coverage
	marks := []string{"✓ reviewed"}
	if anyCover(c, report.CoverTruncated) {
		marks = append(marks, "✂ truncated (not reviewed in full: the prompt was cut, or the file or a line of it did not fit the model's context)")
	}
	if anyCover(c, report.CoverFailed) {
		marks = append(marks, "✗ chunk failed (asked, no usable answer)")
	}
	if why := notReviewedWhy(r); len(why) > 0 {
		marks = append(marks, "– not reviewed: "+strings.Join(why, "; or "))
	}
	return strings.Join(marks, " · ")
}

// notReviewedWhy lists why files show "–", in a fixed order, for the
// reviewers that have such a file.
func notReviewedWhy(r *report.Report) []string {
	const (
		missing   = "the model is not installed"
		stopped   = "the review was interrupted or timed out before reaching it"
		failed    = "the reviewer stopped before reaching it (see Reviewers)"
		didNotFit = "it did not fit the model's context"
	)
	status := map[string]report.Reviewer{}
	for _, rv := range r.Reviewers {
		status[rv.Name] = rv
	}
	found := map[string]bool{}
	for _, f := range r.Coverage.Files {
		for name, s := range f.By {
			if s != report.CoverNotCovered {
				continue
			}
			rv, ok := status[name]
			if !ok {
				rv, ok = status[safetext.Sanitize(name)] // the retro's names are sanitised
			}
			switch {
			case !ok:
				found[failed] = true
			case rv.Status == review.StatusMissing:
				found[missing] = true
			case rv.Status == review.StatusOK:
				// Every chunk it was given was answered: the file was never
				// given to it.
				found[didNotFit] = true
			case r.Interrupted:
				found[stopped] = true
				if rv.Chunks > 0 {
					found[didNotFit] = true
				}
			default:
				found[failed] = true
				if rv.Chunks > 0 {
					found[didNotFit] = true
				}
			}
		}
	}
	var out []string
	for _, why := range []string{stopped, failed, missing, didNotFit} {
		if found[why] {
			out = append(out, why)
		}
	}
	return out
}

// anyCover reports whether some cell of the coverage table is state.
func anyCover(c report.Coverage, state string) bool {
	for _, f := range c.Files {
		for _, s := range f.By {
			if s == state {
				return true
			}
		}
	}
	return false
}
