// Package hookcmd implements `quorum hook install|uninstall|run`, the git pre-push integration.
package hookcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/ahead"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/safetext"
)

// NewCmdHook builds `quorum hook` with its subcommands.
func NewCmdHook(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "hook",
		Short: "Review every git push with a pre-push hook",
		Long: `Review exactly the commits of every git push, offline, and block the push
when findings reach the hook's gate (hook.fail_on, hook.min_agreement).

With 'quorum hook install --ahead', each commit also starts a background
review of the branch, which the push then finds cached or waits for
('quorum status' shows where it stands).

Skip one push with QUORUM_SKIP=1 git push, or git push --no-verify.`,
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(NewCmdInstall(f, nil), NewCmdUninstall(f, nil), NewCmdRun(f, nil),
		NewCmdPostCommit(f, nil), NewCmdAheadRun(f, nil))
	return cmd
}

// InstallOptions are the parsed flags of `quorum hook install`.
type InstallOptions struct {
	IO      *iostreams.IOStreams
	Context context.Context
	Dir     string
	Chain   bool
	Force   bool
	// Ahead installs the post-commit hook too (also when hook.ahead is true).
	Ahead  bool
	Getenv func(string) string
	// Executable returns the path of the running quorum, embedded in the script.
	Executable func() (string, error)
}

// NewCmdInstall builds `quorum hook install`.
func NewCmdInstall(f *cmdutil.Factory, runF func(*InstallOptions) error) *cobra.Command {
	opts := &InstallOptions{IO: f.IOStreams, Executable: os.Executable}
	cmd := &cobra.Command{
		Use:   "install",
		Short: "Install quorum as the repository's pre-push hook",
		Long: `Install quorum as the pre-push hook of this repository, in the directory git
uses for hooks (core.hooksPath and linked worktrees are respected).

An existing pre-push hook that quorum did not write is left alone unless you
pass --chain (keep it and run it before quorum, with the same arguments and
input) or --force (replace it; a backup is kept). 'quorum hook uninstall'
puts back whatever was there.

With --ahead (or hook.ahead: true), a post-commit hook is installed too: after
each commit it starts a background review of the branch at low priority, so
the push finds the answers cached (or waits for the review in flight instead
of asking the models twice). It returns at once and never blocks a commit.
'quorum hook uninstall --ahead' removes only that hook.`,
		Example: `  quorum hook install
  quorum hook install --chain
  quorum hook install --ahead`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Context = cmd.Context()
			opts.Dir = f.WorkDir
			opts.Getenv = getenvOf(f.Getenv)
			if opts.Chain && opts.Force {
				return exitcode.Setupf("pass either --chain (keep the old hook) or --force (replace it)", "--chain and --force cannot be used together")
			}
			if runF != nil {
				return runF(opts)
			}
			return installRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Chain, "chain", false, "keep an existing pre-push hook and run it before quorum")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace an existing pre-push hook (a backup is kept)")
	cmd.Flags().BoolVar(&opts.Ahead, "ahead", false, "also install a post-commit hook that reviews each commit in the background (hook.ahead)")
	return cmd
}

