package cmdutil

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/quorum-review/quorum/internal/exitcode"
)

// PlainFlagValues makes a bad value for one of the numeric, duration or
// boolean flags of cmd and of every command under it a plain error with a
// hint, exit 2:
//
//	error: invalid argument "abc" for "--keep" flag: not a whole number
//	hint: give --keep a whole number; see 'quorum report prune --help'
//
// instead of pflag's "strconv.ParseInt: parsing "abc": invalid syntax".
// pflag still frames the message (flag and value); only the cause and the
// hint change. It is called in two places only, on a built tree: the root
// command (NewCmdRoot) and cmdtest.Execute, so a NewCmdX tested alone
// behaves as through the root without each command calling it. Flags that
// cobra adds while executing (--help, --version) are left to errmap's
// flag value rule. Calling it again changes nothing.
func PlainFlagValues(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		PlainFlagValues(c)
	}
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if _, ok := f.Value.(*plainValue); ok || flagValueWant(f.Value.Type()) == "" {
			return
		}
		f.Value = &plainValue{Value: f.Value, cmd: cmd, name: f.Name}
		if f.DefValue == "0s" {
			// pflag hides a zero default by the value's type, which it no
			// longer knows: keep a zero duration out of the help as before.
			f.DefValue = "0"
		}
	})
}

// plainValue is a flag value whose Set errors are plain words.
type plainValue struct {
	pflag.Value
	cmd  *cobra.Command
	name string
}

func (v *plainValue) Set(s string) error {
	err := v.Value.Set(s)
	if err == nil {
		return nil
	}
	typ := v.Value.Type()
	why := "not " + flagValueWant(typ)
	var ne *strconv.NumError
	if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
		why = "out of range"
	}
	return exitcode.Setupf(FlagValueHint(v.name, typ)+fmt.Sprintf("; see '%s --help'", CommandPath(v.cmd)), "%s", why)
}

// flagValueWant says what a flag of pflag type typ takes ("a whole
// number"), "" for a type whose own errors are kept.
func flagValueWant(typ string) string {
	switch {
	case typ == "bool":
		return "true or false"
	case typ == "duration":
		return "a duration"
	case strings.HasPrefix(typ, "float"):
		return "a number"
	case strings.HasPrefix(typ, "int") && !strings.HasSuffix(typ, "Slice"),
		strings.HasPrefix(typ, "uint") && !strings.HasSuffix(typ, "Slice"):
		return "a whole number"
	}
	return ""
}

// FlagValueHint is the hint for a bad value of flag name of pflag type
// typ, "" for a type flagValueWant does not know.
func FlagValueHint(name, typ string) string {
	switch want := flagValueWant(typ); {
	case want == "":
		return ""
	case typ == "duration":
		return fmt.Sprintf("give --%s a duration with a unit, such as 10m or 90s", name)
	case typ == "bool":
		return fmt.Sprintf("give --%s alone, or --%s=true or --%s=false", name, name, name)
	default:
		return fmt.Sprintf("give --%s %s", name, want)
	}
}
