package reviewcmd

// review --replay: a saved review consolidated again from its raw answers,
// with no model call.

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/quorum-review/quorum/internal/pipeline"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/dismiss"
	"github.com/quorum-review/quorum/review/report"
)

// replay consolidates a saved review again from its raw answers and the diff
// it was made on, with no model call: the way to try another gate or policy.
func replay(ctx context.Context, opts *ReviewOptions, cfg *config.Config, dopts diff.Options, policy report.Policy) error {
	gitDir, err := diff.GitDir(dirOr(opts.WorkDir))
	if err != nil {
		return err
	}
	dir, err := reportstore.ResolveDir(gitDir, opts.Replay)
	if err != nil {
		return err
	}
	if err := reportstore.Verify(dir); err != nil {
		return err
	}
	// Said once the saved files are read, so a replay that fails on them
	// says only why.
	unchecked := reportstore.Unchecked(dir)
	raw, err := reportstore.LoadRaw(dir)
	if err != nil {
		return err
	}
	if opts.Raw {
		if unchecked != nil {
			warn(opts, "", unchecked)
		}
		if err := emitRaw(opts, raw); err != nil {
			return err
		}
		if raw.Interrupted || !anyAnswered(raw) {
			return incompleteReplay("it stopped before the end, or nobody answered")
		}
		return nil
	}
	saved, savedErr := reportstore.LoadReport(dir)
	set, err := reportstore.LoadDiff(dir)
	if err != nil {
		return err
	}
	if set == nil {
		if set, err = rebuildDiff(ctx, opts, dopts, dir, saved, savedErr); err != nil {
			return err
		}
	}
	if set.Root == "" { // the dismissal ledger is read from the work tree
		set.Root = dismiss.WorkTree(gitDir)
	}
	exactPaths(raw, set)
	if unchecked != nil {
		warn(opts, "", unchecked)
	}
	if err := pipeline.WorkTreeLedgerUnread(ctx, set); err != nil {
		warn(opts, "", err)
	}
	c, err := consolidate(ctx, opts, cfg, set, raw, policy)
	if err != nil {
		return err
	}
	// The replayed report describes the same review: keep its branch and time,
	// so replaying with the same policy reproduces the saved report.
	if savedErr == nil {
		c.Report.Branch, c.Report.GeneratedAt = saved.Branch, saved.GeneratedAt
		c.Report.Ranges = saved.Ranges // a push's ranges, which the diff alone does not name
		c.Report.Options = replayedOptions(saved.Options, c.Report.Options)
	}
	gate := emit(opts, c)
	if err := pipeline.JudgeUnused(c.Report.Grouping, cfg.JudgeAPI()); err != nil {
		// As the review said it, but for the remedy: a replay regroups
		// nothing (--judge has no effect on it), so a review asks again.
		warn(opts, "", exitcode.WithHint(errors.Unwrap(err), "a replay keeps the review's grouping; to change the judge, run 'quorum review' again (with --judge MODEL, or --judge none)"))
	}
	if c.Report.Verdict.Status == report.VerdictIncomplete && len(c.Report.Verdict.Unread) > 0 {
		// An unread file says so first, as the review did (unreadError).
		return incompleteReplay(c.Report.Verdict.Text)
	}
	if err := gateUnmet(c.Report); err != nil {
		return err
	}
	if c.Report.Verdict.Status == report.VerdictIncomplete {
		return incompleteReplay(c.Report.Verdict.Text)
	}
	return gate
}

// incompleteReplay is the exit of a replayed review that stopped early or
// that nobody answered: as when it ran, never a pass, and exit 2 even when
// it tripped the gate.
func incompleteReplay(why string) error {
	return exitcode.New(exitcode.Setup, fmt.Errorf("the replayed review is not a pass: %s", why),
		"a replay shows the saved answers as they were; run 'quorum review' on the same commits for a whole review")
}

// anyAnswered reports whether some reviewer of raw answered.
func anyAnswered(raw *review.Raw) bool {
	return slices.ContainsFunc(raw.Results, review.RawResult.Answered)
}

