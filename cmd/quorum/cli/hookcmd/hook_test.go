package hookcmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/ollamatest"
)

func TestInstallFlags(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var got *InstallOptions
	cmd := NewCmdInstall(&cmdutil.Factory{IOStreams: ios, WorkDir: "/x"}, func(o *InstallOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--chain"})
	if err := cmd.Execute(); err != nil || !got.Chain || got.Force || got.Dir != "/x" {
		t.Fatalf("%+v %v", got, err)
	}
	cmd = NewCmdInstall(&cmdutil.Factory{IOStreams: ios}, func(*InstallOptions) error { t.Fatal("ran"); return nil })
	cmd.SetArgs([]string{"--chain", "--force"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	if err := cmd.Execute(); exitcode.Of(err) != exitcode.Setup || exitcode.HintOf(err) == "" {
		t.Fatalf("err %v", err)
	}
}

func TestRunArgs(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	preCommit := map[string]string{"PRE_COMMIT_FROM_REF": "a", "PRE_COMMIT_TO_REF": "b", "PRE_COMMIT_REMOTE_NAME": "up", "PRE_COMMIT_REMOTE_URL": "git@host:up.git"}
	for _, tc := range []struct {
		args        []string
		env         map[string]string
		remote, url string
		fail        bool
	}{
		{args: []string{"origin", "git@host:x.git"}, remote: "origin", url: "git@host:x.git"},
		{args: []string{"origin"}, remote: "origin", url: "origin"},
		{args: nil, fail: true},
		// pre-commit runs the hook with no arguments.
		{args: nil, env: preCommit, remote: "up", url: "git@host:up.git"},
		{args: nil, env: map[string]string{"PRE_COMMIT_TO_REF": "b"}, fail: true},
		{args: []string{"a", "b", "c"}, fail: true},
	} {
		var got *RunOptions
		env := tc.env
		cmd := NewCmdRun(&cmdutil.Factory{IOStreams: ios, Getenv: func(k string) string { return env[k] }}, func(o *RunOptions) error { got = o; return nil })
		cmd.SetArgs(tc.args)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		err := cmd.Execute()
		if tc.fail {
			if exitcode.Of(err) != exitcode.Setup || exitcode.HintOf(err) == "" {
				t.Errorf("%v: err %v", tc.args, err)
			}
			continue
		}
		if err != nil || got.Remote != tc.remote || got.URL != tc.url {
			t.Errorf("%v: %+v %v", tc.args, got, err)
		}
	}
}

// gitIn runs git in dir with a fixed identity, failing the test on error,
// and returns its trimmed output.
func gitIn(t *testing.T, dir string) func(args ...string) string {
	return func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
}

// gitRepo makes a repo with one commit and returns it with its push line.
func gitRepo(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	run := gitIn(t, dir)
	run("init", "-q", "-b", "main")
	if err := os.WriteFile(filepath.Join(dir, "a.go"), []byte("package a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run("add", ".")
	run("commit", "-q", "-m", "a")
	head := run("rev-parse", "HEAD")
	return dir, "refs/heads/main " + head + " refs/heads/main " + strings.Repeat("0", 40) + "\n"
}

type reviewerFunc func(context.Context, ReviewRequest) (Outcome, error)

func (f reviewerFunc) Review(ctx context.Context, r ReviewRequest) (Outcome, error) { return f(ctx, r) }

func runHook(t *testing.T, dir, stdin string, env map[string]string, r Reviewer) (string, error) {
	t.Helper()
	ios, in, _, errOut := iostreams.Test()
	in.WriteString(stdin)
	err := RunPush(&RunOptions{IO: ios, Context: context.Background(), Dir: dir, Remote: "origin", URL: "u",
		Getenv: func(k string) string { return env[k] }, Reviewer: r})
	return errOut.String(), err
}

// TestPassOnDismissalsSaysSo: a push that goes through because findings
// at the gate were dismissed says how many, and where to look: an old
// dismissal may now cover code it was not written for.
func TestPassOnDismissalsSaysSo(t *testing.T) {
	dir, line := gitRepo(t)
	stderr, err := runHook(t, dir, line, map[string]string{"HOME": t.TempDir()}, reviewerFunc(func(_ context.Context, r ReviewRequest) (Outcome, error) {
		return Outcome{Below: map[string]int{}, Dismissed: 2, ReportPath: "/r.md"}, nil
	}))
	if err != nil || !strings.Contains(stderr, ": nothing at or above critical (2 dismissed: quorum dismiss --list); report: /r.md\n") {
		t.Fatalf("pass: %v %q", err, stderr)
	}
	// Findings below the gate are counted on a pass, as on a block.
	stderr, err = runHook(t, dir, line, map[string]string{"HOME": t.TempDir()}, reviewerFunc(func(_ context.Context, r ReviewRequest) (Outcome, error) {
		return Outcome{Below: map[string]int{"important": 1, "suggestion": 2}, Dismissed: 2, ReportPath: "/r.md"}, nil
	}))
	if err != nil || !strings.Contains(stderr, ": nothing at or above critical (3 below the gate; 2 dismissed: quorum dismiss --list); report: /r.md\n") {
		t.Fatalf("pass with findings below: %v %q", err, stderr)
	}
}

func TestRunOutcomes(t *testing.T) {
	dir, line := gitRepo(t)
	env := map[string]string{"HOME": t.TempDir()}

	// Skipping still drains stdin and never calls the reviewer.
	ios, in, _, errOut := iostreams.Test()
	in.WriteString(line)
	err := RunPush(&RunOptions{IO: ios, Dir: dir, Remote: "origin", Getenv: func(k string) string {
		return map[string]string{"QUORUM_SKIP": "1"}[k]
	}, Reviewer: reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) { t.Fatal("reviewed"); return Outcome{}, nil })})
	if err != nil || in.Len() != 0 || !strings.Contains(errOut.String(), "QUORUM_SKIP") {
		t.Fatalf("skip: %v unread=%d %q", err, in.Len(), errOut)
	}

	// Model text is reduced to one clean line per finding.
	stderr, err := runHook(t, dir, line, env, reviewerFunc(func(_ context.Context, r ReviewRequest) (Outcome, error) {
		return Outcome{Blocked: true, Blocking: []hook.Finding{{ID: "ab12cd34", Severity: "critical", File: "db.go", Line: 3,
			Title: "evil\x1b[2J title\nsecond line", Reviewers: []string{"qwen2.5-coder:7b", "llama3.1:8b"}, SeenBy: 3}},
			Below: map[string]int{"suggestion": 2, "important": 2}, Dismissed: 1, ReportPath: "/r.md"}, nil
	}))
	if !errors.Is(err, exitcode.FindingsError) || strings.Contains(stderr, "\x1b") || strings.Contains(stderr, "second line") {
		t.Fatalf("blocked: %v %q", err, stderr)
	}
	for _, want := range []string{
		"\n  ab12cd34  critical   db.go:3  evil title  (2 of 3: qwen2.5-coder:7b, llama3.1:8b)\n",
		"\nalso 4 findings below the gate: 2 important, 2 suggestions; 1 dismissed\n", // "important" is no noun
		"\nreport: /r.md\n",
		"\n  quorum report show ",
		"\n  quorum dismiss ab12cd34 --reason \"...\" ",
		"\n  QUORUM_SKIP=1 git push ",
		"git push --no-verify",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("blocked output lacks %q:\n%s", want, stderr)
		}
	}

	// A reviewer error without a hint keeps its code and gains the skip hint.
	_, err = runHook(t, dir, line, env, reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) {
		return Outcome{}, errors.New("boom")
	}))
	if exitcode.Of(err) != exitcode.Internal || !strings.Contains(exitcode.HintOf(err), "QUORUM_SKIP=1") || err.Error() != "review failed: boom" {
		t.Fatalf("error: %v (%d) %q", err, exitcode.Of(err), exitcode.HintOf(err))
	}

	// hook.timeout expiring with nothing finished follows on_unavailable.
	env["QUORUM_HOOK_TIMEOUT"] = "20ms"
	slow := reviewerFunc(func(ctx context.Context, r ReviewRequest) (Outcome, error) {
		if r.Timeout != 20*time.Millisecond {
			t.Errorf("timeout %v", r.Timeout)
		}
		<-ctx.Done()
		return Outcome{}, fmt.Errorf("chat: %w", ctx.Err())
	})
	// These commits were blocked above: hook.on_unavailable: allow never
	// lets them through unreviewed (stopping the server is no way around
	// the gate).
	_, err = runHook(t, dir, line, env, slow)
	if exitcode.Of(err) != exitcode.Setup ||
		err.Error() != "push blocked: the review did not finish within hook.timeout (20ms), and an earlier push of these commits was blocked on 1 finding (report /r.md)" ||
		!strings.Contains(exitcode.HintOf(err), "; a review that passes (the code fixed, or its findings dismissed) lets the push through; to push without review: the push again with QUORUM_SKIP=1 in front") {
		t.Fatalf("blocked before, timeout allow: %v (hint %q)", err, exitcode.HintOf(err))
	}
	dir, line = gitRepo(t) // commits no push was blocked on
	stderr, err = runHook(t, dir, line, env, slow)
	if err != nil || !strings.Contains(stderr, "did not finish within hook.timeout (20ms); push not reviewed (hook.on_unavailable: allow)\nhint: raise hook.timeout, or run 'quorum review' before pushing") {
		t.Fatalf("timeout allow: %v %q", err, stderr)
	}
	env["QUORUM_HOOK_ON_UNAVAILABLE"] = "block"
	_, err = runHook(t, dir, line, env, slow)
	if exitcode.Of(err) != exitcode.Setup || !strings.Contains(err.Error(), "push blocked: the review did not finish") || !strings.HasPrefix(exitcode.HintOf(err), "raise hook.timeout, or run 'quorum review' before pushing") {
		t.Fatalf("timeout block: %v (hint %q)", err, exitcode.HintOf(err))
	}
	// With the cache off, a review before the push would not help it.
	env["QUORUM_CACHE"] = "false"
	_, err = runHook(t, dir, line, env, slow)
	if !strings.HasPrefix(exitcode.HintOf(err), "raise hook.timeout; ") {
		t.Fatalf("timeout, cache off: hint %q", exitcode.HintOf(err))
	}
	delete(env, "QUORUM_CACHE")

	// Ollama down, allowed through: the warning says what to start.
	delete(env, "QUORUM_HOOK_TIMEOUT")
	delete(env, "QUORUM_HOOK_ON_UNAVAILABLE")
	stderr, err = runHook(t, dir, line, env, reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) {
		return Outcome{Unavailable: true, Reason: "ollama is not reachable at 127.0.0.1:11434"}, nil
	}))
	if err != nil || !strings.Contains(stderr, "quorum: warning: ollama is not reachable at 127.0.0.1:11434; push not reviewed (hook.on_unavailable: allow)\nhint: start Ollama ('ollama serve') and pull the panel's models; 'quorum doctor' checks both\n") {
		t.Fatalf("down allow: %v %q", err, stderr)
	}
}

