package ollama

import "errors"

// CodeSetup is the exit code cmd/quorum/cli/errmap gives every error of
// this package: what the user or the server's operator can fix (exit 2),
// a server failure included; exit 3 is for quorum's own bugs. The tests
// here check the kind of failure, errmap's tests the codes themselves.
const CodeSetup = 2

// CodeOf is errmap's exit code for err: 2 for any *Error (a server failure
// too), 0 for an error of some other package.
func CodeOf(err error) int {
	var e *Error
	if !errors.As(err, &e) {
		return 0
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
