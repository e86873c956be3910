package run

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/prompts"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/plan"
)

const finding = `{"summary":"s","findings":[{"file":"f00.go","line":3,"quote":"x","severity":"important","category":"bug","title":"t","explanation":"e"}]}`

func TestRunHappyPathSetsOptions(t *testing.T) {
	f := newFake("a", "b")
	f.models["b"] = review.ModelInfo{Name: "b", Digest: "sha256:b", ContextLength: 8192}
	r := &Runner{Chat: f, Catalog: f}
	rvs := reviewers("a", "b")
	rvs[1].Focus = "security only"
	raw, err := r.Run(context.Background(), prepared(2), Config{Reviewers: rvs})
	if err != nil {
		t.Fatal(err)
	}
	if raw.Schema != "quorum.raw/v1" || raw.PromptVersion != prompts.Version() || raw.Interrupted || len(raw.Results) != 2 {
		t.Fatalf("raw header: %+v", raw)
	}
	for i, want := range []review.Options{
		{NumCtx: 16384, NumPredict: 4096, Temperature: 0, Seed: 42},
		{NumCtx: 8192, NumPredict: 4096, Temperature: 0, Seed: 42},
	} {
		res := raw.Results[i]
		if res.Options != want || res.Status != review.StatusOK || res.Digest != "sha256:"+res.Reviewer.Model {
			t.Errorf("result %d: %+v", i, res)
		}
		if strings.Join(res.Covered, ",") != "f00.go,f01.go" || len(res.Chunks) != 1 || res.Chunks[0].Answer == nil {
			t.Errorf("result %d coverage: %+v", i, res)
		}
		// b's 8192-token context does not hold the diff at one byte per
		// token: its tokenizer is measured first (one more request).
		wantReq, wantCal := 1, CalibrationNotNeeded
		if i == 1 {
			wantReq, wantCal = 2, CalibratedProbe
		}
		if res.Metrics.Requests != wantReq || res.Calibration != wantCal || res.Metrics.EvalTokens != 20*wantReq {
			t.Errorf("result %d metrics: %s %+v", i, res.Calibration, res.Metrics)
		}
	}
	for _, req := range f.requests {
		if req.Options.NumPredict == 1 {
			continue // the probe
		}
		if string(req.Format) != string(prompts.Schema()) || req.KeepAlive != DefaultKeepAlive {
			t.Errorf("request lacks schema or keep_alive: %+v", req.KeepAlive)
		}
		if (req.Model == "b") != strings.Contains(req.System, "security only") {
			t.Errorf("focus text in the wrong prompt for %s", req.Model)
		}
	}
}

func TestPerReviewerContextOverride(t *testing.T) {
	f := newFake("a")
	rvs := reviewers("a")
	rvs[0].NumCtx = 4096
	raw, _ := (&Runner{Chat: f, Catalog: f}).Run(context.Background(), prepared(1), Config{Reviewers: rvs, MaxContext: 65536, NumPredict: 3000})
	if o := raw.Results[0].Options; o.NumCtx != 4096 || o.NumPredict != 2048 {
		t.Fatalf("options %+v", o)
	}
}

