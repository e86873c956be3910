// This file summarises the review: each reviewer's retro, the notes they
// agree on, the coverage, the totals and the summary line.

package report

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/merge"
)

// coverage records which reviewer saw which file: a file counts as seen when
// every chunk holding it was answered; its state is the worst over those
// chunks (truncated, then failed, then reviewed), so a large file split
// across chunks, one of which failed, is not reviewed. A file that did not
// fit the reviewer's context even one line at a time is truncated, whether
// the server cut the prompt (res.Truncated) or the plan could not fit it at
// all (res.NotCovered of a reviewer that answered every chunk it was given,
// or a file also shown in an answered chunk and covered): README's "What
// cannot fit even then is marked truncated". A file a stopped or failing
// reviewer never reached, in whole or in part, stays not-covered.
func coverage(results []review.RawResult, files []diff.File) (map[string]map[string]bool, Coverage) {
	seen := map[string]map[string]bool{}
	cov := Coverage{Reviewers: []string{}, Files: []FileCoverage{}}
	state := map[string]map[string]string{}
	for _, res := range results {
		name := res.Reviewer.Name
		cov.Reviewers = append(cov.Reviewers, name)
		st := map[string]string{}
		for _, ch := range res.Chunks {
			for _, p := range ch.Files {
				switch {
				case ch.Truncated || st[p] == CoverTruncated:
					// Part of it never reached the model: not reviewed in full.
					st[p] = CoverTruncated
				case ch.Answer == nil || st[p] == CoverFailed:
					// A part of it went unanswered: not reviewed in full.
					st[p] = CoverFailed
				default:
					st[p] = CoverReviewed
				}
			}
		}
		for _, p := range res.Truncated {
			st[p] = CoverTruncated
		}
		covered := map[string]bool{}
		for _, p := range res.Covered {
			covered[p] = true
		}
		for _, p := range res.NotCovered {
			switch {
			case st[p] == CoverReviewed && res.Status != review.StatusOK && !covered[p]:
				// Shown in an answered chunk, yet not covered by a reviewer
				// that did not finish: a chunk holding the rest of it was
				// never answered (the run stopped first).
				st[p] = CoverNotCovered
			case st[p] == CoverReviewed:
				// Only a file some line of which could not fit even alone
				// is both shown in an answered chunk and not covered: the
				// rest was read, that line never was.
				st[p] = CoverTruncated
			case st[p] == "" && res.Status == review.StatusOK:
				// The reviewer answered every chunk it was given and was
				// never given this file: nothing of it fitted its context.
				st[p] = CoverTruncated
			}
		}
		if len(res.Chunks) == 0 && res.Status == review.StatusOK {
			for _, p := range res.Covered {
				st[p] = CoverReviewed
			}
		}
		state[name] = st
	}
	for _, f := range files {
		fc := FileCoverage{Path: f.Path, Status: string(f.Status), Added: f.Added, Deleted: f.Deleted, By: map[string]string{}}
		seen[f.Path] = map[string]bool{}
		for _, name := range cov.Reviewers {
			s := state[name][f.Path]
			if s == "" {
				s = CoverNotCovered
			}
			fc.By[name] = s
			if s == CoverReviewed {
				seen[f.Path][name] = true
			}
		}
		cov.Files = append(cov.Files, fc)
	}
	return seen, cov
}

// minRateTokens is the fewest tokens written a generation rate is shown
// for: the one token of a tokenizer probe, timed in microseconds, reads as
// thousands a second.
const minRateTokens = 16

// rate is a reviewer's tokens a second, to one decimal; 0 (shown "–") for
// fewer than minRateTokens written.
func rate(m review.Metrics) float64 {
	if m.EvalTokens < minRateTokens || m.EvalDuration < time.Millisecond {
		return 0 // or a server that reports next to no time: millions a second
	}
	return roundTo(m.TokensPerSecond(), 1)
}

