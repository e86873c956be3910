// Package iostreams carries the standard streams and terminal facts injected into every command.
package iostreams

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"

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
	// TerminalHeight is the height of the terminal on stdout, 0 when unknown.
	TerminalHeight int
	// Pager is the command that pages long output on a terminal: $PAGER,
	// else "less -FRX"; "" or "cat" pages nothing.
	Pager string
}

// System returns the process's real streams.
func System() *IOStreams {
	tty := func(f *os.File) bool { return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()) }
	_, noColor := os.LookupEnv("NO_COLOR")
	s := &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		StdoutTTY: tty(os.Stdout), StderrTTY: tty(os.Stderr), StdinTTY: tty(os.Stdin),
		TerminalWidth: terminalWidth(),
		Pager:         pagerCommand(),
	}
	if _, h, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
		s.TerminalHeight = h
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

// pagerCommand is $PAGER, else less as gh runs it.
func pagerCommand() string {
	if p, ok := os.LookupEnv("PAGER"); ok {
		return p
	}
	return "less -FRX"
}

// Page writes out to s.Out, through the pager when stdout is a terminal,
// a pager is set and out is longer than the terminal (when its height is
// unknown the pager decides, as less -F does). The pager runs under sh with
// LESS=FRX when LESS is unset; should it fail to start, out is written as is.
func (s *IOStreams) Page(out []byte) error {
	pager := strings.TrimSpace(s.Pager)
	if !s.StdoutTTY || pager == "" || pager == "cat" ||
		(s.TerminalHeight > 0 && bytes.Count(out, []byte("\n")) < s.TerminalHeight) {
		_, err := s.Out.Write(out)
		return err
	}
	cmd := exec.Command("sh", "-c", pager)
	cmd.Stdin = bytes.NewReader(out)
	cmd.Stdout = s.Out
	cmd.Stderr = s.ErrOut
	cmd.Env = os.Environ()
	if _, ok := os.LookupEnv("LESS"); !ok {
		cmd.Env = append(cmd.Env, "LESS=FRX")
	}
	if err := cmd.Start(); err != nil {
		_, err := s.Out.Write(out)
		return err
	}
	// A pager quit early (q in less exits 0) is not an error of the review.
	// A pager that failed (not installed, PAGER=false) must not swallow the
	// report: it is printed as is, even if that shows part of it twice.
	if err := cmd.Wait(); err != nil {
		fmt.Fprintf(s.ErrOut, "warning: the pager %q failed (%v); printing without it\n", pager, err)
		_, err := s.Out.Write(out)
		return err
	}
	return nil
}
