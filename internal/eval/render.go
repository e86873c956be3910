package eval

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"text/tabwriter"

	"github.com/quorum-review/quorum/internal/safetext"
)

// overCap is the "(60 > 40)" of a too-large reason, left out when counting reasons.
var overCap = regexp.MustCompile(` \(\d+ > \d+\)$`)

// Formats of Write.
var Formats = []string{"text", "markdown", "json"}

// Write renders r as text (a terminal table), markdown or json.
func Write(w io.Writer, format string, r *Result) error {
	switch format {
	case "json":
		return writeJSON(w, r)
	case "markdown":
		return writeTables(w, r, true)
	default:
		return writeTables(w, r, false)
	}
}

func writeJSON(w io.Writer, r *Result) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(safetext.EscapeJSON(b), '\n'))
	return err
}

// table is a header and rows, written as a Markdown table or aligned text.
type table struct {
	head []string
	rows [][]string
}

func (t table) write(w io.Writer, md bool) {
	if md {
		fmt.Fprintf(w, "| %s |\n", strings.Join(t.head, " | "))
		seps := make([]string, len(t.head))
		for i := range seps {
			seps[i] = "---"
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(seps, " | "))
		for _, row := range t.rows {
			fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
		}
		fmt.Fprintln(w)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.head, "\t"))
	for _, row := range t.rows {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
	fmt.Fprintln(w)
}

func frac(n, d int) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d %s", n, d, pct(float64(n)/float64(d)))
}

func heading(w io.Writer, md bool, level int, s string) {
	if md {
		fmt.Fprintf(w, "%s %s\n\n", strings.Repeat("#", level), s)
		return
	}
	fmt.Fprintf(w, "%s\n\n", s)
}

func cell(s string, md bool) string {
	s = safetext.OneLine(s)
	if md {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	return s
}

func writeTables(w io.Writer, r *Result, md bool) error {
	var b bytes.Buffer
	st := r.Settings
	heading(&b, md, 1, "quorum eval")
	fmt.Fprintf(&b, "%d bug cases, %d clean cases, %d commits skipped; truth window ±%d lines; per-model findings at or above %s; severity policy %s; seed %d.\n\n",
		r.Counts.Bug, r.Counts.Clean, r.Counts.Skipped, st.Window, st.Severity, st.SeverityPolicy, st.Seed)
	if r.Recommendation != nil {
		fmt.Fprintf(&b, "Recommendation: %s\n\n", cell(r.Recommendation.Text, false))
	} else {
		fmt.Fprintf(&b, "No recommendation: %s.\n\n", r.NoRecommendation)
	}

	heading(&b, md, 2, "Models")
	mt := table{head: []string{"model", "recall", "precision", "findings/clean case", "failed", "wall", "tokens in/out", "requests", "cached"}}
	for _, m := range r.Models {
		perClean := "-"
		if m.Clean > 0 {
			perClean = fmt.Sprintf("%.2f", m.FindingsPerCleanCase)
		}
		mt.rows = append(mt.rows, []string{cell(m.Name, md), frac(m.Found, m.Bugs), frac(m.Hits, m.BugFindings), perClean,
			fmt.Sprint(m.FailedCases), fmt.Sprintf("%.1fs", m.WallS), fmt.Sprintf("%d/%d", m.TokensIn, m.TokensOut), fmt.Sprint(m.Requests), fmt.Sprint(m.CacheHits)})
	}
	mt.write(&b, md)

	heading(&b, md, 2, "Gate rules (whole panel)")
	rt := table{head: []string{"min_agreement", "fail_on", "recall", "bug block rate", "clean block rate"}}
	n := 0
	if len(r.Rules) > 0 {
		n = len(r.Rules[0].Panel)
	}
	for _, ru := range r.Rules {
		if len(ru.Panel) != n {
			break
		}
		rt.rows = append(rt.rows, []string{fmt.Sprintf("%d of %d", ru.MinAgreement, n), ru.FailOn,
			frac(ru.Found, r.Counts.Bug), frac(ru.BugBlocked, r.Counts.Bug), frac(ru.CleanBlocked, r.Counts.Clean)})
	}
	rt.write(&b, md)
	if len(r.Rules) > len(rt.rows) {
		fmt.Fprintf(&b, "Sub-panels: %d more rules in --format json.\n\n", len(r.Rules)-len(rt.rows))
	}

	heading(&b, md, 2, "Cases")
	ct := table{head: []string{"case", "subject", "files", "found by", "flagged by"}}
	for _, c := range r.Cases {
		found := strings.Join(c.Found, ", ")
		switch {
		case c.Kind == KindClean:
			found = "-"
		case found == "":
			found = "nobody" // a bug no reviewer found: said, not a blank cell
		}
		flagged := strings.Join(c.Flagged, ", ")
		if flagged == "" {
			flagged = "-"
		}
		ct.rows = append(ct.rows, []string{c.ID, cell(safetext.Clip(c.Subject, 60), md), cell(strings.Join(c.Files, ", "), md), cell(found, md), cell(flagged, md)})
	}
	ct.write(&b, md)
	if len(r.Skipped) > 0 {
		heading(&b, md, 2, "Skipped commits")
		counts := map[string]int{}
		var order []string
		for _, s := range r.Skipped {
			key := s.Kind + ": " + overCap.ReplaceAllString(s.Reason, "")
			if counts[key] == 0 {
				order = append(order, key)
			}
			counts[key]++
		}
		for _, k := range order {
			fmt.Fprintf(&b, "- %d %s\n", counts[k], k)
		}
		fmt.Fprintln(&b)
	}
	heading(&b, md, 2, "What this does not measure")
	for _, c := range r.Caveats {
		fmt.Fprintf(&b, "- %s\n", c)
	}
	_, err := w.Write(b.Bytes())
	return err
}
