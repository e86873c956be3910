// Package statuscmd implements `quorum status`: for the current branch, whether what a push would send is reviewed, being reviewed in the background, or stale.
package statuscmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/ahead"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/gitexec"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/internal/teamconfig"
	"github.com/quorum-review/quorum/review/dismiss"
	"github.com/quorum-review/quorum/review/report"
)

// States of the branch's review.
const (
	Reviewed    = "reviewed"     // a saved report covers exactly what a push would send
	InFlight    = "in-flight"    // a background review of it is running
	Stale       = "stale"        // the last review was of other (older) commits
	NotReviewed = "not-reviewed" // nothing covers it
	Queued      = "queued"       // a background review of it waits out its debounce
	NothingNew  = "nothing-to-push"
)

// StatusOptions are the parsed flags of `quorum status`.
type StatusOptions struct {
	IO      *iostreams.IOStreams
	Context context.Context
	Dir     string
	Now     func() time.Time
	Format  string
	Getenv  func(string) string
}

// NewCmdStatus builds `quorum status`.
func NewCmdStatus(f *cmdutil.Factory, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{IO: f.IOStreams, Getenv: f.Getenv}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show whether the current branch's next push is reviewed, being reviewed, or stale",
		Long: `Show, for the current branch, what a plain 'git push' would send and where its
review stands: reviewed (with the verdict and the report), in flight (a
background review started by the post-commit hook: its pid and since when),
queued (just committed: that review waits out its short debounce), stale
(the last review was of older commits), or not reviewed.

It also names the pushes the pre-push hook let through (hook.on_unavailable:
allow) without a complete review (not reviewed at all, or partly: a
timeout, a failed or missing reviewer, a file no reviewer read) whose
commits no complete review saved since covers: the remote has those
commits, so no later push reviews them; it gives the 'quorum review
--commits' that does.

Background reviews are turned on with 'quorum hook install --ahead'.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Context, opts.Dir, opts.Now = cmd.Context(), f.WorkDir, f.Now
			if opts.Format != "text" && opts.Format != "json" {
				return exitcode.Setupf("use --format text or --format json", "unknown format %q", opts.Format)
			}
			if runF != nil {
				return runF(opts)
			}
			return statusRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "text", "output format: text or json")
	return cmd
}

// Status is `quorum status --format json`.
type Status struct {
	// ConfigNote says the push is reviewed under another .quorum.yaml
	// than the work tree's (teamconfig.Resolve), and why.
	ConfigNote string   `json:"config_note,omitempty"`
	Branch     string   `json:"branch"`
	Head       string   `json:"head"`
	Remote     string   `json:"remote,omitempty"`
	Ranges     []string `json:"ranges,omitempty"`
	Commits    int      `json:"commits"`
	// Behind counts the commits the remote's branch has that this one
	// lacks: git refuses the push (not a fast-forward) until they are
	// pulled, or the push forces.
	Behind int    `json:"behind,omitempty"`
	State  string `json:"state"`
	// Ahead is whether the post-commit hook is installed.
	Ahead bool `json:"ahead"`
	// Reviewed: the report covering these commits.
	Verdict string `json:"verdict,omitempty"`
	Trigger string `json:"trigger,omitempty"`
	Report  string `json:"report,omitempty"`
	At      string `json:"at,omitempty"`
	// Together: that review read these ranges with another branch's, in
	// one push of both; its verdict and findings are of both.
	Together bool `json:"with_other_ranges,omitempty"`
	// HookGate and HookBlocking: when that review was judged by another
	// gate than the pre-push hook's (a 'quorum review --fail-on none', say),
	// the hook's gate and how many of its findings that gate blocks on.
	// They are set, too, when the dismissal ledger changed since that
	// review (DismissedSince, UndismissedSince): the count is then with
	// the dismissals as they are now, as a push applies them.
	HookGate     string `json:"hook_gate,omitempty"`
	HookBlocking *int   `json:"hook_blocking,omitempty"`
	// DismissedSince counts the findings of that review that the ledger
	// dismisses now ('quorum dismiss' since), UndismissedSince those it
	// dismissed that the ledger no longer does ('quorum undismiss').
	DismissedSince   int `json:"dismissed_since,omitempty"`
	UndismissedSince int `json:"undismissed_since,omitempty"`
	// NotDismissed are findings that count although a dismissal is at
	// their place: more severe than what was dismissed there, or another
	// kind of issue.
	NotDismissed []NotDismissed `json:"not_dismissed,omitempty"`
	// BringsBack are commits an earlier push was blocked on that this push
	// brings back to its ref (a new branch on one, the fix above one
	// dropped): the hook reviews their blocked range again, up to the
	// pushed commit, beside the push's own range.
	BringsBack []string `json:"brings_back,omitempty"`
	// InFlight: the background run.
	PID   int    `json:"pid,omitempty"`
	Since string `json:"since,omitempty"`
	// Stale: what the last background review was of.
	StaleHead string `json:"stale_head,omitempty"`
	// Last is the last background run's outcome when it did not review
	// these commits (unavailable, failed, cancelled).
	Last string `json:"last,omitempty"`
	// Changed names the settings that differ between the covering report
	// and the configuration now (context, models): a push then asks the
	// models again instead of finding every answer cached.
	Changed []string `json:"changed,omitempty"`
	// Unanswered names the reviewers that failed (a chunk or all) in the
	// covering report: their failed chunks were not cached, so a push asks
	// them again.
	Unanswered []string `json:"unanswered,omitempty"`
	// CacheOff: caching is off now (cache: false, QUORUM_CACHE=false), so
	// a push asks the models again. Uncached counts the covering review's
	// answers that are not in the cache now (removed, or never written);
	// -1 when its saved answers cannot be read.
	CacheOff bool `json:"cache_off,omitempty"`
	Uncached int  `json:"uncached,omitempty"`
	// UnrelatedTo is the default base when the branch shares no history
	// with it (an orphan branch): a plain 'quorum review' cannot review it.
	UnrelatedTo string `json:"unrelated_to,omitempty"`
	// Unreviewed are earlier pushes of this branch's commits that the
	// pre-push hook let through without a complete review
	// (hook.on_unavailable: allow), newest first, that no complete review
	// saved since covers. The remote has those commits, so no push
	// reviews them again.
	Unreviewed []UnreviewedPush `json:"unreviewed,omitempty"`
	// VerdictsDamaged says the hook's saved verdicts cannot be read (which
	// pushes were blocked is unknown), with what to do (VerdictsHint).
	VerdictsDamaged string `json:"verdicts_damaged,omitempty"`
	VerdictsHint    string `json:"verdicts_hint,omitempty"`
}

// NotDismissed is a finding a dismissal at its place does not cover, and why.
type NotDismissed struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`
	// Why is "not dismissed: critical, the dismissal covered suggestion",
	// or of another kind of issue.
	Why string `json:"why"`
}

