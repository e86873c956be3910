package ollama

import (
	"errors"

	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/review"
)

// Hint says what to run about err, an error of this client about model:
// the hint the error carries, else Ollama's own remedy for it. review/run
// asks the backend for hints, so no hint outside this package names ollama.
func (c *Client) Hint(err error, model string) string {
	if h := exitcode.HintOf(err); h != "" {
		return h
	}
	switch {
	case errors.Is(err, review.ErrModelNotFound):
		return "ollama pull " + model
	case errors.Is(err, review.ErrUnreachable):
		return "start the server with `ollama serve`"
	case errors.Is(err, ErrRejected):
		return "check the model can chat (`quorum models`), or lower --max-context"
	}
	return ""
}

// SameModel reports whether two names mean one model on this server.
func (c *Client) SameModel(a, b string) bool { return SameModel(a, b) }
