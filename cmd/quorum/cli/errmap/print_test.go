package errmap_test

import (
	"bytes"
	"testing"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/internal/exitcode"
)

// TestPrintFirstLine: Print shows only the first line of a multi-line
// message (after leading blank lines), whatever the line ends are, and the
// hint still follows it.
func TestPrintFirstLine(t *testing.T) {
	for in, want := range map[string]string{
		"boom\nsecond line":                   "error: boom\n",
		"boom\r\nsecond line\nthird":          "error: boom\n",
		"\n\n  boom\nsecond":                  "error: boom\n",
		"git failed: exit 128\nfatal: nope\n": "error: git failed: exit 128\n",
	} {
		var buf bytes.Buffer
		errmap.Print(&buf, exitcode.Setupf("do this", "%s", in))
		if got := buf.String(); got != want+"hint: do this\n" {
			t.Errorf("Print(%q) printed %q, want %q", in, got, want+"hint: do this\n")
		}
	}
}
