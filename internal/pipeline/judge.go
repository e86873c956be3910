package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/merge"
	"github.com/quorum-review/quorum/review/panel"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/run"
)

// judgeServer is the judge model (merge.judge) and the server it runs on.
type judgeServer struct {
	model   string
	backend Backend
	catalog review.Catalog
	// openErr is why its server could not be opened (a remote host the
	// loopback guard refused): every judge request then fails with it.
	openErr error
	// unusable is why PrecheckJudge found it cannot judge at all (not
	// installed, an embedding model): the review does not ask it again.
	unusable string
}

// openJudge opens the judge's own server (guarded like every server). A
// server that cannot be opened is kept as openErr: each judge request then
// fails with it, and the review is grouped by the rules.
func (s *Session) openJudge(model string, spec Spec) *judgeServer {
	spec.Resolver, spec.Busy, spec.MetaTimeout = s.opts.Resolver, s.opts.Busy, s.opts.RequestTimeout
	j := &judgeServer{model: model}
	b, err := OpenBackend(spec)
	if err != nil {
		j.openErr = err
		return j
	}
	j.backend, j.catalog = b, &shownOnce{Catalog: b, shown: map[string]review.ModelInfo{}}
	return j
}

// OpenJudge opens only what measuring the configured judge needs (quorum
// eval merge): its server and the cache, no panel. Unlike a review, a
// server that cannot be opened is the error: the judge is the point.
func OpenJudge(opts Options) (*Session, error) {
	model := opts.Config.JudgeModel()
	if model == "" {
		return nil, errors.New("no judge configured")
	}
	s := &Session{opts: opts}
	s.judge = s.openJudge(model, SpecFor(opts.Config, opts.Config.JudgeEntry(), opts.Getenv))
	if s.judge.openErr != nil {
		return nil, s.judge.openErr
	}
	s.openCache()
	return s, nil
}

// ErrJudgeNotChat is wrapped by CheckJudge's error for an embedding model.
var ErrJudgeNotChat = errors.New("cannot chat")

// CheckJudge asks the judge's server to describe the judge: a server that
// does not answer, a model it does not have, or an embedding model is an
// error with its remedy. A review never calls it (a judge that cannot
// answer leaves the grouping to the rules); a measure of the judge does.
func (s *Session) CheckJudge(ctx context.Context) error {
	if s == nil || s.judge == nil {
		return errors.New("no judge configured")
	}
	if s.judge.openErr != nil {
		return s.judge.openErr
	}
	info, err := s.judge.catalog.Show(ctx, s.judge.model)
	if err != nil {
		return withHint(s.judge.backend, err, s.judge.model)
	}
	if panel.EmbeddingOnly(info) {
		return exitcode.New(exitcode.Setup, fmt.Errorf("%s is an embedding model: it %w, so it cannot judge", safetext.OneLine(s.judge.model), ErrJudgeNotChat),
			"name a chat model with --judge ('quorum models' lists the installed models and which can chat)")
	}
	return nil
}

// Judge asks the configured judge to group the review's findings into
// defects: nil when no judge is configured. It never fails the review: a
// judge that cannot answer (missing, unreachable, a prompt too large, an
// answer that loses count of the findings) leaves the grouping to the
// merge's rules, and the result says why.
func (s *Session) Judge(ctx context.Context, set *diff.Set, findings []anchor.Finding) *review.JudgeRun {
	if s == nil || s.judge == nil {
		return nil
	}
	if reviewersOf(findings) < 2 {
		return &review.JudgeRun{Model: s.judge.model, Skipped: "fewer than two reviewers found anything, so there was nothing to group"}
	}
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &review.JudgeRun{Model: s.judge.model, Error: run.ReviewTimeUp}
	case ctx.Err() != nil:
		return &review.JudgeRun{Model: s.judge.model, Skipped: "the review was stopped before the judge was asked"}
	}
	if err := s.judge.openErr; err != nil {
		return &review.JudgeRun{Model: s.judge.model, Error: "the judge's server: " + safetext.OneLine(err.Error())}
	}
	if s.judge.unusable != "" {
		return &review.JudgeRun{Model: s.judge.model, Error: s.judge.unusable}
	}
	prompt := merge.JudgePrompt(set.Files, merge.JudgeOrder(findings))
	watcher, _ := s.opts.Observer.(JudgeObserver)
	if watcher != nil {
		watcher.JudgeStarted(s.judge.model, len(findings))
	}
	runner := &run.Runner{Chat: s.judge.backend, Catalog: s.judge.catalog, Cache: s.cache, Now: s.opts.Now}
	jr := runner.Judge(ctx, run.JudgeRequest{
		Model:      s.judge.model,
		Prompt:     prompt,
		Schema:     merge.JudgeSchema,
		Findings:   len(findings),
		MaxContext: s.opts.Config.MaxContext,
		Timeout:    s.opts.RequestTimeout,
		Valid: func(answer string) error {
			return merge.CheckJudgeAnswer([]byte(answer), len(findings))
		},
	})
	jr.PromptSHA256 = merge.JudgePromptSHA256(prompt)
	if watcher != nil {
		watcher.JudgeDone(s.judge.model, jr)
	}
	return &jr
}

