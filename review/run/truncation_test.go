package run_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/plan"
	"github.com/quorum-review/quorum/review/run"
)

// This file checks issue 10's "no silent truncation" and "the cache keys on
// what the model is" against the fake Ollama, through the real client.

// rig is a fake server, a client and a cache shared by successive runs.
type rig struct {
	t      *testing.T
	srv    *ollamatest.Server
	runner *run.Runner
}

func newRig(t *testing.T, cfg ollamatest.Config) *rig {
	t.Helper()
	srv := ollamatest.New(t, cfg)
	client, err := ollama.New(ollama.Config{Host: srv.Host})
	if err != nil {
		t.Fatal(err)
	}
	return &rig{t: t, srv: srv, runner: &run.Runner{Chat: client, Catalog: client, Cache: cache.New(t.TempDir())}}
}

// review runs one reviewer per model name and returns the raw result and
// the model calls it made.
func (g *rig) review(set *diff.Set, cfg run.Config, models ...string) (*review.Raw, int) {
	g.t.Helper()
	for _, m := range models {
		cfg.Reviewers = append(cfg.Reviewers, review.Reviewer{Name: m, Model: m})
	}
	before := g.srv.ModelCalls()
	raw, err := g.runner.Run(context.Background(), plan.Prepare(plan.Input{Set: set}), cfg)
	if err != nil {
		g.t.Fatal(err)
	}
	return raw, g.srv.ModelCalls() - before
}

func TestEveryNameOfAModelSharesTheCache(t *testing.T) {
	g := newRig(t, ollamatest.Config{Models: []ollamatest.Model{
		{Name: "alpha:latest", Family: "alpha", ContextLength: 4096, Capabilities: []string{"completion"}},
	}})
	set := pushSet(10, []string{"feat: compute things"})
	cfg := run.Config{MaxContext: 4096, NumPredict: 1024}
	first, calls := g.review(set, cfg, "alpha")
	if first.Results[0].Status != review.StatusOK || calls == 0 {
		t.Fatalf("first run: %+v, %d calls", first.Results[0], calls)
	}
	for _, name := range []string{"alpha:latest", "Alpha", "ALPHA:latest", "library/alpha", "registry.ollama.ai/library/alpha:latest"} {
		raw, calls := g.review(set, cfg, name)
		res := raw.Results[0]
		if calls != 0 || res.Status != review.StatusOK || res.Metrics.CacheHits != len(res.Chunks) || res.Calibration != run.CalibratedCache {
			t.Errorf("--models %s after --models alpha: %d model calls, %d of %d chunks cached, calibration %q", name, calls, res.Metrics.CacheHits, len(res.Chunks), res.Calibration)
		}
	}
}

func TestCacheKeyUsesDigestElseNormalisedName(t *testing.T) {
	pl, err := plan.Build(plan.Prepare(plan.Input{Set: pushSet(1, nil)}), plan.Budget{NumCtx: 4096, AnswerTokens: 512})
	if err != nil {
		t.Fatal(err)
	}
	c, opts := pl.Chunks[0], review.Options{NumCtx: 4096, NumPredict: 512, Seed: 42}
	key := func(model, digest string) string { return run.CacheKey(model, digest, opts, pl, c) }
	if key("alpha", "sha256:d1") != key("my-alias:v2", "sha256:d1") {
		t.Error("two names of one digest have different keys")
	}
	if key("alpha", "sha256:d1") == key("alpha", "sha256:d2") {
		t.Error("two digests under one name share a key")
	}
	if key("alpha", "") != key("Alpha:latest", "") || key("alpha", "") != key("library/alpha", "") ||
		key("alpha", "") == key("alpha:7b", "") || key("alpha", "") == key("someone/alpha", "") {
		t.Error("without a digest, the name is not normalised as ollama does")
	}
	other := opts
	other.NumCtx = 8192
	if run.CacheKey("alpha", "sha256:d1", other, pl, c) == key("alpha", "sha256:d1") {
		t.Error("options that change the answer do not change the key")
	}
}

// bigSet is files of 40 lines of about 60 bytes each.
func bigSet(files int) *diff.Set {
	set := &diff.Set{Commits: []diff.Commit{{SHA: strings.Repeat("1", 40), Subject: "feat: a large change"}}}
	for i := range files {
		var lines []diff.Line
		for l := 1; l <= 40; l++ {
			lines = append(lines, diff.Line{Kind: diff.Added, New: l, Text: fmt.Sprintf("\tv%d := compute(%d, %q)", l, i, strings.Repeat("z", 30))})
		}
		set.Files = append(set.Files, diff.File{Path: fmt.Sprintf("pkg/big%02d.go", i), Status: diff.StatusAdded,
			Hunks: []diff.Hunk{{NewStart: 1, NewLines: len(lines), Lines: lines}}})
	}
	return set
}

