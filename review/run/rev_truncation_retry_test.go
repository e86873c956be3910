package run

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/review"
)

// dropFirst wraps a reply so that the first request of every chunk prompt
// (not the calibration probe) drops before the server answers, as a
// connection reset does; drop turns it off.
type dropFirst struct {
	drop bool
	seen map[string]bool
}

func (d *dropFirst) dropped(req review.ChatRequest) bool {
	if !d.drop || !chunkFile.MatchString(req.Prompt) || d.seen[req.Prompt] {
		return false
	}
	if d.seen == nil {
		d.seen = map[string]bool{}
	}
	d.seen[req.Prompt] = true
	return true
}

var errReset = errors.New("read tcp: connection reset by peer")

// A chunk's first request drops, and the server answers the retry (the same
// prompt) after silently cutting it to 2048 tokens. The check for a cut
// prompt used to run only on attempt 1: the cut answer was taken, cached,
// and its files reported covered, then read from the cache as covered by
// every later run. Now the first reply the chunk gets is checked; after a
// drop a count far below the estimate is ambiguous (the server may have
// kept the prompt in its KV cache), so the chunk fails, uncached and
// uncovered, and the next run asks again, sees the cut, and splits the
// chunk into parts that fit.
//
// Over Ollama's API (num_ctx set, ignored by this server) only a cut
// clearly below the estimate (lowRatio) can be told from an honest count;
// over an OpenAI-compatible one, where the server's own context applies,
// a count at a typical context size is a cut too, and no cut answer is
// taken at all, a drop or not.
func TestRevTruncationAfterTransportRetry(t *testing.T) {
	for _, openai := range []bool{false, true} {
		t.Run(map[bool]string{false: "ollama", true: "openai"}[openai], func(t *testing.T) {
			revTruncationAfterTransportRetry(t, openai)
		})
	}
}

func revTruncationAfterTransportRetry(t *testing.T, openai bool) {
	f := newFake("a")
	f.fixedCtx = openai
	d := &dropFirst{drop: true}
	// Prompts the server cut (far: to under half), and prompts it read
	// whole, by the files they show (every file fits alone, so parts never
	// share a file set).
	var mu sync.Mutex
	cut, far, whole := map[string]bool{}, map[string]bool{}, map[string]bool{}
	f.reply = func(_ string, _ int, req review.ChatRequest) (review.ChatResponse, error) {
		if d.dropped(req) {
			return review.ChatResponse{}, errReset
		}
		real := (len(req.System) + len(req.Prompt)) / 3
		if key := strings.Join(chunkFile.FindAllString(req.Prompt, -1), ","); key != "" {
			mu.Lock()
			cut[key] = cut[key] || real > 2048
			far[key] = far[key] || real > 2*2048
			whole[key] = whole[key] || real <= 2048
			mu.Unlock()
		}
		return review.ChatResponse{Content: finding, DoneReason: "stop", PromptEvalCount: min(2048, real)}, nil
	}
	// answered checks that no chunk was answered from a prompt the server
	// cut (far, over Ollama's API).
	answered := func(run string, res review.RawResult) {
		t.Helper()
		bad := far
		if openai {
			bad = cut
		}
		for _, ch := range res.Chunks {
			key := strings.Join(ch.Files, ",")
			if ch.Answer != nil && (bad[key] || !whole[key] && !cut[key]) {
				t.Errorf("%s: chunk %s (files %v) answered from a prompt the server cut; cached %v", run, ch.Chunk, ch.Files, ch.Cached)
			}
		}
	}
	c := cache.New(t.TempDir())
	raw, _ := (&Runner{Chat: f, Catalog: f, Cache: c}).Run(context.Background(), prepared(40), Config{Reviewers: reviewers("a")})
	res := raw.Results[0]
	if len(far) == 0 && !openai {
		t.Fatal("the test cut no prompt")
	}
	for key, c := range cut {
		if openai && c {
			// The context check found the server's context before any
			// chunk was sent.
			t.Fatalf("the server cut the prompt of %s", key)
		}
	}
	answered("first run", res)
	unverified := 0
	for _, ch := range res.Chunks {
		if ch.Metrics.Retries > 0 && far[strings.Join(ch.Files, ",")] && !openai {
			unverified++
			if ch.Truncated || ch.Answer != nil || !strings.Contains(ch.Error, ErrUnverified.Error()) {
				t.Errorf("chunk %s: after a drop a low count is unverifiable, not a cut: truncated %v, error %q", ch.Chunk, ch.Truncated, ch.Error)
			}
		}
	}
	switch {
	case !openai && unverified == 0:
		t.Error("no chunk was cut far on its retry after a drop: the test checks nothing")
	case openai && (res.Options.NumCtx != 2048 || res.Status != review.StatusOK || len(res.Covered) != 40):
		t.Errorf("first run: num_ctx %d, status %s, %d covered: %s", res.Options.NumCtx, res.Status, len(res.Covered), res.Error)
	}

	// A second run against the same cache, with no drops: nothing cut far
	// was cached, so each such chunk is asked again, its cut is seen, and
	// it is split until its parts fit.
	d.drop = false
	r := &Runner{Chat: f, Catalog: f, Cache: c}
	raw2, err := r.Run(context.Background(), prepared(40), Config{Reviewers: reviewers("a")})
	if err != nil {
		t.Fatal(err)
	}
	res2 := raw2.Results[0]
	answered("second run", res2)
	if res2.Status != review.StatusOK || len(res2.Covered) != 40 || len(res2.Truncated) != 0 || !openai && res2.Resplits == 0 {
		t.Errorf("second run: %d split again, status %s, %d covered, truncated %v: %s", res2.Resplits, res2.Status, len(res2.Covered), res2.Truncated, res2.Error)
	}
	// A third run takes everything from the cache.
	calls := f.count()
	raw3, err := r.Run(context.Background(), prepared(40), Config{Reviewers: reviewers("a")})
	if err != nil || f.count() != calls || len(raw3.Results[0].Covered) != 40 {
		t.Fatalf("third run: %v, %d calls, %d covered", err, f.count()-calls, len(raw3.Results[0].Covered))
	}
	answered("third run", raw3.Results[0])
}

