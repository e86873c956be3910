package reportcmd_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/quorum-review/quorum/cmd/quorum/cli"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/internal/scripttest"
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
			srv := ollamatest.New(scripttest.TB{Env: env}, ollamatest.Config{})
			env.Setenv("QUORUM_OLLAMA_HOST", srv.URL)
			return scripttest.Sandbox(env)
		},
		Cmds:                map[string]func(ts *testscript.TestScript, neg bool, args []string){"status": scripttest.Status},
		RequireExplicitExec: true,
	})
}
