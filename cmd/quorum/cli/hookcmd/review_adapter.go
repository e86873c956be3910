package hookcmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
)

// This file wires the shared review pipeline (internal/pipeline, the same
// steps and cache keys as `quorum review`) into `quorum hook run`.

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
	session, err := pipeline.Open(ctx, pipeline.Options{Config: cfg, Getenv: p.getenv, Now: p.now})
	if err != nil {
		if pipeline.Unavailable(err) {
			return Outcome{Unavailable: true, Reason: unavailableReason(err, cfg.OllamaHost)}, nil
		}
		return Outcome{}, err // a refused remote host is the user's decision, not an outage
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
		raw, runErr := session.Review(ctx, set)
		if runErr != nil && !raw.Interrupted {
			if pipeline.Unavailable(runErr) {
				return Outcome{Unavailable: true, Reason: unavailableReason(runErr, cfg.OllamaHost)}, nil
			}
		}
		policy, err := report.Policy{Severity: cfg.SeverityPolicy, FailOn: req.Gate.FailOn, MinAgreement: req.Gate.MinAgreement}.Normalize()
		if err != nil {
			return Outcome{}, exitcode.WithHint(err, "fix hook.fail_on, hook.min_agreement or severity_policy (see 'quorum config show')")
		}
		rep, dir, err := pipeline.Consolidate(set, raw, policy, report.Meta{
			Branch:      strings.Join(r.Refs, ", "),
			GeneratedAt: p.now(),
			Options: map[string]string{
				"trigger": "pre-push", "remote": req.Remote, "range": r.String(),
				"fail_on": policy.FailOn, "min_agreement": fmt.Sprint(policy.MinAgreement),
			},
		}, gitDir)
		if err != nil {
			return Outcome{}, err
		}
		reports = append(reports, dir+string(os.PathSeparator)+reportstore.ReportMD)
		if rep.GateTripped() {
			out.Blocked = true
			for _, f := range rep.Findings {
				if rep.Policy.Blocks(f) {
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

// unavailableReason is the one-line reason behind hook.on_unavailable.
func unavailableReason(err error, host string) string {
	if errors.Is(err, review.ErrUnreachable) {
		return fmt.Sprintf("ollama is not reachable at %s", host)
	}
	return oneLine(err.Error())
}

func findingLine(f report.Finding) string {
	loc := f.File
	if f.Line > 0 {
		loc = fmt.Sprintf("%s:%d", f.File, f.Line)
	}
	k, n := f.Agreement()
	return fmt.Sprintf("%-9s %s  %s  (%d of %d reviewers)", f.Severity, loc, f.Title, k, n)
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
