package run

import (
	"cmp"
	"context"
	"encoding/json"
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
	Answer review.Answer `json:"answer"`
	// Notes are the chunk's review.ChunkResult.Notes: a cached chunk reads
	// the same as when it was asked.
	Notes   []string       `json:"notes,omitempty"`
	Metrics review.Metrics `json:"metrics"` // of the original call, for the record
}

// splitNS is the cache namespace of chunks the server cut: asked again,
// such a chunk goes straight to its parts, without a request that would be
// cut the same way.
const splitNS = "splits"

// splitMarker records that a chunk's prompt did not fit. It is never an answer.
type splitMarker struct {
	PromptEvalCount int `json:"prompt_eval_count"`
	NumCtx          int `json:"num_ctx"`
}

// truncationRatio: before a model's tokenizer is measured, a first reply
// whose prompt_eval_count is below this share of the fewest tokens any
// tokenizer spends on the chunk's own files read far less than it was
// sent. Once measured, lowRatio judges against the probe's estimate. Only
// the files part counts, because the server may have the shared prefix
// (system prompt, guidelines, commits) cached and not count it again.
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

// addResponse counts one request and the server's own figures for it.
func addResponse(m *review.Metrics, resp review.ChatResponse) {
	m.Requests++
	m.TotalDuration += resp.TotalDuration
	m.LoadDuration += resp.LoadDuration
	m.PromptEvalDuration += resp.PromptEvalDuration
	m.EvalDuration += resp.EvalDuration
	m.PromptTokens += resp.PromptEvalCount
	m.EvalTokens += resp.EvalCount
}

// CacheKey is the key of one answer: the prompt version (templates and
// schema), the model (by digest, so every name of one model shares its
// answers; by its normalised name only when the server gave no digest), the
// options, the reviewer's focus, the guidelines the plan kept, whether the
// prompt explains a context section, and the
// chunk's own files (path, old path, status, part, diff and head-side
// context: what plan.Chunk.ID hashes, here in full). It leaves out on purpose
// what the prompt carries about the rest of the change: the commit subjects,
// the "part i of N" numbering and the fence boundary. An extra commit or a
// fix elsewhere that shifts the chunk count then leaves every unchanged
// chunk's answer in the cache, which is what makes a re-push after a fix
// cheap (issue 5).
func CacheKey(model, digest string, opts review.Options, pl *plan.Plan, c plan.Chunk) string {
	return cache.Key("quorum.answer/v3", prompts.Version(), modelID(model, digest), opts,
		strings.TrimSpace(pl.Budget.Focus), pl.Guidelines, pl.FunctionContext(), c.Files)
}

// Errors a chunk can fail with besides the server's own.
var (
	// ErrBadAnswer: the model's answer was unusable (invalid or cut off) twice.
	ErrBadAnswer = errors.New("the model gave no usable answer")
	// ErrPromptTruncated: the server cut the prompt (it read num_ctx
	// tokens, a typical context size's worth of a larger prompt, or clearly
	// fewer than were sent), and no smaller split fits.
	ErrPromptTruncated = errors.New("the server truncated the prompt")
	// ErrNothingFits: the fixed part of the prompt (system prompt, focus,
	// guidelines) leaves no room for even one line of the diff in num_ctx.
	ErrNothingFits = errors.New("no part of the diff fits the model's context beside the prompt")
	// ErrOwnContext comes with ErrNothingFits when num_ctx was the
	// model's own context: neither --max-context nor num_ctx raises it.
	ErrOwnContext = errors.New("the model's own context")
	// ErrUnverified: the first reply came after a dropped request, and the
	// server read far fewer tokens than the chunk holds: it may have kept
	// the prompt in its KV cache and not counted it again, or cut it.
	// Such an answer is never taken, cached or counted as covering a file.
	ErrUnverified = errors.New("the server's token count cannot confirm it read the whole prompt")
	// ErrCutOff: the answer ran into num_predict (done_reason "length")
	// twice; it comes wrapped in ErrBadAnswer. A larger num_predict helps.
	ErrCutOff = errors.New("the answer was cut off")
	// errPromptCut: the server cut this chunk's prompt; split it and ask again.
	errPromptCut = errors.New("the prompt did not fit num_ctx")
)

