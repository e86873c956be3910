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

// planNS remembers the bytes-per-token plans were built with, so chunks stay
// put between runs and their answers stay in the cache:
//   - per diff and reviewer, the figure a fully answered plan used:
//     re-planning an unchanged diff with it gives the same chunks even after
//     the learned figure moved;
//   - per reviewer, the figure its last fully answered plan used, whatever
//     the diff: a new diff (a fix commit on top of a reviewed one) is planned
//     with it too while it is no more optimistic than the learned figure and
//     not far below it, so the unchanged files pack into the same chunks as
//     before instead of every chunk shifting with a small drift of the
//     learned figure.
const planNS = "plans"

type planMemo struct {
	BytesPerToken float64 `json:"bytes_per_token"`
}

func planKey(prepID string, rv reviewKey) string {
	return cache.Key("plan/v1", prepID, rv)
}

func lastPlanKey(rv reviewKey) string { return cache.Key("plan/last/v1", rv) }

// planSlack is how far below the learned figure a remembered one may be and
// still be used: more cautious costs a few more chunks, so only a little.
const planSlack = 0.15

// planBPT picks the figure to plan rr's chunks of the diff prepID with, and
// sets the keys its plan will be remembered under.
func (r *Runner) planBPT(rr *reviewerRun, prepID string, rv reviewKey) float64 {
	learned := rr.bpt.prior
	rr.lastPlanKey = lastPlanKey(rv)
	var memo planMemo
	if prepID != "" {
		rr.planKey = planKey(prepID, rv)
		if ok, _ := r.Cache.Get(planNS, rr.planKey, &memo); ok && memo.BytesPerToken >= minBPT && memo.BytesPerToken <= maxBPT {
			return memo.BytesPerToken
		}
	}
	if ok, _ := r.Cache.Get(planNS, rr.lastPlanKey, &memo); ok && memo.BytesPerToken >= minBPT &&
		memo.BytesPerToken <= learned && memo.BytesPerToken >= learned*(1-planSlack) {
		return memo.BytesPerToken
	}
	return learned
}

// savePlan remembers the figure of a fully answered plan (best effort).
func (r *Runner) savePlan(rr *reviewerRun) {
	memo := planMemo{rr.plan.Budget.BytesPerToken}
	if rr.planKey != "" {
		_ = r.Cache.Put(planNS, rr.planKey, memo)
	}
	if rr.lastPlanKey != "" {
		_ = r.Cache.Put(planNS, rr.lastPlanKey, memo)
	}
}

// reviewKey is what, beside the diff, decides a reviewer's chunks.
type reviewKey struct {
	Model  string `json:"model"`
	Digest string `json:"digest"`
	NumCtx int    `json:"num_ctx"`
	Answer int    `json:"answer"`
	Focus  string `json:"focus"`
}
