package config

import (
	"strings"
	"testing"
)

// TestServer: each reviewer's API and host, from its own entry, else the
// top-level api and host, else the API's own default address.
func TestServer(t *testing.T) {
	user := `api: openai
host: http://127.0.0.1:9000/v1
api_key_env: TEAM_KEY
models:
  - qwen2.5-coder:7b
  - name: llama3.1:8b
    api: ollama
    host: http://127.0.0.1:11434
  - name: gemma2:9b
    api: ollama
`
	dir, getenv := fixture(t, "", user, nil)
	c, err := Load(dir, getenv)
	must(t, err)
	for i, want := range [][2]string{
		{"openai", "http://127.0.0.1:9000/v1"},
		{"ollama", "http://127.0.0.1:11434"},
		{"ollama", "http://127.0.0.1:11434"}, // another API than the top level's: its own default
	} {
		if api, host := c.Server(c.Models[i]); api != want[0] || host != want[1] {
			t.Errorf("%s: %s %s, want %s %s", c.Models[i].Name, api, host, want[0], want[1])
		}
	}
	if c.APIKeyEnv != "TEAM_KEY" {
		t.Errorf("api_key_env = %q", c.APIKeyEnv)
	}

	// --api openai alone talks to llama-server's default address.
	dir, getenv = fixture(t, "", "api: openai\n", nil)
	c, err = Load(dir, getenv)
	must(t, err)
	if api, host := c.Server(Model{Name: "m"}); api != "openai" || host != DefaultOpenAIHost {
		t.Errorf("openai default: %s %s", api, host)
	}
}

// TestRepoCannotChooseServers: a cloned repository may not name a remote
// host for a model, nor pick the API key that is sent.
func TestRepoCannotChooseServers(t *testing.T) {
	for _, tt := range []struct{ repo, msg string }{
		{"models:\n  - name: qwen2.5-coder:7b\n    host: http://10.0.0.5:8080/v1\n", `only name loopback hosts for its models, not "http://10.0.0.5:8080/v1"`},
		{"api_key_env: HOME\n", "cannot choose which API key is sent"},
		{"host: http://gpu.example:11434\n", "only name a loopback ollama host"},
		{"models:\n  - name: m\n    api: grpc\n", `unknown api "grpc"`},
		{"api_key_env: sk-123abc\n", "is not an environment variable name"},
	} {
		dir, getenv := fixture(t, tt.repo, "", nil)
		_, err := Load(dir, getenv)
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%q: err %v, want %q", tt.repo, err, tt.msg)
		}
	}
	// The same model on two hosts is two reviewers.
	dir, getenv := fixture(t, "", "models:\n  - qwen2.5-coder:7b\n  - name: qwen2.5-coder:7b\n    host: http://127.0.0.1:11500\n", nil)
	if _, err := Load(dir, getenv); err != nil {
		t.Errorf("one model on two hosts: %v", err)
	}
}
