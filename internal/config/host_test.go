package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// hostLayer is one place the default server's host can come from, highest
// precedence first in hostLayers.
type hostLayer struct {
	name   string // as the test names it
	host   string // the value this layer sets; each layer's is different
	source string // Source.String() when this layer wins
}

var hostLayers = []hostLayer{
	{"flag --host", "127.0.0.1:11001", "flag --host"},
	{"QUORUM_HOST", "127.0.0.1:11002", "env QUORUM_HOST"},
	{"QUORUM_OLLAMA_HOST", "127.0.0.1:11003", "env QUORUM_OLLAMA_HOST"},
	{"repo host", "127.0.0.1:11004", "repo .quorum.yaml:1"},
	{"user host", "127.0.0.1:11005", "user "},
	{"OLLAMA_HOST", "127.0.0.1:11006", "env OLLAMA_HOST"},
	{"default", "http://127.0.0.1:11434", "default"},
}

// loadHost loads the configuration with the given layers set (by name)
// and returns it after the flags, as a command does.
func loadHost(t *testing.T, set map[string]bool) *Config {
	t.Helper()
	val := map[string]string{}
	for _, l := range hostLayers {
		if set[l.name] {
			val[l.name] = l.host
		}
	}
	var repo, user string
	if h := val["repo host"]; h != "" {
		repo = "host: " + h + "\n"
	}
	if h := val["user host"]; h != "" {
		user = "host: " + h + "\n"
	}
	env := map[string]string{}
	for _, name := range []string{"QUORUM_HOST", "QUORUM_OLLAMA_HOST", "OLLAMA_HOST"} {
		if h := val[name]; h != "" {
			env[name] = h
		}
	}
	dir, getenv := fixture(t, repo, user, env)
	c, err := Load(dir, getenv)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	fs := pflag.NewFlagSet("review", pflag.ContinueOnError)
	var host string
	fs.StringVar(&host, "host", "", "")
	fs.StringVar(&host, "ollama-host", "", "")
	var args []string
	if h := val["flag --host"]; h != "" {
		args = []string{"--host", h}
	}
	must(t, fs.Parse(args))
	must(t, c.ApplyFlags(fs, map[string]string{"host": "host", "ollama-host": "ollama_host"}))
	return c
}

// The host's precedence, highest first: --host, QUORUM_HOST, its old name
// QUORUM_OLLAMA_HOST, the repository's .quorum.yaml, the user config,
// OLLAMA_HOST, the default. Each layer beats the next one alone, and all
// the layers below it at once.
func TestHostPrecedence(t *testing.T) {
	check := func(t *testing.T, c *Config, want hostLayer) {
		t.Helper()
		if c.OllamaHost != want.host {
			t.Errorf("host %q, want %s's %q", c.OllamaHost, want.name, want.host)
		}
		for _, key := range []string{"host", "ollama_host"} {
			if got := c.Source(key).String(); !strings.HasPrefix(got, want.source) {
				t.Errorf("%s from %q, want %q", key, got, want.source)
			}
		}
		if api, host := c.Server(Model{Name: "m"}); api != APIOllama || host != want.host {
			t.Errorf("server %s %s, want ollama %s", api, host, want.host)
		}
	}
	for i, l := range hostLayers[:len(hostLayers)-1] {
		next := hostLayers[i+1]
		t.Run(l.name+" beats "+next.name, func(t *testing.T) {
			check(t, loadHost(t, map[string]bool{l.name: true, next.name: true}), l)
		})
		t.Run(l.name+" beats all below", func(t *testing.T) {
			set := map[string]bool{}
			for _, below := range hostLayers[i:] {
				set[below.name] = true
			}
			check(t, loadHost(t, set), l)
		})
	}
	t.Run("default", func(t *testing.T) {
		check(t, loadHost(t, nil), hostLayers[len(hostLayers)-1])
	})
}

