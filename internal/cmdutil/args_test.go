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

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "-", 999: "999 B", 1500: "2 KB", 274e6: "274 MB", 4.7e9: "4.7 GB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}
