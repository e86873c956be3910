package hook

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestInstallLifecycle(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	hooks := filepath.Join(r.dir, ".git", "hooks")
	hook := filepath.Join(hooks, HookName)

	res, err := Install(ctx, InstallOptions{Dir: r.dir, Executable: "/opt/it's/quorum"})
	if err != nil || res.Action != "installed" || res.Path != hook {
		t.Fatalf("install: %+v %v", res, err)
	}
	if s := read(t, hook); !strings.Contains(s, Marker) || !strings.Contains(s, `quorum='/opt/it'\''s/quorum'`) {
		t.Fatalf("script:\n%s", s)
	}
	if st, _ := os.Stat(hook); st.Mode()&0o111 == 0 {
		t.Fatal("hook not executable")
	}
	if res, err = Install(ctx, InstallOptions{Dir: r.dir}); err != nil || res.Action != "updated" {
		t.Fatalf("reinstall: %+v %v", res, err)
	}
	if res, err = Uninstall(ctx, r.dir); err != nil || res.Action != "removed" || exists(hook) {
		t.Fatalf("uninstall: %+v %v", res, err)
	}
	if _, err = Uninstall(ctx, r.dir); !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("second uninstall: %v", err)
	}

	foreign := "#!/bin/sh\necho theirs\n"
	if err := os.WriteFile(hook, []byte(foreign), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err = Install(ctx, InstallOptions{Dir: r.dir}); !errors.Is(err, ErrForeignHook) || read(t, hook) != foreign {
		t.Fatalf("foreign: %v", err)
	}
	if _, err = Uninstall(ctx, r.dir); !errors.Is(err, ErrForeignHook) || read(t, hook) != foreign {
		t.Fatalf("uninstall foreign: %v", err)
	}
	res, err = Install(ctx, InstallOptions{Dir: r.dir, Mode: Chain})
	if err != nil || res.Action != "chained" || read(t, filepath.Join(hooks, ChainedName)) != foreign {
		t.Fatalf("chain: %+v %v", res, err)
	}
	if res, err = Install(ctx, InstallOptions{Dir: r.dir}); err != nil || res.Kept == "" {
		t.Fatalf("update keeps chain: %+v %v", res, err)
	}
	if res, err = Uninstall(ctx, r.dir); err != nil || res.Action != "restored" || read(t, hook) != foreign {
		t.Fatalf("uninstall chain: %+v %v", res, err)
	}
	res, err = Install(ctx, InstallOptions{Dir: r.dir, Mode: Force})
	if err != nil || res.Action != "replaced" || read(t, filepath.Join(hooks, BackupName)) != foreign {
		t.Fatalf("force: %+v %v", res, err)
	}
	if res, err = Uninstall(ctx, r.dir); err != nil || read(t, hook) != foreign || exists(filepath.Join(hooks, BackupName)) {
		t.Fatalf("uninstall force: %+v %v", res, err)
	}
}

func TestHooksPathAndWorktree(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	r.commit("one")

	r.run("config", "core.hooksPath", "githooks")
	sub := filepath.Join(r.dir, "sub")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	res, err := Install(ctx, InstallOptions{Dir: sub})
	if err != nil || res.Path != filepath.Join(r.dir, "githooks", HookName) {
		t.Fatalf("hooksPath: %+v %v", res, err)
	}
	r.run("config", "core.hooksPath", "/dev/null")
	if _, err := Install(ctx, InstallOptions{Dir: r.dir}); !errors.Is(err, ErrHooksDisabled) {
		t.Fatalf("/dev/null: %v", err)
	}
	r.run("config", "--unset", "core.hooksPath")

	wt := filepath.Join(filepath.Dir(r.dir), "wt")
	r.run("worktree", "add", "-q", wt)
	res, err = Install(ctx, InstallOptions{Dir: wt})
	if err != nil || res.Path != filepath.Join(r.dir, ".git", "hooks", HookName) {
		t.Fatalf("worktree: %+v %v", res, err)
	}
}

