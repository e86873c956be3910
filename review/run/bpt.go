package run

import (
	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/review/plan"
)

// bptNS is the cache namespace of learned bytes-per-token figures.
const bptNS = "bytes-per-token"

// Learned figures are clamped: below 1 byte per token no tokenizer goes, and
// above 4.5 planning would grow optimistic enough to overflow num_ctx.
const minBPT, maxBPT = 1.0, 4.5

// bptLearner keeps a model's bytes-per-token: the prior used to plan this
// run, and the smallest ratio observed in it. The smallest, because a server
// that reuses a cached prompt prefix counts fewer tokens than it read, which
// only ever makes the ratio look larger.
type bptLearner struct {
	model, digest string
	prior         float64
	observed      float64 // 0 until a response is seen
}

type bptEntry struct {
	BytesPerToken float64 `json:"bytes_per_token"`
}

func bptKey(model, digest string) string { return cache.Key("bpt/v1", model, digest) }

func loadBPT(c *cache.Cache, model, digest string) bptLearner {
	l := bptLearner{model: model, digest: digest, prior: plan.DefaultBytesPerToken}
	var e bptEntry
	if ok, _ := c.Get(bptNS, bptKey(model, digest), &e); ok && e.BytesPerToken >= minBPT && e.BytesPerToken <= maxBPT {
		l.prior = e.BytesPerToken
	}
	return l
}

func (l *bptLearner) observe(bytes, tokens int) {
	if tokens <= 0 || bytes <= 0 {
		return
	}
	r := min(max(float64(bytes)/float64(tokens), minBPT), maxBPT)
	if l.observed == 0 || r < l.observed {
		l.observed = r
	}
}

func (r *Runner) saveBPT(rr *reviewerRun) {
	if rr.bpt.observed == 0 {
		return
	}
	_ = r.Cache.Put(bptNS, bptKey(rr.bpt.model, rr.bpt.digest), bptEntry{rr.bpt.observed}) // best effort: planning falls back to the default
}

// planNS remembers, per diff and reviewer, the bytes-per-token a fully
// answered plan was built with. Re-planning an unchanged diff with the same
// figure gives the same chunks, so a re-run is served from the cache even
// after the learned figure moved; a new diff uses the learned figure.
const planNS = "plans"

type planMemo struct {
	BytesPerToken float64 `json:"bytes_per_token"`
}

func planKey(prepID string, rv reviewKey) string {
	return cache.Key("plan/v1", prepID, rv)
}

// reviewKey is what, beside the diff, decides a reviewer's chunks.
type reviewKey struct {
	Model  string `json:"model"`
	Digest string `json:"digest"`
	NumCtx int    `json:"num_ctx"`
	Answer int    `json:"answer"`
	Focus  string `json:"focus"`
}
