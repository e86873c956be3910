// This file prints a status for people.

package statuscmd

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/ahead"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/safetext"
)

func printText(ios *iostreams.IOStreams, st Status, now time.Time) {
	w := ios.Out
	commits := fmt.Sprintf("%d commit%s", st.Commits, cmdutil.Plural(st.Commits))
	fmt.Fprintf(w, "branch %s at %s; a push to %s sends %s", safetext.OneLine(st.Branch), cmdutil.ShortOID(st.Head), safetext.OneLine(st.Remote), commits)
	if len(st.Ranges) > 0 {
		fmt.Fprintf(w, " (%s)", shortSpans(st.Ranges))
	}
	fmt.Fprintln(w)
	if st.Behind > 0 {
		// The hook never runs then: git refuses the push first.
		fmt.Fprintf(w, "%s on %s has %d commit%s this branch lacks: git refuses the push until you pull %s (or force the push)\n",
			safetext.OneLine(st.Branch), safetext.OneLine(st.Remote), st.Behind, cmdutil.Plural(st.Behind), map[bool]string{true: "it", false: "them"}[st.Behind == 1])
	}
	if st.ConfigNote != "" {
		fmt.Fprintln(w, safetext.OneLine(st.ConfigNote))
	}
	for _, c := range st.BringsBack {
		// Whatever the verdict below says of the push's own commits.
		fmt.Fprintf(w, "a push also brings back %s, which an earlier push was blocked on: the hook reviews its blocked range again, up to the pushed commit\n", cmdutil.ShortOID(c))
	}
	switch st.State {
	case NothingNew:
		if len(st.Unreviewed) > 0 || len(st.BringsBack) > 0 {
			// Not "nothing to review": the remote got some unreviewed, or
			// the push reviews a blocked range again (said above).
			fmt.Fprintln(w, "no new commit to push: the remote has every commit")
			break
		}
		fmt.Fprintln(w, "nothing to review: the remote has every commit")
	case Reviewed:
		by := "the pre-push hook"
		switch st.Trigger {
		case ahead.TriggerAhead:
			by = "a background review"
		case ahead.TriggerPrePush:
		default:
			by = "'quorum review'"
		}
		fmt.Fprintf(w, "reviewed by %s at %s: %s\n", by, localTime(st.At), safetext.OneLine(st.Verdict))
		if st.Together {
			fmt.Fprintln(w, "(in one push with another branch: its verdict and findings are of both branches' commits)")
		}
		if st.DismissedSince > 0 || st.UndismissedSince > 0 {
			// The verdict is the review's; a push applies the ledger now.
			var changed []string
			if st.DismissedSince > 0 {
				changed = append(changed, fmt.Sprintf("%d finding%s dismissed", st.DismissedSince, cmdutil.Plural(st.DismissedSince)))
			}
			if st.UndismissedSince > 0 {
				changed = append(changed, fmt.Sprintf("%d no longer dismissed", st.UndismissedSince))
			}
			fmt.Fprintf(w, "dismissals changed since that review: %s\n", strings.Join(changed, ", "))
		}
		if st.HookBlocking != nil {
			// Judged by another gate, or dismissals changed: say what the
			// hook's gate makes of it now.
			if *st.HookBlocking > 0 {
				fmt.Fprintf(w, "by the pre-push hook's gate (%s) a push blocks on %d finding%s\n", st.HookGate, *st.HookBlocking, cmdutil.Plural(*st.HookBlocking))
			} else {
				fmt.Fprintf(w, "by the pre-push hook's gate (%s) a push passes\n", st.HookGate)
			}
		}
		for _, nd := range st.NotDismissed {
			loc := safetext.OneLine(nd.File)
			if nd.Line > 0 {
				loc = fmt.Sprintf("%s:%d", loc, nd.Line)
			}
			fmt.Fprintf(w, "  %s %s %s: %s\n", safetext.OneLine(nd.ID), safetext.OneLine(nd.Severity), loc, safetext.OneLine(nd.Why))
		}
		fmt.Fprintf(w, "report: %s\n", st.Report)
		switch {
		case len(st.Changed) > 0:
			fmt.Fprintf(w, "the %s changed since: a push asks the models again\n", strings.Join(st.Changed, " and "))
		case st.CacheOff:
			fmt.Fprintln(w, "the answer cache is off (cache: false, QUORUM_CACHE=false, or no cache directory): a push asks the models again")
		case len(st.Unanswered) > 0:
			// A failed chunk is never cached: the push asks it again.
			fmt.Fprintf(w, "a push asks %s again (failed in that review); the other answers are cached\n", safetext.OneLine(strings.Join(st.Unanswered, ", ")))
		case st.Trigger == "":
			// A manual review may have run with --no-cache, which its
			// report does not record.
			fmt.Fprintln(w, "a push asks the models only what that review did not cache")
		case st.Uncached < 0:
			fmt.Fprintln(w, "a push may ask the models again: that review's saved answers cannot be read to check the cache")
		case st.Uncached > 0:
			fmt.Fprintf(w, "a push asks the models again for %d answer%s of that review that the cache no longer holds\n", st.Uncached, cmdutil.Plural(st.Uncached))
		default:
			fmt.Fprintln(w, "a push now asks the models nothing: every answer is cached, for the models as they were (one pulled or re-created since is asked again; the model server must still be running)")
		}
	case InFlight:
		fmt.Fprintf(w, "in flight: a background review (pid %d, since %s, %s so far); 'git push' waits for it\n", st.PID, localTime(st.Since), since(st.Since, now))
	case Queued:
		fmt.Fprintf(w, "queued: a background review of this commit starts in a moment (pid %d, queued at %s); 'git push' waits for it once it starts, or reviews the commits itself if it comes first\n", st.PID, localTime(st.Since))
	case Stale:
		if st.PID != 0 {
			fmt.Fprintf(w, "stale: a background review of older commits (%s) is in flight (pid %d, since %s); the next commit or push cancels it\n", cmdutil.ShortOID(st.StaleHead), st.PID, localTime(st.Since))
		} else {
			msg := fmt.Sprintf("stale: the last background review was of %s", cmdutil.ShortOID(st.StaleHead))
			if st.Verdict != "" {
				msg += " (" + safetext.OneLine(st.Verdict) + ")"
			}
			fmt.Fprintln(w, msg+"; the push reviews what changed since (unchanged chunks come from the cache)")
		}
	default:
		fmt.Fprintln(w, "not reviewed yet: 'git push' will ask the models")
		if st.Last != "" {
			fmt.Fprintf(w, "last background run: %s\n", safetext.OneLine(st.Last))
		}
	}
	printUnreviewed(w, st.Unreviewed)
	if st.VerdictsDamaged != "" {
		fmt.Fprintf(w, "warning: %s: which earlier pushes were blocked is unknown, so a push the hook cannot review whole is refused\nhint: %s\n", st.VerdictsDamaged, st.VerdictsHint)
	}
	if st.UnrelatedTo != "" {
		fmt.Fprintf(w, "%s shares no history with %s (an orphan branch): %s\n", safetext.OneLine(st.Branch), safetext.OneLine(st.UnrelatedTo), orphanReviewHint)
	}
	if !st.Ahead {
		fmt.Fprintln(w, "background reviews are off; 'quorum hook install --ahead' turns them on")
	}
}

