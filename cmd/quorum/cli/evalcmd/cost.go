package evalcmd

import (
	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/review"
)

// costNS is the cache namespace of what each answer cost when it was asked.
const costNS = "eval-cost"

// costs records the metrics of each answer asked now, and reads back those
// of answers that came from the cache, so an eval run again (or resumed)
// still reports each model's wall time and tokens for every case. With the
// cache off, it is nil and a model's cost is only this run's.
type costs struct{ c *cache.Cache }

func costKey(r review.RawResult, ch review.ChunkResult) string {
	return cache.Key("eval-cost/v1", r.Reviewer.Model, r.Digest, r.Options, ch.Chunk)
}

// of returns each reviewer's cost over raw's answered chunks: those asked
// now, and those from the cache at what they cost when asked (when that
// was recorded). A failed write only loses a figure.
func (k costs) of(raw *review.Raw) map[string]review.Metrics {
	if k.c == nil || raw == nil {
		return nil
	}
	out := map[string]review.Metrics{}
	for _, r := range raw.Results {
		var m review.Metrics
		for _, ch := range r.Chunks {
			if ch.Answer == nil {
				m.Add(ch.Metrics)
				continue
			}
			if !ch.Cached {
				m.Add(ch.Metrics)
				_ = k.c.Put(costNS, costKey(r, ch), ch.Metrics)
				continue
			}
			var was review.Metrics
			if ok, _ := k.c.Get(costNS, costKey(r, ch), &was); ok {
				was.Requests, was.Retries, was.CacheHits = 0, 0, 0
				m.Add(was)
			}
			m.CacheHits++
		}
		out[r.Reviewer.Name] = m
	}
	return out
}
