package hook

import (
	"context"
	"strings"

	"github.com/quorum-review/quorum/internal/gitexec"
)

// git runs the git binary in a repository. The hook always runs under git,
// so the binary is there, and asking git itself is the only way to match
// exactly what it is about to push (core.hooksPath, worktrees, SHA-256).
type git struct{ dir string }

// output runs git through the shared runner (gitexec) and returns stdout
// without its final newlines; a failure reads "git ARGS: first stderr line".
func (g git) output(ctx context.Context, args ...string) (string, error) {
	out, err := (&gitexec.Git{Dir: g.dir}).Output(ctx, args...)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(out), "\n"), nil
}

// exitedNonZero reports git having run and answered "no" (e.g. merge-base --is-ancestor).
func exitedNonZero(err error) bool { return exitedWith(err, 1) }

// exitedWith reports git having run and exited with code.
func exitedWith(err error, code int) bool { return gitexec.ExitedWith(err, code) }

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
