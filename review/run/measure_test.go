package run_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/plan"
	"github.com/quorum-review/quorum/review/run"
)

// This file holds the scheduling and overhead measures of BENCHMARKS.md.
//
//	QUORUM_MEASURE=1 go test ./review/run -run TestMeasureScheduling -v
//	go test ./review/run -run '^$' -bench . -benchtime 200x

// twelveChunks is a diff of 12 files that plans to 12 chunks at num_ctx 4096.
func twelveChunks() *plan.Prepared {
	set := &diff.Set{Commits: []diff.Commit{{Subject: "measure"}}}
	for i := range 12 {
		var lines []diff.Line
		for l := 1; l <= 60; l++ {
			lines = append(lines, diff.Line{Kind: diff.Added, New: l, Text: fmt.Sprintf("\tv%d := compute(%d, %q)", l, i, strings.Repeat("x", 20))})
		}
		set.Files = append(set.Files, diff.File{Path: fmt.Sprintf("pkg/file%02d.go", i), Status: diff.StatusAdded,
			Hunks: []diff.Hunk{{NewStart: 1, NewLines: len(lines), Lines: lines}}})
	}
	return plan.Prepare(plan.Input{Set: set})
}

// shortReply is a valid answer of 25 fake tokens (100 bytes): 0.5 s at 50 tokens/s.
var shortReply = `{"summary":"` + strings.Repeat("a", 100-len(`{"summary":"","findings":[]}`)) + `","findings":[]}`

var measureModels = []ollamatest.Model{
	{Name: "alpha:7b", Family: "alpha", ContextLength: 4096, Capabilities: []string{"completion"}},
	{Name: "beta:7b", Family: "beta", ContextLength: 4096, Capabilities: []string{"completion"}},
	{Name: "gamma:7b", Family: "gamma", ContextLength: 4096, Capabilities: []string{"completion"}},
}

func measureReviewers() []review.Reviewer {
	var out []review.Reviewer
	for _, m := range measureModels {
		out = append(out, review.Reviewer{Name: m.Name, Model: m.Name})
	}
	return out
}

type measured struct {
	wall, bound time.Duration
	loads       int
	requests    int
}

// schedule runs the 12-chunk review against a fake with 2 s loads and 50
// tokens/s, one model resident at a time, and returns the wall-clock and the
// lower bound: the sum of loads plus the generation time over the slots.
func schedule(t *testing.T, scale float64, parallel, models int, interleave bool) measured {
	t.Helper()
	srv := ollamatest.New(t, ollamatest.Config{
		Models: measureModels, TimeScale: scale, LoadTime: 2 * time.Second, TokensPerSecond: 50,
		NumParallel: parallel, MaxLoaded: models, Reply: func(string, string) string { return shortReply },
	})
	client, err := ollama.New(ollama.Config{Host: srv.Host})
	if err != nil {
		t.Fatal(err)
	}
	r := &run.Runner{Chat: client, Catalog: client}
	start := time.Now()
	raw, err := r.Run(context.Background(), twelveChunks(), run.Config{Reviewers: measureReviewers(), Parallel: parallel, ConcurrentModels: models, Interleave: interleave})
	wall := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	var gen time.Duration
	for _, res := range raw.Results {
		if res.Status != review.StatusOK || len(res.Chunks) != 12 {
			t.Fatalf("%s: %s, %d chunks: %s", res.Reviewer.Name, res.Status, len(res.Chunks), res.Error)
		}
		gen += res.Metrics.EvalDuration + res.Metrics.PromptEvalDuration
	}
	// Concurrent models load and generate side by side: one load, and the
	// generation spread over every model's slots.
	loads := 3 * 2 * time.Second / time.Duration(models)
	bound := time.Duration(float64(loads+gen/time.Duration(parallel*models)) * scale)
	return measured{wall: wall, bound: bound, loads: len(srv.Loads()), requests: srv.ModelCalls()}
}

