package hookcmd

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/gitexec"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/internal/teamconfig"
	"github.com/quorum-review/quorum/review/report"
)

// ReviewRequest is one push's review: every range it introduces (one review
// over their union), the effective configuration and the hook's gate.
type ReviewRequest struct {
	Dir    string
	Remote string
	URL    string
	// Ranges are exact Base..Head spans (Base may be the empty tree); most
	// pushes have one. Ranges never contain one another.
	Ranges []hook.Range
	// Commits is "Base..Head" when there is exactly one range, for diff.Options.Commits.
	Commits string
	// EmptyTree is the empty tree's object name in this repository.
	EmptyTree string
	Config    *config.Config
	// Gate is hook.fail_on and hook.min_agreement.
	Gate config.Gate
	// Timeout is hook.timeout; the context carries the same deadline. When it
	// expires the reviewer reports and gates what finished (Outcome.Partial).
	Timeout time.Duration
	// Trigger is recorded in the report: "" (the pre-push hook) or
	// ahead.TriggerAhead, a background review, whose report is marked so.
	Trigger string
}

// Outcome is what the hook needs from a review.
type Outcome struct {
	// Blocked is true when the gate tripped.
	Blocked bool
	// Blocking are the findings at or above the gate.
	Blocking []hook.Finding
	// Below counts the other findings by severity (one line under the
	// blocking ones).
	Below map[string]int
	// Dismissed counts the findings a dismissal kept out of the gate.
	Dismissed int
	// ReportPath is where the full report was saved; "" when it was not,
	// and SaveErr says why.
	ReportPath string
	// Reports are every saved report of a push made as several reviews
	// (two versions of a file), in review order; empty for one review.
	Reports []string
	SaveErr string
	// Verdict is the report's one-line verdict.
	Verdict string
	// Unavailable is set when Ollama is down or a panel model is missing;
	// Reason says which.
	Unavailable bool
	Reason      string
	// TimedOut: hook.timeout expired, before any answer (with Unavailable)
	// or after some (with Partial).
	TimedOut bool
	// Unread: a changed file no reviewer read in full (with Partial);
	// UnreadCut: one of them did not fit a reviewer's context (else the
	// server failed its chunks or never got to them).
	Unread, UnreadCut bool
	// TooLarge: a changed file over the size limit, skipped, so that no
	// reviewer read it (with Partial, or NothingReviewed).
	TooLarge bool
	// Unfinished: a later review of the push (another version of a file)
	// could not be made after an earlier one read something; Fix says
	// what to do (with Partial).
	Unfinished bool
	// SelfExempt are the changed files skipped by an attribute that may
	// not be the remote's: of a .gitattributes the push changes, or one
	// the work tree holds uncommitted (with Partial).
	SelfExempt []string
	// NothingReviewed: every changed file was skipped (Skipped says which
	// and why), or none changed; no model was asked.
	NothingReviewed bool
	// Skipped are the changed files left out of the review, with the reason.
	Skipped []diff.Skipped
	// Fix is what to run about an unavailable server or model ("ollama
	// pull NAME"); "" for the generic advice.
	Fix string
	// Partial describes missing coverage (timeout, failed reviewers); "" when complete.
	Partial string
	// Missing are panel models not installed in Ollama while the others
	// reviewed: the report at ReportPath rests on Reviewed of Panel models.
	// hook.on_unavailable decides whether that lets the push through.
	Missing         []string
	Reviewed, Panel int
	// Typos is "did you mean" for Missing models a typo away from an
	// installed one (cmdutil.MissingTypos), "" when none is.
	Typos string
	// Warning is what the finished review could not keep (its answers in
	// the cache), and WarningHint what to do; "" when nothing was lost.
	Warning, WarningHint string
}

// Reviewer runs a review for the hook. The review command's pipeline
// satisfies it (review_adapter.go); tests script it.
type Reviewer interface {
	Review(ctx context.Context, req ReviewRequest) (Outcome, error)
}

// RunOptions are the parsed arguments of `quorum hook run`.
type RunOptions struct {
	IO      *iostreams.IOStreams
	Context context.Context
	Dir     string
	Getenv  func(string) string
	Now     func() time.Time
	Remote  string
	URL     string
	// Reviewer reviews the push; nil is the real review pipeline. Tests
	// set a scripted one (through NewCmdRun's runF and RunPush).
	Reviewer Reviewer
}

