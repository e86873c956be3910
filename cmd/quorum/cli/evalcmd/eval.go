// Package evalcmd implements `quorum eval`: measure a panel on the repository's own history.
package evalcmd

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/eval"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/gitexec"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/progress"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/run"
)

// DefaultRequestTimeout bounds one model request (load included).
const DefaultRequestTimeout = 10 * time.Minute

// EvalOptions are the parsed flags of `quorum eval` and what the run needs.
type EvalOptions struct {
	IO      *iostreams.IOStreams
	Context context.Context
	Getenv  func(string) string
	Now     func() time.Time
	WorkDir string
	Git     *gitexec.Git

	Cases  int
	Seed   int64
	Mining eval.Mining

	Window            int
	Severity          string
	MaxCleanBlockRate float64
	SeverityPolicy    string

	Models         []string
	MaxContext     int
	NumPredict     int
	Parallel       int
	NoCache        bool
	Quiet          bool
	Format         string
	API            string
	Host           string
	AllowRemote    bool
	RequestTimeout time.Duration

	Flags *pflag.FlagSet
	// Resolver is the loopback guard's resolver (tests inject one); nil is the system's.
	Resolver ollama.Resolver
	// Busy is the client's backoff on 503 (tests shorten it); zero is the default.
	Busy ollama.BackoffPolicy
}

// flagKeys maps flags to the configuration keys they override.
var flagKeys = map[string]string{
	"models":          "models",
	"max-context":     "max_context",
	"num-predict":     "num_predict",
	"parallel":        "parallel",
	"ollama-host":     "ollama_host",
	"host":            "host",
	"api":             "api",
	"allow-remote":    "allow_remote",
	"severity-policy": "severity_policy",

	"cases":                "eval.cases",
	"fix-pattern":          "eval.fix_pattern",
	"clean-pattern":        "eval.clean_pattern",
	"max-files":            "eval.max_files",
	"max-lines":            "eval.max_lines",
	"clean-window":         "eval.clean_window",
	"window":               "eval.window",
	"max-clean-block-rate": "eval.max_clean_block_rate",
}

