package hookcmd

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/ahead"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/ctxsleep"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/gitexec"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/internal/teamconfig"
)

// Review ahead of the push (issue 12): the post-commit hook runs `quorum
// hook post-commit`, which only spawns `quorum hook ahead-run` detached
// and returns; that run waits out a short debounce, takes the repository's
// lock (cancelling an older background run), reviews what a push of the
// branch would review, through the same pipeline and cache as the pre-push
// hook, and records its outcome. The pre-push hook then joins a run still
// in flight for the same commits (RunPush, joinAhead), or finds its
// answers in the cache.

// DefaultDebounce is how long a background run waits after its commit
// before it starts; a newer commit (an amend, a rebase's next pick) within
// it supersedes it. QUORUM_AHEAD_DEBOUNCE overrides it.
const DefaultDebounce = 2 * time.Second

// debounceOf is the background run's debounce: QUORUM_AHEAD_DEBOUNCE when
// it is a duration of 0 or more, else DefaultDebounce.
func debounceOf(getenv func(string) string) time.Duration {
	if d, err := time.ParseDuration(getenv("QUORUM_AHEAD_DEBOUNCE")); err == nil && d >= 0 {
		return d
	}
	return DefaultDebounce
}

// AheadNice is the niceness of the background run.
const AheadNice = 10

// cancelAhead stops a background run (SIGTERM); tests replace it.
var cancelAhead = ahead.Cancel

// PostCommitOptions are the parsed arguments of `quorum hook post-commit`.
type PostCommitOptions struct {
	IO         *iostreams.IOStreams
	Context    context.Context
	Dir        string
	Getenv     func(string) string
	Now        func() time.Time
	Executable func() (string, error)
	Environ    func() []string
	// Start starts the background run and returns its pid; nil is
	// ahead.Spawn.Start (detached, niced, streams on the log). Tests
	// record the spawn instead.
	Start func(ahead.Spawn) (int, error)
}

// NewCmdPostCommit builds the hidden `quorum hook post-commit`, what the
// post-commit hook calls.
func NewCmdPostCommit(f *cmdutil.Factory, runF func(*PostCommitOptions) error) *cobra.Command {
	opts := &PostCommitOptions{IO: f.IOStreams, Executable: os.Executable, Environ: os.Environ}
	cmd := &cobra.Command{
		Use:    "post-commit",
		Short:  "Start a background review of the branch (called by the post-commit hook)",
		Hidden: true,
		Args:   cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Context, opts.Dir, opts.Getenv, opts.Now = cmd.Context(), f.WorkDir, getenvOf(f.Getenv), f.Now
			if runF != nil {
				return runF(opts)
			}
			return PostCommit(opts)
		},
	}
	return cmd
}

// PostCommit starts the background review and returns at once: it reads
// HEAD, checks that no rebase, merge or cherry-pick is in progress, and
// spawns `quorum hook ahead-run --head HEAD`. Everything slow happens in
// that process.
func PostCommit(opts *PostCommitOptions) error {
	ctx := ctxOf(opts.Context)
	opts.Now = clockOf(opts.Now)
	if skipped(opts.Getenv) {
		return nil
	}
	dir, err := workDir(opts.Dir)
	if err != nil {
		return err
	}
	root, gitDir, err := diff.Locate(dir)
	if err != nil {
		return exitcode.Setupf("run quorum inside a git work tree", "not a git repository")
	}
	log, _, err := ahead.OpenLog(gitDir)
	if err != nil {
		return exitcode.New(exitcode.Setup, fmt.Errorf("the background review's log: %w", err), "check that "+gitDir+" is writable")
	}
	defer log.Close()
	now := opts.Now
	if what := ahead.InProgress(gitDir); what != "" {
		fmt.Fprintf(log, "%s post-commit: %s is in progress; no background review\n", stamp(now), what)
		return nil
	}
	out, err := (&gitexec.Git{Dir: dir}).Output(ctx, "rev-parse", "--verify", "HEAD^{commit}")
	if err != nil {
		fmt.Fprintf(log, "%s post-commit: %s\n", stamp(now), safetext.OneLine(err.Error()))
		return nil
	}
	head := strings.TrimSpace(string(out))
	exe, err := opts.Executable()
	if err != nil {
		fmt.Fprintf(log, "%s post-commit %s: cannot find the quorum binary: %s\n", stamp(now), cmdutil.ShortOID(head), safetext.OneLine(err.Error()))
		return nil
	}
	start := opts.Start
	if start == nil {
		start = ahead.Spawn.Start
	}
	environ := opts.Environ
	if environ == nil {
		environ = os.Environ
	}
	env := ahead.CleanEnv(environ())
	if getenv := getenvOf(opts.Getenv); getenv("GIT_DIR") != "" || getenv("GIT_WORK_TREE") != "" {
		// CleanEnv drops git's variables; a repository found through them
		// (a git dir apart from its work tree) is passed on, absolute, or
		// the background run would find no repository.
		env = append(env, "GIT_DIR="+gitDir, "GIT_WORK_TREE="+root)
	}
	pid, err := start(ahead.Spawn{
		Exe: exe, Args: []string{"hook", "ahead-run", "--head", head},
		Dir: dir, Env: env, Log: log, Nice: AheadNice,
	})
	if err != nil {
		fmt.Fprintf(log, "%s post-commit %s: could not start the background review: %s\n", stamp(now), cmdutil.ShortOID(head), safetext.OneLine(err.Error()))
		return nil
	}
	fmt.Fprintf(log, "%s post-commit %s: started the background review (pid %d)\n", stamp(now), cmdutil.ShortOID(head), pid)
	// Until the run takes the lock, only this marker tells 'quorum status'
	// that a review of the commit is coming.
	q := ahead.Queued{PID: pid, Head: head, Since: now(), Debounce: debounceOf(getenvOf(opts.Getenv))}
	if err := ahead.WriteQueued(gitDir, q); err != nil {
		fmt.Fprintf(log, "%s post-commit %s: warning: %s\n", stamp(now), cmdutil.ShortOID(head), safetext.OneLine(err.Error()))
	}
	return nil
}

