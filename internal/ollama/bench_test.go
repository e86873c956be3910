package ollama_test

import (
	"context"
	"testing"

	"github.com/quorum-review/quorum/internal/ollamatest"
)

// BenchmarkChat measures one streamed chat round trip through the adapter
// against the fake at TimeScale 0 (no simulated waiting): the adapter's and
// the loopback HTTP stack's own cost per request, ~100-token answer.
func BenchmarkChat(b *testing.B) {
	srv := ollamatest.New(b, ollamatest.Config{})
	c := newClient(b, srv)
	req := chatReq("gemma2:9b")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Chat(ctx, req, func(int) {}); err != nil {
			b.Fatal(err)
		}
	}
}
