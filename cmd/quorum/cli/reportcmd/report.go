// Package reportcmd implements `quorum report list|show|prune`: the reports saved by earlier reviews.
package reportcmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/quorum-review/quorum/internal/safetext"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review/render"
)

// NewCmdReport builds `quorum report` with its subcommands.
func NewCmdReport(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report <command>",
		Short: "List and show saved review reports",
		Long: `Every 'quorum review' saves its report (report.md, report.json) and the raw
reviewer answers (raw.json) under the repository's git dir (the main one,
shared by every linked worktree), in
quorum/reports/<time>-<short head>/. These commands list, show and prune
them. After each save the oldest are removed beyond reports.keep (default
50) or reports.max_mb (default 200); 'quorum report prune' does it now.
'quorum review --replay DIR' re-runs consolidation on a saved raw.json.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return cmdutil.UnknownCommand(cmd, args[0])
			}
			return cmd.Help()
		},
	}
	cmd.AddCommand(NewCmdList(f, nil), NewCmdShow(f, nil), NewCmdPrune(f, nil))
	return cmd
}

// usageArgs makes cobra's argument-count errors usage errors (exit 2) with a hint.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return exitcode.WithHint(err, fmt.Sprintf("run '%s --help' for usage", cmd.CommandPath()))
		}
		return nil
	}
}

// gitDirOf finds the git dir reports are saved under: the current work tree's.
func gitDirOf(f *cmdutil.Factory) func() (string, error) {
	return func() (string, error) {
		dir := f.WorkDir
		if dir == "" {
			dir = "."
		}
		return diff.GitDir(dir)
	}
}

// ListOptions are the parsed flags of `quorum report list`.
type ListOptions struct {
	IO     *iostreams.IOStreams
	GitDir func() (string, error)
	JSON   bool
}

// NewCmdList builds `quorum report list`; runF replaces the run function in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, GitDir: gitDirOf(f)}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List saved reports, newest first",
		Example: "  quorum report list\n  quorum report list --json",
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the list as JSON")
	return cmd
}

func listRun(opts *ListOptions) error {
	gd, err := opts.GitDir()
	if err != nil {
		return err
	}
	entries, err := reportstore.List(gd)
	if err != nil {
		return err
	}
	if opts.JSON {
		if entries == nil {
			entries = []reportstore.Entry{}
		}
		// Branch names stay exact; C1 and bidi characters are \u escapes.
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(entries); err != nil {
			return err
		}
		_, err := opts.IO.Out.Write(safetext.EscapeJSON(buf.Bytes()))
		return err
	}
	if len(entries) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "no saved reports yet; 'quorum review' saves one")
		return nil
	}
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tWHEN\tBRANCH\tVERDICT\tFINDINGS")
	for _, e := range entries {
		when := "–"
		if !e.Time.IsZero() {
			when = e.Time.UTC().Format("2006-01-02 15:04 UTC")
		}
		verdict, findings := e.Verdict, fmt.Sprint(e.Findings)
		if e.Err != "" {
			verdict, findings = "unreadable", "–"
		}
		// The id is a directory name and the branch the repository's: both sanitised.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", safetext.OneLine(e.ID), when, orDash(safetext.OneLine(e.Branch)), safetext.OneLine(verdict), findings)
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// ShowOptions are the parsed flags and argument of `quorum report show`.
type ShowOptions struct {
	IO      *iostreams.IOStreams
	GitDir  func() (string, error)
	WorkDir string
	ID      string
	Format  string
	Path    bool
	Full    bool
	NoPager bool
}

// NewCmdShow builds `quorum report show [ID]`; runF replaces the run function in tests.
func NewCmdShow(f *cmdutil.Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, GitDir: gitDirOf(f), WorkDir: f.WorkDir}
	cmd := &cobra.Command{
		Use:   "show [ID]",
		Short: "Show a saved report (the newest by default)",
		Long: `Show a saved report. ID is a report id from 'quorum report list' or a unique
prefix of one; without it, the newest report is shown.

The text format is the view 'quorum review' prints: the verdict first, then
the blocking findings, the summary and the findings by severity, and a
footer saying where the report is and how to dismiss a finding. --full adds
the assessments, metadata, options, retro, metrics and coverage. On a
terminal a report longer than the screen is paged through $PAGER (else
less -FRX); --no-pager, or a pipe, prints it straight.`,
		Example: "  quorum report show\n  quorum report show 20261127-0902 --full\n  quorum report show --format sarif > quorum.sarif",
		Args:    usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.ID = args[0]
			}
			opts.Format = strings.ToLower(opts.Format)
			if !render.Known(opts.Format) {
				return exitcode.Setupf("use --format "+strings.Join(render.Formats, ", "), "unknown format %q", opts.Format)
			}
			if runF != nil {
				return runF(opts)
			}
			return showRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "text", "output `format`: "+strings.Join(render.Formats, ", "))
	cmd.Flags().BoolVar(&opts.Path, "path", false, "print the report's directory instead of the report")
	cmd.Flags().BoolVar(&opts.Full, "full", false, "with --format text: every section (metadata, assessments, retro, metrics, coverage), not only the verdict and findings")
	cmd.Flags().BoolVar(&opts.NoPager, "no-pager", false, "do not page a long report on a terminal ($PAGER, default less -FRX)")
	return cmd
}

func showRun(opts *ShowOptions) error {
	gd, err := opts.GitDir()
	if err != nil {
		return err
	}
	r, e, err := reportstore.Load(gd, opts.ID)
	if err != nil {
		return err
	}
	if opts.Path {
		_, err := fmt.Fprintln(opts.IO.Out, e.Dir)
		return err
	}
	if opts.Format == "text" || opts.Format == "markdown" {
		// For people, the branch reads as report list shows it; the
		// machine formats keep the report as saved.
		shown := *r
		shown.Branch = reportstore.ShortBranch(r.Branch)
		r = &shown
	}
	return cmdutil.ShowReport(opts.IO, r, cmdutil.ReportView{
		Format: opts.Format, Full: opts.Full, NoPager: opts.NoPager, WorkDir: opts.WorkDir,
		SavedIn: filepath.Join(cmdutil.Relative(opts.WorkDir, e.Dir), reportstore.ReportMD),
	})
}
