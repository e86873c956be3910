package reportcmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/internal/safetext"
)

// PruneOptions are the parsed flags of `quorum report prune`.
type PruneOptions struct {
	IO     *iostreams.IOStreams
	GitDir func() (string, error)
	// Config loads the configuration, for reports.keep and reports.max_mb.
	Config func() (*config.Config, error)
	// Keep and MaxMB override the config when set (KeepSet, MaxMBSet).
	Keep, MaxMB       int
	KeepSet, MaxMBSet bool
	DryRun            bool
	// Prune is reportstore.Prune (tests inject a failing one).
	Prune func(gitDir string, lim reportstore.Limits, keepDir string, dryRun bool) (reportstore.PruneResult, error)
}

// NewCmdPrune builds `quorum report prune`; runF replaces the run function in tests.
func NewCmdPrune(f *cmdutil.Factory, runF func(*PruneOptions) error) *cobra.Command {
	opts := &PruneOptions{IO: f.IOStreams, GitDir: gitDirOf(f), Config: func() (*config.Config, error) {
		dir := f.WorkDir
		if dir == "" {
			dir = "."
		}
		return config.Load(dir, f.Getenv)
	}, Prune: reportstore.Prune}
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Remove the oldest saved reports",
		Long: `Remove the oldest saved reports until at most reports.keep remain (default
50) and they take at most reports.max_mb megabytes (default 200); --keep and
--max-mb override the config for this run; 0 turns a limit off, as in the
config. The newest report is always kept,
so 'quorum report show' and 'quorum dismiss' still find it. Every save does
the same after it; this command does it now, or shows what it would do
with --dry-run.`,
		Example: "  quorum report prune\n  quorum report prune --keep 10 --dry-run\n  quorum report prune --max-mb 50",
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.KeepSet, opts.MaxMBSet = cmd.Flags().Changed("keep"), cmd.Flags().Changed("max-mb")
			if opts.KeepSet && opts.Keep < 0 {
				return exitcode.Setupf("pass --keep 0 for no count limit, or how many reports to keep", "--keep must not be negative, got %d", opts.Keep)
			}
			if opts.MaxMBSet && opts.MaxMB < 0 {
				return exitcode.Setupf("pass --max-mb 0 for no size cap, or a number of megabytes", "--max-mb must not be negative, got %d", opts.MaxMB)
			}
			if runF != nil {
				return runF(opts)
			}
			return pruneRun(opts)
		},
	}
	cmd.Flags().IntVar(&opts.Keep, "keep", 0, "keep the newest `N` reports, 0 for no count limit (default: reports.keep)")
	cmd.Flags().IntVar(&opts.MaxMB, "max-mb", 0, "keep at most `MB` megabytes of reports, 0 for no cap (default: reports.max_mb)")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "say what would be removed, remove nothing")
	return cmd
}

func pruneRun(opts *PruneOptions) error {
	gd, err := opts.GitDir()
	if err != nil {
		return err
	}
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	keep, maxMB := cfg.Reports.Keep, cfg.Reports.MaxMB
	if opts.KeepSet {
		keep = opts.Keep
	}
	if opts.MaxMBSet {
		maxMB = opts.MaxMB
	}
	res, err := opts.Prune(gd, reportstore.Limits{Keep: keep, MaxBytes: int64(maxMB) * reportstore.MB}, "", opts.DryRun)
	verb := "removed"
	if opts.DryRun {
		verb = "would remove"
	}
	out := opts.IO.Out
	var freed int64
	for _, r := range res.Removed {
		freed += r.Bytes
		why := fmt.Sprintf("beyond the newest %d", keep)
		if r.Reason == "size" {
			why = fmt.Sprintf("over %d MB", maxMB)
		}
		what := "unreadable"
		if r.Err == "" {
			what = fmt.Sprintf("%s, %s", safetext.OneLine(r.Verdict), fmt.Sprintf("%d finding%s", r.Findings, cmdutil.Plural(r.Findings)))
		}
		fmt.Fprintf(out, "%s %s (%s; %s; %s)\n", verb, safetext.OneLine(r.ID), what, cmdutil.Bytes(r.Bytes), why)
	}
	if err != nil {
		return exitcode.New(exitcode.Setup, err, "check that "+reportstore.Root(gd)+" is writable, then run 'quorum report prune' again")
	}
	limits := []string{fmt.Sprintf("keep %d", keep), fmt.Sprintf("max %d MB", maxMB)}
	if keep == 0 {
		limits[0] = "no count limit"
	}
	if maxMB == 0 {
		limits[1] = "no size cap"
	}
	if len(res.Removed) == 0 && res.Kept == 0 {
		fmt.Fprintln(out, "nothing to prune: no saved reports")
		return nil
	}
	if len(res.Removed) == 0 {
		fmt.Fprintf(out, "nothing to prune: %s, %s (%s)\n", fmt.Sprintf("%d report%s", res.Kept, cmdutil.Plural(res.Kept)), cmdutil.Bytes(res.Bytes), strings.Join(limits, ", "))
		return nil
	}
	kept := "kept"
	if opts.DryRun {
		kept = "would be kept"
	}
	_, err = fmt.Fprintf(out, "%s %s (%s); %d %s (%s)\n", verb, fmt.Sprintf("%d report%s", len(res.Removed), cmdutil.Plural(len(res.Removed))), cmdutil.Bytes(freed), res.Kept, kept, cmdutil.Bytes(res.Bytes))
	return err
}
