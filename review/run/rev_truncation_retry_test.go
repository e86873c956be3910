package run

import (
	"context"
	"errors"
	"slices"
	"strings"
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
// drop a low count is ambiguous (the server may have kept the prompt in its
// KV cache), so the chunk fails, uncached and uncovered, and the next run
// asks again and sees the cut.
func TestRevTruncationAfterTransportRetry(t *testing.T) {
	f := newFake("a")
	d := &dropFirst{drop: true}
	// Files shown in a prompt the server cut to under half its tokens (a
	// milder cut is below what the check can tell from an estimate).
	cut := map[string]bool{}
	f.reply = func(_ string, _ int, req review.ChatRequest) (review.ChatResponse, error) {
		if d.dropped(req) {
			return review.ChatResponse{}, errReset
		}
		real := (len(req.System) + len(req.Prompt)) / 3
		if real > 2*2048 {
			for _, p := range chunkFile.FindAllString(req.Prompt, -1) {
				cut[p] = true
			}
		}
		return review.ChatResponse{Content: finding, DoneReason: "stop", PromptEvalCount: min(2048, real)}, nil
	}
	c := cache.New(t.TempDir())
	raw, err := (&Runner{Chat: f, Catalog: f, Cache: c}).Run(context.Background(), prepared(40), Config{Reviewers: reviewers("a")})
	if err != nil {
		t.Fatal(err)
	}
	res := raw.Results[0]
	if len(cut) == 0 {
		t.Fatal("the test cut no prompt")
	}
	unverified := 0
	for _, ch := range res.Chunks {
		shows := slices.ContainsFunc(ch.Files, func(p string) bool { return cut[p] })
		if shows && ch.Answer != nil {
			t.Errorf("chunk %s: a prompt the server cut to 2048 tokens was taken as an answer (retries %d); files %v", ch.Chunk, ch.Metrics.Retries, ch.Files)
		}
		if ch.Metrics.Retries > 0 && shows {
			unverified++
			if ch.Truncated || !strings.Contains(ch.Error, ErrUnverified.Error()) {
				t.Errorf("chunk %s: after a drop a low count is unverifiable, not a cut: truncated %v, error %q", ch.Chunk, ch.Truncated, ch.Error)
			}
		}
	}
	if unverified == 0 {
		t.Error("no chunk was cut on its retry after a drop: the test checks nothing")
	}
	for _, p := range res.Covered {
		if cut[p] {
			t.Errorf("%s: reported covered although its prompt was cut", p)
		}
	}
	if res.Status == review.StatusOK {
		t.Errorf("status %s with cut chunks", res.Status)
	}

	// A second run against the same cache, with no drops: nothing cut was
	// cached, so each such chunk is asked again, and its cut is seen.
	d.drop = false
	raw2, err := (&Runner{Chat: f, Catalog: f, Cache: c}).Run(context.Background(), prepared(40), Config{Reviewers: reviewers("a")})
	if err != nil {
		t.Fatal(err)
	}
	res2 := raw2.Results[0]
	for _, ch := range res2.Chunks {
		if !slices.ContainsFunc(ch.Files, func(p string) bool { return cut[p] }) {
			continue
		}
		if ch.Cached || ch.Answer != nil {
			t.Errorf("second run, chunk %s (files %v): cached %v, answered %v: a cut prompt's answer was kept", ch.Chunk, ch.Files, ch.Cached, ch.Answer != nil)
		}
		if !ch.Truncated {
			t.Errorf("second run, chunk %s: the cut was not seen on a clean first request: %q", ch.Chunk, ch.Error)
		}
	}
	for _, p := range res2.Covered {
		if cut[p] {
			t.Errorf("second run: %s reported covered although its prompt was cut", p)
		}
	}
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
