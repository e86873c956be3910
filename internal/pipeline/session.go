package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/crash"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/nearest"
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

// Session is the panel's servers, the panel and the cache, set up once and
// used for one or more diffs.
type Session struct {
	opts Options
	// Reviewers is the panel, in configured order.
	Reviewers []review.Reviewer
	// groups are the panel's servers, each with its reviewers, in order of
	// first use.
	groups []*group
	cache  *cache.Cache
	// cacheErr: the cache is on but has no directory; the session runs
	// without it.
	cacheErr error
	// judge groups the findings (merge.judge); nil for the merge's rules.
	judge *judgeServer
}

// EmbeddingModel names the first configured reviewer model that its
// server describes as an embedding model (nomic-embed-text), and that
// model's family: it cannot chat, and its review would fail late with a
// misleading context error. Only models the server describes are judged:
// one it cannot describe is left for the review to report. A default
// panel is chosen among chat models already, so only a named one is asked.
func (s *Session) EmbeddingModel(ctx context.Context) (name, family string) {
	if len(s.opts.Config.Models) == 0 {
		return "", ""
	}
	for _, g := range s.groups {
		for _, rv := range g.reviewers {
			info, err := g.catalog.Show(ctx, rv.Model)
			if err != nil {
				return "", ""
			}
			if panel.EmbeddingOnly(info) {
				return rv.Model, info.Family
			}
		}
	}
	return "", ""
}

// MissingModel names the first configured reviewer whose model its server
// does not have ("" when each is there, or the server cannot tell).
func (s *Session) MissingModel(ctx context.Context) string {
	for _, g := range s.groups {
		for _, rv := range g.reviewers {
			if _, err := g.catalog.Show(ctx, rv.Model); errors.Is(err, review.ErrModelNotFound) {
				return rv.Model
			}
		}
	}
	return ""
}

// NearModels names the models installed on the server of reviewer model
// that name may be a typo of, for a "did you mean" hint: at most two edits
// (or a quarter of the name) away, read with and without ":latest" and
// whatever the case (a server that tells "Coder" from "coder" has only
// the one); never one the panel already has. Nil when none is, or the
// server cannot list them.
func (s *Session) NearModels(ctx context.Context, name string) []string {
	base := func(n string) string { return strings.TrimSuffix(review.ModelName(n), ":latest") }
	for _, g := range s.groups {
		if !slices.ContainsFunc(g.reviewers, func(rv review.Reviewer) bool { return rv.Model == name }) {
			continue
		}
		models, err := g.catalog.List(ctx)
		if err != nil {
			return nil
		}
		limit := min(3, max(len(base(name))/4, 1)+1)
		best, near := limit, []string(nil)
		for _, m := range models {
			onPanel := slices.ContainsFunc(g.reviewers, func(rv review.Reviewer) bool { return rv.Model == m.Name })
			if m.Name == name || onPanel {
				continue
			}
			d := min(nearest.Distance(base(name), base(m.Name)), nearest.Distance(review.ModelName(name), review.ModelName(m.Name)))
			if untagged(name) && bare(name) == bare(m.Name) {
				d = 0 // "qwen2.5-coder" of an installed qwen2.5-coder:7b: its pull would fetch another model
			}
			shown := strings.TrimSuffix(m.Name, ":latest") // as the server lists it, case and all
			switch {
			case d < best:
				best, near = d, []string{shown}
			case d == best && d < limit && !slices.Contains(near, shown):
				near = append(near, shown)
			}
		}
		return near
	}
	return nil
}

