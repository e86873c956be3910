package hookcmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/ahead"
	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/iostreams"
)

// aheadRepo is a work tree whose main tracks origin/main (a bare remote)
// and is one commit ahead of it.
type aheadRepo struct {
	t   *testing.T
	dir string
}

func newAheadRepo(t *testing.T) *aheadRepo {
	t.Helper()
	root := t.TempDir()
	r := &aheadRepo{t: t, dir: filepath.Join(root, "work")}
	r.git(root, "init", "-q", "--bare", "-b", "main", filepath.Join(root, "remote.git"))
	r.git(root, "init", "-q", "-b", "main", r.dir)
	r.git(r.dir, "remote", "add", "origin", filepath.Join(root, "remote.git"))
	r.commit("base")
	r.git(r.dir, "push", "-q", "-u", "origin", "main")
	r.commit("ahead")
	return r
}

func (r *aheadRepo) git(dir string, args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+filepath.Dir(r.dir),
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x")
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %v: %v %s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *aheadRepo) commit(name string) string {
	r.t.Helper()
	if err := os.WriteFile(filepath.Join(r.dir, name+".go"), []byte("package "+name+"\n"), 0o644); err != nil {
		r.t.Fatal(err)
	}
	r.git(r.dir, "add", name+".go")
	r.git(r.dir, "commit", "-q", "-m", name)
	return r.head()
}

func (r *aheadRepo) head() string { return r.git(r.dir, "rev-parse", "HEAD") }

func (r *aheadRepo) gitDir() string { return filepath.Join(r.dir, ".git") }

// pushLine is what git writes to the pre-push hook for `git push` of main.
func (r *aheadRepo) pushLine() string {
	return "refs/heads/main " + r.head() + " refs/heads/main " + r.git(r.dir, "rev-parse", "origin/main") + "\n"
}

// syncBuffer is a log both a background run and the test read.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// aheadRun runs AheadRun in-process for head, with reviewer and pid.
func (r *aheadRepo) aheadRun(ctx context.Context, head string, pid int, log *syncBuffer, rv Reviewer) error {
	return AheadRun(&AheadRunOptions{
		IO: &iostreams.IOStreams{In: strings.NewReader(""), Out: log, ErrOut: log}, Context: ctx, Dir: r.dir,
		Getenv: func(string) string { return "" }, Head: head, PID: pid, Reviewer: rv,
	})
}

