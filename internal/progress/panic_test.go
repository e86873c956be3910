package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/crash"
	"github.com/quorum-review/quorum/internal/iostreams"
)

// mpb runs the bars' decorator and the console writer on goroutines of its
// own. A panic there must not end the process from that goroutine (Go's
// exit 2, which the pre-push hook reads as a setup error): the Reporter
// catches it, stops drawing, and Close throws it again on the goroutine
// that closes it, with the stack where it happened, for the command line's
// recover (exit 3). The lines for after the bars are still printed first.
func TestDrawingPanicReachesClose(t *testing.T) {
	defer func() { testDraw = nil }()
	for _, site := range []string{"decorator", "flush"} {
		t.Run(site, func(t *testing.T) {
			testDraw = func(s string) {
				if s == site {
					drawingThatPanics()
				}
			}
			ios, _, _, _ := iostreams.Test()
			var errOut bytes.Buffer
			ios.ErrOut, ios.StderrTTY = &errOut, true
			r := New(ios, false, (&fakeClock{t: time.Unix(1e9, 0)}).now)
			defer func() {
				p, ok := recover().(*crash.Panic)
				if !ok {
					t.Fatalf("Close did not throw the drawing's panic (a *crash.Panic)")
				}
				if v, stack := crash.Report(p); v != "bug in the drawing" || !strings.Contains(string(stack), "drawingThatPanics") {
					t.Fatalf("recovered %q, with a stack not the drawing's:\n%s", v, stack)
				}
				if !strings.Contains(errOut.String(), "quorum: gone: missing") {
					t.Errorf("the lines for after the bars were lost:\n%q", errOut.String())
				}
			}()
			events(r) // ends with Close
			t.Fatal("Close returned after the drawing panicked")
		})
	}
}

func drawingThatPanics() { panic("bug in the drawing") }