// printUnreviewed says which pushes went through unreviewed (the newest
// few), that no push will review their commits, and what does; and, for
// those a review since found blocking findings in, that the remote has
// them, and which report holds them.
func printUnreviewed(w io.Writer, pushes []UnreviewedPush) {
	if len(pushes) == 0 {
		return
	}
	var review []string
	unreviewed, commits := 0, 0 // the pushes still to review, and their commits
	for i, p := range pushes {
		if i == maxUnreviewedShown {
			n := len(pushes) - i
			fmt.Fprintf(w, "and %d earlier %s went through unreviewed ('quorum status --format json' lists every one)\n", n, map[bool]string{true: "push", false: "pushes"}[n == 1])
			break
		}
		msg := fmt.Sprintf("a push at %s went through UNREVIEWED", localTime(p.At))
		if p.Partial {
			msg = fmt.Sprintf("a push at %s went through PARTLY REVIEWED", localTime(p.At))
		}
		if p.Reason != "" {
			msg += " (" + safetext.OneLine(p.Reason) + ")"
		}
		fmt.Fprintf(w, "%s: %d commit%s (%s)\n", msg, p.Commits, cmdutil.Plural(p.Commits), shortSpans(p.Ranges))
		if p.FoundSince > 0 {
			fmt.Fprintf(w, "a review since found %d finding%s at or above the pre-push hook's gate in %s, which the remote now has: 'quorum report show %s'\n",
				p.FoundSince, cmdutil.Plural(p.FoundSince), map[bool]string{true: "it", false: "them"}[p.Commits == 1], strings.Join(p.Reports, "' and 'quorum report show "))
			continue
		}
		if p.NotClearedBy != "" {
			fmt.Fprintf(w, "the review of it saved since does not clear it: %s ('quorum report show %s'; 'quorum doctor' checks the panel)\n", p.NotClearedWhy, p.NotClearedBy)
		}
		unreviewed, commits = unreviewed+1, commits+p.Commits
		for _, span := range p.Ranges {
			review = append(review, "quorum review --commits "+commandSpan(span)+p.agreement)
		}
	}
	if unreviewed == 0 {
		return
	}
	them := "them"
	if commits == 1 {
		them = "it"
	}
	fmt.Fprintf(w, "the remote has %s, so no push will review %s: run '%s' to review %s now\n", them, them, strings.Join(review, "' and '"), them)
}

// commandSpan is span as a command line gives it (cmdutil.CommandSpan).
func commandSpan(span string) string {
	a, b, _ := strings.Cut(span, "..")
	return cmdutil.CommandSpan(a, b, diff.EmptyTree)
}

func localTime(rfc string) string {
	t, err := time.Parse(time.RFC3339, rfc)
	if err != nil {
		return rfc
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

func since(rfc string, now time.Time) string {
	t, err := time.Parse(time.RFC3339, rfc)
	if err != nil {
		return "?"
	}
	return now.Sub(t).Round(time.Second).String()
}

func shortSpans(spans []string) string {
	out := make([]string, len(spans))
	for i, s := range spans {
		a, b, _ := strings.Cut(s, "..")
		if emptyTrees[a] {
			// A range from nothing (a remote that has none of it): no
			// commit to name as its base.
			out[i] = "its whole history up to " + cmdutil.ShortOID(b)
			continue
		}
		out[i] = cmdutil.ShortOID(a) + ".." + cmdutil.ShortOID(b)
	}
	return strings.Join(out, ", ")
}
