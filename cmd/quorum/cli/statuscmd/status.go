// Package statuscmd implements `quorum status`: for the current branch, whether what a push would send is reviewed, being reviewed in the background, or stale.
package statuscmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/ahead"
	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/internal/teamconfig"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/dismiss"
	"github.com/quorum-review/quorum/review/plan"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/run"
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
	State      string   `json:"state"`
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
		if errors.As(err, &de) && (de.Kind == diff.BareRepo || de.Env != "") {
			return exitcode.New(exitcode.Setup, de, errmap.DiffHint(de))
		}
		return exitcode.Setupf("run quorum inside a git work tree, or 'git init' one", "not a git repository")
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
	// An unreadable config changes nothing here; quorum's other commands
	// report it.
	cfg, cfgErr := loadConfig(dir, opts.Getenv)
	if cfgErr == nil && len(plan.Ranges) > 0 {
		// The file the push's hook reviews under (teamconfig.Resolve), so
		// what is judged here is what the push will be.
		if c, note, err := teamconfig.Resolve(ctx, dir, br.Remote, "", []hook.Update{br.Update()}, cfg, opts.Getenv); err == nil {
			cfg, st.ConfigNote = c, note
		}
	}
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
	st.Unreviewed = unreviewedPushes(ctx, verdicts, gitDir, st.Head, func(rep *report.Report, saved string) int {
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

// cacheState says whether caching is off now, and how many answers of the
// review saved in dir are not in the cache now: a push asks for those
// again. A review saved before answers recorded their keys counts none.
func cacheState(cfg *config.Config, dir string, getenv func(string) string) (off bool, uncached int) {
	if !cfg.Cache {
		return true, 0
	}
	raw, err := reportstore.LoadRaw(dir)
	if err != nil {
		return false, -1 // its answers cannot be read: unknown
	}
	cacheDir, err := cache.DefaultDir(getenv)
	if err != nil {
		return true, 0
	}
	c := cache.New(cacheDir)
	keyed, keyless := false, 0
	for _, res := range raw.Results {
		for _, ch := range res.Chunks {
			switch {
			case ch.Answer == nil:
			case ch.CacheKey == "":
				keyless++ // its write failed, or the review predates keys
			case !run.StillCached(c, ch.CacheKey):
				keyed = true
				uncached++
			default:
				keyed = true
			}
		}
	}
	if keyed {
		// A review that keys its answers left these out of the cache.
		uncached += keyless
	}
	return false, uncached
}

// settingsChanged names what the configuration now sets differently from
// the report rep: the context level, the panel (when the config names
// one; a default panel depends on the server's models).
func settingsChanged(cfg *config.Config, rep *report.Report) []string {
	var changed []string
	// "" is the default level; a report made before the option was
	// recorded has no "context" key and is not second-guessed.
	if c, ok := rep.Options["context"]; ok {
		was, err1 := plan.ParseContext(c)
		now, err2 := plan.ParseContext(cfg.Context)
		if err1 == nil && err2 == nil && was != now {
			changed = append(changed, "context")
		}
	}
	if len(cfg.Models) > 0 {
		var want, had []string
		// alpha, alpha:latest and library/alpha are one model, and
		// share the cache.
		for _, m := range cfg.Models {
			want = append(want, review.ModelName(m.Name))
		}
		for _, rv := range rep.Reviewers {
			had = append(had, review.ModelName(rv.Name))
		}
		slices.Sort(want)
		slices.Sort(had)
		if !slices.Equal(want, had) {
			changed = append(changed, "models")
		}
	}
	return changed
}

// judge re-judges a saved report as a push would now: by the pre-push
// hook's gate when the report was judged by another one (its verdict says
// what that gate made of the findings, not what a push will do), and with
// the dismissal ledger as it is now, as the hook applies it: a finding
// dismissed since the review no longer blocks, one whose dismissal was
// taken back (or no longer covers it) does. It sets HookGate and
// HookBlocking when the gates differ or the dismissals changed, and names
// the findings at the place of a dismissal that does not cover them.
func judge(st *Status, cfg *config.Config, rep *report.Report, set *diff.Set, l *dismiss.Ledger) {
	hook := hookPolicy(cfg)
	if hook.FailOn == "" {
		return
	}
	otherPolicy, kept := hookKept(hook, rep, set, l, st)
	otherGate := otherPolicy || hook.FailOn != rep.Policy.FailOn || max(hook.MinAgreement, 1) != max(rep.Policy.MinAgreement, 1)
	if !otherGate && st.DismissedSince == 0 && st.UndismissedSince == 0 {
		return
	}
	n := countBlocking(hook, kept)
	st.HookGate, st.HookBlocking = fmt.Sprintf("fail_on %s, min agreement %d", hook.FailOn, max(hook.MinAgreement, 1)), &n
	if otherPolicy {
		st.HookGate += ", severity policy " + hook.Severity
	}
}

// hookPolicy is the pre-push hook's gate and severity policy (the zero
// Policy when the config's cannot be normalised).
func hookPolicy(cfg *config.Config) report.Policy {
	p, err := report.Policy{Severity: cfg.SeverityPolicy, FailOn: cfg.Hook.FailOn, MinAgreement: cfg.Hook.MinAgreement}.Normalize()
	if err != nil {
		return report.Policy{}
	}
	return p
}

// hookKept are the findings of rep that count at a push now: severities
// decided again by the hook's (hookPolicy) severity policy when the review used another
// (otherPolicy), and the ledger l (nil: none) applied as applyLedger does
// (set is the diff the review saved, which a dismissal's places are read
// from; nil when there is none),
// noting in st what it changed.
func hookKept(hook report.Policy, rep *report.Report, set *diff.Set, l *dismiss.Ledger, st *Status) (otherPolicy bool, kept []report.Finding) {
	if otherPolicy = hook.FailOn != "" && hook.Severity != rep.Policy.Severity; otherPolicy {
		rep = withSeverityPolicy(rep, hook)
	}
	if l == nil {
		return otherPolicy, rep.Findings
	}
	return otherPolicy, applyLedger(st, rep, set, l)
}

func countBlocking(p report.Policy, fs []report.Finding) int {
	n := 0
	for _, f := range fs {
		if p.Blocks(f) {
			n++
		}
	}
	return n
}

// withSeverityPolicy is rep with each finding's severity decided again from
// its reviewers' votes by policy p's severity policy, as a push under p
// would decide it (the dismissal ledger then bounds by that severity).
func withSeverityPolicy(rep *report.Report, p report.Policy) *report.Report {
	r := *rep
	decide := func(fs []report.Finding) []report.Finding {
		out := slices.Clone(fs)
		for i := range out {
			out[i].Severity = p.Decide(slices.Sorted(maps.Values(out[i].Votes)))
		}
		return out
	}
	r.Findings, r.Dismissed = decide(rep.Findings), decide(rep.Dismissed)
	return &r
}

// pushLedger is the ledger a push of set's commits reads
// (pipeline.LoadDismissals): the work tree's, or, where the work tree has
// none, the one those commits carry. l is the work tree's, returned when
// set tells no commits (nil: an unreadable saved diff) or the commits'
// ledger cannot be read.
func pushLedger(set *diff.Set, root, gitDir string, l *dismiss.Ledger) *dismiss.Ledger {
	if set == nil || l == nil {
		return l
	}
	here := *set // read from this work tree, as a push from it would
	here.Root = root
	withCommitted, err := pipeline.LoadDismissals(pipeline.Request{Set: &here, GitDir: gitDir})
	if err != nil {
		return l
	}
	return withCommitted
}

// applyLedger applies the ledger l to the findings of rep, as a review
// would now, and returns those that count. An inline quorum:ignore stays
// as the review found it (it is in the reviewed commits). It counts the
// findings the ledger dismisses since the review and those it no longer
// does, and lists the findings that count although a dismissal is at
// their place (with why it does not cover them).
func applyLedger(st *Status, rep *report.Report, set *diff.Set, l *dismiss.Ledger) []report.Finding {
	stage := dismiss.NewStage(l, set, nil)
	match, whyNot := stage.Dismiss, stage.WhyNot
	var kept []report.Finding
	for _, f := range rep.Findings {
		if _, ok := match(f); ok {
			st.DismissedSince++
			continue
		}
		kept = append(kept, f)
	}
	for _, f := range rep.Dismissed {
		if f.Dismissal != nil && f.Dismissal.Source == dismiss.SourceInline {
			continue
		}
		if _, ok := match(f); !ok {
			st.UndismissedSince++
			kept = append(kept, f)
		}
	}
	for _, f := range kept {
		if why := whyNot(f); why != "" {
			st.NotDismissed = append(st.NotDismissed, NotDismissed{ID: f.ID, Severity: f.Severity, File: f.File, Line: f.Line, Why: why})
		}
	}
	return kept
}

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
func unreviewedPushes(ctx context.Context, v *hook.Verdicts, gitDir, head string, blocking func(rep *report.Report, saved string) int) []UnreviewedPush {
	if v == nil {
		return nil
	}
	pushes := v.UnreviewedIn(ctx, head)
	if len(pushes) == 0 {
		return nil
	}
	complete := completeReports(gitDir)
	var out []UnreviewedPush
	for _, u := range pushes {
		p := UnreviewedPush{Commits: len(u.Commits), Reason: u.Reason, Partial: u.Partial, At: u.Time.Format(time.RFC3339)}
		for _, r := range u.Ranges {
			p.Ranges = append(p.Ranges, r.String())
		}
		for _, span := range p.Ranges {
			p.Review = append(p.Review, "quorum review --commits "+span)
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

// completeReports are the saved reviews (the newest 50, the newest for each
// key) that read all of their ranges with the whole panel: a verdict that is neither
// incomplete nor empty, every reviewer answered every chunk (none failed,
// partial or missing), and no changed file was left out for its size.
func completeReports(gitDir string) map[string]savedReport {
	reports := map[string]savedReport{}
	reportstore.Newest(gitDir, 50, func(e reportstore.Entry, rep *report.Report) bool {
		v := rep.Verdict
		if v.Status != report.VerdictPass && v.Status != report.VerdictFail || v.RestsOn == 0 || v.RestsOn != v.Panel || len(rep.TooLarge()) > 0 {
			return false
		}
		for _, rv := range rep.Reviewers {
			if rv.Status != review.StatusOK {
				return false
			}
		}
		if k := reportKey(rep); k != "" {
			if _, newer := reports[k]; !newer {
				reports[k] = savedReport{id: e.ID, dir: e.Dir, at: rep.GeneratedAt, rep: rep}
			}
		}
		return false // every saved report is read once
	})
	return reports
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

func printText(ios *iostreams.IOStreams, st Status, now time.Time) {
	w := ios.Out
	commits := fmt.Sprintf("%d commit%s", st.Commits, cmdutil.Plural(st.Commits))
	fmt.Fprintf(w, "branch %s at %s; a push to %s sends %s", safetext.OneLine(st.Branch), cmdutil.ShortOID(st.Head), safetext.OneLine(st.Remote), commits)
	if len(st.Ranges) > 0 {
		fmt.Fprintf(w, " (%s)", shortSpans(st.Ranges))
	}
	fmt.Fprintln(w)
	if st.ConfigNote != "" {
		fmt.Fprintln(w, safetext.OneLine(st.ConfigNote))
	}
	for _, c := range st.BringsBack {
		// Whatever the verdict below says of the push's own commits.
		fmt.Fprintf(w, "a push also brings back %s, which an earlier push was blocked on: the hook reviews its blocked range again, up to the pushed commit\n", cmdutil.ShortOID(c))
	}
	switch st.State {
	case NothingNew:
		if len(st.Unreviewed) > 0 {
			// Not "nothing to review": the remote got some unreviewed.
			fmt.Fprintln(w, "nothing to push: the remote has every commit")
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
		unreviewed, commits = unreviewed+1, commits+p.Commits
		for _, span := range p.Ranges {
			review = append(review, "quorum review --commits "+commandSpan(span))
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

// emptyTrees are the empty tree's names in SHA-1 and SHA-256 repositories:
// the base of a range a remote has none of.
var emptyTrees = map[string]bool{
	"4b825dc642cb6eb9a060e54bf8d69288fbee4904":                         true,
	"6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321": true,
}