func TestNotARepo(t *testing.T) {
	_, err := Install(context.Background(), InstallOptions{Dir: t.TempDir()})
	if !errors.Is(err, ErrNotRepository) {
		t.Fatalf("err = %v", err)
	}
}

// The script hands git's stdin to the chained hook and to quorum through a
// temp file in the git dir (not $TMPDIR), removed when the hook exits.
func TestScriptStdinStaysInGitDir(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	r.commit("one")
	hooks := filepath.Join(r.dir, ".git", "hooks")
	out := t.TempDir()
	record := func(name string) string {
		return "#!/bin/sh\n" +
			"cat >" + filepath.Join(out, name+".in") + "\n" +
			"echo \"$@\" >" + filepath.Join(out, name+".args") + "\n" +
			"ls \"$(git rev-parse --git-dir)\" | grep quorum-pre-push >" + filepath.Join(out, name+".tmp") + "\n"
	}
	if err := os.MkdirAll(hooks, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(hooks, HookName), []byte(record("chained")), 0o755); err != nil {
		t.Fatal(err)
	}
	fake := filepath.Join(t.TempDir(), "quorum")
	if err := os.WriteFile(fake, []byte(record("quorum")), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Install(ctx, InstallOptions{Dir: r.dir, Mode: Chain, Executable: fake}); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	stdin := "refs/heads/main " + strings.Repeat("a", 40) + " refs/heads/main " + strings.Repeat("0", 40) + "\n"
	cmd := exec.Command(filepath.Join(hooks, HookName), "origin", "/x/remote.git")
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	cmd.Stdin = strings.NewReader(stdin)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hook: %v\n%s", err, b)
	}
	for _, name := range []string{"chained", "quorum"} {
		if got := read(t, filepath.Join(out, name+".in")); got != stdin {
			t.Errorf("%s stdin %q, want %q", name, got, stdin)
		}
		if got := read(t, filepath.Join(out, name+".tmp")); !strings.HasPrefix(got, "quorum-pre-push.") {
			t.Errorf("%s saw no temp file in the git dir: %q", name, got)
		}
	}
	if got := read(t, filepath.Join(out, "quorum.args")); got != "hook run origin /x/remote.git\n" {
		t.Errorf("quorum args %q", got)
	}
	left, _ := filepath.Glob(filepath.Join(r.dir, ".git", "quorum-pre-push.*"))
	inTmp, _ := os.ReadDir(tmp)
	if len(left) != 0 || len(inTmp) != 0 {
		t.Errorf("left behind: git dir %v, TMPDIR %v", left, inTmp)
	}
}