func installRun(opts *InstallOptions) error {
	ctx := ctxOf(opts.Context)
	dir, err := workDir(opts.Dir)
	if err != nil {
		return err
	}
	exe, err := opts.Executable()
	if err != nil {
		exe = "" // the script falls back to quorum on PATH
	}
	mode := hook.Refuse
	switch {
	case opts.Chain:
		mode = hook.Chain
	case opts.Force:
		mode = hook.Force
	}
	withAhead := opts.Ahead
	if !withAhead {
		cfg, cerr := config.Load(dir, getenvOf(opts.Getenv))
		if cerr != nil {
			fmt.Fprintf(opts.IO.ErrOut, "warning: hook.ahead not read: %s\n", safetext.OneLine(cerr.Error()))
		} else {
			withAhead = cfg.Hook.Ahead
		}
	}
	res, err := hook.Install(ctx, hook.InstallOptions{Dir: dir, Mode: mode, Executable: exe, Ahead: withAhead})
	if errors.Is(err, hook.ErrForeignHook) {
		name := filepath.Base(res.Path)
		help := integrationHelp
		if name != hook.HookName {
			help = aheadIntegrationHelp
		}
		fmt.Fprintf(opts.IO.ErrOut, "%s is not quorum's hook; it was left as it is.\n\n%s\n", res.Path, help)
		return exitcode.Setupf("rerun with --chain to run it before quorum, or --force to replace it (a backup is kept)",
			"a %s hook is already installed at %s", name, res.Path)
	}
	if errors.Is(err, hook.ErrChainTaken) {
		return exitcode.Setupf(fmt.Sprintf("quorum runs one earlier hook: to chain this one, set the other aside ('mv %s %s.old') and rerun with --chain; to keep that one chained, rerun with --force (this one is backed up)", res.Kept, res.Kept),
			"%s is not quorum's hook, and %s is chained already", res.Path, res.Kept)
	}
	if err != nil {
		return hookDirError(err)
	}
	out := opts.IO.Out
	switch res.Action {
	case "installed":
		fmt.Fprintf(out, "installed the quorum pre-push hook at %s\n", res.Path)
	case "updated":
		fmt.Fprintf(out, "updated the quorum pre-push hook at %s\n", res.Path)
	case "chained":
		fmt.Fprintf(out, "installed the quorum pre-push hook at %s\nthe previous hook now runs first, from %s\n", res.Path, res.Kept)
	case "replaced":
		fmt.Fprintf(out, "installed the quorum pre-push hook at %s\nthe previous hook was saved as %s ('quorum hook uninstall' restores it)\n", res.Path, res.Kept)
	}
	if res.Action == "updated" && res.Kept != "" {
		fmt.Fprintf(out, "the chained hook %s still runs first\n", res.Kept)
	}
	if res.Left != "" {
		fmt.Fprintf(out, "the hook chained earlier, %s, still runs first; move it away to stop it\n", res.Left)
	}
	if a := res.Ahead; a != nil {
		switch a.Action {
		case "installed", "updated":
			fmt.Fprintf(out, "%s the quorum post-commit hook at %s: each commit starts a background review (log: %s)\n", a.Action, a.Path, aheadLogShown(dir))
		case "chained":
			fmt.Fprintf(out, "installed the quorum post-commit hook at %s\nthe previous post-commit hook now runs first, from %s\n", a.Path, a.Kept)
		case "replaced":
			fmt.Fprintf(out, "installed the quorum post-commit hook at %s\nthe previous post-commit hook was saved as %s ('quorum hook uninstall' restores it)\n", a.Path, a.Kept)
		}
	}
	if exe == "" {
		fmt.Fprintln(opts.IO.ErrOut, "warning: could not find this quorum binary's path; the hook will run quorum from PATH")
	}
	return nil
}

// UninstallOptions are the parsed flags of `quorum hook uninstall`.
type UninstallOptions struct {
	IO      *iostreams.IOStreams
	Context context.Context
	Dir     string
	// Ahead removes only the post-commit hook (the background review).
	Ahead bool
}

// NewCmdUninstall builds `quorum hook uninstall`.
func NewCmdUninstall(f *cmdutil.Factory, runF func(*UninstallOptions) error) *cobra.Command {
	opts := &UninstallOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "uninstall",
		Short: "Remove quorum's hooks and restore the previous ones",
		Long: `Remove quorum's pre-push hook, and its post-commit hook when 'quorum hook
install --ahead' added one, putting back any hook they displaced. With
--ahead, remove only the post-commit hook: pushes are still reviewed, commits
no longer start a background review.`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Context = cmd.Context()
			opts.Dir = f.WorkDir
			if runF != nil {
				return runF(opts)
			}
			return uninstallRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Ahead, "ahead", false, "remove only the post-commit hook (no more background reviews)")
	return cmd
}

func uninstallRun(opts *UninstallOptions) error {
	dir, err := workDir(opts.Dir)
	if err != nil {
		return err
	}
	if opts.Ahead {
		return uninstallAhead(opts, dir)
	}
	res, err := hook.Uninstall(ctxOf(opts.Context), dir)
	if res != nil && res.Ahead != nil {
		printAheadRemoved(opts.IO.Out, res.Ahead)
	}
	switch {
	case errors.Is(err, hook.ErrNotInstalled):
		fmt.Fprintf(opts.IO.ErrOut, "no quorum pre-push hook in %s; nothing to do\n", res.HooksDir)
		return nil
	case errors.Is(err, hook.ErrForeignHook) && res.Left != "":
		return exitcode.Setupf(fmt.Sprintf("another tool replaced quorum's hook; %s is a hook quorum set aside before: restore or remove it yourself", res.Left),
			"the pre-push hook at %s is not quorum's; left it alone", res.Path)
	case errors.Is(err, hook.ErrForeignHook):
		return exitcode.Setupf("it was not installed by quorum; remove it yourself if you want it gone",
			"the pre-push hook at %s is not quorum's; left it alone", res.Path)
	case err != nil:
		return hookDirError(err)
	}
	if res.Action == "restored" {
		fmt.Fprintf(opts.IO.Out, "removed the quorum pre-push hook and restored the previous one (%s) at %s\n", filepath.Base(res.Kept), res.Path)
	} else {
		fmt.Fprintf(opts.IO.Out, "removed the quorum pre-push hook from %s\n", res.Path)
	}
	if res.Left != "" {
		fmt.Fprintf(opts.IO.Out, "%s, another hook quorum set aside, is still there: restore or remove it yourself\n", res.Left)
	}
	return nil
}

