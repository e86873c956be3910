// This file keeps the hook's verdicts: blocks remembered and looked up
// when their commits come back, passes, and pushes that went through
// unreviewed.

package hookcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/safetext"
)

// howItGotThere says how a blocked commit the remote has reached it: below
// a later commit whose review passed (which judged that commit's code, not
// this one's), or through a push that skipped the hook.
func howItGotThere(b *hook.Blocked) string {
	if b.Superseded() {
		return "only below a later commit whose review passed (its own code never did)"
	}
	return "only under other refs, pushed without review"
}

// blockedAmong is the latest blocked push holding one of commits, or nil;
// a commit of brought (one the push brings back to a ref, see
// hook.Plan.Brought) counts even when a fix above it passed.
func blockedAmong(v *hook.Verdicts, commits, brought []string) *hook.Blocked {
	if v == nil {
		return nil
	}
	for _, c := range commits {
		if b := v.Lookup(c); b != nil {
			return b
		}
	}
	for _, c := range brought {
		if b := v.LookupAny(c); b != nil {
			return b
		}
	}
	return nil
}

// blockedBefore refuses, under hook.on_unavailable: allow, a push the
// hook could not review whole that brings commits an earlier push was
// blocked on: nothing says those findings are gone, and stopping the
// model server (or slowing a model past hook.timeout) must not be the way
// around the gate, unless each was dismissed since (dismissedSince). fix
// is what makes a whole review possible.
func blockedBefore(ctx context.Context, dir string, verdicts *hook.Verdicts, plan *hook.Plan, reason, fix string) error {
	const next = "; a review that passes (the code fixed, or its findings dismissed) lets the push through; "
	if d := verdicts.Damaged(); d != nil {
		return exitcode.Setupf(fix+"; "+verdicts.DamagedHint()+"; "+skipHint,
			"push blocked: %s, and %s, so whether an earlier push of these commits was blocked is unknown", reason, safetext.OneLine(d.Error()))
	}
	// A block whose findings were all dismissed since is lifted here, as
	// a review would lift it (the ledger applied to its saved answers).
	// Only the blocks this push meets are replayed, each once.
	replayed := map[*hook.Blocked]bool{}
	lifted := func(b *hook.Blocked) bool {
		if v, ok := replayed[b]; ok {
			return v
		}
		replayed[b] = dismissedSince(ctx, dir, b)
		return replayed[b]
	}
	verdicts = verdicts.Without(func(b *hook.Blocked) bool {
		return slices.ContainsFunc(b.Commits, func(c string) bool { return slices.Contains(plan.Commits, c) || slices.Contains(plan.Brought, c) }) && lifted(b)
	})
	if b := blockedAmong(verdicts, plan.Commits, plan.Brought); b != nil {
		report := ""
		if b.Report != "" {
			report = " (report " + safetext.OneLine(b.Report) + ")"
		}
		return exitcode.Setupf(fix+next+skipHint,
			"push blocked: %s, and an earlier push of these commits was blocked on %d finding%s%s", reason, len(b.Findings), cmdutil.Plural(len(b.Findings)), report)
	}
	// The same change under new commits (squashed, rebased, amended):
	// known by the blocked line it adds again.
	for {
		b, f := verdicts.Carried(ctx, dir, plan.Ranges, plan.EmptyTree)
		if f == nil {
			return nil
		}
		if !lifted(b) {
			return exitcode.Setupf(fix+next+skipHint,
				"push blocked: %s, and it adds again the line of %s:%d an earlier push was blocked on (%s %s)",
				reason, safetext.OneLine(f.File), f.Line, safetext.OneLine(f.Severity), safetext.Clip(safetext.OneLine(f.Title), 60))
		}
		verdicts = verdicts.Without(func(x *hook.Blocked) bool { return x == b || x.Time.Equal(b.Time) && x.Report == b.Report })
	}
}

// recordBlock remembers the plan's push as blocked on found's findings,
// with its report: never a commit the remote already had (a restored
// range's), only the commits new to it and those blocked before. It warns
// when the verdict could not be saved, and when the file's bound made it
// forget old blocks.
func recordBlock(w io.Writer, verdicts *hook.Verdicts, plan *hook.Plan, found Outcome, at time.Time) {
	b := &hook.Blocked{Remote: plan.Remote, Ranges: plan.Ranges, Findings: found.Blocking, Report: found.ReportPath, Time: at}
	err := verdicts.Record(plan.Fresh(plan.Commits, verdicts), b)
	warnUnsaved(w, err)
	if err == nil && verdicts.Forgotten > 0 {
		fmt.Fprintf(w, "quorum: warning: the hook keeps %d blocks; it forgot %d (the oldest, those below a passing fix first), whose commits a push now reviews as new\n", hook.MaxBlocked, verdicts.Forgotten)
	}
}

// warnUnsaved says that a verdict could not be saved (err nil: nothing).
func warnUnsaved(w io.Writer, err error) {
	if err != nil {
		fmt.Fprintf(w, "quorum: warning: the hook's verdict was not saved: %s\n", safetext.OneLine(err.Error()))
	}
}

// recordPass forgets earlier blocks of the plan's commits, as a passing
// review does.
func recordPass(w io.Writer, plan *hook.Plan, verdicts *hook.Verdicts) {
	if verdicts == nil {
		return
	}
	warnUnsaved(w, verdicts.RecordPass(plan.Commits, plan.Above()))
}

// rememberUnreviewed records a push let through without a complete review
// (reason says why; partial when part of it was reviewed) for 'quorum
// status': the remote has its commits now, so no later push reviews them,
// and status names the push with the command that reviews them. When it
// cannot be recorded, the hint gives that command here.
func rememberUnreviewed(w io.Writer, opts *RunOptions, plan *hook.Plan, verdicts *hook.Verdicts, reason string, partial bool, minAgreement int) {
	err := errors.New("the hook's saved verdicts could not be read (see the warning above)")
	if verdicts != nil {
		err = verdicts.RecordUnreviewed(hook.Unreviewed{Ranges: plan.Ranges, Commits: plan.Commits, Reason: reason, Partial: partial, Time: opts.Now()})
	}
	if err == nil {
		return
	}
	fmt.Fprintf(w, "quorum: warning: 'quorum status' will not name this push, let through without a complete review: %s\n", safetext.OneLine(err.Error()))
	fmt.Fprintf(w, "hint: to review its commits once pushed, run %s\n", reviewCommands(plan, minAgreement))
}