// NewCmdEval builds `quorum eval`. runF replaces the run function in tests
// of flag parsing; nil means the real one.
func NewCmdEval(f *cmdutil.Factory, runF func(*EvalOptions) error) *cobra.Command {
	opts := &EvalOptions{IO: f.IOStreams, Getenv: f.Getenv, Now: f.Now, WorkDir: f.WorkDir, Git: f.Git}
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Measure the panel on this repository's own history",
		Long: `Build review cases from the repository's history and score the panel on them.

A bug case is a fix commit reversed on top of itself: a change that brings
the bug back. A finding hits when it is anchored within --window lines of a
line the fix touched. A clean case is a commit unlikely to add a bug
(a refactor, rename, test or chore commit, or one no later fix touched);
findings on it count as likely false positives (a proxy).

Cases run through the same pipeline as 'quorum review' (same prompts, cache,
anchoring and merge), so a second run of the same cases makes no model
request, and an interrupted run resumes. Cases are built from git objects
only: the work tree, index, branches and stash are never touched.

The output scores each model, each gate rule (k of n reviewers, at or
above a severity) and recommends the panel and --min-agreement with the best
recall whose clean-case block rate is within --max-clean-block-rate.`,
		Example: `  quorum eval --cases 10
  quorum eval --cases 40 --seed 7 --since 2024-01-01 --paths internal/
  quorum eval --models qwen2.5-coder:7b,llama3.1:8b --format json > eval.json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Context = cmd.Context()
			opts.Flags = cmd.Flags()
			if err := validate(opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return evalRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&opts.Cases, "cases", eval.DefaultCases, "score at most `N` cases, half bug and half clean (a sample picked by --seed; config eval.cases)")
	fl.Int64Var(&opts.Seed, "seed", 1, "`SEED` of the deterministic sample")
	fl.StringVar(&opts.Mining.Since, "since", "", "only commits after `DATE` (as git log --since)")
	fl.StringSliceVar(&opts.Mining.Paths, "paths", nil, "only files under these path prefixes (`PATHS`, comma-separated; relative to the current directory, as git reads paths; no globs)")
	fl.StringVar(&opts.Mining.Rev, "rev", "", "read history from `REV` (default HEAD)")
	fl.StringVar(&opts.Mining.FixPattern, "fix-pattern", "", "a fix commit's subject or body matches this `REGEXP` (default: eval.fix_pattern config, "+eval.DefaultFixPattern+")")
	fl.StringVar(&opts.Mining.CleanPattern, "clean-pattern", "", "a clean commit's subject matches this `REGEXP` (default: eval.clean_pattern config, "+eval.DefaultCleanPattern+")")
	fl.IntVar(&opts.Mining.MaxFiles, "max-files", eval.DefaultMaxFiles, "skip commits changing more than `N` code files")
	fl.IntVar(&opts.Mining.MaxLines, "max-lines", eval.DefaultMaxLines, "skip commits changing more than `N` lines of code")
	fl.IntVar(&opts.Mining.CleanWindow, "clean-window", eval.DefaultCleanWindow, "a commit no fix touched in the next `N` commits counts as clean")
	fl.IntVar(&opts.Window, "window", eval.DefaultWindow, "a finding within `N` lines of a line the fix touched hits")
	fl.StringVar(&opts.Severity, "severity", review.Important, "per-model figures count findings at or above `SEVERITY`: critical, important or suggestion")
	fl.Float64Var(&opts.MaxCleanBlockRate, "max-clean-block-rate", eval.DefaultMaxCleanBlockRate, "the recommendation blocks at most this `FRACTION` of clean cases")
	fl.StringVar(&opts.SeverityPolicy, "severity-policy", "", "how reviewers' severity votes combine (`POLICY`): upper-median, max or majority (default: severity_policy config)")
	fl.StringSliceVar(&opts.Models, "models", nil, "reviewer `MODELS`, comma-separated (default: the review panel)")
	fl.IntVar(&opts.MaxContext, "max-context", run.DefaultMaxContext, "cap every model's context window at `TOKENS`")
	fl.IntVar(&opts.NumPredict, "num-predict", run.DefaultNumPredict, "bound every answer at `TOKENS`")
	fl.IntVar(&opts.Parallel, "parallel", 1, "requests in flight per model")
	fl.BoolVar(&opts.NoCache, "no-cache", false, "neither read nor write cached answers (a second run asks again)")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress on stderr")
	fl.StringVar(&opts.Format, "format", "text", "output `FORMAT`: text, markdown or json (schema quorum.eval/v1)")
	cmdutil.AddServerFlags(fl, &opts.API, &opts.Host)
	fl.BoolVar(&opts.AllowRemote, "allow-remote", false, "allow a non-loopback model server (the code is sent to it)")
	fl.DurationVar(&opts.RequestTimeout, "request-timeout", DefaultRequestTimeout, "give up one model request after `DURATION`")
	cmd.AddCommand(NewCmdEvalMerge(f, nil))
	return cmd
}

func validate(o *EvalOptions) error {
	if !slices.Contains(eval.Formats, o.Format) {
		return exitcode.Setupf("use --format text, markdown or json", "unknown format %q", o.Format)
	}
	// In flag order, so the error names the same flag every run.
	for _, f := range []struct {
		name string
		v    int
	}{{"cases", o.Cases}, {"max-files", o.Mining.MaxFiles}, {"max-lines", o.Mining.MaxLines}, {"clean-window", o.Mining.CleanWindow}, {"max-context", o.MaxContext}, {"num-predict", o.NumPredict}, {"parallel", o.Parallel}} {
		name, v := f.name, f.v
		if v < 1 {
			return exitcode.Setupf("give --"+name+" a positive number", "--%s must be at least 1, got %d", name, v)
		}
	}
	if o.Window < 0 {
		return exitcode.Setupf("give --window a number of lines, 0 or more", "--window cannot be negative, got %d", o.Window)
	}
	if review.SeverityRank(o.Severity) == 0 {
		return exitcode.Setupf("use --severity critical, important or suggestion", "unknown severity %q", o.Severity)
	}
	if o.MaxCleanBlockRate < 0 || o.MaxCleanBlockRate > 1 {
		return exitcode.Setupf("give --max-clean-block-rate a fraction between 0 and 1, like 0.1", "--max-clean-block-rate %g is not between 0 and 1", o.MaxCleanBlockRate)
	}
	if o.RequestTimeout < 0 {
		return exitcode.Setupf("give a positive duration like 10m", "--request-timeout cannot be negative")
	}
	return nil
}

func settings(o *EvalOptions) (*config.Config, error) {
	cfg, err := loadConfig(o.WorkDir, o.Getenv, o.Flags, flagKeys, o.NoCache)
	if err != nil {
		return nil, err
	}
	// The eval: settings, each from its flag when given, else the config.
	e := cfg.Eval
	o.Cases, o.Window, o.MaxCleanBlockRate = e.Cases, e.Window, e.MaxCleanBlockRate
	o.Mining.FixPattern, o.Mining.CleanPattern = e.FixPattern, e.CleanPattern
	o.Mining.MaxFiles, o.Mining.MaxLines, o.Mining.CleanWindow = e.MaxFiles, e.MaxLines, e.CleanWindow
	return cfg, nil
}

// loadConfig is the configuration of an eval command run in dir: the
// files and environment, then the flags given (keys maps them to their
// configuration keys); --no-cache turns the cache off.
func loadConfig(dir string, getenv func(string) string, flags *pflag.FlagSet, keys map[string]string, noCache bool) (*config.Config, error) {
	cfg, err := config.Load(dirOr(dir), getenv)
	if err != nil {
		return nil, err
	}
	if flags != nil {
		if err := cfg.ApplyFlags(flags, keys); err != nil {
			return nil, err
		}
	}
	if noCache {
		cfg.Cache = false
	}
	return cfg, nil
}

func dirOr(d string) string {
	if d == "" {
		return "."
	}
	return d
}

// ErrNoCases is returned when the history gives no case at all.
var ErrNoCases = errors.New("no case found")

func evalRun(o *EvalOptions) error {
	ctx := o.Context
	if ctx == nil {
		ctx = context.Background()
	}
	cfg, err := settings(o)
	if err != nil {
		return err
	}
	if _, err := diff.GitDir(dirOr(o.WorkDir)); err != nil {
		return err
	}
	if rev := o.Mining.Rev; rev == "" || rev == "HEAD" {
		// An unborn HEAD: say so, not git log's "bad revision 'HEAD'".
		var de *diff.Error
		if st, err := diff.CheckHead(dirOr(o.WorkDir)); err == nil && errors.As(st.Err, &de) && de.Kind == diff.NoCommits {
			if st.Orphan {
				return exitcode.Setupf("pass --rev with a branch that has commits, or check one out",
					"branch %s has no commits yet", st.Branch)
			}
			return exitcode.Setupf("make some commits first: eval builds its cases from the history's fix commits",
				"the repository has no commits yet")
		}
	}
	if o.Git.Bin() == "" {
		return exitcode.Setupf("install git, or put it on PATH", "quorum eval needs the git binary, which is not on PATH")
	}
	if err := checkSince(ctx, o.Git, dirOr(o.WorkDir), o.Mining.Since); err != nil {
		return err
	}
	if o.Mining.Paths, err = repoPaths(dirOr(o.WorkDir), o.Mining.Paths); err != nil {
		return err
	}
	cases, skipped, err := collect(ctx, o, cfg)
	if err != nil {
		return err
	}
	fw := &forward{}
	session, err := pipeline.Open(ctx, pipeline.Options{
		Config: cfg, Resolver: o.Resolver, Busy: o.Busy, Getenv: o.Getenv, Now: o.Now,
		Observer: fw, RequestTimeout: o.RequestTimeout,
	})
	if err != nil {
		return errmap.WithHostOrigin(err, cfg)
	}
	// As in a review: a model that cannot chat, or one model named twice,
	// is refused before any case is asked.
	if err := cmdutil.CheckChatModels(ctx, session); err != nil {
		return err
	}
	if err := cmdutil.CheckDistinctModels(ctx, session); err != nil {
		return err
	}
	// A model that is not there would be scored as if it had missed every
	// bug: a panel picked from the table would be judged on nothing.
	if m := session.MissingModel(ctx); m != "" {
		// A typo of an installed model is more likely than a model to pull.
		hint := cmdutil.WithTypos(fmt.Sprintf("ollama pull %s, or leave it out of --models", m), cmdutil.ModelTypos(ctx, session, m))
		return exitcode.Setupf(hint, "%s is not installed: an eval cannot score it", m)
	}
	var cost costs
	if cfg.Cache {
		if dir, err := cache.DefaultDir(o.Getenv); err == nil {
			cost.c = cache.New(dir)
		}
	}
	inputs, err := answer(ctx, o, session, fw, cost, cases)
	if err != nil {
		return err
	}
	if err := session.CacheErr(); err != nil {
		// The scores stand; a second run would ask the models again.
		cmdutil.Warn(o.IO.ErrOut, "", err)
	}
	res, err := eval.Score(inputs, skipped, eval.Settings{
		Window: o.Window, Severity: o.Severity, SeverityPolicy: cfg.SeverityPolicy,
		MaxCleanBlockRate: o.MaxCleanBlockRate, Seed: o.Seed, Requested: o.Cases,
	})
	if err != nil {
		return exitcode.Setupf("check --severity-policy", "%v", err)
	}
	return eval.Write(o.IO.Out, o.Format, res)
}

// collect reads history and builds up to --cases cases: ceil(N/2) bug
// cases and the rest clean, each kind taking up what the other lacks.
func collect(ctx context.Context, o *EvalOptions, cfg *config.Config) ([]*eval.Case, []eval.Skip, error) {
	dir := dirOr(o.WorkDir)
	hist, err := eval.History(ctx, o.Git, dir, o.Mining)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, errInterruptedEarly
		}
		var ge *gitexec.Error
		if errors.As(err, &ge) {
			err = errors.New(ge.Msg) // git's own words, not its command line
		}
		return nil, nil, exitcode.Setupf("check that --rev names a commit and --since a date git understands (git log --since)", "cannot read the history: %v", err)
	}
	bugC, cleanC, skipped, err := eval.Candidates(hist, o.Mining)
	if err != nil {
		return nil, nil, exitcode.Setupf("fix the regular expression (Go syntax, like (?i)\\bfix\\b)", "%v", err)
	}
	bugC, cleanC = eval.Order(bugC, o.Seed), eval.Order(cleanC, o.Seed)
	wantBug := (o.Cases + 1) / 2
	if len(cleanC) < o.Cases-wantBug {
		wantBug = o.Cases - len(cleanC)
	}
	var cases []*eval.Case
	take := func(cands []eval.Candidate, want int) error {
		n := 0
		for _, c := range cands {
			if n >= want {
				break
			}
			cs, why, err := eval.Build(ctx, o.Git, dir, cfg.Ignore, c)
			if err != nil {
				if ctx.Err() != nil {
					return errInterruptedEarly
				}
				return err
			}
			if why != "" {
				skipped = append(skipped, eval.Skip{Kind: c.Kind, Commit: c.Commit.SHA, Subject: c.Commit.Subject, Reason: why})
				continue
			}
			cases = append(cases, cs)
			n++
		}
		return nil
	}
	if err := take(bugC, wantBug); err != nil {
		return nil, nil, err
	}
	if err := take(cleanC, o.Cases-len(cases)); err != nil {
		return nil, nil, err
	}
	if len(cases) == 0 {
		return nil, nil, exitcode.New(exitcode.Setup,
			fmt.Errorf("%w in the history: %d fix commits and %d clean commits qualify, %d were skipped", ErrNoCases, len(bugC), len(cleanC), len(skipped)),
			fmt.Sprintf("widen --since or --paths, raise --max-files or --max-lines, or adjust --fix-pattern and --clean-pattern; a commit counts as clean only with --clean-window (%d) commits after it, so a short history needs a smaller one", o.Mining.CleanWindow))
	}
	if len(cases) < o.Cases {
		// Fewer than asked is a smaller measure: say why, not only how many.
		bugs := 0
		for _, c := range cases {
			if c.Kind == eval.KindBug {
				bugs++
			}
		}
		fmt.Fprintf(o.IO.ErrOut, "quorum: eval: %d cases of the %d asked (%d bug, %d clean): no more qualify (%d fix commits, %d clean ones, %d skipped); a commit counts as clean only with --clean-window (%d) commits after it\n",
			len(cases), o.Cases, bugs, len(cases)-bugs, len(bugC), len(cleanC), len(skipped), o.Mining.CleanWindow)
	}
	return cases, skipped, nil
}

// errInterruptedEarly is Ctrl-C before any model was asked.
var errInterruptedEarly = exitcode.New(exitcode.Setup, errors.New("eval interrupted while building its cases; no model was asked yet"),
	"run the same command again")

// interrupted is Ctrl-C between or during cases: with a cache, a second
// run resumes where this one stopped; without one it starts over.
func interrupted(done, total int, cached bool) error {
	if !cached {
		return exitcode.New(exitcode.Setup, fmt.Errorf("eval interrupted after %d of %d cases; nothing is cached, so no answer is kept", done, total),
			"run the same command again: it starts over (without --no-cache, or with the cache on, a second run resumes)")
	}
	return exitcode.New(exitcode.Setup, fmt.Errorf("eval interrupted after %d of %d cases; answers so far are kept", done, total),
		"run the same command again to resume: answered cases come from the cache")
}

// answer has the panel review every case, one after another, with
// progress on stderr. Answers are cached as they come, so an interrupted
// eval resumes where it stopped.
func answer(ctx context.Context, o *EvalOptions, s *pipeline.Session, obs *forward, cost costs, cases []*eval.Case) ([]eval.Input, error) {
	var inputs []eval.Input
	for i, c := range cases {
		if !o.Quiet {
			fmt.Fprintf(o.IO.ErrOut, "quorum: eval: case %d/%d: %s %s (%s)\n", i+1, len(cases), c.Kind, c.Commit[:min(len(c.Commit), 10)], safetext.Clip(safetext.OneLine(c.Subject), 60))
		}
		rep := progress.New(o.IO, o.Quiet, o.Now)
		obs.set(rep)
		set := c.Set
		raw, runErr := s.Run(ctx, s.Plan(set, func(p string) ([]byte, error) { return diff.ReadNew(ctx, set, p) }))
		obs.set(nil)
		rep.Close()
		spent := cost.of(raw) // recorded even when interrupted: those answers are cached too
		if ctx.Err() != nil || (raw != nil && raw.Interrupted) {
			return nil, interrupted(i, len(cases), cost.c != nil)
		}
		if runErr != nil && (pipeline.Unavailable(runErr) || raw == nil) {
			return nil, runErr
		}
		inputs = append(inputs, eval.Input{Case: c, Raw: raw, Cost: spent})
	}
	return inputs, nil
}

// forward passes the session's progress to the current case's reporter.
type forward struct {
	mu  sync.Mutex
	cur run.Observer
}

func (f *forward) set(o run.Observer) {
	f.mu.Lock()
	f.cur = o
	f.mu.Unlock()
}

func (f *forward) get() run.Observer {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cur
}

func (f *forward) Planned(name string, chunks int) {
	if o := f.get(); o != nil {
		o.Planned(name, chunks)
	}
}

// Waiting passes a wait for another quorum process on when the current
// case's reporter shows one.
func (f *forward) Waiting(name, chunk string, waiting bool) {
	if w, ok := f.get().(run.WaitObserver); ok {
		w.Waiting(name, chunk, waiting)
	}
}

// Started passes a model's turn on when the current case's reporter
// times reviewers by it.
func (f *forward) Started(name string) {
	if s, ok := f.get().(run.StartObserver); ok {
		s.Started(name)
	}
}

func (f *forward) Loaded(name string, d time.Duration) {
	if o := f.get(); o != nil {
		o.Loaded(name, d)
	}
}

func (f *forward) Tokens(name string, n int) {
	if o := f.get(); o != nil {
		o.Tokens(name, n)
	}
}

func (f *forward) ChunkDone(name string, c review.ChunkResult) {
	if o := f.get(); o != nil {
		o.ChunkDone(name, c)
	}
}

func (f *forward) Finished(name string, r review.RawResult) {
	if o := f.get(); o != nil {
		o.Finished(name, r)
	}
}

// repoPaths makes --paths repository-relative as the mining compares them.
// Like git's pathspecs, a relative path is read from the current directory
// (from a subdirectory, "." is that subdirectory), and an absolute one
// must be inside the work tree; a path outside it is refused. Before, the
// mining read "/abs" as "abs" and "../x" as "x" and silently found nothing.
func repoPaths(dir string, paths []string) ([]string, error) {
	if len(paths) == 0 {
		return paths, nil
	}
	root, err := diff.WorkTree(dir)
	if err != nil {
		return nil, err
	}
	cwd, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	// A path history had but the checkout has not (a deleted directory)
	// cannot be resolved itself: resolve its longest existing prefix.
	real := func(p string) string {
		rest := ""
		for dir := p; ; dir = filepath.Dir(dir) {
			if r, err := filepath.EvalSymlinks(dir); err == nil {
				return filepath.Join(r, rest)
			}
			if dir == filepath.Dir(dir) {
				return p
			}
			rest = filepath.Join(filepath.Base(dir), rest)
		}
	}
	root, cwd = real(root), real(cwd)
	const hint = "give --paths inside the repository, relative to the current directory (as git does) or absolute"
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		p = strings.TrimSpace(p)
		if p == "" {
			// As git refuses an empty pathspec: "--paths ," is a mistake,
			// not "everything" or "here".
			return nil, exitcode.Setupf(hint, "--paths has an empty entry")
		}
		abs := p
		if !filepath.IsAbs(p) {
			abs = filepath.Join(cwd, p)
		}
		rel, err := filepath.Rel(root, real(filepath.Clean(abs)))
		rel = filepath.ToSlash(rel)
		if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			return nil, exitcode.Setupf(hint, "--paths %q is not under the repository at %s", p, root)
		}
		if rel == ".git" || strings.HasPrefix(rel, ".git/") {
			return nil, exitcode.Setupf(hint, "--paths %q is inside .git, which holds no reviewed file", p)
		}
		out = append(out, rel)
	}
	return out, nil
}

// checkSince refuses a --since git does not understand. git's approxidate
// reads anything it cannot parse ("garbage", "last sprint") as now, which
// would select no commits and look like a repository with no fixes.
func checkSince(ctx context.Context, g *gitexec.Git, dir, since string) error {
	since = strings.TrimSpace(since)
	if since == "" {
		return nil
	}
	switch strings.ToLower(since) {
	case "now", "today":
		return nil // meant as now
	}
	maxAge := func(s string) (int64, bool) {
		out, err := g.In(dir).Output(ctx, "rev-parse", "--since="+s)
		if err != nil {
			return 0, false
		}
		v, ok := strings.CutPrefix(strings.TrimSpace(string(out)), "--max-age=")
		n, err := strconv.ParseInt(v, 10, 64)
		return n, ok && err == nil
	}
	at, ok := maxAge(since)
	now, okNow := maxAge("now")
	if ok && okNow && at >= now-2 && at <= now+2 {
		return exitcode.Setupf("give a date or a span git understands, like 2026-01-01 or '3 months ago'",
			"--since %q: git reads it as now, which selects no commits", since)
	}
	return nil
}