// pre-commit runs the hook with no arguments and no stdin, describing the
// push in PRE_COMMIT_* variables: the real command takes them.
func TestRunPreCommitEnv(t *testing.T) {
	dir, line := gitRepo(t)
	head := strings.Fields(line)[1]
	env := map[string]string{"HOME": t.TempDir(), "PRE_COMMIT_TO_REF": head, "PRE_COMMIT_FROM_REF": strings.Repeat("0", 40),
		"PRE_COMMIT_REMOTE_NAME": "origin", "PRE_COMMIT_REMOTE_URL": "/x/origin.git",
		"PRE_COMMIT_REMOTE_BRANCH": "refs/heads/main", "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/main"}
	f, _, errOut := cmdtest.NewFactory(dir, env)
	var got ReviewRequest
	cmd := NewCmdRun(f, func(o *RunOptions) error {
		o.Reviewer = reviewerFunc(func(_ context.Context, r ReviewRequest) (Outcome, error) { got = r; return Outcome{}, nil })
		return RunPush(o)
	})
	code := cmdtest.Execute(context.Background(), cmd, f.IOStreams, nil)
	if code != 0 || len(got.Ranges) != 1 || got.Ranges[0].Head != head || got.Ranges[0].Base != got.EmptyTree || got.Remote != "origin" || got.URL != "/x/origin.git" {
		t.Fatalf("exit %d %q %+v", code, errOut, got)
	}
	if !strings.Contains(errOut.String(), "quorum: reviewed 1 commit") {
		t.Errorf("stderr %q", errOut)
	}
	// Blocked with no PRE_COMMIT_REMOTE_BRANCH (an older pre-commit): the
	// ref pushed to is not known, so the skip line spells no made-up one.
	delete(env, "PRE_COMMIT_REMOTE_BRANCH")
	f, _, errOut = cmdtest.NewFactory(dir, env)
	cmd = NewCmdRun(f, func(o *RunOptions) error {
		o.Reviewer = reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) {
			return Outcome{Blocked: true, Blocking: []hook.Finding{{ID: "Q1", Severity: "critical", File: "a.go", Line: 1, Title: "t"}}}, nil
		})
		return RunPush(o)
	})
	if code := cmdtest.Execute(context.Background(), cmd, f.IOStreams, nil); code != 1 || !strings.Contains(errOut.String(), "  "+genericSkip+" ") || strings.Contains(errOut.String(), "unknown") {
		t.Fatalf("blocked with no remote branch: exit %d\n%s", code, errOut)
	}
	env["PRE_COMMIT_REMOTE_BRANCH"] = "refs/heads/main"

	// A commit named otherwise than pre-commit does (by hand, checking a
	// hook manager's setup) is read with git; one git cannot read is an
	// error, never a push passed unreviewed.
	for _, name := range []string{"HEAD", head[:9]} {
		env["PRE_COMMIT_TO_REF"], env["PRE_COMMIT_FROM_REF"] = name, strings.Repeat("0", 40)
		f, _, errOut = cmdtest.NewFactory(dir, env)
		got = ReviewRequest{}
		cmd = NewCmdRun(f, func(o *RunOptions) error {
			o.Reviewer = reviewerFunc(func(_ context.Context, r ReviewRequest) (Outcome, error) { got = r; return Outcome{}, nil })
			return RunPush(o)
		})
		if code := cmdtest.Execute(context.Background(), cmd, f.IOStreams, nil); code != 0 || len(got.Ranges) != 1 || got.Ranges[0].Head != head {
			t.Fatalf("PRE_COMMIT_TO_REF=%s: exit %d %q %+v", name, code, errOut, got)
		}
	}
	for variable, value := range map[string]string{"PRE_COMMIT_TO_REF": "nosuchbranch", "PRE_COMMIT_FROM_REF": "nosuchbranch"} {
		env["PRE_COMMIT_TO_REF"], env["PRE_COMMIT_FROM_REF"] = head, strings.Repeat("0", 40)
		env[variable] = value
		f, _, errOut = cmdtest.NewFactory(dir, env)
		cmd = NewCmdRun(f, func(o *RunOptions) error {
			o.Reviewer = reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) { t.Fatal("reviewed"); return Outcome{}, nil })
			return RunPush(o)
		})
		if code := cmdtest.Execute(context.Background(), cmd, f.IOStreams, nil); code != exitcode.Setup ||
			!strings.Contains(errOut.String(), "error: "+variable+"=\"nosuchbranch\" names no commit of this repository\nhint: set it to the commit pushed (pre-commit does)") {
			t.Fatalf("%s=nosuchbranch: exit %d %q", variable, code, errOut)
		}
	}

	// Without the variables, no arguments is a usage error with a hint.
	f, _, errOut = cmdtest.NewFactory(dir, map[string]string{"HOME": t.TempDir()})
	cmd = NewCmdRun(f, func(*RunOptions) error { t.Fatal("ran"); return nil })
	if code := cmdtest.Execute(context.Background(), cmd, f.IOStreams, nil); code != exitcode.Setup ||
		!strings.Contains(errOut.String(), "error: hook run takes REMOTE and URL, got no arguments") ||
		!strings.Contains(errOut.String(), "hint: git runs it as 'quorum hook run REMOTE URL'") {
		t.Fatalf("exit %d %q", code, errOut)
	}
}

