// Package doctorcmd implements `quorum doctor`: checks everything a review needs and says how to fix what is missing.
package doctorcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/internal/teamconfig"
	"github.com/quorum-review/quorum/review/dismiss"
)

// DoctorOptions are the parsed flags of `quorum doctor`.
type DoctorOptions struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory
	Context context.Context

	Conn       cmdutil.Connection
	Models     []string // --models; empty means the configured or default panel
	MaxContext int      // --max-context; 0 means the configuration's
	Timeout    time.Duration

	// Injected by tests; nil means the real thing.
	Resolver    ollama.Resolver
	MeminfoPath string
}

// NewCmdDoctor builds `quorum doctor`. runF replaces the run function in
// tests of flag parsing; nil means the real one.
func NewCmdDoctor(f *cmdutil.Factory, runF func(*DoctorOptions) error) *cobra.Command {
	opts := &DoctorOptions{IO: f.IOStreams, Factory: f}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check that quorum can review here, and say how to fix what is missing",
		Long: `Check everything a review needs: git, the repository, the configuration,
a reachable local Ollama and its version, the panel's models, the context each
model gets, whether the panel fits in memory, the judge (merge.judge): its
model, its context and whether it fits in memory after the reviewers, and what
the pre-push hook would do right now. Each problem is printed with the command
that fixes it.

Exits 2 when something blocks a review, 0 otherwise (warnings included).`,
		Example: `  quorum doctor
  quorum doctor --models qwen2.5-coder:7b,llama3.1:8b`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Context = cmd.Context()
			if opts.Timeout <= 0 {
				return exitcode.Setupf("use a positive duration such as --timeout 1m", "--timeout must be positive")
			}
			if opts.MaxContext < 0 || (opts.MaxContext > 0 && opts.MaxContext < 512) {
				return exitcode.Setupf("use --max-context 512 or more (tokens)", "--max-context %d is too small", opts.MaxContext)
			}
			if cmd.Flags().Changed("models") && len(opts.Models) == 0 {
				// `--models "$MODELS"` with MODELS unset: as review refuses it.
				return exitcode.Setupf("give --models a comma-separated list, or leave it out for the configured panel", "--models is empty")
			}
			for _, m := range opts.Models {
				if strings.TrimSpace(m) == "" {
					return exitcode.Setupf("list model names separated by commas, e.g. --models qwen2.5-coder:7b,llama3.1:8b", "--models has an empty name")
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return doctorRun(opts)
		},
	}
	opts.Conn.AddFlags(cmd.Flags())
	cmd.Flags().StringSliceVar(&opts.Models, "models", nil, "check this panel (`a,b,c`) instead of the configured or default one")
	cmd.Flags().IntVar(&opts.MaxContext, "max-context", 0, "cap on num_ctx in `TOKENS` (default: max_context config)")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", time.Minute, "give up on Ollama after `DURATION`")
	return cmd
}

// Status of one check.
type Status int

const (
	OK   Status = iota
	Info        // nothing to fix; worth knowing
	Warn        // a review runs, but worse than it could
	Fail        // blocks a review
)

func (s Status) mark() string {
	return [...]string{"ok  ", "info", "warn", "FAIL"}[s]
}

// Check is one line of the report.
type Check struct {
	Name   string
	Status Status
	Detail string
	Fix    string
}

// report collects checks in order.
type report struct{ checks []Check }

func (r *report) add(name string, s Status, detail, fix string) {
	r.checks = append(r.checks, Check{Name: name, Status: s, Detail: detail, Fix: fix})
}

func (r *report) failures() int {
	n := 0
	for _, c := range r.checks {
		if c.Status == Fail {
			n++
		}
	}
	return n
}

