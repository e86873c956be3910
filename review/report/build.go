package report

import (
	"cmp"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/parallel"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/merge"
)

// Meta is what Build cannot learn from the diff or the raw answers.
type Meta struct {
	Branch        string
	ToolVersion   string
	PromptVersion string // defaults to raw.PromptVersion
	// GeneratedAt comes from the caller's clock, so tests pin it.
	GeneratedAt time.Time
	// Options are the settings the review ran with, shown in the header and JSON.
	Options map[string]string
	// Ranges are the ranges the review covers with their refs, when a
	// caller (the hook) knows them: Report.Ranges.
	Ranges []Range
}

// Input is what a report is built from: the diff, the raw answers, and the
// two consolidation stages that ran over them (anchoring, then clustering).
type Input struct {
	Set      *diff.Set
	Raw      *review.Raw
	Anchored anchor.Result
	Clusters []merge.Cluster
	// Grouping says what made Clusters (GroupingOf); zero means the rules.
	Grouping Grouping
	// Rules are the rules' clusters when a judge made Clusters: what the
	// gate and the dismissals hold a judge's grouping to (judged.go), so
	// a judge that groups a critical finding with two suggestions cannot
	// let it through.
	Rules []merge.Cluster
	// Dismiss says whether a finding is dismissed, and why; nil dismisses
	// nothing. It must be a pure function of the finding.
	Dismiss func(Finding) (Dismissal, bool)
	// WhyNot says why a dismissal at a kept finding's place does not cover
	// it ("" for none there); nil says nothing. A pure function too.
	WhyNot func(Finding) string
	// Copies are the lines of a finding's file that hold its code (its
	// fingerprint), in the reviewed diff, its own included; nil counts
	// none. A pure function too.
	Copies func(Finding) []int
}

// Build makes the report from consolidated findings. It neither anchors nor
// merges: the pipeline does, and passes their results in. It is a pure
// function: the same inputs give the same report, whatever the order of
// reviewers or of their findings.
func Build(in Input, policy Policy, meta Meta) (*Report, error) {
	set, raw := in.Set, in.Raw
	if set == nil {
		return nil, errors.New("build report: no diff")
	}
	if raw == nil {
		raw = &review.Raw{}
	}
	policy, err := policy.Normalize()
	if err != nil {
		return nil, err
	}
	r := &Report{
		Schema:        Schema,
		Tool:          "quorum",
		ToolVersion:   meta.ToolVersion,
		PromptVersion: cmp.Or(meta.PromptVersion, raw.PromptVersion),
		GeneratedAt:   meta.GeneratedAt.UTC(),
		Branch:        meta.Branch,
		Mode:          set.Mode,
		Base:          set.Base,
		Head:          set.Head,
		MergeBase:     set.MergeBase,
		Ranges:        slices.Clone(meta.Ranges),
		Policy:        policy,
		Options:       maps.Clone(meta.Options),
		StartedAt:     raw.StartedAt.UTC(),
		WallMS:        raw.Wall.Milliseconds(),
		Interrupted:   raw.Interrupted,
		Rejected:      []anchor.Rejected{},
		Findings:      []Finding{},
		Dismissed:     []Finding{},
		Skipped:       skipped(set),
		Grouping:      in.Grouping,
	}
	if r.Grouping.By == "" {
		r.Grouping.By = GroupedByRules
	}
	r.Grouping.Judge, r.Grouping.JudgeDigest, r.Grouping.Note = safetext.Sanitize(r.Grouping.Judge), safetext.Sanitize(r.Grouping.JudgeDigest), safetext.Sanitize(r.Grouping.Note)
	reviewable := set.Reviewable()
	results := slices.Clone(raw.Results)
	slices.SortStableFunc(results, func(a, b review.RawResult) int { return strings.Compare(a.Reviewer.Name, b.Reviewer.Name) })

	rejectedBy := map[string]int{}
	changed := map[string]bool{}
	for _, f := range set.Files {
		changed[f.Path] = true
	}
	for _, rej := range in.Anchored.Rejected {
		if !changed[rej.File] {
			// The model's own words for a file: sanitised as its other
			// text is. A file of the diff keeps its path, spelled as the
			// findings and coverage spell it.
			rej.File = safetext.Sanitize(rej.File)
		}
		rej.Title, rej.Reason = safetext.Sanitize(rej.Title), safetext.Sanitize(rej.Reason)
		r.Rejected = append(r.Rejected, rej)
		rejectedBy[rej.Reviewer]++
	}
	slices.SortFunc(r.Rejected, func(a, b anchor.Rejected) int {
		return cmp.Or(strings.Compare(a.Reviewer, b.Reviewer), strings.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line), strings.Compare(a.Title, b.Title), strings.Compare(a.Reason, b.Reason))
	})

	// Who saw which file.
	seen, cover := coverage(results, reviewable)
	r.Coverage = cover

	// Score each cluster.
	clusters := in.Clusters
	byPath := map[string]*diff.File{}
	for i := range set.Files {
		byPath[set.Files[i].Path] = &set.Files[i]
	}
	var owed *rulesOwed
	if in.Rules != nil {
		owed = r.owedToRules(in.Rules, byPath, seen, in.Dismiss)
	}
	// Each cluster's finding reads only its cluster and the diff, so they
	// are built over the cores, each into its own slot.
	findings := make([]Finding, len(clusters))
	parallel.For(len(clusters), func(i int) { findings[i] = r.finding(clusters[i], byPath, seen) })
	decisions := make([]judgedDismissal, len(clusters))
	if owed != nil {
		for i, c := range clusters {
			decisions[i] = owed.hold(&findings[i], c, r.Policy)
		}
	}
	sortWith(findings, decisions)
	assignIDs(findings)
	if in.Copies != nil {
		for i := range findings {
			if lines := in.Copies(findings[i]); len(lines) > 1 {
				// The first lines only: 2,500 copies of `return nil, err`
				// made a report of megabytes.
				findings[i].Copies, findings[i].CopyLines = len(lines), lines[:min(len(lines), maxCopyLines)]
			}
		}
	}
	r.Findings, r.Dismissed = dismissed(findings, decisions, in.Dismiss, in.WhyNot)

	r.Reviewers = reviewers(results, clusters, rejectedBy)
	r.Strengths, r.Concerns, r.Docs, r.Untested, r.Summary.Reviewers = narrative(results)

	r.Commits = []Commit{}
	for _, c := range set.Commits {
		r.Commits = append(r.Commits, Commit{SHA: c.SHA, Subject: safetext.Sanitize(c.Subject), Notes: commitNotes(c)})
	}
	r.TODOs = todos(reviewable)
	if r.TODOs == nil {
		r.TODOs = []TODO{}
	}
	r.Checks = checks(reviewable)
	r.Totals = totals(set, reviewable, results, len(in.Anchored.Findings), r)
	r.Verdict = r.verdict(set.Empty())
	r.Summary.Text = r.summaryText()
	return r, nil
}

func skipped(set *diff.Set) []Skipped {
	out := []Skipped{}
	have := map[string]bool{}
	for _, s := range set.Skipped {
		if !have[s.Path] {
			have[s.Path] = true
			out = append(out, Skipped{File: s.Path, Reason: s.Reason})
		}
	}
	for _, f := range set.Files {
		if f.Skip != "" && !have[f.Path] {
			have[f.Path] = true
			out = append(out, Skipped{File: f.Path, Reason: f.Skip})
		}
	}
	slices.SortFunc(out, func(a, b Skipped) int { return strings.Compare(a.File, b.File) })
	return out
}