// UnreviewedPush is a push that went through unreviewed, or (Partial)
// only partly reviewed.
type UnreviewedPush struct {
	Ranges  []string `json:"ranges"`
	Commits int      `json:"commits"`
	Reason  string   `json:"reason,omitempty"`
	Partial bool     `json:"partial,omitempty"`
	At      string   `json:"at"`
	// Review are the commands that review its commits now, one per range.
	Review []string `json:"review"`
	// FoundSince counts the findings at or above the pre-push hook's gate
	// that a complete review saved after the push found in its commits
	// (with the dismissal ledger as it is now): code the remote already
	// has. Reports are those reviews' ids, for 'quorum report show'.
	FoundSince int      `json:"found_since,omitempty"`
	Reports    []string `json:"reports,omitempty"`
	// NotClearedBy is the newest review of its commits saved since that
	// does not clear it (a reviewer failed there, or too few read a
	// file), and NotClearedWhy says why: the hint to run it again alone
	// would be followed by the same result.
	NotClearedBy  string `json:"not_cleared_by,omitempty"`
	NotClearedWhy string `json:"not_cleared_why,omitempty"`
	// agreement is the --min-agreement the Review commands carry.
	agreement string
}

// maxUnreviewedShown bounds the unreviewed pushes status prints.
const maxUnreviewedShown = 3

// orphanReviewHint is what to run on a branch that shares no history with
// the default base.
const orphanReviewHint = "review it against a related commit with 'quorum review --base REV', or all of it with 'quorum review --commits " + diff.EmptyTree + "..HEAD'"