// After a drop, the server may hold the whole prompt in its KV cache and
// count only the few tokens it had not read: the same reply a cut gives.
// The chunk fails (not truncated: nothing says the prompt did not fit), is
// not cached, and the next run answers it.
func TestRevKVCachedRetryIsNotAnAnswer(t *testing.T) {
	f := newFake("a")
	d := &dropFirst{drop: true}
	f.reply = func(_ string, _ int, req review.ChatRequest) (review.ChatResponse, error) {
		if d.dropped(req) {
			return review.ChatResponse{}, errReset
		}
		real := (len(req.System) + len(req.Prompt)) / 3
		if d.drop && chunkFile.MatchString(req.Prompt) {
			real = 3 // all but the last tokens came from the KV cache
		}
		return review.ChatResponse{Content: finding, DoneReason: "stop", PromptEvalCount: real}, nil
	}
	c := cache.New(t.TempDir())
	raw, err := (&Runner{Chat: f, Catalog: f, Cache: c}).Run(context.Background(), prepared(3), Config{Reviewers: reviewers("a")})
	if !errors.Is(err, ErrUnverified) || raw == nil {
		t.Fatalf("err %v; want the run to fail on the unverifiable answers", err)
	}
	res := raw.Results[0]
	if len(res.Chunks) == 0 {
		t.Fatal("no chunk")
	}
	for _, ch := range res.Chunks {
		if ch.Answer != nil || ch.Truncated || !strings.Contains(ch.Error, ErrUnverified.Error()) {
			t.Errorf("chunk %s: answered %v, truncated %v, error %q; want an unverified failure", ch.Chunk, ch.Answer != nil, ch.Truncated, ch.Error)
		}
	}
	if len(res.Covered) != 0 || len(res.Truncated) != 0 || res.Status != review.StatusFailed {
		t.Errorf("covered %v, truncated %v, status %s; want nothing covered, nothing truncated, failed", res.Covered, res.Truncated, res.Status)
	}

	d.drop = false
	raw2, err := (&Runner{Chat: f, Catalog: f, Cache: c}).Run(context.Background(), prepared(3), Config{Reviewers: reviewers("a")})
	if err != nil {
		t.Fatal(err)
	}
	res2 := raw2.Results[0]
	for _, ch := range res2.Chunks {
		if ch.Cached || ch.Answer == nil {
			t.Errorf("second run, chunk %s: cached %v, answered %v (%s); want asked again and answered", ch.Chunk, ch.Cached, ch.Answer != nil, ch.Error)
		}
	}
	if res2.Status != review.StatusOK || len(res2.Covered) != 3 {
		t.Errorf("second run: status %s, covered %v", res2.Status, res2.Covered)
	}
}

// A reply after a drop is never learned from: part of its prompt may have
// come from the server's KV cache. Here the retries report more tokens than
// the prompt holds (fewer bytes per token than the probe measured): learned,
// they would lower the stored figure.
func TestRevNoTokenizerLearningAfterDrop(t *testing.T) {
	for _, drop := range []bool{false, true} {
		f := newFake("a")
		d := &dropFirst{drop: drop}
		f.reply = func(_ string, _ int, req review.ChatRequest) (review.ChatResponse, error) {
			if d.dropped(req) {
				return review.ChatResponse{}, errReset
			}
			real := (len(req.System) + len(req.Prompt)) / 3
			if chunkFile.MatchString(req.Prompt) {
				real = real * 3 / 2
			}
			return review.ChatResponse{Content: finding, DoneReason: "stop", PromptEvalCount: real}, nil
		}
		c := cache.New(t.TempDir())
		r := &Runner{Chat: f, Catalog: f, Cache: c}
		raw, err := r.Run(context.Background(), prepared(3), Config{Reviewers: reviewers("a")})
		if err != nil {
			t.Fatal(err)
		}
		if st := raw.Results[0].Status; st != review.StatusOK {
			t.Fatalf("drop %v: status %s (%s)", drop, st, raw.Results[0].Error)
		}
		var e bptEntry
		stored, _ := c.Get(bptNS, bptKey(modelID("a", "sha256:a")), &e)
		if !drop && (!stored || e.Source != "answers") {
			// The control: a clean first reply is learned from.
			t.Errorf("no drop: stored %v, figure %.2f from %q; want one learned from answers", stored, e.BytesPerToken, e.Source)
		}
		if drop && stored && e.Source == "answers" {
			t.Errorf("after drops: figure %.2f learned from the replies to retries", e.BytesPerToken)
		}
	}
}