// SameWeights names two configured reviewers on one server whose models
// are one set of weights (the same digest: "coder" and "coder:latest", or
// an `ollama cp` copy), and that digest. Their answers would be one
// opinion counted twice: found by 2 of 2, passing --min-agreement 2 on one
// model's word. One model on two servers stays two reviewers, as
// configured. Models the server cannot describe are left for the review to
// report.
func (s *Session) SameWeights(ctx context.Context) (a, b, digest string) {
	if len(s.opts.Config.Models) == 0 {
		return "", "", "" // the default panel takes one model per family, so never one digest twice
	}
	for _, g := range s.groups {
		infos := make([]review.ModelInfo, len(g.reviewers))
		for k, rv := range g.reviewers {
			infos[k], _ = g.catalog.Show(ctx, rv.Model) // undescribed: no digest, never a pair
		}
		if i, j := panel.SameWeights(infos); i >= 0 {
			return g.reviewers[i].Model, g.reviewers[j].Model, infos[i].Digest
		}
	}
	return "", "", ""
}

// group is one server and the reviewers that run on it.
type group struct {
	backend   Backend
	catalog   *shownOnce // backend's Show, asked once per model per session
	reviewers []review.Reviewer
}

// shownOnce remembers what the server said of each model, so the
// up-front checks, each reviewer's setup and each eval case reuse one
// answer (two first callers at once may both ask; both get the same).
// Only answers are kept: a failure is asked again next time.
type shownOnce struct {
	review.Catalog
	mu    sync.Mutex
	shown map[string]review.ModelInfo
}

func (c *shownOnce) Show(ctx context.Context, name string) (review.ModelInfo, error) {
	c.mu.Lock()
	info, ok := c.shown[name]
	c.mu.Unlock()
	if ok {
		return info, nil
	}
	info, err := c.Catalog.Show(ctx, name)
	if err != nil {
		return info, err
	}
	c.mu.Lock()
	c.shown[name] = info
	c.mu.Unlock()
	return info, nil
}

// Open connects to each server the panel names (after the loopback guard),
// resolves the panel and opens the cache. Errors carry hints; an
// unreachable server wraps review.ErrUnreachable and a panel with no model
// wraps review.ErrModelNotFound.
func Open(ctx context.Context, opts Options) (*Session, error) {
	cfg := opts.Config
	s := &Session{opts: opts}
	bySpec := map[Spec]*group{}
	groupFor := func(spec Spec) (*group, error) {
		if g, ok := bySpec[spec]; ok {
			return g, nil
		}
		open := spec
		// --request-timeout bounds the metadata requests too (/api/tags for
		// the default panel, /api/show, /api/version).
		open.Resolver, open.Busy, open.MetaTimeout = opts.Resolver, opts.Busy, opts.RequestTimeout
		b, err := OpenBackend(open)
		if err != nil {
			return nil, err
		}
		g := &group{backend: b, catalog: &shownOnce{Catalog: b, shown: map[string]review.ModelInfo{}}}
		bySpec[spec] = g
		s.groups = append(s.groups, g)
		return g, nil
	}
	if len(cfg.Models) == 0 {
		g, err := groupFor(SpecFor(cfg, config.Model{}, opts.Getenv))
		if err != nil {
			return nil, err
		}
		picked, err := defaultPanel(ctx, g.backend)
		if err != nil {
			return nil, withHint(g.backend, err, "")
		}
		g.reviewers = picked
		s.Reviewers = picked
	} else {
		specs := make([]Spec, len(cfg.Models))
		named := map[string]int{}
		for i, m := range cfg.Models {
			specs[i] = SpecFor(cfg, m, opts.Getenv)
			named[m.Name]++
		}
		multi := len(distinct(specs)) > 1
		for i, m := range cfg.Models {
			g, err := groupFor(specs[i])
			if err != nil {
				return nil, err
			}
			rv := review.Reviewer{Name: m.Name, Model: m.Name, Focus: m.Focus, NumCtx: m.NumCtx}
			if multi || specs[i].API != config.APIOllama {
				rv.API, rv.Host = specs[i].API, specs[i].Host
			}
			if named[m.Name] > 1 { // one model on two servers: two reviewers
				rv.Name = m.Name + "@" + specs[i].Host
			}
			g.reviewers = append(g.reviewers, rv)
			s.Reviewers = append(s.Reviewers, rv)
		}
	}
	if model := cfg.JudgeModel(); model != "" {
		// The judge runs on its reviewer's server when it is one of the
		// panel, else on the top-level server (config.JudgeEntry): one a
		// reviewer uses already is shared, any other is opened (and
		// guarded) alone, so no reviewer runs there.
		spec := SpecFor(cfg, cfg.JudgeEntry(), opts.Getenv)
		if g, ok := bySpec[spec]; ok {
			s.judge = &judgeServer{model: model, backend: g.backend, catalog: g.catalog}
		} else {
			// A judge whose server cannot be opened (a remote host refused)
			// does not stop the review: the rules group, and it is said.
			s.judge = s.openJudge(model, spec)
		}
	}
	s.openCache()
	return s, nil
}

