// Package scripttest holds what the testscript suites of the commands share: a sandboxed environment, the status command and a cleanup adapter for the fake Ollama.
package scripttest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	// Imported for its init: a GIT_DIR exported by the shell must not point
	// the tests at the caller's repository.
	_ "github.com/quorum-review/quorum/diff/difftest"

	"github.com/rogpeppe/go-internal/testscript"
)

// Sandbox gives a script its own home, user config, git identity and
// cache, so nothing of the machine's leaks in, and creates the home.
func Sandbox(env *testscript.Env) error {
	home := filepath.Join(env.WorkDir, "home")
	for k, v := range map[string]string{
		"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config"), "GIT_CONFIG_NOSYSTEM": "1",
		"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
		"GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com",
		"QUORUM_CACHE_DIR": filepath.Join(env.WorkDir, "cache"),
	} {
		env.Setenv(k, v)
	}
	return os.MkdirAll(home, 0o755)
}

// Status is the script command "status N PROG [ARGS...]": it runs PROG
// and requires exit status N, keeping its output for the stdout and
// stderr commands as exec does.
func Status(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status N PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("%v", err)
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}

// TB lets ollamatest.New stop its server when the script ends.
type TB struct{ Env *testscript.Env }

// Helper is a no-op: scripts report their own lines.
func (TB) Helper() {}

// Cleanup runs f when the script ends.
func (d TB) Cleanup(f func()) { d.Env.Defer(f) }