func statusRun(opts *StatusOptions) error {
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	now := opts.Now
	dir := opts.Dir
	if dir == "" {
		d, err := os.Getwd()
		if err != nil {
			return fmt.Errorf("working directory: %w", err)
		}
		dir = d
	}
	root, gitDir, err := diff.Locate(dir)
	if err != nil {
		var de *diff.Error
		if errors.As(err, &de) {
			return exitcode.New(exitcode.Setup, de, errmap.DiffHint(de))
		}
		return exitcode.New(exitcode.Setup, err, errmap.NotRepoHint)
	}
	// During a rebase (or a merge, a bisect…) HEAD is not the branch you
	// would push yet; say so instead of advising a branch switch.
	if op := ahead.InProgress(gitDir); op != "" {
		return exitcode.Setupf("finish it first ('git status' says how to continue or abort), then run 'quorum status' again", "%s is in progress", op)
	}
	// What `quorum review` would find: an orphan branch (no commit yet, or
	// no history shared with the base) needs telling apart, and so does a
	// repository with no commits (CheckHead has resolved HEAD already).
	head, _ := diff.CheckHead(dir)
	unrelated := errors.Is(head.Err, &diff.Error{Kind: diff.Unrelated})
	if errors.Is(head.Err, &diff.Error{Kind: diff.NoCommits}) {
		if head.Orphan {
			return exitcode.Setupf("commit on it first ('git commit'); 'quorum review --staged' reviews what is staged", "branch %s has no commits yet (an orphan branch)", safetext.OneLine(head.Branch))
		}
		return exitcode.Setupf("commit first; quorum status is about the commits you would push", "the repository has no commits yet")
	}
	plan, br, err := hook.PlanBranch(ctx, dir)
	var unknownRemote *hook.UnknownRemoteError
	switch {
	case errors.Is(err, hook.ErrDetached):
		return exitcode.Setupf("check out a branch ('git switch NAME'); quorum status is about the branch you would push", "HEAD is detached (on no branch)")
	case errors.Is(err, hook.ErrNoRemote) && unrelated:
		return exitcode.Setupf(orphanReviewHint, "%s has no remote to push to and shares no history with %s (an orphan branch)", strings.TrimPrefix(br.Ref, "refs/heads/"), safetext.OneLine(head.Base))
	case errors.As(err, &unknownRemote):
		hint := fmt.Sprintf("add it ('git remote add %s URL') or set %s to a remote 'git remote' lists", unknownRemote.Remote, unknownRemote.Key)
		if unknownRemote.Remote == "." {
			hint = fmt.Sprintf("set %s to a remote 'git remote' lists, or unset it ('git config --unset %s')", unknownRemote.Key, unknownRemote.Key)
		}
		return exitcode.Setupf(hint,
			"%s pushes to nowhere: %s", strings.TrimPrefix(br.Ref, "refs/heads/"), safetext.OneLine(unknownRemote.Error()))
	case errors.Is(err, hook.ErrNoRemote):
		return exitcode.Setupf("add one ('git remote add origin URL') or set branch.<name>.pushRemote; 'quorum review' reviews against the base without one", "%s has no remote to push to", strings.TrimPrefix(br.Ref, "refs/heads/"))
	case err != nil:
		return exitcode.New(exitcode.Setup, err, "check the repository with 'git status'")
	}
	st := Status{Branch: strings.TrimPrefix(br.Ref, "refs/heads/"), Head: br.Head, Remote: br.Remote, Ranges: plan.Spans(), Commits: len(plan.Commits), Ahead: hook.AheadInstalled(ctx, dir)}
	if unrelated {
		st.UnrelatedTo = head.Base
	}
	st.Behind = behind(ctx, dir, br)
	// The hook's saved verdicts, read once: nil when they cannot be read.
	verdicts, _ := hook.LoadVerdicts(ctx, dir)
	if d := verdicts.Damaged(); d != nil {
		// A push says so too, and refuses what it cannot review whole:
		// say it before the push does.
		st.VerdictsDamaged, st.VerdictsHint = safetext.OneLine(d.Error()), safetext.OneLine(verdicts.DamagedHint())
	}
	if br.RemoteOID != br.Head {
		// A remote already at the branch's commit is no push at all:
		// git says "Everything up-to-date" and runs no hook.
		st.BringsBack = bringsBack(ctx, dir, plan, verdicts)
	}
	// A push reads the dismissal ledger before anything else: one it
	// cannot read stops it (exit 2), and so it stops status, which would
	// otherwise predict a push that cannot happen.
	var ledger *dismiss.Ledger
	if len(plan.Ranges) > 0 {
		if ledger, err = dismiss.Load(root, gitDir); err != nil {
			return exitcode.WithHint(err, dismiss.Hint(root, err))
		}
	}
	cfg, cfgErr := loadConfig(dir, opts.Getenv)
	switch {
	case cfgErr == nil && len(plan.Ranges) > 0:
		// The file the push's hook reviews under (teamconfig.Resolve), so
		// what is judged here is what the push will be.
		if c, note, err := teamconfig.Resolve(ctx, dir, br.Remote, "", []hook.Update{br.Update()}, cfg, opts.Getenv); err == nil {
			cfg, st.ConfigNote = c, note
		}
	case cfgErr != nil && len(plan.Ranges) > 0:
		// A push that would be reviewed under a configuration that does
		// not load stops on it (exit 2), as the hook does; one reviewed
		// under the remote's file goes on without the work tree's.
		c, note, ok := teamconfig.Instead(ctx, dir, br.Remote, "", []hook.Update{br.Update()}, opts.Getenv)
		if !ok {
			return cfgErr
		}
		cfg, cfgErr, st.ConfigNote = c, nil, note
	}
	// Otherwise an unreadable config changes nothing here (nothing to
	// push): quorum's other commands report it.
	key := ahead.Key(st.Ranges)
	last, _ := ahead.ReadState(gitDir)
	owner, _ := ahead.Held(gitDir)
	switch {
	case len(plan.Ranges) == 0:
		st.State = NothingNew
	case owner != nil && owner.Trigger == ahead.TriggerAhead && owner.Key == key:
		st.State, st.PID, st.Since = InFlight, owner.PID, owner.Since.Format(time.RFC3339)
	default:
		e, rep, ok := coveringReport(gitDir, key)
		if !ok {
			// A push of this branch with another reviews their ranges as
			// one: that review read these commits too.
			e, rep, ok = coveringWith(gitDir, st.Ranges)
			st.Together = ok
		}
		if ok {
			st.State, st.Verdict, st.Trigger, st.Report, st.At = Reviewed, e.Verdict, rep.Options["trigger"], filepath.Join(e.Dir, reportstore.ReportMD), e.Time.Format(time.RFC3339)
			if cfgErr == nil {
				st.Changed = settingsChanged(cfg, rep)
				// The diff it saved tells a dismissal's places (nil: none).
				set, _ := reportstore.LoadDiff(e.Dir)
				judge(&st, cfg, rep, set, pushLedger(set, root, gitDir, ledger))
			}
			for _, rv := range rep.Reviewers {
				if !rv.Answered() || rv.FailedChunks > 0 {
					st.Unanswered = append(st.Unanswered, rv.Name)
				}
			}
			if cfgErr == nil {
				st.CacheOff, st.Uncached = cacheState(cfg, e.Dir, opts.Getenv)
			}
			break
		}
		st.State = NotReviewed
		if owner != nil && owner.Trigger == ahead.TriggerAhead {
			st.State, st.PID, st.Since, st.StaleHead = Stale, owner.PID, owner.Since.Format(time.RFC3339), owner.Head
		} else if last != nil && last.Branch == br.Ref && last.Key != key && last.Head != "" {
			st.State, st.StaleHead, st.Verdict = Stale, last.Head, last.Verdict
		}
	}
	if q := ahead.ReadQueued(gitDir); (st.State == NotReviewed || st.State == Stale) && q != nil && q.Head == br.Head && q.Pending(now()) {
		// Just committed: the post-commit hook's run has not taken the
		// lock yet. It reviews exactly what a push would, or gives way to
		// a newer commit.
		st.State, st.PID, st.Since, st.StaleHead, st.Verdict = Queued, q.PID, q.Since.Format(time.RFC3339), "", ""
	}
	if last != nil && last.Key == key && st.State == NotReviewed && last.Status != ahead.StatusDone {
		st.Last = last.Status
		if last.Status == ahead.StatusRunning && (owner == nil || owner.Trigger != ahead.TriggerAhead) {
			st.Last = "killed before it finished" // nobody holds the lock: the run died
		}
		if last.Reason != "" {
			st.Last += ": " + last.Reason
		}
	}
	need := config.Default().Hook.MinAgreement
	if cfgErr == nil {
		need = cfg.Hook.MinAgreement
	}
	st.Unreviewed = unreviewedPushes(ctx, verdicts, gitDir, st.Head, need, func(rep *report.Report, saved string) int {
		if cfgErr != nil {
			return countBlocking(rep.Policy, rep.Findings) // as the review judged them
		}
		if ledger == nil {
			// Read only when a saved review covers an unreviewed push; a
			// bad ledger stops a push, and status says so when one is due.
			ledger, _ = dismiss.Load(root, gitDir)
		}
		hook := hookPolicy(cfg)
		// The diff it saved tells a dismissal's places (nil: none, and a
		// finding of several places then counts).
		set, _ := reportstore.LoadDiff(saved)
		_, kept := hookKept(hook, rep, set, pushLedger(set, root, gitDir, ledger), &Status{})
		return countBlocking(hook, kept)
	})
	if opts.Format == "json" {
		b, err := json.MarshalIndent(st, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(opts.IO.Out, "%s\n", b)
		return err
	}
	printText(opts.IO, st, now())
	return nil
}

func loadConfig(workDir string, getenv func(string) string) (*config.Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	return config.Load(workDir, getenv)
}

// behind counts the commits the remote's branch (as last fetched: the
// push's old commit) has that the branch lacks; 0 for a new branch, or
// when git cannot tell.
func behind(ctx context.Context, dir string, br hook.Branch) int {
	if br.RemoteOID == "" || strings.Trim(br.RemoteOID, "0") == "" {
		return 0
	}
	out, err := (*gitexec.Git)(nil).In(dir).Output(ctx, "rev-list", "--count", br.Head+".."+br.RemoteOID)
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	return n
}
