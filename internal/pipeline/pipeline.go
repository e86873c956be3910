// Package pipeline runs one review from a loaded diff to a saved report; `quorum review` and the pre-push hook share it.
package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/gitexec"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/dismiss"
	"github.com/quorum-review/quorum/review/merge"
	"github.com/quorum-review/quorum/review/report"
)

// Request is one review to make.
type Request struct {
	Set *diff.Set
	// KeepReports are reports this run saved before (a push reviewed in
	// parts): pruning after this review's save keeps them.
	KeepReports []string
	// ReadNew reads a file's head-side content for context; nil reads it
	// from Set's head (a Merged push passes its own).
	ReadNew func(ctx context.Context, path string) ([]byte, error)
	// Raw, when set, replays saved answers: no planning, no model call.
	Raw    *review.Raw
	Policy report.Policy
	Meta   report.Meta
	// GitDir is where the report is saved ("" for not at all). A review
	// that no reviewer answered is saved only with SaveUnanswered.
	GitDir         string
	SaveUnanswered bool
	// Limits prune the saved reports after the save; nil is the session's
	// config (reports.keep, reports.max_mb), else reportstore.DefaultLimits.
	Limits *reportstore.Limits
	// Now stamps Meta.GeneratedAt, when that is zero, once the answers are in.
	Now func() time.Time
	// Dismissals is the dismissal ledger; nil loads the repository's
	// (Set.Root's .quorum/dismissed.yaml and the git dir's), so `quorum
	// review`, the hook and --replay all apply it. Inline quorum:ignore
	// comments in the diff apply either way.
	Dismissals *dismiss.Ledger
}

// Result is what a review produced. Raw is always set; Report is nil only
// when Review returned an error.
type Result struct {
	Raw *review.Raw
	// RunErr is set when no reviewer answered anything (a *run.NoAnswerError
	// or the server's own error); the report then rests on nobody.
	RunErr error
	Report *report.Report
	// Dir is the saved report's directory; SaveErr why it could not be saved:
	// a setup error (exit 2, a full or read-only disk) with a hint. Callers
	// that printed the report warn with it and let the verdict decide the
	// exit code.
	Dir     string
	SaveErr error
	// CacheErr says the cache has no directory or could not be written (a
	// setup error with a hint): the review is complete, but what it asked
	// is not kept for the next one.
	CacheErr error
}

// Review is the whole review, one stage per line:
//
//	Set → Plan → Raw → Anchored (+ Rejected) → [judge] → Clusters → Report → saved bytes
//
// `quorum review`, the pre-push hook and `--replay` all call it; a new stage
// (a verification pass, dismissals) is one line here. Everything after Raw
// is a pure function of the raw answers. s may be nil when req.Raw is set.
func Review(ctx context.Context, s *Session, req Request) (*Result, error) {
	res := &Result{Raw: req.Raw}
	// Before any model is asked: a ledger that cannot be read would
	// otherwise throw the finished review away.
	ledger, err := LoadDismissals(req)
	if err != nil {
		return res, err
	}
	if res.Raw == nil {
		prep := s.Plan(req.Set, readNewOf(ctx, req)) // Set → Plan
		res.Raw, res.RunErr = s.Run(ctx, prep)       // Plan → Raw
		res.CacheErr = s.CacheErr()
	}
	if req.Meta.GeneratedAt.IsZero() && req.Now != nil {
		req.Meta.GeneratedAt = req.Now()
	}
	index := anchor.NewIndex(req.Set)
	anchored := index.All(res.Raw) // Raw → Anchored + Rejected
	if req.Raw == nil && res.RunErr == nil {
		res.Raw.Judge = s.Judge(ctx, req.Set, anchored.Findings) // Anchored → the judge's answer (merge.judge), kept with the raw answers
	}
	grouped := merge.Group(req.Set.Files, anchored.Findings, res.Raw.Judge) // Anchored (+ the judge's answer) → Clusters
	dismissed := dismiss.NewStage(ledger, req.Set, index)                   // Clusters → Dismissed (applied before the gate)
	rep, err := report.Build(report.Input{Set: req.Set, Raw: res.Raw, Anchored: anchored, Clusters: grouped.Clusters, Grouping: report.GroupingOf(res.Raw.Judge, grouped.Judged, grouped.Note),
		Rules: grouped.Rules, Dismiss: dismissed.Dismiss, WhyNot: dismissed.WhyNot, Copies: dismissed.Copies}, req.Policy, req.Meta) // → Report (never weaker than grouped.Rules)
	if err != nil {
		return res, exitcode.Setupf("check --fail-on, --min-agreement and --severity-policy", "%v", err)
	}
	res.Report = rep
	// Stopped (Ctrl-C, timeout) before any answer: there is nothing to
	// keep, so no empty report is saved, even with SaveUnanswered.
	stoppedEmpty := res.Raw.Interrupted && rep.Verdict.RestsOn == 0
	if req.GitDir != "" && (res.RunErr == nil || req.SaveUnanswered) && !stoppedEmpty {
		res.Dir, res.SaveErr = save(req.GitDir, req.Meta.GeneratedAt, rep, res.Raw, req.Set, limitsOf(s, req), req.KeepReports) // Report → saved bytes
	}
	return res, nil
}

