package run

import (
	"strings"

	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/review"
)

// bptNS is the cache namespace of measured bytes-per-token figures, one per
// model (by digest: every name of one model shares it).
const bptNS = "bytes-per-token"

// Measured figures are clamped: below 0.25 bytes per token no tokenizer
// goes (a byte-fallback tokenizer spends three tokens on an escaped space),
// and above 4.5 planning would grow optimistic enough to overflow num_ctx.
const minBPT, maxBPT = 0.25, 4.5

// conservativeBPT plans a model whose tokenizer is unknown (its probe
// failed): one token per byte, what real tokenizers never go below. A model
// that does is caught by the truncation check and its chunks split again.
const conservativeBPT = 1.0

// safety is the share of a measured figure chunks are planned with: one
// probe's text is not every diff's, and a prompt a little denser than it
// must still fit.
const safety = 0.9

// modelID is what identifies a model in cache keys: its digest, or when the
// server reported none, its normalised name ("Alpha" and "alpha:latest" are
// one model to Ollama, so they are one here).
func modelID(model, digest string) string {
	if digest != "" {
		return "digest:" + strings.ToLower(strings.TrimSpace(digest))
	}
	return "name:" + review.ModelName(model)
}

// bptLearner keeps a model's bytes-per-token: the prior used to plan this
// run, and the smallest ratio observed in it. The smallest, because a server
// that reuses a cached prompt prefix counts fewer tokens than it read, which
// only ever makes the ratio look larger. Truncated answers are never
// observed: their count is num_ctx, not the prompt's size.
type bptLearner struct {
	id       string
	prior    float64
	observed float64 // 0 until a response is seen
}

type bptEntry struct {
	// BytesPerToken plans chunks: the probe's figure, or a smaller one
	// review prompts showed since (more cautious).
	BytesPerToken float64 `json:"bytes_per_token"`
	// Source is "probe" (a calibration request) or "answers" (review prompts).
	Source string `json:"source,omitempty"`
	// Probe is what the probe itself measured: the central estimate a
	// prompt's token count is checked against (see lowRatio); 0 when only
	// answers measured the model. The smallest figure answers showed is no
	// central estimate: a diff denser than most set it, and a sparser one
	// would look cut against it.
	Probe float64 `json:"probe,omitempty"`
}

// bptKey names a model's entry. v4: the probe changed (it fits a 2048-token
// context, mixing English and code); a v3 figure may come from a probe the
// server cut, and has no Probe.
func bptKey(id string) string { return cache.Key("bpt/v4", id) }

func validBPT(v float64) bool { return v >= minBPT && v <= maxBPT }

// MeasuredBytesPerToken is the bytes-per-token figure a review measured
// for model (by digest, else its name) and left in c, if any: what
// 'quorum doctor' judges a context by.
func MeasuredBytesPerToken(c *cache.Cache, model, digest string) (float64, bool) {
	var e bptEntry
	if ok, _ := c.Get(bptNS, bptKey(modelID(model, digest)), &e); ok && validBPT(e.BytesPerToken) {
		return e.BytesPerToken, true
	}
	return 0, false
}

// measuredBPT returns the figures measured for model id: from this runner's
// memory (a probe earlier in this process), else from the cache.
func (r *Runner) measuredBPT(id string) (bptEntry, bool) {
	r.mu.Lock()
	v, ok := r.bpts[id]
	r.mu.Unlock()
	if ok {
		return v, true
	}
	var e bptEntry
	if ok, _ := r.Cache.Get(bptNS, bptKey(id), &e); ok && validBPT(e.BytesPerToken) {
		if !validBPT(e.Probe) {
			e.Probe = 0
		}
		return e, true
	}
	return bptEntry{}, false
}

// storeBPT remembers a model's figures (the cache is best effort: planning
// falls back to a probe or the conservative figure).
func (r *Runner) storeBPT(id string, e bptEntry) {
	r.mu.Lock()
	if r.bpts == nil {
		r.bpts = map[string]bptEntry{}
	}
	r.bpts[id] = e
	r.mu.Unlock()
	_ = r.Cache.Put(bptNS, bptKey(id), e)
}