// write prints each check. Details and fixes name models, hosts and paths
// from the configuration (a cloned repository's too) and from the server:
// they are sanitised here, once, so no check can put an escape sequence
// on the terminal.
func (r *report) write(w io.Writer) {
	for _, c := range r.checks {
		fmt.Fprintf(w, "%s  %-11s %s\n", c.Status.mark(), c.Name, safetext.Sanitize(c.Detail))
		if c.Fix != "" {
			fmt.Fprintf(w, "      %-11s fix: %s\n", "", safetext.Sanitize(c.Fix))
		}
	}
}

func doctorRun(opts *DoctorOptions) error {
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	r := &report{}
	d := &doctor{opts: opts, r: r}
	d.run(ctx)
	r.write(opts.IO.Out)
	if n := r.failures(); n > 0 {
		what := "1 problem blocks a review"
		if n > 1 {
			what = fmt.Sprintf("%d problems block a review", n)
		}
		return exitcode.Setupf("fix the problems marked FAIL above, then run `quorum doctor` again", "%s", what)
	}
	fmt.Fprintln(opts.IO.Out, "\nready to review")
	return nil
}

type doctor struct {
	opts *DoctorOptions
	r    *report
	cfg  *config.Config
	// partial: some panel models are missing, and the others (usable of
	// panelSize) can review: the hook runs them, or blocks under
	// on_unavailable: block.
	partial           bool
	usable, panelSize int
	// hookGate is why the hook's gate can never work with this panel
	// (hook.min_agreement over its size): every push is refused.
	hookGate string
	// configBroken: the configuration does not load. Every check that
	// reads it (the server, the panel, the hook's settings) would check
	// defaults the user did not choose, so they are not run.
	configBroken bool
	// push is the configuration a push of the checked-out branch is
	// reviewed under (teamconfig: the remote default branch's .quorum.yaml
	// when the branch carries another), and pushNote says so; read once.
	push     *config.Config
	pushNote string
	pushRead bool
}

// pushConfig is the configuration the hook reviews a push of the current
// branch under, as `quorum status` and the hook decide it; cfg when there
// is no branch or remote to tell.
func (d *doctor) pushConfig(ctx context.Context) (*config.Config, string) {
	if d.pushRead {
		return d.push, d.pushNote
	}
	d.pushRead, d.push = true, d.cfg
	if d.cfg == nil {
		return d.push, ""
	}
	if _, br, err := hook.PlanBranch(ctx, d.dir()); err == nil {
		if c, note, err := teamconfig.Resolve(ctx, d.dir(), br.Remote, "", []hook.Update{br.Update()}, d.cfg, d.opts.Factory.Getenv); err == nil {
			d.push, d.pushNote = c, note
		}
	}
	return d.push, d.pushNote
}

func (d *doctor) dir() string {
	if d.opts.Factory.WorkDir != "" {
		return d.opts.Factory.WorkDir
	}
	return "."
}

func (d *doctor) run(ctx context.Context) {
	d.checkConfig()
	d.checkGuidelines(ctx)
	d.checkCache()
	d.checkGit(ctx)
	if d.configBroken {
		for _, n := range []string{"ollama", "panel", "context", "memory"} {
			d.r.add(n, Info, "not checked: the configuration does not load (above)", "")
		}
		d.checkHookUnconfigured(ctx)
		return
	}
	ollamaOK, installedPanel := d.checkOllama(ctx)
	d.checkHook(ctx, ollamaOK, installedPanel)
}

