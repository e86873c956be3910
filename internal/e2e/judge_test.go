package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/tinymodel"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/merge"
	reviewrun "github.com/quorum-review/quorum/review/run"
)

// TestJudgeOnARealServer sends a judge prompt of 24 findings over a
// 120-line file (some 13 KB) to a tiny model
// whose byte-level tokenizer spends more than a token per byte, on a cold
// cache: the judge measures the tokenizer, sizes num_ctx to fit, and the
// server reads the whole prompt (no "truncating input prompt" line). The
// tiny model cannot group findings, so what is checked is that its answer
// comes back under the schema and is either used or refused with a reason,
// never half-read.
func TestJudgeOnARealServer(t *testing.T) {
	s := Start(t, Binary(t))
	for _, kind := range []tinymodel.Kind{tinymodel.Terse, tinymodel.Random} {
		model := "tinyjudge-" + strings.ToLower(kind.String())
		s.Create(t, model, tinymodel.Config{Kind: kind, Seed: 11, ContextLength: 32768})
		t.Run(kind.String(), func(t *testing.T) {
			proxy := NewProxy(t, s)
			client, err := ollama.New(ollama.Config{Host: proxy.Host})
			if err != nil {
				t.Fatal(err)
			}
			file, findings := judgeFixture()
			prompt := merge.JudgePrompt([]diff.File{file}, merge.JudgeOrder(findings))
			runner := &reviewrun.Runner{Chat: client, Catalog: client, Cache: cache.New(t.TempDir())}
			jr := runner.Judge(context.Background(), reviewrun.JudgeRequest{
				Model: model, Prompt: prompt, Schema: merge.JudgeSchema, Findings: len(findings), MaxContext: 32768,
				Valid: func(a string) error { return merge.CheckJudgeAnswer([]byte(a), len(findings)) },
			})
			if strings.Contains(s.Log(), "truncating input prompt") {
				t.Fatalf("the server truncated the judge's prompt:\n%s", grepLines(s.Log(), "truncating input prompt"))
			}
			chats := proxy.Chats()
			t.Logf("%d bytes of prompt; %d requests; answer %.80q; error %q", len(prompt), len(chats), jr.Answer, jr.Error)
			if len(chats) == 0 {
				t.Fatalf("no request reached the server (error %q)", jr.Error)
			}
			// The judge's request is the last (a tokenizer probe may come
			// first). This tokenizer spends at least a token per byte, so a
			// whole prompt reads at least that many.
			if judged := chats[len(chats)-1]; judged.PromptEvalCount < len(prompt) || judged.Status != 200 {
				t.Errorf("the server read %d prompt tokens of a %d-byte prompt (status %d)", judged.PromptEvalCount, len(prompt), judged.Status)
			}
			_, useErr := merge.Judged(findings, []byte(jr.Answer))
			switch {
			case jr.Error == "" && useErr == nil: // a usable answer
			case jr.Error != "" && useErr != nil && (strings.HasPrefix(jr.Error, "the judge's answer") || strings.Contains(jr.Error, "cut off")):
			default:
				t.Errorf("judge error %q, yet its answer reads as %v", jr.Error, useErr)
			}
		})
	}
}

// judgeFixture is a 120-line added file and 24 findings by three
// reviewers, four lines apart.
func judgeFixture() (diff.File, []anchor.Finding) {
	f := diff.File{Path: "svc/handler.go", Status: diff.StatusAdded}
	h := diff.Hunk{NewStart: 1}
	for n := 1; n <= 120; n++ {
		h.Lines = append(h.Lines, diff.Line{Kind: diff.Added, New: n, Text: fmt.Sprintf("\tv%d := load(ctx, %q) // step %d", n, fmt.Sprint("key", n), n)})
	}
	h.NewLines = 120
	f.Hunks = []diff.Hunk{h}
	var out []anchor.Finding
	for i := range 24 {
		line := 2 + 5*i
		out = append(out, anchor.Finding{
			Reviewer: []string{"qwen2.5-coder:7b", "llama3.1:8b", "gemma2:9b"}[i%3], File: f.Path, Line: line,
			Raw: review.RawFinding{Severity: "important", Kind: "unchecked-error", Title: fmt.Sprintf("Error from load at step %d ignored", line),
				Explanation: "load can fail and its error is dropped, so a missing key reads as an empty value and the request goes on with it.",
				Quote:       fmt.Sprintf("v%d := load(ctx", line), Fix: fmt.Sprintf("v%d, err := load(ctx, %q)", line, fmt.Sprint("key", line))},
		})
	}
	return f, out
}