// AheadRunOptions are the parsed flags of `quorum hook ahead-run`.
type AheadRunOptions struct {
	// IO's ErrOut is the log (the post-commit hook points the run's
	// stdout and stderr at it).
	IO      *iostreams.IOStreams
	Context context.Context
	Dir     string
	Getenv  func(string) string
	Now     func() time.Time
	// Head is the commit the post-commit hook saw; the run gives way when
	// HEAD has moved on by the end of the debounce.
	Head     string
	Debounce time.Duration
	// Sleep waits d or until ctx is done; nil is a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Reviewer reviews; nil is the real pipeline (as the pre-push hook's).
	Reviewer Reviewer
	// PID is this process's id, recorded as the lock's owner.
	PID int
}

// NewCmdAheadRun builds the hidden `quorum hook ahead-run --head OID`,
// the background review the post-commit hook spawns.
func NewCmdAheadRun(f *cmdutil.Factory, runF func(*AheadRunOptions) error) *cobra.Command {
	opts := &AheadRunOptions{IO: f.IOStreams, PID: os.Getpid()}
	cmd := &cobra.Command{
		Use:    "ahead-run --head OID",
		Short:  "Review the branch in the background (started by the post-commit hook)",
		Hidden: true,
		Args:   cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Context, opts.Dir, opts.Getenv, opts.Now = cmd.Context(), f.WorkDir, getenvOf(f.Getenv), f.Now
			if opts.Head == "" {
				return exitcode.Setupf("the post-commit hook passes --head; run 'quorum hook install --ahead' to set it up", "ahead-run needs --head")
			}
			if !cmd.Flags().Changed("debounce") {
				opts.Debounce = debounceOf(opts.Getenv)
			}
			if runF != nil {
				return runF(opts)
			}
			return AheadRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Head, "head", "", "the commit the post-commit hook saw")
	cmd.Flags().DurationVar(&opts.Debounce, "debounce", DefaultDebounce, "wait this long, then give way if HEAD moved")
	return cmd
}

