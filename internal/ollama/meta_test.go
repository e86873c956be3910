package ollama_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/ollamatest"
)

// A server that accepts a metadata request and never answers cannot hold
// the caller: every request has a deadline (Config.MetaTimeout) even when
// the caller's context has none.
func TestMetadataRequestsHaveADeadline(t *testing.T) {
	calls := map[string]func(*ollama.Client) error{
		"/api/show":    func(c *ollama.Client) error { _, err := c.Show(context.Background(), "llama3.1:8b"); return err },
		"/api/tags":    func(c *ollama.Client) error { _, err := c.List(context.Background()); return err },
		"/api/version": func(c *ollama.Client) error { _, err := c.Version(context.Background()); return err },
		"/api/ps":      func(c *ollama.Client) error { _, err := c.Running(context.Background()); return err },
	}
	for path, call := range calls {
		t.Run(path, func(t *testing.T) {
			srv := ollamatest.New(t, ollamatest.Config{HangPaths: []string{path}})
			c, err := ollama.New(ollama.Config{Host: srv.Host, MetaTimeout: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- call(c) }()
			select {
			case err := <-done:
				if !errors.Is(err, ollama.ErrTimeout) {
					t.Errorf("err = %v, want a timeout", err)
				}
			case <-time.After(30 * time.Second): // 600× the deadline
				srv.Close() // release the call
				t.Fatalf("%s hung past its deadline", path)
			}
		})
	}
}
