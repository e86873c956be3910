package errmap_test

import (
	"bytes"
	"testing"

	"github.com/spf13/pflag"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/internal/exitcode"
)

// A bad value for a flag no command made plain still gets a hint saying
// what the flag takes, and exit 2.
func TestFlagValueHint(t *testing.T) {
	fs := pflag.NewFlagSet("eval", pflag.ContinueOnError)
	fs.SetOutput(new(bytes.Buffer))
	fs.Int64("seed", 1, "")
	err := fs.Parse([]string{"--seed", "x"})
	if err == nil {
		t.Fatal("no error")
	}
	var out bytes.Buffer
	code := errmap.Print(&out, errmap.Usage(err))
	want := "error: invalid argument \"x\" for \"--seed\" flag: strconv.ParseInt: parsing \"x\": invalid syntax\nhint: give --seed a whole number\n"
	if code != exitcode.Setup || out.String() != want {
		t.Errorf("exit %d:\n%swant:\n%s", code, out.String(), want)
	}
}