// AheadRun is the background review. It always returns nil once it has a
// log to write to: whatever happens (Ollama down, a newer commit, a
// rebase) is a line in the log and the state, never an error anybody sees.
func AheadRun(opts *AheadRunOptions) error {
	ctx := ctxOf(opts.Context)
	now := clockOf(opts.Now)
	errOut := opts.IO.ErrOut
	head := opts.Head
	logf := func(format string, args ...any) {
		fmt.Fprintf(errOut, "%s ahead %s: %s\n", stamp(now), cmdutil.ShortOID(head), safetext.OneLine(fmt.Sprintf(format, args...)))
	}
	dir, err := workDir(opts.Dir)
	if err != nil {
		logf("%v", err)
		return nil
	}
	gitDir, err := diff.GitDir(dir)
	if err != nil {
		logf("not a git repository: %s", dir)
		return nil
	}
	sleep := opts.Sleep
	if sleep == nil {
		sleep = ctxsleep.Sleep
	}
	// The post-commit hook's marker says this run is coming; it goes once
	// the run holds the lock (status then says it is in flight) or gives
	// way, whichever way it returns.
	defer func() {
		if err := ahead.ClearQueued(gitDir, opts.PID); err != nil {
			logf("warning: %v", err)
		}
	}()
	if err := sleep(ctx, opts.Debounce); err != nil {
		logf("stopped during the debounce")
		return nil
	}
	out, err := (&gitexec.Git{Dir: dir}).Output(ctx, "rev-parse", "--verify", "HEAD^{commit}")
	if err != nil {
		logf("%s", err)
		return nil
	}
	if cur := strings.TrimSpace(string(out)); cur != head {
		logf("superseded: HEAD is now %s (a newer commit or an amend)", cmdutil.ShortOID(cur))
		return nil
	}
	if what := ahead.InProgress(gitDir); what != "" {
		logf("skipped: %s is in progress", what)
		return nil
	}
	cfg, err := config.Load(dir, opts.Getenv)
	if err != nil {
		logf("skipped: %v", err)
		return nil
	}
	if src := cfg.Source("hook.ahead"); !cfg.Hook.Ahead && src.Kind != config.FromDefault {
		logf("skipped: hook.ahead is false (%s)", src)
		return nil
	}
	plan, br, err := hook.PlanBranch(ctx, dir)
	if err != nil {
		logf("skipped: %v", err)
		return nil
	}
	if len(plan.Ranges) == 0 {
		logf("nothing to review: %s has every commit of %s", br.Remote, br.Ref)
		return nil
	}
	// The configuration the push's hook will review under (teamconfig),
	// so the answers it finds are the ones it asks for.
	cfg, note, err := teamconfig.Resolve(ctx, dir, br.Remote, "", []hook.Update{br.Update()}, cfg, opts.Getenv)
	if err != nil {
		logf("skipped: %v", err)
		return nil
	}
	if note != "" {
		logf("%s", note)
	}
	key := ahead.Key(plan.Spans())
	lock := acquireAhead(ctx, gitDir, key, logf)
	if lock == nil {
		return nil
	}
	defer lock.Unlock()
	var offset int64
	if st, err := os.Stat(ahead.LogPath(gitDir)); err == nil {
		offset = st.Size()
	}
	state := ahead.State{Status: ahead.StatusRunning, PID: opts.PID, Head: head, Branch: br.Ref, Key: key, Started: now()}
	if err := lock.SetOwner(ahead.Owner{PID: opts.PID, Trigger: ahead.TriggerAhead, Head: head, Branch: br.Ref, Key: key, Since: state.Started, LogOffset: offset}); err != nil {
		logf("skipped: %v", err)
		return nil
	}
	if err := ahead.WriteState(gitDir, state); err != nil {
		logf("warning: %v", err)
	}
	if err := ahead.ClearQueued(gitDir, opts.PID); err != nil {
		logf("warning: %v", err)
	}
	reviewer := opts.Reviewer
	if reviewer == nil {
		reviewer = &pipelineReviewer{now: now, getenv: opts.Getenv, ios: &iostreams.IOStreams{In: strings.NewReader(""), Out: errOut, ErrOut: errOut, NoColor: true, TerminalWidth: iostreams.DefaultWidth}}
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 24 * time.Hour
	}
	req := ReviewRequest{
		Dir: dir, Remote: br.Remote, URL: br.Remote,
		Ranges: plan.Ranges, EmptyTree: plan.EmptyTree,
		Config: cfg, Gate: cfg.Hook.Gate, Timeout: timeout, Trigger: ahead.TriggerAhead,
	}
	if len(plan.Ranges) == 1 {
		req.Commits = plan.Ranges[0].String()
	}
	logf("reviewing %d commit%s (%s) of %s, as a push to %s would (pid %d)", len(plan.Commits), cmdutil.Plural(len(plan.Commits)), shortRanges(plan.Ranges), br.Ref, br.Remote, opts.PID)
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := reviewer.Review(rctx, req)
	state.Finished = now()
	switch {
	case ctx.Err() != nil:
		state.Status, state.Reason = ahead.StatusCancelled, "stopped by a newer commit or a push of other commits; finished answers are cached"
	case err != nil:
		state.Status, state.Reason = ahead.StatusFailed, safetext.OneLine(err.Error())
	case res.Unavailable:
		state.Status, state.Reason = ahead.StatusUnavailable, safetext.OneLine(res.Reason)
	default:
		state.Status, state.Verdict = ahead.StatusDone, safetext.OneLine(res.Verdict)
		if res.ReportPath != "" {
			state.Report = strings.TrimSuffix(strings.TrimSuffix(res.ReportPath, "report.md"), string(os.PathSeparator))
		}
		if res.Partial != "" {
			state.Reason = safetext.OneLine(res.Partial)
		}
		if res.NothingReviewed {
			// Never "done" as if read: say that nothing was, as the push will.
			state.Reason = "nothing reviewed: no file changed"
			if len(res.Skipped) > 0 {
				state.Reason = "nothing reviewed: every changed file was skipped"
			}
		}
		if res.Warning != "" {
			// The cache is what a background review is for: say it failed.
			logf("warning: %s; hint: %s", safetext.OneLine(res.Warning), safetext.OneLine(res.WarningHint))
		}
	}
	if err := ahead.WriteState(gitDir, state); err != nil {
		logf("warning: %v", err)
	}
	msg := state.Status
	if state.Verdict != "" {
		msg += ": " + state.Verdict
	}
	if state.Reason != "" {
		msg += " (" + state.Reason + ")"
	}
	if state.Report != "" {
		msg += "; report: " + state.Report
	}
	logf("%s in %s", msg, state.Finished.Sub(state.Started).Round(time.Millisecond))
	return nil
}

