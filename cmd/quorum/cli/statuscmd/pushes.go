// This file finds the saved reports and pushes status speaks of: the
// report that covers the branch's unpushed commits, pushes that went
// through unreviewed, and blocked commits a push would bring back.

package statuscmd

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/ahead"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
)

// unreviewedPushes are the pushes the hook let through without a complete
// review whose commits are in head's history and that no complete review
// saved since covers cleanly: not as the one push (a hook review of its
// ranges) nor range by range (the 'quorum review --commits' status
// suggests). A push that such reviews cover but found blocking findings in
// (blocking counts them, by the hook's gate and the ledger now) stays
// listed, with the count and the reports: a background review that ended
// after the push let it through is how a critical finding reaches the
// remote. The partial review the hook saved for such a push never covers
// it. A verdicts file that cannot be read hides nothing else: the hook
// warns about it on every push.
func unreviewedPushes(ctx context.Context, v *hook.Verdicts, gitDir, head string, minAgreement int, blocking func(rep *report.Report, saved string) int) []UnreviewedPush {
	if v == nil {
		return nil
	}
	pushes := v.UnreviewedIn(ctx, head)
	if len(pushes) == 0 {
		return nil
	}
	complete, newest := savedReviews(gitDir, minAgreement)
	var out []UnreviewedPush
	for _, u := range pushes {
		p := UnreviewedPush{Commits: len(u.Commits), Reason: u.Reason, Partial: u.Partial, At: u.Time.Format(time.RFC3339)}
		// A merged base git gc pruned is written again, the same commit,
		// so the command below runs (best effort: it says why if not).
		_ = hook.RestoreBases(ctx, gitDir, u.Ranges)
		for _, r := range u.Ranges {
			p.Ranges = append(p.Ranges, r.String())
		}
		// What clears it is a review as the hook would judge it.
		p.agreement = cmdutil.MinAgreementFlag(minAgreement)
		for _, span := range p.Ranges {
			p.Review = append(p.Review, "quorum review --commits "+span+p.agreement)
		}
		// Reviewed since as the one push, or range by range. A review
		// saved before the push (another panel's quick look, by another
		// name) is not the review the hook could not make.
		since := func(key string) (savedReport, bool) {
			c, ok := complete[key]
			return c, ok && !c.at.Before(u.Time)
		}
		var covering []savedReport
		if c, ok := since(ahead.Key(p.Ranges)); ok {
			covering = []savedReport{c}
		} else {
			for _, span := range p.Ranges {
				c, ok := since(ahead.Key([]string{span}))
				if !ok {
					covering = nil
					break
				}
				covering = append(covering, c)
			}
		}
		if covering == nil {
			if c, ok := newest[ahead.Key(p.Ranges)]; ok && !c.at.Before(u.Time) && len(p.Ranges) > 0 {
				p.NotClearedBy, p.NotClearedWhy = c.id, notWhole(c.rep, minAgreement)
			}
			out = append(out, p)
			continue
		}
		for _, c := range covering {
			if n := blocking(c.rep, c.dir); n > 0 {
				p.FoundSince += n
				p.Reports = append(p.Reports, c.id)
			}
		}
		if p.FoundSince > 0 {
			out = append(out, p)
		}
	}
	return out
}

// savedReport is a saved report, its id, its directory and when it was
// saved.
type savedReport struct {
	id, dir string
	at      time.Time
	rep     *report.Report
}

// coveringReport is the newest saved report of exactly these ranges (from
// the pre-push hook, a background review or a 'quorum review' of the
// same commits), and the report itself.
func coveringReport(gitDir, key string) (reportstore.Entry, *report.Report, bool) {
	return reportstore.NewestWhere(gitDir, 50, func(rep *report.Report) bool {
		return reportKey(rep) == key && rep.Verdict.Status != report.VerdictIncomplete && rep.Verdict.RestsOn > 0
	})
}

// coveringWith is the newest saved report whose ranges hold all of
// ranges and more (a push of this branch with another), and the report.
func coveringWith(gitDir string, ranges []string) (reportstore.Entry, *report.Report, bool) {
	if len(ranges) == 0 {
		return reportstore.Entry{}, nil, false
	}
	return reportstore.NewestWhere(gitDir, 50, func(rep *report.Report) bool {
		if rep.Verdict.Status == report.VerdictIncomplete || rep.Verdict.RestsOn == 0 {
			return false
		}
		have := strings.Fields(rep.Options["ranges"])
		if len(have) <= len(ranges) {
			return false
		}
		for _, r := range ranges {
			if !slices.Contains(have, r) {
				return false
			}
		}
		return true
	})
}