// PrecheckJudge asks the judge's server, before any reviewer runs,
// whether the configured judge can judge at all. It returns the warning
// for one that cannot (not installed, an embedding model, its server
// refused or down), with its remedy, and the review then leaves the
// grouping to the rules without asking it again; nil when it can, or
// when no judge is configured. api is the judge's server's protocol
// (config.JudgeAPI).
func (s *Session) PrecheckJudge(ctx context.Context, api string) error {
	if s == nil || s.judge == nil {
		return nil
	}
	note := ""
	if err := s.judge.openErr; err != nil {
		note = "the judge's server: " + safetext.OneLine(err.Error())
	} else {
		runner := &run.Runner{Catalog: s.judge.catalog}
		note = runner.JudgeUnusable(ctx, s.judge.model)
		s.judge.unusable = note
	}
	if note == "" {
		return nil
	}
	judge := safetext.OneLine(s.judge.model)
	return exitcode.WithHint(fmt.Errorf("the judge %s will not be used, so quorum's rules group the findings: %s", judge, safetext.OneLine(note)), judgeHint(note, judge, api))
}

// JudgeObserver is what a progress display is told of the judge: an
// Observer that is one hears when the judge starts and how it ended.
type JudgeObserver interface {
	JudgeStarted(model string, findings int)
	JudgeDone(model string, jr review.JudgeRun)
}

// reviewersOf counts the reviewers with at least one finding.
func reviewersOf(findings []anchor.Finding) int {
	seen := map[string]bool{}
	for _, f := range findings {
		seen[f.Reviewer] = true
	}
	return len(seen)
}

// JudgeUnused is the warning for a configured judge whose answer was not
// used (the review still stands, grouped by quorum's rules), with what to
// do about it; nil when the judge grouped the findings, was not needed,
// or none is configured. api is the judge's server's protocol
// (config.JudgeAPI).
func JudgeUnused(g report.Grouping, api string) error {
	if g.Judge == "" || g.By == report.GroupedByJudge || g.Skipped {
		return nil
	}
	judge := safetext.OneLine(g.Judge)
	hint := judgeHint(g.Note, judge, api)
	return exitcode.WithHint(fmt.Errorf("the judge %s was not used, so quorum's rules grouped the findings: %s", judge, safetext.OneLine(g.Note)), hint)
}

// judgeHint is the remedy for a judge that was not (or will not be) used,
// by what its note says.
func judgeHint(note, judge, api string) string {
	const off = "merge.judge: none (QUORUM_MERGE_JUDGE=none, or --judge none for one review)"
	switch {
	case strings.Contains(note, "is not installed") && api == config.APIOpenAI:
		return "load " + judge + " in the server, or set " + off
	case strings.Contains(note, "is not installed"):
		return "ollama pull " + judge + ", or set " + off
	case strings.Contains(note, "cannot chat"):
		return "name a chat model in merge.judge ('quorum models' lists them), or set " + off
	case strings.Contains(note, "(max_context)"), strings.Contains(note, "prompt was cut"):
		return "raise max_context (--max-context), or name a judge with a larger context"
	case strings.Contains(note, "does not fit"):
		return "name a judge with a larger context in merge.judge"
	case strings.Contains(note, "answer was cut off"):
		return "the judge wrote past its answer budget, or filled its context: name another judge model, raise max_context, or set " + off
	case note == run.ReviewTimeUp:
		return "raise --timeout (timeout: in .quorum.yaml; hook.timeout for the hook), or set " + off
	case strings.Contains(note, "about other findings"):
		return "the saved answer was given to a prompt this version of quorum builds differently: review again to ask the judge"
	case strings.Contains(note, "did not answer in time"):
		return "raise --request-timeout, or set " + off
	case strings.Contains(note, "the judge failed: "):
		return "the model server's log says why; or set " + off
	case strings.Contains(note, "--request-timeout"):
		return "raise --request-timeout, or set " + off
	case strings.Contains(note, "refusing to send code"):
		return "the judge runs on the top-level host: set host: to a loopback address, or set " + off
	case strings.HasPrefix(note, run.JudgeUnreachable):
		return "start the model server (ollama serve), or set " + off
	case strings.Contains(note, "the judge's server"):
		return "check host: and api: (the judge runs on the top-level server), or set " + off
	default:
		return "the judge's answer could not be used (a larger model judges better); or set " + off
	}
}
