// Package run sends each chunk to each reviewer, validates the answers, and collects raw results and metrics.
package run

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/prompts"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/plan"
)

// Defaults for Config fields left zero.
const (
	DefaultMaxContext = 16384
	DefaultNumPredict = 4096
	DefaultKeepAlive  = 10 * time.Minute
	DefaultSeed       = 42
	// fallbackContext is used when the server does not report a model's context length.
	fallbackContext = 4096
	// assumedContext is the context planned for when quorum cannot set it
	// (an OpenAI-compatible server) and neither the server nor the user
	// says it: Ollama v0.6.5's default, which its /v1 endpoint always runs
	// at. Planned any larger, a prompt fits quorum's plan and is cut by the
	// server, and an answer may run the model past its context.
	assumedContext = 2048
)

// ContextSetter is implemented by a backend that says whether the num_ctx
// of a request reaches the server. internal/openai's client says no: over
// the OpenAI-compatible API the server's own context applies, whatever
// quorum plans for. A backend that does not implement it (Ollama's) sets
// num_ctx on every request.
type ContextSetter interface {
	SetsContext() bool
}

// PlannedContext is the num_ctx a review plans a model's chunks for: the
// context the server reports for the model (contextLength, 0 when it does
// not say), capped by the user's num_ctx for it (numCtx, 0 for none) and
// maxContext. A server that reports none runs the model at the user's
// num_ctx, else at what quorum sets on every request (fallbackContext), or,
// where quorum cannot set it (setsContext false: an OpenAI-compatible
// server), at the smallest context in common use (assumedContext).
// 'quorum doctor' judges a model by the same figure.
func PlannedContext(contextLength, numCtx, maxContext int, setsContext bool) int {
	ctxLen := contextLength
	switch {
	case ctxLen > 0:
	case !setsContext && numCtx <= 0:
		ctxLen = assumedContext
	default:
		ctxLen = cmp.Or(numCtx, fallbackContext)
	}
	n := ctxLen
	if maxContext > 0 {
		n = min(n, maxContext)
	}
	if numCtx > 0 {
		n = min(n, numCtx)
	}
	return n
}

// setsContext reports whether r's backend sets num_ctx.
func (r *Runner) setsContext() bool {
	cs, ok := r.Chat.(ContextSetter)
	return !ok || cs.SetsContext()
}

// Loader preloads a model and reports its load time. internal/ollama's
// client satisfies it; when the Chatter does not, models load on first use.
type Loader interface {
	Load(ctx context.Context, model string, opts review.Options, keepAlive time.Duration) (time.Duration, error)
}

// Observer is told how the run goes, for progress display. Calls come from
// several goroutines.
type Observer interface {
	// Planned announces a reviewer and its number of chunks (before any call).
	Planned(reviewer string, chunks int)
	// Loaded reports the explicit load of a reviewer's model.
	Loaded(reviewer string, d time.Duration)
	// Tokens reports n more tokens generated for reviewer.
	Tokens(reviewer string, n int)
	// ChunkDone reports one finished chunk (answered, failed or cached).
	ChunkDone(reviewer string, c review.ChunkResult)
	// Finished reports a reviewer's final result.
	Finished(reviewer string, r review.RawResult)
}

// StartObserver is an Observer told when a reviewer's model gets its
// turn (cfg.ConcurrentModels at a time): its times run from then, not from
// when it was planned, or from its probe's tokens while another model had
// the turn.
type StartObserver interface {
	Started(reviewer string)
}

// Config is how one review runs.
type Config struct {
	Reviewers []review.Reviewer
	// MaxContext caps every reviewer's num_ctx (default 16384).
	MaxContext int
	// NumPredict bounds each answer (default 4096, at most half of num_ctx).
	NumPredict int
	// Parallel is the number of requests in flight per model (default 1).
	Parallel int
	// ConcurrentModels is how many models run at once (default 1: model by model).
	ConcurrentModels int
	KeepAlive        time.Duration
	// Timeout bounds each request, load included (0: no limit).
	Timeout time.Duration
	Seed    int
	// Interleave sends chunks round-robin across models with no explicit
	// load: the naive order, kept only to measure what model-by-model saves.
	Interleave bool
}

