package run

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/panel"
)

// This file is the judge's one request (merge.judge): the prompt that asks
// a model to group the review's findings, sized to fit the model's context
// like a reviewer's chunk is, checked for truncation, and cached by model
// digest and prompt. Reading the answer is merge's: Valid says whether it
// may be cached.

// ReviewTimeUp is the judge's error when the review's own time limit
// (--timeout, hook.timeout) ran out before it answered.
const ReviewTimeUp = "the review's time limit (--timeout, or hook.timeout for the hook) ran out before the judge answered"

// JudgeUnreachable starts the judge's error when its server did not
// answer at all: not this review's failure, the server's.
const JudgeUnreachable = "the judge's server did not answer"

// judgeNS is the cache namespace of judge answers.
const judgeNS = "judge"

// JudgeRequest is one judge request.
type JudgeRequest struct {
	Model  string
	Prompt string
	Schema json.RawMessage
	// Findings is how many findings the prompt lists; it sizes the answer.
	Findings int
	// MaxContext caps num_ctx (max_context); the model's own context
	// length caps it too.
	MaxContext int
	Timeout    time.Duration
	// Valid says why an answer cannot be used (nil: it can). Only a
	// usable answer is cached.
	Valid func(answer string) error
}

// judgeAnswerTokens bounds the answer: a few tokens per id ("F12", quotes,
// a comma) and per group's brackets, plus the object around them.
func judgeAnswerTokens(findings int) int { return 64 + 12*findings }

type cachedJudge struct {
	Answer  string         `json:"answer"`
	Metrics review.Metrics `json:"metrics"`
}

// JudgeUnusable says why model cannot judge at all ("" when it can, as
// far as its server describes it): not installed, a server that does not
// answer, or an embedding model. Judge would fail the same way; asked
// before the reviewers run, it saves their time and says so up front.
func (r *Runner) JudgeUnusable(ctx context.Context, model string) string {
	_, why := r.describeJudge(ctx, model)
	return why
}

// describeJudge is what the server says of model, and why it cannot judge
// ("" when it can; nothing is asked without a catalog).
func (r *Runner) describeJudge(ctx context.Context, model string) (review.ModelInfo, string) {
	if r.Catalog == nil {
		return review.ModelInfo{}, ""
	}
	info, err := r.Catalog.Show(ctx, model)
	switch {
	case err != nil:
		return info, judgeFailed(model, err)
	case panel.EmbeddingOnly(info):
		return info, fmt.Sprintf("the judge model %s cannot chat: it is an embedding model", model)
	}
	return info, ""
}

// Judge sends one judge request. It never fails: what went wrong is the
// result's Error, and the review keeps the merge's own grouping.
func (r *Runner) Judge(ctx context.Context, req JudgeRequest) (out review.JudgeRun) {
	start := r.now()
	// One bound for the whole judge (description, probe, request, the
	// retry): a hung server costs one --request-timeout, not one per call.
	parent := ctx
	ctx, cancel := withTimeout(parent, req.Timeout)
	defer cancel()
	defer func() {
		out.Metrics.Wall = r.now().Sub(start)
		// Which end stopped a judge that gave no answer: Ctrl-C is not
		// the judge's failure (nothing to warn about); the review's time
		// limit, or the judge's own, is said with what to raise.
		switch {
		case out.Error == "" || out.Answer != "":
		case errors.Is(parent.Err(), context.Canceled):
			out.Skipped, out.Error = "the review was stopped before the judge answered", ""
		case errors.Is(parent.Err(), context.DeadlineExceeded):
			out.Error = ReviewTimeUp
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			out.Error = fmt.Sprintf("the judge did not answer within --request-timeout (%s)", req.Timeout)
		}
	}()
	out = review.JudgeRun{Model: req.Model}
	info, why := r.describeJudge(ctx, req.Model)
	if why != "" {
		out.Digest, out.Error = info.Digest, why
		return out
	}
	out.Digest = info.Digest
	id := modelID(req.Model, info.Digest)
	key := cache.Key("quorum.judge/v1", id, 0.0, DefaultSeed, req.Prompt)
	var hit cachedJudge
	if ok, _ := r.Cache.Get(judgeNS, key, &hit); ok && (req.Valid == nil || req.Valid(hit.Answer) == nil) {
		out.Answer, out.Metrics = hit.Answer, hit.Metrics
		out.Metrics.CacheHits, out.Metrics.Requests = 1, 0
		return out
	}
	limit := req.MaxContext
	if info.ContextLength > 0 && (limit <= 0 || info.ContextLength < limit) {
		limit = info.ContextLength
	}
	answer := judgeAnswerTokens(req.Findings)
	// Over an OpenAI-compatible API num_ctx does not reach the server: its
	// own context applies, and asking again with more room changes nothing.
	sets := r.setsContext()
	// bpt plans the context; est is the probe's figure counts are judged by.
	bpt, est := conservativeBPT, 0.0
	if e, ok := r.measuredBPT(id); ok {
		bpt, est = e.BytesPerToken, e.Probe
	} else if b, n, ok := r.probe(ctx, req.Model, max(min(limit, 4096), 512), !sets, &out.Metrics); ok {
		// Measure the tokenizer once, as a reviewer of this model would
		// have: one token per byte is not conservative for every model.
		e := r.storeProbe(id, b, n)
		bpt, est = e.BytesPerToken, e.Probe
	}
	numCtx := judgeNumCtx(len(req.Prompt), bpt, answer)
	var resp review.ChatResponse
	var err error
	var cut string
	for attempt := 0; ; attempt++ {
		if limit > 0 && numCtx > limit {
			which := "max_context"
			if limit < req.MaxContext || req.MaxContext <= 0 {
				which = "the model's own context length"
			}
			out.Error = fmt.Sprintf("the judge's prompt (about %d tokens with its answer) does not fit %s's context of %d tokens (%s)", numCtx, req.Model, limit, which)
			return out
		}
		opts := review.Options{NumCtx: numCtx, NumPredict: answer, Seed: DefaultSeed} // temperature 0, as every reviewer
		resp, err = r.Chat.Chat(ctx, review.ChatRequest{Model: req.Model, Prompt: req.Prompt, Format: req.Schema, Options: opts, KeepAlive: DefaultKeepAlive}, nil)
		addResponse(&out.Metrics, resp)
		if err == nil {
			cut = judgeCut(resp, numCtx, len(req.Prompt), bpt, est, !sets)
		}
		if err != nil || cut == "" || attempt > 0 || numCtx >= limit || !sets {
			break
		}
		// The prompt is denser in this tokenizer than the probe: ask
		// once more with half as much room again, never reading an
		// answer to a cut prompt.
		numCtx = min(limit, (numCtx*3/2+1023)/1024*1024)
	}
	switch {
	case err != nil:
		out.Error = judgeFailed(req.Model, err)
	case cut != "":
		out.Error = fmt.Sprintf("the judge's prompt was cut: %s %s", req.Model, cut)
	case resp.DoneReason == "length":
		out.Error = fmt.Sprintf("the judge's answer was cut off at %d tokens (its budget %d)", resp.EvalCount, answer)
	default:
		out.Answer = resp.Content
		if req.Valid != nil {
			if verr := req.Valid(resp.Content); verr != nil {
				out.Error = verr.Error()
				return out
			}
		}
		_ = r.Cache.Put(judgeNS, key, cachedJudge{Answer: resp.Content, Metrics: out.Metrics}) // a failed write only costs a future call
	}
	return out
}

