package reviewcmd

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/golden"
	"github.com/quorum-review/quorum/review"
)

func TestRawTextGolden(t *testing.T) {
	raw := &review.Raw{Schema: "quorum.raw/v1", Interrupted: true, Results: []review.RawResult{
		{
			Reviewer: review.Reviewer{Name: "qwen2.5-coder:7b", Model: "qwen2.5-coder:7b"},
			Options:  review.Options{NumCtx: 16384, NumPredict: 4096, Seed: 42},
			Status:   review.StatusPartial, Error: "1 of 2 chunks failed: after one retry: the answer holds no JSON object",
			Covered: []string{"a.go"}, NotCovered: []string{"b.go"},
			Metrics: review.Metrics{Wall: 12300 * time.Millisecond, LoadDuration: 2 * time.Second, EvalDuration: 4 * time.Second, PromptTokens: 3000, EvalTokens: 200, Requests: 3, Retries: 1},
			Chunks: []review.ChunkResult{
				{Chunk: "0123456789abcdef", Files: []string{"a.go"}, Answer: &review.Answer{Summary: "Adds Half.\x1b[31m", Findings: []review.RawFinding{
					{File: "a.go", Line: 4, Severity: "important", Category: "bug", Title: "Double\ttriples"},
				}}},
				{Chunk: "fedcba9876543210", Files: []string{"b.go"}, Error: "after one retry: the answer holds no JSON object"},
			},
		},
		{Reviewer: review.Reviewer{Name: "nope:1b", Model: "nope:1b"}, Status: review.StatusMissing, Error: `model "nope:1b" is not installed`, Hint: "ollama pull nope:1b"},
		{Reviewer: review.Reviewer{Name: "llama3.1:8b", Model: "llama3.1:8b"}, Status: review.StatusOK, Options: review.Options{NumCtx: 16384},
			Metrics: review.Metrics{CacheHits: 1},
			Chunks:  []review.ChunkResult{{Chunk: "0123456789abcdef", Files: []string{"a.go"}, Cached: true, Answer: &review.Answer{Summary: "Fine."}}}},
	}}
	var buf bytes.Buffer
	if err := writeRawText(&buf, raw); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "raw.txt"), buf.Bytes())
}