func (c Config) withDefaults() Config {
	if c.MaxContext <= 0 {
		c.MaxContext = DefaultMaxContext
	}
	if c.NumPredict <= 0 {
		c.NumPredict = DefaultNumPredict
	}
	if c.Parallel <= 0 {
		c.Parallel = 1
	}
	if c.ConcurrentModels <= 0 {
		c.ConcurrentModels = 1
	}
	if c.KeepAlive == 0 {
		c.KeepAlive = DefaultKeepAlive
	}
	if c.Seed == 0 {
		c.Seed = DefaultSeed
	}
	return c
}

// Runner runs reviewers against a model server.
type Runner struct {
	Chat review.Chatter
	// Catalog gives each model's digest and context length; nil means unknown.
	Catalog review.Catalog
	// Cache holds answers and learned bytes-per-token; nil disables it.
	Cache    *cache.Cache
	Observer Observer
	Now      func() time.Time

	mu   sync.Mutex
	bpts map[string]bptEntry // measured bytes-per-token by modelID, this process
}

// reviewerRun is one reviewer's state during a run.
type reviewerRun struct {
	res  review.RawResult
	prep *plan.Prepared
	plan *plan.Plan
	// pending: the model's tokenizer is not measured yet; the plan waits
	// for the probe, sent once the model is loaded.
	pending bool
	budget  plan.Budget
	// chunks holds, by planned chunk index, what answered it: one result,
	// or the results of the parts it was split into; done says it finished.
	chunks [][]*review.ChunkResult
	done   []bool
	fatal  error // stops the reviewer: model missing, server unreachable
	cause  error // why its first failed chunk failed
	bpt    bptLearner
	// estBPT is the probe's figure for this model, the central estimate a
	// prompt's token count is judged by (see lowRatio); 0 when unmeasured.
	estBPT float64
	// ctxUnset: num_ctx does not reach the server (an OpenAI-compatible
	// API), so it is what quorum assumes or the user says, not a context
	// the server is held to. A count at a typical context size below it is
	// then suspect (see cutBy).
	ctxUnset bool
	// ctxChecked: this run's context check measured how much the server
	// reads, so a count near a typical context size below that is a
	// prompt of that size, not a sign of a cut.
	ctxChecked bool
	// modelCap: num_ctx is the model's own context, below --max-context.
	modelCap bool
	// serverCtx is the least a reply the server cut below num_ctx read
	// (see sawCut); 0 until one is seen. Under mu.
	serverCtx int
	// noCount: a reply came with no token count (a server that reports no
	// usage); a prompt over fitsAtOneBytePerToken is then split without
	// being asked. Under mu.
	noCount bool
	// runaways counts the chunks in a row whose answers ran past
	// num_predict after the retry (see maxRunaways). Under mu.
	runaways int
	// calibration says where the planning figure came from.
	calibration string
	// probeCut is what the server read of the tokenizer probe when it cut
	// it (its context): why the figure is unmeasured.
	probeCut int
	// extra are the metrics of requests that answered no chunk: the probe,
	// and prompts the server cut before they were split again.
	extra    review.Metrics
	resplits int
	// planKey names this reviewer's plan of this diff in the cache;
	// lastPlanKey, its latest plan of any diff.
	planKey, lastPlanKey string
	// planHad and lastPlanHad are the figures found under those keys
	// (0: none): an unchanged figure is not written again, so a cached
	// review writes nothing (and warns of nothing on a read-only cache).
	planHad, lastPlanHad float64
	// hits are cache hits found before the model was loaded, by chunk ID,
	// so chunk() does not read them again. Written before the workers start.
	hits  map[string]cachedAnswer
	start time.Time
	end   time.Time
	mu    sync.Mutex
}

// Run reviews the prepared diff with every reviewer and returns their raw
// results. A reviewer that fails is reported in its result and never sinks
// the others; Run returns a *NoAnswerError only when no reviewer answered
// anything (server unreachable, every model missing, every chunk failed),
// and then still returns the results.
// When ctx is canceled, Run stops promptly and returns what finished, with
// Raw.Interrupted set.
func (r *Runner) Run(ctx context.Context, prep *plan.Prepared, cfg Config) (*review.Raw, error) {
	cfg = cfg.withDefaults()
	now := r.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	raw := &review.Raw{Schema: "quorum.raw/v1", PromptVersion: prompts.Version(), StartedAt: start}
	runs := make([]*reviewerRun, len(cfg.Reviewers))
	for i, rv := range cfg.Reviewers {
		runs[i] = r.setup(ctx, prep, cfg, rv)
	}
	r.schedule(ctx, cfg, runs)
	for _, rr := range runs {
		r.finish(rr)
		raw.Results = append(raw.Results, rr.res)
	}
	raw.Wall = now().Sub(start)
	raw.Interrupted = ctx.Err() != nil
	if raw.Interrupted {
		return raw, nil
	}
	return raw, noAnswer(runs)
}