// judgeNumCtx is the context a prompt of n bytes needs at bpt bytes per
// token (planned at the safety share, like a chunk), with room for the
// answer and the truncation margin, rounded up to 1024 tokens.
func judgeNumCtx(n int, bpt float64, answer int) int {
	tokens := int(float64(n)/(bpt*safety)) + 1
	need := tokens + answer
	need += truncMargin(need)
	return (need + 1023) / 1024 * 1024
}

// probe measures a model's bytes per token with the calibration prompt,
// and says how many tokens the probe counted; a probe the server cut
// measures nothing (probeFigure).
func (r *Runner) probe(ctx context.Context, model string, numCtx int, unset bool, m *review.Metrics) (float64, int, bool) {
	prompt := probeText(numCtx, unset, fmt.Sprintf("%x", r.now().UnixNano()))
	resp, err := r.Chat.Chat(ctx, review.ChatRequest{Model: model, Prompt: prompt, Options: review.Options{NumCtx: numCtx, NumPredict: 1, Seed: DefaultSeed}}, nil)
	addResponse(m, resp)
	bpt, ok := probeFigure(resp, err, len(prompt), numCtx, unset)
	return bpt, resp.PromptEvalCount, ok
}

// judgeCut says how the reply to the judge's prompt of n bytes shows the
// server cut it ("" when nothing does), as a chunk's would (cutBy,
// filesFloor): it read about num_ctx tokens or the answer reached it; it
// read less than lowRatio of the probe's estimate (est, when measured),
// the judge's prompt sharing no prefix a server could have cached; or,
// num_ctx not reaching the server (unset), it read a typical context
// size's worth of a prompt estimated (at the planning figure bpt) at no
// less than lowRatio of that.
func judgeCut(resp review.ChatResponse, numCtx, n int, bpt, est float64, unset bool) string {
	count := resp.PromptEvalCount
	switch {
	case count <= 0:
		return ""
	case promptCut(resp, numCtx):
		return fmt.Sprintf("read %d tokens of a %d-token context", count, numCtx)
	case est > 0 && float64(count) < lowRatio*float64(n)/est:
		return fmt.Sprintf("read %d tokens of about %d", count, int(float64(n)/est))
	}
	if s, ok := atTypicalContext(count); unset && ok && s < numCtx && float64(n)/(bpt*safety) >= lowRatio*float64(count) {
		return fmt.Sprintf("read %d tokens, a %d-token context's worth, of about %d (quorum cannot set the context over this API)", count, s, int(float64(n)/(bpt*safety)))
	}
	return ""
}

// judgeFailed words a failed judge request for the report.
func judgeFailed(model string, err error) string {
	switch {
	case errors.Is(err, review.ErrModelNotFound):
		return fmt.Sprintf("the judge model %s is not installed", model)
	case errors.Is(err, review.ErrUnreachable):
		return fmt.Sprintf("%s: %v", JudgeUnreachable, err)
	case errors.Is(err, context.DeadlineExceeded):
		return "the judge did not answer in time"
	case errors.Is(err, context.Canceled):
		return "the review was stopped before the judge answered"
	}
	return fmt.Sprintf("the judge failed: %v", err)
}
