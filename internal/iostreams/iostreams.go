// Package iostreams carries the standard streams and terminal facts injected into every command.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"strconv"

	"github.com/mattn/go-isatty"
	"golang.org/x/term"
)

// IOStreams are the streams a command reads and writes; never os.Stdout directly.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	StdoutTTY bool
	StderrTTY bool
	StdinTTY  bool
	// NoColor is set when NO_COLOR is present or output is not a terminal.
	NoColor bool
	// TerminalWidth is the width used to wrap rendered Markdown.
	TerminalWidth int
}

// System returns the process's real streams.
func System() *IOStreams {
	tty := func(f *os.File) bool { return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()) }
	_, noColor := os.LookupEnv("NO_COLOR")
	s := &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		StdoutTTY: tty(os.Stdout), StderrTTY: tty(os.Stderr), StdinTTY: tty(os.Stdin),
		TerminalWidth: terminalWidth(),
	}
	s.NoColor = noColor || !s.StdoutTTY
	return s
}

// Test returns streams backed by buffers: stdin, stdout, stderr.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, NoColor: true, TerminalWidth: DefaultWidth}, in, out, errOut
}

// DefaultWidth is used when no terminal tells its width.
const DefaultWidth = 100

// terminalWidth is the width of the terminal on stdout or stderr, else
// $COLUMNS, else DefaultWidth.
func terminalWidth() int {
	for _, f := range []*os.File{os.Stdout, os.Stderr} {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	if w, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && w > 0 {
		return w
	}
	return DefaultWidth
}