func TestWarmCacheMakesNoCall(t *testing.T) {
	dir := t.TempDir()
	f := newFake("a", "b")
	cfg := Config{Reviewers: reviewers("a", "b"), MaxContext: 4096}
	r := &Runner{Chat: f, Catalog: f, Cache: cache.New(dir)}
	first, err := r.Run(context.Background(), prepared(6), cfg)
	if err != nil {
		t.Fatal(err)
	}
	calls := f.count()
	if calls < 4 {
		t.Fatalf("expected several chunks, got %d calls", calls)
	}
	f2 := newFake("a", "b")
	f2.reply = func(string, int, review.ChatRequest) (review.ChatResponse, error) {
		t.Error("model called on a warm cache")
		return review.ChatResponse{}, errors.New("no")
	}
	second, err := (&Runner{Chat: f2, Catalog: f2, Cache: cache.New(dir)}).Run(context.Background(), prepared(6), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if f2.count() != 0 {
		t.Fatalf("warm run made %d calls", f2.count())
	}
	for i, res := range second.Results {
		if res.Status != review.StatusOK || res.Metrics.CacheHits != len(first.Results[i].Chunks) || res.Metrics.Requests != 0 {
			t.Fatalf("warm result %d: %+v", i, res.Metrics)
		}
		for _, c := range res.Chunks {
			if !c.Cached || c.Answer == nil {
				t.Fatalf("chunk not from cache: %+v", c)
			}
		}
	}
	// A changed diff is asked again; an unchanged focus too if it changes.
	rvs := reviewers("a")
	rvs[0].Focus = "new focus"
	_, _ = (&Runner{Chat: f, Catalog: f, Cache: cache.New(dir)}).Run(context.Background(), prepared(6), Config{Reviewers: rvs, MaxContext: 4096})
	if f.count() == calls {
		t.Fatal("a new focus was served from the cache")
	}
}

func TestCorruptCacheEntryIsRewritten(t *testing.T) {
	dir := t.TempDir()
	f := newFake("a")
	cfg := Config{Reviewers: reviewers("a")}
	r := &Runner{Chat: f, Catalog: f, Cache: cache.New(dir)}
	if _, err := r.Run(context.Background(), prepared(1), cfg); err != nil {
		t.Fatal(err)
	}
	entries, _ := filepath.Glob(filepath.Join(dir, resultsNS, "*", "*.json"))
	if len(entries) != 1 {
		t.Fatalf("cache entries: %v", entries)
	}
	if err := os.WriteFile(entries[0], []byte("{garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	raw, err := r.Run(context.Background(), prepared(1), cfg)
	if err != nil || raw.Results[0].Status != review.StatusOK || f.count() != 2 {
		t.Fatalf("corrupt entry: err=%v status=%s calls=%d", err, raw.Results[0].Status, f.count())
	}
	if _, err := r.Run(context.Background(), prepared(1), cfg); err != nil || f.count() != 2 {
		t.Fatalf("entry not rewritten: calls=%d", f.count())
	}
}

func TestRetryRepairsInvalidJSON(t *testing.T) {
	f := newFake("a")
	f.reply = func(_ string, n int, req review.ChatRequest) (review.ChatResponse, error) {
		if n == 1 {
			return review.ChatResponse{Content: `{"summary": "half`, DoneReason: "stop"}, nil
		}
		if !strings.Contains(req.Prompt, "could not be used: the answer holds no JSON object") {
			t.Errorf("retry lacks the repair instruction:\n%s", req.Prompt[len(req.Prompt)-300:])
		}
		return review.ChatResponse{Content: "```json\n" + finding + "\n```", DoneReason: "stop"}, nil
	}
	raw, _ := (&Runner{Chat: f, Catalog: f}).Run(context.Background(), prepared(1), Config{Reviewers: reviewers("a")})
	res := raw.Results[0]
	if res.Status != review.StatusOK || res.Metrics.Retries != 1 || res.Metrics.Requests != 2 || len(res.Chunks[0].Answer.Findings) != 1 || res.Chunks[0].Error != "" {
		t.Fatalf("%+v", res)
	}
}

func TestTwiceInvalidFailsChunkWithReason(t *testing.T) {
	f := newFake("a", "b")
	f.reply = func(model string, _ int, _ review.ChatRequest) (review.ChatResponse, error) {
		if model == "a" {
			return review.ChatResponse{Content: `{"summary":"s","findings":[{"severity":"fatal"}]}`, DoneReason: "stop"}, nil
		}
		return review.ChatResponse{Content: finding, DoneReason: "stop"}, nil
	}
	raw, err := (&Runner{Chat: f, Catalog: f}).Run(context.Background(), prepared(1), Config{Reviewers: reviewers("a", "b")})
	if err != nil {
		t.Fatal(err)
	}
	a, b := raw.Results[0], raw.Results[1]
	if a.Status != review.StatusFailed || !strings.Contains(a.Chunks[0].Error, "after one retry: the answer does not follow the schema: at /findings/0") {
		t.Fatalf("a: %s / %q", a.Status, a.Chunks[0].Error)
	}
	if !strings.HasPrefix(a.Error, "1 of 1 chunks failed: after one retry") || len(a.Covered) != 0 || strings.Join(a.NotCovered, ",") != "f00.go" {
		t.Fatalf("a: error %q covered %v not %v", a.Error, a.Covered, a.NotCovered)
	}
	if b.Status != review.StatusOK {
		t.Fatalf("a failed reviewer sank b: %+v", b)
	}
}

func TestLengthIsTruncatedAnswerAndRetried(t *testing.T) {
	f := newFake("a")
	var prompts []string
	f.reply = func(_ string, n int, req review.ChatRequest) (review.ChatResponse, error) {
		prompts = append(prompts, req.Prompt)
		return review.ChatResponse{Content: `{"summary":"very long`, DoneReason: "length"}, nil
	}
	raw, _ := (&Runner{Chat: f, Catalog: f}).Run(context.Background(), prepared(1), Config{Reviewers: reviewers("a")})
	c := raw.Results[0].Chunks[0]
	if c.Error != "after one retry: the answer was cut off at the 4096-token limit" || len(prompts) != 2 || !strings.Contains(prompts[1], "much shorter") {
		t.Fatalf("error %q, %d prompts", c.Error, len(prompts))
	}
	if h := raw.Results[0].Hint; h != CutOffHint || !strings.Contains(h, "raise --num-predict (num_predict in .quorum.yaml)") {
		t.Fatalf("hint %q", h)
	}
}

// TestRunawayModelStopsBeingAsked: a model whose answers run past
// num_predict on two chunks in a row (twice each) is not asked its other
// chunks: they fail at once, saying why, and the review is partial as for
// any failed chunk, instead of minutes per chunk. An answer in between
// starts the count again.
func TestRunawayModelStopsBeingAsked(t *testing.T) {
	f := newFake("a")
	asked := 0
	f.reply = func(_ string, n int, req review.ChatRequest) (review.ChatResponse, error) {
		if req.Options.NumPredict > 1 { // not the tokenizer probe
			asked++
		}
		return review.ChatResponse{Content: `{"summary":"very long`, DoneReason: "length"}, nil
	}
	raw, _ := (&Runner{Chat: f, Catalog: f}).Run(context.Background(), prepared(30), Config{Reviewers: reviewers("a"), MaxContext: 2048, NumPredict: 512})
	res := raw.Results[0]
	if asked != 2*maxRunaways {
		t.Errorf("asked %d times, want %d (two chunks, twice each)", asked, 2*maxRunaways)
	}
	var notAsked int
	for _, c := range res.Chunks {
		if strings.Contains(c.Error, "not asked after 2 chunks in a row whose answers ran past the 512-token limit") {
			notAsked++
		}
	}
	if notAsked != len(res.Chunks)-maxRunaways || res.Status != review.StatusFailed {
		t.Fatalf("%d of %d chunks not asked, status %s", notAsked, len(res.Chunks), res.Status)
	}

	// Runaway, answered, runaway, a bad answer, runaway: never two in a
	// row, so every chunk is asked.
	f = newFake("a")
	chunk := 0
	f.reply = func(_ string, n int, req review.ChatRequest) (review.ChatResponse, error) {
		if req.Options.NumPredict <= 1 {
			return review.ChatResponse{Content: "x", DoneReason: "length"}, nil // the tokenizer probe
		}
		if !strings.Contains(req.Prompt, "previous answer") {
			chunk++
		}
		switch chunk % 4 {
		case 1, 3:
			return review.ChatResponse{Content: `{"summary":"very long`, DoneReason: "length"}, nil
		case 2:
			return review.ChatResponse{Content: `{"summary":"s","findings":[],"strengths":[],"concerns":[],"untested":[],"docs":[]}`, DoneReason: "stop"}, nil
		}
		return review.ChatResponse{Content: `not json`, DoneReason: "stop"}, nil
	}
	raw, _ = (&Runner{Chat: f, Catalog: f}).Run(context.Background(), prepared(30), Config{Reviewers: reviewers("a"), MaxContext: 2048, NumPredict: 512})
	for _, c := range raw.Results[0].Chunks {
		if strings.Contains(c.Error, "not asked") {
			t.Fatalf("chunk %s not asked after runaways that were not in a row: %q", c.Chunk, c.Error)
		}
	}
}

// TestServerTruncatedPromptDetected: a server that ignores num_ctx and
// reads at most its own default of 2048 tokens (3 bytes each) is caught by
// the count falling clearly below the measured estimate; the chunk is split
// and asked again, the server's context is learned from the cut, and parts
// that still read that much are split again, until every answer comes from
// a prompt the server read whole. Over Ollama's API and over an
// OpenAI-compatible one alike.
func TestServerTruncatedPromptDetected(t *testing.T) {
	for _, openai := range []bool{false, true} {
		f := newFake("a")
		f.fixedCtx = openai
		var mu sync.Mutex
		whole := map[string]bool{}
		f.reply = func(_ string, _ int, req review.ChatRequest) (review.ChatResponse, error) {
			real := (len(req.System) + len(req.Prompt)) / 3
			if real <= 2048 {
				mu.Lock()
				whole[strings.Join(chunkFile.FindAllString(req.Prompt, -1), ",")] = true
				mu.Unlock()
			}
			return review.ChatResponse{Content: finding, DoneReason: "stop", PromptEvalCount: min(2048, real)}, nil
		}
		raw, err := (&Runner{Chat: f, Catalog: f}).Run(context.Background(), prepared(40), Config{Reviewers: reviewers("a")})
		if err != nil {
			t.Fatal(err)
		}
		res := raw.Results[0]
		if !openai && (res.Calibration != CalibratedProbe || res.Resplits == 0 || res.Metrics.Requests != len(res.Chunks)+res.Resplits+1) {
			t.Fatalf("calibration %s, %d split again, %d requests for %d chunks", res.Calibration, res.Resplits, res.Metrics.Requests, len(res.Chunks))
		}
		// Over the OpenAI-compatible API the context check (a prompt
		// filling num_ctx, after the probe) finds the server's context
		// before any chunk is sent: nothing is split again.
		if openai && (res.Calibration != CalibratedProbe || res.Resplits != 0 || res.Options.NumCtx != 2048 || res.Metrics.Requests != len(res.Chunks)+2) {
			t.Fatalf("openai: calibration %s, num_ctx %d, %d split again, %d requests for %d chunks", res.Calibration, res.Options.NumCtx, res.Resplits, res.Metrics.Requests, len(res.Chunks))
		}
		for _, c := range res.Chunks {
			if c.Answer == nil || !whole[strings.Join(c.Files, ",")] {
				t.Errorf("openai %v: chunk %v answered %v from a prompt the server cut: %s", openai, c.Files, c.Answer != nil, c.Error)
			}
		}
		if res.Status != review.StatusOK || len(res.Covered) != 40 || len(res.Truncated) != 0 {
			t.Fatalf("openai %v: status %s, %d covered, truncated %v", openai, res.Status, len(res.Covered), res.Truncated)
		}
	}
}

// A chunk the server cuts however small it is split is reported truncated,
// never covered: here the server reads 600 tokens, less than the fixed part
// of any prompt. The first cut is clearly below the estimate; the parts,
// cut at the same count, are known cut by it (sawCut).
func TestServerCuttingEveryPartIsTruncated(t *testing.T) {
	f := newFake("a")
	f.reply = func(_ string, _ int, req review.ChatRequest) (review.ChatResponse, error) {
		n := (len(req.System) + len(req.Prompt)) / 3
		if chunkFile.MatchString(req.Prompt) {
			n = min(600, n)
		}
		return review.ChatResponse{Content: finding, DoneReason: "stop", PromptEvalCount: n}, nil
	}
	raw, _ := (&Runner{Chat: f, Catalog: f}).Run(context.Background(), prepared(4), Config{Reviewers: reviewers("a")})
	res := raw.Results[0]
	if len(res.Covered) != 0 || len(res.Truncated) != 4 || res.Status != review.StatusFailed || res.Resplits == 0 {
		t.Fatalf("status %s, covered %v, truncated %v, %d split again", res.Status, res.Covered, res.Truncated, res.Resplits)
	}
	for _, c := range res.Chunks {
		if c.Answer != nil || !c.Truncated || !strings.HasPrefix(c.Error, "the server truncated the prompt: it read") {
			t.Fatalf("%+v", c)
		}
	}
}

func TestMissingModelDoesNotSinkRun(t *testing.T) {
	f := newFake("a")
	raw, err := (&Runner{Chat: f, Catalog: f}).Run(context.Background(), prepared(1), Config{Reviewers: reviewers("nope:7b", "a")})
	if err != nil {
		t.Fatal(err)
	}
	m := raw.Results[0]
	if m.Status != review.StatusMissing || m.Hint != "install nope:7b" || !strings.Contains(m.Error, "not installed") {
		t.Fatalf("%+v", m)
	}
	if raw.Results[1].Status != review.StatusOK {
		t.Fatalf("%+v", raw.Results[1])
	}
}

func TestMissingAtChatTime(t *testing.T) {
	// No catalog: the first chat finds the model missing and the reviewer stops.
	f := newFake("a")
	raw, err := (&Runner{Chat: f}).Run(context.Background(), prepared(30), Config{Reviewers: reviewers("gone", "a"), MaxContext: 2048})
	if err != nil {
		t.Fatal(err)
	}
	if raw.Results[0].Status != review.StatusMissing || raw.Results[1].Status != review.StatusOK {
		t.Fatalf("%+v", raw.Results)
	}
	if f.perModel["gone"] != 0 {
		t.Fatal("missing model counted")
	}
}

func TestAllMissingIsSetupError(t *testing.T) {
	f := newFake()
	raw, err := (&Runner{Chat: f, Catalog: f}).Run(context.Background(), prepared(1), Config{Reviewers: reviewers("x", "y")})
	if !errors.Is(err, review.ErrModelNotFound) || len(raw.Results) != 2 {
		t.Fatalf("err %v", err)
	}
}

type downChat struct{ calls int }

func (d *downChat) Chat(context.Context, review.ChatRequest, review.Progress) (review.ChatResponse, error) {
	d.calls++
	return review.ChatResponse{}, fmt.Errorf("cannot reach ollama at 127.0.0.1:1: %w", review.ErrUnreachable)
}

// Hint is the backend's remedy: run asks the backend, never names a server itself.
func (d *downChat) Hint(err error, model string) string { return "start the fake server" }

func TestUnreachableFailsRunOnlyWhenNobodyRan(t *testing.T) {
	d := &downChat{}
	raw, err := (&Runner{Chat: d}).Run(context.Background(), prepared(30), Config{Reviewers: reviewers("a", "b"), MaxContext: 2048})
	if !errors.Is(err, review.ErrUnreachable) {
		t.Fatalf("err = %v", err)
	}
	if d.calls != 2 {
		t.Fatalf("an unreachable server got %d calls; one per reviewer is enough", d.calls)
	}
	if r := raw.Results[0]; r.Status != review.StatusFailed || r.Hint != "start the fake server" {
		t.Fatalf("%+v", r)
	}
}

func TestTimeoutFailsChunk(t *testing.T) {
	f := newFake("a")
	f.reply = func(_ string, _ int, _ review.ChatRequest) (review.ChatResponse, error) {
		return review.ChatResponse{Content: finding, DoneReason: "stop"}, nil
	}
	f.perToken = time.Hour // 20 hours per answer: a hang only the timeout ends
	// Were the 50ms timeout not applied, this deadline would end the run
	// instead (and the chunk's error would not name the 50ms).
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	raw, _ := (&Runner{Chat: f, Catalog: f}).Run(ctx, prepared(1), Config{Reviewers: reviewers("a"), Timeout: 50 * time.Millisecond})
	if ctx.Err() != nil {
		t.Fatal("timeout not applied")
	}
	if c := raw.Results[0].Chunks[0]; c.Error != "no answer within 50ms" || raw.Results[0].Metrics.Requests != 1 {
		t.Fatalf("%+v", c)
	}
}

func TestCancelKeepsFinishedChunks(t *testing.T) {
	f := newFake("a", "b")
	f.perToken = 5 * time.Millisecond // 100 ms per chunk
	ctx, cancel := context.WithCancel(context.Background())
	sent := -1
	obs := &recorder{onChunk: func(n int) {
		if n == 2 {
			sent = f.count()
			cancel()
		}
	}}
	raw, err := (&Runner{Chat: f, Catalog: f, Observer: obs}).Run(ctx, prepared(40), Config{Reviewers: reviewers("a", "b"), MaxContext: 2048})
	// The cancel stops the run at once: not one more request (where a
	// wall-clock bound would depend on the machine's load).
	if n := f.count(); n != sent {
		t.Fatalf("%d requests after the cancel", n-sent)
	}
	if err != nil {
		t.Fatal(err)
	}
	a := raw.Results[0]
	if !raw.Interrupted || len(a.Chunks) != 2 || a.Status != review.StatusPartial || !strings.HasPrefix(a.Error, "interrupted: ") {
		t.Fatalf("interrupted=%v chunks=%d status=%s err=%q", raw.Interrupted, len(a.Chunks), a.Status, a.Error)
	}
	if b := raw.Results[1]; len(b.Chunks) != 0 || b.Status != review.StatusFailed {
		t.Fatalf("b: %+v", b.Status)
	}
}

func TestModelByModelLoadsOnce(t *testing.T) {
	f := newFake("a", "b", "c")
	f.perToken = 100 * time.Microsecond
	f.meet(2)
	r := &Runner{Chat: loaderFake{f}, Catalog: f}
	rvs := append(reviewers("a", "b"), review.Reviewer{Name: "a-sec", Model: "a", Focus: "security"}, review.Reviewer{Name: "c", Model: "c"})
	raw, err := r.Run(context.Background(), prepared(30), Config{Reviewers: rvs, MaxContext: 2048, Parallel: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.loads, ","); got != "a,b,c" {
		t.Fatalf("loads %s, want a,b,c", got)
	}
	// Requests come in contiguous blocks per model.
	var order []string
	for _, q := range f.requests {
		if len(order) == 0 || order[len(order)-1] != q.Model {
			order = append(order, q.Model)
		}
	}
	if strings.Join(order, ",") != "a,b,c" {
		t.Fatalf("request order %v", order)
	}
	if f.maxFlight > 3 || f.maxFlight < 2 {
		t.Fatalf("max in flight %d with parallel 3", f.maxFlight)
	}
	if raw.Results[2].Reviewer.Name != "a-sec" || raw.Results[2].Status != review.StatusOK {
		t.Fatalf("%+v", raw.Results[2])
	}
}

func TestInterleaveSwaps(t *testing.T) {
	f := newFake("a", "b")
	_, err := (&Runner{Chat: f, Catalog: f}).Run(context.Background(), prepared(30), Config{Reviewers: reviewers("a", "b"), MaxContext: 2048, Interleave: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.loads) < 4 {
		t.Fatalf("interleaved order loaded only %v", f.loads)
	}
}

func TestConcurrentModels(t *testing.T) {
	f := newFake("a", "b", "c")
	f.perToken = time.Millisecond
	f.meet(2)
	_, err := (&Runner{Chat: f, Catalog: f}).Run(context.Background(), prepared(4), Config{Reviewers: reviewers("a", "b", "c"), ConcurrentModels: 3})
	if err != nil {
		t.Fatal(err)
	}
	if f.maxFlight < 2 {
		t.Fatalf("models did not run concurrently (max in flight %d)", f.maxFlight)
	}
}

func TestLearnsBytesPerToken(t *testing.T) {
	dir := t.TempDir()
	f := newFake("tiny")
	f.reply = func(_ string, _ int, req review.ChatRequest) (review.ChatResponse, error) {
		// A byte-level tokenizer: one token per byte.
		return review.ChatResponse{Content: finding, DoneReason: "stop", PromptEvalCount: len(req.System) + len(req.Prompt)}, nil
	}
	r := &Runner{Chat: f, Catalog: f, Cache: cache.New(dir)}
	cfg := Config{Reviewers: reviewers("tiny"), MaxContext: 8192}
	first, _ := r.Run(context.Background(), prepared(12), cfg)
	if e, ok := (&Runner{Cache: r.Cache}).measuredBPT(modelID("tiny", "sha256:tiny")); !ok || e.BytesPerToken != 1 || e.Probe != 1 {
		t.Fatalf("learned %+v bytes per token, want 1", e)
	}
	// A new diff is planned with the learned figure, with no probe; a fresh
	// cache measures the same figure with one.
	calls := f.count()
	learned, _ := r.Run(context.Background(), prepared(13), cfg)
	if m := learned.Results[0].Metrics; f.count()-calls != m.Requests || m.Requests+m.CacheHits != len(learned.Results[0].Chunks) || learned.Results[0].Calibration != CalibratedCache {
		t.Fatalf("%d calls for %d chunks (%+v), calibration %q", f.count()-calls, len(learned.Results[0].Chunks), m, learned.Results[0].Calibration)
	}
	fresh, _ := (&Runner{Chat: f, Catalog: f, Cache: cache.New(t.TempDir())}).Run(context.Background(), prepared(13), cfg)
	if len(learned.Results[0].Chunks) != len(fresh.Results[0].Chunks) || fresh.Results[0].Calibration != CalibratedProbe ||
		fresh.Results[0].Metrics.Requests != len(fresh.Results[0].Chunks)+1 {
		t.Fatalf("planning did not use the learned figure: %d chunks, %d with a probe (%+v)", len(learned.Results[0].Chunks), len(fresh.Results[0].Chunks), fresh.Results[0].Metrics)
	}
	// The unchanged first diff keeps its plan, so it comes from the cache.
	calls = f.count()
	again, _ := r.Run(context.Background(), prepared(12), cfg)
	if f.count() != calls || len(again.Results[0].Chunks) != len(first.Results[0].Chunks) {
		t.Fatalf("re-run of an unchanged diff made %d calls", f.count()-calls)
	}
}

func TestEmptyDiffIsOK(t *testing.T) {
	f := newFake("a")
	raw, err := (&Runner{Chat: f, Catalog: f}).Run(context.Background(), prepared(0), Config{Reviewers: reviewers("a")})
	if err != nil || raw.Results[0].Status != review.StatusOK || f.count() != 0 {
		t.Fatalf("%v %+v", err, raw.Results[0])
	}
}

// recorder is a test Observer.
type recorder struct {
	mu      sync.Mutex
	chunks  int
	tokens  int
	planned map[string]int
	started []string
	events  []string // "started NAME" and "chunk NAME", in order
	onChunk func(n int)
}

func (r *recorder) Planned(name string, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.planned == nil {
		r.planned = map[string]int{}
	}
	r.planned[name] = n
}
func (r *recorder) Loaded(string, time.Duration) {}
func (r *recorder) Tokens(_ string, n int)       { r.mu.Lock(); r.tokens += n; r.mu.Unlock() }
func (r *recorder) ChunkDone(name string, _ review.ChunkResult) {
	r.mu.Lock()
	r.events = append(r.events, "chunk "+name)
	r.chunks++
	n := r.chunks
	r.mu.Unlock()
	if r.onChunk != nil {
		r.onChunk(n)
	}
}
func (r *recorder) Finished(string, review.RawResult) {}
func (r *recorder) Started(name string) {
	r.mu.Lock()
	r.started = append(r.started, name)
	r.events = append(r.events, "started "+name)
	r.mu.Unlock()
}

var (
	_ Observer      = (*recorder)(nil)
	_ StartObserver = (*recorder)(nil)
)

// TestStartedAtEachModelsTurn: the observer is told when each model gets
// its turn, model by model, after the one before has answered every
// chunk, so progress times a reviewer from then; interleaved, when a
// reviewer's first chunk is sent.
func TestStartedAtEachModelsTurn(t *testing.T) {
	for _, interleave := range []bool{false, true} {
		f := newFake("a", "b")
		obs := &recorder{}
		if _, err := (&Runner{Chat: f, Catalog: f, Observer: obs}).Run(context.Background(), prepared(40), Config{Reviewers: reviewers("a", "b"), MaxContext: 2048, Interleave: interleave}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(obs.started, []string{"a", "b"}) {
			t.Fatalf("interleave %v: started %v, want a then b, once each", interleave, obs.started)
		}
		first := func(e string) int { return slices.Index(obs.events, e) }
		last := func(e string) int {
			for i := len(obs.events) - 1; i >= 0; i-- {
				if obs.events[i] == e {
					return i
				}
			}
			return -1
		}
		for _, name := range []string{"a", "b"} {
			if first("started "+name) > first("chunk "+name) || first("chunk "+name) < 0 {
				t.Errorf("interleave %v: %s's first chunk before it started: %v", interleave, name, obs.events)
			}
		}
		if !interleave && (last("chunk a") > first("started b") || obs.chunks < 4) {
			t.Errorf("b started before a's last chunk: %v", obs.events)
		}
	}
}

func TestNoAnswerWhenEveryChunkFails(t *testing.T) {
	f := newFake("a")
	f.reply = func(string, int, review.ChatRequest) (review.ChatResponse, error) {
		return review.ChatResponse{Content: "no idea", DoneReason: "stop"}, nil
	}
	raw, err := (&Runner{Chat: f, Catalog: f}).Run(context.Background(), prepared(1), Config{Reviewers: reviewers("a", "missing")})
	var na *NoAnswerError
	if !errors.As(err, &na) || !errors.Is(err, ErrBadAnswer) || raw == nil {
		t.Fatalf("err = %v", err)
	}
	if want := "no reviewer could answer: the model gave no usable answer: the answer holds no JSON object"; err.Error() != want {
		t.Fatalf("err = %q", err)
	}
}

// A passing server error on the metadata call is tried once more; a second
// failure fails the reviewer with the error, and the others still review.
func TestShowIsRetriedOnce(t *testing.T) {
	f := newFake("a")
	f.showFails = 1
	raw, err := (&Runner{Chat: f, Catalog: f}).Run(context.Background(), prepared(1), Config{Reviewers: reviewers("a")})
	if err != nil || raw.Results[0].Status != review.StatusOK {
		t.Fatalf("one failed show: err %v, status %q (%s)", err, raw.Results[0].Status, raw.Results[0].Error)
	}
	f = newFake("a", "b")
	f.showFails = 2
	raw, err = (&Runner{Chat: f, Catalog: f}).Run(context.Background(), prepared(1), Config{Reviewers: reviewers("a", "b")})
	if err != nil || raw.Results[0].Status != review.StatusFailed || !strings.Contains(raw.Results[0].Error, "500") || raw.Results[1].Status != review.StatusOK {
		t.Fatalf("two failed shows: err %v, results %+v", err, raw.Results)
	}
}

// TestNewGuidelinesMissTheCache: the repository's guidelines are part of
// every prompt, so a review after they change asks the model again, and one
// with the same guidelines is answered from the cache.
func TestNewGuidelinesMissTheCache(t *testing.T) {
	dir := t.TempDir()
	withGuidelines := func(g string) *plan.Prepared {
		return plan.Prepare(plan.Input{Set: diffSet(3), Guidelines: g})
	}
	cfg := Config{Reviewers: reviewers("a"), MaxContext: 4096}
	f := newFake("a")
	if _, err := (&Runner{Chat: f, Catalog: f, Cache: cache.New(dir)}).Run(context.Background(), withGuidelines("Wrap errors with %w."), cfg); err != nil {
		t.Fatal(err)
	}
	if f.count() == 0 {
		t.Fatal("the cold run made no call")
	}
	for _, tc := range []struct {
		guidelines string
		asked      bool
	}{
		{"Wrap errors with %w.", false},
		{"Never panic in library code.", true},
	} {
		f2 := newFake("a")
		raw, err := (&Runner{Chat: f2, Catalog: f2, Cache: cache.New(dir)}).Run(context.Background(), withGuidelines(tc.guidelines), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if asked := f2.count() > 0; asked != tc.asked {
			t.Errorf("guidelines %q: model asked %d times (cache hits %d), want asked=%v",
				tc.guidelines, f2.count(), raw.Results[0].Metrics.CacheHits, tc.asked)
		}
	}
}
