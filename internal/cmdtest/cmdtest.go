// Package cmdtest runs one quorum command in-process for tests, with buffered streams and the root command's error printing.
package cmdtest

import (
	"bytes"
	"context"
	"time"

	// Imported for its init: a GIT_DIR exported by the shell must not point
	// the tests at the caller's repository.
	_ "github.com/quorum-review/quorum/diff/difftest"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/iostreams"
)

// NewFactory returns a Factory on iostreams.Test() streams that runs in dir
// and sees only env (nil is an empty environment), with its stdout and
// stderr buffers.
func NewFactory(dir string, env map[string]string) (*cmdutil.Factory, *bytes.Buffer, *bytes.Buffer) {
	ios, _, out, errOut := iostreams.Test()
	environ := func() []string {
		var kv []string
		for k, v := range env {
			kv = append(kv, k+"="+v)
		}
		return kv
	}
	return &cmdutil.Factory{IOStreams: ios, WorkDir: dir, Getenv: func(k string) string { return env[k] }, Environ: environ, Now: Clock}, out, errOut
}

// Clock is the pinned time a test Factory reads: output that names a time
// is the same on every run. A test of elapsed time sets Factory.Now itself.
func Clock() time.Time { return time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC) }

// Execute runs cmd with args on ios the way the root command does: bad
// flag values are plain errors (cmdutil.PlainFlagValues, which NewCmdRoot
// applies to the whole tree), flag errors are usage errors, and a returned
// error is printed by errmap.Print,
// the root command's own printer ("error: <msg>", "hint: <hint>" on
// stderr); the exit code is returned.
func Execute(ctx context.Context, cmd *cobra.Command, ios *iostreams.IOStreams, args []string) int {
	// A nil slice would make cobra read os.Args, which hold go test's flags.
	cmd.SetArgs(append([]string{}, args...))
	cmd.SetIn(ios.In)
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return errmap.Usage(err) })
	cmdutil.PlainFlagValues(cmd)
	return errmap.Print(ios.ErrOut, cmd.ExecuteContext(ctx))
}