func reviewers(results []review.RawResult, clusters []merge.Cluster, rejected map[string]int) []Reviewer {
	out := []Reviewer{}
	for _, res := range results {
		m := res.Metrics
		if m == (review.Metrics{}) {
			for _, ch := range res.Chunks {
				m.Add(ch.Metrics)
			}
		}
		dur := m.Wall
		if dur == 0 {
			dur = m.TotalDuration
		}
		rv := Reviewer{
			Name: safetext.Sanitize(res.Reviewer.Name), Model: safetext.Sanitize(res.Reviewer.Model), Digest: res.Digest,
			Focus: safetext.Sanitize(res.Reviewer.Focus), API: res.Reviewer.API, Host: safetext.OneLine(res.Reviewer.Host), Options: res.Options, Status: res.Status, Error: safetext.Sanitize(res.Error), Hint: safetext.Sanitize(res.Hint),
			Calibration: res.Calibration, ProbeCut: res.ProbeCut,
			DurationMS: dur.Milliseconds(), LoadMS: m.LoadDuration.Milliseconds(),
			PromptTokens: m.PromptTokens, EvalTokens: m.EvalTokens, TokensPerSec: rate(m),
			Requests: m.Requests, Retries: m.Retries, CacheHits: m.CacheHits,
			Chunks: len(res.Chunks), UnaskedChunks: res.Unasked, Rejected: rejected[res.Reviewer.Name], stopped: res.StoppedBeforeAnswering(),
		}
		if rv.Status == "" {
			rv.Status = review.StatusOK
		}
		for _, ch := range res.Chunks {
			if ch.Truncated {
				rv.TruncatedChunks++
			}
			if ch.Answer == nil {
				rv.FailedChunks++
				if ch.Error != "" {
					rv.Failures = append(rv.Failures, safetext.Sanitize(ch.Error))
				}
			}
			for _, n := range ch.Notes {
				rv.Notes = append(rv.Notes, safetext.Sanitize(n))
			}
		}
		// Sorted: chunk order is not the same on every run.
		slices.Sort(rv.Failures)
		rv.Failures = slices.Compact(rv.Failures)
		slices.Sort(rv.Notes)
		rv.Notes = slices.Compact(rv.Notes)
		for _, c := range clusters {
			v, ok := c.Votes[res.Reviewer.Name]
			if !ok {
				continue
			}
			rv.Findings++
			rv.BySeverity.add(v)
			if len(c.Reviewers) == 1 {
				rv.Unique++
			} else {
				rv.Corroborated++
			}
			for _, m := range c.Members {
				if m.Reviewer == res.Reviewer.Name {
					rv.Repeats++
				}
			}
			rv.Repeats--
		}
		out = append(out, rv)
	}
	return out
}

func roundTo(x float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	return float64(int64(x*p+0.5)) / p
}

