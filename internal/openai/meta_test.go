package openai

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A server that accepts GET /models and never answers cannot hold List or
// Show: the request has its own deadline (Config.MetaTimeout) even when the
// caller's context has none.
func TestListHasADeadline(t *testing.T) {
	release := make(chan struct{})
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	c, _ := f.client(t, Config{MetaTimeout: 50 * time.Millisecond})
	for name, call := range map[string]func() error{
		"list": func() error { _, err := c.List(context.Background()); return err },
		"show": func() error { _, err := c.Show(context.Background(), "m"); return err },
	} {
		done := make(chan error, 1)
		go func() { done <- call() }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "did not answer in time") {
				t.Errorf("%s: err = %v, want a timeout", name, err)
			}
		case <-time.After(30 * time.Second): // 600× the deadline
			t.Fatalf("%s hung past its deadline", name)
		}
	}
}