// waitHeld waits until a background run of head holds the lock.
func waitHeld(t *testing.T, gitDir, head string) *ahead.Owner {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if o, _ := ahead.Held(gitDir); o != nil && o.Head == head && o.PID != 0 {
			return o
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no background run of %s took the lock", head)
	return nil
}

func waitText(t *testing.T, what func() string, want string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(what(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %q in:\n%s", want, what())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// blockingReviewer reviews until released (or cancelled) and counts calls.
type blockingReviewer struct {
	mu       sync.Mutex
	calls    []ReviewRequest
	started  chan struct{}
	release  chan struct{}
	progress string // written to the log (via logTo) before blocking
	logTo    func(string)
}

func newBlocking() *blockingReviewer {
	return &blockingReviewer{started: make(chan struct{}, 8), release: make(chan struct{})}
}

func (b *blockingReviewer) Review(ctx context.Context, req ReviewRequest) (Outcome, error) {
	b.mu.Lock()
	b.calls = append(b.calls, req)
	b.mu.Unlock()
	if b.logTo != nil {
		b.logTo(b.progress)
	}
	b.started <- struct{}{}
	select {
	case <-b.release:
		return Outcome{Verdict: "passed: no findings at or above critical", ReportPath: filepath.Join(req.Dir, "report.md")}, nil
	case <-ctx.Done():
		return Outcome{}, fmt.Errorf("review interrupted: %w", context.Canceled)
	}
}

// TestPostCommitOnlySpawns: the post-commit hook's command starts the
// background run and returns; it reviews nothing itself. During a rebase,
// or with QUORUM_SKIP, it starts nothing.
func TestPostCommitOnlySpawns(t *testing.T) {
	r := newAheadRepo(t)
	var spawned []ahead.Spawn
	start := func(s ahead.Spawn) (int, error) { spawned = append(spawned, s); return 4242, nil }
	run := func(env map[string]string) error {
		ios, _, _, _ := iostreams.Test()
		return PostCommit(&PostCommitOptions{IO: ios, Dir: r.dir, Getenv: func(k string) string { return env[k] },
			Executable: func() (string, error) { return "/opt/quorum", nil },
			Environ:    func() []string { return []string{"PATH=/bin", "GIT_INDEX_FILE=.git/index.lock"} },
			Start:      start})
	}
	if err := run(nil); err != nil {
		t.Fatal(err)
	}
	if len(spawned) != 1 {
		t.Fatalf("spawned %d runs, want 1", len(spawned))
	}
	s := spawned[0]
	if s.Exe != "/opt/quorum" || !slices.Equal(s.Args, []string{"hook", "ahead-run", "--head", r.head()}) || s.Dir != r.dir || s.Nice != AheadNice || s.Log == nil {
		t.Fatalf("spawn %+v", s)
	}
	if !slices.Equal(s.Env, []string{"PATH=/bin", "GIT_OPTIONAL_LOCKS=0"}) {
		t.Fatalf("env %q: the commit's index must not reach the background run", s.Env)
	}
	log, _ := os.ReadFile(ahead.LogPath(r.gitDir()))
	if !strings.Contains(string(log), "started the background review (pid 4242)") {
		t.Fatalf("log:\n%s", log)
	}
	if o, _ := ahead.Held(r.gitDir()); o != nil {
		t.Fatalf("the post-commit command took the lock: %+v", o)
	}
	// Until the run takes the lock, the marker tells status it is coming.
	if q := ahead.ReadQueued(r.gitDir()); q == nil || q.PID != 4242 || q.Head != r.head() || q.Debounce != DefaultDebounce {
		t.Fatalf("queued marker %+v", q)
	}

	if err := run(map[string]string{"QUORUM_SKIP": "1"}); err != nil || len(spawned) != 1 {
		t.Fatalf("QUORUM_SKIP: %v, %d spawns", err, len(spawned))
	}
	if err := os.Mkdir(filepath.Join(r.gitDir(), "rebase-merge"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := run(nil); err != nil || len(spawned) != 1 {
		t.Fatalf("during a rebase: %v, %d spawns", err, len(spawned))
	}
	log, _ = os.ReadFile(ahead.LogPath(r.gitDir()))
	if !strings.Contains(string(log), "a rebase is in progress; no background review") {
		t.Fatalf("log:\n%s", log)
	}
}

// TestAheadRunLockHeldByOne: while one background run of a commit holds
// the lock, another run of the same commit gives way without reviewing.
func TestAheadRunLockHeldByOne(t *testing.T) {
	r := newAheadRepo(t)
	head := r.head()
	rv := newBlocking()
	log := &syncBuffer{}
	done := make(chan error, 1)
	// The post-commit hook's marker for this run: gone once it holds the
	// lock, whose owner status reads instead.
	if err := ahead.WriteQueued(r.gitDir(), ahead.Queued{PID: 1001, Head: head, Since: time.Now(), Debounce: time.Second}); err != nil {
		t.Fatal(err)
	}
	go func() { done <- r.aheadRun(context.Background(), head, 1001, log, rv) }()
	t.Cleanup(func() { close(rv.release); <-done })
	o := waitHeld(t, r.gitDir(), head)
	if o.PID != 1001 || o.Trigger != ahead.TriggerAhead {
		t.Fatalf("owner %+v", o)
	}
	<-rv.started
	if q := ahead.ReadQueued(r.gitDir()); q != nil {
		t.Fatalf("the run holds the lock and is still queued: %+v", q)
	}
	second := &syncBuffer{}
	other := reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) {
		t.Error("a second run of the same commit reviewed")
		return Outcome{}, nil
	})
	if err := r.aheadRun(context.Background(), head, 1002, second, other); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(second.String(), "skipped: these commits are already being reviewed (pid 1001)") {
		t.Fatalf("second run's log:\n%s", second)
	}
	if st, _ := ahead.ReadState(r.gitDir()); st == nil || st.Status != ahead.StatusRunning || st.PID != 1001 {
		t.Fatalf("state %+v", st)
	}
	if req := rv.calls[0]; req.Trigger != ahead.TriggerAhead || len(req.Ranges) != 1 || req.Ranges[0].Head != head {
		t.Fatalf("request %+v", req)
	}
}

// TestAheadRunStaleCancelled: a newer commit's run cancels the run still
// reviewing the older commit, waits for it to stop, and reviews.
func TestAheadRunStaleCancelled(t *testing.T) {
	r := newAheadRepo(t)
	old := r.head()
	ctxOld, cancelOld := context.WithCancel(context.Background())
	defer cancelOld()
	var cancelled []int
	prev := cancelAhead
	cancelAhead = func(pid int) error {
		cancelled = append(cancelled, pid)
		if pid == 1001 {
			cancelOld() // what SIGTERM does to the real process
		}
		return nil
	}
	t.Cleanup(func() { cancelAhead = prev })
	rv := newBlocking()
	log := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- r.aheadRun(ctxOld, old, 1001, log, rv) }()
	waitHeld(t, r.gitDir(), old)
	<-rv.started

	newer := r.commit("newer")
	fresh := reviewerFunc(func(_ context.Context, req ReviewRequest) (Outcome, error) {
		return Outcome{Verdict: "passed", ReportPath: filepath.Join(r.gitDir(), "quorum", "reports", "x", "report.md")}, nil
	})
	log2 := &syncBuffer{}
	if err := r.aheadRun(context.Background(), newer, 1002, log2, fresh); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cancelled, []int{1001}) {
		t.Fatalf("cancelled %v, want [1001]", cancelled)
	}
	if !strings.Contains(log2.String(), "cancelling the stale background review of "+old[:12]+" (pid 1001)") {
		t.Fatalf("newer run's log:\n%s", log2)
	}
	if !strings.Contains(log.String(), ": cancelled (stopped by a newer commit") {
		t.Fatalf("stale run's log:\n%s", log)
	}
	st, _ := ahead.ReadState(r.gitDir())
	if st == nil || st.Status != ahead.StatusDone || st.Head != newer || st.Verdict != "passed" {
		t.Fatalf("state %+v", st)
	}
	if o, _ := ahead.Held(r.gitDir()); o != nil {
		t.Fatalf("lock still held: %+v", o)
	}
}

// TestAheadRunSuperseded: an amend during the debounce makes the run give
// way to the next one without reviewing or taking the lock.
func TestAheadRunSuperseded(t *testing.T) {
	r := newAheadRepo(t)
	head := r.head()
	log := &syncBuffer{}
	if err := ahead.WriteQueued(r.gitDir(), ahead.Queued{PID: 7, Head: head, Since: time.Now(), Debounce: time.Hour}); err != nil {
		t.Fatal(err)
	}
	err := AheadRun(&AheadRunOptions{
		IO: &iostreams.IOStreams{In: strings.NewReader(""), Out: log, ErrOut: log}, Dir: r.dir,
		Getenv: func(string) string { return "" }, Head: head, PID: 7, Debounce: time.Hour,
		Sleep: func(_ context.Context, d time.Duration) error {
			if d != time.Hour {
				t.Errorf("debounce %v", d)
			}
			if q := ahead.ReadQueued(r.gitDir()); q == nil || q.PID != 7 {
				t.Errorf("queued during the debounce: %+v", q)
			}
			r.git(r.dir, "commit", "-q", "--amend", "-m", "amended")
			return nil
		},
		Reviewer: reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) {
			t.Error("a superseded run reviewed")
			return Outcome{}, nil
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "superseded: HEAD is now "+r.head()[:12]) {
		t.Fatalf("log:\n%s", log)
	}
	if st, _ := ahead.ReadState(r.gitDir()); st != nil {
		t.Fatalf("state %+v", st)
	}
	if q := ahead.ReadQueued(r.gitDir()); q != nil {
		t.Fatalf("a run done waiting left its queued marker: %+v", q)
	}
}

// TestPushJoinsInFlight: the pre-push hook finds a background review of
// the pushed commits in flight, relays its progress, waits for it and only
// then reviews (from the cache, in the real pipeline), saying how the
// background review ended: finished, or not (it failed), never "finished"
// for one that did not.
func TestPushJoinsInFlight(t *testing.T) {
	for _, tc := range []struct {
		name     string
		bgErr    error
		say, not string
	}{
		{"finished", nil, "quorum: the background review finished; its answers are in the cache", "did not finish"},
		{"failed", errors.New("the model server crashed"),
			"quorum: the background review did not finish (it failed); this push reviews the commits, with the answers it cached", "the background review finished"},
	} {
		t.Run(tc.name, func(t *testing.T) { pushJoinsInFlight(t, tc.bgErr, tc.say, tc.not) })
	}
}

func pushJoinsInFlight(t *testing.T, bgErr error, say, not string) {
	r := newAheadRepo(t)
	head := r.head()
	logFile, _, err := ahead.OpenLog(r.gitDir())
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	bg := newBlocking()
	bg.progress = "quorum: qwen2.5-coder:7b: chunk 1/2 done (3s, 120 tokens)\n"
	bg.logTo = func(s string) { _, _ = logFile.WriteString(s) }
	var order []string
	var mu sync.Mutex
	note := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
	done := make(chan error, 1)
	go func() {
		err := AheadRun(&AheadRunOptions{IO: &iostreams.IOStreams{In: strings.NewReader(""), Out: logFile, ErrOut: logFile},
			Context: context.Background(), Dir: r.dir, Getenv: func(string) string { return "" }, Head: head, PID: 1001,
			Reviewer: reviewerFunc(func(ctx context.Context, req ReviewRequest) (Outcome, error) {
				out, err := bg.Review(ctx, req)
				note("background finished")
				if bgErr != nil {
					return Outcome{}, bgErr
				}
				return out, err
			})})
		done <- err
	}()
	waitHeld(t, r.gitDir(), head)
	<-bg.started

	stderr := &syncBuffer{}
	ios := &iostreams.IOStreams{In: strings.NewReader(r.pushLine()), Out: &bytes.Buffer{}, ErrOut: stderr}
	var pushReq ReviewRequest
	pushDone := make(chan error, 1)
	go func() {
		pushDone <- RunPush(&RunOptions{IO: ios, Context: context.Background(), Dir: r.dir, Remote: "origin", URL: "u",
			Getenv: func(string) string { return "" },
			Reviewer: reviewerFunc(func(_ context.Context, req ReviewRequest) (Outcome, error) {
				pushReq = req
				note("push reviewed")
				return Outcome{}, nil
			})})
	}()
	waitText(t, stderr.String, "a background review of these commits is in flight (pid 1001")
	waitText(t, stderr.String, "quorum: background: qwen2.5-coder:7b: chunk 1/2 done (3s, 120 tokens)")
	select {
	case err := <-pushDone:
		t.Fatalf("the push did not wait for the background review: %v\n%s", err, stderr)
	default:
	}
	close(bg.release)
	if err := <-pushDone; err != nil {
		t.Fatalf("push: %v\n%s", err, stderr)
	}
	if err := <-done; err != nil && bgErr == nil {
		t.Fatal(err)
	}
	if !slices.Equal(order, []string{"background finished", "push reviewed"}) {
		t.Fatalf("order %v", order)
	}
	if !strings.Contains(stderr.String(), say) || strings.Contains(stderr.String(), not) {
		t.Fatalf("stderr:\n%s", stderr)
	}
	if len(pushReq.Ranges) != 1 || len(bg.calls) != 1 || ahead.Key([]string{pushReq.Ranges[0].String()}) != ahead.Key([]string{bg.calls[0].Ranges[0].String()}) {
		t.Fatalf("the push reviewed %v, the background run %v", pushReq.Ranges, bg.calls[0].Ranges)
	}
	if o, _ := ahead.Held(r.gitDir()); o != nil {
		t.Fatalf("lock still held after the push: %+v", o)
	}
}

// TestPushCancelsOtherCommits: a background review of other commits (an
// older HEAD) is cancelled by the push, which then reviews its own.
func TestPushCancelsOtherCommits(t *testing.T) {
	r := newAheadRepo(t)
	old := r.head()
	ctxOld, cancelOld := context.WithCancel(context.Background())
	defer cancelOld()
	prev := cancelAhead
	var cancelled []int
	cancelAhead = func(pid int) error { cancelled = append(cancelled, pid); cancelOld(); return nil }
	t.Cleanup(func() { cancelAhead = prev })
	bg := newBlocking()
	log := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- r.aheadRun(ctxOld, old, 1001, log, bg) }()
	waitHeld(t, r.gitDir(), old)
	<-bg.started
	r.commit("newer") // the post-commit hook is not installed here: no new run

	ios, in, _, stderr := iostreams.Test()
	in.WriteString(r.pushLine())
	reviewed := 0
	err := RunPush(&RunOptions{IO: ios, Context: context.Background(), Dir: r.dir, Remote: "origin", URL: "u",
		Getenv: func(string) string { return "" },
		Reviewer: reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) {
			reviewed++
			return Outcome{}, nil
		})})
	if err != nil || reviewed != 1 {
		t.Fatalf("push: %v, %d reviews\n%s", err, reviewed, stderr)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(cancelled, []int{1001}) || !strings.Contains(stderr.String(), "stopping the background review of other commits ("+old[:12]+", pid 1001)") {
		t.Fatalf("cancelled %v; stderr:\n%s", cancelled, stderr)
	}
}

// TestAheadRunNeedsHead: run by hand without --head, ahead-run is a setup
// error with a hint (exit 2).
func TestAheadRunNeedsHead(t *testing.T) {
	f, _, _ := cmdtest.NewFactory(t.TempDir(), nil)
	cmd := NewCmdAheadRun(f, func(*AheadRunOptions) error { t.Fatal("ran"); return nil })
	_, _, _, errOut := iostreams.Test()
	code := cmdtest.Execute(context.Background(), cmd, &iostreams.IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: errOut}, nil)
	if code != exitcode.Setup || errOut.String() != "error: ahead-run needs --head\nhint: the post-commit hook passes --head; run 'quorum hook install --ahead' to set it up\n" {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
}

// TestInstallAheadForeignPostCommit: a post-commit hook quorum did not
// write is refused before anything is written (exit 2, a hint), chained
// with --chain, and restored by uninstall.
func TestInstallAheadForeignPostCommit(t *testing.T) {
	r := newAheadRepo(t)
	pc := filepath.Join(r.gitDir(), "hooks", "post-commit")
	foreign := "#!/bin/sh\necho theirs\n"
	if err := os.WriteFile(pc, []byte(foreign), 0o755); err != nil {
		t.Fatal(err)
	}
	f, _, errOut := cmdtest.NewFactory(r.dir, nil)
	code := cmdtest.Execute(context.Background(), NewCmdInstall(f, nil), f.IOStreams, []string{"--ahead"})
	if code != exitcode.Setup || !strings.Contains(errOut.String(), "error: a post-commit hook is already installed at "+pc+"\n") ||
		!strings.Contains(errOut.String(), "\nhint: rerun with --chain to run it before quorum, or --force to replace it (a backup is kept)\n") {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(r.gitDir(), "hooks", "pre-push")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("pre-push written although the install was refused: %v", err)
	}
	f, out, errOut := cmdtest.NewFactory(r.dir, nil)
	if code := cmdtest.Execute(context.Background(), NewCmdInstall(f, nil), f.IOStreams, []string{"--ahead", "--chain"}); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if !strings.Contains(out.String(), "the previous post-commit hook now runs first") {
		t.Fatalf("stdout:\n%s", out)
	}
	f, out, errOut = cmdtest.NewFactory(r.dir, nil)
	if code := cmdtest.Execute(context.Background(), NewCmdUninstall(f, nil), f.IOStreams, []string{"--ahead"}); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if b, _ := os.ReadFile(pc); string(b) != foreign {
		t.Fatalf("post-commit not restored: %q\n%s", b, out)
	}
	f, _, errOut = cmdtest.NewFactory(r.dir, nil)
	if code := cmdtest.Execute(context.Background(), NewCmdUninstall(f, nil), f.IOStreams, []string{"--ahead"}); code != exitcode.Setup ||
		!strings.Contains(errOut.String(), "error: the post-commit hook at "+pc+" is not quorum's; left it alone\nhint: it was not installed by quorum") {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
}

// TestPostCommitErrors: run by hand outside a repository, post-commit is a
// setup error with a hint (exit 2); the hook itself discards its output.
func TestPostCommitErrors(t *testing.T) {
	f, out, errOut := cmdtest.NewFactory(t.TempDir(), nil)
	cmd := NewCmdPostCommit(f, func(o *PostCommitOptions) error {
		o.Start = func(ahead.Spawn) (int, error) { t.Fatal("spawned"); return 0, nil }
		return PostCommit(o)
	})
	code := cmdtest.Execute(context.Background(), cmd, f.IOStreams, nil)
	if code != exitcode.Setup || out.String() != "" || errOut.String() != "error: not a git repository\nhint: run quorum inside a git work tree\n" {
		t.Fatalf("exit %d\n%s", code, errOut)
	}

	// No log to write to (the git dir's quorum directory is a file).
	r := newAheadRepo(t)
	if err := os.WriteFile(filepath.Join(r.gitDir(), "quorum"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	f, _, errOut = cmdtest.NewFactory(r.dir, nil)
	cmd = NewCmdPostCommit(f, func(o *PostCommitOptions) error {
		o.Start = func(ahead.Spawn) (int, error) { t.Fatal("spawned"); return 0, nil }
		return PostCommit(o)
	})
	code = cmdtest.Execute(context.Background(), cmd, f.IOStreams, nil)
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	if code != exitcode.Setup || len(lines) != 2 || !strings.HasPrefix(lines[0], "error: the background review's log: ") ||
		lines[1] != "hint: check that "+r.gitDir()+" is writable" {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
}

// TestAheadLogShown: install names the log where the background review of
// that work tree writes it: .git/quorum/ahead.log in the main work tree, the
// main repository's .git/worktrees/<name>/quorum/ahead.log in a linked one.
func TestAheadLogShown(t *testing.T) {
	main := t.TempDir()
	git := func(dir string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=A", "-c", "user.email=a@x"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git(main, "init", "-q")
	git(main, "commit", "-q", "--allow-empty", "-m", "init")
	linked := filepath.Join(t.TempDir(), "wt")
	git(main, "worktree", "add", "-q", "-b", "feat", linked)
	if got := aheadLogShown(main); got != filepath.Join(".git", "quorum", "ahead.log") {
		t.Errorf("main work tree: %q", got)
	}
	realMain, err := filepath.EvalSymlinks(main)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aheadLogShown(linked), filepath.Join(realMain, ".git", "worktrees", "wt", "quorum", "ahead.log"); got != want {
		t.Errorf("linked work tree: %q, want %q", got, want)
	}
}