// minProbeTokens is the fewest tokens a probe must count for its figure to
// judge counts by (bptEntry.Probe). A chat template adds 10 to 30 tokens of
// its own to the count, which skew a probe of fewer than 300 tokens by over
// 10%, more than lowRatio's margin absorbs; such a probe (num_ctx 2048 on
// Ollama's API sends 682 bytes, about 175 tokens) only plans.
const minProbeTokens = 300

// storeProbe remembers what an uncut probe of count tokens measured: the
// planning figure too, unless answers already showed a more cautious one.
func (r *Runner) storeProbe(id string, bpt float64, count int) bptEntry {
	e := bptEntry{BytesPerToken: bpt, Source: "probe"}
	if count >= minProbeTokens {
		e.Probe = bpt
	}
	if old, ok := r.measuredBPT(id); ok && old.BytesPerToken < bpt {
		e.BytesPerToken, e.Source = old.BytesPerToken, old.Source
	}
	r.storeBPT(id, e)
	return e
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
	e, ok := r.measuredBPT(rr.bpt.id)
	if ok && rr.bpt.observed >= e.BytesPerToken {
		return // answers only ever make the figure more cautious
	}
	// The probe's own figure stays: it is the estimate counts are judged by.
	e.BytesPerToken, e.Source = rr.bpt.observed, "answers"
	r.storeBPT(rr.bpt.id, e)
}

// planNS remembers the bytes-per-token plans were built with, so chunks stay
// put between runs and their answers stay in the cache:
//   - per diff and reviewer, the figure a fully answered (or interrupted) plan used:
//     re-planning an unchanged diff with it gives the same chunks even after
//     the learned figure moved;
//   - per reviewer, the figure its last fully answered (or interrupted) plan used, whatever
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
	return cache.Key("plan/v2", prepID, rv)
}

func lastPlanKey(rv reviewKey) string { return cache.Key("plan/last/v2", rv) }

// planSlack is how far below the learned figure a remembered one may be and
// still be used: more cautious costs a few more chunks, so only a little.
const planSlack = 0.15

// planBPT picks the figure to plan rr's chunks of the diff prepID with, and
// sets the keys its plan will be remembered under.
func (r *Runner) planBPT(rr *reviewerRun, prepID string, rv reviewKey) float64 {
	learned := rr.bpt.prior
	rr.lastPlanKey = lastPlanKey(rv)
	var memo, last planMemo
	if ok, _ := r.Cache.Get(planNS, rr.lastPlanKey, &last); ok {
		rr.lastPlanHad = last.BytesPerToken
	}
	if prepID != "" {
		rr.planKey = planKey(prepID, rv)
		if ok, _ := r.Cache.Get(planNS, rr.planKey, &memo); ok {
			rr.planHad = memo.BytesPerToken
			if memo.BytesPerToken >= minBPT && memo.BytesPerToken <= maxBPT {
				return memo.BytesPerToken
			}
		}
	}
	if rr.lastPlanHad >= minBPT && rr.lastPlanHad <= learned && rr.lastPlanHad >= learned*(1-planSlack) {
		return rr.lastPlanHad
	}
	return learned
}

// savePlan remembers the figure of a fully answered plan, or of one an
// interrupt stopped after some answers (best effort).
func (r *Runner) savePlan(rr *reviewerRun) {
	memo := planMemo{rr.plan.Budget.BytesPerToken}
	if rr.planKey != "" && memo.BytesPerToken != rr.planHad {
		_ = r.Cache.Put(planNS, rr.planKey, memo)
	}
	if rr.lastPlanKey != "" && memo.BytesPerToken != rr.lastPlanHad {
		_ = r.Cache.Put(planNS, rr.lastPlanKey, memo)
	}
}

// reviewKey is what, beside the diff, decides a reviewer's chunks.
type reviewKey struct {
	Model  string `json:"model"` // modelID: the digest, never the name as typed
	NumCtx int    `json:"num_ctx"`
	Answer int    `json:"answer"`
	Focus  string `json:"focus"`
}