// acquireAhead takes the lock for a background run of key: it gives way
// to a push being reviewed and to a run of the same commits, and cancels
// an older run (of other commits) and waits for it to stop. nil means
// this run is not needed (or could not get the lock); the log says why.
func acquireAhead(ctx context.Context, gitDir, key string, logf func(string, ...any)) *ahead.Lock {
	for attempt := 0; attempt < 100; attempt++ {
		l, err := ahead.TryLock(gitDir)
		if err == nil {
			return l
		}
		if !errors.Is(err, ahead.ErrLocked) {
			logf("skipped: %v", err)
			return nil
		}
		o, err := ahead.Held(gitDir)
		switch {
		case err != nil:
			logf("skipped: %v", err)
			return nil
		case o == nil: // released meanwhile
			continue
		case o.PID == 0: // the owner is writing itself
			if ctxsleep.Sleep(ctx, 50*time.Millisecond) != nil {
				return nil
			}
			continue
		case o.Trigger != ahead.TriggerAhead:
			logf("skipped: a push is being reviewed (pid %d); it reviews these commits itself", o.PID)
			return nil
		case o.Key == key:
			logf("skipped: these commits are already being reviewed (pid %d)", o.PID)
			return nil
		}
		logf("cancelling the stale background review of %s (pid %d)", cmdutil.ShortOID(o.Head), o.PID)
		if err := cancelAhead(o.PID); err != nil {
			logf("could not cancel pid %d: %v", o.PID, err)
		}
		wctx, cancel := context.WithTimeout(ctx, time.Minute)
		l, err = ahead.WaitLock(wctx, gitDir, 100*time.Millisecond)
		cancel()
		if err != nil {
			logf("skipped: the stale review (pid %d) did not stop: %v", o.PID, err)
			return nil
		}
		return l
	}
	logf("skipped: the lock stayed busy")
	return nil
}

