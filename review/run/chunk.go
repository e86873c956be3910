package run

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/prompts"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/plan"
)

// resultsNS is the cache namespace of answers.
const resultsNS = "results"

// cachedAnswer is what the cache keeps per answered chunk.
type cachedAnswer struct {
	Answer  review.Answer  `json:"answer"`
	Metrics review.Metrics `json:"metrics"` // of the original call, for the record
}

// truncationRatio: a prompt_eval_count below this share of the estimated
// tokens of the chunk's own files means the server cut the prompt. Only the
// files part counts, because the server may have the shared prefix (system
// prompt, guidelines, commits) cached and not count it again.
const truncationRatio = 0.5

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// CacheKey is the key of one answer: the prompt version (templates and
// schema), the model and its digest, the options, the reviewer's focus, the
// guidelines the plan kept, and the chunk's own files (path, old path,
// status, part, diff and head-side context: what plan.Chunk.ID hashes, here
// in full). It leaves out on purpose what the prompt carries about the rest
// of the change: the commit subjects, the "part i of N" numbering and the
// fence boundary. An extra commit or a fix elsewhere that shifts the chunk
// count then leaves every unchanged chunk's answer in the cache, which is
// what makes a re-push after a fix cheap (issue 5).
func CacheKey(model, digest string, opts review.Options, pl *plan.Plan, c plan.Chunk) string {
	return cache.Key("quorum.answer/v2", prompts.Version(), model, digest, opts,
		strings.TrimSpace(pl.Budget.Focus), pl.Guidelines, c.Files)
}

// Errors a chunk can fail with besides the server's own.
var (
	// ErrBadAnswer: the model's answer was unusable (invalid or cut off) twice.
	ErrBadAnswer = errors.New("the model gave no usable answer")
	// ErrPromptTruncated: the server read far fewer tokens than were sent.
	ErrPromptTruncated = errors.New("the server truncated the prompt")
)

// chunk runs one chunk for one reviewer: from the cache, else up to two
// attempts. It returns the result and, when it failed, the error behind it;
// nil result when ctx was canceled before an answer; and a fatal error when
// the reviewer cannot go on (model missing, server unreachable).
func (r *Runner) chunk(ctx context.Context, cfg Config, rr *reviewerRun, c plan.Chunk) (cr *review.ChunkResult, cause, fatal error) {
	started := r.now()
	cr = &review.ChunkResult{Chunk: c.ID, Files: c.Paths}
	fail := func(err error) (*review.ChunkResult, error, error) {
		cr.Error = oneLine(err.Error())
		return cr, err, nil
	}
	model, opts := rr.res.Reviewer.Model, rr.res.Options
	key := CacheKey(model, rr.res.Digest, opts, rr.plan, c)
	hit, ok := rr.hits[c.ID]
	if !ok {
		hit, ok = r.lookup(key)
	}
	if ok {
		cr.Answer, cr.Cached = &hit.Answer, true
		cr.Metrics.CacheHits = 1
		return cr, nil, nil
	}
	// Rendered only on a miss: a cached chunk needs no prompt.
	system, user, err := rr.plan.Render(c)
	if err != nil {
		return fail(fmt.Errorf("render prompt: %w", err))
	}
	filesTokens := rr.plan.Budget.Tokens(c.Bytes - rr.plan.Overhead)
	prompt := user
	var last error
	for attempt := 1; attempt <= 2; attempt++ {
		if attempt == 2 {
			cr.Metrics.Retries++
		}
		req := review.ChatRequest{
			Model: model, System: system, Prompt: prompt,
			Format: prompts.Schema(), Options: opts, KeepAlive: cfg.KeepAlive,
		}
		rctx, cancel := withTimeout(ctx, cfg.Timeout)
		var progress review.Progress
		if r.Observer != nil {
			name := rr.res.Reviewer.Name
			progress = func(n int) { r.Observer.Tokens(name, n) }
		}
		resp, err := r.Chat.Chat(rctx, req, progress)
		timedOut := rctx.Err() == context.DeadlineExceeded
		cancel()
		cr.Metrics.Requests++
		cr.Metrics.TotalDuration += resp.TotalDuration
		cr.Metrics.LoadDuration += resp.LoadDuration
		cr.Metrics.PromptEvalDuration += resp.PromptEvalDuration
		cr.Metrics.EvalDuration += resp.EvalDuration
		cr.Metrics.PromptTokens += resp.PromptEvalCount
		cr.Metrics.EvalTokens += resp.EvalCount
		cr.Metrics.Wall = r.now().Sub(started)
		if err != nil {
			switch {
			case ctx.Err() != nil:
				return nil, nil, nil
			case errors.Is(err, review.ErrModelNotFound), errors.Is(err, review.ErrUnreachable):
				return nil, nil, err
			case timedOut:
				// A hung model would hang again: no retry.
				cr.Error = fmt.Sprintf("no answer within %s", cfg.Timeout)
				return cr, err, nil
			}
			last = err // a transport failure: ask the same again
			prompt = user
			continue
		}
		if resp.PromptEvalCount > 0 && attempt == 1 && float64(resp.PromptEvalCount) < truncationRatio*float64(filesTokens) {
			// Asking again would be cut the same way.
			return fail(fmt.Errorf("%w: it read %d tokens of about %d (num_ctx %d not honored?)", ErrPromptTruncated, resp.PromptEvalCount, c.Tokens, opts.NumCtx))
		}
		if attempt == 1 && resp.PromptEvalCount > 0 {
			rr.mu.Lock()
			rr.bpt.observe(len(system)+len(user), resp.PromptEvalCount)
			rr.mu.Unlock()
		}
		truncated := resp.DoneReason == "length"
		if truncated {
			last = fmt.Errorf("%w: the answer was cut off at the %d-token limit", ErrBadAnswer, opts.NumPredict)
		} else if a, perr := ParseAnswer(resp.Content); perr != nil {
			last = fmt.Errorf("%w: %w", ErrBadAnswer, perr)
		} else {
			cr.Answer = a
			_ = r.Cache.Put(resultsNS, key, cachedAnswer{Answer: *a, Metrics: cr.Metrics}) // a failed write only costs a future call
			return cr, nil, nil
		}
		repair, err := prompts.Repair(strings.TrimPrefix(last.Error(), ErrBadAnswer.Error()+": "), truncated)
		if err != nil {
			return fail(err)
		}
		prompt = user + repair
	}
	cr.Error = "after one retry: " + oneLine(strings.TrimPrefix(last.Error(), ErrBadAnswer.Error()+": "))
	return cr, last, nil
}

func oneLine(s string) string { return short(s) }

// lookup returns the cached answer under key. An unreadable cache is not
// fatal: the chunk is simply asked again.
func (r *Runner) lookup(key string) (cachedAnswer, bool) {
	var hit cachedAnswer
	ok, _ := r.Cache.Get(resultsNS, key, &hit)
	return hit, ok
}

// cached reports whether chunk c of rr is answered in the cache, so a model
// whose chunks are all cached is not loaded at all; a hit is kept in rr.hits
// for chunk() to use.
func (r *Runner) cached(rr *reviewerRun, c plan.Chunk) bool {
	hit, ok := r.lookup(CacheKey(rr.res.Reviewer.Model, rr.res.Digest, rr.res.Options, rr.plan, c))
	if ok {
		if rr.hits == nil {
			rr.hits = map[string]cachedAnswer{}
		}
		rr.hits[c.ID] = hit
	}
	return ok
}
