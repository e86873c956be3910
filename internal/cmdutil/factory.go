// Package cmdutil holds what every quorum command is built from: the Factory of injected dependencies.
package cmdutil

import (
	"time"

	"github.com/quorum-review/quorum/internal/gitexec"
	"github.com/quorum-review/quorum/internal/iostreams"
)

// Factory carries the dependencies injected into commands (gh style), so tests
// can swap the streams, the clock, the environment and the working directory.
type Factory struct {
	IOStreams *iostreams.IOStreams
	// Now is the clock; tests pin it so times in output are stable.
	Now func() time.Time
	// Getenv reads the environment; tests give their own.
	Getenv func(string) string
	// Environ lists the environment ("NAME=value"), to find settings typed
	// wrong; nil is the process's.
	Environ func() []string
	// WorkDir is the directory the command runs in ("" means the process's).
	WorkDir string
	// Git runs the git binary (gh's GitClient); nil is the git on PATH
	// (gitexec.LookPath, which tests replace).
	Git *gitexec.Git
}
