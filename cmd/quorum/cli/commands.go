package cli

import (
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/cmd/quorum/cli/configcmd"
	"github.com/quorum-review/quorum/cmd/quorum/cli/diffcmd"
	"github.com/quorum-review/quorum/cmd/quorum/cli/dismisscmd"
	"github.com/quorum-review/quorum/cmd/quorum/cli/doctorcmd"
	"github.com/quorum-review/quorum/cmd/quorum/cli/evalcmd"
	"github.com/quorum-review/quorum/cmd/quorum/cli/hookcmd"
	"github.com/quorum-review/quorum/cmd/quorum/cli/initcmd"
	"github.com/quorum-review/quorum/cmd/quorum/cli/modelscmd"
	"github.com/quorum-review/quorum/cmd/quorum/cli/reportcmd"
	"github.com/quorum-review/quorum/cmd/quorum/cli/reviewcmd"
	"github.com/quorum-review/quorum/cmd/quorum/cli/statuscmd"
	"github.com/quorum-review/quorum/internal/cmdutil"
)

// The command list. Each entry is NewCmdX(f, nil): nil runF means the real run function.
func init() {
	info, ok := debug.ReadBuildInfo()
	Version = resolveVersion(Version, info, ok)
	reviewcmd.Version = Version
	hookcmd.Version = Version
	subcommands = append(subcommands,
		func(f *cmdutil.Factory) *cobra.Command { return diffcmd.NewCmdDiff(f, nil) },
		func(f *cmdutil.Factory) *cobra.Command { return dismisscmd.NewCmdDismiss(f, nil) },
		func(f *cmdutil.Factory) *cobra.Command { return dismisscmd.NewCmdUndismiss(f, nil) },
		hookcmd.NewCmdHook,
		configcmd.NewCmdConfig,
		func(f *cmdutil.Factory) *cobra.Command { return initcmd.NewCmdInit(f, nil) },
		func(f *cmdutil.Factory) *cobra.Command { return modelscmd.NewCmdModels(f, nil) },
		func(f *cmdutil.Factory) *cobra.Command { return doctorcmd.NewCmdDoctor(f, nil) },
		func(f *cmdutil.Factory) *cobra.Command { return evalcmd.NewCmdEval(f, nil) },
		reportcmd.NewCmdReport,
		func(f *cmdutil.Factory) *cobra.Command { return reviewcmd.NewCmdReview(f, nil) },
		func(f *cmdutil.Factory) *cobra.Command { return statuscmd.NewCmdStatus(f, nil) },
	)
}
