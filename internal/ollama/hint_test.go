package ollama

import (
	"errors"
	"fmt"
	"testing"

	"github.com/quorum-review/quorum/review"
)

func TestHint(t *testing.T) {
	c := &Client{}
	for err, want := range map[error]string{
		fmt.Errorf("x: %w", review.ErrModelNotFound): "ollama pull qwen2.5-coder:7b",
		fmt.Errorf("x: %w", review.ErrUnreachable):   "start the server with `ollama serve`",
		fmt.Errorf("x: %w", &Error{Kind: Busy, Hint: "set OLLAMA_MAX_QUEUE", msg: "busy", errs: []error{review.ErrBusy}}): "set OLLAMA_MAX_QUEUE",
		errors.New("other"): "",
	} {
		if got := c.Hint(err, "qwen2.5-coder:7b"); got != want {
			t.Errorf("Hint(%v) = %q, want %q", err, got, want)
		}
	}
}
