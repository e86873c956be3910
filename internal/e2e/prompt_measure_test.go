package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/promptbench"
	"github.com/quorum-review/quorum/internal/tinymodel"
	"github.com/quorum-review/quorum/review/plan"
)

// TestMeasurePromptEval sends the chunks quorum plans for the small and
// medium module branches (BENCHMARKS.md "Prompt size") to a real server, one
// model, as a review does (chunk after chunk), and reads back the server's
// own prompt_eval_count and prompt_eval_duration; with OLLAMA_DEBUG=1 the
// server logs how much of each prompt it reused from the previous one's
// cache. Run it in two trees to compare formats:
//
//	QUORUM_OLLAMA_BIN=$(scripts/ollama-server.sh) QUORUM_E2E_MEASURE=1 \
//	  go test -count=1 -v -run TestMeasurePromptEval ./internal/e2e/
func TestMeasurePromptEval(t *testing.T) {
	measuring(t)
	s := StartWith(t, Binary(t), "OLLAMA_DEBUG=1")
	const model, numCtx = "tinyqwen", 16384
	s.Create(t, model, tinymodel.Config{Kind: tinymodel.Terse, Seed: 1, ContextLength: numCtx})
	c := client(s)
	used := regexp.MustCompile(`loading cache slot.* prompt=(\d+) used=(\d+)`)
	var rows []string
	for _, bc := range promptbench.Cases[:1] {
		dir := promptbench.Branch(t, bc)
		set, err := diff.Load(context.Background(), diff.Options{Dir: dir, Base: "main", Head: "feature"})
		if err != nil {
			t.Fatal(err)
		}
		prep := plan.Prepare(plan.Input{Set: set, Guidelines: strings.Repeat("- Wrap errors with %w and say what failed.\n", 8),
			ReadNew: func(p string) ([]byte, error) { return diff.ReadNew(context.Background(), set, p) }})
		// The tiny models read about one token a byte, a little more with the chat template.
		pl, err := plan.Build(prep, plan.Budget{NumCtx: numCtx, AnswerTokens: 512 + numCtx/100, BytesPerToken: 0.8})
		if err != nil {
			t.Fatal(err)
		}
		before := len(used.FindAllStringSubmatch(s.Log(), -1))
		var tokens int
		var evalDur time.Duration
		for _, ch := range pl.Chunks {
			sys, user, err := pl.Render(ch)
			if err != nil {
				t.Fatal(err)
			}
			stream := false
			req := &api.ChatRequest{Model: model, Stream: &stream,
				Messages: []api.Message{{Role: "system", Content: sys}, {Role: "user", Content: user}},
				Options:  map[string]any{"num_ctx": numCtx, "num_predict": 8, "temperature": 0, "seed": 42}}
			err = c.Chat(context.Background(), req, func(r api.ChatResponse) error {
				if r.Done {
					tokens += r.PromptEvalCount
					evalDur += r.PromptEvalDuration
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: chunk %d of %d sent (%d bytes)", bc.Name, ch.Index, ch.Count, len(sys)+len(user))
		}
		reused, minReused := 0, -1
		for i, m := range used.FindAllStringSubmatch(s.Log(), -1)[before:] {
			n, _ := strconv.Atoi(m[2])
			if i == 0 {
				continue // the first chunk has nothing to reuse
			}
			t.Logf("%s: chunk %d: prompt %s tokens, %d reused from the cache", bc.Name, i+1, m[1], n)
			reused += n
			if minReused < 0 || n < minReused {
				minReused = n
			}
		}
		rows = append(rows, fmt.Sprintf("| %s | %d | %d | %d | %s | %d |", bc.Name, len(pl.Chunks), tokens, reused, evalDur.Round(10*time.Millisecond), max(minReused, 0)))
	}
	t.Logf("\n| branch | chunks | prompt tokens sent (server count) | tokens reused from the previous chunk (sum) | prompt eval time | reused by chunk 2..n (min) |\n|---|---|---|---|---|---|\n%s", strings.Join(rows, "\n"))
}

// TestChunksReuseTheSharedPrefix: on the real server, every chunk after the
// first of one model reuses at least the whole shared prefix (system prompt,
// guidelines, commits, instructions, fence) from the previous request's
// cache, as the runner's debug log reports it (issue 12).
func TestChunksReuseTheSharedPrefix(t *testing.T) {
	s := StartWith(t, Binary(t), "OLLAMA_DEBUG=1")
	const model, numCtx = "tinyprefix", 8192
	s.Create(t, model, tinymodel.Config{Kind: tinymodel.Terse, Seed: 3, ContextLength: numCtx})
	c := client(s)
	set := &diff.Set{Commits: []diff.Commit{{Subject: "add the steps"}, {Subject: "fix step 3"}}}
	for f := range 6 {
		var lines []diff.Line
		for l := range 60 {
			lines = append(lines, diff.Line{Kind: diff.Added, New: l + 1, Text: fmt.Sprintf("\tstep%d_%d := compute(%d) // doubles the input", f, l, l)})
		}
		set.Files = append(set.Files, diff.File{Path: fmt.Sprintf("pkg/f%d.go", f), Status: diff.StatusAdded,
			Hunks: []diff.Hunk{{NewStart: 1, NewLines: len(lines), Lines: lines}}})
	}
	prep := plan.Prepare(plan.Input{Set: set, Guidelines: strings.Repeat("- Wrap errors with %w and say what failed.\n", 6)})
	// The tiny model spends up to 1.4 tokens a byte; a truncated prompt
	// would lose its front, and the reuse with it.
	pl, err := plan.Build(prep, plan.Budget{NumCtx: numCtx, AnswerTokens: 64 + numCtx/100, BytesPerToken: 0.6})
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Chunks) < 3 {
		t.Fatalf("want at least 3 chunks, got %d", len(pl.Chunks))
	}
	used := regexp.MustCompile(`loading cache slot.* used=(\d+)`)
	before := len(used.FindAllStringSubmatch(s.Log(), -1))
	prefix := 0
	for _, ch := range pl.Chunks {
		sys, user, err := pl.Render(ch)
		if err != nil {
			t.Fatal(err)
		}
		prefix = len(sys) + strings.Index(user, "This is part")
		stream := false
		req := &api.ChatRequest{Model: model, Stream: &stream,
			Messages: []api.Message{{Role: "system", Content: sys}, {Role: "user", Content: user}},
			Options:  map[string]any{"num_ctx": numCtx, "num_predict": 4, "temperature": 0, "seed": 42}}
		if err := c.Chat(context.Background(), req, func(api.ChatResponse) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Contains(s.Log(), "truncating input prompt") {
		t.Fatal("the server truncated a prompt; plan with fewer bytes per token")
	}
	got := used.FindAllStringSubmatch(s.Log(), -1)[before:]
	if len(got) != len(pl.Chunks) {
		t.Fatalf("%d cache-slot lines for %d chunks; is OLLAMA_DEBUG on?", len(got), len(pl.Chunks))
	}
	for i, m := range got[1:] {
		n, _ := strconv.Atoi(m[1])
		// The tiny models spend at least one token a byte.
		if n < prefix {
			t.Errorf("chunk %d reused %d tokens, the shared prefix is %d bytes", i+2, n, prefix)
		}
		t.Logf("chunk %d reused %d tokens (shared prefix %d bytes)", i+2, n, prefix)
	}
}
