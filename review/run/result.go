package run

import (
	"errors"
	"fmt"

	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/review"
)

// finish turns a reviewer's state into its result: chunks in order,
// coverage, totals and status.
func (r *Runner) finish(rr *reviewerRun) {
	res := &rr.res
	name := res.Reviewer.Name
	defer func() {
		if r.Observer != nil {
			r.Observer.Finished(name, *res)
		}
	}()
	if !rr.start.IsZero() && !rr.end.IsZero() {
		res.Metrics.Wall = rr.end.Sub(rr.start)
	}
	if rr.plan == nil { // setup failed
		res.Status, res.Error, res.Hint = statusOf(rr.fatal, res.Reviewer.Model)
		return
	}
	res.NotCovered = rr.plan.NotCovered
	answered, failed, unfinished := 0, 0, 0
	seen := map[string]bool{}
	var firstErr string
	for _, c := range rr.chunks {
		if c == nil {
			unfinished++
			continue
		}
		res.Chunks = append(res.Chunks, *c)
		m := c.Metrics
		m.Wall = 0 // the reviewer's wall-clock is measured as a whole
		res.Metrics.Add(m)
		if c.Answer != nil {
			answered++
			for _, p := range c.Files {
				seen[p] = true
			}
		} else {
			failed++
			if firstErr == "" {
				firstErr = c.Error
			}
		}
	}
	notCovered := map[string]bool{}
	for _, p := range res.NotCovered {
		notCovered[p] = true
	}
	for _, p := range rr.plan.Covered {
		if seen[p] {
			res.Covered = append(res.Covered, p)
		} else if !notCovered[p] {
			// Planned but never answered (failed or interrupted): not seen.
			res.NotCovered = append(res.NotCovered, p)
			notCovered[p] = true
		}
	}
	switch {
	case rr.fatal != nil:
		res.Status, res.Error, res.Hint = statusOf(rr.fatal, res.Reviewer.Model)
		if answered > 0 && res.Status != review.StatusMissing {
			res.Status = review.StatusPartial
		}
	case answered == len(rr.chunks):
		res.Status = review.StatusOK
	case answered == 0:
		res.Status = review.StatusFailed
	default:
		res.Status = review.StatusPartial
	}
	if res.Error == "" && firstErr != "" {
		res.Error = fmt.Sprintf("%d of %d chunks failed: %s", failed, len(rr.chunks), firstErr)
		if rr.cause != nil {
			res.Hint = exitcode.HintOf(rr.cause)
		}
	}
	if unfinished > 0 && rr.fatal == nil {
		msg := fmt.Sprintf("interrupted: %d of %d chunks not reviewed", unfinished, len(rr.chunks))
		if res.Error == "" {
			res.Error = msg
		} else {
			res.Error = msg + "; " + res.Error
		}
		if res.Hint == "" {
			res.Hint = "run the review again to finish; answered chunks are cached"
		}
	}
	r.saveBPT(rr)
	if res.Status == review.StatusOK && len(rr.chunks) > 0 {
		r.savePlan(rr)
	}
}

// statusOf classifies a fatal reviewer error: the status, a one-line reason and a hint.
func statusOf(err error, model string) (status, msg, hint string) {
	msg = oneLine(err.Error())
	hint = exitcode.HintOf(err)
	switch {
	case errors.Is(err, review.ErrModelNotFound):
		return review.StatusMissing, msg, "ollama pull " + model
	case errors.Is(err, review.ErrUnreachable):
		if hint == "" {
			hint = "start the server with `ollama serve`"
		}
		return review.StatusFailed, msg, hint
	}
	return review.StatusFailed, msg, hint
}
