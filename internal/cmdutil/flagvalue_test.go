package cmdutil_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/exitcode"
)

// testCmd is a command with one flag of each kind PlainFlagValues changes.
func testCmd(n *int, d *time.Duration, b *bool, x *float64, s *string) *cobra.Command {
	cmd := &cobra.Command{Use: "thing", RunE: func(*cobra.Command, []string) error { return nil }}
	cmd.Flags().IntVar(n, "keep", 3, "keep `N`")
	cmd.Flags().DurationVar(d, "timeout", 0, "give up after `DURATION`")
	cmd.Flags().BoolVar(b, "dry-run", false, "do nothing")
	cmd.Flags().Float64Var(x, "rate", 0.5, "a `FRACTION`")
	cmd.Flags().StringVar(s, "name", "", "a name")
	cmdutil.PlainFlagValues(cmd)
	return cmd
}

func TestPlainFlagValueErrors(t *testing.T) {
	for _, tc := range []struct{ args, msg, hint string }{
		{"--keep abc", `invalid argument "abc" for "--keep" flag: not a whole number`, "give --keep a whole number; see 'quorum thing --help'"},
		{"--keep 1.5", `invalid argument "1.5" for "--keep" flag: not a whole number`, "give --keep a whole number; see 'quorum thing --help'"},
		{"--keep 99999999999999999999", `invalid argument "99999999999999999999" for "--keep" flag: out of range`, "give --keep a whole number; see 'quorum thing --help'"},
		{"--timeout 5", `invalid argument "5" for "--timeout" flag: not a duration`, "give --timeout a duration with a unit, such as 10m or 90s; see 'quorum thing --help'"},
		{"--dry-run=maybe", `invalid argument "maybe" for "--dry-run" flag: not true or false`, "give --dry-run alone, or --dry-run=true or --dry-run=false; see 'quorum thing --help'"},
		{"--rate half", `invalid argument "half" for "--rate" flag: not a number`, "give --rate a number; see 'quorum thing --help'"},
	} {
		var (
			n int
			d time.Duration
			b bool
			x float64
			s string
		)
		f, _, errOut := cmdtest.NewFactory(t.TempDir(), nil)
		code := cmdtest.Execute(context.Background(), testCmd(&n, &d, &b, &x, &s), f.IOStreams, strings.Fields(tc.args))
		want := "error: " + tc.msg + "\nhint: " + tc.hint + "\n"
		if code != exitcode.Setup || errOut.String() != want {
			t.Errorf("%s: exit %d, stderr:\n%swant:\n%s", tc.args, code, errOut, want)
		}
	}
}

// Good values still parse, and the flags keep their types, defaults and
// help.
func TestPlainFlagValuesParse(t *testing.T) {
	var (
		n int
		d time.Duration
		b bool
		x float64
		s string
	)
	cmd := testCmd(&n, &d, &b, &x, &s)
	cmd.SetArgs([]string{"--keep", "0x10", "--timeout", "90s", "--dry-run", "--rate", "0.25", "--name", "x"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if n != 16 || d != 90*time.Second || !b || x != 0.25 || s != "x" {
		t.Errorf("parsed %d %v %v %v %q", n, d, b, x, s)
	}
	if got, err := cmd.Flags().GetInt("keep"); err != nil || got != 16 {
		t.Errorf("GetInt: %d %v", got, err)
	}
	if got, err := cmd.Flags().GetDuration("timeout"); err != nil || got != 90*time.Second {
		t.Errorf("GetDuration: %v %v", got, err)
	}
	usage := cmd.Flags().FlagUsages()
	for _, want := range []string{"--keep N ", "(default 3)", "--timeout DURATION ", "--dry-run ", "(default 0.5)"} {
		if !strings.Contains(usage, want) {
			t.Errorf("help lacks %q:\n%s", want, usage)
		}
	}
	if strings.Contains(usage, "default 0s") || strings.Contains(usage, "default false") {
		t.Errorf("help shows a zero default:\n%s", usage)
	}
	// Twice is the same as once.
	cmdutil.PlainFlagValues(cmd)
	if err := cmd.Flags().Set("keep", "x"); err == nil || !strings.HasSuffix(err.Error(), "flag: not a whole number") {
		t.Errorf("after a second call: %v", err)
	}
}