// openCache opens the answer cache when the configuration has it on.
func (s *Session) openCache() {
	if !s.opts.Config.Cache {
		return
	}
	dir, err := cache.DefaultDir(s.opts.Getenv)
	if err != nil {
		// No cache is no reason to withhold a review: it runs without
		// one, and ends with this warning.
		s.cacheErr = exitcode.Setupf("point QUORUM_CACHE_DIR at an absolute directory, or "+cacheOff, "answers not cached: %v", err)
		return
	}
	s.cache = cache.New(dir)
}

// cacheOff is how to turn the cache off from every command, the hook too.
const cacheOff = "turn the cache off (--no-cache; for the hook, cache: false in .quorum.yaml or QUORUM_CACHE=false)"

// CacheErr is why answers could not be cached, or nil: no cache directory,
// or the first failed write of this session, with a hint.
func (s *Session) CacheErr() error {
	if s.cacheErr != nil {
		return s.cacheErr
	}
	err := s.cache.WriteErr()
	if err == nil {
		return nil
	}
	return exitcode.Setupf(cacheWriteHint(s.cache.Dir, err), "cache not written, so new answers are not kept for the next review: %v", err)
}

// cacheWriteHint says what to do about a failed write under dir: free
// space when the disk (or a quota) is full, a writable directory else.
func cacheWriteHint(dir string, err error) string {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Sprintf("free disk space where %s is (or under your quota), point QUORUM_CACHE_DIR at another disk, or %s", dir, cacheOff)
	}
	return fmt.Sprintf("make %s a writable directory, point QUORUM_CACHE_DIR at one, or %s", dir, cacheOff)
}

func distinct(specs []Spec) map[Spec]bool {
	out := map[Spec]bool{}
	for _, s := range specs {
		out[s] = true
	}
	return out
}

// Plan prepares set for the panel: the files' diffs with their head-side
// context (read by readNew), and the guidelines.
func (s *Session) Plan(set *diff.Set, readNew func(string) ([]byte, error)) *plan.Prepared {
	return plan.Prepare(plan.Input{
		Set:        set,
		ReadNew:    readNew,
		Guidelines: GuidelinesFor(s.opts.Config, set),
		Context:    plan.Context(s.opts.Config.Context),
	})
}

// Run has every reviewer answer the prepared diff. Reviewers on different
// servers run at once; reviewers on one server keep its scheduling (model by
// model by default). The raw results are kept even with an error
// (interrupted, or nobody answered), in panel order.
func (s *Session) Run(ctx context.Context, prep *plan.Prepared) (*review.Raw, error) {
	cfg := s.opts.Config
	raws := make([]*review.Raw, len(s.groups))
	errs := make([]error, len(s.groups))
	// A panic in one server's run cancels the others and reaches the
	// caller from Wait (internal/crash).
	workers, ctx, cancel := crash.NewGroup(ctx)
	defer cancel()
	for i, g := range s.groups {
		workers.Go(func() {
			runner := &run.Runner{Chat: g.backend, Catalog: g.catalog, Cache: s.cache, Observer: s.opts.Observer, Now: s.opts.Now}
			raws[i], errs[i] = runner.Run(ctx, prep, run.Config{
				Reviewers:        g.reviewers,
				MaxContext:       cfg.MaxContext,
				NumPredict:       cfg.NumPredict,
				Parallel:         cfg.Parallel,
				ConcurrentModels: cfg.ConcurrentModels,
				Timeout:          s.opts.RequestTimeout,
			})
		})
	}
	workers.Wait()
	for i, err := range errs {
		errs[i] = withHint(s.groups[i].backend, err, "")
	}
	if len(raws) == 1 {
		return raws[0], errs[0]
	}
	return joinRaws(s.Reviewers, raws, errs)
}