// Consolidate is Review's pure part, for callers that hold raw answers:
// Raw → Anchored (+ Rejected) → Clusters → Report.
func Consolidate(set *diff.Set, raw *review.Raw, policy report.Policy, meta report.Meta) (*report.Report, error) {
	res, err := Review(context.Background(), nil, Request{Set: set, Raw: raw, Policy: policy, Meta: meta})
	if err != nil {
		return nil, err
	}
	return res.Report, nil
}

// LoadDismissals is the request's ledger, loaded from the repository when
// the caller gave none: the one place reviews read it. Review calls it
// first; callers that talk to a model server before Review (opening the
// session, checking models) call it before that and pass the ledger in
// Request.Dismissals, so a bad ledger fails before any request.
func LoadDismissals(req Request) (*dismiss.Ledger, error) {
	if req.Dismissals != nil || req.Set == nil || req.Set.Root == "" {
		return req.Dismissals, nil
	}
	gitDir := req.GitDir
	if gitDir == "" {
		gitDir, _ = diff.GitDir(req.Set.Root) // a replayed diff's repository may be gone
	}
	l, err := dismiss.Load(req.Set.Root, gitDir)
	if err != nil {
		return nil, exitcode.New(exitcode.Setup, err, dismiss.Hint(req.Set.Root, err))
	}
	committed, applies, err := committedLedger(req.Set)
	if data, ok := SparseLedger(context.Background(), req.Set.Root); ok && err == nil && !applies {
		// The work tree's shared ledger, which a sparse checkout leaves
		// in the index only; not read when the commits' own applies.
		sparse, err := dismiss.Parse(data, dismiss.SharedPath(req.Set.Root)+" (in the index; the sparse checkout leaves it out)", dismiss.SourceShared)
		if err != nil {
			return nil, exitcode.New(exitcode.Setup, err, "git sparse-checkout add .quorum, then fix the file")
		}
		l.Entries = append(sparse.Entries, l.Entries...)
	}
	if err != nil {
		// A commit's file cannot be edited where it is: it is fixed on
		// the branch that carries it.
		return nil, exitcode.New(exitcode.Setup, err, "the pushed commits carry this ledger (at "+ShortHead(req.Set)+"): fix "+dismiss.SharedFile+" on their branch and commit it ('quorum dismiss --list' there checks it)")
	} else if applies {
		// The commits' shared ledger, not the checkout's (another
		// branch's); this clone's own local ledger still applies.
		l.Entries = slices.DeleteFunc(l.Entries, func(e dismiss.Entry) bool { return e.Source != dismiss.SourceLocal })
		if committed != nil {
			l.Entries = append(l.Entries, committed.Entries...)
		}
	}
	return l, nil
}

// committedLedger is the shared ledger the reviewed commits carry, when a
// review of them reads it (applies; nil for none): commits other than the
// checkout's HEAD are judged by their own dismissals, so a push of a
// branch gets one verdict from any checkout. A review of the checkout's
// HEAD reads the work tree's file instead: an undismiss, or the file's
// deletion, takes effect before it is committed.
func committedLedger(set *diff.Set) (l *dismiss.Ledger, applies bool, err error) {
	data, applies := committedLedgerData(context.Background(), set)
	if len(data) == 0 {
		return nil, applies, nil
	}
	l, err = dismiss.Parse(data, set.Head.Commit[:min(12, len(set.Head.Commit))]+":"+dismiss.SharedFile, dismiss.SourceShared)
	return l, applies, err
}

