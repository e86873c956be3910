package reviewcmd

import (
	"context"
	"strings"
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
		{[]string{"--commits", "A...B"}, `--commits takes a range A..B, got "A...B": for the commits of B since it left A, use --base A --head B`},
	} {
		f, _, errOut := cmdtest.NewFactory(t.TempDir(), nil)
		code := cmdtest.Execute(context.Background(), NewCmdReview(f, nil), f.IOStreams, tc.args)
		want := "error: " + tc.msg + "\nhint: run 'quorum review --help' for the flags\n"
		if code != exitcode.Setup || errOut.String() != want {
			t.Errorf("%v: exit %d, stderr:\n%swant:\n%s", tc.args, code, errOut, want)
		}
	}
}

// A bad value for a numeric, duration or boolean flag is a plain one-line
// error naming the flag and the value, with a hint, exit 2: no strconv or
// time package wording.
func TestBadFlagValues(t *testing.T) {
	for _, tc := range []struct{ args, msg, hint string }{
		{"--parallel x", `invalid argument "x" for "--parallel" flag: not a whole number`, "give --parallel a whole number"},
		{"--max-context 16k", `invalid argument "16k" for "--max-context" flag: not a whole number`, "give --max-context a whole number"},
		{"--num-predict 99999999999999999999", `invalid argument "99999999999999999999" for "--num-predict" flag: out of range`, "give --num-predict a whole number"},
		{"--concurrent-models two", `invalid argument "two" for "--concurrent-models" flag: not a whole number`, "give --concurrent-models a whole number"},
		{"--min-agreement 1.5", `invalid argument "1.5" for "--min-agreement" flag: not a whole number`, "give --min-agreement a whole number"},
		{"--timeout 10", `invalid argument "10" for "--timeout" flag: not a duration`, "give --timeout a duration with a unit, such as 10m or 90s"},
		{"--request-timeout soon", `invalid argument "soon" for "--request-timeout" flag: not a duration`, "give --request-timeout a duration with a unit, such as 10m or 90s"},
		{"--no-cache=maybe", `invalid argument "maybe" for "--no-cache" flag: not true or false`, "give --no-cache alone, or --no-cache=true or --no-cache=false"},
	} {
		f, _, errOut := cmdtest.NewFactory(t.TempDir(), nil)
		code := cmdtest.Execute(context.Background(), NewCmdReview(f, nil), f.IOStreams, strings.Fields(tc.args))
		want := "error: " + tc.msg + "\nhint: " + tc.hint + "; see 'quorum review --help'\n"
		if code != exitcode.Setup || errOut.String() != want {
			t.Errorf("%s: exit %d, stderr:\n%swant:\n%s", tc.args, code, errOut, want)
		}
	}
}