// With the quorum binary gone, the script lets the push through with a
// warning, unless hook.on_unavailable: block is set (in .quorum.yaml, the
// user config or the environment): then it refuses, and QUORUM_SKIP=1
// still skips.
func TestScriptWithoutTheBinary(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	r.commit("one")
	gone := filepath.Join(t.TempDir(), "quorum")
	if _, err := Install(ctx, InstallOptions{Dir: r.dir, Executable: gone}); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	run := func(env ...string) (string, int) {
		cmd := exec.Command(filepath.Join(r.dir, ".git", "hooks", HookName), "origin", "/x/remote.git")
		cmd.Dir = r.dir
		cmd.Env = append([]string{"PATH=/usr/bin:/bin", "HOME=" + home}, env...)
		cmd.Stdin = strings.NewReader("refs/heads/main " + strings.Repeat("a", 40) + " refs/heads/main " + strings.Repeat("0", 40) + "\n")
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	if out, code := run(); code != 0 || !strings.Contains(out, "quorum: warning: quorum binary not found; push not reviewed") {
		t.Fatalf("allow: exit %d\n%s", code, out)
	}
	const refused = "error: push blocked: the quorum binary was not found (hook.on_unavailable: block)"
	if out, code := run("QUORUM_HOOK_ON_UNAVAILABLE=block"); code != 2 || !strings.Contains(out, refused) || !strings.Contains(out, "\nhint: reinstall quorum") {
		t.Fatalf("block from the environment: exit %d\n%s", code, out)
	}
	if err := os.WriteFile(filepath.Join(r.dir, ".quorum.yaml"), []byte("# on_unavailable: block is not set here\nhook:\n  on_unavailable: allow\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, code := run(); code != 0 {
		t.Fatalf("a commented-out block blocked")
	}
	if err := os.WriteFile(filepath.Join(r.dir, ".quorum.yaml"), []byte("hook:\n  on_unavailable: \"block\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, code := run(); code != 2 || !strings.Contains(out, refused) {
		t.Fatalf("block in .quorum.yaml: exit %d\n%s", code, out)
	}
	for _, yaml := range []string{"hook:\n  on_unavailable: Block\n", `{"hook": {"on_unavailable": "block"}}` + "\n"} {
		if err := os.WriteFile(filepath.Join(r.dir, ".quorum.yaml"), []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		if out, code := run(); code != 2 || !strings.Contains(out, refused) {
			t.Fatalf("block as %q: exit %d\n%s", yaml, code, out)
		}
	}
	if out, code := run("QUORUM_HOOK_ON_UNAVAILABLE= BLOCK"); code != 2 || !strings.Contains(out, refused) {
		t.Fatalf("BLOCK from the environment: exit %d\n%s", code, out)
	}
	if out, code := run("QUORUM_SKIP=1"); code != 0 {
		t.Fatalf("QUORUM_SKIP=1: exit %d\n%s", code, out)
	}
	if out, code := run("QUORUM_SKIP=off"); code != 2 {
		t.Fatalf("QUORUM_SKIP=off skipped: exit %d\n%s", code, out)
	}
	os.Remove(filepath.Join(r.dir, ".quorum.yaml"))
	if err := os.MkdirAll(filepath.Join(home, ".config", "quorum"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".config", "quorum", "config.yaml"), []byte("hook: {on_unavailable: block}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, code := run(); code != 2 || !strings.Contains(out, refused) {
		t.Fatalf("block in flow style: exit %d\n%s", code, out)
	}
	if err := os.WriteFile(filepath.Join(home, ".config", "quorum", "config.yaml"), []byte("hook:\n  on_unavailable: block\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, code := run(); code != 2 || !strings.Contains(out, refused) {
		t.Fatalf("block in the user config: exit %d\n%s", code, out)
	}
}

// TestChainAheadChangesNothingWhenRefused: `install --chain --ahead` over
// a foreign post-commit hook that has a chained hook already is refused
// before the pre-push hook is touched.
func TestChainAheadChangesNothingWhenRefused(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	hooks := filepath.Join(r.dir, ".git", "hooks")
	if err := os.MkdirAll(hooks, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{HookName, PostCommitName, PostCommitName + chainedSuffix} {
		if err := os.WriteFile(filepath.Join(hooks, name), []byte("#!/bin/sh\necho "+name+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Install(ctx, InstallOptions{Dir: r.dir, Mode: Chain, Ahead: true}); !errors.Is(err, ErrChainTaken) {
		t.Fatalf("install: %v, want ErrChainTaken", err)
	}
	if got := read(t, filepath.Join(hooks, HookName)); got != "#!/bin/sh\necho "+HookName+"\n" || exists(filepath.Join(hooks, HookName+chainedSuffix)) {
		t.Fatalf("the pre-push hook was changed:\n%s", got)
	}
}

// TestInstallRefusesSHA256: quorum cannot read a SHA-256 repository, so a
// hook there would fail every push: install refuses, naming why, and
// writes nothing.
func TestInstallRefusesSHA256(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", "--object-format=sha256", dir).CombinedOutput(); err != nil {
		t.Skipf("git cannot make a SHA-256 repository: %v %s", err, out)
	}
	_, err := Install(context.Background(), InstallOptions{Dir: dir, Executable: "/bin/quorum"})
	if err == nil || !strings.Contains(err.Error(), "SHA-256 repository") {
		t.Fatalf("install: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".git", "hooks", "pre-push")); !os.IsNotExist(err) {
		t.Errorf("a hook was written: %v", err)
	}
}
