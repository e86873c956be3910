package statuscmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review"
)

// TestCacheState: status says a push asks the models nothing only when
// every answer of the covering review is still in the cache and caching
// is on; it used to say so after the cache was emptied, or turned off.
func TestCacheState(t *testing.T) {
	dir, cacheDir := t.TempDir(), t.TempDir()
	k1, k2, k3 := cache.Key("t", "1"), cache.Key("t", "2"), cache.Key("t", "3")
	answered := func(key string) review.ChunkResult {
		return review.ChunkResult{Chunk: key, Answer: &review.Answer{Summary: "ok"}, CacheKey: key}
	}
	raw := review.Raw{Schema: reportstore.RawSchema, Results: []review.RawResult{
		{Chunks: []review.ChunkResult{answered(k1), answered(k2), {Chunk: "c3", Error: "failed"}}},
		{Chunks: []review.ChunkResult{answered(k3), {Chunk: "unkept", Answer: &review.Answer{}}}}, // no key: its write failed
	}}
	b, err := json.Marshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, reportstore.RawJSON), b, 0o644); err != nil {
		t.Fatal(err)
	}
	c := cache.New(cacheDir)
	for _, k := range []string{k1, k3} {
		// "results" is the answers' namespace (review/run).
		if err := c.Put("results", k, map[string]any{"answer": map[string]any{"summary": "ok"}}); err != nil {
			t.Fatal(err)
		}
	}
	getenv := func(k string) string {
		if k == "QUORUM_CACHE_DIR" {
			return cacheDir
		}
		return ""
	}
	if off, n := cacheState(&config.Config{Cache: true}, dir, getenv); off || n != 2 {
		t.Errorf("k2 gone and one never written: off %v, %d uncached, want 2", off, n)
	}
	if err := os.RemoveAll(cacheDir); err != nil {
		t.Fatal(err)
	}
	if off, n := cacheState(&config.Config{Cache: true}, dir, getenv); off || n != 4 {
		t.Errorf("cache emptied: off %v, %d uncached, want 4", off, n)
	}
	if off, _ := cacheState(&config.Config{Cache: false}, dir, getenv); !off {
		t.Error("cache: false is not off")
	}
	// k1 back: k2, k3 and the answer never written are not.
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := c.Put("results", k1, map[string]any{"answer": map[string]any{"summary": "ok"}}); err != nil {
		t.Fatal(err)
	}
	if off, n := cacheState(&config.Config{Cache: true}, dir, getenv); off || n != 3 {
		t.Errorf("k2, k3 and the keyless answer uncached: off %v, %d, want 3", off, n)
	}
	// No saved answers to read: unknown, never "every answer is cached".
	if _, n := cacheState(&config.Config{Cache: true}, t.TempDir(), getenv); n != -1 {
		t.Errorf("no raw.json: %d uncached, want -1", n)
	}
}