// The repository's ollama_host key is as strong as its host key: above the
// user config's host and OLLAMA_HOST.
func TestRepoOllamaHostKeyBeatsUserAndOllamaHost(t *testing.T) {
	dir, getenv := fixture(t, "ollama_host: 127.0.0.1:11101\n", "host: 127.0.0.1:11102\n", map[string]string{"OLLAMA_HOST": "127.0.0.1:11103"})
	c, err := Load(dir, getenv)
	must(t, err)
	if c.OllamaHost != "127.0.0.1:11101" || c.Source("host").String() != "repo .quorum.yaml:1" {
		t.Errorf("host %q from %v, want the repo's", c.OllamaHost, c.Source("host"))
	}
}

// OLLAMA_HOST is read only when it is the host used: a value no layer above
// leaves in effect cannot fail the run, and one in effect that is bad is an
// error naming the variable, with a hint.
func TestOllamaHostReadOnlyWhenUsed(t *testing.T) {
	bad := map[string]string{"OLLAMA_HOST": "http://"}
	dir, getenv := fixture(t, "host: 127.0.0.1:11201\n", "", bad)
	c, err := Load(dir, getenv)
	if err != nil {
		t.Fatalf("a bad OLLAMA_HOST under the repo's host failed the load: %v", err)
	}
	if c.OllamaHost != "127.0.0.1:11201" {
		t.Fatalf("host %q, want the repo's", c.OllamaHost)
	}
	dir, getenv = fixture(t, "", "", bad)
	_, err = Load(dir, getenv)
	var ce *Error
	if !errors.As(err, &ce) || ce.File != "env OLLAMA_HOST" || !strings.HasPrefix(ce.Msg, "host: ") || ce.Hint == "" {
		t.Fatalf("err %v (%+v), want env OLLAMA_HOST: host: ... with a hint", err, ce)
	}
}

// The loopback guard is unchanged: a repository cannot name a remote host,
// whatever OLLAMA_HOST says, and a remote OLLAMA_HOST does not beat the
// repository's loopback host.
func TestHostGuardWithOllamaHost(t *testing.T) {
	dir, getenv := fixture(t, "host: http://10.0.0.5:11434\n", "", map[string]string{"OLLAMA_HOST": "127.0.0.1:11301"})
	_, err := Load(dir, getenv)
	if err == nil || !strings.Contains(err.Error(), "can only name a loopback ollama host") {
		t.Fatalf("err %v, want the repository's remote host refused", err)
	}
	dir, getenv = fixture(t, "host: 127.0.0.1:11302\n", "", map[string]string{"OLLAMA_HOST": "http://10.0.0.5:11434"})
	c, err := Load(dir, getenv)
	must(t, err)
	if c.OllamaHost != "127.0.0.1:11302" || c.AllowRemote {
		t.Errorf("host %q allow_remote %v, want the repo's loopback host", c.OllamaHost, c.AllowRemote)
	}
}

// With --api openai, OLLAMA_HOST (the ollama server's address, often
// 0.0.0.0 exported for 'ollama serve') is not the OpenAI-compatible
// server's: the default is llama-server's. A host quorum is told (here
// QUORUM_HOST) is used.
func TestOpenAIIgnoresOllamaHost(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"OLLAMA_HOST": "127.0.0.1:11434", "QUORUM_API": "openai"}, DefaultOpenAIHost},
		{map[string]string{"OLLAMA_HOST": "127.0.0.1:11434", "QUORUM_HOST": "127.0.0.1:8000", "QUORUM_API": "openai"}, "127.0.0.1:8000"},
		{map[string]string{"OLLAMA_HOST": "127.0.0.1:11500"}, "127.0.0.1:11500"},
	} {
		dir, getenv := fixture(t, "", "", tt.env)
		c, err := Load(dir, getenv)
		if err != nil {
			t.Fatal(err)
		}
		if _, host := c.Server(Model{}); !strings.Contains(host, tt.want) {
			t.Errorf("%v: host %q, want %q", tt.env, host, tt.want)
		}
	}
}
