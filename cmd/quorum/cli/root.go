// Package cli assembles quorum's cobra command tree and turns errors into messages, hints and exit codes.
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/crash"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/safetext"
)

// Version is what --version prints and reports record. A build can stamp it
// with -ldflags "-X .../cli.Version=..."; otherwise init resolves it from
// the build info (resolveVersion).
var Version = "dev"

// Main runs quorum with the process's arguments and streams and returns the exit code.
func Main() int {
	f := &cmdutil.Factory{
		IOStreams: iostreams.System(),
		Now:       time.Now,
		Getenv:    os.Getenv,
	}
	ctx, stop := SignalContext(context.Background())
	defer stop()
	return Run(ctx, f, os.Args[1:])
}

// StopSignals end a run the way Ctrl-C does: the context is cancelled, the
// finished answers are kept and the partial report is printed and saved. A
// service manager's SIGTERM and a closed terminal's SIGHUP are interrupts
// too, not a reason to die without a report.
var StopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// SignalContext returns a context cancelled by the first of StopSignals; a
// second signal, once stop has run, kills the process as usual.
func SignalContext(parent context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(parent, StopSignals...)
}

// Run executes the command tree with args and returns the exit code; tests call it in-process.
func Run(ctx context.Context, f *cmdutil.Factory, args []string) (code int) {
	// A panic is a bug in quorum: exit 3 with an error and a hint line, as
	// DESIGN §9 says, not Go's exit 2, which means a usage or setup error
	// (a pre-push hook would read it as configuration). The stack goes to
	// stderr after the hint, for the report.
	defer func() {
		if r := recover(); r != nil {
			// A worker goroutine's panic arrives carried (internal/crash),
			// with the worker's own stack.
			value, stack := crash.Report(r)
			fmt.Fprintf(f.IOStreams.ErrOut, "error: internal failure: %s\nhint: this is a bug in quorum; report it with the command you ran and the lines below\n%s",
				safetext.OneLine(value), stack)
			code = exitcode.Internal
		}
	}()
	root := NewCmdRoot(f)
	root.SetArgs(args)
	root.SetIn(f.IOStreams.In)
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	err := root.ExecuteContext(ctx)
	return PrintError(f.IOStreams.ErrOut, err)
}

// PrintError writes err as "error: ..." plus a "hint: ..." line and returns
// its exit code (errmap.Print, which internal/cmdtest uses too).
func PrintError(w io.Writer, err error) int { return errmap.Print(w, err) }

// NewCmdRoot builds the root command with every subcommand.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	root := &cobra.Command{
		Use:           "quorum",
		Short:         "Offline code review by a panel of local models",
		Long:          "quorum reviews the diff of your branch with several models served by a local Ollama\nand merges their findings deterministically. Nothing leaves the machine.",
		Version:       Version,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		// An unknown or incomplete flag of a subcommand: its own help lists
		// its flags ('quorum help' shows only the commands).
		if c != c.Root() && errmap.Hint(err) == "" {
			return exitcode.New(exitcode.Setup, err, cmdutil.HelpHint(c))
		}
		return errmap.Usage(err)
	})
	for _, add := range subcommands {
		root.AddCommand(add(f))
	}
	markArgErrorsAsUsage(root)
	// Every command's typed flags get plain error words here, once the
	// tree is built, rather than in each NewCmdX (cmdtest.Execute does the
	// same for a command tested alone).
	cmdutil.PlainFlagValues(root)
	return root
}

// markArgErrorsAsUsage wraps every command's positional-argument check so a
// wrong argument count is a usage error (exit 2 with a help hint), not exit 3.
func markArgErrorsAsUsage(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		markArgErrorsAsUsage(c)
	}
	if !cmd.Runnable() && cmd.HasSubCommands() {
		// A group such as "quorum hook": an unknown subcommand is a usage
		// error, and no subcommand shows the group's help.
		cmd.Args = func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return cmdutil.UnknownCommand(c, args[0])
			}
			return nil
		}
		cmd.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
		return
	}
	if cmd.Args == nil {
		return
	}
	check := cmd.Args
	cmd.Args = func(c *cobra.Command, args []string) error {
		if len(args) > 0 && check(c, nil) == nil && check(c, args[:1]) != nil && !c.HasSubCommands() {
			// A command that takes no arguments given one (a file name to
			// `quorum review`): cobra calls it an unknown command.
			return exitcode.New(exitcode.Setup, fmt.Errorf("%s takes no arguments, got %q", cmdutil.CommandPath(c), args[0]), cmdutil.HelpHint(c))
		}
		if err := check(c, args); err != nil {
			if errmap.Code(err) != exitcode.Internal {
				return err
			}
			return errmap.Usage(fmt.Errorf("%w (see 'quorum %s --help')", err, c.Name()))
		}
		return nil
	}
}

// subcommands lists the constructors registered by commands.go; each returns a wired command.
var subcommands []func(*cmdutil.Factory) *cobra.Command
