package hookcmd

import (
	"cmp"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
)

// printBlocked writes what a blocked push shows under its first line: each
// blocking finding (id, severity, file:line, title, reviewers), a count of
// the findings below the gate, the report's path, then the exact commands
// that get the push through: read the report, dismiss, or skip once
// (skip, the push spelled out again: skipCommand).
//
// elsewhere names the pushed branches other than the checkout's HEAD: their
// commits are judged by the ledger they carry, not this work tree's, so
// the dismiss command it prints is --local (this clone's ledger, which
// every review reads), with how to share it.
func printBlocked(w io.Writer, color bool, fs []hook.Finding, below, reportPath, skip string, elsewhere ...string) {
	ids := make([]string, 0, len(fs))
	for _, f := range distinct(fs) {
		id := safetext.OneLine(f.ID)
		if id == "" {
			id = "-"
		} else if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
		line := fmt.Sprintf("  %s  %s  %s  %s", id, paint(color, f.Severity, fmt.Sprintf("%-9s", safetext.OneLine(f.Severity))), location(f), safetext.OneLine(f.Title))
		if len(f.Reviewers) > 0 {
			rs := make([]string, len(f.Reviewers))
			for i, r := range f.Reviewers {
				rs[i] = safetext.OneLine(r)
			}
			who := strings.Join(rs, ", ")
			if f.SeenBy > 0 {
				who = fmt.Sprintf("%d of %d: %s", len(rs), f.SeenBy, who)
			}
			line += "  (" + who + ")"
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	if below != "" {
		fmt.Fprintln(w, below)
	}
	// A push of two versions of a file is two reviews, two reports (its
	// findings name theirs): each finding's ids are dismissed from its own,
	// and the latest report may be another review's.
	var reports []string
	idsIn := map[string][]string{}
	several := false
	for _, f := range fs {
		several = several || f.Report != ""
		r := cmp.Or(f.Report, reportPath)
		if !slices.Contains(reports, r) {
			reports = append(reports, r)
		}
		if id := safetext.OneLine(f.ID); id != "" && !slices.Contains(idsIn[r], id) {
			idsIn[r] = append(idsIn[r], id)
		}
	}
	if several && !slices.Contains(reports, "") {
		for _, r := range reports {
			fmt.Fprintf(w, "report: %s\n", r)
		}
		local := ""
		if len(elsewhere) > 0 {
			local = " --local"
		}
		var next steps
		for _, r := range reports {
			id := filepath.Base(filepath.Dir(r))
			next.add("quorum report show "+id+" --full", "")
			next.add(fmt.Sprintf("quorum dismiss %s --report %s%s --reason \"...\"", strings.Join(idsIn[r], " "), id, local), "")
		}
		next.note(allPlaces(fs))
		next.note(notHere(elsewhere))
		next.add(skip, "push once without review (or: git push --no-verify)")
		next.write(w)
		return
	}
	if reportPath != "" {
		fmt.Fprintf(w, "report: %s\n", reportPath)
	}
	dismiss := "ID"
	if len(ids) > 0 {
		dismiss = strings.Join(ids, " ")
	}
	var next steps
	if reportPath == "" {
		// No saved report: 'report show' would show another one, and
		// 'dismiss' finds its ids in the saved report.
		next.add("fix what kept the report from being saved (above), then push again to dismiss a false positive", "")
	} else {
		// Named, not "the latest": a review of another branch saved after
		// this push (a background run, a 'quorum review' there) would be
		// the latest, and its finding of the same id another place.
		show, from := "", ""
		if dir := filepath.Dir(reportPath); filepath.Base(filepath.Dir(dir)) == "reports" {
			show, from = " "+filepath.Base(dir), " --report "+filepath.Base(dir)
		}
		next.add("quorum report show"+show+" --full", "the full report")
		local := ""
		if len(elsewhere) > 0 {
			local = " --local"
		}
		next.add(fmt.Sprintf("quorum dismiss %s%s%s --reason \"...\"", dismiss, from, local), "a false positive: the same push then goes through")
		next.note(allPlaces(fs))
		next.note(notHere(elsewhere))
	}
	next.add(skip, "push once without review (or: git push --no-verify)")
	next.write(w)
}

// steps are the "next:" lines of a blocked push: commands, each with a
// comment aligned after the longest, and notes on lines of their own.
type steps []struct{ cmd, comment string }

func (s *steps) add(cmd, comment string) {
	*s = append(*s, struct{ cmd, comment string }{cmd, comment})
}

// note adds a comment line of its own; "" adds nothing.
func (s *steps) note(comment string) {
	if comment != "" {
		s.add("", comment)
	}
}

func (s steps) write(w io.Writer) {
	width := 0
	for _, st := range s {
		if st.cmd != "" && st.comment != "" {
			width = max(width, len(st.cmd))
		}
	}
	fmt.Fprintln(w, "next:")
	for _, st := range s {
		switch {
		case st.cmd == "":
			fmt.Fprintf(w, "    # %s\n", st.comment)
		case st.comment == "":
			fmt.Fprintf(w, "  %s\n", st.cmd)
		default:
			fmt.Fprintf(w, "  %-*s   # %s\n", width, st.cmd, st.comment)
		}
	}
}

// distinct is fs less the repeats of one finding that two reviews of one
// push found alike (two pushed versions of a file that share the line: a
// branch and one stacked on it): the same id, place, severity and title.
// Each review's report still lists it, and its dismiss line names it.
func distinct(fs []hook.Finding) []hook.Finding {
	type key struct {
		id, file, sev, title string
		line                 int
	}
	seen := map[key]bool{}
	var out []hook.Finding
	for _, f := range fs {
		k := key{f.ID, f.File, f.Severity, f.Title, f.Line}
		if f.ID != "" && seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, f)
	}
	return out
}

// location is where a blocking finding is, as the reports write it: a
// finding whose lines are all unchanged (context) lines of the diff, code
// the push did not touch, is marked so, and a finding about deleted code
// names its old lines.
func location(f hook.Finding) string {
	file := safetext.Path(f.File)
	switch {
	case f.Deleted && f.OldEndLine > f.OldLine:
		return fmt.Sprintf("%s:%d (deleted lines %d-%d)", file, f.Line, f.OldLine, f.OldEndLine)
	case f.Deleted && f.OldLine > 0:
		return fmt.Sprintf("%s:%d (deleted line %d)", file, f.Line, f.OldLine)
	case f.Line <= 0:
		return file
	case f.LineKind == "context" && f.EndLine > f.Line:
		return fmt.Sprintf("%s:%d-%d (unchanged lines)", file, f.Line, f.EndLine)
	case f.LineKind == "context":
		return fmt.Sprintf("%s:%d (unchanged line)", file, f.Line)
	}
	return fmt.Sprintf("%s:%d", file, f.Line)
}

// belowLine is the one-line count of the findings below the gate and of the
// dismissed ones, "" when none.
func belowLine(below map[string]int, dismissed int) string {
	total := 0
	sevs := make([]string, 0, len(below))
	for s, n := range below {
		if n > 0 {
			total += n
			sevs = append(sevs, s)
		}
	}
	gone := ""
	if dismissed > 0 {
		gone = fmt.Sprintf("%d dismissed", dismissed)
	}
	if total == 0 {
		if gone == "" {
			return ""
		}
		return "also " + gone + " (quorum dismiss --list)"
	}
	if gone != "" {
		gone = "; " + gone
	}
	slices.SortFunc(sevs, func(a, b string) int {
		if d := review.SeverityRank(b) - review.SeverityRank(a); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(sevs))
	for i, s := range sevs {
		name := safetext.OneLine(s)
		if below[s] != 1 && s == review.Suggestion {
			name += "s" // "2 suggestions", but "2 important"
		}
		parts[i] = fmt.Sprintf("%d %s", below[s], name)
	}
	return fmt.Sprintf("also %d finding%s below the gate: %s%s", total, cmdutil.Plural(total), strings.Join(parts, ", "), gone)
}

// colorOn: severity colours on a terminal only, and never with NO_COLOR.
func colorOn(opts *RunOptions, getenv func(string) string) bool {
	return opts.IO != nil && opts.IO.StderrTTY && getenv("NO_COLOR") == ""
}

func paint(on bool, severity, text string) string {
	if !on {
		return text
	}
	code := ""
	switch severity {
	case review.Critical:
		code = "1;31"
	case review.Important:
		code = "33"
	case review.Suggestion:
		code = "36"
	default:
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

// allPlaces says which blocking findings 'quorum dismiss' takes only with
// --all-places (their code on several lines, or several places grouped):
// the command above refuses them until each place is checked.
func allPlaces(fs []hook.Finding) string {
	var ids []string
	for _, f := range fs {
		if id := safetext.OneLine(f.ID); f.AllPlaces && id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return ""
	}
	return strings.Join(ids, ", ") + ": on several lines or places; check each, then add --all-places"
}

// notHere says why the dismiss steps are --local when pushed branches are
// not checked out (elsewhere), and how to share such a dismissal.
func notHere(elsewhere []string) string {
	if len(elsewhere) == 0 {
		return ""
	}
	verb := "is"
	if len(elsewhere) > 1 {
		verb = "are"
	}
	return fmt.Sprintf("%s %s not checked out: its commits read its own ledger, so --local (this clone); to share the dismissal, check it out, dismiss there and commit %s",
		strings.Join(elsewhere, ", "), verb, diff.LedgerPath)
}