// A panel model missing while the others reviewed: the review ran with
// fewer reviewers, the report was saved, and the wording says so.
func TestRunMissingModelWording(t *testing.T) {
	dir, line := gitRepo(t)
	missing := reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) {
		return Outcome{ReportPath: "/g/quorum/r/report.md", Missing: []string{"tiny:1b"}, Reviewed: 2, Panel: 3}, nil
	})
	env := map[string]string{"HOME": t.TempDir()}
	stderr, err := runHook(t, dir, line, env, missing)
	want := "quorum: warning: reviewed by 2 of 3 panel models; not installed in ollama: tiny:1b (run 'ollama pull tiny:1b')\n"
	if err != nil || !strings.Contains(stderr, want) || strings.Contains(stderr, "not reviewed") ||
		!strings.Contains(stderr, "nothing at or above critical; report: /g/quorum/r/report.md") {
		t.Fatalf("allow: %v %q", err, stderr)
	}
	env["QUORUM_HOOK_ON_UNAVAILABLE"] = "block"
	_, err = runHook(t, dir, line, env, missing)
	if exitcode.Of(err) != exitcode.Setup ||
		err.Error() != "push blocked: reviewed by 2 of 3 panel models; not installed in ollama: tiny:1b (hook.on_unavailable: block)" ||
		!strings.HasPrefix(exitcode.HintOf(err), "run 'ollama pull tiny:1b', then push again; the reduced review's report: /g/quorum/r/report.md;") {
		t.Fatalf("block: %v %q", err, exitcode.HintOf(err))
	}
	// A missing model a typo away from an installed one: "did you mean"
	// comes before the pull.
	typo := reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) {
		return Outcome{ReportPath: "/g/quorum/r/report.md", Missing: []string{"tiny:1"}, Reviewed: 2, Panel: 3,
			Typos: "did you mean tiny:1b instead of tiny:1? ('quorum models' lists the installed models)"}, nil
	})
	delete(env, "QUORUM_HOOK_ON_UNAVAILABLE")
	stderr, err = runHook(t, dir, line, env, typo)
	if err != nil || !strings.Contains(stderr, "not installed in ollama: tiny:1 (did you mean tiny:1b instead of tiny:1? ('quorum models' lists the installed models); else run 'ollama pull tiny:1')\n") {
		t.Fatalf("typo: %v %q", err, stderr)
	}
	// Findings at the gate still block with exit 1 (and the warning).
	blocked := reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) {
		return Outcome{Blocked: true, Blocking: []hook.Finding{{ID: "x1", Severity: "critical", File: "x.go", Title: "x"}}, ReportPath: "/r.md", Missing: []string{"tiny:1b"}, Reviewed: 2, Panel: 3}, nil
	})
	stderr, err = runHook(t, dir, line, env, blocked)
	if !errors.Is(err, exitcode.FindingsError) || !strings.Contains(stderr, "reviewed by 2 of 3 panel models") {
		t.Fatalf("blocked: %v %q", err, stderr)
	}
}

