package hookcmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/iostreams"
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
	for _, tc := range []struct {
		args        []string
		remote, url string
		fail        bool
	}{
		{args: []string{"origin", "git@host:x.git"}, remote: "origin", url: "git@host:x.git"},
		{args: []string{"origin"}, remote: "origin", url: "origin"},
		{args: nil, fail: true},
		{args: []string{"a", "b", "c"}, fail: true},
	} {
		var got *RunOptions
		cmd := NewCmdRun(&cmdutil.Factory{IOStreams: ios}, func(o *RunOptions) error { got = o; return nil })
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

// gitRepo makes a repo with one commit and returns it with its push line.
func gitRepo(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	run := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
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
	err := hookRun(&RunOptions{IO: ios, Context: context.Background(), Dir: dir, Remote: "origin", URL: "u",
		Getenv: func(k string) string { return env[k] }, Reviewer: r})
	return errOut.String(), err
}

func TestRunOutcomes(t *testing.T) {
	dir, line := gitRepo(t)
	env := map[string]string{"HOME": t.TempDir()}

	// Skipping still drains stdin and never calls the reviewer.
	ios, in, _, errOut := iostreams.Test()
	in.WriteString(line)
	err := hookRun(&RunOptions{IO: ios, Dir: dir, Remote: "origin", Getenv: func(k string) string {
		return map[string]string{"QUORUM_SKIP": "1"}[k]
	}, Reviewer: reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) { t.Fatal("reviewed"); return Outcome{}, nil })})
	if err != nil || in.Len() != 0 || !strings.Contains(errOut.String(), "QUORUM_SKIP") {
		t.Fatalf("skip: %v unread=%d %q", err, in.Len(), errOut)
	}

	// Model text is reduced to one clean line per finding.
	stderr, err := runHook(t, dir, line, env, reviewerFunc(func(_ context.Context, r ReviewRequest) (Outcome, error) {
		return Outcome{Blocked: true, Blocking: []string{"critical  evil\x1b[2J title\nsecond line"}, ReportPath: "/r.md"}, nil
	}))
	if !errors.Is(err, exitcode.FindingsError) || strings.Contains(stderr, "\x1b") || strings.Contains(stderr, "second line") || !strings.Contains(stderr, "  critical  evil[2J title\n") {
		t.Fatalf("blocked: %v %q", err, stderr)
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
	stderr, err = runHook(t, dir, line, env, slow)
	if err != nil || !strings.Contains(stderr, "did not finish within hook.timeout (20ms); push not reviewed") {
		t.Fatalf("timeout allow: %v %q", err, stderr)
	}
	env["QUORUM_HOOK_ON_UNAVAILABLE"] = "block"
	_, err = runHook(t, dir, line, env, slow)
	if exitcode.Of(err) != exitcode.Setup || !strings.Contains(err.Error(), "push blocked: the review did not finish") {
		t.Fatalf("timeout block: %v", err)
	}
}

// pre-commit runs pre-push hooks without stdin and describes the push in
// PRE_COMMIT_* variables.
func TestRunPreCommitEnv(t *testing.T) {
	dir, line := gitRepo(t)
	head := strings.Fields(line)[1]
	env := map[string]string{"HOME": t.TempDir(), "PRE_COMMIT_TO_REF": head, "PRE_COMMIT_FROM_REF": "",
		"PRE_COMMIT_REMOTE_NAME": "origin", "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/main", "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/main"}
	var got ReviewRequest
	_, err := runHook(t, dir, "", env, reviewerFunc(func(_ context.Context, r ReviewRequest) (Outcome, error) { got = r; return Outcome{}, nil }))
	if err != nil || len(got.Ranges) != 1 || got.Ranges[0].Head != head || got.Ranges[0].Base != got.EmptyTree {
		t.Fatalf("%v %+v", err, got)
	}
}

func TestRunNoReviewer(t *testing.T) {
	dir, line := gitRepo(t)
	_, err := runHook(t, dir, line, map[string]string{"HOME": t.TempDir()}, nil)
	if exitcode.Of(err) != exitcode.Internal || exitcode.HintOf(err) == "" {
		t.Fatalf("%v", err)
	}
	// Nothing to review needs no reviewer.
	stderr, err := runHook(t, dir, "", map[string]string{"HOME": t.TempDir()}, nil)
	if err != nil || stderr != "" {
		t.Fatalf("%v %q", err, stderr)
	}
}