// tree answers planned chunk c: from the cache, else by asking; when the
// server cuts the prompt, by splitting it (plan.Split) and answering the
// parts the same way. It returns the results of what was asked, whether c
// finished (false when interrupted or stopped), the first failure's cause,
// and a fatal error when the reviewer cannot go on.
func (r *Runner) tree(ctx context.Context, cfg Config, rr *reviewerRun, c plan.Chunk) (out []*review.ChunkResult, complete bool, cause, fatal error) {
	key := CacheKey(rr.res.Reviewer.Model, rr.res.Digest, rr.res.Options, rr.plan, c)
	var marker splitMarker
	if _, hit := rr.hits[c.ID]; !hit {
		if ok, _ := r.Cache.Get(splitNS, key, &marker); ok {
			if parts, ok := rr.plan.Split(c); ok {
				return r.parts(ctx, cfg, rr, parts)
			}
		}
	}
	cr, cause, fatal := r.chunk(ctx, cfg, rr, c)
	if fatal != nil && cr != nil {
		return []*review.ChunkResult{cr}, false, nil, fatal // asked, and cut off
	}
	if fatal != nil || cr == nil {
		return nil, false, nil, fatal
	}
	if !errors.Is(cause, errPromptCut) {
		return []*review.ChunkResult{cr}, true, cause, nil
	}
	// The request that was cut answered nothing: its cost is the reviewer's.
	m := cr.Metrics
	m.Wall = 0 // the reviewer's wall-clock is measured as a whole
	rr.mu.Lock()
	rr.extra.Add(m)
	rr.resplits++
	rr.mu.Unlock()
	parts, ok := rr.plan.Split(c)
	if !ok {
		cr.Truncated = true
		cr.Metrics = review.Metrics{}
		err := fmt.Errorf("%w: %s, even alone", ErrPromptTruncated, strings.TrimPrefix(cause.Error(), errPromptCut.Error()+": "))
		cr.Error = short(err.Error())
		return []*review.ChunkResult{cr}, true, err, nil
	}
	return r.parts(ctx, cfg, rr, parts) // chunk wrote the split marker
}

// parts answers the parts of a split chunk in order.
func (r *Runner) parts(ctx context.Context, cfg Config, rr *reviewerRun, parts []plan.Chunk) (out []*review.ChunkResult, complete bool, cause, fatal error) {
	for _, p := range parts {
		res, done, why, stop := r.tree(ctx, cfg, rr, p)
		out = append(out, res...)
		cause = cmp.Or(cause, why)
		if stop != nil || !done {
			return out, false, cause, stop
		}
	}
	return out, true, cause, nil
}

