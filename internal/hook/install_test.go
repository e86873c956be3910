package hook

import (
	"context"
	"errors"
	"os"
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
	if err == nil || !strings.Contains(err.Error(), "not a git repository") {
		t.Fatalf("err = %v", err)
	}
}
