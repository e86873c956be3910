// Package pipeline runs one review from a loaded diff to a saved report; `quorum review` and the pre-push hook share it.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/panel"
	"github.com/quorum-review/quorum/review/plan"
	"github.com/quorum-review/quorum/review/report"
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

// Review plans set for each reviewer and runs the panel. The returned raw
// results are kept even with an error (interrupted, or nobody answered).
func (s *Session) Review(ctx context.Context, set *diff.Set) (*review.Raw, error) {
	return s.review(ctx, set, func(p string) ([]byte, error) { return diff.ReadNew(ctx, set, p) })
}

// ReviewMerged is Review over several ranges at once (see Merge): one
// panel run, each file's context read at its own range's head.
func (s *Session) ReviewMerged(ctx context.Context, m *Merged) (*review.Raw, error) {
	return s.review(ctx, m.Set, func(p string) ([]byte, error) { return m.ReadNew(ctx, p) })
}

func (s *Session) review(ctx context.Context, set *diff.Set, readNew func(string) ([]byte, error)) (*review.Raw, error) {
	cfg := s.opts.Config
	prep := plan.Prepare(plan.Input{
		Set:        set,
		ReadNew:    readNew,
		Guidelines: Guidelines(set.Root, cfg.Guidelines),
	})
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

// Consolidate builds the report from the raw answers and, when gitDir is
// set, saves it with the raw answers and the diff so `--replay` and
// `quorum report` can use it. It returns the saved directory ("" if not saved).
func Consolidate(set *diff.Set, raw *review.Raw, policy report.Policy, meta report.Meta, gitDir string) (*report.Report, string, error) {
	r, err := report.Build(set, raw, policy, meta)
	if err != nil {
		return nil, "", exitcode.Setupf("check --fail-on, --min-agreement and --severity-policy", "%v", err)
	}
	if gitDir == "" {
		return r, "", nil
	}
	dir, err := reportstore.SaveBundle(gitDir, meta.GeneratedAt, ShortHead(set), reportstore.Bundle{Report: r, Raw: raw, Diff: set})
	if err != nil {
		return r, "", exitcode.New(exitcode.Internal, err, "check that "+gitDir+" is writable; the review itself finished and was printed")
	}
	return r, dir, nil
}

// ShortHead names a saved report after the reviewed head commit.
func ShortHead(set *diff.Set) string {
	short := set.Head.Commit
	if len(short) > 7 {
		short = short[:7]
	}
	if short == "" {
		short = set.Mode
	}
	return short
}

// Unavailable says whether err means the server is down or a model is
// missing: what the hook's on_unavailable decides about.
func Unavailable(err error) bool {
	return errors.Is(err, review.ErrUnreachable) || errors.Is(err, review.ErrModelNotFound)
}