// chunk runs one chunk for one reviewer: from the cache, else up to two
// attempts. It returns the result and, when it failed, the error behind it;
// nil result when ctx was canceled before an answer; and a fatal error when
// the reviewer cannot go on (model missing, server unreachable), with the
// chunk's failed result when the server went away mid-answer.
func (r *Runner) chunk(ctx context.Context, cfg Config, rr *reviewerRun, c plan.Chunk) (cr *review.ChunkResult, cause, fatal error) {
	started := r.now()
	cr = &review.ChunkResult{Chunk: c.ID, Files: c.Paths}
	fail := func(err error) (*review.ChunkResult, error, error) {
		cr.Error = short(err.Error())
		return cr, err, nil
	}
	model, opts := rr.res.Reviewer.Model, rr.res.Options
	key := CacheKey(model, rr.res.Digest, opts, rr.plan, c)
	hit, ok := rr.hits[c.ID]
	if !ok {
		hit, ok = r.lookup(key)
	}
	// cut is the end of a chunk whose prompt the server cut: the split
	// marker is written before the lock on the chunk is released, so a
	// process waiting for the chunk splits it too rather than ask again.
	cut := func(why string) (*review.ChunkResult, error, error) {
		_ = r.Cache.Put(splitNS, key, splitMarker{PromptEvalCount: cr.Metrics.PromptTokens, NumCtx: opts.NumCtx})
		cr.Error = short(fmt.Sprintf("%s: %s", errPromptCut, why))
		return cr, fmt.Errorf("%w: %s", errPromptCut, why), nil
	}
	if !ok {
		// Another process asking the same chunk (a review and a push's
		// hook at once, sharing the cache): its answer, not a second ask.
		waited := false
		lock := r.claim(ctx, key, cfg.Timeout, func(on bool) {
			waited = true
			if w, ok := r.Observer.(WaitObserver); ok {
				w.Waiting(rr.res.Reviewer.Name, c.ID, on)
			}
		})
		if lock != nil {
			defer lock.Release()
			hit, ok = r.lookup(key)
			var marker splitMarker
			if found, _ := r.Cache.Get(splitNS, key, &marker); !ok && waited && found {
				// The process it waited for had the prompt cut: split too.
				why := "another quorum process asking it had the prompt cut"
				cr.Error = short(fmt.Sprintf("%s: %s", errPromptCut, why))
				return cr, fmt.Errorf("%w: %s", errPromptCut, why), nil
			}
		}
	}
	if ok {
		cr.Answer, cr.Notes, cr.Cached, cr.CacheKey = &hit.Answer, hit.Notes, true, key
		cr.Metrics.CacheHits = 1
		return cr, nil, nil
	}
	// Rendered only on a miss: a cached chunk needs no prompt.
	system, user, err := rr.plan.Render(c)
	if err != nil {
		return fail(fmt.Errorf("render prompt: %w", err))
	}
	// The fewest tokens a reply may count and still have read the chunk's
	// own files whole (see filesFloor).
	floor, about := rr.filesFloor(c.Bytes - rr.plan.Overhead)
	prompt := user
	rr.mu.Lock()
	noCount, runaways := rr.noCount, rr.runaways
	rr.mu.Unlock()
	if runaways >= maxRunaways {
		// Each such chunk cost two answers of num_predict tokens (minutes
		// on a local model) and gave nothing: the rest are not asked, and
		// say why; the review is partial, as for any failed chunk.
		return fail(fmt.Errorf("%w: %w: not asked after %d chunks in a row whose answers ran past the %d-token limit", ErrBadAnswer, ErrCutOff, runaways, opts.NumPredict))
	}
	// Asked from here on: a chunk that ends any other way than running
	// past num_predict twice breaks the run of runaways.
	runaway := false
	defer func() {
		rr.mu.Lock()
		if runaway {
			rr.runaways++
		} else {
			rr.runaways = 0
		}
		rr.mu.Unlock()
	}()
	if noCount && !fitsAtOneBytePerToken(len(system)+len(user), opts) {
		// The server gave an earlier reply no count: this prompt's would
		// prove nothing either, so it is split before it is asked. No
		// split marker is kept: it was never asked, and another server
		// (or a later run of this one) may count.
		why := fmt.Sprintf("the server reports no token count, and %d bytes may be more than num_ctx %d holds", len(system)+len(user), opts.NumCtx)
		cr.Error = short(fmt.Sprintf("%s: %s", errPromptCut, why))
		return cr, fmt.Errorf("%w: %s", errPromptCut, why), nil
	}
	var last, dropped error
	replied := false // whether a request got a reply (not a transport failure)
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
		addResponse(&cr.Metrics, resp)
		cr.Metrics.Wall = r.now().Sub(started)
		if err != nil {
			switch {
			case ctx.Err() != nil:
				return nil, nil, nil
			case errors.Is(err, review.ErrModelNotFound), errors.Is(err, review.ErrUnreachable):
				if dropped != nil {
					// The server went away mid-answer (killed, crashed):
					// the report says the reviewer was cut off, not only
					// that the server cannot be reached now, and counts
					// this chunk as asked and failed, not as never asked.
					fatal := fmt.Errorf("cut off mid-answer (%s); then %w", short(dropped.Error()), err)
					cr.Error = short(fatal.Error())
					return cr, nil, fatal
				}
				return nil, nil, err
			case timedOut:
				// A hung model would hang again: no retry.
				cr.Error = fmt.Sprintf("no answer within %s", cfg.Timeout)
				return cr, err, nil
			}
			last, dropped = err, err // a transport failure: ask the same again
			prompt = user
			continue
		}
		if why := rr.cutBy(resp, len(system)+len(prompt)); why != "" {
			// Whatever the estimate: the server read num_ctx tokens (or
			// what it read of a prompt it cut before), the answer ran into
			// the end of the context, or (num_ctx not reaching the server)
			// it read a typical context size's worth. Never an answer,
			// never learned from, never cached.
			rr.sawCut(resp.PromptEvalCount)
			return cut(why)
		}
		// The first reply the chunk gets is to the bare prompt: its
		// prompt_eval_count says how much of it the server read. A reply to
		// a repair prompt follows one to the same prefix, which the server
		// may have cached and not counted again: it proves nothing.
		first := !replied
		replied = true
		low := resp.PromptEvalCount > 0 && resp.PromptEvalCount < floor
		if first && dropped == nil {
			// (After a dropped request a count of 0 may be the server's KV
			// cache holding the whole prompt, not a server that never counts.)
			r.sawCount(rr, resp.PromptEvalCount > 0)
		}
		if first && resp.PromptEvalCount <= 0 && !fitsAtOneBytePerToken(len(system)+len(user), opts) {
			// No count (a server that reports no usage): nothing shows
			// whether it read the whole prompt, and one larger than
			// num_ctx holds at a token a byte may have been cut. Split
			// until each part fits so; never an answer, never cached.
			return cut(fmt.Sprintf("the server reported no token count, and %d bytes may be more than num_ctx %d holds", len(system)+len(user), opts.NumCtx))
		}
		switch {
		case first && low && dropped != nil:
			// After a dropped request the server may hold this prompt in
			// its KV cache and count only what it had not read yet: the
			// low count is that, or a cut. Neither an answer nor a cut:
			// never cached, never learned from, never covered.
			return fail(fmt.Errorf("%w: after a dropped request (%s) it read %d tokens of about %d", ErrUnverified, short(dropped.Error()), resp.PromptEvalCount, about))
		case first && low:
			// The server read clearly less than the chunk's files take: it
			// cut the prompt to a context smaller than num_ctx (its own, or
			// num_ctx ignored). Smaller parts may fit it: split and ask.
			why := fmt.Sprintf("it read %d tokens of about %d (a context smaller than num_ctx %d?)", resp.PromptEvalCount, about, opts.NumCtx)
			rr.sawCut(resp.PromptEvalCount)
			return cut(why)
		case first && dropped == nil && resp.PromptEvalCount > 0:
			// Only a count of the whole prompt measures the tokenizer; after
			// a drop part of it may have come from the server's KV cache.
			rr.mu.Lock()
			rr.bpt.observe(len(system)+len(user), resp.PromptEvalCount)
			rr.mu.Unlock()
		}
		truncated := resp.DoneReason == "length"
		if truncated {
			last = fmt.Errorf("%w: %w at the %d-token limit", ErrBadAnswer, ErrCutOff, opts.NumPredict)
		} else if a, notes, perr := parseAnswer(resp.Content); perr != nil {
			last = fmt.Errorf("%w: %w", ErrBadAnswer, perr)
		} else {
			cr.Answer, cr.Notes = a, notes
			// A failed write only costs a future call.
			if r.Cache != nil && r.Cache.Put(resultsNS, key, cachedAnswer{Answer: *a, Notes: notes, Metrics: cr.Metrics}) == nil {
				cr.CacheKey = key
			}
			return cr, nil, nil
		}
		repair, err := prompts.Repair(strings.TrimPrefix(last.Error(), ErrBadAnswer.Error()+": "), truncated)
		if err != nil {
			return fail(err)
		}
		prompt = user + repair
	}
	runaway = errors.Is(last, ErrCutOff)
	cr.Error = "after one retry: " + short(strings.TrimPrefix(last.Error(), ErrBadAnswer.Error()+": "))
	return cr, last, nil
}

