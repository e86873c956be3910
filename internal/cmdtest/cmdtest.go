// Package cmdtest runs one quorum command in-process for tests, with buffered streams and the root command's error printing.
package cmdtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/iostreams"
)

// NewFactory returns a Factory on iostreams.Test() streams that runs in dir
// and sees only env (nil is an empty environment), with its stdout and
// stderr buffers.
func NewFactory(dir string, env map[string]string) (*cmdutil.Factory, *bytes.Buffer, *bytes.Buffer) {
	ios, _, out, errOut := iostreams.Test()
	return &cmdutil.Factory{IOStreams: ios, WorkDir: dir, Getenv: func(k string) string { return env[k] }}, out, errOut
}

// Execute runs cmd with args on ios the way the root command does: a
// returned error is printed as "error: <msg>" and "hint: <hint>" on stderr,
// and the exit code is returned. Findings at the gate print nothing more
// (the report was the output), as in cli.PrintError.
func Execute(ctx context.Context, cmd *cobra.Command, ios *iostreams.IOStreams, args []string) int {
	// A nil slice would make cobra read os.Args, which hold go test's flags.
	cmd.SetArgs(append([]string{}, args...))
	cmd.SetIn(ios.In)
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	return printError(ios, cmd.ExecuteContext(ctx))
}

func printError(ios *iostreams.IOStreams, err error) int {
	if err == nil {
		return exitcode.OK
	}
	if errors.Is(err, exitcode.FindingsError) {
		return exitcode.Findings
	}
	fmt.Fprintf(ios.ErrOut, "error: %s\n", err)
	if h := exitcode.HintOf(err); h != "" {
		fmt.Fprintf(ios.ErrOut, "hint: %s\n", h)
	}
	return exitcode.Of(err)
}