// seedBPT makes the cache claim a tokenizer far more compact than the
// server's: the plan then overflows num_ctx, as it did with real servers
// whose tokenizer differed from the estimate.
func seedBPT(t *testing.T, g *rig, model string, bpt float64) {
	t.Helper()
	raw, _ := g.review(&diff.Set{}, run.Config{MaxContext: 4096}, model)
	key := cache.Key("bpt/v4", "digest:"+strings.ToLower(raw.Results[0].Digest))
	if err := g.runner.Cache.Put("bytes-per-token", key, map[string]any{"bytes_per_token": bpt, "probe": bpt}); err != nil {
		t.Fatal(err)
	}
}

func TestCutPromptIsSplitAndAskedAgain(t *testing.T) {
	// A byte-level tokenizer, and a server that cuts long prompts silently.
	g := newRig(t, ollamatest.Config{BytesPerToken: 1, TruncatePrompts: true, Models: []ollamatest.Model{
		{Name: "tiny:latest", Family: "llama", ContextLength: 4096, Capabilities: []string{"completion"}},
	}})
	seedBPT(t, g, "tiny", 4.5)
	set := bigSet(8) // about 20 KB: five times num_ctx
	cfg := run.Config{MaxContext: 4096, NumPredict: 512}
	raw, calls := g.review(set, cfg, "tiny")
	res := raw.Results[0]
	if cut := len(g.srv.TruncationLog()); cut == 0 || res.Resplits != cut {
		t.Fatalf("the server cut %d prompts, the run split %d again: the seeded figure did not overflow", cut, res.Resplits)
	}
	if res.Status != review.StatusOK || len(res.Truncated) != 0 || len(res.NotCovered) != 0 || len(res.Covered) != len(set.Files) {
		t.Fatalf("status %s, covered %v, truncated %v, not covered %v: %s", res.Status, res.Covered, res.Truncated, res.NotCovered, res.Error)
	}
	// Every request is counted, the cut ones too; the answers came from
	// prompts that fit.
	if res.Metrics.Requests != calls || calls != len(res.Chunks)+res.Resplits {
		t.Fatalf("%d model calls, %d requests counted, %d chunks answered, %d split again", calls, res.Metrics.Requests, len(res.Chunks), res.Resplits)
	}
	cut := 0
	for _, c := range g.srv.Chats() {
		if c.PromptEvalCount >= 4096 {
			cut++
		}
	}
	if cut != res.Resplits {
		t.Fatalf("%d prompts read num_ctx tokens, %d were split again", cut, res.Resplits)
	}
	t.Logf("%d chunks answered after %d prompts were cut and split again", len(res.Chunks), res.Resplits)
	// A second run asks nothing: the cut chunks go straight to their parts.
	again, calls := g.review(set, cfg, "tiny")
	if calls != 0 || again.Results[0].Status != review.StatusOK || len(again.Results[0].Covered) != len(set.Files) {
		t.Fatalf("re-run: %d model calls, %+v", calls, again.Results[0])
	}
}

// TestReplyWithoutACountIsNoWholeRead: a server that reports no token
// count cannot show a prompt was read whole. A prompt larger than num_ctx
// holds at a token a byte is split until each part fits so, never taken as
// an answer nor cached, even when the figure the plan used is far too
// compact; every file is read whole in the end.
func TestReplyWithoutACountIsNoWholeRead(t *testing.T) {
	g := newRig(t, ollamatest.Config{BytesPerToken: 1, TruncatePrompts: true, NoPromptCount: true, Models: []ollamatest.Model{
		{Name: "tiny:latest", Family: "llama", ContextLength: 4096, Capabilities: []string{"completion"}},
	}})
	seedBPT(t, g, "tiny", 4.5)
	set := bigSet(8)
	cfg := run.Config{MaxContext: 4096, NumPredict: 512}
	raw, _ := g.review(set, cfg, "tiny")
	res := raw.Results[0]
	cut := 0
	for _, c := range g.srv.Chats() {
		if c.PromptEvalCount >= 4096 { // what the server really read
			cut++
		}
	}
	if res.Resplits < cut {
		t.Fatalf("the server cut %d prompts, the run split %d: a cut prompt was taken for an answer", cut, res.Resplits)
	}
	if res.Status != review.StatusOK || len(res.Covered) != len(set.Files) || len(res.Truncated) != 0 {
		t.Fatalf("status %s, covered %v, truncated %v: %s", res.Status, res.Covered, res.Truncated, res.Error)
	}
	// Once a reply showed no count, a prompt too large is split without
	// being asked: one request is spent on the lesson, no more.
	if calls := len(g.srv.Chats()); calls != len(res.Chunks)+1 || cut != 1 {
		t.Fatalf("%d requests: %d answered, %d split again, %d cut by the server", calls, len(res.Chunks), res.Resplits, cut)
	}
	// A second run knows the server counts nothing (kept per model): it
	// splits before asking again, and every answer comes from the cache.
	again, calls := g.review(set, cfg, "tiny")
	if calls != 0 || len(again.Results[0].Covered) != len(set.Files) {
		t.Fatalf("re-run: %d model calls, %+v", calls, again.Results[0])
	}
}