// joinRaws makes one run of several servers' runs: results in panel order,
// the earliest start, the longest wall time. It fails only when no server's
// reviewers answered anything, with the first server's error.
func joinRaws(panel []review.Reviewer, raws []*review.Raw, errs []error) (*review.Raw, error) {
	out := &review.Raw{Schema: raws[0].Schema, PromptVersion: raws[0].PromptVersion, StartedAt: raws[0].StartedAt}
	byName := map[string]review.RawResult{}
	for _, r := range raws {
		if r.StartedAt.Before(out.StartedAt) {
			out.StartedAt = r.StartedAt
		}
		out.Wall = max(out.Wall, r.Wall)
		out.Interrupted = out.Interrupted || r.Interrupted
		for _, res := range r.Results {
			byName[res.Reviewer.Name] = res
		}
	}
	for _, rv := range panel {
		if res, ok := byName[rv.Name]; ok {
			out.Results = append(out.Results, res)
		}
	}
	for _, err := range errs {
		if err == nil {
			return out, nil
		}
	}
	return out, errs[0]
}

// defaultPanel picks up to three installed chat models of distinct families,
// coder models first.
func defaultPanel(ctx context.Context, b Backend) ([]review.Reviewer, error) {
	installed, err := b.List(ctx)
	if err != nil {
		return nil, err
	}
	picked, _, _ := ResolvePanel(&config.Config{}, installed, b.SameModel)
	if len(picked) == 0 {
		what := "no model is installed in ollama"
		if len(installed) > 0 {
			what = fmt.Sprintf("none of the %d installed models can chat", len(installed))
		}
		err := noChatModel(what + "; quorum needs at least one chat model")
		return nil, exitcode.WithHint(err, b.Hint(err, "qwen2.5-coder:7b"))
	}
	var out []review.Reviewer
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

// ResolvePanel returns the reviewers a review would use (the one place the
// panel is chosen; Open and the models and doctor commands all use it): the configured models
// that are installed (in configured order) with the names of those that are
// not, or, with none configured, panel.Select over what is installed.
func ResolvePanel(cfg *config.Config, installed []review.ModelInfo, same func(a, b string) bool) (chosen []review.ModelInfo, source string, missing []string) {
	if len(cfg.Models) == 0 {
		return panel.Select(installed, panel.DefaultMax), "default", nil
	}
	return ResolvePanelOn(cfg, func(config.Model) ([]review.ModelInfo, func(a, b string) bool) { return installed, same })
}

// ResolvePanelOn is ResolvePanel for configured models on several
// servers: listFor gives what the server of each model entry has (its own
// host: or the top-level one) and how that server compares names.
func ResolvePanelOn(cfg *config.Config, listFor func(config.Model) ([]review.ModelInfo, func(a, b string) bool)) (chosen []review.ModelInfo, source string, missing []string) {
	for _, want := range cfg.Models {
		found := false
		installed, same := listFor(want)
		for _, m := range installed {
			if same(m.Name, want.Name) {
				chosen = append(chosen, m)
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, want.Name)
		}
	}
	return chosen, "config", missing
}

// bare is a model name without its tag.
func bare(n string) string { name, _, _ := strings.Cut(review.ModelName(n), ":"); return name }

// untagged reports whether n names no tag (or latest, which quorum adds).
func untagged(n string) bool { return strings.HasSuffix(review.ModelName(n), ":latest") }
