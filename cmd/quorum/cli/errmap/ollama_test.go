package errmap_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/review"
)

// TestOllamaErrors pins the package doc's table: for errors the Ollama
// adapter really returns, the exit code and the hint the user sees, and
// that the backend's own hint (Client.Hint) names no quorum flag.
func TestOllamaErrors(t *testing.T) {
	const model = "qwen2.5-coder:7b"
	client := func(t *testing.T, host string) *ollama.Client {
		c, err := ollama.New(ollama.Config{Host: host, Busy: ollama.BackoffPolicy{Attempts: 1, Initial: time.Millisecond, Max: time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	chat := func(fault ollamatest.FaultKind, model string) func(t *testing.T) (*ollama.Client, error) {
		return func(t *testing.T) (*ollama.Client, error) {
			cfg := ollamatest.Config{}
			if fault != 0 {
				cfg.Faults = []ollamatest.Fault{{Kind: fault, Model: model}}
			}
			c := client(t, ollamatest.New(t, cfg).Host)
			_, err := c.Chat(context.Background(), review.ChatRequest{Model: model, Prompt: "p", Options: review.Options{NumCtx: 8192, NumPredict: 64}}, nil)
			return c, err
		}
	}
	// An error line in the stream, or a line that is no JSON: one remedy names both.
	const streamError = "the server's log says why (journalctl -u ollama, or ~/.ollama/logs/server.log; a runner killed mid-answer is usually out of memory); if the text above is not an error, the host setting names a server that does not speak Ollama's API"
	const serverLog = "the ollama server failed; check its log (journalctl -u ollama, or ~/.ollama/logs/server.log) and its free memory (a runner killed mid-answer is usually out of memory: a smaller model or context needs less), then run again"
	for _, tt := range []struct {
		name string
		err  func(t *testing.T) (*ollama.Client, error)
		kind ollama.Kind
		code int
		hint string
	}{
		{"unreachable", func(t *testing.T) (*ollama.Client, error) {
			c := client(t, ollamatest.ClosedHost(t))
			_, err := c.List(context.Background())
			return c, err
		}, ollama.Unreachable, exitcode.Setup, "start the server with `ollama serve`, or set --host, QUORUM_HOST, host: in .quorum.yaml or OLLAMA_HOST to where it listens"},
		{"model missing", chat(0, "absent:1b"), ollama.ModelMissing, exitcode.Setup, "ollama pull absent:1b"},
		{"busy", chat(ollamatest.FaultBusy, model), ollama.Busy, exitcode.Setup,
			"ollama's queue is full; wait for its other clients to finish (or raise OLLAMA_MAX_QUEUE) and run again"},
		{"rejected", chat(0, "nomic-embed-text"), ollama.Rejected, exitcode.Setup,
			"check that the model can chat (`quorum models`) and that the prompt fits its context (lower --max-context or review fewer files)"},
		{"remote", func(t *testing.T) (*ollama.Client, error) {
			_, err := ollama.New(ollama.Config{Host: "203.0.113.8:11434"})
			return &ollama.Client{}, err
		}, ollama.Remote, exitcode.Setup, "use a loopback host (e.g. 127.0.0.1:11434) in --host (or QUORUM_HOST, host: in .quorum.yaml, OLLAMA_HOST), or pass --allow-remote to send code to that host"},
		{"bad host", func(t *testing.T) (*ollama.Client, error) {
			_, err := ollama.ParseHost("ftp://x:1")
			return &ollama.Client{}, err
		}, ollama.BadHost, exitcode.Setup, "set --host (or QUORUM_HOST, host: in .quorum.yaml, OLLAMA_HOST) to host:port or http://host:port"},
		// The server failed (ollama.Error.Server): still exit 2, not a bug
		// in quorum, and the hint says what to check, never to start it.
		{"server error", chat(ollamatest.FaultServerError, model), ollama.Failed, exitcode.Setup, serverLog},
		{"error line", chat(ollamatest.FaultErrorLine, model), ollama.Failed, exitcode.Setup, streamError},
		{"garbage line", chat(ollamatest.FaultGarbageLine, model), ollama.Failed, exitcode.Setup, streamError},
		{"dropped", chat(ollamatest.FaultDrop, model), ollama.Dropped, exitcode.Setup,
			"the server closed the connection mid-answer (crash or restart?); check its log (journalctl -u ollama, or ~/.ollama/logs/server.log) and its free memory (a runner killed mid-answer is usually out of memory), then run again"},
		{"unfinished", chat(ollamatest.FaultCutShort, model), ollama.Unfinished, exitcode.Setup,
			"the model may be stuck repeating itself: try another model with --models, or a lower --num-predict; if it happens with every model, check the server log (journalctl -u ollama, or ~/.ollama/logs/server.log)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.err(t)
			var e *ollama.Error
			if !errors.As(err, &e) || e.Kind != tt.kind {
				t.Fatalf("error %v (%T), want an ollama.Error of kind %d", err, err, tt.kind)
			}
			var buf bytes.Buffer
			code := errmap.Print(&buf, err)
			want := "error: " + err.Error() + "\nhint: " + tt.hint + "\n"
			if code != tt.code || buf.String() != want {
				t.Errorf("printed (exit %d):\n%swant (exit %d):\n%s", code, buf.String(), tt.code, want)
			}
			// As the pipeline passes it on: with the backend's hint attached.
			hinted := fmt.Errorf("no reviewer could answer: %w", &pipeline.HintedError{Err: err, Hint: c.Hint(err, model)})
			if c, h := errmap.Map(hinted); c != tt.code || h != tt.hint {
				t.Errorf("hinted: exit %d hint %q", c, h)
			}
			// Only an unreachable server is told to start it.
			if tt.kind != ollama.Unreachable && startsServer(tt.hint) {
				t.Errorf("hint %q suggests starting a server that is running", tt.hint)
			}
			// The backend's own hint is there and names no quorum flag.
			if h := c.Hint(err, model); h == "" || strings.Contains(h, "--") || strings.Contains(h, "quorum ") {
				t.Errorf("Client.Hint = %q", h)
			}
		})
	}
}

// startsServer reports a hint that tells the user to start the server
// (`ollama serve`, 'ollama serve', "start Ollama").
func startsServer(hint string) bool {
	return strings.Contains(hint, "ollama serve`") || strings.Contains(hint, "ollama serve'") || strings.Contains(strings.ToLower(hint), "start ollama")
}
