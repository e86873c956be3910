package progress

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strconv"

	"golang.org/x/term"

	"github.com/quorum-review/quorum/internal/crash"
	"github.com/quorum-review/quorum/internal/iostreams"
)

// termWriter is the bars' console writer (mpb.ConsoleWriter). Each frame is
// written, then the cursor goes back up over it and erases below (that
// sequence is held until the next frame, so the last frame stays), so the
// bars redraw in place: however long the review, the scrollback gets one
// copy of the bars. Rows are kept one column short of the terminal, so none
// wraps into a second line that the cursor would not climb back over.
type termWriter struct {
	bytes.Buffer
	out  io.Writer
	size func() (int, int, error)
	// box, when set, takes a panic of GetTermSize or Flush (they run on
	// mpb's goroutine); the call then fails, which stops the drawing, and
	// the Reporter's Close throws it.
	box *crash.Box
}

// errDrawPanicked is what a console writer call that panicked returns.
var errDrawPanicked = errors.New("progress: drawing panicked")

// caught turns a panic that box.Catch just took into the call's error.
func (w *termWriter) caught(err *error) {
	if w.box != nil && w.box.Caught() != nil && *err == nil {
		*err = errDrawPanicked
	}
}

func newTermWriter(ios *iostreams.IOStreams) *termWriter {
	w := &termWriter{out: ios.ErrOut}
	fallback := func() (int, int, error) { return max(ios.TerminalWidth, 20), 24, nil }
	w.size = fallback
	if f, ok := ios.ErrOut.(*os.File); ok {
		w.size = func() (int, int, error) {
			if cols, rows, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 && rows > 0 {
				return cols, rows, nil
			}
			return fallback()
		}
	}
	return w
}

// IsTerminal is true: a termWriter is made only when stderr is a terminal.
func (w *termWriter) IsTerminal() bool { return true }

// GetTermSize leaves the last column free.
func (w *termWriter) GetTermSize() (cols, rows int, err error) {
	if w.box != nil {
		defer w.caught(&err)
		defer w.box.Catch()
	}
	cols, rows, err = w.size()
	return max(cols-1, 10), rows, err
}

// Flush writes the frame (after the previous frame's cursor-up) in one
// write, then holds the cursor-up over its lines for the next frame.
func (w *termWriter) Flush(lines int) (err error) {
	if w.box != nil {
		defer w.caught(&err)
		defer w.box.Catch()
	}
	if testDraw != nil {
		testDraw("flush")
	}
	_, err = w.WriteTo(w.out)
	if err != nil {
		return err
	}
	if lines > 0 {
		w.WriteString("\x1b[" + strconv.Itoa(lines) + "A\x1b[J")
	}
	return nil
}
