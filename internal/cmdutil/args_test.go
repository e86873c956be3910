package cmdutil

import (
	"testing"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/internal/exitcode"
)

func TestNoArgs(t *testing.T) {
	root := &cobra.Command{Use: "quorum"}
	show := &cobra.Command{Use: "show"}
	config := &cobra.Command{Use: "config"}
	config.AddCommand(show)
	root.AddCommand(config)
	if err := NoArgs(show, nil); err != nil {
		t.Fatal(err)
	}
	err := NoArgs(show, []string{"x", "y"})
	if err == nil || err.Error() != `unexpected argument "x"` || exitcode.Of(err) != exitcode.Setup || exitcode.HintOf(err) != "run 'quorum config show --help' for usage" {
		t.Fatalf("err %v, exit %d, hint %q", err, exitcode.Of(err), exitcode.HintOf(err))
	}
}
