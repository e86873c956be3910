package pipeline

import (
	"errors"
	"fmt"
	"time"

	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/openai"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/run"
)

// Backend is what quorum needs of a model server: list and describe its
// models (family, context length, capabilities, a digest or a stable
// substitute for the cache), chat with a JSON schema, options, streamed
// metrics and cancellation, and say what to run about its own errors.
// Ollama is one implementation; a new one is a package of its own and one
// case in OpenBackend.
type Backend interface {
	review.Chatter
	review.Catalog
	run.Hinter
	// SameModel reports whether two names mean one model on this server.
	SameModel(a, b string) bool
	// Host is the server's address, for messages and the retro.
	Host() string
}

// Spec says which server to open and how.
type Spec struct {
	API  string // config.APIOllama (the default) or config.APIOpenAI
	Host string
	// AllowRemote lifts the loopback guard; only the user can set it.
	AllowRemote bool
	// APIKey is sent to OpenAI-compatible servers that want one.
	APIKey   string
	Resolver ollama.Resolver
	Busy     ollama.BackoffPolicy
	// MetaTimeout bounds each metadata request (0: the client's default).
	MetaTimeout time.Duration
}

// OpenBackend builds the guarded client for one server. Every backend
// refuses a non-loopback host before dialing unless AllowRemote is set.
func OpenBackend(s Spec) (Backend, error) {
	switch s.API {
	case "", config.APIOllama:
		return ollama.New(ollama.Config{Host: s.Host, AllowRemote: s.AllowRemote, Resolver: s.Resolver, Busy: s.Busy, MetaTimeout: s.MetaTimeout})
	case config.APIOpenAI:
		c, err := openai.New(openai.Config{BaseURL: s.Host, AllowRemote: s.AllowRemote, Resolver: s.Resolver, APIKey: s.APIKey,
			Retry: openai.BackoffPolicy{Attempts: s.Busy.Attempts, Initial: s.Busy.Initial, Max: s.Busy.Max}, MetaTimeout: s.MetaTimeout})
		if err != nil {
			return nil, err // errmap gives the hint: it names flags
		}
		return c, nil
	}
	return nil, fmt.Errorf("unknown api %q: quorum speaks %s and %s", s.API, config.APIOllama, config.APIOpenAI)
}

// SpecFor is the server reviewer model m runs on, from the configuration
// (getenv reads the API key from the variable api_key_env names).
func SpecFor(cfg *config.Config, m config.Model, getenv func(string) string) Spec {
	api, host := cfg.Server(m)
	s := Spec{API: api, Host: host, AllowRemote: cfg.AllowRemote}
	if cfg.APIKeyEnv != "" && getenv != nil {
		s.APIKey = getenv(cfg.APIKeyEnv)
	}
	return s
}

// HintedError is a backend's error with the backend's own remedy: what the
// command prints as its hint.
type HintedError struct {
	Err  error
	Hint string
}

func (e *HintedError) Error() string { return e.Err.Error() }
func (e *HintedError) Unwrap() error { return e.Err }

// withHint attaches b's hint for err (about model) unless it has one.
func withHint(b Backend, err error, model string) error {
	var h *HintedError
	if err == nil || errors.As(err, &h) {
		return err
	}
	if hint := b.Hint(err, model); hint != "" {
		return &HintedError{Err: err, Hint: hint}
	}
	return err
}

var (
	_ Backend = (*ollama.Client)(nil)
	_ Backend = (*openai.Client)(nil)
)