// narrative merges the reviewers' free text: identical items (after
// whitespace and case folding) become one, attributed to everyone who wrote it.
func narrative(results []review.RawResult) (strengths, concerns, docs []Note, untested []UntestedNote, summaries []ReviewerNote) {
	type acc struct {
		text string
		by   map[string]bool
		risk string
	}
	collect := func(m map[string]*acc, key, text, who, risk string) {
		a := m[key]
		if a == nil {
			a = &acc{text: text, by: map[string]bool{}, risk: risk}
			m[key] = a
		}
		a.by[who] = true
		if riskRank(risk) > riskRank(a.risk) {
			a.risk = risk
		}
		if text < a.text {
			a.text = text // the same item in any order keeps one wording
		}
	}
	st, co, do, un := map[string]*acc{}, map[string]*acc{}, map[string]*acc{}, map[string]*acc{}
	summaries = []ReviewerNote{}
	for _, res := range results {
		who := res.Reviewer.Name
		var sums []string
		for _, ch := range res.Chunks {
			a := ch.Answer
			if a == nil {
				continue
			}
			if s := safetext.Sanitize(strings.TrimSpace(a.Summary)); s != "" && !slices.Contains(sums, s) {
				sums = append(sums, s)
			}
			for _, s := range a.Strengths {
				if t := safetext.Sanitize(strings.TrimSpace(s)); t != "" {
					collect(st, foldKey(t), t, who, "")
				}
			}
			for _, s := range a.Concerns {
				if t := safetext.Sanitize(strings.TrimSpace(s)); t != "" {
					collect(co, foldKey(t), t, who, "")
				}
			}
			for _, s := range a.Docs {
				if t := safetext.Sanitize(strings.TrimSpace(s)); t != "" {
					collect(do, foldKey(t), t, who, "")
				}
			}
			for _, u := range a.Untested {
				if t := safetext.Sanitize(strings.TrimSpace(u.Scenario)); t != "" {
					collect(un, foldKey(t), t, who, riskOf(u.Risk))
				}
			}
		}
		slices.Sort(sums) // chunk order must not change the text
		if len(sums) > 0 {
			summaries = append(summaries, ReviewerNote{Reviewer: who, Text: strings.Join(sums, " ")})
		}
	}
	toNotes := func(m map[string]*acc) []Note {
		out := []Note{}
		for _, a := range m {
			out = append(out, Note{Text: a.text, Reviewers: slices.Sorted(maps.Keys(a.by))})
		}
		slices.SortFunc(out, func(x, y Note) int {
			return cmp.Or(cmp.Compare(len(y.Reviewers), len(x.Reviewers)), strings.Compare(x.Text, y.Text))
		})
		return out
	}
	untested = []UntestedNote{}
	for _, a := range un {
		untested = append(untested, UntestedNote{Scenario: a.text, Risk: a.risk, Reviewers: slices.Sorted(maps.Keys(a.by))})
	}
	slices.SortFunc(untested, func(x, y UntestedNote) int {
		return cmp.Or(cmp.Compare(riskRank(y.Risk), riskRank(x.Risk)), cmp.Compare(len(y.Reviewers), len(x.Reviewers)), strings.Compare(x.Scenario, y.Scenario))
	})
	return toNotes(st), toNotes(co), toNotes(do), untested, summaries
}

func foldKey(s string) string { return strings.ToLower(anchor.Normalize(s)) }

// riskOf is a reviewer's risk as the schema spells it ("high", "medium",
// "low"), read in any case and spacing and with control sequences dropped;
// "" (unrated) for none or any other value, which the report says is
// unrated rather than showing a risk the reviewer did not give.
func riskOf(s string) string {
	r := strings.ToLower(strings.TrimSpace(safetext.Sanitize(s)))
	if riskRank(r) == 0 {
		return ""
	}
	return r
}

func riskRank(r string) int {
	switch r {
	case "high":
		return 3
	case "medium":
		return 2
	case "low":
		return 1
	}
	return 0
}

func totals(set *diff.Set, files []diff.File, results []review.RawResult, raw int, r *Report) Totals {
	t := Totals{Files: len(files), Commits: len(set.Commits), RawFindings: raw + len(r.Rejected),
		Findings: len(r.Findings), Rejected: len(r.Rejected), Dismissed: len(r.Dismissed)}
	for _, f := range files {
		t.Added += f.Added
		t.Deleted += f.Deleted
	}
	for _, f := range r.Findings {
		if len(f.Reviewers) > 1 {
			t.Corroborated++
		}
	}
	for _, rv := range r.Reviewers {
		t.PromptTokens += rv.PromptTokens
		t.EvalTokens += rv.EvalTokens
		t.Requests += rv.Requests
		t.CacheHits += rv.CacheHits
	}
	return t
}

