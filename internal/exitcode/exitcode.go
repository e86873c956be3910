// Package exitcode holds quorum's typed exit codes and the user-facing error that carries one.
package exitcode

import (
	"errors"
	"fmt"
)

// Exit codes, in one place (DESIGN §9).
const (
	OK       = 0 // clean: nothing at or above the gate
	Findings = 1 // findings at or above the gate
	Setup    = 2 // usage or setup error: not a repo, no base, Ollama unreachable, model missing
	Internal = 3 // internal failure
)

// Error is an error a user can hit: a one-line message, a hint line saying
// what to run, and the exit code the process ends with.
type Error struct {
	Code int
	Err  error
	Hint string
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Setupf returns a setup error (exit 2) with a hint.
func Setupf(hint, format string, args ...any) error {
	return &Error{Code: Setup, Err: fmt.Errorf(format, args...), Hint: hint}
}

// WithHint wraps err as a setup error (exit 2) with a hint.
func WithHint(err error, hint string) error {
	return &Error{Code: Setup, Err: err, Hint: hint}
}

// New wraps err with an explicit code and hint.
func New(code int, err error, hint string) error {
	return &Error{Code: code, Err: err, Hint: hint}
}

// FindingsError signals that the gate tripped; the report was already printed.
var FindingsError = &Error{Code: Findings, Err: errors.New("findings at or above the gate")}

// Of returns the exit code for err: 0 for nil, the code of an *Error, else Internal.
func Of(err error) int {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// HintOf returns the hint attached to err, if any.
func HintOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Hint
	}
	return ""
}
