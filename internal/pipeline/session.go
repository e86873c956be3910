package pipeline

import (
	"context"
	"fmt"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/panel"
	"github.com/quorum-review/quorum/review/plan"
	"github.com/quorum-review/quorum/review/run"
)

// Both callers go through here so the same diff gives the same prompts, and
// so the same cache keys: a `quorum review` before a push makes the hook's
// review of the same commits free.

// Options configure a Session.
type Options struct {
	Config *config.Config
	// Resolver is the loopback guard's resolver (tests inject one); nil is the system's.
	Resolver ollama.Resolver
	// Busy is the client's backoff on 503 (tests shorten it); zero is the default.
	Busy   ollama.BackoffPolicy
	Getenv func(string) string
	Now    func() time.Time
	// Observer is told about progress; nil for none.
	Observer run.Observer
	// RequestTimeout bounds one model request (0: no limit).
	RequestTimeout time.Duration
}

// Session is a connected client, the panel and the cache, set up once and
// used for one or more diffs.
type Session struct {
	opts      Options
	Client    *ollama.Client
	Reviewers []review.Reviewer
	cache     *cache.Cache
}

// Open connects to Ollama (after the loopback guard), resolves the panel and
// opens the cache. Errors carry hints; an unreachable server wraps
// review.ErrUnreachable and a panel with no model wraps review.ErrModelNotFound.
func Open(ctx context.Context, opts Options) (*Session, error) {
	cfg := opts.Config
	client, err := ollama.New(ollama.Config{Host: cfg.OllamaHost, AllowRemote: cfg.AllowRemote, Resolver: opts.Resolver, Busy: opts.Busy})
	if err != nil {
		return nil, err
	}
	reviewers, err := Panel(ctx, client, cfg.Models)
	if err != nil {
		return nil, err
	}
	s := &Session{opts: opts, Client: client, Reviewers: reviewers}
	if cfg.Cache {
		dir, err := cache.DefaultDir(opts.Getenv)
		if err != nil {
			return nil, exitcode.Setupf("set QUORUM_CACHE_DIR, or pass --no-cache", "%v", err)
		}
		s.cache = cache.New(dir)
	}
	return s, nil
}

// Plan prepares set for the panel: the files' diffs with their head-side
// context (read by readNew), and the guidelines.
func (s *Session) Plan(set *diff.Set, readNew func(string) ([]byte, error)) *plan.Prepared {
	return plan.Prepare(plan.Input{
		Set:        set,
		ReadNew:    readNew,
		Guidelines: Guidelines(set.Root, s.opts.Config.Guidelines),
	})
}

// Run has every reviewer answer the prepared diff. The raw results are
// kept even with an error (interrupted, or nobody answered).
func (s *Session) Run(ctx context.Context, prep *plan.Prepared) (*review.Raw, error) {
	cfg := s.opts.Config
	runner := &run.Runner{Chat: s.Client, Catalog: s.Client, Cache: s.cache, Observer: s.opts.Observer, Now: s.opts.Now}
	return runner.Run(ctx, prep, run.Config{
		Reviewers:        s.Reviewers,
		MaxContext:       cfg.MaxContext,
		NumPredict:       cfg.NumPredict,
		Parallel:         cfg.Parallel,
		ConcurrentModels: cfg.ConcurrentModels,
		Timeout:          s.opts.RequestTimeout,
	})
}

// Panel returns the reviewers: the configured models, else the default panel
// picked from what is installed.
func Panel(ctx context.Context, cat review.Catalog, models []config.Model) ([]review.Reviewer, error) {
	var out []review.Reviewer
	for _, m := range models {
		out = append(out, review.Reviewer{Name: m.Name, Model: m.Name, Focus: m.Focus, NumCtx: m.NumCtx})
	}
	if len(out) > 0 {
		return out, nil
	}
	installed, err := cat.List(ctx)
	if err != nil {
		return nil, err
	}
	picked := panel.Select(installed, panel.DefaultMax)
	if len(picked) == 0 {
		what := "no model is installed in ollama"
		if len(installed) > 0 {
			what = fmt.Sprintf("none of the %d installed models can chat", len(installed))
		}
		return nil, exitcode.WithHint(noChatModel(what+"; quorum needs at least one chat model"), "ollama pull qwen2.5-coder:7b")
	}
	for _, m := range picked {
		out = append(out, review.Reviewer{Name: m.Name, Model: m.Name})
	}
	return out, nil
}

// noChatModel is the empty-panel error; it is a missing model to callers
// that classify with errors.Is (the hook's on_unavailable).
type noChatModel string

func (e noChatModel) Error() string        { return string(e) }
func (e noChatModel) Is(target error) bool { return target == review.ErrModelNotFound }
