package hookcmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/panel"
	"github.com/quorum-review/quorum/review/plan"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/run"
)

// This file wires the real review pipeline into `quorum hook run`:
// diff (exact range) -> plan -> run (cached) -> report (hook gate) -> saved
// report. It follows `quorum review`'s steps; when reviewcmd exposes them as
// one function, this should call it instead.

func init() {
	NewReviewer = func(f *cmdutil.Factory) Reviewer { return &pipelineReviewer{f: f} }
}

type pipelineReviewer struct{ f *cmdutil.Factory }

var _ Reviewer = (*pipelineReviewer)(nil)

func (p *pipelineReviewer) now() time.Time {
	if p.f != nil && p.f.Now != nil {
		return p.f.Now()
	}
	return time.Now()
}

func (p *pipelineReviewer) getenv(k string) string {
	if p.f != nil && p.f.Getenv != nil {
		return p.f.Getenv(k)
	}
	return os.Getenv(k)
}

// Review reviews each range in turn (ranges never contain one another, and
// a diff.Set has one base) under the hook's deadline, and gates the union:
// the push is blocked when any range trips the gate.
func (p *pipelineReviewer) Review(ctx context.Context, req ReviewRequest) (Outcome, error) {
	cfg := req.Config
	client, err := ollama.New(ollama.Config{Host: cfg.OllamaHost, AllowRemote: cfg.AllowRemote})
	if err != nil {
		return Outcome{}, err // a refused remote host is the user's decision, not an outage
	}
	reviewers, err := panelFor(ctx, client, cfg.Models)
	if err != nil {
		if reason, ok := unavailable(err, cfg.OllamaHost); ok {
			return Outcome{Unavailable: true, Reason: reason}, nil
		}
		return Outcome{}, err
	}
	var store *cache.Cache
	if cfg.Cache {
		if dir, err := cache.DefaultDir(p.getenv); err == nil {
			store = cache.New(dir)
		}
	}
	gitDir, err := diff.GitDir(req.Dir)
	if err != nil {
		return Outcome{}, err
	}
	var out Outcome
	var reports, partial, missing []string
	for _, r := range req.Ranges {
		if ctx.Err() != nil {
			partial = append(partial, fmt.Sprintf("%s not reviewed: hook.timeout (%s) expired", shortRange(r.Base, r.Head), req.Timeout))
			continue
		}
		set, err := diff.Load(ctx, diff.Options{Dir: req.Dir, Commits: r.Base + ".." + r.Head, Ignore: cfg.Ignore})
		if err != nil {
			return Outcome{}, err
		}
		if set.Empty() {
			continue // only skipped files (lockfiles, binaries, ignored paths)
		}
		prep := plan.Prepare(plan.Input{
			Set:        set,
			ReadNew:    func(path string) ([]byte, error) { return diff.ReadNew(ctx, set, path) },
			Guidelines: guidelines(cfg.Guidelines),
		})
		runner := &run.Runner{Chat: client, Catalog: client, Cache: store, Now: p.now}
		raw, runErr := runner.Run(ctx, prep, run.Config{
			Reviewers:        reviewers,
			MaxContext:       maxContext(cfg),
			Parallel:         cfg.Parallel,
			ConcurrentModels: cfg.ConcurrentModels,
		})
		if runErr != nil && !raw.Interrupted {
			if reason, ok := unavailable(runErr, cfg.OllamaHost); ok {
				return Outcome{Unavailable: true, Reason: reason}, nil
			}
		}
		rep, err := report.Build(set, raw, report.Policy{
			Severity: cfg.SeverityPolicy, FailOn: req.Gate.FailOn, MinAgreement: req.Gate.MinAgreement,
		}, report.Meta{
			Branch:      strings.Join(r.Refs, ", "),
			GeneratedAt: p.now(),
			Options: map[string]string{
				"trigger": "pre-push", "remote": req.Remote, "range": r.String(),
				"fail_on": req.Gate.FailOn, "min_agreement": fmt.Sprint(req.Gate.MinAgreement),
			},
		})
		if err != nil {
			return Outcome{}, exitcode.New(exitcode.Internal, err, "")
		}
		dir, err := reportstore.SaveBundle(gitDir, p.now(), short(r.Head), reportstore.Bundle{Report: rep, Raw: raw, Diff: set})
		if err != nil {
			return Outcome{}, fmt.Errorf("saving the report: %w", err)
		}
		reports = append(reports, dir+string(os.PathSeparator)+reportstore.ReportMD)
		if rep.GateTripped() {
			out.Blocked = true
			for _, f := range rep.Findings {
				if blocks(rep.Policy, f) {
					out.Blocking = append(out.Blocking, findingLine(f))
				}
			}
		}
		for _, rv := range rep.Reviewers {
			switch rv.Status {
			case review.StatusMissing:
				missing = append(missing, rv.Model)
			case review.StatusFailed, review.StatusPartial:
				partial = append(partial, fmt.Sprintf("%s %s", rv.Name, rv.Status))
			}
		}
		if raw.Interrupted && rep.Verdict.RestsOn == 0 {
			return Outcome{Unavailable: true, Reason: fmt.Sprintf("the review did not finish within hook.timeout (%s)", req.Timeout)}, nil
		}
		if raw.Interrupted {
			partial = append(partial, fmt.Sprintf("hook.timeout (%s) expired: the report covers what %d of %d reviewers finished", req.Timeout, rep.Verdict.RestsOn, rep.Verdict.Panel))
		} else if rep.Verdict.RestsOn == 0 && !out.Blocked {
			return Outcome{Unavailable: true, Reason: "no reviewer could answer (" + rep.Verdict.Text + ")", ReportPath: strings.Join(reports, ", ")}, nil
		}
	}
	out.ReportPath = strings.Join(reports, ", ")
	out.Partial = strings.Join(partial, "; ")
	// A panel model missing counts as unavailable, unless what did run
	// already blocks the push.
	if len(missing) > 0 && !out.Blocked {
		out.Unavailable = true
		out.Reason = fmt.Sprintf("panel model %s not installed in ollama", strings.Join(dedupe(missing), ", "))
	}
	return out, nil
}

