package run

import (
	"errors"
	"fmt"
	"github.com/quorum-review/quorum/review/plan"

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
	res.Calibration = rr.calibration
	if rr.calibration == CalibratedConservative {
		res.ProbeCut = rr.probeCut
	}
	if rr.measured() || rr.calibration == CalibratedConservative {
		res.BytesPerToken = rr.bpt.prior
		if rr.plan != nil {
			res.BytesPerToken = rr.plan.Budget.BytesPerToken
		}
	}
	res.Resplits = rr.resplits
	res.Metrics.Add(rr.extra)
	if rr.plan == nil { // setup failed, or the run stopped before the probe
		if rr.fatal == nil {
			res.Status, res.Error, res.Hint = review.StatusFailed, "interrupted before its chunks were planned", "run the review again"
			return
		}
		res.Status, res.Error, res.Hint = r.statusOf(rr.fatal, res.Reviewer.Model)
		return
	}
	res.NotCovered = rr.plan.NotCovered
	answered, failed, unfinished, total := 0, 0, 0, 0
	// seen: a chunk holding the file was answered; partial: one holding it
	// was not (it failed, or the run stopped before it finished). A file
	// split across chunks is covered only when every one of them answered.
	seen, partial, truncated := map[string]bool{}, map[string]bool{}, map[string]bool{}
	var firstErr string
	for i, parts := range rr.chunks {
		if len(parts) == 0 {
			res.Unasked++
		}
		if !rr.done[i] {
			unfinished++
			for _, p := range rr.plan.Chunks[i].Paths {
				partial[p] = true
			}
		}
		for _, c := range parts {
			total++
			res.Chunks = append(res.Chunks, *c)
			m := c.Metrics
			m.Wall = 0 // the reviewer's wall-clock is measured as a whole
			res.Metrics.Add(m)
			if c.Answer != nil {
				answered++
				for _, p := range c.Files {
					seen[p] = true
				}
				continue
			}
			failed++
			for _, p := range c.Files {
				partial[p] = true
			}
			if c.Truncated {
				for _, p := range c.Files {
					truncated[p] = true
				}
			}
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
		switch {
		case truncated[p]:
			// Some part of it never reached the model whole.
			res.Truncated = append(res.Truncated, p)
		case seen[p] && !partial[p]:
			res.Covered = append(res.Covered, p)
		case !notCovered[p]:
			// Planned but not answered in full (a chunk holding it failed,
			// or the run stopped before it): not seen.
			res.NotCovered = append(res.NotCovered, p)
			notCovered[p] = true
		}
	}
	switch {
	case rr.fatal != nil:
		res.Status, res.Error, res.Hint = r.statusOf(rr.fatal, res.Reviewer.Model)
		if answered > 0 && res.Status != review.StatusMissing {
			res.Status = review.StatusPartial
		}
		if errors.Is(rr.fatal, ErrNothingFits) {
			// Its files did not fit its context: the coverage says so
			// (truncated), not that it stopped before reaching them.
			res.Truncated = append(res.Truncated, rr.plan.NotCovered...)
		}
	case answered == total && unfinished == 0:
		res.Status = review.StatusOK
	case answered == 0:
		res.Status = review.StatusFailed
	default:
		res.Status = review.StatusPartial
	}
	if res.Error == "" && firstErr != "" {
		res.Error = fmt.Sprintf("%d of %d chunks failed: %s", failed, total, firstErr)
		if rr.cause != nil {
			res.Hint = r.hint(rr.cause, res.Reviewer.Model)
			if res.Hint == "" && errors.Is(rr.cause, ErrUnverified) {
				res.Hint = "run the review again: a request dropped, and the server's answer to it again could not show that it read the whole prompt"
			}
			if res.Hint == "" && errors.Is(rr.cause, ErrCutOff) {
				res.Hint = CutOffHint
			}
			if res.Hint == "" && errors.Is(rr.cause, ErrPromptTruncated) {
				res.Hint = "raise --max-context if the model allows it, or leave the file out with --ignore; if the server ignores the context size, upgrade it"
				if rr.ctxUnset {
					// --max-context cannot reach a server over this API.
					res.Hint = "start the server with a larger context (llama-server -c, vllm --max-model-len, OLLAMA_CONTEXT_LENGTH) and set num_ctx in the model's entry to it, or leave the file out with --ignore"
				}
			}
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
	if res.Status == review.StatusOK && total > 0 || unfinished > 0 && answered > 0 && rr.fatal == nil {
		// An interrupted plan is kept too: the next run plans the same
		// chunks (not new ones from what this run learned), so the answers
		// it cached are used, as the hint above says.
		r.savePlan(rr)
	}
}

// Hinter is what a backend may add: the command that fixes one of its
// errors ("ollama pull NAME"). Hints come from the backend, so this package
// names no server.
type Hinter interface {
	Hint(err error, model string) string
}

func (r *Runner) hint(err error, model string) string {
	if h, ok := r.Chat.(Hinter); ok {
		return h.Hint(err, model)
	}
	return ""
}

// CutOffHint is the hint of an answer that ran into num_predict: a
// reviewer cut off beside others that answered gets it in the report, as a
// review nobody answered gets it on stderr.
const CutOffHint = "the answer ran past its token limit (--num-predict, at most half the model's context): raise --num-predict (num_predict in .quorum.yaml) if it is below that, else try a model of a larger context or another model with --models"

// OwnContextHint is the hint of a model whose own context cannot hold the
// prompt: no setting raises it (ollama runs no model past its own). A
// smaller answer budget leaves the prompt more of it, but only down to the
// fifth of the context every plan keeps free (answerRoom): lowerTo, when
// above 0, is the --num-predict at which a review would read the diff.
func OwnContextHint(lowerTo int) string {
	const larger = "review with a model of a larger context ('quorum models' lists each one's)"
	if lowerTo > 0 {
		return fmt.Sprintf("its own context is too small for quorum's prompt beside the answer's room: lower --num-predict (num_predict in .quorum.yaml) to %d, or %s", lowerTo, larger)
	}
	return "its own context is too small for quorum's prompt and the room kept for an answer (a lower --num-predict would not help): " + larger
}

// OwnContextHintOf is OwnContextHint for an error that carries
// ErrOwnContext, with the --num-predict it tells would help.
func OwnContextHintOf(err error) string {
	var oc *ownContextError
	if errors.As(err, &oc) {
		return OwnContextHint(oc.lowerTo)
	}
	return OwnContextHint(0)
}

// ownContextError is ErrOwnContext with the num_predict at which the diff
// would fit (0: none would).
type ownContextError struct{ lowerTo int }

func (e *ownContextError) Error() string        { return ErrOwnContext.Error() }
func (e *ownContextError) Is(target error) bool { return target == ErrOwnContext }

// lowerNumPredict is the num_predict at which a plan of prep in budget b
// (planned with nothing read) would read something: the least the answer
// keeps, a fifth of num_ctx, when that is below b's; 0 when no lower one
// helps.
func lowerNumPredict(prep *plan.Prepared, b plan.Budget, numPredict int) int {
	floor := b.NumCtx / minAnswerShare
	if numPredict <= floor {
		return 0
	}
	b.AnswerTokens = answerRoom(floor, b.NumCtx)
	if pl, err := plan.Build(prep, b); err != nil || len(pl.Chunks) == 0 {
		return 0
	}
	return floor
}

// statusOf classifies a fatal reviewer error: the status, a one-line reason and a hint.
func (r *Runner) statusOf(err error, model string) (status, msg, hint string) {
	msg = short(err.Error())
	hint = r.hint(err, model)
	if hint == "" && errors.Is(err, ErrOwnContext) {
		hint = OwnContextHintOf(err)
	}
	if hint == "" && errors.Is(err, ErrNothingFits) {
		hint = "give the model a larger context: num_ctx under its models: entry (the server's own context for an OpenAI-compatible server), or raise --max-context"
	}
	if errors.Is(err, review.ErrModelNotFound) {
		return review.StatusMissing, msg, hint
	}
	return review.StatusFailed, msg, hint
}