// joinAhead is the pre-push hook's side of the lock. It returns the lock
// (held for the push's own review, so no background run starts meanwhile)
// or nil when it could not be had; the push is reviewed either way.
//   - No background run: it takes the lock.
//   - A background run of the same commits: it waits for it (until ctx is
//     done), relaying its progress from the log, then takes the lock; the
//     review that follows finds every answer in the cache.
//   - A background run of other commits (another branch, older commits):
//     it cancels it, so that it does not compete with the push for the
//     server, and takes the lock once it stopped. What that run finished
//     stays cached.
//   - Another push being reviewed: it goes on without the lock.
func joinAhead(ctx context.Context, dir string, plan *hook.Plan, errOut io.Writer, now func() time.Time) *ahead.Lock {
	gitDir, err := diff.GitDir(dir)
	if err != nil {
		return nil
	}
	key := ahead.Key(plan.Spans())
	owner := ahead.Owner{PID: os.Getpid(), Trigger: ahead.TriggerPrePush, Key: key, Since: now()}
	take := func(l *ahead.Lock) *ahead.Lock {
		_ = l.SetOwner(owner)
		return l
	}
	for attempt := 0; attempt < 100; attempt++ {
		l, err := ahead.TryLock(gitDir)
		if err == nil {
			return take(l)
		}
		if !errors.Is(err, ahead.ErrLocked) {
			return nil
		}
		o, err := ahead.Held(gitDir)
		switch {
		case err != nil:
			return nil
		case o == nil:
			continue
		case o.PID == 0:
			if ctxsleep.Sleep(ctx, 50*time.Millisecond) != nil {
				return nil
			}
			continue
		case o.Trigger != ahead.TriggerAhead:
			return nil
		case o.Key != key:
			fmt.Fprintf(errOut, "quorum: stopping the background review of other commits (%s, pid %d); reviewing this push instead\n", cmdutil.ShortOID(o.Head), o.PID)
			_ = cancelAhead(o.PID)
			wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			l, err := ahead.WaitLock(wctx, gitDir, 100*time.Millisecond)
			cancel()
			if err != nil {
				return nil
			}
			return take(l)
		}
		fmt.Fprintf(errOut, "quorum: a background review of these commits is in flight (pid %d, since %s); waiting for it instead of asking the models again\n",
			o.PID, o.Since.Local().Format("15:04:05"))
		l = waitAhead(ctx, gitDir, o, errOut, now)
		if l == nil {
			return nil
		}
		if st, err := ahead.ReadState(gitDir); err == nil && st != nil && st.Key == key && st.Status == ahead.StatusDone {
			fmt.Fprintln(errOut, "quorum: the background review finished; its answers are in the cache")
		} else {
			// Cancelled (a newer commit), failed or killed: what it
			// answered is cached, the rest is asked now.
			why := "it stopped before the end"
			if err == nil && st != nil && st.Key == key {
				why = cmp.Or(aheadEndings[st.Status], why)
			}
			fmt.Fprintf(errOut, "quorum: the background review did not finish (%s); this push reviews the commits, with the answers it cached\n", why)
		}
		return take(l)
	}
	return nil
}

// aheadEndings say how a background review that did not finish ended.
var aheadEndings = map[string]string{
	ahead.StatusCancelled:   "a newer commit or another push cancelled it",
	ahead.StatusFailed:      "it failed",
	ahead.StatusUnavailable: "the server or a panel model was unavailable",
}

// waitAhead waits for the background run o to release the lock, copying
// the progress lines it writes to its log onto errOut as they come.
func waitAhead(ctx context.Context, gitDir string, o *ahead.Owner, errOut io.Writer, now func() time.Time) *ahead.Lock {
	t := &logTail{path: ahead.LogPath(gitDir), off: o.LogOffset}
	last := now()
	for {
		l, err := ahead.TryLock(gitDir)
		t.copy(errOut)
		if err == nil {
			return l
		}
		if !errors.Is(err, ahead.ErrLocked) {
			return nil
		}
		if n := now(); n.Sub(last) >= 30*time.Second {
			last = n
			fmt.Fprintf(errOut, "quorum: still waiting for the background review (pid %d, %s so far)\n", o.PID, n.Sub(o.Since).Round(time.Second))
		}
		if ctxsleep.Sleep(ctx, 150*time.Millisecond) != nil {
			return nil
		}
	}
}

// logTail copies the progress lines ("quorum: ...") appended to a log.
type logTail struct {
	path    string
	off     int64
	partial string
}

func (t *logTail) copy(w io.Writer) {
	f, err := os.Open(t.path)
	if err != nil {
		return
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || st.Size() < t.off {
		return // rotated: nothing more to show
	}
	if _, err := f.Seek(t.off, io.SeekStart); err != nil {
		return
	}
	b, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil || len(b) == 0 {
		return
	}
	t.off += int64(len(b))
	text := t.partial + string(b)
	lines := strings.Split(text, "\n")
	t.partial = lines[len(lines)-1]
	for _, line := range lines[:len(lines)-1] {
		if rest, ok := strings.CutPrefix(line, "quorum: "); ok {
			fmt.Fprintf(w, "quorum: background: %s\n", safetext.OneLine(rest))
		}
	}
}

// skipped reports whether QUORUM_SKIP asks to skip the review: any value
// but empty, 0, false, no or off (as git reads a boolean).
func skipped(getenv func(string) string) bool {
	if getenv == nil {
		getenv = os.Getenv
	}
	switch strings.ToLower(strings.TrimSpace(getenv("QUORUM_SKIP"))) {
	case "", "0", "false", "no", "off":
		return false
	}
	return true
}

func getenvOf(g func(string) string) func(string) string {
	if g == nil {
		return os.Getenv
	}
	return g
}

// clockOf is now, or the real clock when a caller left it unset (the
// hook's entry points are called with partial options, as for Getenv;
// commands built by NewCmdX always set it from the Factory).
func clockOf(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}

func stamp(now func() time.Time) string { return now().UTC().Format(time.RFC3339) }
