package run

import (
	"context"
	"errors"

	"github.com/quorum-review/quorum/internal/crash"
	"github.com/quorum-review/quorum/review"
)

// job is one chunk for one reviewer.
type job struct {
	rr  *reviewerRun
	idx int
}

// schedule runs every job. By default model by model: reviewers that share a
// model run together, the model is loaded once, then all their chunks go with
// cfg.Parallel requests in flight; cfg.ConcurrentModels models run at once.
func (r *Runner) schedule(ctx context.Context, cfg Config, runs []*reviewerRun) {
	if cfg.Interleave {
		for _, rr := range runs {
			if rr.pending && rr.fatal == nil && ctx.Err() == nil {
				r.calibrate(ctx, cfg, rr)
				if rr.fatal == nil && ctx.Err() == nil {
					r.build(rr)
				}
			}
		}
		var jobs []job
		for i := 0; ; i++ {
			added := false
			for _, rr := range runs {
				if rr.plan != nil && i < len(rr.plan.Chunks) {
					jobs = append(jobs, job{rr, i})
					added = true
				}
			}
			if !added {
				break
			}
		}
		r.work(ctx, cfg, jobs)
		return
	}
	// Group by model, in order of first appearance.
	var models []string
	groups := map[string][]*reviewerRun{}
	for _, rr := range runs {
		m := rr.res.Reviewer.Model
		if _, ok := groups[m]; !ok {
			models = append(models, m)
		}
		groups[m] = append(groups[m], rr)
	}
	sem := make(chan struct{}, cfg.ConcurrentModels)
	// A worker's panic cancels ctx, so the other models stop, and reaches
	// the caller from Wait (internal/crash).
	g, ctx, cancel := crash.NewGroup(ctx)
	defer cancel()
	for _, m := range models {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		group := groups[m]
		g.Go(func() {
			defer func() { <-sem }()
			defer g.Catch() // cancel before the slot frees: no next model starts
			r.runModel(ctx, cfg, group)
		})
	}
	g.Wait()
}

// runModel loads one model and runs the chunks of every reviewer using it.
func (r *Runner) runModel(ctx context.Context, cfg Config, group []*reviewerRun) {
	var live []*reviewerRun
	for _, rr := range group {
		if rr.fatal == nil && (rr.pending || len(rr.plan.Chunks) > 0) {
			live = append(live, rr)
		}
	}
	if len(live) == 0 {
		return
	}
	now := r.now()
	for _, rr := range live {
		rr.start = now
		r.started(rr)
	}
	if l, ok := r.Chat.(Loader); ok && r.needsModel(live) {
		lctx, cancel := withTimeout(ctx, cfg.Timeout)
		d, err := l.Load(lctx, live[0].res.Reviewer.Model, live[0].res.Options, cfg.KeepAlive)
		cancel()
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && (errors.Is(err, review.ErrModelNotFound) || errors.Is(err, review.ErrUnreachable)):
			for _, rr := range live {
				rr.fatal = err
			}
			return
		case err == nil:
			// The load is the group's first reviewer's: others share the resident model.
			live[0].res.Metrics.LoadDuration += d
			if r.Observer != nil {
				r.Observer.Loaded(live[0].res.Reviewer.Name, d)
			}
		}
		// Any other load failure: the chat requests load the model themselves
		// and report their own errors per chunk.
	}
	// Measure the tokenizer of a model planned for the first time, now that
	// it is loaded, and plan with what the probe says.
	var jobs []job
	for _, rr := range live {
		if rr.pending {
			r.calibrate(ctx, cfg, rr)
			if ctx.Err() != nil {
				return
			}
			if rr.fatal != nil {
				continue
			}
			r.build(rr)
			if rr.fatal != nil {
				continue
			}
		}
		for i := range rr.plan.Chunks {
			jobs = append(jobs, job{rr, i})
		}
	}
	r.work(ctx, cfg, jobs)
}

// needsModel reports whether any reviewer of the group needs its probe, or
// any chunk is not in the cache.
func (r *Runner) needsModel(group []*reviewerRun) bool {
	for _, rr := range group {
		if rr.pending {
			return true
		}
		for _, c := range rr.plan.Chunks {
			if !r.cached(rr, c) {
				return true
			}
		}
	}
	return false
}

// work runs jobs with cfg.Parallel workers, in order. A reviewer whose model
// went missing or whose server became unreachable gets no more requests.
func (r *Runner) work(ctx context.Context, cfg Config, jobs []job) {
	ch := make(chan job)
	// A worker's panic cancels ctx, which also ends the feed below, and
	// reaches the caller from Wait (internal/crash).
	g, ctx, cancel := crash.NewGroup(ctx)
	defer cancel()
	for range min(cfg.Parallel, max(1, len(jobs))) {
		g.Go(func() {
			for j := range ch {
				r.runJob(ctx, cfg, j)
			}
		})
	}
feed:
	for _, j := range jobs {
		select {
		case ch <- j:
		case <-ctx.Done():
			break feed
		}
	}
	close(ch)
	g.Wait()
}

func (r *Runner) runJob(ctx context.Context, cfg Config, j job) {
	rr := j.rr
	rr.mu.Lock()
	stop := rr.fatal != nil
	first := rr.start.IsZero()
	if first {
		rr.start = r.now()
	}
	rr.mu.Unlock()
	if first {
		r.started(rr)
	}
	if stop || ctx.Err() != nil {
		return
	}
	results, complete, cause, fatal := r.tree(ctx, cfg, rr, rr.plan.Chunks[j.idx])
	rr.mu.Lock()
	defer rr.mu.Unlock()
	rr.end = r.now()
	if fatal != nil && rr.fatal == nil {
		rr.fatal = fatal
	}
	rr.chunks[j.idx] = results
	rr.done[j.idx] = complete
	if cause != nil && rr.cause == nil {
		rr.cause = cause
	}
	if r.Observer != nil && complete && len(results) > 0 {
		r.Observer.ChunkDone(rr.res.Reviewer.Name, summary(results))
	}
}

// summary is one result standing for a planned chunk answered in parts: the
// first failed part (else the first part), with the metrics of them all.
func summary(results []*review.ChunkResult) review.ChunkResult {
	s := *results[0]
	for _, c := range results {
		if c.Answer == nil {
			s = *c
			break
		}
	}
	s.Metrics = review.Metrics{}
	for _, c := range results {
		s.Metrics.Add(c.Metrics)
	}
	return s
}

// started tells the observer rr's clock starts (StartObserver): its
// model's turn, or, interleaved, its first chunk.
func (r *Runner) started(rr *reviewerRun) {
	if so, ok := r.Observer.(StartObserver); ok {
		so.Started(rr.res.Reviewer.Name)
	}
}