// reportKey is the key of the ranges a saved report reviewed ("" when it
// names none).
func reportKey(rep *report.Report) string {
	ranges := rep.Options["ranges"]
	if ranges == "" {
		ranges = rep.CommitSpan()
	}
	if ranges == "" {
		return ""
	}
	return ahead.Key(strings.Fields(ranges))
}

// savedReviews are the saved reviews (the newest 50), the newest for each
// key: complete holds those that read all of their ranges with the whole
// panel (notWhole says ""), newest the newest whatever they read.
func savedReviews(gitDir string, minAgreement int) (complete, newest map[string]savedReport) {
	complete, newest = map[string]savedReport{}, map[string]savedReport{}
	reportstore.Newest(gitDir, 50, func(e reportstore.Entry, rep *report.Report) bool {
		k := reportKey(rep)
		if k == "" {
			return false
		}
		saved := savedReport{id: e.ID, dir: e.Dir, at: rep.GeneratedAt, rep: rep}
		if _, newer := newest[k]; !newer {
			newest[k] = saved
		}
		if _, newer := complete[k]; !newer && notWhole(rep, minAgreement) == "" {
			complete[k] = saved
		}
		return false // every saved report is read once
	})
	return complete, newest
}

// notWhole says why a saved review does not read all of its ranges with
// the whole panel, as the hook judges a review whole ("" when it does): a
// verdict that is neither incomplete nor empty, every reviewer answered
// every chunk (none failed, partial or missing) and read some of the
// change, every file was read by at least minAgreement of them (the
// hook's: a review at review.min_agreement 1 may pass where the hook's 2
// could not apply), and no changed file was left out for its size.
func notWhole(rep *report.Report, minAgreement int) string {
	var failed []string
	for _, rv := range rep.Reviewers {
		if rv.Status != review.StatusOK {
			failed = append(failed, safetext.OneLine(rv.Name)+" "+rv.Status)
		}
	}
	v := rep.Verdict
	switch {
	case len(failed) > 0:
		return strings.Join(failed, ", ") + " there; every panel model must answer"
	case v.Status != report.VerdictPass && v.Status != report.VerdictFail || v.RestsOn == 0 || v.RestsOn != v.Panel:
		return cmp.Or(safetext.OneLine(v.Text), "its verdict is "+v.Status)
	case len(rep.TooLarge()) > 0:
		return report.FirstFew(report.ShownPaths(rep.TooLarge())) + " over the size limit there"
	case len(rep.NothingAsked()) > 0:
		return safetext.OneLine(strings.Join(rep.NothingAsked(), ", ")) + " read none of it there"
	case len(rep.ReadByFewer(minAgreement)) > 0:
		return fmt.Sprintf("%s read by fewer reviewers than min agreement %d there", report.FirstFew(report.ShownPaths(rep.ReadByFewer(minAgreement))), minAgreement)
	}
	return ""
}

// bringsBack lists the blocked commits a push of the plan brings back to
// its ref, as the hook's re-push rules find them (a ref at one, or new
// work on one); none when the saved verdicts v cannot be read.
func bringsBack(ctx context.Context, dir string, plan *hook.Plan, v *hook.Verdicts) []string {
	if v == nil || v.Damaged() != nil {
		return nil
	}
	var out []string
	for _, sk := range plan.Skipped {
		if sk.OnRemote && v.LookupAny(sk.Head) != nil {
			out = append(out, sk.Head)
		}
	}
	back, err := plan.Returning(ctx, dir, v)
	if err != nil {
		return out
	}
	for _, rb := range back {
		if v.LookupAny(rb.Commit) != nil && !slices.Contains(out, rb.Commit) && !slices.Contains(plan.Commits, rb.Commit) {
			out = append(out, rb.Commit)
		}
	}
	return out
}

// emptyTrees are the empty tree's names in SHA-1 and SHA-256 repositories:
// the base of a range a remote has none of.
var emptyTrees = map[string]bool{
	diff.EmptyTree: true,
	"6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321": true,
}
