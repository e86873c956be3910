package gitexec

import (
	"context"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

func needGit(t *testing.T) {
	t.Helper()
	if LookPath() == "" {
		t.Skip("no git binary")
	}
}

// TestError: a failure reads "git ARGS: first stderr line", leaves the -c
// settings out and unwraps to the process error.
func TestError(t *testing.T) {
	needGit(t)
	g := (&Git{Config: []string{"color.ui=never"}}).In(t.TempDir())
	g.Env = append(g.Env, "GIT_CEILING_DIRECTORIES=/", "LC_ALL=C", "PATH=/usr/bin:/bin")
	_, err := g.Output(context.Background(), "rev-parse", "--show-toplevel")
	var ge *Error
	var ee *exec.ExitError
	if !errors.As(err, &ge) || !errors.As(err, &ee) {
		t.Fatalf("err %T %v", err, err)
	}
	if want := "git rev-parse --show-toplevel: fatal: not a git repository"; !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "\n") {
		t.Errorf("err %q, want one line starting %q", err, want)
	}
}

// TestNilGit: a nil *Git is the git on PATH.
func TestNilGit(t *testing.T) {
	needGit(t)
	out, err := (*Git)(nil).Output(context.Background(), "--version")
	if err != nil || !strings.HasPrefix(string(out), "git version") {
		t.Fatalf("%q %v", out, err)
	}
}

// TestStream: read sees the output; git failing wins over read's error.
func TestStream(t *testing.T) {
	needGit(t)
	var got string
	err := (&Git{}).Stream(context.Background(), []string{"--version"}, func(r io.Reader) error {
		b, err := io.ReadAll(r)
		got = string(b)
		return err
	})
	if err != nil || !strings.HasPrefix(got, "git version") {
		t.Fatalf("%q %v", got, err)
	}
	err = (&Git{}).Stream(context.Background(), []string{"no-such-command"}, func(io.Reader) error { return errors.New("parse") })
	var ge *Error
	if !errors.As(err, &ge) || !strings.HasPrefix(err.Error(), "git no-such-command: ") {
		t.Fatalf("err %v", err)
	}
}