// The real pipeline (the default reviewer) against a fake Ollama, with one
// configured model not installed: one report, made by the other model,
// with the tool version recorded.
func TestRunDefaultReviewerMissingModel(t *testing.T) {
	dir, line := gitRepo(t)
	srv := ollamatest.New(t, ollamatest.Config{})
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte("models:\n  - qwen2.5-coder:7b\n  - not-installed:1b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := Version
	Version = "1.2.3-test"
	t.Cleanup(func() { Version = old })
	env := map[string]string{"HOME": t.TempDir(), "QUORUM_OLLAMA_HOST": srv.URL, "QUORUM_CACHE_DIR": t.TempDir()}
	f, _, errOut := cmdtest.NewFactory(dir, env)
	f.IOStreams.In.(*bytes.Buffer).WriteString(line)
	code := cmdtest.Execute(context.Background(), NewCmdRun(f, nil), f.IOStreams, []string{"origin", "/x/origin.git"})
	if code != 0 || !strings.Contains(errOut.String(), "quorum: warning: reviewed by 1 of 2 panel models; not installed in ollama: not-installed:1b (run 'ollama pull not-installed:1b')") ||
		strings.Contains(errOut.String(), "not reviewed") {
		t.Fatalf("exit %d %q", code, errOut)
	}
	reports, _ := filepath.Glob(filepath.Join(dir, ".git", "quorum", "reports", "*", "report.json"))
	if len(reports) != 1 {
		t.Fatalf("reports %v", reports)
	}
	b, err := os.ReadFile(reports[0])
	if err != nil || !strings.Contains(string(b), `"tool_version": "1.2.3-test"`) {
		t.Fatalf("report.json: %v\n%.400s", err, b)
	}

	f, _, errOut = cmdtest.NewFactory(dir, map[string]string{"HOME": env["HOME"], "QUORUM_OLLAMA_HOST": srv.URL, "QUORUM_CACHE_DIR": env["QUORUM_CACHE_DIR"], "QUORUM_HOOK_ON_UNAVAILABLE": "block"})
	f.IOStreams.In.(*bytes.Buffer).WriteString(line)
	code = cmdtest.Execute(context.Background(), NewCmdRun(f, nil), f.IOStreams, []string{"origin"})
	if code != exitcode.Setup || !strings.Contains(errOut.String(), "error: push blocked: reviewed by 1 of 2 panel models; not installed in ollama: not-installed:1b (hook.on_unavailable: block)") ||
		!strings.Contains(errOut.String(), "hint: run 'ollama pull not-installed:1b', then push again; the reduced review's report: ") {
		t.Fatalf("block: exit %d %q", code, errOut)
	}
}

func TestRunNothingToReviewCallsNoReviewer(t *testing.T) {
	dir, _ := gitRepo(t)
	stderr, err := runHook(t, dir, "", map[string]string{"HOME": t.TempDir()},
		reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) { t.Fatal("reviewed"); return Outcome{}, nil }))
	if err != nil || stderr != "" {
		t.Fatalf("%v %q", err, stderr)
	}
}

// An interrupt (SIGINT, SIGTERM, SIGHUP: the run's context cancelled) during
// the review refuses the push with "interrupted", exit 2, whatever
// hook.on_unavailable says, and whatever the reviewer made of it (the
// adapter used to call it a hook.timeout and let the push through).
func TestRunInterruptedRefusesThePush(t *testing.T) {
	dir, line := gitRepo(t)
	for _, onUnavailable := range []string{"allow", "block"} {
		for name, answer := range map[string]func() (Outcome, error){
			"as timeout": func() (Outcome, error) {
				return Outcome{Unavailable: true, Reason: "the review did not finish within hook.timeout (10m0s)"}, nil
			},
			"as error":   func() (Outcome, error) { return Outcome{}, fmt.Errorf("chat: %w", context.Canceled) },
			"as partial": func() (Outcome, error) { return Outcome{Partial: "a partial"}, nil },
		} {
			t.Run(onUnavailable+"/"+name, func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				env := map[string]string{"HOME": t.TempDir(), "QUORUM_HOOK_ON_UNAVAILABLE": onUnavailable}
				f, _, errOut := cmdtest.NewFactory(dir, env)
				f.IOStreams.In.(*bytes.Buffer).WriteString(line)
				interrupting := reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) {
					cancel() // the signal arrives mid-review
					return answer()
				})
				code := cmdtest.Execute(ctx, NewCmdRun(f, func(o *RunOptions) error {
					o.Reviewer = interrupting
					return RunPush(o)
				}), f.IOStreams, []string{"origin", "u"})
				lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
				if len(lines) > 0 && strings.HasPrefix(lines[0], "quorum: reviewing 1 commit ") {
					lines = lines[1:] // the progress line before the review
				}
				if code != exitcode.Setup || len(lines) != 2 ||
					lines[0] != "error: push blocked: the review was interrupted" ||
					!strings.HasPrefix(lines[1], "hint: push again") || !strings.Contains(lines[1], "QUORUM_SKIP=1") {
					t.Fatalf("exit %d %q", code, errOut)
				}
			})
		}
	}
	// The hint promises cached answers only when there is a cache.
	for cacheOn, want := range map[string]string{
		"true":  "hint: push again to have it reviewed (finished answers are cached); " + skipHint,
		"false": "hint: push again to have it reviewed (the cache is off, so it starts over); " + skipHint,
	} {
		ctx, cancel := context.WithCancel(context.Background())
		f, _, errOut := cmdtest.NewFactory(dir, map[string]string{"HOME": t.TempDir(), "QUORUM_CACHE": cacheOn})
		f.IOStreams.In.(*bytes.Buffer).WriteString(line)
		code := cmdtest.Execute(ctx, NewCmdRun(f, func(o *RunOptions) error {
			o.Reviewer = reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) {
				cancel()
				return Outcome{Partial: "a partial"}, nil
			})
			return RunPush(o)
		}), f.IOStreams, []string{"origin", "u"})
		cancel()
		if code != exitcode.Setup || !strings.HasSuffix(errOut.String(), "\n"+want+"\n") {
			t.Errorf("cache %s: exit %d %q", cacheOn, code, errOut)
		}
	}
}

// Interrupted after some reviewers finished with a blocking finding: the
// push is refused as any interrupted one, and the finding is shown with
// its report, not hidden behind "interrupted".
func TestRunInterruptedShowsWhatWasFound(t *testing.T) {
	dir, line := gitRepo(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f, _, errOut := cmdtest.NewFactory(dir, map[string]string{"HOME": t.TempDir()})
	f.IOStreams.In.(*bytes.Buffer).WriteString(line)
	found := hook.Finding{ID: "Q1", Severity: "critical", File: "a.go", Line: 3, Title: "SQL built from user input"}
	code := cmdtest.Execute(ctx, NewCmdRun(f, func(o *RunOptions) error {
		o.Reviewer = reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) {
			cancel()
			return Outcome{}, &interruptedError{found: Outcome{Blocking: []hook.Finding{found}, ReportPath: "/g/quorum/reports/r1/report.md"}}
		})
		return RunPush(o)
	}), f.IOStreams, []string{"origin", "u"})
	for _, want := range []string{
		"quorum: before the interruption, the reviewers that finished found 1 finding at or above critical:\n",
		"  Q1  critical   a.go:3  SQL built from user input\n",
		"report: /g/quorum/reports/r1/report.md\n",
		"error: push blocked: the review was interrupted\n",
	} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("lacks %q", want)
		}
	}
	if code != exitcode.Setup {
		t.Errorf("exit %d: %s", code, errOut)
	}
	// Remembered: a later push the hook cannot review is refused on it.
	v, err := hook.LoadVerdicts(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Blocked) != 1 || len(v.Blocked[0].Findings) != 1 || v.Blocked[0].Findings[0].ID != "Q1" {
		t.Errorf("not remembered: %+v", v.Blocked)
	}
}

