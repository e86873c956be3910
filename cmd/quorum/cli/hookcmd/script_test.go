package hookcmd_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/quorum-review/quorum/cmd/quorum/cli"
	"github.com/quorum-review/quorum/cmd/quorum/cli/hookcmd"
	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/ahead"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/scripttest"
	"github.com/quorum-review/quorum/review"
)

// TestMain makes this test binary also the quorum command of the scripts.
// QUORUM_TEST_REVIEWER=fake (the scripts' default environment) swaps in a
// scripted reviewer, and "" keeps the real pipeline (which then talks to
// the fake Ollama each script gets). The fake reviewer exists only in this
// test binary.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"quorum": func() {
			if os.Getenv("QUORUM_TEST_REVIEWER") == "fake" {
				os.Exit(mainWithReviewer(fakeReviewer{}))
			}
			os.Exit(cli.Main())
		},
	})
}

// mainWithReviewer is cli.Main with `hook run` rebuilt to review through r,
// injected through the command's options as any test of it does.
func mainWithReviewer(r hookcmd.Reviewer) int {
	f := &cmdutil.Factory{IOStreams: iostreams.System(), Now: time.Now, Getenv: os.Getenv}
	root := cli.NewCmdRoot(f)
	run, _, err := root.Find([]string{"hook", "run"})
	if err != nil || run.Name() != "run" {
		fmt.Fprintln(os.Stderr, "test binary: no 'hook run' command:", err)
		return 3
	}
	group := run.Parent()
	group.RemoveCommand(run)
	group.AddCommand(hookcmd.NewCmdRun(f, func(o *hookcmd.RunOptions) error {
		o.Reviewer = r
		return hookcmd.RunPush(o)
	}))
	root.SetArgs(os.Args[1:])
	return cli.PrintError(os.Stderr, root.ExecuteContext(context.Background()))
}

func TestScripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "..", "testdata", "script", "hook_*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no hook scripts found: %v", err)
	}
	testscript.Run(t, testscript.Params{
		Files: files,
		Setup: func(env *testscript.Env) error {
			env.Setenv("QUORUM_TEST_REVIEWER", "fake")
			env.Setenv("EMPTY_TREE", "4b825dc642cb6eb9a060e54bf8d69288fbee4904")
			// Every script gets a fake Ollama, so the real pipeline never
			// reaches a server on this machine.
			srv := ollamatest.New(scripttest.TB{Env: env}, ollamatest.Config{Rules: ollamaRules()})
			env.Setenv("QUORUM_OLLAMA_HOST", srv.URL)
			env.Values["ollama"] = srv
			// SLOW_OLLAMA answers the panel's first model, qwen2.5-coder:7b,
			// at once and never answers the other two: their loads and chats
			// hang until the client gives up. So hook.timeout always expires
			// mid-review, and only after the first reviewer finished, with
			// no simulated wait for the machine's load to stretch.
			var hang []ollamatest.Fault
			for _, m := range []string{"gemma2:9b", "llama3.1:8b"} {
				hang = append(hang,
					ollamatest.Fault{Kind: ollamatest.FaultHang, Model: m, Loads: true},
					ollamatest.Fault{Kind: ollamatest.FaultHang, Model: m})
			}
			slow := ollamatest.New(scripttest.TB{Env: env}, ollamatest.Config{Rules: ollamaRules(), Faults: hang})
			env.Setenv("SLOW_OLLAMA", slow.URL)
			// FAILING_OLLAMA answers gemma2:9b with text that is not JSON,
			// every time: that reviewer fails and the other two answer, a
			// partial review.
			failing := ollamatest.New(scripttest.TB{Env: env}, ollamatest.Config{Rules: ollamaRules(),
				Faults: []ollamatest.Fault{{Kind: ollamatest.FaultInvalidJSON, Model: "gemma2:9b"}}})
			env.Setenv("FAILING_OLLAMA", failing.URL)
			// Background reviews (hook_ahead*.txtar) start at once, and
			// any still running when the script ends are stopped.
			env.Setenv("QUORUM_AHEAD_DEBOUNCE", "0s")
			work := env.WorkDir
			env.Defer(func() { stopAheadRuns(work) })
			return scripttest.Sandbox(env)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"commit":    cmdCommit,
			"rev":       cmdRev,
			"status":    scripttest.Status,
			"chats":     cmdChats,
			"pad":       cmdPad,
			"timedpush": cmdTimedPush,
			"aheadwait": cmdAheadWait,
			"aheadkill": cmdAheadKill,
			"waitlog":   cmdWaitLog,
		},
		RequireExplicitExec: true,
	})
}