// setup asks the catalog about the model and plans its chunks.
func (r *Runner) setup(ctx context.Context, prep *plan.Prepared, cfg Config, rv review.Reviewer) *reviewerRun {
	if rv.Name == "" {
		rv.Name = rv.Model
	}
	rr := &reviewerRun{res: review.RawResult{Reviewer: rv, Chunks: []review.ChunkResult{}, Covered: []string{}}}
	ctxLen := 0
	if r.Catalog != nil {
		// Each metadata request is bounded like a model request (Timeout).
		show := func() (review.ModelInfo, error) {
			sctx, cancel := withTimeout(ctx, cfg.Timeout)
			defer cancel()
			return r.Catalog.Show(sctx, rv.Model)
		}
		info, err := show()
		if err != nil && ctx.Err() == nil && !errors.Is(err, review.ErrModelNotFound) && !errors.Is(err, review.ErrUnreachable) {
			// One more try: a reviewer should not be lost to a passing
			// server error on a metadata call.
			info, err = show()
		}
		if err != nil {
			rr.fatal = err
			return rr
		}
		rr.res.Digest, ctxLen = info.Digest, info.ContextLength
	}
	rr.ctxUnset = !r.setsContext()
	numCtx := PlannedContext(ctxLen, rv.NumCtx, cfg.MaxContext, !rr.ctxUnset)
	// Ollama runs no model past the context it was trained for (newer
	// servers cap num_ctx there), so neither --max-context nor num_ctx
	// raises a model held at its own.
	rr.modelCap = ctxLen > 0 && numCtx == ctxLen && ctxLen < cfg.MaxContext
	rr.res.Options = review.Options{
		NumCtx:      numCtx,
		NumPredict:  min(cfg.NumPredict, numCtx/2),
		Temperature: 0,
		Seed:        cfg.Seed,
	}
	rr.prep = prep
	rr.bpt = bptLearner{id: modelID(rv.Model, rr.res.Digest)}
	rr.noCount = r.countless(rr.bpt.id)
	// The plan leaves a margin below num_ctx besides the answer, so a prompt
	// that fits is never mistaken for one the server cut.
	rr.budget = plan.Budget{NumCtx: numCtx, AnswerTokens: answerRoom(rr.res.Options.NumPredict, numCtx), Focus: rv.Focus}
	if e, ok := r.measuredBPT(rr.bpt.id); ok {
		rr.bpt.prior, rr.estBPT, rr.calibration = e.BytesPerToken*safety, e.Probe, CalibratedCache
		if !rr.ctxUnset || rr.estBPT <= 0 || r.knownContext(rr) {
			r.build(rr)
			return rr
		}
		rr.pending = true // the server's context is to check (context_check.go)
		return rr
	}
	if prep.Empty() {
		rr.bpt.prior, rr.calibration = plan.DefaultBytesPerToken, CalibrationNotNeeded
		r.build(rr)
		return rr
	}
	// Over an OpenAI-compatible API the tokenizer is always measured: the
	// server's context is checked with it (context_check.go), and what
	// tells a cut reply rests on it.
	if pl, ok := planIndependent(prep, rr.budget); ok && !rr.ctxUnset {
		// Small enough to plan the same at any figure a real tokenizer
		// has: nothing to measure. Its figure is remembered for this diff
		// once answered, so a model that proves more compact than any
		// (a byte-level test model) keeps these chunks, and their cached
		// answers, next time rather than plan again from what it learned.
		rr.calibration = CalibrationNotNeeded
		key := reviewKey{rr.bpt.id, rr.res.Options.NumCtx, rr.res.Options.NumPredict, rv.Focus}
		rr.planKey, rr.lastPlanKey = planKey(prep.ID(), key), lastPlanKey(key)
		r.planned(rr, pl)
		return rr
	}
	rr.pending = true
	return rr
}

