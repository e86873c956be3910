package ollama

import "errors"

// Exit codes as cmd/quorum/cli/errmap maps this package's errors; the
// tests here check the kind of failure, errmap's tests the codes themselves.
const (
	CodeSetup    = 2
	CodeInternal = 3
)

// CodeOf is errmap's exit code for err: 3 for a server failure, 2 for any
// other *Error, 0 for an error of some other package.
func CodeOf(err error) int {
	var e *Error
	switch {
	case !errors.As(err, &e):
		return 0
	case e.Server():
		return CodeInternal
	}
	return CodeSetup
}

// HintOf is the hint err carries, "" if none.
func HintOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Hint
	}
	return ""
}