// ollamaRules script the fake server for the real pipeline: a judge's
// request is answered with one group of three findings; a diff whose
// text contains QUORUM-E2E-SQL draws a critical finding from every model,
// QUORUM-E2E-LONE one from qwen2.5-coder:7b only, QUORUM-E2E-CONTEXT one
// from every model quoting line 3 of db.go (in the hook's scripts, an
// unchanged line); anything else is clean.
func ollamaRules() []ollamatest.Rule {
	answer := func(file string, line int, quote, title string) string {
		b, err := json.Marshal(review.Answer{
			Summary: "One serious problem.",
			Findings: []review.RawFinding{{
				File: file, Line: line, Quote: quote, Severity: "critical", Category: "security",
				Title: title, Explanation: "An attacker controls the value.",
			}},
			Strengths: []string{}, Concerns: []string{}, Untested: []review.Untested{}, Docs: []string{},
		})
		if err != nil {
			panic(err)
		}
		return string(b)
	}
	return []ollamatest.Rule{
		// A judge (merge.judge) puts every finding in one group; its
		// prompt holds the diff, so this rule comes first.
		{Contains: "Group the findings", Reply: `{"groups":[["F1","F2","F3"]]}`},
		{Contains: "QUORUM-E2E-SQL", Reply: answer("db.go", 4, `func Find(name string) string { return "SELECT * FROM users WHERE name = '" + name + "'" }`, "SQL built from user input")},
		{Model: "qwen2.5-coder:7b", Contains: "QUORUM-E2E-LONE", Reply: answer("lone.go", 3, "func Lone() {}", "lone worry")},
		{Contains: "QUORUM-E2E-CONTEXT", Reply: answer("db.go", 3, `import "database/sql" // QUORUM-E2E-CONTEXT`, "Pre-existing import")},
	}
}

// commit NAME: write NAME.txt and commit it with subject NAME.
func cmdCommit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: commit NAME")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]+".txt"), []byte(args[0]+"\n"), 0o644))
	ts.Check(ts.Exec("git", "add", args[0]+".txt"))
	ts.Check(ts.Exec("git", "commit", "-q", "-m", args[0]))
}

// rev VAR REV: set $VAR to the object name of REV, and $VAR_SHORT to its
// short form as the hook prints it (cmdutil.ShortOID).
func cmdRev(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: rev VAR REV")
	}
	cmd := exec.Command("git", "rev-parse", "--verify", args[1])
	cmd.Dir = ts.MkAbs(".")
	out, err := cmd.Output()
	ts.Check(err)
	oid := strings.TrimSpace(string(out))
	ts.Setenv(args[0], oid)
	ts.Setenv(args[0]+"_SHORT", cmdutil.ShortOID(oid))
}

// chats save|unchanged|count N: remember the fake Ollama's chat count,
// require that no chat request was made since (answers came from the
// cache), or that exactly N were.
func cmdChats(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: chats save|unchanged|count N"
	if neg || len(args) == 0 {
		ts.Fatalf(usage)
	}
	n := len(ts.Value("ollama").(*ollamatest.Server).Chats())
	saved, _ := strconv.Atoi(ts.Getenv("CHATS"))
	switch {
	case args[0] == "save" && len(args) == 1:
		ts.Setenv("CHATS", strconv.Itoa(n))
	case args[0] == "unchanged" && len(args) == 1:
		if strconv.Itoa(n) != ts.Getenv("CHATS") {
			ts.Fatalf("%d chat requests, want %s (no model call)", n, ts.Getenv("CHATS"))
		}
	case args[0] == "count" && len(args) == 2:
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		if n-saved != want {
			ts.Fatalf("%d chat requests since chats save, want %d", n-saved, want)
		}
	default:
		ts.Fatalf(usage)
	}
}