// panelFor is the configured panel, else the default pick from what is installed.
func panelFor(ctx context.Context, cat review.Catalog, models []config.Model) ([]review.Reviewer, error) {
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
		return nil, fmt.Errorf("%w: no chat model is installed", review.ErrModelNotFound)
	}
	for _, m := range picked {
		out = append(out, review.Reviewer{Name: m.Name, Model: m.Name})
	}
	return out, nil
}

// unavailable says whether err means the server is down or models are
// missing: the cases hook.on_unavailable decides.
func unavailable(err error, host string) (string, bool) {
	switch {
	case errors.Is(err, review.ErrUnreachable):
		return fmt.Sprintf("ollama is not reachable at %s", host), true
	case errors.Is(err, review.ErrModelNotFound):
		return oneLine(err.Error()), true
	}
	return "", false
}

func maxContext(cfg *config.Config) int {
	if cfg.Source("max_context").Kind == config.FromDefault {
		return run.DefaultMaxContext
	}
	return cfg.MaxContext
}

// blocks mirrors report's gate for one finding (severity at or above
// fail_on, found by enough reviewers).
func blocks(p report.Policy, f report.Finding) bool {
	if p.FailOn == report.FailOnNone {
		return false
	}
	return anchor.SeverityRank(f.Severity) >= anchor.SeverityRank(p.FailOn) && len(f.Reviewers) >= p.MinAgreement
}

func findingLine(f report.Finding) string {
	loc := f.File
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	k, n := f.Agreement()
	return fmt.Sprintf("%-9s %s  %s  (%d of %d reviewers)", f.Severity, loc, f.Title, k, n)
}

// guidelines reads the configured guideline files (config checked they
// exist), each capped so a stray large file cannot crowd out the diff.
func guidelines(paths []string) string {
	const maxBytes = 16 << 10
	var b strings.Builder
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if len(data) > maxBytes {
			data = data[:maxBytes]
		}
		b.Write(data)
		b.WriteString("\n")
	}
	return b.String()
}

func shortRange(base, head string) string { return short(base) + ".." + short(head) }

func dedupe(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
