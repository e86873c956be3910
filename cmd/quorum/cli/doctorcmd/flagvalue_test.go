package doctorcmd

import (
	"context"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/exitcode"
)

// A bad flag value is a plain error naming the flag and the value, with a
// hint, exit 2: no strconv or time package wording.
func TestBadFlagValues(t *testing.T) {
	for _, tc := range []struct{ args, msg, hint string }{
		{"--max-context 8k", `invalid argument "8k" for "--max-context" flag: not a whole number`, "give --max-context a whole number"},
		{"--timeout 30", `invalid argument "30" for "--timeout" flag: not a duration`, "give --timeout a duration with a unit, such as 10m or 90s"},
	} {
		f, _, errOut := cmdtest.NewFactory(t.TempDir(), nil)
		code := cmdtest.Execute(context.Background(), NewCmdDoctor(f, nil), f.IOStreams, strings.Fields(tc.args))
		want := "error: " + tc.msg + "\nhint: " + tc.hint + "; see 'quorum doctor --help'\n"
		if code != exitcode.Setup || errOut.String() != want {
			t.Errorf("%s: exit %d, stderr:\n%swant:\n%s", tc.args, code, errOut, want)
		}
	}
}