// committedLedgerData is the shared ledger file as set's head commit has
// it (nil: none), and whether a review of set reads it rather than the
// work tree's (see committedLedger).
func committedLedgerData(ctx context.Context, set *diff.Set) ([]byte, bool) {
	if !ReadsCommittedLedger(ctx, set.Root, set.Mode, set.Head.Commit) {
		return nil, false
	}
	data, err := diff.ReadNew(ctx, set, dismiss.SharedFile)
	if err != nil {
		return nil, true // the commits carry none
	}
	return data, true
}

// WorkTreeLedgerUnread is, for a review that reads the shared ledger its
// commits carry (commits other than the checkout's HEAD), the warning
// that the work tree's copy differs from it: dismissals recorded since
// ('quorum dismiss' writes the work tree's file) do not apply to these
// commits until they are committed on their branch. nil when the review
// reads the work tree's file, or the two agree.
func WorkTreeLedgerUnread(ctx context.Context, set *diff.Set) error {
	if set == nil || set.Root == "" {
		return nil
	}
	committed, applies := committedLedgerData(ctx, set)
	if !applies {
		return nil
	}
	here := workTreeLedger(ctx, set.Root)
	if here == nil || bytes.Equal(here, committed) {
		return nil // none here: nothing recorded that goes unread
	}
	as := fmt.Sprintf("%s as commit %s has it", dismiss.SharedFile, ShortHead(set))
	if len(committed) == 0 {
		as = fmt.Sprintf("commit %s, which has no %s", ShortHead(set), dismiss.SharedFile)
	}
	return exitcode.WithHint(fmt.Errorf("dismissals were read from %s, not the work tree's copy, which differs: a review of commits other than the checkout's HEAD reads the ledger they carry", as),
		"commit "+dismiss.SharedFile+" on the reviewed branch for its dismissals to apply there, then review again")
}

// ReadsCommittedLedger reports whether a review of commits up to head (in
// mode, of the repository at root) reads the shared ledger those commits
// carry rather than the work tree's: commits, not the checkout's HEAD.
func ReadsCommittedLedger(ctx context.Context, root, mode, head string) bool {
	if mode != diff.ModeRange && mode != diff.ModeCommits || head == "" || root == "" {
		return false
	}
	out, err := (*gitexec.Git)(nil).In(root).Output(ctx, "rev-parse", "-q", "--verify", "HEAD^{commit}")
	return err != nil || strings.TrimSpace(string(out)) != head // else the checkout's own: the work tree decides
}

// CommittedLedgerKey names the shared ledger a review of set reads (the
// work tree's, or the one its commits carry): a hash of its content, ""
// for none. Two ranges of one push whose keys differ dismiss differently
// (a dismissal committed on one branch only), so they are never reviewed
// as one, nor one's file for the other's.
func CommittedLedgerKey(ctx context.Context, set *diff.Set) string {
	data, applies := committedLedgerData(ctx, set)
	if !applies && set.Root != "" {
		data = workTreeLedger(ctx, set.Root) // none: ""
	}
	if len(data) == 0 {
		return ""
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

func readNewOf(ctx context.Context, req Request) func(string) ([]byte, error) {
	if req.ReadNew != nil {
		return func(p string) ([]byte, error) { return req.ReadNew(ctx, p) }
	}
	return func(p string) ([]byte, error) { return diff.ReadNew(ctx, req.Set, p) }
}

// save writes the report with the raw answers and the diff, so `--replay`
// and `quorum report` can use it.
func save(gitDir string, at time.Time, r *report.Report, raw *review.Raw, set *diff.Set, lim *reportstore.Limits, keep []string) (string, error) {
	dir, err := reportstore.SaveBundle(gitDir, at, ShortHead(set), reportstore.Bundle{Report: r, Raw: raw, Diff: set, Limits: lim, Keep: keep})
	if err != nil {
		// A full or read-only disk is the machine's state, not a bug.
		return "", exitcode.New(exitcode.Setup, err, "free disk space and check that "+gitDir+" is writable ('quorum report list' shows saved reports); the review itself finished")
	}
	return dir, nil
}

// limitsOf is how saved reports are pruned after this review's is saved.
func limitsOf(s *Session, req Request) *reportstore.Limits {
	if req.Limits != nil || s == nil || s.opts.Config == nil {
		return req.Limits
	}
	return LimitsOf(s.opts.Config)
}

// LimitsOf are the config's bounds on saved reports.
func LimitsOf(cfg *config.Config) *reportstore.Limits {
	return &reportstore.Limits{Keep: cfg.Reports.Keep, MaxBytes: int64(cfg.Reports.MaxMB) * reportstore.MB}
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
