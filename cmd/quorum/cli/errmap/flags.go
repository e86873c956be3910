package errmap

import (
	"errors"

	"github.com/spf13/pflag"

	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/exitcode"
)

// flagValueRule maps pflag's error for a bad flag value that
// cmdutil.PlainFlagValues did not make plain: exit 2, with a hint saying
// what the flag takes instead of only "run 'quorum help'". The root makes
// every flag of the tree plain, but cobra adds --help and --version only
// when it executes, after that (quorum diff --help=maybe), so the rule
// stays.
func flagValueRule(err error) (int, string, bool) {
	var e *pflag.InvalidValueError
	if !errors.As(err, &e) || e.GetFlag() == nil {
		return 0, "", false
	}
	f := e.GetFlag()
	h := cmdutil.FlagValueHint(f.Name, f.Value.Type())
	if h == "" {
		return 0, "", false
	}
	return exitcode.Setup, h, true
}

// flagValueRule matches only pflag's own error, which no other rule knows,
// so its place in rules does not matter.
func init() { rules = append(rules, flagValueRule) }
