package cmdutil

import (
	"context"

	"github.com/spf13/pflag"

	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/pipeline"
)

// Connection holds the flags that say which model server to talk to,
// shared by `quorum models` and `quorum doctor`.
type Connection struct {
	API         string // --api; "" means config, else ollama
	Host        string // --host (or its alias --ollama-host); "" means config / OLLAMA_HOST / default
	AllowRemote bool   // --allow-remote
}

// AddFlags registers --api, --host (with --ollama-host as an alias) and --allow-remote.
func (c *Connection) AddFlags(fs *pflag.FlagSet) {
	AddServerFlags(fs, &c.API, &c.Host)
	fs.BoolVar(&c.AllowRemote, "allow-remote", false, "allow a non-loopback model server (the diff is sent to it)")
}

// AddServerFlags registers --api and --host, and --ollama-host as a hidden
// alias of --host that scripts written for earlier versions still use.
func AddServerFlags(fs *pflag.FlagSet, api, host *string) {
	fs.StringVar(api, "api", "", "model server `API`: ollama or openai (an OpenAI-compatible /v1 server: llama.cpp, vLLM, LM Studio)")
	fs.StringVar(host, "host", "", "model server `URL` (default: host config, else $OLLAMA_HOST, else 127.0.0.1:11434; for --api openai, 127.0.0.1:8080/v1)")
	fs.StringVar(host, "ollama-host", "", "alias of --host")
	_ = fs.MarkHidden("ollama-host")
}

// Effective merges the flags over the configuration (which already holds
// the user and repo files, QUORUM_* and OLLAMA_HOST read through getenv).
// A configuration error is returned with the defaults, so a caller can report
// it and carry on.
func (c Connection) Effective(f *Factory) (*config.Config, error) {
	dir := f.WorkDir
	if dir == "" {
		dir = "."
	}
	cfg, err := config.Load(dir, f.Getenv)
	if err != nil {
		cfg = config.Default()
		// Still honour OLLAMA_HOST: it is what the ollama CLI itself uses.
		if h := getenv(f)("OLLAMA_HOST"); h != "" {
			cfg.OllamaHost = h
		}
	}
	if c.API != "" {
		if err := cfg.Set("api", c.API, config.Source{Kind: config.FromFlag, Name: "api"}); err != nil {
			return cfg, err
		}
	}
	if c.Host != "" {
		if err := cfg.Set("host", c.Host, config.Source{Kind: config.FromFlag, Name: "host"}); err != nil {
			return cfg, err
		}
	}
	if c.AllowRemote {
		cfg.AllowRemote = true
	}
	return cfg, err
}

// Client builds the guarded client of cfg's default server, whatever its API.
func Client(f *Factory, cfg *config.Config, resolver ollama.Resolver) (pipeline.Backend, error) {
	spec := pipeline.SpecFor(cfg, config.Model{}, getenv(f))
	spec.Resolver = resolver
	return pipeline.OpenBackend(spec)
}

// Versioner is a server that reports its version (Ollama does; an
// OpenAI-compatible server has no such call).
type Versioner interface {
	Version(ctx context.Context) (string, error)
}

// ServerVersion is b's version, "" when the API has no way to tell, or the
// error of a server that cannot be reached.
func ServerVersion(ctx context.Context, b pipeline.Backend) (string, error) {
	if v, ok := b.(Versioner); ok {
		return v.Version(ctx)
	}
	_, err := b.List(ctx) // still proves the server answers
	return "", err
}

func getenv(f *Factory) func(string) string {
	if f.Getenv == nil {
		return func(string) string { return "" }
	}
	return f.Getenv
}