func TestMeasureScheduling(t *testing.T) {
	if os.Getenv("QUORUM_MEASURE") == "" {
		t.Skip("set QUORUM_MEASURE=1 to run the scheduling measure (about two minutes)")
	}
	scale := 1.0
	if s := os.Getenv("QUORUM_MEASURE_SCALE"); s != "" {
		scale, _ = strconv.ParseFloat(s, 64)
	}
	for _, tc := range []struct {
		name             string
		parallel, models int
		interleave       bool
	}{
		{"model-by-model, parallel 1", 1, 1, false},
		{"model-by-model, parallel 2", 2, 1, false},
		{"3 concurrent models, parallel 1", 1, 3, false},
		{"naive interleaved, parallel 1", 1, 1, true},
	} {
		m := schedule(t, scale, tc.parallel, tc.models, tc.interleave)
		ratio := float64(m.wall) / float64(m.bound)
		t.Logf("%-31s wall %6.2fs  lower bound %6.2fs  ratio %.3f  loads %2d  requests %d", tc.name, m.wall.Seconds(), m.bound.Seconds(), ratio, m.loads, m.requests)
		if !tc.interleave && ratio > 1.10 {
			t.Errorf("%s: %.3fx the lower bound, want <= 1.10x", tc.name, ratio)
		}
	}
}

// BenchmarkOverheadPerRequest is quorum's own time per request: planning,
// prompt rendering, the HTTP round trip to a zero-latency fake, streaming,
// schema validation and bookkeeping. b.N chunks, one model, no cache.
func BenchmarkOverheadPerRequest(b *testing.B) {
	srv := ollamatest.New(b, ollamatest.Config{Models: measureModels[:1]})
	client, err := ollama.New(ollama.Config{Host: srv.Host})
	if err != nil {
		b.Fatal(err)
	}
	prep := manyChunks(b.N)
	r := &run.Runner{Chat: client, Catalog: client}
	b.ResetTimer()
	raw, err := r.Run(context.Background(), prep, run.Config{Reviewers: measureReviewers()[:1]})
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if n := len(raw.Results[0].Chunks); n < b.N {
		b.Fatalf("%d chunks for b.N %d", n, b.N)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(len(raw.Results[0].Chunks))/1000, "ms/request")
}

// BenchmarkWarmCache is a re-run served from the cache: no request at all.
func BenchmarkWarmCache(b *testing.B) {
	srv := ollamatest.New(b, ollamatest.Config{Models: measureModels[:1]})
	client, err := ollama.New(ollama.Config{Host: srv.Host})
	if err != nil {
		b.Fatal(err)
	}
	prep := twelveChunks()
	r := &run.Runner{Chat: client, Catalog: client, Cache: cache.New(b.TempDir())}
	cfg := run.Config{Reviewers: measureReviewers()[:1]}
	if _, err := r.Run(context.Background(), prep, cfg); err != nil {
		b.Fatal(err)
	}
	cold := srv.ModelCalls()
	b.ResetTimer()
	for range b.N {
		if _, err := r.Run(context.Background(), prep, cfg); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if n := srv.ModelCalls() - cold; n != 0 {
		b.Fatalf("warm runs made %d model calls", n)
	}
	b.ReportMetric(0, "model-calls")
}

// manyChunks plans to at least n chunks at num_ctx 4096 (one file per chunk).
func manyChunks(n int) *plan.Prepared {
	set := &diff.Set{}
	for i := range n {
		var lines []diff.Line
		for l := 1; l <= 60; l++ {
			lines = append(lines, diff.Line{Kind: diff.Added, New: l, Text: fmt.Sprintf("\tv%d := compute(%d, %q)", l, i, strings.Repeat("x", 20))})
		}
		set.Files = append(set.Files, diff.File{Path: fmt.Sprintf("f%05d.go", i), Status: diff.StatusAdded,
			Hunks: []diff.Hunk{{NewStart: 1, NewLines: len(lines), Lines: lines}}})
	}
	return plan.Prepare(plan.Input{Set: set})
}