func TestProbeMeasuresTheTokenizerSoNothingIsCut(t *testing.T) {
	g := newRig(t, ollamatest.Config{BytesPerToken: 1, TruncatePrompts: true, Models: []ollamatest.Model{
		{Name: "tiny:latest", Family: "llama", ContextLength: 4096, Capabilities: []string{"completion"}},
	}})
	set := bigSet(8)
	raw, calls := g.review(set, run.Config{MaxContext: 4096, NumPredict: 512}, "tiny")
	res := raw.Results[0]
	if cut := g.srv.TruncationLog(); len(cut) != 0 {
		t.Fatalf("the server cut %d prompts: %v", len(cut), cut)
	}
	if res.Calibration != run.CalibratedProbe || res.BytesPerToken != 0.9 || res.Status != review.StatusOK ||
		len(res.Covered) != len(set.Files) || calls != len(res.Chunks)+1 || res.Metrics.Requests != calls {
		t.Fatalf("calibration %q at %v, status %s, covered %d files, %d calls for %d chunks: %+v",
			res.Calibration, res.BytesPerToken, res.Status, len(res.Covered), calls, len(res.Chunks), res.Metrics)
	}
	// The probe asked for one token, at the chunks' num_ctx (no reload).
	probe := g.srv.Chats()[0]
	if probe.Options["num_predict"] != float64(1) || probe.Options["num_ctx"] != float64(4096) {
		t.Fatalf("probe options %v", probe.Options)
	}
	if loads := g.srv.Loads(); len(loads) != 1 {
		t.Fatalf("%d loads, want 1: %+v", len(loads), loads)
	}
}

func TestLineThatCannotFitIsReportedTruncated(t *testing.T) {
	g := newRig(t, ollamatest.Config{BytesPerToken: 1, TruncatePrompts: true, Models: []ollamatest.Model{
		{Name: "tiny:latest", Family: "llama", ContextLength: 4096, Capabilities: []string{"completion"}},
	}})
	seedBPT(t, g, "tiny", 4.5)
	set := bigSet(2)
	// One line of 8 KB: at the seeded 4.5 bytes per token it fits the
	// plan, at the server's one byte per token it fills num_ctx twice.
	set.Files[1].Hunks[0].Lines[20].Text = strings.Repeat("x", 8000)
	raw, _ := g.review(set, run.Config{MaxContext: 4096, NumPredict: 512}, "tiny")
	res := raw.Results[0]
	if !slices.Equal(res.Truncated, []string{"pkg/big01.go"}) || !slices.Equal(res.Covered, []string{"pkg/big00.go"}) || res.Status != review.StatusPartial {
		t.Fatalf("status %s, covered %v, truncated %v", res.Status, res.Covered, res.Truncated)
	}
	var cut *review.ChunkResult
	for i, c := range res.Chunks {
		if c.Truncated {
			cut = &res.Chunks[i]
		}
	}
	if cut == nil || cut.Answer != nil || !strings.Contains(cut.Error, "truncated") || !strings.Contains(res.Hint, "--max-context") {
		t.Fatalf("truncated chunk %+v, hint %q", cut, res.Hint)
	}
}

// TestOnlyFileTooLongIsTruncatedNotNothingFits: a diff whose only file is
// one line too long for any chunk (a minified bundle) is that file
// truncated, as beside any other file, not "no part of the diff fits the
// model's context": the prompt has room, the line does not fit it.
func TestOnlyFileTooLongIsTruncatedNotNothingFits(t *testing.T) {
	g := newRig(t, ollamatest.Config{Models: []ollamatest.Model{
		{Name: "tiny:latest", Family: "llama", ContextLength: 4096, Capabilities: []string{"completion"}},
	}})
	set := bigSet(1)
	set.Files[0].Hunks[0].Lines = set.Files[0].Hunks[0].Lines[:1]
	set.Files[0].Hunks[0].Lines[0].Text = strings.Repeat("var a=1;", 6000)
	set.Files[0].Hunks[0].NewLines = 1
	raw, calls := g.review(set, run.Config{MaxContext: 4096, NumPredict: 512}, "tiny")
	res := raw.Results[0]
	if res.Error != "" || res.Status != review.StatusOK || !slices.Equal(res.NotCovered, []string{"pkg/big00.go"}) || len(res.Chunks) != 0 || calls > 1 {
		t.Fatalf("status %s, error %q, not covered %v, %d chunks, %d calls", res.Status, res.Error, res.NotCovered, len(res.Chunks), calls)
	}
}
