// Package reviewcmd implements `quorum review`: run the reviewer panel over the diff.
package reviewcmd

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/progress"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/run"
)

// rawFormats are the formats of the --raw debugging view.
var rawFormats = []string{"text", "json"}

// DefaultRequestTimeout bounds one model request (load included).
const DefaultRequestTimeout = 10 * time.Minute

// ReviewOptions are the parsed flags of `quorum review` and what the run needs.
type ReviewOptions struct {
	IO      *iostreams.IOStreams
	Context context.Context
	Getenv  func(string) string
	Now     func() time.Time
	WorkDir string

	Diff             diff.Options
	Models           []string
	MaxContext       int
	ContextLevel     string
	NumPredict       int
	Parallel         int
	ConcurrentModels int
	NoCache          bool
	Quiet            bool
	Raw              bool
	Full             bool // the text format shows every section
	NoPager          bool
	Format           string
	API              string
	Host             string
	AllowRemote      bool
	Timeout          time.Duration
	RequestTimeout   time.Duration
	FailOn           string
	MinAgreement     int
	SeverityPolicy   string
	// Judge is the model that groups the findings (merge.judge).
	Judge string
	// Replay is a saved report (directory, id or "latest") to consolidate
	// again from its raw answers, with no model call.
	Replay string

	// Flags are the parsed flags, so settings from .quorum.yaml apply only
	// where no flag was given.
	Flags *pflag.FlagSet
	// Resolver is the loopback guard's resolver (tests inject one); nil is the system's.
	Resolver ollama.Resolver
	// Busy is the client's backoff on 503 (tests shorten it); zero is the default.
	Busy ollama.BackoffPolicy
}

// flagKeys maps flags to the configuration keys they override.
var flagKeys = map[string]string{
	"base":              "base",
	"ignore":            "ignore",
	"models":            "models",
	"max-context":       "max_context",
	"context":           "context",
	"num-predict":       "num_predict",
	"parallel":          "parallel",
	"concurrent-models": "concurrent_models",
	"timeout":           "timeout",
	"ollama-host":       "ollama_host",
	"host":              "host",
	"api":               "api",
	"allow-remote":      "allow_remote",
	"fail-on":           "review.fail_on",
	"min-agreement":     "review.min_agreement",
	"severity-policy":   "severity_policy",
	"judge":             "merge.judge",
}