func uninstallAhead(opts *UninstallOptions, dir string) error {
	res, err := hook.UninstallAhead(ctxOf(opts.Context), dir)
	switch {
	case errors.Is(err, hook.ErrNotInstalled):
		fmt.Fprintf(opts.IO.ErrOut, "no quorum post-commit hook in %s; nothing to do\n", res.HooksDir)
		return nil
	case errors.Is(err, hook.ErrForeignHook):
		return exitcode.Setupf("it was not installed by quorum; remove it yourself if you want it gone",
			"the post-commit hook at %s is not quorum's; left it alone", res.Path)
	case err != nil:
		return hookDirError(err)
	}
	printAheadRemoved(opts.IO.Out, res)
	return nil
}

// aheadLogShown is where the background review of the work tree at dir
// logs, relative to dir when it is inside it (.git/quorum/ahead.log), else
// absolute (a linked work tree logs under the main .git/worktrees/<name>).
func aheadLogShown(dir string) string {
	gd, err := diff.GitDir(dir)
	if err != nil {
		return filepath.Join(".git", "quorum", ahead.LogName)
	}
	p := ahead.LogPath(gd)
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		root = dir
	}
	if rel, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

func printAheadRemoved(w io.Writer, res *hook.Result) {
	if res.Action == "restored" {
		fmt.Fprintf(w, "removed the quorum post-commit hook and restored the previous one at %s\n", res.Path)
	} else {
		fmt.Fprintf(w, "removed the quorum post-commit hook from %s; commits no longer start a background review\n", res.Path)
	}
}

func hookDirError(err error) error {
	var de *diff.Error
	switch {
	case errors.As(err, &de):
		return exitcode.New(exitcode.Setup, de, errmap.DiffHint(de))
	case errors.Is(err, hook.ErrHooksDisabled):
		return exitcode.WithHint(err, "quorum leaves that setting alone; to use the hook, run 'git config --unset core.hooksPath' (or point it at a directory) and install again")
	case errors.Is(err, hook.ErrNotRepository):
		return exitcode.New(exitcode.Setup, err, errmap.NotRepoHint)
	case errors.Is(err, hook.ErrHooksPathEmpty):
		return exitcode.WithHint(err, "run 'git config --unset core.hooksPath' (or set it to a directory), then install again")
	case errors.Is(err, hook.ErrBareRepository):
		return exitcode.Setupf("install it in a clone with a work tree; pushes from a bare repository are not reviewed", "%s", err.Error())
	}
	return exitcode.New(exitcode.Setup, err, "check the hooks directory and its permissions, then rerun")
}

// integrationHelp shows how to call quorum from hook managers instead.
const integrationHelp = `To keep it and run quorum after it:   quorum hook install --chain
To replace it (a backup is kept):     quorum hook install --force

Or call quorum from your hook manager; it reads git's pre-push input on stdin:
  pre-commit (.pre-commit-config.yaml):
    - repo: local
      hooks:
        - id: quorum
          name: quorum review
          entry: quorum hook run
          language: system
          stages: [pre-push]
          pass_filenames: false
          always_run: true
  lefthook (lefthook.yml):
    pre-push:
      commands:
        quorum:
          run: quorum hook run {1} {2}
          use_stdin: true
  husky (.husky/pre-push):
    quorum hook run "$@"`

// aheadIntegrationHelp shows how to call the background review from a hook manager.
const aheadIntegrationHelp = `To keep it and run quorum after it:   quorum hook install --ahead --chain
To replace it (a backup is kept):     quorum hook install --ahead --force

Or call 'quorum hook post-commit' from your hook manager's post-commit hook;
it returns at once and reviews in the background.`

func ctxOf(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}

func workDir(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	d, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	return d, nil
}
