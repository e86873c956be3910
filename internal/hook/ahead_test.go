package hook

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPostCommitScriptOnlySpawns runs the installed post-commit hook with a
// stand-in quorum that blocks until released: the hook exits while its
// quorum is still blocked (it started it and did not wait), after running
// the chained hook first, with the chained hook's exit status.
func TestPostCommitScriptOnlySpawns(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	r.commit("one")
	fake := t.TempDir()
	exe := filepath.Join(fake, "quorum")
	// Each file appears whole (written aside, then renamed), so a test that
	// sees it exists never reads it half written.
	script := "#!/bin/sh\necho \"$*\" > \"" + fake + "/started.tmp\" && mv \"" + fake + "/started.tmp\" \"" + fake + "/started\"\n" +
		"while [ ! -e \"" + fake + "/release\" ]; do sleep 0.05; done\necho done > \"" + fake + "/finished.tmp\" && mv \"" + fake + "/finished.tmp\" \"" + fake + "/finished\"\n"
	if err := os.WriteFile(exe, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	hooks := filepath.Join(r.dir, ".git", "hooks")
	if err := os.MkdirAll(hooks, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(hooks, PostCommitName), []byte("#!/bin/sh\necho chained > \""+fake+"/chained\"\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	res, err := Install(ctx, InstallOptions{Dir: r.dir, Executable: exe, Ahead: true, Mode: Chain})
	if err != nil || res.Ahead == nil || res.Ahead.Action != "chained" {
		t.Fatalf("install: %+v %v", res, err)
	}
	t.Cleanup(func() {
		_ = os.WriteFile(filepath.Join(fake, "release"), nil, 0o644)
		waitFile(t, filepath.Join(fake, "finished"))
	})

	cmd := exec.Command(filepath.Join(hooks, PostCommitName))
	cmd.Dir = r.dir
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("post-commit: %v, want the chained hook's exit status 3", err)
	}
	if b, err := os.ReadFile(filepath.Join(fake, "chained")); err != nil || string(b) != "chained\n" {
		t.Fatalf("the chained hook did not run: %v", err)
	}
	waitFile(t, filepath.Join(fake, "started"))
	if b, _ := os.ReadFile(filepath.Join(fake, "started")); strings.TrimSpace(string(b)) != "hook post-commit" {
		t.Fatalf("quorum ran with %q", b)
	}
	if _, err := os.Stat(filepath.Join(fake, "finished")); err == nil {
		t.Fatal("quorum finished before it was released")
	}
	// The hook has returned, and its quorum is still waiting: it only spawned.

	if res, err := Uninstall(ctx, r.dir); err != nil || res.Ahead == nil || res.Ahead.Action != "restored" {
		t.Fatalf("uninstall: %+v %v", res, err)
	}
	if b, _ := os.ReadFile(filepath.Join(hooks, PostCommitName)); !strings.Contains(string(b), "exit 3") {
		t.Fatalf("the previous post-commit hook was not restored:\n%s", b)
	}
	if AheadInstalled(ctx, r.dir) {
		t.Fatal("AheadInstalled after uninstall")
	}
}

func waitFile(t *testing.T, p string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := os.Stat(p); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never appeared", p)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestPlanBranchMatchesPush: the background review plans exactly the
// ranges the pre-push hook gets for a plain push of the branch, with an
// upstream and for a branch new to the remote.
func TestPlanBranchMatchesPush(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	r.commit("one")
	r.run("push", "-q", "-u", "origin", "main")
	r.commit("two")
	r.commit("three")
	plan, br, err := PlanBranch(ctx, r.dir)
	if err != nil {
		t.Fatal(err)
	}
	base := r.run("rev-parse", "origin/main")
	if br.Remote != "origin" || br.RemoteRef != "refs/heads/main" || br.RemoteOID != base || len(plan.Ranges) != 1 ||
		plan.Ranges[0].String() != base+".."+r.run("rev-parse", "HEAD") || len(plan.Commits) != 2 {
		t.Fatalf("%+v %+v", br, plan)
	}
	r.run("checkout", "-q", "-b", "topic")
	r.commit("four")
	plan, br, err = PlanBranch(ctx, r.dir)
	if err != nil {
		t.Fatal(err)
	}
	push, err := PlanPush(ctx, r.dir, []Update{{LocalRef: "refs/heads/topic", LocalOID: r.run("rev-parse", "HEAD"), RemoteRef: "refs/heads/topic", RemoteOID: strings.Repeat("0", 40)}}, PlanOptions{Remote: "origin"})
	if err != nil {
		t.Fatal(err)
	}
	if br.RemoteRef != "refs/heads/topic" || !isZero(br.RemoteOID) || strings.Join(plan.Spans(), " ") != strings.Join(push.Spans(), " ") || len(plan.Commits) != 3 {
		t.Fatalf("new branch: %+v %v, push plans %v", br, plan.Spans(), push.Spans())
	}
	r.run("checkout", "-q", "--detach")
	if _, _, err := PlanBranch(ctx, r.dir); !errors.Is(err, ErrDetached) {
		t.Fatalf("detached: %v", err)
	}
	r.run("checkout", "-q", "main")
	r.run("remote", "rename", "origin", "up")
	r.run("remote", "add", "other", r.dir)
	r.run("config", "--unset", "branch.main.remote")
	if _, _, err := PlanBranch(ctx, r.dir); !errors.Is(err, ErrNoRemote) {
		t.Fatalf("two remotes, no origin, no upstream: %v", err)
	}
}

// A branch made from origin/main has origin/main as its upstream; under
// git's default push.default (simple) it is pushed under its own name, so
// the push is measured against its own remote-tracking ref. Under
// push.default=upstream it goes to the upstream.
func TestPlanBranchPushDefault(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	r.commit("one")
	r.run("push", "-q", "-u", "origin", "main")
	r.run("fetch", "-q", "origin")
	r.run("checkout", "-q", "-b", "feat", "--track", "origin/main")
	r.commit("two")
	r.run("push", "-q", "--no-verify", "origin", "feat")
	r.run("fetch", "-q", "origin")
	_, br, err := PlanBranch(ctx, r.dir)
	if err != nil {
		t.Fatal(err)
	}
	if br.RemoteRef != "refs/heads/feat" || br.RemoteOID != r.run("rev-parse", "HEAD") {
		t.Fatalf("simple: %+v", br)
	}
	r.run("config", "push.default", "upstream")
	if _, br, err = PlanBranch(ctx, r.dir); err != nil || br.RemoteRef != "refs/heads/main" {
		t.Fatalf("upstream: %+v %v", br, err)
	}
}
