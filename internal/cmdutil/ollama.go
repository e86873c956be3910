package cmdutil

import (
	"github.com/spf13/pflag"

	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/panel"
)

// Connection holds the flags that say which Ollama to talk to, shared by
// `quorum models` and `quorum doctor`.
type Connection struct {
	Host        string // --ollama-host; "" means config / OLLAMA_HOST / default
	AllowRemote bool   // --allow-remote
}

// AddFlags registers --ollama-host and --allow-remote.
func (c *Connection) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&c.Host, "ollama-host", "", "Ollama server `ADDRESS` (default: ollama_host config, else $OLLAMA_HOST, else 127.0.0.1:11434)")
	fs.BoolVar(&c.AllowRemote, "allow-remote", false, "allow a non-loopback Ollama host (the diff is sent to it)")
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
	if c.Host != "" {
		cfg.OllamaHost = c.Host
	}
	if c.AllowRemote {
		cfg.AllowRemote = true
	}
	return cfg, err
}

// Client builds the guarded client for cfg.
func Client(cfg *config.Config, resolver ollama.Resolver) (*ollama.Client, error) {
	return ollama.New(ollama.Config{Host: cfg.OllamaHost, AllowRemote: cfg.AllowRemote, Resolver: resolver})
}

func getenv(f *Factory) func(string) string {
	if f.Getenv == nil {
		return func(string) string { return "" }
	}
	return f.Getenv
}

// Panel returns the reviewers a review would use: the configured models
// that are installed (in configured order) with the names of those that are
// not, or, with none configured, panel.Select over what is installed.
func Panel(cfg *config.Config, installed []review.ModelInfo) (chosen []review.ModelInfo, source string, missing []string) {
	if len(cfg.Models) == 0 {
		return panel.Select(installed, panel.DefaultMax), "default", nil
	}
	for _, want := range cfg.Models {
		found := false
		for _, m := range installed {
			if ollama.SameModel(m.Name, want.Name) {
				chosen = append(chosen, m)
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, want.Name)
		}
	}
	return chosen, "config", missing
}