// build plans rr's chunks with its measured (or conservative) figure, or
// the one an earlier plan of the same diff used.
func (r *Runner) build(rr *reviewerRun) {
	rv, opts := rr.res.Reviewer, rr.res.Options
	b := rr.budget
	b.BytesPerToken = r.planBPT(rr, rr.prep.ID(), reviewKey{rr.bpt.id, opts.NumCtx, opts.NumPredict, rv.Focus})
	pl, err := plan.Build(rr.prep, b)
	if err != nil {
		rr.fatal = err
		return
	}
	r.planned(rr, pl)
}

func (r *Runner) planned(rr *reviewerRun, pl *plan.Plan) {
	rr.pending = false
	rr.plan = pl
	if len(pl.Chunks) == 0 && len(pl.NotCovered) > 0 && rr.fatal == nil && !readsOneLine(rr.prep, pl.Budget, rr.measured()) {
		// Files to review and no chunk: not even one line fits beside the
		// fixed part of the prompt. That is a failure, never "nothing to
		// review". (A plan that would read a one-line change has files
		// whose own lines are too long: those are truncated, as beside
		// any other file.)
		rr.fatal = fmt.Errorf("%w: %d file%s, num_ctx %d", ErrNothingFits, len(pl.NotCovered), map[bool]string{true: "", false: "s"}[len(pl.NotCovered) == 1], rr.res.Options.NumCtx)
		if rr.modelCap {
			rr.fatal = fmt.Errorf("%w (%w)", rr.fatal, &ownContextError{lowerNumPredict(rr.prep, pl.Budget, rr.res.Options.NumPredict)})
		}
	}
	rr.chunks = make([][]*review.ChunkResult, len(pl.Chunks))
	rr.done = make([]bool, len(pl.Chunks))
	if r.Observer != nil {
		r.Observer.Planned(rr.res.Reviewer.Name, len(pl.Chunks))
	}
}

// measured reports whether rr's plan rests on a measured figure, so token
// estimates made with it can be trusted.
func (rr *reviewerRun) measured() bool {
	return rr.calibration == CalibratedProbe || rr.calibration == CalibratedCache
}

// NoAnswerError is returned by Run when no reviewer produced a single
// answer: Cause is the most telling failure (the server unreachable, a model
// missing, or the first failed chunk's error).
type NoAnswerError struct {
	Cause error
	// Missing names every panel model the server does not have, in panel
	// order, when that is why nobody answered (Cause is the first's error).
	Missing []string
}

func (e *NoAnswerError) Error() string { return "no reviewer could answer: " + e.Cause.Error() }
func (e *NoAnswerError) Unwrap() error { return e.Cause }

// noAnswer returns a *NoAnswerError when nothing was answered although
// something was to be reviewed, else nil.
func noAnswer(runs []*reviewerRun) error {
	var unreachable, missing, failed error
	var missingNames []string
	for _, rr := range runs {
		for _, parts := range rr.chunks {
			for _, c := range parts {
				if c != nil && c.Answer != nil {
					return nil
				}
			}
		}
		if rr.plan != nil && len(rr.plan.Chunks) == 0 && len(rr.plan.NotCovered) == 0 && rr.fatal == nil {
			return nil // nothing to review: not a failure
		}
		switch {
		case rr.fatal != nil && errors.Is(rr.fatal, review.ErrUnreachable):
			unreachable = cmp.Or(unreachable, rr.fatal)
		case rr.fatal != nil && errors.Is(rr.fatal, review.ErrModelNotFound):
			missingNames = append(missingNames, rr.res.Reviewer.Model)
			missing = cmp.Or(missing, rr.fatal)
		case rr.cause != nil:
			failed = cmp.Or(failed, rr.cause)
		case rr.fatal != nil:
			failed = cmp.Or(failed, rr.fatal)
		}
	}
	if cause := cmp.Or(unreachable, failed, missing); cause != nil {
		if cause != missing {
			return &NoAnswerError{Cause: cause}
		}
		if len(missingNames) > 1 {
			// Every missing model is named, not only the first: pulling
			// one and running again should not be how the user finds the
			// next.
			quoted := make([]string, len(missingNames)-1)
			for i, m := range missingNames[1:] {
				quoted[i] = strconv.Quote(m)
			}
			cause = fmt.Errorf("%w; also not installed: %s", cause, strings.Join(quoted, ", "))
		}
		return &NoAnswerError{Cause: cause, Missing: missingNames}
	}
	return nil
}
