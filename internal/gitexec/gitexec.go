// Package gitexec runs the git binary: one place that finds it, builds its commands, captures and shortens its errors, and streams its output.
package gitexec

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
)

// LookPath finds the git binary; an empty result means "no git". It is the
// one lookup: tests replace it to exercise the pure go-git engine of diff.
var LookPath = func() string {
	p, err := exec.LookPath("git")
	if err != nil {
		return ""
	}
	return p
}

// Git runs git. Where it runs and with which settings are the caller's
// choice: copy it (gh's GitClient.Copy) and set Dir, Env and Config. A nil
// *Git is the git LookPath finds, in the current directory, with the
// process's environment.
type Git struct {
	// Path is the binary; "" means LookPath's answer at each run.
	Path string
	// Dir is the working directory; "" means the process's.
	Dir string
	// Env is the environment; nil means the process's.
	Env []string
	// Config are `-c` settings ("key=value") put before every command's
	// arguments and left out of error messages.
	Config []string
}

// In returns a copy of g that runs in dir.
func (g *Git) In(dir string) *Git {
	c := g.copy()
	c.Dir = dir
	return c
}

func (g *Git) copy() *Git {
	if g == nil {
		return &Git{}
	}
	c := *g
	return &c
}

// Bin is the binary g runs, or "" when there is no git.
func (g *Git) Bin() string {
	if g != nil && g.Path != "" {
		return g.Path
	}
	return LookPath()
}

// Command builds `git args...` with g's settings. Without a binary it
// names plain "git", so running it fails as exec reports a missing program.
func (g *Git) Command(ctx context.Context, args ...string) *exec.Cmd {
	if ctx == nil {
		ctx = context.Background()
	}
	g = g.copy()
	bin := g.Bin()
	if bin == "" {
		bin = "git"
	}
	full := make([]string, 0, 2*len(g.Config)+len(args))
	for _, kv := range g.Config {
		full = append(full, "-c", kv)
	}
	c := exec.CommandContext(ctx, bin, append(full, args...)...)
	c.Dir = g.Dir
	if g.Env != nil {
		c.Env = append([]string(nil), g.Env...)
	}
	return c
}

// Output runs `git args...` and returns its stdout. A failure is an *Error.
func (g *Git) Output(ctx context.Context, args ...string) ([]byte, error) {
	c := g.Command(ctx, args...)
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Run(); err != nil {
		return stdout.Bytes(), newError(args, stderr.String(), err)
	}
	return stdout.Bytes(), nil
}

// Stream runs `git args...` and hands its stdout to read while git is still
// writing, so a large output is never held in memory. git failing is an
// *Error (which wins over read's error); otherwise read's error is returned.
func (g *Git) Stream(ctx context.Context, args []string, read func(io.Reader) error) error {
	c := g.Command(ctx, args...)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := StartPiped(c)
	if err != nil {
		return err
	}
	defer out.Close()
	rerr := read(out)
	if rerr != nil {
		// Drain so git can exit, then report read's error.
		_, _ = io.Copy(io.Discard, out)
	}
	if werr := c.Wait(); werr != nil {
		return newError(args, stderr.String(), werr)
	}
	return rerr
}

// StartPiped starts c with its stdout on a pipe (enlarged where the system
// allows) and returns the read end, which the caller closes.
func StartPiped(c *exec.Cmd) (*os.File, error) {
	out, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	growPipe(w)
	c.Stdout = w
	err = c.Start()
	w.Close() // git holds its own copy; ours would keep EOF from ever coming
	if err != nil {
		out.Close()
		return nil, err
	}
	return out, nil
}

// Error is git failing: "git ARGS: MSG", where MSG is the first line git
// wrote to stderr (or, without one, the process error), and Err is the
// process error (an *exec.ExitError when git ran and exited non-zero).
type Error struct {
	Args []string
	Msg  string
	Err  error
}

func newError(args []string, stderr string, err error) *Error {
	msg := strings.TrimSpace(stderr)
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if msg == "" {
		msg = err.Error()
	}
	return &Error{Args: args, Msg: msg, Err: err}
}

func (e *Error) Error() string { return "git " + strings.Join(e.Args, " ") + ": " + e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// ExitedWith reports whether err is git having run and exited with code
// (1: a check such as merge-base --is-ancestor answering "no").
func ExitedWith(err error, code int) bool {
	var ee *exec.ExitError
	return errors.As(err, &ee) && ee.ExitCode() == code
}