// checkGuidelines names the guideline files the models are given, when
// there are any: the repository's (those at HEAD: each change's base has
// its own) under the configuration a push is reviewed under, and the
// user's own. A file the repository's .quorum.yaml names that neither HEAD
// nor the work tree has (a typo) gives the models nothing: warned.
func (d *doctor) checkGuidelines(ctx context.Context) {
	if d.cfg == nil || d.configBroken || d.cfg.Root == "" {
		return
	}
	cfg, _ := d.pushConfig(ctx)
	names := slices.Clone(config.RepoGuidelineFiles)
	named := map[string]bool{}
	var mine []string
	for _, p := range cfg.Guidelines {
		rel, err := filepath.Rel(cfg.Root, p)
		if err == nil && cfg.RepoNamedGuidelines() && config.InsideByName(cfg.Root, p) {
			names = cmdutil.AppendNew(names, filepath.ToSlash(rel))
			named[filepath.ToSlash(rel)] = true
		} else {
			mine = append(mine, p)
		}
	}
	specs := make([]string, len(names))
	for i, n := range names {
		specs[i] = "HEAD:" + n
	}
	blobs, err := (&gitexec.Git{Dir: cfg.Root}).ReadBlobs(ctx, specs)
	if err != nil {
		return // no commit yet, or no git: the git check says so
	}
	var repo, lost []string
	for i, n := range names {
		switch {
		case blobs[i].State == gitexec.Found:
			repo = append(repo, n)
		case named[n]:
			if _, err := os.Lstat(filepath.Join(cfg.Root, filepath.FromSlash(n))); err != nil {
				lost = append(lost, n)
			}
		}
	}
	if len(lost) > 0 {
		d.r.add("guidelines", Warn, fmt.Sprintf("%s, named by guidelines: in .quorum.yaml, is neither at HEAD nor in the work tree: the models get nothing from it", strings.Join(lost, ", ")),
			"fix the path under guidelines: in .quorum.yaml (relative to the repository root)")
	}
	var parts []string
	if len(repo) > 0 {
		parts = append(parts, "the repository's "+strings.Join(repo, ", ")+" (at HEAD; a review quotes them as its change's base has them)")
	}
	if len(mine) > 0 {
		parts = append(parts, "yours: "+strings.Join(mine, ", "))
	}
	if len(parts) > 0 { // none is the common case, and no news
		d.r.add("guidelines", Info, strings.Join(parts, "; "), "")
	}
}