// pad FILE N: append N comment lines to FILE (creating it), so a small
// fixture file fills a chunk of its own at a small max_context.
func cmdPad(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: pad FILE N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	f, err := os.OpenFile(ts.MkAbs(args[0]), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	ts.Check(err)
	for i := 1; i <= n; i++ {
		_, err = fmt.Fprintf(f, "// padding %d: this line only makes the file long enough for a chunk of its own\n", i)
		ts.Check(err)
	}
	ts.Check(f.Close())
}

// timedpush TIMEOUT... -- PUSHARGS...: run `git push PUSHARGS` with
// hook.timeout set to the first TIMEOUT. A hook that says nothing finished
// within it ("did not finish within hook.timeout") was run on a machine so
// loaded that the steps before the first answer (git, the server's model
// list, one instant answer) outlasted the timeout: the command pushes again
// with the next, longer TIMEOUT, and fails the script after the last. The
// stdout and stderr checks that follow see the last push. Set
// hook.on_unavailable to block first, so that such a push is refused and can
// be made again.
func cmdTimedPush(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: timedpush TIMEOUT... -- PUSHARGS..."
	sep := slices.Index(args, "--")
	if sep < 1 {
		ts.Fatalf(usage)
	}
	timeouts, push := args[:sep], append([]string{"push"}, args[sep+1:]...)
	if ts.Getenv("QUORUM_HOOK_ON_UNAVAILABLE") != "block" {
		ts.Fatalf("timedpush: set QUORUM_HOOK_ON_UNAVAILABLE=block, so that a push with nothing reviewed can be made again")
	}
	var err error
	for i, d := range timeouts {
		if _, perr := time.ParseDuration(d); perr != nil {
			ts.Fatalf("timedpush: %v", perr)
		}
		ts.Setenv("QUORUM_HOOK_TIMEOUT", d)
		err = ts.Exec("git", push...)
		if !strings.Contains(ts.ReadFile("stderr"), "did not finish within hook.timeout") || i == len(timeouts)-1 {
			break
		}
		ts.Logf("timedpush: no reviewer finished within %s on this machine; pushing again with %s", d, timeouts[i+1])
	}
	switch {
	case err != nil && !neg:
		ts.Fatalf("timedpush: %v", err)
	case err == nil && neg:
		ts.Fatalf("timedpush: unexpected success")
	}
}

// fakeReviewer prints what it was asked to review and answers from
// QUORUM_FAKE_* variables:
//
//	QUORUM_FAKE_FINDINGS="severity:reviewers:text;..."  gated like the real report
//	QUORUM_FAKE_UNAVAILABLE="reason"                     Ollama down / model missing
//	QUORUM_FAKE_PARTIAL="note"                           partial coverage
type fakeReviewer struct{}

var rank = map[string]int{review.Critical: 3, review.Important: 2, review.Suggestion: 1, config.SeverityNone: 99}

func (fakeReviewer) Review(ctx context.Context, req hookcmd.ReviewRequest) (hookcmd.Outcome, error) {
	w := os.Stderr
	fmt.Fprintln(w, "fake-review: call")
	for _, r := range req.Ranges {
		fmt.Fprintf(w, "fake-review: range %s refs %s\n", r, strings.Join(r.Refs, ","))
		logArgs := []string{"log", "--reverse", "--format=%s", r.Head}
		if r.Base != req.EmptyTree {
			logArgs = []string{"log", "--reverse", "--format=%s", r.Base + ".." + r.Head}
		}
		cmd := exec.CommandContext(ctx, "git", logArgs...)
		cmd.Dir = req.Dir
		out, err := cmd.Output()
		if err != nil {
			return hookcmd.Outcome{}, err
		}
		fmt.Fprintf(w, "fake-review: commits %s\n", strings.Join(strings.Fields(string(out)), " "))
	}
	if req.Commits != "" {
		fmt.Fprintf(w, "fake-review: commits-arg %s\n", req.Commits)
	}
	fmt.Fprintf(w, "fake-review: gate fail_on=%s min_agreement=%d timeout=%s\n", req.Gate.FailOn, req.Gate.MinAgreement, req.Timeout)
	if req.Config != nil && len(req.Config.Ignore) > 0 {
		fmt.Fprintf(w, "fake-review: ignore %s\n", strings.Join(req.Config.Ignore, " "))
	}
	if req.Config != nil && len(req.Ranges) > 0 {
		// The guidance the prompts would quote (as the first range's base
		// has it), on one line.
		set, err := diff.Load(ctx, diff.Options{Dir: req.Dir, Commits: req.Ranges[0].String()})
		if err != nil {
			return hookcmd.Outcome{}, err
		}
		if g := pipeline.GuidelinesFor(req.Config, set); g != "" {
			fmt.Fprintf(w, "fake-review: guidelines %s\n", strings.Join(strings.Fields(g), " "))
		}
	}
	if reason := os.Getenv("QUORUM_FAKE_UNAVAILABLE"); reason != "" {
		return hookcmd.Outcome{Unavailable: true, Reason: reason}, nil
	}
	gd := exec.CommandContext(ctx, "git", "rev-parse", "--absolute-git-dir")
	gd.Dir = req.Dir
	gitDir, err := gd.Output()
	if err != nil {
		return hookcmd.Outcome{}, err
	}
	report := filepath.Join(strings.TrimSpace(string(gitDir)), "quorum", "report.md")
	if err := os.MkdirAll(filepath.Dir(report), 0o755); err != nil {
		return hookcmd.Outcome{}, err
	}
	o := hookcmd.Outcome{ReportPath: report, Partial: os.Getenv("QUORUM_FAKE_PARTIAL")}
	var body strings.Builder
	panel := []string{"qwen2.5-coder:7b", "llama3.1:8b", "gemma2:9b"}
	for i, f := range strings.Split(os.Getenv("QUORUM_FAKE_FINDINGS"), ";") {
		parts := strings.SplitN(f, ":", 3)
		if len(parts) != 3 {
			continue
		}
		k, _ := strconv.Atoi(parts[1])
		fmt.Fprintf(&body, "- %s (%d reviewers): %s\n", parts[0], k, parts[2])
		if rank[parts[0]] >= rank[req.Gate.FailOn] && k >= req.Gate.MinAgreement {
			o.Blocked = true
			o.Blocking = append(o.Blocking, hook.Finding{ID: fmt.Sprintf("F%d", i+1), Severity: parts[0],
				File: "app.go", Line: 10 * (i + 1), Title: parts[2], Reviewers: panel[:min(k, len(panel))]})
		} else {
			if o.Below == nil {
				o.Below = map[string]int{}
			}
			o.Below[parts[0]]++
		}
	}
	return o, os.WriteFile(report, []byte(body.String()), 0o644)
}

// aheadTimeout bounds every wait for a background run in the scripts: long
// enough for a loaded machine, short of hanging the suite.
const aheadTimeout = 2 * time.Minute

// aheadwait [running|idle]: wait until a background review of HEAD holds
// the repository's lock (running; $AHEAD_PID is its pid), or until the
// background run of HEAD has logged how it ended and nothing holds the
// lock (idle, the default). The post-commit hook starts quorum in the
// background, so the log is the only sign that it ran. The log is shown
// on failure.
func cmdAheadWait(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) > 1 {
		ts.Fatalf("usage: aheadwait [running|idle]")
	}
	want := "idle"
	if len(args) == 1 {
		want = args[0]
	}
	gitDir := ts.MkAbs(".git")
	cmd := exec.Command("git", "rev-parse", "HEAD")
	cmd.Dir = ts.MkAbs(".")
	out, err := cmd.Output()
	ts.Check(err)
	head := strings.TrimSpace(string(out))
	deadline := time.Now().Add(aheadTimeout)
	for time.Now().Before(deadline) {
		o, err := ahead.Held(gitDir)
		ts.Check(err)
		switch want {
		case "running":
			if o != nil && o.Trigger == ahead.TriggerAhead && o.PID != 0 && o.Head == head {
				ts.Setenv("AHEAD_PID", strconv.Itoa(o.PID))
				return
			}
		case "idle":
			if o == nil && aheadEnded(gitDir, head) {
				return
			}
		default:
			ts.Fatalf("usage: aheadwait [running|idle]")
		}
		time.Sleep(50 * time.Millisecond)
	}
	log, _ := os.ReadFile(ahead.LogPath(gitDir))
	ts.Fatalf("aheadwait %s: timed out after %s; log:\n%s", want, aheadTimeout, log)
}