// where says where the diff's changes are: its commits, or the work
// tree's or the index's uncommitted changes ("in 0 commits" says nothing).
func (r *Report) where() string {
	switch {
	case r.Totals.Commits > 0:
		return "in " + plural(r.Totals.Commits, "commit", "commits")
	case r.Mode == diff.ModeWorktree:
		return "in the work tree"
	case r.Mode == diff.ModeStaged:
		return "in the index"
	}
	return "in " + plural(r.Totals.Commits, "commit", "commits")
}

// Read is how much of the change some reviewer read in full: its files
// and their lines (none when no reviewer answered). The summary and the
// metrics say it, so that neither counts a file nobody read.
func (r *Report) Read() (files, added, deleted int) {
	if r.Verdict.RestsOn == 0 {
		return 0, 0, 0
	}
	unread := r.Verdict.Unread
	if r.Interrupted {
		// The verdict lists no unread files then; count what was read.
		unread = r.unread()
	}
	t := r.Totals
	files, added, deleted = t.Files-len(unread), t.Added, t.Deleted
	for _, f := range r.Coverage.Files {
		if slices.Contains(unread, f.Path) {
			added, deleted = added-f.Added, deleted-f.Deleted
		}
	}
	return files, added, deleted
}

func (r *Report) summaryText() string {
	v := r.Verdict
	if v.Status == VerdictEmpty {
		if left := r.skippedByRule(); len(left) > 0 {
			return fmt.Sprintf("Nothing was reviewed: the rules left out every changed file (%d, listed under skipped).", len(left))
		}
		return "There was nothing to review: the diff has no reviewable changes."
	}
	t := r.Totals
	var b strings.Builder
	if v.RestsOn == 0 {
		who := fmt.Sprintf("None of the %d reviewers answered", v.Panel)
		if v.Panel == 1 {
			who = "The reviewer did not answer"
		}
		fmt.Fprintf(&b, "The diff has %s (+%d −%d) %s. %s, so there are no findings.",
			plural(t.Files, "file", "files"), t.Added, t.Deleted, r.where(), who)
		return b.String()
	}
	files, added, deleted := r.Read()
	read := plural(files, "file", "files")
	if r.Interrupted {
		read = fmt.Sprintf("%d of %s", files, plural(t.Files, "file", "files"))
	}
	fmt.Fprintf(&b, "%d of %s reviewed %s (+%d −%d) %s",
		r.Readers(), plural(v.Panel, "reviewer", "reviewers"), read, added, deleted, r.where())
	if r.Interrupted {
		b.WriteString(" before the review stopped")
	}
	b.WriteString(".")
	if n := len(v.Unread); n > 0 {
		fmt.Fprintf(&b, " %s no reviewer read: %s.", plural(n, "file", "files"), strings.Join(ShownPaths(v.Unread), ", "))
	}
	c, d := v.Counts, len(r.Dismissed)
	switch {
	case c.Total() == 0 && d > 0:
		// Dismissed findings were raised: say so, so "no findings" never
		// reads as the reviewers finding nothing.
		fmt.Fprintf(&b, " They raised %s, all dismissed (see Dismissed).", plural(d, "finding", "findings"))
	case c.Total() == 0:
		b.WriteString(" They raised no findings.")
	default:
		fmt.Fprintf(&b, " They raised %s (%d critical, %d important, %s)", plural(c.Total(), "finding", "findings"),
			c.Critical, c.Important, plural(c.Suggestion, "suggestion", "suggestions"))
		if d > 0 {
			fmt.Fprintf(&b, " besides %d dismissed", d)
		}
		if t.Corroborated > 0 {
			fmt.Fprintf(&b, "; %d found by more than one reviewer", t.Corroborated)
		}
		b.WriteString(".")
	}
	if t.Rejected > 0 {
		fmt.Fprintf(&b, " %s could not be anchored in the diff and %s rejected.", plural(t.Rejected, "finding", "findings"), map[bool]string{true: "was", false: "were"}[t.Rejected == 1])
	}
	return b.String()
}