// maxRunaways is how many chunks in a row a reviewer may answer past the
// num_predict limit, twice each, before its other chunks are not asked: a
// model that runs on (repeating itself) does so on every chunk, and in a
// pre-push hook each costs minutes of hook.timeout.
const maxRunaways = 2

// StillCached reports whether the answer a review read from or wrote to
// c under key (review.ChunkResult.CacheKey) is there now, readable.
func StillCached(c *cache.Cache, key string) bool {
	var v json.RawMessage
	ok, _ := c.Get(resultsNS, key, &v)
	return ok
}

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
	key := CacheKey(rr.res.Reviewer.Model, rr.res.Digest, rr.res.Options, rr.plan, c)
	hit, ok := r.lookup(key)
	if ok {
		if rr.hits == nil {
			rr.hits = map[string]cachedAnswer{}
		}
		rr.hits[c.ID] = hit
		return true
	}
	// A chunk the server cut is answered when all its parts are.
	var marker splitMarker
	if found, _ := r.Cache.Get(splitNS, key, &marker); found {
		if parts, ok := rr.plan.Split(c); ok {
			for _, p := range parts {
				if !r.cached(rr, p) {
					return false
				}
			}
			return true
		}
	}
	return false
}

// fitsAtOneBytePerToken reports whether a request of n bytes fits num_ctx
// beside its answer's room even at a token a byte, far denser than any
// text tokenizer reads code: a reply with no token count is taken as a
// whole read only then.
func fitsAtOneBytePerToken(n int, opts review.Options) bool {
	return n+opts.NumPredict+truncMargin(opts.NumCtx) <= opts.NumCtx
}

// countlessNS keeps, per model, whether its server's last reply came with
// no token count: a later run then splits a prompt too large for one
// token a byte before asking it, as this one did after its first reply.
const countlessNS = "countless"

func countlessKey(id string) string { return cache.Key("countless/v1", id) }

// countless reports whether the server of model id last replied with no
// token count.
func (r *Runner) countless(id string) bool {
	var no bool
	ok, _ := r.Cache.Get(countlessNS, countlessKey(id), &no)
	return ok && no
}

// sawCount records whether a first reply to a whole prompt came with a
// token count, for this run and the next (a server that starts counting
// is believed again).
func (r *Runner) sawCount(rr *reviewerRun, counted bool) {
	rr.mu.Lock()
	was := rr.noCount // read from the cache when the reviewer was set up
	rr.noCount = !counted
	rr.mu.Unlock()
	if was != !counted {
		_ = r.Cache.Put(countlessNS, countlessKey(rr.bpt.id), !counted) // a lost record costs one request next time
	}
}