// rebuildDiff is the diff of a saved review that has no diff.json (saved
// before quorum kept it, or deleted): taken again from git by the commits
// its report.json names, with a warning. Never the current checkout's diff:
// that would replay the answers against other code.
func rebuildDiff(ctx context.Context, opts *ReviewOptions, dopts diff.Options, dir string, saved *report.Report, savedErr error) (*diff.Set, error) {
	hint := "run 'quorum review' again for a review of the current code"
	if savedErr != nil {
		return nil, exitcode.New(exitcode.Setup, fmt.Errorf("%s has neither %s nor a readable %s: its diff is unknown", dir, reportstore.DiffJSON, reportstore.ReportJSON), hint)
	}
	if saved.Mode == diff.ModeStaged || saved.Mode == diff.ModeWorktree {
		return nil, exitcode.New(exitcode.Setup, fmt.Errorf("%s has no %s, and a %s review cannot be taken from git again", dir, reportstore.DiffJSON, saved.Mode),
			fmt.Sprintf("run 'quorum review --%s' again for a review of the current code", saved.Mode))
	}
	span := saved.CommitSpan()
	if span == "" {
		return nil, exitcode.New(exitcode.Setup, fmt.Errorf("%s has no %s, and its report names no commits to take it from", dir, reportstore.DiffJSON), hint)
	}
	if spans := strings.Fields(saved.Options["ranges"]); len(spans) > 1 {
		// A push of several ranges was reviewed as their union: one span
		// from the merge-base would hold other commits.
		return nil, exitcode.New(exitcode.Setup, fmt.Errorf("%s has no %s, and its %d pushed ranges cannot be taken from git again as one", dir, reportstore.DiffJSON, len(spans)), hint)
	}
	rebuilt := diff.Options{Dir: dopts.Dir, Ignore: dopts.Ignore, Commits: span}
	set, err := diff.Load(ctx, rebuilt)
	if err != nil {
		return nil, exitcode.New(exitcode.Setup, fmt.Errorf("%s has no %s, and its commits %s cannot be read: %v", dir, reportstore.DiffJSON, rebuilt.Commits, err), hint)
	}
	fmt.Fprintf(opts.IO.ErrOut, "quorum: warning: %s has no %s; its diff was taken again from git (%s)\n", dir, reportstore.DiffJSON, rebuilt.Commits)
	// The same review: its mode and refs as saved, not those of the span.
	set.Mode, set.Base, set.Head, set.MergeBase = saved.Mode, saved.Base, saved.Head, saved.MergeBase
	return set, nil
}

func dirOr(d string) string {
	if d == "" {
		return "."
	}
	return d
}

// policyOptions are the report options a replay may change: its gate.
var policyOptions = []string{"severity_policy", "fail_on", "min_agreement"}

// replayedOptions are the options of a replayed report: those the review ran
// with (context, panel settings, ranges: what the models were sent), with
// the gate this replay applies.
func replayedOptions(saved, now map[string]string) map[string]string {
	out := maps.Clone(saved)
	if out == nil {
		out = map[string]string{}
	}
	for _, k := range policyOptions {
		if v, ok := now[k]; ok {
			out[k] = v
		}
	}
	return out
}

// exactPaths gives raw's file lists the diff's own names. raw.json spells
// a name that is not UTF-8 as JSON must (each such byte U+FFFD), while the
// saved diff keeps its exact bytes (path_bytes): without this, a replay
// finds no finding's file among those its reviewer was shown.
func exactPaths(raw *review.Raw, set *diff.Set) {
	exact := map[string]string{}
	own := map[string]bool{}
	for _, f := range set.Files {
		own[f.Path] = true
	}
	for _, f := range set.Files {
		if utf8.ValidString(f.Path) {
			continue
		}
		// As encoding/json wrote it in raw.json: each invalid byte its own
		// U+FFFD ([]rune's reading).
		k := string([]rune(f.Path))
		if e, ok := exact[k]; ok && e != f.Path {
			exact[k] = "" // two names that read alike: neither is known
		} else if !ok {
			exact[k] = f.Path
		}
	}
	if len(exact) == 0 {
		return
	}
	fix := func(ps []string) {
		for i, p := range ps {
			if e := exact[p]; e != "" && !own[p] {
				ps[i] = e
			}
		}
	}
	for i := range raw.Results {
		res := &raw.Results[i]
		fix(res.Covered)
		fix(res.NotCovered)
		fix(res.Truncated)
		for j := range res.Chunks {
			fix(res.Chunks[j].Files)
		}
	}
}
