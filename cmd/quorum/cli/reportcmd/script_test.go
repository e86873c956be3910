package reportcmd_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/quorum-review/quorum/cmd/quorum/cli"
	"github.com/quorum-review/quorum/internal/ollamatest"
)

// TestMain makes this test binary also the quorum command of the scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"quorum": func() { os.Exit(cli.Main()) }})
}

// TestCLIScripts runs testdata/script/cli_*.txtar: the real command line's
// messages, hints and exit codes, against a fake Ollama on loopback.
func TestCLIScripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "..", "testdata", "script", "cli_*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cli scripts found: %v", err)
	}
	testscript.Run(t, testscript.Params{
		Files: files,
		Setup: func(env *testscript.Env) error {
			home := filepath.Join(env.WorkDir, "home")
			for k, v := range map[string]string{
				"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config"), "GIT_CONFIG_NOSYSTEM": "1",
				"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
				"GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com",
				"QUORUM_CACHE_DIR": filepath.Join(env.WorkDir, "cache"),
			} {
				env.Setenv(k, v)
			}
			srv := ollamatest.New(scriptTB{env}, ollamatest.Config{})
			env.Setenv("QUORUM_OLLAMA_HOST", srv.URL)
			return os.MkdirAll(home, 0o755)
		},
		Cmds:                map[string]func(ts *testscript.TestScript, neg bool, args []string){"status": cmdStatus},
		RequireExplicitExec: true,
	})
}

// status N PROG [ARGS...] runs PROG and requires exit status N; its
// output is kept for stdout and stderr checks, as exec's is.
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
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

type scriptTB struct{ env *testscript.Env }

func (scriptTB) Helper()            {}
func (d scriptTB) Cleanup(f func()) { d.env.Defer(f) }
