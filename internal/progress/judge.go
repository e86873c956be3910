package progress

import (
	"fmt"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
)

// The judge (merge.judge) is one request after every reviewer is done: a
// bar of its own on a terminal, a line when it starts and one when it ends
// otherwise, so a slow judge is never a silent wait.

// JudgeStarted announces the judge's request about findings findings.
func (r *Reporter) JudgeStarted(model string, findings int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.get("judge " + model)
	s.total = 1
	s.mu.Lock()
	s.start, s.begun = r.now(), true
	s.mu.Unlock()
	what := fmt.Sprintf("grouping %d findings", findings)
	if r.p != nil {
		now := r.now
		s.bar = r.p.AddBar(1,
			mpb.PrependDecorators(
				decor.Name(safetext.OneLine(s.name), decor.WC{C: decor.DindentRight | decor.DextraSpace}),
				decor.Name(what, decor.WCSyncWidth),
			),
			mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return r.decorate(s, now) })),
			mpb.BarFillerClearOnComplete(),
		)
		return
	}
	r.printf("judge %s: %s", model, what)
}

// JudgeDone reports how the judge's request ended: its answer used, or
// why not.
func (r *Reporter) JudgeDone(model string, jr review.JudgeRun) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.get("judge " + model)
	t := r.now()
	s.mu.Lock()
	s.end, s.done = t, 1
	s.evalTokens = jr.Metrics.EvalTokens
	s.status = "done"
	if jr.Error != "" || jr.Skipped != "" {
		s.status = "not used"
	}
	s.mu.Unlock()
	var msg string
	switch {
	case jr.Skipped != "":
		msg = fmt.Sprintf("judge %s: not used: %s", model, jr.Skipped)
	case jr.Error != "":
		// Why, and what to do, is the warning the review ends with.
		msg = fmt.Sprintf("judge %s: not used, quorum's rules group the findings", model)
	case jr.Metrics.CacheHits > 0:
		msg = fmt.Sprintf("judge %s: answered from the cache", model)
	default:
		msg = fmt.Sprintf("judge %s: done in %s, %s tokens in", model, round(jr.Metrics.Wall), count(jr.Metrics.PromptTokens))
	}
	if s.bar != nil {
		if jr.Error == "" && jr.Skipped == "" {
			s.bar.SetTotal(-1, true)
		} else {
			s.bar.Abort(false)
			if jr.Skipped != "" {
				r.after = append(r.after, "quorum: "+safetext.OneLine(msg))
			}
		}
		return
	}
	r.printf("%s", msg)
}
