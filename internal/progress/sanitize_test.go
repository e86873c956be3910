package progress

import (
	"bytes"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/review"
)

// A reviewer name and an error from the server reach the terminal
// sanitised, on a terminal (the lines printed after the bars) as in plain lines.
func TestServerTextIsSanitized(t *testing.T) {
	const name = "evil\x1b]0;pwned\x07\u009b2J:7b"
	for _, tty := range []bool{false, true} {
		ios, _, _, _ := iostreams.Test()
		var errOut bytes.Buffer
		ios.ErrOut, ios.StderrTTY = &errOut, tty
		r := New(ios, false, nil)
		r.Planned(name, 1)
		r.Finished(name, review.RawResult{Status: review.StatusFailed, Error: "server said \x1b[2J\u202egnp.exe"})
		r.Close()
		s := errOut.String()
		for _, bad := range []string{"\x1b]", "\x07", "\u009b", "\x1b[2J", "\u202e"} {
			if strings.Contains(s, bad) {
				t.Errorf("tty=%v: output has %q:\n%q", tty, bad, s)
			}
		}
		if !strings.Contains(s, "quorum: evil") {
			t.Errorf("tty=%v: the line is missing:\n%q", tty, s)
		}
	}
}
