package ollama

import (
	"errors"

	"github.com/quorum-review/quorum/review"
)

// Hint says what to run about err, an error of this client about model:
// the hint the error carries, else Ollama's own remedy for it. Hints name
// ollama's commands and variables, never quorum's flags (errmap adds those). review/run
// asks the backend for hints, so no hint outside this package names ollama.
func (c *Client) Hint(err error, model string) string {
	var e *Error
	if errors.As(err, &e) && e.Hint != "" {
		return e.Hint
	}
	switch {
	case errors.Is(err, review.ErrModelNotFound):
		return "ollama pull " + model
	case errors.Is(err, review.ErrUnreachable):
		return "start the server with `ollama serve`"
	case errors.Is(err, ErrRejected):
		return "check that the model can chat and that the prompt fits its context"
	}
	return ""
}

// SameModel reports whether two names mean one model on this server.
func (c *Client) SameModel(a, b string) bool { return SameModel(a, b) }
