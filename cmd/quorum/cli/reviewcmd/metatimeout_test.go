package reviewcmd

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/ollamatest"
)

// --request-timeout bounds the metadata requests too: a server that accepts
// /api/show (or /api/tags, for the default panel) and never answers ends the
// review after about the timeout, not the 10-minute default or never.
func TestRequestTimeoutCoversMetadata(t *testing.T) {
	for _, tc := range []struct {
		path string
		args []string
		want string
	}{
		{"/api/show", []string{"--models", "qwen2.5-coder:7b"}, "describe qwen2.5-coder:7b: ollama did not answer in time"},
		{"/api/tags", nil, "list models: ollama did not answer in time"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			e := newEnv(t, ollamatest.Config{HangPaths: []string{tc.path}})
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // only a broken build meets it
			defer cancel()
			start := time.Now()
			res := e.run(ctx, append(tc.args, "-q", "--raw", "--format", "json", "--request-timeout", "1s")...)
			took := time.Since(start)
			t.Logf("exit %d after %s, stderr:\n%s", res.code, took, res.stderr)
			if ctx.Err() != nil {
				t.Fatalf("the review outlived its 1s --request-timeout by minutes")
			}
			// 60× the timeout: a generous bound no loaded machine reaches.
			if took > time.Minute || res.code != 2 || !strings.Contains(res.stderr, tc.want) {
				t.Fatalf("exit %d after %s, want 2 with %q", res.code, took, tc.want)
			}
		})
	}
}
