package render

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"

	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
)

// DismissHint is how the footer says a finding is dismissed.
const DismissHint = `quorum dismiss ID --reason "..."`

// terminalView lays the report out for people reading it in a terminal or
// a pipe: what matters first (the verdict, the blocking findings, the
// summary), then the findings by severity, then, with Full, every other
// section of the Markdown report; a one-line footer ends it. The layout is
// the same with and without color; color only styles it.
func terminalView(r *report.Report, opts Options, width int, color bool) string {
	p := newPalette(color)
	var out []string
	section := func(f func(m *md)) {
		var buf bytes.Buffer
		bw := bufio.NewWriter(&buf)
		f(&md{w: bw})
		bw.Flush()
		s := strings.TrimSpace(safetext.Sanitize(buf.String()))
		if s == "" {
			return
		}
		if len(out) > 0 {
			out = append(out, "")
		}
		out = append(out, strings.Split(strings.TrimRight(forTerminal([]byte(s+"\n"), width, color), "\n"), "\n")...)
	}
	heading := func(l look, text string) {
		if len(out) > 0 {
			out = append(out, "")
		}
		out = append(out, p.paint(l, text), p.paint(l, strings.Repeat("─", min(len([]rune(text)), width))))
	}

	// The verdict, colored by its status, on the first line.
	status := strings.ToUpper(r.Verdict.Status)
	vl := look{role: verdictRole(r.Verdict.Status)}
	text := forTerminal([]byte(mdText(r.Verdict.Text)+"\n"), max(width-len(status)-2, 1), color)
	vlines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	out = append(out, indent(vlines, p.paint(vl, status)+"  ", strings.Repeat(" ", len(status)+2))...)

	section(func(m *md) {
		var blocking []report.Finding
		for _, f := range r.Findings {
			if r.Policy.Blocks(f) {
				blocking = append(blocking, f)
			}
		}
		if len(blocking) == 0 {
			return
		}
		m.p("**Blocking:**\n\n")
		for _, f := range blocking {
			m.p("- %s %s %s: %s\n", code(f.ID), mdText(f.Severity), code(location(f)), mdText(f.Title))
		}
	})
	section(func(m *md) { m.p("%s\n", mdText(r.Summary.Text)) })

	for _, s := range []struct{ sev, title string }{
		{review.Critical, "Critical issues"},
		{review.Important, "Important issues"},
		{review.Suggestion, "Suggestions"},
	} {
		n := 0
		for _, f := range r.Findings {
			if f.Severity == s.sev {
				n++
			}
		}
		if n == 0 {
			continue
		}
		heading(look{role: severityRole(s.sev)}, fmt.Sprintf("%s (%d)", s.title, n))
		section(func(m *md) {
			i := 0
			for _, f := range r.Findings {
				if f.Severity == s.sev {
					i++
					m.finding(i, f)
				}
			}
		})
	}

	if opts.Full {
		section(func(m *md) {
			m.dismissed(r)
			m.design(r)
			m.testing(r)
			m.docs(r)
			m.commits(r)
			m.todos(r)
			m.h2("Details")
			m.header(r)
			m.retro(r)
			m.metrics(r)
			m.coverage(r)
		})
	} else {
		// Files left out for their size are code nobody read: said even
		// in the short view (the other reasons are by rule: binary,
		// lockfiles, generated, vendored, ignored).
		section(func(m *md) {
			var large []string
			for _, f := range r.TooLarge() {
				large = append(large, code(safetext.Path(f)))
			}
			if len(large) > 0 {
				m.p("**Not reviewed, too large:** %s.\n", report.FirstFew(large))
			}
		})
		// A judge that was asked and not used is said even here: the
		// findings are grouped by other rules than the ones configured.
		section(func(m *md) {
			if g := r.Grouping; g.Judge != "" && g.By != report.GroupedByJudge && !g.Skipped {
				m.p("%s\n", groupingLine(g))
			}
		})
		section(func(m *md) {
			var more []string
			if n := len(r.Dismissed); n > 0 {
				more = append(more, fmt.Sprintf("%d dismissed", n))
			}
			more = append(more, "assessments, commits, TODOs, metadata, options, retro, metrics and coverage")
			where := "`--full`, or the saved report.md"
			if opts.SavedIn == "" {
				where = "`--full`" // nothing was saved to read them in
			}
			m.p("*Not shown: %s (%s).*\n", strings.Join(more, "; "), where)
		})
	}

	// The footer: the verdict, where the report is, how to dismiss.
	foot := status
	if opts.SavedIn != "" {
		foot += " · saved in " + safetext.Sanitize(opts.SavedIn)
	}
	if len(r.Findings) > 0 && opts.SavedIn != "" {
		// quorum dismiss reads a saved report: with none (it could not
		// be written), the hint would send the user to an error.
		foot += " · " + DismissHint
	}
	out = append(out, "", p.paint(vl, status)+strings.TrimPrefix(foot, status))
	for i, l := range out {
		out[i] = noWorkflowCommand(l)
	}
	return strings.Join(out, "\n") + "\n"
}

// noWorkflowCommand keeps a line of the view from reading as a GitHub
// Actions workflow command ("::error file=a.go::text"), which model text
// could otherwise write into a CI job's log as an annotation: the runner
// reads a line as one when, its leading white space trimmed (so indenting
// it is no cure), it starts with "::" and holds another "::". Such a line
// gets a backslash before its first "::", as the Markdown escapes it.
// The runner's older form, "##[command]", counts anywhere in a line: each
// is written "##\[".
func noWorkflowCommand(line string) string {
	line = strings.ReplaceAll(line, "##[", `##\[`)
	plain := strings.TrimLeftFunc(ansi.Strip(line), unicode.IsSpace)
	if !strings.HasPrefix(plain, "::") || !strings.Contains(plain[2:], "::") {
		return line
	}
	i := strings.Index(line, "::")
	return line[:i] + `\` + line[i:]
}

func verdictRole(status string) role {
	switch status {
	case report.VerdictPass:
		return verdictPass
	case report.VerdictFail:
		return verdictFail
	}
	return verdictOther
}

func severityRole(sev string) role {
	switch sev {
	case review.Critical:
		return sevCritical
	case review.Important:
		return sevImportant
	}
	return sevSuggestion
}