// Severity is coloured on a terminal only, and never with NO_COLOR.
func TestBlockedColour(t *testing.T) {
	fs := []hook.Finding{{ID: "a1", Severity: "critical", File: "f.go", Line: 1, Title: "t"}}
	for _, c := range []struct {
		tty     bool
		noColor string
		want    bool
	}{{true, "", true}, {true, "1", false}, {false, "", false}} {
		ios, _, _, errOut := iostreams.Test()
		ios.StderrTTY = c.tty
		opts := &RunOptions{IO: ios}
		printBlocked(errOut, colorOn(opts, func(k string) string { return map[string]string{"NO_COLOR": c.noColor}[k] }), fs, "", "", skipPush)
		if got := strings.Contains(errOut.String(), "\x1b[1;31mcritical"); got != c.want {
			t.Errorf("tty=%v NO_COLOR=%q: colour %v, want %v:\n%q", c.tty, c.noColor, got, c.want, errOut)
		}
	}
}

// The real pipeline reports progress on a stderr that is not a terminal:
// one plain line per step with the model, chunk k of n and the elapsed time
// from the injected clock, before the verdict, and no control characters.
func TestRunDefaultReviewerProgress(t *testing.T) {
	dir, line := gitRepo(t)
	srv := ollamatest.New(t, ollamatest.Config{})
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte("models:\n  - qwen2.5-coder:7b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOME": t.TempDir(), "QUORUM_OLLAMA_HOST": srv.URL, "QUORUM_CACHE_DIR": t.TempDir()}
	ios, in, _, errOut := iostreams.Test()
	in.WriteString(line)
	frozen := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	err := RunPush(&RunOptions{IO: ios, Context: context.Background(), Dir: dir, Remote: "origin", URL: "u",
		Getenv: func(k string) string { return env[k] }, Now: func() time.Time { return frozen }})
	got := errOut.String()
	if err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	for _, want := range []string{
		"quorum: reviewing 1 commit (4b825dc642cb..",
		"\nquorum: qwen2.5-coder:7b: 1 chunk to review\n",
		"\nquorum: qwen2.5-coder:7b: chunk 1/1 done (0s",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in:\n%s", want, got)
		}
	}
	if strings.ContainsRune(got, '\x1b') || strings.Index(got, "chunk 1/1") > strings.Index(got, "quorum: reviewed 1 commit") {
		t.Errorf("progress after the verdict, or control characters:\n%q", got)
	}
}

// A saved blocked verdict whose commits are gone (a gc after a rebase) is a
// setup error with the skip hint, never a silent pass.
func TestRunSavedVerdictGone(t *testing.T) {
	dir, _ := gitRepo(t)
	remote := filepath.Join(t.TempDir(), "origin.git")
	for _, args := range [][]string{{"init", "-q", "--bare", remote}, {"-C", dir, "remote", "add", "origin", remote}, {"-C", dir, "push", "-q", "--no-verify", "origin", "main"}} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	out, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	head := strings.TrimSpace(string(out))
	v, err := hook.LoadVerdicts(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	gone := strings.Repeat("1", 40)
	if err := v.Record([]string{head}, &hook.Blocked{Ranges: []hook.Range{{Base: gone, Head: head}}}); err != nil {
		t.Fatal(err)
	}
	_, err = runHook(t, dir, "refs/heads/main "+head+" refs/heads/copy "+strings.Repeat("0", 40)+"\n", map[string]string{"HOME": t.TempDir()},
		reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) { t.Fatal("reviewed"); return Outcome{}, nil }))
	if exitcode.Of(err) != exitcode.Setup || !strings.Contains(err.Error(), "commit "+gone+" of an earlier blocked push") ||
		strings.Contains(err.Error(), "\n") || !strings.Contains(exitcode.HintOf(err), "QUORUM_SKIP=1 in front") {
		t.Fatalf("%v (%d) hint %q", err, exitcode.Of(err), exitcode.HintOf(err))
	}
}

