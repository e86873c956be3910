package hookcmd

import (
	"cmp"
	"context"
	"path/filepath"
	"slices"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review/dismiss"
	"github.com/quorum-review/quorum/review/report"
)

// dismissedSince reports whether every finding an earlier push was
// blocked on (b) has been dismissed since: the blocked review's saved
// answers, consolidated again with today's ledger under the gate they were
// blocked by (a replay: no model is asked), list each of them as
// dismissed. It lets `quorum dismiss` lift a block while the models are
// out of reach, as a review would once they are back. Anything it cannot
// read (no saved report, one pruned or changed since, a ledger in error)
// keeps the block: nothing says those findings are gone.
func dismissedSince(ctx context.Context, dir string, b *hook.Blocked) bool {
	if len(b.Findings) == 0 {
		return false
	}
	// A block joined from several reviews (two versions of a file) names
	// each finding's report: each is read again.
	byReport := map[string][]hook.Finding{}
	for _, f := range b.Findings {
		r := cmp.Or(f.Report, b.Report)
		if r == "" {
			return false
		}
		byReport[r] = append(byReport[r], f)
	}
	for r, fs := range byReport {
		if !dismissedIn(ctx, dir, r, fs) {
			return false
		}
	}
	return true
}

// dismissedIn reports whether each of fs, blocking findings of the saved
// review whose report.md is reportPath, is dismissed when that review's
// answers are consolidated again with today's ledger, under its gate.
func dismissedIn(ctx context.Context, dir, reportPath string, fs []hook.Finding) bool {
	saved := filepath.Dir(reportPath)
	if reportstore.Verify(saved) != nil || reportstore.Unchecked(saved) != nil {
		return false
	}
	raw, err := reportstore.LoadRaw(saved)
	if err != nil {
		return false
	}
	was, err := reportstore.LoadReport(saved)
	if err != nil {
		return false
	}
	set, err := reportstore.LoadDiff(saved)
	if err != nil || set == nil {
		return false
	}
	gitDir, err := diff.GitDir(dir)
	if err != nil {
		return false
	}
	if set.Root == "" {
		set.Root = dismiss.WorkTree(gitDir)
	}
	ledger, err := pipeline.LoadDismissals(pipeline.Request{Set: set, GitDir: gitDir})
	if err != nil || ledger == nil {
		return false
	}
	res, err := pipeline.Review(ctx, nil, pipeline.Request{Set: set, Raw: raw, Policy: was.Policy, Dismissals: ledger, Meta: report.Meta{GeneratedAt: was.GeneratedAt}})
	if err != nil || res.Report == nil || res.Report.GateTripped() && res.Report.Verdict.Blocking > 0 {
		return false
	}
	for _, f := range fs {
		if !slices.ContainsFunc(res.Report.Dismissed, func(d report.Finding) bool { return d.ID == f.ID }) {
			return false
		}
	}
	return true
}