// NewCmdRun builds `quorum hook run [REMOTE [URL]]`, what the pre-push script calls.
func NewCmdRun(f *cmdutil.Factory, runF func(*RunOptions) error) *cobra.Command {
	opts := &RunOptions{IO: f.IOStreams}
	getenv := f.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	cmd := &cobra.Command{
		Use:   "run [REMOTE [URL]]",
		Short: "Review the commits of a push (called by the pre-push hook)",
		Long: `Review the commits a push introduces. git runs this through the pre-push
hook with the remote's name and URL as arguments and one line per pushed ref
on stdin: "<local ref> <local oid> <remote ref> <remote oid>". Run by
pre-commit (no arguments), it reads the push from PRE_COMMIT_FROM_REF,
PRE_COMMIT_TO_REF and PRE_COMMIT_REMOTE_NAME instead.

Exit status: 0 lets the push go on; 1 blocks it (findings at or above
hook.fail_on, found by at least hook.min_agreement reviewers); 2 blocks it
on a setup problem (bad config, or Ollama unavailable with
hook.on_unavailable: block). It never prompts.

QUORUM_SKIP=1 skips the review.`,
		Args: func(cmd *cobra.Command, args []string) error {
			const hint = "git runs it as 'quorum hook run REMOTE URL' from the pre-push hook; pre-commit runs it with no arguments and sets PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF"
			if len(args) > 2 {
				return exitcode.Setupf(hint, "hook run takes REMOTE and URL, got %d arguments", len(args))
			}
			if len(args) == 0 && (getenv("PRE_COMMIT_TO_REF") == "" || getenv("PRE_COMMIT_FROM_REF") == "") {
				return exitcode.Setupf(hint, "hook run takes REMOTE and URL, got no arguments and no PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			config.WarnUnknownEnv(f.IOStreams.ErrOut, f.Environ, getenv, "hook")
			opts.Context = cmd.Context()
			opts.Dir = f.WorkDir
			opts.Getenv = getenv
			opts.Now = f.Now
			switch len(args) {
			case 0: // pre-commit
				opts.Remote, opts.URL = getenv("PRE_COMMIT_REMOTE_NAME"), getenv("PRE_COMMIT_REMOTE_URL")
			case 1:
				opts.Remote, opts.URL = args[0], args[0]
			default:
				opts.Remote, opts.URL = args[0], args[1]
			}
			if runF != nil {
				return runF(opts)
			}
			return RunPush(opts)
		},
	}
	return cmd
}

// sendsNothing is the plan of a push whose configuration does not load,
// when it has nothing a review would read (nil otherwise): every update a
// deletion, of commits the remote has or of a tree, and no earlier block
// recorded that one of them could bring back. Such a push is let through
// as it would be with a configuration that loads; any other is refused
// for it.
func sendsNothing(ctx context.Context, dir, remote, url string, updates []hook.Update) *hook.Plan {
	plan, err := hook.PlanPush(ctx, dir, updates, hook.PlanOptions{Remote: remote, URL: url, Tags: true})
	if err != nil || len(plan.Ranges) > 0 {
		return nil
	}
	if v, err := hook.LoadVerdicts(ctx, dir); err != nil || v.Damaged() != nil || len(v.Blocked) > 0 {
		return nil
	}
	return plan
}

const skipHint = "to push without review: the push again with QUORUM_SKIP=1 in front (or with --no-verify)"

// RunPush reviews the push described on opts.IO.In (or by pre-commit's
// variables) and gates it. NewCmdRun calls it; tests call it from runF
// after setting a scripted Reviewer.
func RunPush(opts *RunOptions) error {
	ctx := ctxOf(opts.Context)
	opts.Now = clockOf(opts.Now)
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	errOut := opts.IO.ErrOut
	// Read all of stdin first, so git never sees a broken pipe, also when skipping.
	input, err := io.ReadAll(io.LimitReader(opts.IO.In, 16<<20))
	if err != nil {
		return exitcode.New(exitcode.Internal, fmt.Errorf("reading the pre-push input: %w", err), skipHint)
	}
	if skipped(getenv) {
		fmt.Fprintln(errOut, "quorum: QUORUM_SKIP is set; push not reviewed")
		return nil
	}
	dir, err := workDir(opts.Dir)
	if err != nil {
		return err
	}
	// A bare repository (a mirror pushing on, a shared core.hooksPath) has
	// no work tree whose pushes the gate is for: say so, never block.
	if de := diff.BareRepoAt(dir); de != nil {
		fmt.Fprintf(errOut, "quorum: %s is a bare repository; push not reviewed (the hook reviews pushes from a work tree)\n", de.Dir)
		return nil
	}
	updates, err := hook.ParsePushLines(strings.NewReader(string(input)))
	if err != nil {
		return exitcode.New(exitcode.Setup, err, "run 'quorum hook run' only from the pre-push hook; "+skipHint)
	}
	remote := opts.Remote
	targetKnown := true // whether the skip line can name the refs pushed to
	if len(updates) == 0 {
		// pre-commit runs pre-push hooks without git's stdin and describes
		// the push in PRE_COMMIT_* variables instead.
		u, r, ok, err := preCommitUpdate(ctx, dir, getenv)
		if err != nil {
			return err
		}
		if ok {
			updates, remote = []hook.Update{u}, r
			targetKnown = getenv("PRE_COMMIT_REMOTE_BRANCH") != ""
		}
	}
	// The skip line a blocked push prints names the refs pushed to (and
	// is a placeholder when pre-commit did not say which: skipCommand).
	skipTo := remote
	if !targetKnown {
		skipTo = ""
	}
	if len(updates) == 0 {
		// Nothing pushed ("Everything up-to-date"): nothing to review, and
		// nothing to say, not even about a configuration that does not
		// load (the next push that sends something will).
		return nil
	}
	cfg, err := config.Load(dir, getenv)
	if err != nil {
		if plan := sendsNothing(ctx, dir, remote, opts.URL, updates); plan != nil {
			// A deletion, or commits the remote has: nothing to review,
			// and only what is said of any such push (a ref of a tree).
			skipNotes(errOut, plan.Skipped)
			return nil
		}
		// The work tree's file may not be the one this push is reviewed
		// under: a push carrying a file other than the remote's default
		// branch's is reviewed under that branch's (teamconfig).
		team, note, ok := teamconfig.Instead(ctx, dir, remote, opts.URL, updates, getenv)
		if !ok {
			return err
		}
		fmt.Fprintf(errOut, "quorum: warning: %s; it is not what this push is reviewed under\n", safetext.OneLine(err.Error()))
		fmt.Fprintln(errOut, "quorum: "+note)
		cfg = team
	} else if cfg, err = teamConfig(ctx, errOut, dir, remote, opts.URL, updates, cfg, getenv); err != nil {
		return exitcode.New(exitcode.Setup, fmt.Errorf("reading the remote's %s: %w", config.RepoFileName, err), skipHint)
	}
	plan, err := hook.PlanPush(ctx, dir, updates, hook.PlanOptions{Remote: remote, URL: opts.URL, Tags: cfg.Hook.Tags})
	if err != nil {
		return planErr(err)
	}
	// A ref of a tree or a blob (git tag t HEAD^{tree}), or git notes,
	// sends no source to review, and the push goes on, but never silently.
	skipNotes(errOut, plan.Skipped)
	// The re-push rule: a push once blocked gets the same verdict when its
	// commits come back under another name, or force-pushed, after the
	// remote got them from a push that skipped the hook. Such an update has
	// no commit the remote lacks; the blocked push's ranges are reviewed
	// again instead of the push going through unreviewed.
	verdicts, verr := hook.LoadVerdicts(ctx, dir)
	if verr != nil {
		fmt.Fprintf(errOut, "quorum: warning: %s\n", safetext.OneLine(verr.Error()))
	}
	if d := verdicts.Damaged(); d != nil {
		// A review still gates this push; one the hook cannot make whole
		// is refused (blockedBefore), since no block is known.
		fmt.Fprintf(errOut, "quorum: warning: %s: which earlier pushes were blocked is unknown\nhint: %s\n", safetext.OneLine(d.Error()), safetext.OneLine(verdicts.DamagedHint()))
	}
	if err := applyRepushRule(ctx, errOut, dir, plan, verdicts); err != nil {
		return err
	}
	if len(plan.Ranges) == 0 {
		return nil // nothing new: deletions, skipped tags, commits the remote has
	}
	unknownRemoteNote(errOut, opts, plan)
	mergedInNote(ctx, errOut, dir, plan)
	reviewer := opts.Reviewer
	if reviewer == nil {
		now := opts.Now
		reviewer = &pipelineReviewer{now: now, getenv: getenv, ios: opts.IO}
	}
	req := ReviewRequest{
		Dir: dir, Remote: opts.Remote, URL: opts.URL,
		Ranges: plan.Ranges, EmptyTree: plan.EmptyTree,
		Config: cfg, Gate: cfg.Hook.Gate, Timeout: cfg.Hook.Timeout,
	}
	if len(plan.Ranges) == 1 {
		req.Commits = plan.Ranges[0].String()
	}
	fmt.Fprintf(errOut, "quorum: reviewing %d commit%s (%s) before the push; hook.timeout %s\n",
		len(plan.Commits), cmdutil.Plural(len(plan.Commits)), shortRanges(plan.Ranges), cfg.Hook.Timeout)
	rctx, cancel := context.WithTimeout(ctx, cfg.Hook.Timeout)
	defer cancel()
	// A background review (quorum hook install --ahead) of these commits
	// still in flight is waited for, within hook.timeout; one of other
	// commits is cancelled. The lock is held through this review.
	lock := joinAhead(rctx, dir, plan, errOut, opts.Now)
	defer lock.Unlock()
	if ctx.Err() != nil {
		return errInterrupted(cfg.Cache)
	}
	out, err := reviewer.Review(rctx, req)
	if ctx.Err() != nil {
		// Ctrl-C, SIGTERM or SIGHUP reached quorum itself: not a timeout nor
		// an unavailable server, and not a reason to let the push through
		// unreviewed, whatever hook.on_unavailable says. What the finished
		// answers found is shown: the push is refused either way.
		var ie *interruptedError
		if errors.As(err, &ie) && len(ie.found.Blocking) > 0 {
			fs := distinct(ie.found.Blocking)
			fmt.Fprintf(errOut, "quorum: before the interruption, the reviewers that finished found %d finding%s at or above %s:\n",
				len(fs), cmdutil.Plural(len(fs)), cfg.Hook.FailOn)
			printBlocked(errOut, colorOn(opts, getenv), ie.found.Blocking, "", ie.found.ReportPath, skipCommand(ctx, dir, skipTo, updates))
			// Remembered as any block is: a later push the hook cannot
			// review (the server down) must not go through on it.
			if verdicts != nil {
				recordBlock(errOut, verdicts, plan, ie.found, opts.Now())
			}
		}
		return errInterrupted(cfg.Cache)
	}
	if err != nil && errors.Is(err, context.DeadlineExceeded) && rctx.Err() != nil && ctx.Err() == nil {
		// Nothing finished in time; treat it as the server being unusable.
		out, err = Outcome{Unavailable: true, TimedOut: true, Reason: fmt.Sprintf("the review did not finish within hook.timeout (%s)", cfg.Hook.Timeout)}, nil
	}
	if err != nil {
		if code, hint := errmap.Map(err); hint == "" {
			err = exitcode.New(code, fmt.Errorf("review failed: %w", err), skipHint)
		}
		return err
	}
	if out.Warning != "" {
		fmt.Fprintf(errOut, "quorum: warning: %s\n", safetext.OneLine(out.Warning))
		if out.WarningHint != "" {
			fmt.Fprintf(errOut, "hint: %s\n", safetext.OneLine(out.WarningHint))
		}
	}
	if out.NothingReviewed {
		return nothingReviewed(ctx, dir, errOut, opts, cfg, plan, verdicts, out.Skipped, out.SelfExempt)
	}
	if out.Unavailable {
		return unavailable(ctx, errOut, dir, opts, cfg, plan, verdicts, out)
	}
	var fewer, fewerFix string // the review ran with fewer reviewers than the panel has
	if len(out.Missing) > 0 {
		fewer = fmt.Sprintf("reviewed by %d of %d panel models; not installed in ollama: %s", out.Reviewed, out.Panel, strings.Join(out.Missing, ", "))
		pull := "ollama pull " + strings.Join(out.Missing, " && ollama pull ")
		fewerFix = "run '" + pull + "'"
		if out.Typos != "" {
			fewerFix = out.Typos + "; else " + fewerFix
		}
		if cfg.Hook.OnUnavailable == config.OnUnavailableBlock && !out.Blocked {
			hint := fewerFix + ", then push again"
			if out.ReportPath != "" {
				hint += "; the reduced review's report: " + out.ReportPath
			}
			return exitcode.Setupf(hint+"; "+skipHint, "push blocked: %s (hook.on_unavailable: block)", safetext.OneLine(fewer))
		}
		fmt.Fprintf(errOut, "quorum: warning: %s (%s)\n", safetext.OneLine(fewer), safetext.OneLine(fewerFix))
	}
	n := len(plan.Commits)
	what := fmt.Sprintf("%d commit%s (%s)", n, cmdutil.Plural(n), shortRanges(plan.Ranges))
	if out.SaveErr != "" {
		fmt.Fprintf(errOut, "quorum: warning: the report could not be saved: %s\n", out.SaveErr)
	}
	if out.Partial != "" {
		fmt.Fprintf(errOut, "quorum: partial review: %s\n", safetext.OneLine(out.Partial))
		hint := partialHint(out, cfg)
		// A team that blocks when Ollama is unavailable does not want a
		// push through on a review that read only part of it.
		if cfg.Hook.OnUnavailable == config.OnUnavailableBlock && !out.Blocked {
			return exitcode.Setupf(hint+"; "+skipHint, "push blocked: the review is partial (hook.on_unavailable: block)")
		}
		if !out.Blocked {
			// Refused before the hint for a push that goes through is said.
			if err := blockedBefore(ctx, dir, verdicts, plan, "the review is partial ("+gapsOf(out.Partial, fewer)+")", hint); err != nil {
				return err
			}
			if !out.TimedOut && !out.Unread && !out.TooLarge && len(out.SelfExempt) == 0 && !out.Unfinished {
				// It goes through: pushing again sends nothing. What
				// reviews all of it is a review of its commits.
				hint = fmt.Sprintf("once the cause is fixed, run %s to review all of it; 'quorum status' names this push until then", reviewCommands(plan, cfg.Hook.MinAgreement))
			}
			fmt.Fprintf(errOut, "hint: %s\n", hint)
		}
	}
	// A pass is remembered only for a whole review: one by part of the
	// panel, or of part of the push, must not clear an earlier block.
	if verdicts != nil && out.Partial == "" && len(out.Missing) == 0 || verdicts != nil && out.Blocked {
		if out.Blocked {
			recordBlock(errOut, verdicts, plan, out, opts.Now())
		} else {
			warnUnsaved(errOut, verdicts.RecordPass(plan.Commits, plan.Above()))
		}
	}
	if out.Blocked {
		n := len(distinct(out.Blocking))
		fmt.Fprintf(errOut, "quorum: push blocked: %d finding%s at or above %s (found by at least %d reviewer%s) in %s\n",
			n, cmdutil.Plural(n), cfg.Hook.FailOn, cfg.Hook.MinAgreement, cmdutil.Plural(cfg.Hook.MinAgreement), what)
		printBlocked(errOut, colorOn(opts, getenv), out.Blocking, belowLine(out.Below, out.Dismissed), out.ReportPath, skipCommand(ctx, dir, skipTo, updates), notCheckedOut(ctx, dir, plan)...)
		return exitcode.FindingsError
	}
	// Through on a review that did not read all of the push, or not with
	// the whole panel: the remote gets commits no later push reviews, so
	// 'quorum status' names them, as it does a push not reviewed at all.
	if gaps := gapsOf(out.Partial, fewer); gaps != "" {
		// As when nothing could be reviewed: a review by part of the panel
		// that finds nothing does not clear commits an earlier push was
		// blocked on (a partial one was refused above, before its hint).
		if out.Partial == "" {
			if err := blockedBefore(ctx, dir, verdicts, plan, "the review is partial ("+gaps+")", fewerFix); err != nil {
				return err
			}
		}
		rememberUnreviewed(errOut, opts, plan, verdicts, gaps, true, cfg.Hook.MinAgreement)
	}
	msg := fmt.Sprintf("quorum: reviewed %s: nothing at or above %s", what, cfg.Hook.FailOn)
	if out.Partial != "" {
		msg = fmt.Sprintf("quorum: partly reviewed %s: nothing at or above %s in what was read", what, cfg.Hook.FailOn)
	}
	below := 0
	for _, n := range out.Below {
		below += n
	}
	switch {
	case out.Dismissed > 0 && below > 0:
		msg += fmt.Sprintf(" (%d below the gate; %d dismissed: quorum dismiss --list)", below, out.Dismissed)
	case out.Dismissed > 0:
		// A pass that rests on dismissals says so: an old one may now
		// cover code it was not written for.
		msg += fmt.Sprintf(" (%d dismissed: quorum dismiss --list)", out.Dismissed)
	case below > 0:
		// What passed the gate still has findings to read, as a blocked
		// push's "also N below the gate" says (helper 248).
		msg += fmt.Sprintf(" (%d below the gate)", below)
	}
	switch {
	case len(out.Reports) > 1:
		msg += "; reports: " + strings.Join(out.Reports, ", ")
	case out.ReportPath != "":
		msg += "; report: " + out.ReportPath
	}
	fmt.Fprintln(errOut, msg)
	return nil
}

// selfExemptHint is what to do about files skipped by attributes that
// may not be the remote's (Outcome.SelfExempt).
const selfExemptHint = "push a .gitattributes change on its own first, and commit (or remove) one changed in the work tree, so that the attributes the remote has decide what is skipped; or review those files with 'quorum review'"

// tooLargeHint is what to do about a file skipped for its size: there is
// no larger limit to set, so split it, or leave it out on purpose.
var tooLargeHint = fmt.Sprintf("a file whose diff is over %d MiB is never sent to the models: split it, or leave it out on purpose with ignore: in .quorum.yaml", diff.DefaultMaxFileBytes>>20)

// nothingReviewed ends a push in which every changed file was skipped (or
// none changed): no model read anything, so it never says "reviewed".
// Files skipped by the rules (ignore: globs, generated, vendored,
// lockfiles, binaries, submodules, symlinks) are not meant to be reviewed: the push
// goes on, naming them, and a block of the same commits is forgotten, as
// after a passing review. A file skipped for its size is changed code no
// one read: as for a partial review, hook.on_unavailable decides (allow:
// through with a warning; block: refused, exit 2).
func nothingReviewed(ctx context.Context, dir string, w io.Writer, opts *RunOptions, cfg *config.Config, plan *hook.Plan, verdicts *hook.Verdicts, skipped []diff.Skipped, exempt []string) error {
	n := len(plan.Commits)
	what := fmt.Sprintf("%d commit%s (%s)", n, cmdutil.Plural(n), shortRanges(plan.Ranges))
	if len(skipped) == 0 {
		fmt.Fprintf(w, "quorum: nothing to review in %s: no file changed\n", what)
		recordPass(w, plan, verdicts)
		return nil
	}
	items := make([]string, len(skipped))
	tooLarge := false
	for i, sk := range skipped {
		items[i] = report.SkippedItem(sk.Path, sk.Reason)
		tooLarge = tooLarge || sk.Reason == diff.SkipTooLarge
	}
	files := report.FirstFew(items)
	if tooLarge || len(exempt) > 0 {
		hint := tooLargeHint
		if !tooLarge {
			hint = selfExemptHint
		}
		if cfg.Hook.OnUnavailable == config.OnUnavailableBlock {
			return exitcode.Setupf(hint+"; "+skipHint,
				"push blocked: nothing reviewed in %s: every changed file was skipped: %s (hook.on_unavailable: block)", what, files)
		}
		if err := blockedBefore(ctx, dir, verdicts, plan, "nothing reviewed: every changed file was skipped: "+files, hint); err != nil {
			return err
		}
		fmt.Fprintf(w, "quorum: warning: nothing reviewed in %s: every changed file was skipped: %s; push not reviewed (hook.on_unavailable: allow)\n", what, files)
		fmt.Fprintf(w, "hint: %s\n", hint)
		rememberUnreviewed(w, opts, plan, verdicts, "every changed file was skipped: "+files, false, cfg.Hook.MinAgreement)
		return nil
	}
	fmt.Fprintf(w, "quorum: nothing reviewed in %s: every changed file was skipped: %s\n", what, files)
	span := cmdutil.CommandSpan(plan.Ranges[0].Base, plan.Ranges[0].Head, plan.EmptyTree)
	fmt.Fprintf(w, "hint: such files are not reviewed, by the rules; 'quorum diff --commits %s' lists each with its reason\n", span)
	recordPass(w, plan, verdicts)
	return nil
}

// preCommitUpdate rebuilds the push from pre-commit's environment. pre-commit
// sets full object names; a name set by hand (HEAD, a short one, a branch)
// is read with git, and one git cannot read is an error: a push described
// by variables the gate cannot read must not pass unreviewed.
func preCommitUpdate(ctx context.Context, dir string, getenv func(string) string) (hook.Update, string, bool, error) {
	to := getenv("PRE_COMMIT_TO_REF")
	if to == "" {
		return hook.Update{}, "", false, nil
	}
	to, err := commitOf(ctx, dir, "PRE_COMMIT_TO_REF", to)
	if err != nil {
		return hook.Update{}, "", false, err
	}
	from := getenv("PRE_COMMIT_FROM_REF")
	switch {
	case from == "" || strings.Trim(from, "0") == "":
		from = strings.Repeat("0", len(to)) // a new branch
	case !isObjectName(from, len(to)):
		if from, err = commitOf(ctx, dir, "PRE_COMMIT_FROM_REF", from); err != nil {
			return hook.Update{}, "", false, err
		}
	}
	ref := func(s, def string) string {
		if s == "" || strings.ContainsAny(s, " \n") {
			return def
		}
		return s
	}
	line := strings.Join([]string{ref(getenv("PRE_COMMIT_LOCAL_BRANCH"), "HEAD"), to, ref(getenv("PRE_COMMIT_REMOTE_BRANCH"), "refs/heads/unknown"), from}, " ")
	ups, err := hook.ParsePushLines(strings.NewReader(line))
	if err != nil || len(ups) != 1 {
		return hook.Update{}, "", false, exitcode.New(exitcode.Setup, fmt.Errorf("the PRE_COMMIT_* variables describe no push git can read: %q", line),
			"pre-commit sets them for its pre-push stage; set PRE_COMMIT_TO_REF and PRE_COMMIT_FROM_REF to commits, or run quorum from git's pre-push hook ("+skipHint+")")
	}
	return ups[0], getenv("PRE_COMMIT_REMOTE_NAME"), true, nil
}

// commitOf is the full object name of the commit name (a variable's value)
// names; an error naming the variable when git cannot read it.
func commitOf(ctx context.Context, dir, variable, name string) (string, error) {
	if isObjectName(name, len(name)) && (len(name) == 40 || len(name) == 64) {
		return name, nil
	}
	out, err := (&gitexec.Git{Dir: dir}).Output(ctx, "rev-parse", "-q", "--verify", "--end-of-options", name+"^{commit}")
	if ctx.Err() != nil {
		return "", ctx.Err() // stopped, not a name git could not read
	}
	// rev-parse -q --verify says "no such commit" by exiting 1 and
	// nothing else; git not running, or failing otherwise (not a
	// repository, dubious ownership), is no bad name.
	var exit *exec.ExitError
	if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1) {
		return "", exitcode.New(exitcode.Setup, fmt.Errorf("reading %s: %w", variable, err), "check that git runs here ('git rev-parse HEAD'); "+skipHint)
	}
	if err != nil || len(bytes.TrimSpace(out)) == 0 {
		return "", exitcode.New(exitcode.Setup, fmt.Errorf("%s=%q names no commit of this repository", variable, safetext.OneLine(name)),
			"set it to the commit pushed (pre-commit does), or unset the PRE_COMMIT_* variables; "+skipHint)
	}
	return string(bytes.TrimSpace(out)), nil
}

// isObjectName says s is n lowercase hex digits.
func isObjectName(s string, n int) bool {
	if len(s) != n || n == 0 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// applyRepushRule adds to plan the ranges a push once blocked gets again:
// its commits back under another name or force-pushed (the remote got them
// from a push that skipped the hook), below a new commit, or on a tag that
// hook.tags: false would skip; and refuses the push when the saved
// verdicts cannot be read and it brings commits no review reads.
func applyRepushRule(ctx context.Context, errOut io.Writer, dir string, plan *hook.Plan, verdicts *hook.Verdicts) error {
	// The re-push rule when the blocked commit is below the pushed one
	// (below): worked out first, so a skipped tag it reviews is not also
	// said to go unreviewed.
	back, err := plan.Returning(ctx, dir, verdicts)
	if err != nil {
		return planErr(err)
	}
	for _, sk := range plan.Skipped {
		if sk.Unreviewed == nil {
			continue
		}
		// A tag skipped by hook.tags: false still gets a blocked push's
		// verdict: tagging blocked commits must not publish them unreviewed.
		if b := blockedAmong(verdicts, sk.Unreviewed.New, nil); b != nil {
			fmt.Fprintf(errOut, "quorum: %s brings commits an earlier push was blocked on: reviewing %s despite hook.tags: false\n",
				safetext.OneLine(sk.Ref), shortRanges([]hook.Range{*sk.Unreviewed}))
			if err := plan.Review(ctx, dir, sk.Ref, []hook.Range{*sk.Unreviewed}); err != nil {
				return planErr(err)
			}
			continue
		}
		if slices.ContainsFunc(back, func(rb hook.Returning) bool { return rb.Ref == sk.Ref }) {
			continue // it brings back a blocked commit: reviewed below
		}
		n := len(sk.Unreviewed.New)
		fmt.Fprintf(errOut, "quorum: %s not reviewed (hook.tags: false): it brings %d commit%s no branch of the remote has\n",
			safetext.OneLine(sk.Ref), n, cmdutil.Plural(n))
	}
	if verdicts != nil {
		for _, sk := range plan.Skipped {
			if !sk.OnRemote {
				continue
			}
			b := verdicts.LookupAny(sk.Head)
			if b == nil {
				continue
			}
			// Only the history of the pushed commit: an older commit of a
			// blocked push is reviewed up to itself, never with the blocked
			// commits above it that this push does not send.
			rs, err := hook.Upto(ctx, dir, sk.Head, plan.EmptyTree, b.Ranges)
			if err != nil {
				return planErr(err)
			}
			fmt.Fprintf(errOut, "quorum: %s: the remote has %s %s; an earlier push of it was blocked: reviewing %s again\n",
				safetext.OneLine(sk.Ref), cmdutil.ShortOID(sk.Head), howItGotThere(b), shortRanges(rs))
			if err := reviewBrought(ctx, dir, plan, sk.Ref, sk.Head, rs); err != nil {
				return err
			}
		}
		// The same rule when the blocked commit is below the pushed one: a
		// new commit on top of it, pushed to a ref that never had it, must
		// not carry it to that ref with only the new commit reviewed. Its
		// blocked ranges are reviewed up to the pushed commit (back, worked
		// out above).
		for _, rb := range back {
			b := verdicts.LookupAny(rb.Commit)
			if b == nil || slices.Contains(plan.Commits, rb.Commit) {
				continue // reviewed in this push already (another of its ranges)
			}
			rs, err := hook.Upto(ctx, dir, rb.Commit, plan.EmptyTree, b.Ranges)
			if err == nil {
				// Up to the pushed commit: the code the ref will hold,
				// with any fix made since the block.
				rs, err = hook.Through(ctx, dir, rs, rb.Head, plan.EmptyTree)
			}
			if err != nil {
				return planErr(err)
			}
			fmt.Fprintf(errOut, "quorum: %s brings %s, which the remote has %s; an earlier push of it was blocked: reviewing %s, its blocked range up to the pushed commit\n",
				safetext.OneLine(rb.Ref), cmdutil.ShortOID(rb.Commit), howItGotThere(b), shortRanges(rs))
			if err := reviewBrought(ctx, dir, plan, rb.Ref, rb.Commit, rs); err != nil {
				return err
			}
		}
	}
	if d := verdicts.Damaged(); d != nil {
		// The re-push rules above read the saved verdicts: commits the
		// remote has under other refs, or a tag brings unreviewed, may be
		// ones a push was blocked on, and nothing says they are not.
		for _, sk := range plan.Skipped {
			if sk.OnRemote || sk.Unreviewed != nil {
				return exitcode.Setupf(verdicts.DamagedHint()+"; "+skipHint,
					"push blocked: %s brings commits no review of this push reads, and %s, so whether an earlier push of them was blocked is unknown", safetext.OneLine(sk.Ref), safetext.OneLine(d.Error()))
			}
		}
	}
	return nil
}

// unavailable ends a push whose review could not run (the server down,
// hook.timeout with nothing finished): refused under hook.on_unavailable:
// block, or through unreviewed, said and remembered, under allow, unless
// an earlier push of its commits was blocked.
func unavailable(ctx context.Context, errOut io.Writer, dir string, opts *RunOptions, cfg *config.Config, plan *hook.Plan, verdicts *hook.Verdicts, out Outcome) error {
	reason := safetext.OneLine(out.Reason)
	if reason == "" {
		reason = "Ollama is not available"
	}
	fix := "start Ollama ('ollama serve') and pull the panel's models; 'quorum doctor' checks both"
	if out.Fix != "" {
		fix = out.Fix
	}
	if out.TimedOut {
		fix = "raise hook.timeout"
		if _, err := cache.DefaultDir(opts.Getenv); cfg.Cache && err == nil && out.Warning == "" {
			fix += ", or run 'quorum review' before pushing: its answers are cached for the push"
		}
	}
	if cfg.Hook.OnUnavailable == config.OnUnavailableBlock {
		return exitcode.Setupf(fix+"; "+skipHint, "push blocked: %s (hook.on_unavailable: block)", reason)
	}
	// hook.on_unavailable: allow lets an unreviewed push through, never
	// one this hook already blocked: stopping the model server must not
	// be the way around the gate.
	if err := blockedBefore(ctx, dir, verdicts, plan, reason, fix); err != nil {
		return err
	}
	fmt.Fprintf(errOut, "quorum: warning: %s; push not reviewed (hook.on_unavailable: allow)\nhint: %s\n", reason, fix)
	// The remote gets these commits now, so no later push reviews
	// them: remembered for 'quorum status', which says so and how to
	// review them.
	rememberUnreviewed(errOut, opts, plan, verdicts, reason, false, cfg.Hook.MinAgreement)
	return nil
}

// partialHint is what to do about a review that read only part of a push,
// by why it did.
func partialHint(out Outcome, cfg *config.Config) string {
	hint := "push again once the cause is fixed"
	switch {
	case out.TimedOut:
		hint = "raise hook.timeout, or run 'quorum review' before pushing (its answers are cached for the push)"
	case out.Unfinished:
		hint = cmp.Or(out.Fix, "push again once the model server answers")
	case out.Unread && out.UnreadCut:
		hint = "leave generated or minified files out (ignore: in .quorum.yaml), or give the reviewers a larger context (max_context, a model's num_ctx)"
	case out.Unread:
		hint = "check the model server ('quorum doctor'), then push again"
		if cfg.Cache {
			hint += ": the chunks that finished come from the cache"
		}
	case out.TooLarge:
		hint = tooLargeHint
	case len(out.SelfExempt) > 0:
		hint = selfExemptHint
	}
	return hint
}

// planErr is a failure to work out what a push sends: exit 2, with the
// way to push without review.
func planErr(err error) error {
	return exitcode.New(exitcode.Setup, fmt.Errorf("working out the pushed commits: %w", err), skipHint)
}

// reviewBrought adds to plan the ranges rs of ref, reviewed again because
// they bring back commit, which an earlier push was blocked on.
func reviewBrought(ctx context.Context, dir string, plan *hook.Plan, ref, commit string, rs []hook.Range) error {
	plan.Brought = append(plan.Brought, commit)
	if err := plan.Review(ctx, dir, ref, rs); err != nil {
		return planErr(err)
	}
	return nil
}
