package errmap_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/ollama"
)

// TestWithHostOrigin: the hint of a server that does not answer names the
// one setting its address came from, in one line, or says it is the
// default; an error of another server is left as it is.
func TestWithHostOrigin(t *testing.T) {
	// A port nothing listens on: the real client's own Unreachable error.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	unreachable := func(t *testing.T, host string) error {
		c, err := ollama.New(ollama.Config{Host: host, Busy: ollama.BackoffPolicy{Attempts: 1, Initial: time.Millisecond, Max: time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Version(context.Background())
		var oe *ollama.Error
		if !errors.As(err, &oe) || oe.Kind != ollama.Unreachable {
			t.Fatalf("not unreachable: %v", err)
		}
		return err
	}
	load := func(t *testing.T, env map[string]string) *config.Config {
		cfg, err := config.Load(t.TempDir(), func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		flag string
		hint string
	}{
		{"OLLAMA_HOST", map[string]string{"OLLAMA_HOST": closed}, "", "start the server with `ollama serve`, or correct OLLAMA_HOST, which set this address"},
		{"QUORUM_HOST", map[string]string{"QUORUM_HOST": closed, "OLLAMA_HOST": "127.0.0.1:1"}, "", "start the server with `ollama serve`, or correct QUORUM_HOST, which set this address"},
		{"flag", map[string]string{"OLLAMA_HOST": "127.0.0.1:1"}, closed, "start the server with `ollama serve`, or correct --host, which set this address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := load(t, tc.env)
			if tc.flag != "" {
				if err := cfg.Set("host", tc.flag, config.Source{Kind: config.FromFlag, Name: "host"}); err != nil {
					t.Fatal(err)
				}
			}
			err := errmap.WithHostOrigin(unreachable(t, closed), cfg)
			if code, hint := errmap.Map(err); code != exitcode.Setup || hint != tc.hint {
				t.Fatalf("exit %d, hint %q\nwant %q", code, hint, tc.hint)
			}
		})
	}
	// The default address (not dialled: a real ollama may listen there):
	// no setting to correct.
	cfg := load(t, nil)
	err = errmap.WithHostOrigin(&ollama.Error{Kind: ollama.Unreachable, Host: "127.0.0.1:11434"}, cfg)
	want := "start the server with `ollama serve`; no setting names a host, so quorum tried the default: if it listens elsewhere, set --host, QUORUM_HOST, host: in .quorum.yaml or OLLAMA_HOST"
	if _, hint := errmap.Map(err); hint != want {
		t.Fatalf("default: hint %q", hint)
	}
	// Another server's error: the generic hint, which names every setting.
	err = errmap.WithHostOrigin(unreachable(t, closed), cfg)
	if _, hint := errmap.Map(err); hint != "start the server with `ollama serve`, or set --host, QUORUM_HOST, host: in .quorum.yaml or OLLAMA_HOST to where it listens" {
		t.Fatalf("other server: hint %q", hint)
	}
}