func (d *doctor) checkConfig() {
	cfg, err := d.opts.Conn.Effective(d.opts.Factory)
	d.cfg = cfg
	if err != nil {
		d.r.add("config", Fail, safetext.OneLine(err.Error()), errmap.Hint(err))
		d.configBroken = true
		return
	}
	environ := d.opts.Factory.Environ
	if environ == nil {
		environ = os.Environ
	}
	if unknown := config.UnknownEnv(environ()); len(unknown) > 0 {
		d.r.add("config", Warn, "not quorum settings, so ignored: "+safetext.OneLine(strings.Join(unknown, ", ")),
			"rename or unset them: "+config.UnknownEnvHint)
	}
	var files []string
	for _, f := range []string{d.cfg.UserFile, d.cfg.RepoFile} {
		if f != "" && fileExists(f) {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		d.r.add("config", OK, "defaults (no .quorum.yaml or user config; `quorum init` writes one)", "")
		return
	}
	d.r.add("config", OK, strings.Join(files, ", "), "")
}

// checkCache warns when answers would not be cached: the review still
// runs, but each one asks the models again (a re-push, a background review
// that finished before the push).
func (d *doctor) checkCache() {
	if d.cfg == nil {
		return // the config line says why
	}
	if !d.cfg.Cache {
		d.r.add("cache", Info, "off (cache: false, or QUORUM_CACHE=false): every review asks the models again", "")
		return
	}
	dir, err := cache.DefaultDir(d.opts.Factory.Getenv)
	if err != nil {
		d.r.add("cache", Warn, "answers will not be cached: "+safetext.OneLine(err.Error()), "point QUORUM_CACHE_DIR at an absolute directory")
		return
	}
	if err := cache.New(dir).Writable(); err != nil {
		d.r.add("cache", Warn, fmt.Sprintf("answers will not be cached: %s", safetext.OneLine(err.Error())),
			fmt.Sprintf("make %s a writable directory, or point QUORUM_CACHE_DIR at one", safetext.OneLine(dir)))
		return
	}
	d.r.add("cache", OK, safetext.OneLine(dir), "")
}

func (d *doctor) checkGit(ctx context.Context) {
	path := d.opts.Factory.Git.Bin()
	if path == "" {
		d.r.add("git", Fail, "git is not installed (or not in PATH)", "install git (apt install git, brew install git) and make sure `git --version` works")
		d.r.add("repository", Fail, "cannot check without git", "install git first")
		return
	}
	// The binary found is the one run; --version runs where quorum does
	// (the work dir may not exist: that is the repository check's to say).
	git := d.opts.Factory.Git.In("")
	git.Path = path
	out, err := git.Output(ctx, "--version")
	if err != nil {
		// The process's own error (exit status, permission denied), not git's words.
		var ge *gitexec.Error
		if errors.As(err, &ge) {
			err = ge.Err
		}
		d.r.add("git", Fail, fmt.Sprintf("%s does not run: %v", path, err), "reinstall git")
		return
	}
	d.r.add("git", OK, strings.TrimSpace(string(out)), "")
	top, err := git.In(d.dir()).Output(ctx, "rev-parse", "--show-toplevel")
	if err != nil {
		abs, _ := filepath.Abs(d.dir())
		if de := diff.BareRepoAt(abs); de != nil {
			d.r.add("repository", Fail, de.Error(), "run quorum in a clone with a work tree (`git clone "+de.Dir+"`)")
			return
		}
		d.r.add("repository", Fail, "not a git repository: "+abs, errmap.NotRepoHint)
		return
	}
	if de := diff.UnsupportedAt(d.dir()); de != nil {
		d.r.add("repository", Fail, de.Error(), errmap.DiffHint(de))
		return
	}
	d.r.add("repository", OK, strings.TrimSpace(string(top)), "")
	d.checkRange(strings.TrimSpace(string(top)))
	d.checkLedger(ctx, git.In(d.dir()), strings.TrimSpace(string(top)))
}

// checkLedger reads the dismissal ledgers every review and push reads: one
// that does not load (a merge's conflict markers, an entry without a
// reason) stops them all, which "ready to review" would hide. A repository
// with no dismissals gets no line.
func (d *doctor) checkLedger(ctx context.Context, git *gitexec.Git, root string) {
	out, err := git.Output(ctx, "rev-parse", "--absolute-git-dir")
	if err != nil {
		return
	}
	l, err := dismiss.Load(root, strings.TrimSpace(string(out)))
	switch {
	case err != nil:
		d.r.add("dismissals", Fail, err.Error(), dismiss.Hint(root, err))
	case len(l.Entries) > 0:
		d.r.add("dismissals", OK, dismissalCount(len(l.Entries))+", readable", "")
	}
}

// dismissalCount is "1 dismissal" or "N dismissals".
func dismissalCount(n int) string {
	if n == 1 {
		return "1 dismissal"
	}
	return fmt.Sprintf("%d dismissals", n)
}

// checkRange is what 'quorum review' with no flags would review: a
// repository with no commits, no base branch or a branch that shares no
// history with its base cannot be reviewed that way, which "ready to
// review" would hide.
func (d *doctor) checkRange(root string) {
	st, err := diff.CheckHead(root)
	if err != nil {
		return // the repository line has spoken
	}
	switch {
	case st.Err != nil:
		d.r.add("range", Fail, "'quorum review' cannot run: "+safetext.OneLine(st.Err.Error()), errmap.Hint(st.Err))
	case st.Base == "":
		err := &diff.Error{Kind: diff.NoBase}
		d.r.add("range", Fail, "'quorum review' cannot run: no base branch found (no upstream, origin/HEAD, main or master)", errmap.Hint(err))
	case st.Branch == st.Base:
		d.r.add("range", Info, fmt.Sprintf("on %s, the base branch itself: 'quorum review' reviews a branch against it (or --commits A..B, --staged)", safetext.OneLine(st.Base)), "")
	default:
		d.r.add("range", OK, fmt.Sprintf("%s against %s", safetext.OneLine(st.Branch), safetext.OneLine(st.Base)), "")
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