// NewCmdReview builds `quorum review`. runF replaces the run function in
// tests of flag parsing; nil means the real one.
func NewCmdReview(f *cmdutil.Factory, runF func(*ReviewOptions) error) *cobra.Command {
	opts := &ReviewOptions{IO: f.IOStreams, Getenv: f.Getenv, Now: f.Now, WorkDir: f.WorkDir}
	opts.Diff.Git = f.Git
	cmd := &cobra.Command{
		Use:   "review",
		Short: "Review the branch with a panel of local models",
		Long: `Review the changes of the current branch with several models served by the
local Ollama, each on its own. The diff is split to fit each model's context,
answers are validated against the reviewer schema, and every answer is cached:
reviewing an unchanged diff again makes no model call.

Models run one after another (each loaded once); --concurrent-models runs
several at once when they fit in memory together. Progress goes to stderr.`,
		Example: `  quorum review
  quorum review --models qwen2.5-coder:7b,llama3.1:8b
  quorum review --staged --quiet
  quorum review --raw --format json > raw.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			config.WarnUnknownEnv(f.IOStreams.ErrOut, f.Environ, f.Getenv, "review")
			opts.Context = cmd.Context()
			opts.Flags = cmd.Flags()
			if err := cmdutil.EmptySelection(cmd); err != nil {
				return err
			}
			if err := validate(opts); err != nil {
				return cmdutil.SelectionHint(cmd, err)
			}
			run := reviewRun
			if runF != nil {
				run = runF
			}
			return cmdutil.SelectionHint(cmd, run(opts))
		},
	}
	cmdutil.AddSelectionFlags(cmd, &opts.Diff)
	fl := cmd.Flags()
	fl.StringSliceVar(&opts.Models, "models", nil, "reviewer `MODELS`, comma-separated (default: up to three installed chat models)")
	fl.IntVar(&opts.MaxContext, "max-context", run.DefaultMaxContext, "cap every model's context window at `TOKENS`")
	fl.StringVar(&opts.ContextLevel, "context", "", "code around each change the models see (`LEVEL`): none, signature or function (default: context config, signature)")
	fl.IntVar(&opts.NumPredict, "num-predict", run.DefaultNumPredict, "bound every answer at `TOKENS` (kept under half the context)")
	fl.IntVar(&opts.Parallel, "parallel", 1, "requests in flight per model")
	fl.IntVar(&opts.ConcurrentModels, "concurrent-models", 1, "models running at once (1 = model by model)")
	fl.BoolVar(&opts.NoCache, "no-cache", false, "neither read nor write cached answers")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress on stderr")
	fl.BoolVar(&opts.Raw, "raw", false, "print each reviewer's raw answers and metrics (debugging view)")
	fl.StringVar(&opts.Format, "format", "text", "output `FORMAT`: text, markdown, json, sarif or rdjsonl (with --raw: text or json)")
	fl.BoolVar(&opts.Full, "full", false, "with --format text: every section (metadata, assessments, retro, metrics, coverage), not only the verdict and findings")
	fl.BoolVar(&opts.NoPager, "no-pager", false, "do not page a long report on a terminal ($PAGER, default less -FRX)")
	fl.StringVar(&opts.FailOn, "fail-on", "", "exit 1 on findings at or above `SEVERITY`: critical, important, suggestion or none (default: review.fail_on config, important)")
	fl.IntVar(&opts.MinAgreement, "min-agreement", 0, "only findings found by at least `N` reviewers trip the gate (default: review.min_agreement config, 1)")
	fl.StringVar(&opts.SeverityPolicy, "severity-policy", "", "how reviewers' severity votes combine (`POLICY`): upper-median, max or majority (default: severity_policy config, upper-median)")
	fl.StringVar(&opts.Judge, "judge", "", "group the findings with judge `MODEL`, which reads the code (none: quorum's rules; default: merge.judge config, none)")
	fl.StringVar(&opts.Replay, "replay", "", "consolidate a saved review again (`DIR`, report id or \"latest\") with no model call")
	cmdutil.AddServerFlags(fl, &opts.API, &opts.Host)
	fl.BoolVar(&opts.AllowRemote, "allow-remote", false, "allow a non-loopback Ollama host (the diff is sent to it)")
	fl.DurationVar(&opts.Timeout, "timeout", 0, "give up the whole review after `DURATION` (default: timeout config, 30m)")
	fl.DurationVar(&opts.RequestTimeout, "request-timeout", DefaultRequestTimeout, "give up one model request after `DURATION`")
	return cmd
}

func validate(opts *ReviewOptions) error {
	if opts.Raw {
		if !slices.Contains(rawFormats, opts.Format) {
			return exitcode.Setupf("use --format text or --format json with --raw", "unknown raw format %q", opts.Format)
		}
	} else if !render.Known(opts.Format) {
		return exitcode.Setupf("use --format text, markdown, json, sarif or rdjsonl", "unknown format %q", opts.Format)
	}
	if opts.Flags != nil && opts.Flags.Changed("min-agreement") && opts.MinAgreement < 1 {
		return exitcode.Setupf("give --min-agreement a positive number", "--min-agreement must be at least 1, got %d", opts.MinAgreement)
	}
	// --replay first: a flag it ignores gets "drop it", not a complaint
	// about its value.
	if opts.Replay == "" && opts.Flags != nil && opts.Flags.Changed("replay") {
		// An empty id from a script ("--replay $ID") must not start a
		// fresh review that asks the models.
		return exitcode.Setupf("pass a report id, a report directory or latest ('quorum report list' shows them)", "--replay needs a report")
	}
	if opts.Replay != "" && opts.Flags != nil {
		if err := replayFlags(opts.Flags); err != nil {
			return err
		}
	}
	// In flag order, so the error names the same flag every run.
	for _, f := range []struct {
		name string
		v    int
	}{{"max-context", opts.MaxContext}, {"num-predict", opts.NumPredict}, {"parallel", opts.Parallel}, {"concurrent-models", opts.ConcurrentModels}} {
		name, v := f.name, f.v
		if v < 1 {
			return exitcode.Setupf("give --"+name+" a positive number", "--%s must be at least 1, got %d", name, v)
		}
	}
	if opts.MaxContext < 512 {
		return exitcode.Setupf("give --max-context at least 512 tokens", "--max-context %d is too small to hold a prompt", opts.MaxContext)
	}
	if opts.Timeout < 0 || opts.RequestTimeout < 0 {
		return exitcode.Setupf("give a positive duration like 10m", "timeouts cannot be negative")
	}
	return opts.Diff.Validate()
}

// replayOnly are the flags --replay uses: the saved review's diff and
// answers are replayed, so only the gate and the output can change.
var replayOnly = map[string]bool{
	"replay": true, "fail-on": true, "min-agreement": true, "severity-policy": true,
	"format": true, "full": true, "no-pager": true, "raw": true, "quiet": true,
}

// replayFlags refuses a diff, model or server flag given with --replay: it
// would be silently ignored, and the user would think it applied.
func replayFlags(fl *pflag.FlagSet) error {
	var ignored string
	fl.Visit(func(f *pflag.Flag) { // in name order: the same flag is named every time
		if ignored == "" && !replayOnly[f.Name] {
			ignored = f.Name
		}
	})
	if ignored == "" {
		return nil
	}
	return exitcode.Setupf("drop --"+ignored+"; with --replay only --fail-on, --min-agreement, --severity-policy and the output flags apply",
		"--replay replays the saved review's diff and answers, so --%s has no effect", ignored)
}

// settings are the effective values: configuration files and environment,
// then flags.
func settings(opts *ReviewOptions) (*config.Config, error) {
	dir := opts.WorkDir
	if dir == "" {
		dir = "."
	}
	cfg, err := config.Load(dir, opts.Getenv)
	if err != nil {
		return nil, err
	}
	if opts.Flags != nil {
		if err := cfg.ApplyFlags(opts.Flags, flagKeys); err != nil {
			return nil, err
		}
	}
	if opts.NoCache {
		cfg.Cache = false
	}
	return cfg, nil
}

func reviewRun(opts *ReviewOptions) error {
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	cfg, err := settings(opts)
	if err != nil {
		return err
	}
	if cfg.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Timeout)
		defer cancel()
	}
	dopts := opts.Diff
	dopts.Dir = opts.WorkDir
	dopts.Ignore = cfg.Ignore
	if !dopts.Staged && !dopts.Worktree && dopts.Commits == "" {
		// A configured base applies to branch reviews only; --base itself
		// is in dopts already and is refused with the other modes.
		dopts.Base = cfg.Base
	}
	policy, err := policyOf(cfg).Normalize()
	if err != nil {
		return exitcode.Setupf("check --fail-on, --min-agreement and --severity-policy", "%v", err)
	}
	if opts.Replay != "" {
		return replay(ctx, opts, cfg, dopts, policy)
	}
	set, err := diff.Load(ctx, dopts)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) && (opts.Context == nil || opts.Context.Err() == nil) {
			// --timeout, not a signal: say which, and what to raise.
			return exitcode.New(exitcode.Setup, fmt.Errorf("review timed out after %s while reading the diff", cfg.Timeout),
				"raise --timeout (or timeout in .quorum.yaml)")
		}
		return err
	}
	// A branch that merged (or was rebased onto) the default branch since
	// it was pushed: reviewed as its push would be, not with main's
	// changes blamed on it.
	set, note, err := cmdutil.AsPushed(ctx, dopts, set)
	if err != nil {
		return err
	}
	if note != "" {
		fmt.Fprintf(opts.IO.ErrOut, "quorum: note: %s\n", safetext.OneLine(note))
	}
	// Said before the models are asked (and even with -q, which silences
	// progress, not what the review leaves out): the user can stop, add
	// them and start again.
	untrackedNote(opts.IO.ErrOut, set)
	cmdutil.RangeWarnings(opts.IO.ErrOut, set.Warnings)
	if set.Empty() {
		return nothingToReview(opts, cfg, set, policy)
	}
	req, err := request(opts, cfg, set, policy, true)
	if err != nil {
		return err
	}
	// Read the dismissal ledger before Ollama is asked anything: a bad one
	// fails in a moment instead of after the whole review.
	if req.Dismissals, err = pipeline.LoadDismissals(req); err != nil {
		return err
	}
	if err := pipeline.WorkTreeLedgerUnread(ctx, set); err != nil {
		warn(opts, "", err)
	}
	rep := progress.New(opts.IO, opts.Quiet, opts.Now)
	session, err := pipeline.Open(ctx, pipeline.Options{
		Config: cfg, Resolver: opts.Resolver, Busy: opts.Busy, Getenv: opts.Getenv, Now: opts.Now,
		Observer: rep, RequestTimeout: opts.RequestTimeout,
	})
	if err != nil {
		rep.Close()
		return notReviewed(opts, cfg, set, policy, errmap.WithHostOrigin(err, cfg))
	}
	// A named embedding model cannot chat: say so now, not as a context
	// error once its review has failed.
	if err := cmdutil.CheckChatModels(ctx, session); err != nil {
		rep.Close()
		return notReviewed(opts, cfg, set, policy, err)
	}
	if err := cmdutil.CheckDistinctModels(ctx, session); err != nil {
		rep.Close()
		return notReviewed(opts, cfg, set, policy, err)
	}
	// With the gate off (--fail-on none) no finding trips it, so the
	// agreement it asks for matters to nothing.
	if err := checkAgreement(policy.MinAgreement, len(session.Reviewers), false); err != nil && policy.FailOn != report.FailOnNone {
		rep.Close()
		return notReviewed(opts, cfg, set, policy, err)
	}
	// A judge that cannot judge at all is said now, not after the
	// reviewers' minutes; the rules then group without asking it.
	judgeWarned := false
	if err := session.PrecheckJudge(ctx, cfg.JudgeAPI()); err != nil {
		warn(opts, "", err)
		judgeWarned = true
	}
	res, err := func() (*pipeline.Result, error) {
		// Closed on a panic too, so the bars are gone before the bug report.
		defer rep.Close()
		return pipeline.Review(ctx, session, req)
	}()
	if err != nil {
		return err
	}
	raw, runErr := res.Raw, res.RunErr
	typos := cmdutil.MissingTypos(ctx, session, raw)
	if runErr == nil && typos != "" {
		fmt.Fprintf(opts.IO.ErrOut, "quorum: a panel model is not installed: %s\n", typos)
	}
	if opts.Raw {
		if err := emitRaw(opts, raw); err != nil {
			return err
		}
		// An answered (or interrupted) run is saved like any review, so
		// --replay and `quorum report` work on it.
		if res.SaveErr != nil {
			warn(opts, "report not saved", res.SaveErr) // the raw results were printed above
		}
		if res.CacheErr != nil {
			warn(opts, "", res.CacheErr)
		}
		if res.Report != nil && !judgeWarned {
			if err := pipeline.JudgeUnused(res.Report.Grouping, cfg.JudgeAPI()); err != nil {
				warn(opts, "", err)
			}
		}
		if res.Dir != "" && !opts.Quiet {
			fmt.Fprintf(opts.IO.ErrOut, "quorum: report saved in %s\n", relative(opts.WorkDir, res.Dir))
		}
		return withTypos(outcome(opts, cfg, raw, runErr, ctx, res.CacheErr), typos)
	}
	if runErr != nil {
		// Nobody answered. The terminal says why on stderr; a machine
		// format still gets its document, the report whose verdict is
		// "incomplete", resting on nobody: a CI step that uploads SARIF
		// or reads JSON must not be handed an empty file.
		if opts.Format != "text" && res.Report != nil {
			_ = emit(opts, &Consolidated{Report: res.Report, Dir: res.Dir}) // nobody answered: nothing can trip the gate
		}
		return withTypos(outcome(opts, cfg, raw, runErr, ctx, res.CacheErr), typos)
	}
	gate := emit(opts, &Consolidated{Report: res.Report, Dir: res.Dir})
	if res.SaveErr != nil {
		warn(opts, "report not saved", res.SaveErr) // the report was printed; saving it failed
	}
	if res.CacheErr != nil {
		warn(opts, "", res.CacheErr) // the review is whole; only the next one pays
	}
	if err := pipeline.JudgeUnused(res.Report.Grouping, cfg.JudgeAPI()); err != nil && !judgeWarned {
		warn(opts, "", err) // the report says it too, in its retro
	}
	if err := outcome(opts, cfg, raw, runErr, ctx, res.CacheErr); err != nil {
		return err // interrupted or timed out: exit 2 even when the partial report trips the gate
	}
	if v := res.Report.Verdict; v.Status == report.VerdictIncomplete && len(v.Unread) > 0 {
		return unreadError(res.Report, v.Unread, cfg.Cache && res.CacheErr == nil) // as a replay of it, and an interrupted review: exit 2
	}
	if err := gateUnmet(res.Report); err != nil {
		return err
	}
	return gate
}

// checkAgreement refuses a gate no finding could ever trip: more agreeing
// reviewers than the panel has. Such a review would pass whatever it
// found.
func checkAgreement(minAgreement, panel int, replay bool) error {
	if minAgreement <= panel {
		return nil
	}
	hint := fmt.Sprintf("lower --min-agreement (or review.min_agreement) to at most %d, or add models to the panel (--models)", panel)
	if replay {
		// A replay's panel is the saved review's: only a new review adds to it.
		hint = fmt.Sprintf("lower --min-agreement to at most %d for this replay, or run a new review with more models (--models)", panel)
	}
	return exitcode.Setupf(hint,
		"min agreement %d needs more reviewers than the panel's %d: no finding could trip the gate", minAgreement, panel)
}

// gateUnmet is the exit of a review whose verdict is incomplete because
// the gate could not be applied: too few reviewers read the change, or a
// file of it, to meet --min-agreement (a model missing or failed, one no
// file fit, or a replay with a gate above the panel). Exit 2.
func gateUnmet(rep *report.Report) error {
	v := rep.Verdict
	if v.Status != report.VerdictIncomplete || rep.Policy.FailOn == report.FailOnNone || v.RestsOn == 0 {
		return nil
	}
	if err := checkAgreement(rep.Policy.MinAgreement, v.Panel, true); err != nil {
		return err // a replay with a gate above the panel
	}
	if rep.Readers() < rep.Policy.MinAgreement {
		return exitcode.New(exitcode.Setup,
			fmt.Errorf("the gate was not applied: min agreement %d, but only %d of %d reviewers read the change", rep.Policy.MinAgreement, rep.Readers(), v.Panel),
			"pull or fix the models the verdict names, or give them a larger context ('quorum doctor' checks both), or lower --min-agreement")
	}
	if rep.Interrupted || len(rep.ReadByFewer(rep.Policy.MinAgreement)) == 0 {
		return nil // stopped early, or unread files: the caller's exit (an interrupted review, unreadError, an incomplete replay)
	}
	return exitcode.New(exitcode.Setup,
		fmt.Errorf("the gate was not applied everywhere: %s", strings.TrimPrefix(v.Text, "incomplete: ")),
		"give every reviewer room for the files the verdict names (a larger context, or --ignore for generated files), or lower --min-agreement")
}

// unreadError is the exit of a review that finished with changed files no
// reviewer read in full: not a pass, and not a verdict on those files
// either, so exit 2 (with findings or without), as an interrupted review.
// The hint is the cause's: a file that did not fit a context, or chunks a
// server failed or never got to (it went away mid-review), which a run
// with the cache on (cached) asks again alone.
func unreadError(rep *report.Report, unread []string, cached bool) error {
	tooLarge := rep.TooLarge()
	var huge, cut, other []string
	for _, p := range unread {
		switch {
		case slices.Contains(tooLarge, p):
			huge = append(huge, p)
		case rep.TruncatedFor(p):
			cut = append(cut, p)
		default:
			other = append(other, p)
		}
	}
	var what, hints []string
	if unfit := append(slices.Clone(cut), other...); len(unfit) > 0 {
		slices.Sort(unfit)
		what = append(what, report.FirstFew(report.ShownPaths(unfit))+" read in full by no reviewer (see the coverage)")
	}
	if len(huge) > 0 {
		what = append(what, report.FirstFew(report.ShownPaths(huge))+" over the size limit, sent to no reviewer")
	}
	if len(other) > 0 {
		h := "check the model server ('quorum doctor'), then run the review again"
		if cached {
			h += ": the chunks that finished come from the cache"
		}
		hints = append(hints, h)
	}
	at, model := rep.ProbeCutAt()
	switch {
	case len(cut) > 0 && at > 0:
		// The figure went unmeasured because the server's context is
		// smaller than the probe, not for want of a token count.
		hints = append(hints, fmt.Sprintf("the server runs %s at %d tokens, too few for quorum's tokenizer probe, so quorum planned at one token a byte: raise the context the server runs it at (OLLAMA_CONTEXT_LENGTH for ollama serve, llama-server -c, vllm --max-model-len; over Ollama's own API, the model's num_ctx)", safetext.OneLine(model), at))
	case len(cut) > 0 && rep.PlannedAtOneTokenAByte():
		// Not the files: the reviewers' tokenizer was never measured (a
		// server that gives no token count), so each chunk held a quarter
		// of what it could.
		hints = append(hints, "the server gave no usable token count, so quorum planned at one token a byte: give the models a larger context (a model's num_ctx; over an OpenAI-compatible API the server's own: OLLAMA_CONTEXT_LENGTH, llama-server -c), or use a server that reports usage")
	case len(cut) > 0:
		hints = append(hints, "leave generated or minified files out (--ignore, or ignore: in .quorum.yaml), or give the reviewers a larger context (--max-context, a model's num_ctx)")
	}
	if len(huge) > 0 {
		hints = append(hints, "leave generated files out (--ignore, or ignore: in .quorum.yaml), or split a file over the size limit")
	}
	return exitcode.New(exitcode.Setup, fmt.Errorf("review incomplete: %s", strings.Join(what, "; ")), strings.Join(hints, "; "))
}

// tooLargeError is the exit of a review whose every changed file was over
// the size limit: no model read any of it, which is no "nothing to
// review" (exit 0) but an incomplete review (exit 2). Nil when none was.
func tooLargeError(set *diff.Set) error {
	huge := set.TooLarge()
	if len(huge) == 0 {
		return nil
	}
	return exitcode.New(exitcode.Setup,
		fmt.Errorf("nothing reviewed: %d changed file%s over the size limit, sent to no reviewer (%s)", len(huge), cmdutil.Plural(len(huge)), report.FirstFew(huge)),
		"leave generated files out (--ignore, or ignore: in .quorum.yaml), or split a file over the size limit")
}

// warn reports what a finished review could not keep (a full or
// read-only disk): its report (--replay and 'quorum report' lose it) or
// its answers (the next review asks again). A warning and its hint go to
// stderr, even with -q, and the review's verdict still decides the exit
// code: the review itself is complete.
func warn(opts *ReviewOptions, what string, err error) {
	cmdutil.Warn(opts.IO.ErrOut, what, err)
}

// The composition root checks what the runner discovers by interface.
var (
	_ pipeline.JudgeObserver = (*progress.Reporter)(nil)
	_ run.Loader             = (*ollama.Client)(nil)
	_ run.Observer           = (*progress.Reporter)(nil)
	_ run.WaitObserver       = (*progress.Reporter)(nil)
	_ run.StartObserver      = (*progress.Reporter)(nil)
)

// untrackedNote names, on one line of w, the untracked files a --worktree
// review leaves out (git diff does not show them): the first few and how
// many more. The report lists every one of them under the skipped files
// (reason "untracked"). Nothing when there are none.
func untrackedNote(w io.Writer, set *diff.Set) {
	var names, words []string
	for _, s := range set.Skipped {
		if s.Reason == diff.SkipUntracked {
			// A file name may hold a newline: kept on the one line, escaped.
			names = append(names, safetext.Path(s.Path))
			if safetext.Path(s.Path) == s.Path {
				// From the top, literally: the path is the repository's,
				// whatever directory quorum ran in, and a '[' in it is
				// no pattern (helper 251).
				words = append(words, cmdutil.ShellWord(":(top,literal)"+s.Path))
			}
		}
	}
	if len(names) == 0 {
		return
	}
	// The command to run, with the files named when they are few (and
	// print as they are), so it runs as printed.
	how := "run 'git add -N PATH' to include them"
	switch {
	case len(names) == 1 && len(words) == 1:
		how = "to include it: git add -N -- " + words[0]
	case len(names) <= 3 && len(words) == len(names):
		how = "to include them: git add -N -- " + strings.Join(words, " ")
	}
	fmt.Fprintf(w, "quorum: note: %d untracked file%s not reviewed: %s (%s)\n",
		len(names), cmdutil.Plural(len(names)), report.FirstFew(names), how)
}

// nothingToReview reports an empty range: a message for people, and a valid
// empty document for machine formats. Exit 0.
func nothingToReview(opts *ReviewOptions, cfg *config.Config, set *diff.Set, policy report.Policy) error {
	huge := tooLargeError(set)
	var left []string // changed files the rules left out
	for _, sk := range set.Skipped {
		if sk.Reason != diff.SkipUntracked {
			left = append(left, report.SkippedItem(sk.Path, sk.Reason))
		}
	}
	switch {
	case huge != nil:
	case len(left) > 0:
		// Files did change: "nothing to review" would hide that a rule
		// (an ignore: glob too wide, a generated marker) left them all
		// out. Said even with -q, as what a review leaves out always is.
		fmt.Fprintf(opts.IO.ErrOut, "quorum: nothing reviewed: every changed file was skipped: %s\n", report.FirstFew(left))
		fmt.Fprintln(opts.IO.ErrOut, "hint: such files are not reviewed, by the rules; 'quorum diff' (with this review's range flags) lists each with its reason")
	case !opts.Quiet:
		msg := "quorum: nothing to review"
		if set.Mode == diff.ModeRange && set.Base.Ref != "" && len(set.Commits) == 0 {
			// Named, so a base the user did not expect (origin/feat after
			// a push) is seen to be the reason.
			msg += fmt.Sprintf(": %s has no commit that %s lacks", safetext.OneLine(cmp.Or(set.Head.Ref, "HEAD")), safetext.OneLine(set.Base.Ref))
		}
		fmt.Fprintln(opts.IO.ErrOut, msg)
		if set.Mode == diff.ModeRange && len(set.Commits) == 0 {
			// On the base branch itself, the default range is always
			// empty: the work is uncommitted, or in commits the base has.
			fmt.Fprintln(opts.IO.ErrOut, emptyRangeHint)
		}
	}
	raw := noAnswers(opts)
	if opts.Raw {
		return cmp.Or(emitRaw(opts, raw), huge)
	}
	if opts.Format == "text" {
		return huge
	}
	c, err := consolidate(context.Background(), opts, cfg, set, raw, policy)
	if err != nil {
		return err
	}
	if err := emit(opts, c); err != nil && (huge == nil || !errors.Is(err, exitcode.FindingsError)) {
		return err
	}
	return huge // exit 2 rather than the gate's 1: no model read anything
}

// emptyRangeHint names the reviews that do not compare against the base.
const emptyRangeHint = "hint: review uncommitted changes with --worktree (or the index with --staged), or commits already on the base with --commits A..B"

// notReviewed is the exit of a review that could not start once its diff
// was read (the server unreachable, no usable model): err, after, in a
// machine format, the document of a review nobody answered, as when every
// reviewer fails, so that a CI step reading or uploading it never gets an
// empty file.
func notReviewed(opts *ReviewOptions, cfg *config.Config, set *diff.Set, policy report.Policy, err error) error {
	if opts.Format == "text" || opts.Raw {
		return err
	}
	raw := noAnswers(opts)
	if c, cerr := consolidate(context.Background(), opts, cfg, set, raw, policy); cerr == nil {
		_ = emit(opts, c) // nobody answered: nothing can trip the gate
	}
	return err
}

// noAnswers is the raw output of a review no model was asked for.
func noAnswers(opts *ReviewOptions) *review.Raw {
	return &review.Raw{Schema: "quorum.raw/v1", StartedAt: opts.Now(), Results: []review.RawResult{}}
}

// outcome turns how the run ended into the command's error: interrupted,
// timed out, or nobody answered.
func outcome(opts *ReviewOptions, cfg *config.Config, raw *review.Raw, runErr error, ctx context.Context, cacheErr error) error {
	parent := opts.Context
	// Without a working cache, nothing answered is kept for the next run.
	kept, again := "finished answers are kept", "answered chunks come from the cache"
	switch {
	case !cfg.Cache:
		kept, again = "nothing is cached (--no-cache)", "the cache is off, so it starts over"
	case cacheErr != nil:
		kept, again = "answers could not be cached (see the warning)", "nothing was cached, so it starts over"
	case !anyChunkAnswered(raw):
		kept, again = "no model had answered yet", "nothing had finished, so it starts over"
	}
	switch {
	case parent != nil && parent.Err() != nil:
		return exitcode.New(exitcode.Setup, fmt.Errorf("review interrupted; %s", kept),
			"run the review again to finish; "+again)
	case raw.Interrupted && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return exitcode.New(exitcode.Setup, fmt.Errorf("review timed out after %s; %s", cfg.Timeout, kept),
			"raise --timeout (or timeout in .quorum.yaml), or review fewer files; "+again)
	case runErr != nil:
		if errors.Is(runErr, context.DeadlineExceeded) {
			// One request ran out of --request-timeout, not the whole review.
			return exitcode.New(exitcode.Setup, runErr, fmt.Sprintf("raise --request-timeout (now %s), or check `ollama ps` for a model stuck loading", opts.RequestTimeout))
		}
		return noAnswerError(errmap.WithHostOrigin(runErr, cfg))
	}
	return nil
}

// anyChunkAnswered reports whether some chunk of raw has an answer (asked
// now or from the cache): what "finished answers are kept" promises.
func anyChunkAnswered(raw *review.Raw) bool {
	for _, res := range raw.Results {
		for _, ch := range res.Chunks {
			if ch.Answer != nil {
				return true
			}
		}
	}
	return false
}

// withTypos puts a "did you mean" (cmdutil.MissingTypos) in the hint of
// err, the error of a review nobody answered (cmdutil.WithTypos).
func withTypos(err error, typos string) error {
	if err == nil || typos == "" {
		return err
	}
	return exitcode.New(exitcode.Of(err), errors.Unwrap(err), cmdutil.WithTypos(exitcode.HintOf(err), typos))
}

// noAnswerError gives "no reviewer could answer" the cause's exit code and
// hint; an unusable model answer is a setup problem (pick another model).
func noAnswerError(err error) error {
	code, hint, ok := errmap.Match(err)
	if !ok {
		code = exitcode.Setup
	}
	if hint == "" {
		switch {
		case errors.Is(err, run.ErrCutOff):
			hint = errmap.CutOffHint
		case errors.Is(err, run.ErrBadAnswer):
			hint = errmap.BadAnswerHint
		case errors.Is(err, run.ErrPromptTruncated):
			hint = errmap.PromptTruncatedHint
		case errors.Is(err, run.ErrOwnContext):
			hint = run.OwnContextHintOf(err)
		case errors.Is(err, run.ErrNothingFits):
			hint = errmap.NothingFitsHint
		default:
			hint = "run `quorum doctor` to check the server and models"
		}
	}
	var na *run.NoAnswerError
	if errors.As(err, &na) && len(na.Missing) > 1 && strings.HasPrefix(hint, "ollama pull ") {
		// The backend's hint pulls the first missing model; all of them.
		hint = "ollama pull " + strings.Join(na.Missing, " && ollama pull ")
	}
	return exitcode.New(code, err, hint)
}