// aheadEnded reports whether the log has the outcome of a background run of head.
func aheadEnded(gitDir, head string) bool {
	b, err := os.ReadFile(ahead.LogPath(gitDir))
	if err != nil {
		return false
	}
	prefix := " ahead " + head[:12] + ": "
	for _, line := range strings.Split(string(b), "\n") {
		_, rest, ok := strings.Cut(line, prefix)
		if !ok {
			continue
		}
		for _, end := range []string{"superseded", "skipped", "nothing to review", "stopped during", "done", "unavailable", "failed", "cancelled"} {
			if strings.HasPrefix(rest, end) {
				return true
			}
		}
	}
	return false
}

// waitlog PATTERN: wait until a line of the background review's log matches
// PATTERN (the log of $GIT_DIR when set, else of ./.git).
func cmdWaitLog(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitlog PATTERN")
	}
	re, err := regexp.Compile("(?m)" + args[0])
	ts.Check(err)
	gitDir := ts.MkAbs(".git")
	if g := ts.Getenv("GIT_DIR"); g != "" {
		gitDir = ts.MkAbs(g)
	}
	path := ahead.LogPath(gitDir)
	deadline := time.Now().Add(aheadTimeout)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil && re.Match(b) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	log, _ := os.ReadFile(path)
	ts.Fatalf("waitlog: no line matches %q within %s; log:\n%s", args[0], aheadTimeout, log)
}

