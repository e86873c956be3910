// This file writes the Markdown report's retro: each reviewer's run, the
// grouping, the metrics.

package render

import (
	"fmt"
	"strings"

	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
)

func (m *md) retro(r *report.Report) {
	m.h2("Reviewer retro")
	if len(r.Reviewers) == 0 {
		m.p("No reviewers ran.\n")
		return
	}
	// Two narrow tables rather than one of fourteen columns, so both fit a
	// terminal when the report is rendered there.
	m.p("| reviewer | status | duration | load | tokens in | tokens out | tokens/s | num_ctx | num_predict |\n")
	m.p("|---|---|--:|--:|--:|--:|--:|--:|--:|\n")
	readNothing := map[string]bool{}
	for _, name := range r.NothingAsked() {
		readNothing[name] = true
	}
	for _, rv := range r.Reviewers {
		name := rv.Name
		status := rv.Status
		if readNothing[rv.Name] {
			// "ok" alone reads as "reviewed": it answered all it was
			// given, and it was given nothing.
			status += ", read nothing"
		}
		if rv.Host != "" {
			name += " @ " + rv.Host
		}
		// No rate is "–", not 0.0: answers from the cache, or a server
		// that reports no eval duration (OpenAI-compatible ones).
		rate := "–"
		if rv.TokensPerSec > 0 {
			rate = fmt.Sprintf("%.1f", rv.TokensPerSec)
		}
		m.p("| %s | %s | %s | %s | %d | %d | %s | %s | %s |\n",
			cell(name), cell(status), Duration(rv.DurationMS), Duration(rv.LoadMS), rv.PromptTokens, rv.EvalTokens, rate,
			orDash(rv.Options.NumCtx), orDash(rv.Options.NumPredict))
	}
	m.p("\n| reviewer | critical | important | suggestion | unique | corroborated | rejected | failed chunks |\n")
	m.p("|---|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, rv := range r.Reviewers {
		m.p("| %s | %d | %d | %d | %d | %d | %d | %d |\n",
			cell(rv.Name), rv.BySeverity.Critical, rv.BySeverity.Important, rv.BySeverity.Suggestion,
			rv.Unique, rv.Corroborated, rv.Rejected, rv.FailedChunks)
	}
	m.p("\n")
	m.p("%s\n\n", groupingLine(r.Grouping))
	for _, rv := range r.Reviewers {
		var parts []string
		if readNothing[rv.Name] {
			parts = append(parts, "read nothing: no changed file fit its context even a line at a time (see Coverage)")
		}
		if rv.Error != "" {
			// A reviewer that answered part of the diff did not fail.
			label := "failed: "
			if rv.Status == review.StatusPartial {
				label = "partly answered: "
			}
			parts = append(parts, label+mdText(rv.Error))
		}
		for _, f := range rv.Failures {
			if f != rv.Error {
				parts = append(parts, "chunk failed: "+mdText(f))
			}
		}
		if rv.Repeats > 0 {
			parts = append(parts, fmt.Sprintf("repeated itself %s (collapsed)", times(rv.Repeats)))
		}
		for _, n := range rv.Notes {
			parts = append(parts, "answer read differently: "+mdText(n))
		}
		if rv.Hint != "" {
			parts = append(parts, "hint: "+mdText(rv.Hint))
		}
		if len(parts) > 0 {
			m.p("- **%s**: %s\n", mdText(rv.Name), strings.Join(parts, "; "))
		}
	}
	if len(r.Rejected) > 0 {
		m.p("\n### Rejected findings\n\nEach names its reason: mostly not anchored in the change (the code quoted is not in the diff, or the line or file is outside it: code the model invented, or was shown only as context with `context: function`), else not a finding quorum can read (an unknown severity, no title). Counted against their reviewer.\n\n")
		m.p("| reviewer | file | line | title | reason |\n|---|---|--:|---|---|\n")
		for _, j := range r.Rejected {
			line := "–"
			if j.Line > 0 {
				line = fmt.Sprint(j.Line)
			}
			m.p("| %s | %s | %s | %s | %s |\n", cell(j.Reviewer), cell(safetext.Path(j.File)), line, cell(j.Title), cell(j.Reason))
		}
	}
}

// groupingLine says what grouped the findings into issues, and what the
// judge cost or why it was not used.
func groupingLine(g report.Grouping) string {
	if g.By == report.GroupedByJudge {
		cost := fmt.Sprintf("%s, %d tokens in, %d out", Duration(g.DurationMS), g.PromptTokens, g.EvalTokens)
		if g.Cached {
			cost = "cached"
		}
		return fmt.Sprintf("**Grouped by** the judge %s (%s).", code(g.Judge), cost)
	}
	if g.Judge == "" {
		return "**Grouped by** quorum's rules (words, lines and kinds; no judge configured)."
	}
	if g.Skipped {
		return fmt.Sprintf("**Grouped by** quorum's rules: the judge %s was not asked, %s.", code(g.Judge), mdText(g.Note))
	}
	return fmt.Sprintf("**Grouped by** quorum's rules, not the judge %s: %s.", code(g.Judge), mdText(g.Note))
}

func times(n int) string {
	if n == 1 {
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}

func (m *md) metrics(r *report.Report) {
	m.h2("Metrics")
	t := r.Totals
	read, added, deleted := r.Read()
	m.p("| metric | value |\n|---|--:|\n")
	rows := []struct {
		k string
		v any
	}{
		{"wall-clock", Duration(r.WallMS)},
		{"files in the change", t.Files},
		{"lines added / deleted", fmt.Sprintf("+%d / −%d", t.Added, t.Deleted)},
		// What the summary says was reviewed: files some reviewer read in
		// full, never a file an interrupted or truncated review left.
		{"files reviewed", read},
		{"lines reviewed (added / deleted)", fmt.Sprintf("+%d / −%d", added, deleted)},
		{"commits", t.Commits},
		{"files skipped", len(r.Skipped)},
		{"reviewers answered", fmt.Sprintf("%d of %d", r.Verdict.RestsOn, r.Verdict.Panel)},
		{"raw findings", t.RawFindings},
		{"findings after merging", t.Findings},
		{"found by more than one reviewer", t.Corroborated},
		{"rejected (not in the diff)", t.Rejected},
		{"model requests", t.Requests},
		{"cache hits", t.CacheHits},
		{"tokens in / out", fmt.Sprintf("%d / %d", t.PromptTokens, t.EvalTokens)},
	}
	for _, row := range rows {
		m.p("| %s | %v |\n", row.k, row.v)
	}
}
