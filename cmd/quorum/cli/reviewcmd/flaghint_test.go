package reviewcmd

import (
	"context"
	"testing"

	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/exitcode"
)

// A conflict between the selection flags sends the user to the help of the
// command they ran, not to quorum diff's.
func TestSelectionFlagConflictHintNamesReview(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--staged", "--worktree"}, "--staged and --worktree cannot be used together"},
		{[]string{"--commits", "a..b", "--base", "main"}, "--commits cannot be combined with --base, --head, --staged or --worktree"},
		{[]string{"--staged", "--head", "x"}, "--staged and --worktree compare with HEAD; they cannot be combined with --base or --head"},
		{[]string{"--commits", "A...B"}, `--commits takes a range A..B, got "A...B"`},
	} {
		f, _, errOut := cmdtest.NewFactory(t.TempDir(), nil)
		code := cmdtest.Execute(context.Background(), NewCmdReview(f, nil), f.IOStreams, tc.args)
		want := "error: " + tc.msg + "\nhint: run 'quorum review --help' for the flags\n"
		if code != exitcode.Setup || errOut.String() != want {
			t.Errorf("%v: exit %d, stderr:\n%swant:\n%s", tc.args, code, errOut, want)
		}
	}
}