// aheadkill: stop the background run holding the lock (SIGTERM) and wait
// until it has let go of it.
func cmdAheadKill(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: aheadkill")
	}
	gitDir := ts.MkAbs(".git")
	o, err := ahead.Held(gitDir)
	ts.Check(err)
	if o == nil || o.PID == 0 {
		ts.Fatalf("aheadkill: no background run holds the lock")
	}
	ts.Check(syscall.Kill(o.PID, syscall.SIGTERM))
	deadline := time.Now().Add(aheadTimeout)
	for time.Now().Before(deadline) {
		if o, _ := ahead.Held(gitDir); o == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	ts.Fatalf("aheadkill: pid %d still holds the lock", o.PID)
}

// stopAheadRuns stops the background runs a script's post-commit hooks
// started (their pids are in the logs) with SIGKILL, the script being
// over, and waits until they are gone, so no process outlives the test.
func stopAheadRuns(work string) {
	logs, _ := filepath.Glob(filepath.Join(work, "*", ".git", "quorum", ahead.LogName))
	var pids []int
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		for _, line := range strings.Split(string(b), "\n") {
			_, rest, ok := strings.Cut(line, "started the background review (pid ")
			if !ok {
				continue
			}
			if pid, err := strconv.Atoi(strings.TrimSuffix(rest, ")")); err == nil && pid > 1 {
				pids = append(pids, pid)
			}
		}
	}
	for _, pid := range pids {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	deadline := time.Now().Add(aheadTimeout)
	for _, pid := range pids {
		for time.Now().Before(deadline) && alive(pid) {
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// alive reports a process that exists and is not a zombie (one whose
// parent, after the hook's quorum exited, has not reaped it yet).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return !strings.HasPrefix(rest, "Z")
}
