package cmdutil

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/internal/exitcode"
)

// NoArgs is cobra.NoArgs with quorum's usage exit code (2) and a hint
// naming the command's help.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return exitcode.Setupf(fmt.Sprintf("run '%s --help' for usage", cmd.CommandPath()), "unexpected argument %q", args[0])
	}
	return nil
}