// A cache that cannot be written does not change the push's outcome, but
// the next push would ask the models again: the hook says so.
func TestRunDefaultReviewerUncachable(t *testing.T) {
	dir, line := gitRepo(t)
	srv := ollamatest.New(t, ollamatest.Config{})
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte("models:\n  - qwen2.5-coder:7b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	blocked := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocked, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, _, errOut := cmdtest.NewFactory(dir, map[string]string{"HOME": t.TempDir(), "QUORUM_OLLAMA_HOST": srv.URL, "QUORUM_CACHE_DIR": blocked})
	f.IOStreams.In.(*bytes.Buffer).WriteString(line)
	code := cmdtest.Execute(context.Background(), NewCmdRun(f, nil), f.IOStreams, []string{"origin"})
	want := "quorum: warning: cache not written, so new answers are not kept for the next review: write cache: "
	if code != 0 || !strings.Contains(errOut.String(), want) || !strings.Contains(errOut.String(), "\nhint: make "+blocked+" a writable directory, point QUORUM_CACHE_DIR at one, or turn the cache off (--no-cache; for the hook, cache: false in .quorum.yaml or QUORUM_CACHE=false)\n") {
		t.Fatalf("exit %d %q", code, errOut)
	}
}

// A dismissal ledger quorum cannot read refuses the push before Ollama is
// asked anything (models used to load and answer first), whatever
// hook.on_unavailable says: one plain error line, a hint naming the file
// and how to push anyway, exit 2, no report.
func TestRunBadLedgerFailsBeforeAnyModel(t *testing.T) {
	dir, line := gitRepo(t)
	srv := ollamatest.New(t, ollamatest.Config{})
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte("models:\n  - qwen2.5-coder:7b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, ".quorum"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".quorum", "dismissed.yaml"), []byte("dismissed: 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, _, errOut := cmdtest.NewFactory(dir, map[string]string{"HOME": t.TempDir(), "QUORUM_OLLAMA_HOST": srv.URL, "QUORUM_CACHE_DIR": t.TempDir()})
	f.IOStreams.In.(*bytes.Buffer).WriteString(line)
	code := cmdtest.Execute(context.Background(), NewCmdRun(f, nil), f.IOStreams, []string{"origin"})
	want := "dismissed.yaml: line 1: dismissed: must be a list of entries, got 5\n" +
		"hint: fix .quorum/dismissed.yaml (a 'dismissed:' list; each entry needs 'fingerprint:' and 'reason:') or remove it; 'quorum dismiss --list' checks it; " + skipHint + "\n"
	if code != exitcode.Setup || !strings.HasSuffix(errOut.String(), want) || !strings.Contains(errOut.String(), "error: dismissal ledger ") ||
		strings.Contains(errOut.String(), "dismiss.Entry") {
		t.Fatalf("exit %d, stderr:\n%s\nwant exit 2 ending:\n%s", code, errOut, want)
	}
	if reqs := srv.Requests(); len(reqs) != 0 {
		t.Fatalf("%d requests to the server with a bad ledger, want none: %+v", len(reqs), reqs)
	}
	if reports, _ := filepath.Glob(filepath.Join(dir, ".git", "quorum", "reports", "*")); len(reports) != 0 {
		t.Fatalf("reports %v, want none", reports)
	}
}

// A panel whose models are all missing lets the push through (allow) with
// the command that fixes it, not generic advice.
func TestRunAllModelsMissingNamesThePull(t *testing.T) {
	dir, line := gitRepo(t)
	srv := ollamatest.New(t, ollamatest.Config{})
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte("models:\n  - not-installed:1b\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, _, errOut := cmdtest.NewFactory(dir, map[string]string{"HOME": t.TempDir(), "QUORUM_OLLAMA_HOST": srv.URL, "QUORUM_CACHE_DIR": t.TempDir()})
	f.IOStreams.In.(*bytes.Buffer).WriteString(line)
	code := cmdtest.Execute(context.Background(), NewCmdRun(f, nil), f.IOStreams, []string{"origin"})
	if code != 0 || !strings.Contains(errOut.String(), "push not reviewed (hook.on_unavailable: allow)\nhint: ") || !strings.Contains(errOut.String(), "ollama pull not-installed:1b") {
		t.Fatalf("exit %d %q", code, errOut)
	}
}

// One model named twice under two names blocks the push as configuration
// (exit 2, whatever hook.on_unavailable says), before any chat: its two
// reviews would agree with themselves.
func TestRunOneModelUnderTwoNamesBlocks(t *testing.T) {
	dir, line := gitRepo(t)
	digest := "sha256:77aa9c0d1e7b88aa0123456789abcdef0123456789abcdef0123456789abcdef"
	srv := ollamatest.New(t, ollamatest.Config{Models: []ollamatest.Model{
		{Name: "coder:latest", Family: "qwen2", ContextLength: 32768, Capabilities: []string{"completion"}, Digest: digest},
		{Name: "coder-copy:latest", Family: "qwen2", ContextLength: 32768, Capabilities: []string{"completion"}, Digest: digest},
	}})
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte("models: [coder, coder-copy]\nhook:\n  on_unavailable: allow\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, _, errOut := cmdtest.NewFactory(dir, map[string]string{"HOME": t.TempDir(), "QUORUM_OLLAMA_HOST": srv.URL, "QUORUM_CACHE_DIR": t.TempDir()})
	f.IOStreams.In.(*bytes.Buffer).WriteString(line)
	code := cmdtest.Execute(context.Background(), NewCmdRun(f, nil), f.IOStreams, []string{"origin"})
	want := "error: coder and coder-copy are one model (ID 77aa9c0d1e7b): as two reviewers they would agree with themselves\n" +
		"hint: list the model once in models: (.quorum.yaml or the user config); 'ollama list' shows each name's ID; " + skipHint + "\n"
	if code != exitcode.Setup || !strings.HasSuffix(errOut.String(), want) {
		t.Fatalf("exit %d, stderr:\n%s\nwant exit 2 ending:\n%s", code, errOut, want)
	}
	if n := srv.ModelCalls(); n != 0 {
		t.Fatalf("%d chats, want none", n)
	}
}

// hook.min_agreement above the panel's size could never block a push: it
// blocks as configuration (exit 2) before any chat, rather than let every
// push through.
func TestRunAgreementAboveThePanelBlocks(t *testing.T) {
	dir, line := gitRepo(t)
	srv := ollamatest.New(t, ollamatest.Config{})
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte("models: [qwen2.5-coder:7b, llama3.1:8b]\nhook:\n  min_agreement: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, _, errOut := cmdtest.NewFactory(dir, map[string]string{"HOME": t.TempDir(), "QUORUM_OLLAMA_HOST": srv.URL, "QUORUM_CACHE_DIR": t.TempDir()})
	f.IOStreams.In.(*bytes.Buffer).WriteString(line)
	code := cmdtest.Execute(context.Background(), NewCmdRun(f, nil), f.IOStreams, []string{"origin"})
	want := "error: hook.min_agreement 3 needs more reviewers than the panel's 2: no finding could block a push\n" +
		"hint: lower hook.min_agreement to at most 2, or add models to models: (.quorum.yaml or the user config); " + skipHint + "\n"
	if code != exitcode.Setup || !strings.HasSuffix(errOut.String(), want) {
		t.Fatalf("exit %d, stderr:\n%s\nwant exit 2 ending:\n%s", code, errOut, want)
	}
	if n := srv.ModelCalls(); n != 0 {
		t.Fatalf("%d chats, want none", n)
	}
}

// With hook.fail_on none nothing blocks a push, so a min_agreement above
// the panel asks nothing of anyone: the push is reviewed and goes through.
func TestRunAgreementAboveThePanelWithTheGateOff(t *testing.T) {
	dir, line := gitRepo(t)
	srv := ollamatest.New(t, ollamatest.Config{})
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte("models: [qwen2.5-coder:7b, llama3.1:8b]\nhook:\n  min_agreement: 3\n  fail_on: none\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, _, errOut := cmdtest.NewFactory(dir, map[string]string{"HOME": t.TempDir(), "QUORUM_OLLAMA_HOST": srv.URL, "QUORUM_CACHE_DIR": t.TempDir()})
	f.IOStreams.In.(*bytes.Buffer).WriteString(line)
	code := cmdtest.Execute(context.Background(), NewCmdRun(f, nil), f.IOStreams, []string{"origin"})
	if code != exitcode.OK || srv.ModelCalls() == 0 {
		t.Fatalf("exit %d after %d chats, stderr:\n%s", code, srv.ModelCalls(), errOut)
	}
}

// A file that fits no reviewer's context makes a partial review that says
// so: the cause beside its hint (a larger context), not a server to check.
func TestRunUnreadFileSaysItDidNotFit(t *testing.T) {
	dir, _ := gitRepo(t)
	run := gitIn(t, dir)
	old := run("rev-parse", "HEAD")
	long := "const table = [" + strings.Repeat(`"0123456789abcdef", `, 2000) + "];\n"
	if err := os.WriteFile(filepath.Join(dir, "long.js"), []byte(long), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte("models: [qwen2.5-coder:7b]\nmax_context: 4096\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run("add", ".")
	run("commit", "-q", "-m", "table")
	head := run("rev-parse", "HEAD")
	srv := ollamatest.New(t, ollamatest.Config{})
	f, _, errOut := cmdtest.NewFactory(dir, map[string]string{"HOME": t.TempDir(), "QUORUM_OLLAMA_HOST": srv.URL, "QUORUM_CACHE_DIR": t.TempDir()})
	f.IOStreams.In.(*bytes.Buffer).WriteString("refs/heads/main " + head + " refs/heads/main " + old + "\n")
	cmdtest.Execute(context.Background(), NewCmdRun(f, nil), f.IOStreams, []string{"origin"})
	if !strings.Contains(errOut.String(), "quorum: partial review: 1 file read by no reviewer (long.js; it did not fit a reviewer's context; see the report's coverage)\n") {
		t.Fatalf("stderr:\n%s", errOut)
	}
}

// A partial review (hook.timeout expired, a file no model could read) never
// says the commits were reviewed: with hook.on_unavailable: allow the push
// goes through as "partly reviewed"; with block it is refused, as a missing
// model is.
func TestRunPartialReviewSaysSo(t *testing.T) {
	dir, line := gitRepo(t)
	partial := reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) {
		return Outcome{Partial: "hook.timeout (12s) expired before the review finished; 9 files read by no reviewer (a.go, b.go, …)",
			TimedOut: true, ReportPath: "/r/report.md"}, nil
	})
	run := func(onUnavailable string) (int, string) {
		f, _, errOut := cmdtest.NewFactory(dir, map[string]string{"HOME": t.TempDir(), "QUORUM_HOOK_ON_UNAVAILABLE": onUnavailable})
		f.IOStreams.In.(*bytes.Buffer).WriteString(line)
		code := cmdtest.Execute(context.Background(), NewCmdRun(f, func(o *RunOptions) error {
			o.Reviewer = partial
			return RunPush(o)
		}), f.IOStreams, []string{"origin", "u"})
		return code, errOut.String()
	}
	code, out := run("allow")
	if code != 0 || !strings.Contains(out, "\nquorum: partial review: hook.timeout (12s) expired before the review finished; 9 files read by no reviewer (a.go, b.go, …)\n"+
		"hint: raise hook.timeout, or run 'quorum review' before pushing (its answers are cached for the push)\n") ||
		!strings.Contains(out, "\nquorum: partly reviewed 1 commit (") || !strings.HasSuffix(out, ": nothing at or above critical in what was read; report: /r/report.md\n") {
		t.Errorf("allow: exit %d\n%s", code, out)
	}
	code, out = run("block")
	want := "error: push blocked: the review is partial (hook.on_unavailable: block)\n" +
		"hint: raise hook.timeout, or run 'quorum review' before pushing (its answers are cached for the push); " + skipHint + "\n"
	if code != exitcode.Setup || !strings.HasSuffix(out, want) {
		t.Errorf("block: exit %d\n%s\nwant ending:\n%s", code, out, want)
	}
}

// A blocked push whose report could not be saved says so, and its next
// steps do not send the user to another report ('report show' would show
// the previous one, and 'dismiss' finds ids in the saved report).
func TestRunBlockedWithoutSavedReport(t *testing.T) {
	dir, line := gitRepo(t)
	f, _, errOut := cmdtest.NewFactory(dir, map[string]string{"HOME": t.TempDir()})
	f.IOStreams.In.(*bytes.Buffer).WriteString(line)
	code := cmdtest.Execute(context.Background(), NewCmdRun(f, func(o *RunOptions) error {
		o.Reviewer = reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) {
			return Outcome{Blocked: true, SaveErr: "save report: read-only file system",
				Blocking: []hook.Finding{{ID: "Q1", Severity: "critical", File: "k.go", Line: 8, Title: "t"}}}, nil
		})
		return RunPush(o)
	}), f.IOStreams, []string{"origin", "u"})
	out := errOut.String()
	if code != exitcode.Findings || !strings.Contains(out, "quorum: warning: the report could not be saved: save report: read-only file system\n") ||
		strings.Contains(out, "partial review") || strings.Contains(out, "quorum report show") || strings.Contains(out, "quorum dismiss Q1") ||
		!strings.Contains(out, "  fix what kept the report from being saved (above), then push again to dismiss a false positive\n") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

// A push with a file no reviewer could read goes through under allow with
// the hint that fixes it: a larger context for a file that did not fit
// one, the server for chunks it failed or never got to.
func TestRunUnreadFileHint(t *testing.T) {
	for _, tc := range []struct {
		name string
		cut  bool
		hint string
	}{
		{"did not fit", true, "hint: leave generated or minified files out (ignore: in .quorum.yaml), or give the reviewers a larger context (max_context, a model's num_ctx)\n"},
		{"the server went away", false, "hint: check the model server ('quorum doctor'), then push again: the chunks that finished come from the cache\n"},
	} {
		dir, line := gitRepo(t)
		f, _, errOut := cmdtest.NewFactory(dir, map[string]string{"HOME": t.TempDir()})
		f.IOStreams.In.(*bytes.Buffer).WriteString(line)
		code := cmdtest.Execute(context.Background(), NewCmdRun(f, func(o *RunOptions) error {
			o.Reviewer = reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) {
				return Outcome{Partial: "1 file read by no reviewer (long.js; see the report's coverage)", Unread: true, UnreadCut: tc.cut}, nil
			})
			return RunPush(o)
		}), f.IOStreams, []string{"origin", "u"})
		if code != 0 || !strings.Contains(errOut.String(), "quorum: partial review: 1 file read by no reviewer (long.js; see the report's coverage)\n"+tc.hint) {
			t.Fatalf("%s: exit %d\n%s", tc.name, code, errOut)
		}
	}
}

// Every push let through without a complete review under
// hook.on_unavailable: allow is remembered for 'quorum status', with why
// and whether part of it was read: not only one with Ollama down. A
// blocked push, a complete review, and a refused one (block) are not.
func TestRunRemembersIncompletePushes(t *testing.T) {
	for _, tc := range []struct {
		name, onUnavailable string
		out                 Outcome
		reason              string // "" when nothing is remembered
		partial             bool
	}{
		{name: "unavailable", out: Outcome{Unavailable: true, Reason: "ollama is not reachable at x"}, reason: "ollama is not reachable at x"},
		{name: "timeout", out: Outcome{Partial: "hook.timeout (12s) expired before the review finished", TimedOut: true},
			reason: "hook.timeout (12s) expired before the review finished", partial: true},
		{name: "failed reviewer", out: Outcome{Partial: "gemma2:9b failed"}, reason: "gemma2:9b failed", partial: true},
		{name: "unread", out: Outcome{Partial: "1 file read by no reviewer (long.js)", Unread: true}, reason: "1 file read by no reviewer (long.js)", partial: true},
		{name: "too large beside", out: Outcome{Partial: "1 file over the size limit sent to no reviewer (big.go)", TooLarge: true},
			reason: "1 file over the size limit sent to no reviewer (big.go)", partial: true},
		{name: "missing model", out: Outcome{Missing: []string{"gemma2:9b"}, Reviewed: 2, Panel: 3},
			reason: "reviewed by 2 of 3 panel models; not installed in ollama: gemma2:9b", partial: true},
		{name: "complete", out: Outcome{}},
		{name: "blocked partial", out: Outcome{Partial: "gemma2:9b failed", Blocked: true,
			Blocking: []hook.Finding{{ID: "Q1", Severity: "critical", File: "a.go", Line: 1, Title: "t"}}}},
		{name: "refused under block", onUnavailable: "block", out: Outcome{Partial: "gemma2:9b failed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, line := gitRepo(t)
			f, _, errOut := cmdtest.NewFactory(dir, map[string]string{"HOME": t.TempDir(), "QUORUM_HOOK_ON_UNAVAILABLE": tc.onUnavailable})
			f.IOStreams.In.(*bytes.Buffer).WriteString(line)
			cmdtest.Execute(context.Background(), NewCmdRun(f, func(o *RunOptions) error {
				o.Reviewer = reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) { return tc.out, nil })
				return RunPush(o)
			}), f.IOStreams, []string{"origin", "u"})
			v, err := hook.LoadVerdicts(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			if tc.reason == "" {
				if len(v.Unreviewed) != 0 {
					t.Fatalf("remembered %+v\n%s", v.Unreviewed, errOut)
				}
				return
			}
			if len(v.Unreviewed) != 1 || v.Unreviewed[0].Reason != tc.reason || v.Unreviewed[0].Partial != tc.partial ||
				len(v.Unreviewed[0].Commits) != 1 || len(v.Unreviewed[0].Ranges) != 1 {
				t.Fatalf("remembered %+v, want reason %q partial %v\n%s", v.Unreviewed, tc.reason, tc.partial, errOut)
			}
			if tc.name == "failed reviewer" && !strings.Contains(errOut.String(), "\nhint: once the cause is fixed, run 'quorum review --commits 4b825dc642cb6eb9a060e54bf8d69288fbee4904..") {
				t.Errorf("hint:\n%s", errOut)
			}
		})
	}
}

// A blocking finding on unchanged lines only is marked so, as the reports
// mark it; one on deleted code names its old lines.
func TestBlockedLocation(t *testing.T) {
	for _, tc := range []struct {
		f    hook.Finding
		want string
	}{
		{hook.Finding{File: "db.go", Line: 3, LineKind: "context"}, "db.go:3 (unchanged line)"},
		{hook.Finding{File: "db.go", Line: 3, EndLine: 5, LineKind: "context"}, "db.go:3-5 (unchanged lines)"},
		{hook.Finding{File: "db.go", Line: 3, EndLine: 5, LineKind: "added"}, "db.go:3"},
		{hook.Finding{File: "db.go", Line: 3}, "db.go:3"},
		{hook.Finding{File: "db.go", LineKind: "context"}, "db.go"},
		{hook.Finding{File: "db.go", Line: 7, Deleted: true, LineKind: "deleted", OldLine: 9}, "db.go:7 (deleted line 9)"},
		{hook.Finding{File: "db.go", Line: 7, Deleted: true, LineKind: "deleted", OldLine: 9, OldEndLine: 11}, "db.go:7 (deleted lines 9-11)"},
	} {
		if got := location(tc.f); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.f, got, tc.want)
		}
	}
}

// TestRunFileReadByTooFewIsPartial: with hook.min_agreement 2, a file
// one of two models could not fit (the other read it) can trip no gate:
// the push is a partial review (a warning under on_unavailable: allow,
// refused under block), never "reviewed: nothing at or above". So is one
// whose model read nothing at all, every file too long for it.
func TestRunFileReadByTooFewIsPartial(t *testing.T) {
	for _, tc := range []struct {
		name, policy string
		alone        bool // the bundle alone in the push: the small model has nothing to ask
		fails        bool
		want         string
		gateOff      bool // hook.fail_on: none: nothing to vouch for, so no gap
	}{
		{"the gate off, block", "block", false, false, "quorum: reviewed 1 commit", true},
		{"beside another file, allow", "allow", false, false, "quorum: partial review: bundle.js read in full by fewer reviewers than min agreement 2\nhint: once the cause is fixed, run 'quorum review --commits ", false},
		{"beside another file, block", "block", false, true, "bundle.js read in full by fewer reviewers than min agreement 2", false},
		{"alone, allow", "allow", true, false, "small:latest read nothing (no changed file fit its context)", false},
	} {
		dir := t.TempDir()
		run := gitIn(t, dir)
		run("init", "-q", "-b", "main")
		cfg := "models: [big:latest, small:latest]\nmax_context: 32768\nhook:\n  min_agreement: 2\n  on_unavailable: " + tc.policy + "\n"
		if tc.gateOff {
			cfg += "  fail_on: none\n"
		}
		if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		remote := filepath.Join(t.TempDir(), "origin.git")
		base := strings.Repeat("0", 40)
		if tc.alone {
			run("add", ".")
			run("commit", "-q", "-m", "config")
			run("init", "-q", "--bare", remote)
			run("remote", "add", "origin", remote)
			run("push", "-q", "origin", "main")
			base = run("rev-parse", "HEAD")
		}
		if err := os.WriteFile(filepath.Join(dir, "bundle.js"), []byte("var a=1;"+strings.Repeat("x=1;", 6000)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		run("add", ".")
		run("commit", "-q", "-m", "bundle")
		head := run("rev-parse", "HEAD")
		srv := ollamatest.New(t, ollamatest.Config{Models: []ollamatest.Model{
			{Name: "big:latest", Family: "qwen2", ContextLength: 32768, Capabilities: []string{"completion"}},
			{Name: "small:latest", Family: "llama", ContextLength: 4096, Capabilities: []string{"completion"}},
		}})
		env := map[string]string{"HOME": t.TempDir(), "QUORUM_OLLAMA_HOST": srv.URL, "QUORUM_CACHE_DIR": t.TempDir()}
		ios, in, _, errOut := iostreams.Test()
		in.WriteString("refs/heads/main " + head + " refs/heads/main " + base + "\n")
		err := RunPush(&RunOptions{IO: ios, Context: context.Background(), Dir: dir, Remote: "origin", URL: remote,
			Getenv: func(k string) string { return env[k] }})
		got := errOut.String()
		if tc.gateOff {
			if err != nil || !strings.Contains(got, tc.want) || strings.Contains(got, "partial review") {
				t.Errorf("%s: %v\n%s", tc.name, err, got)
			}
			continue
		}
		if (err != nil) != tc.fails || !strings.Contains(got, tc.want) || strings.Contains(got, "quorum: reviewed 1 commit") ||
			!tc.fails && !strings.Contains(got, " --min-agreement 2' to review all of it") {
			t.Errorf("%s: %v\n%s", tc.name, err, got)
		}
	}
}

// TestCommitOfTellsGitFailingFromABadName: git failing (no repository
// here) is said as such, with what to check, not as a variable naming no
// commit.
func TestCommitOfTellsGitFailingFromABadName(t *testing.T) {
	_, err := commitOf(context.Background(), t.TempDir(), "PRE_COMMIT_TO_REF", "HEAD")
	if exitcode.Of(err) != exitcode.Setup || !strings.HasPrefix(err.Error(), "reading PRE_COMMIT_TO_REF: ") ||
		!strings.HasPrefix(exitcode.HintOf(err), "check that git runs here") {
		t.Fatalf("%v (hint %q)", err, exitcode.HintOf(err))
	}
}
