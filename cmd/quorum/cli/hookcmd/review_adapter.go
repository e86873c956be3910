package hookcmd

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/ahead"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/gitexec"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/progress"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/run"
)

// This file wires the shared review pipeline (internal/pipeline, the same
// steps and cache keys as `quorum review`) into `quorum hook run`.

// Version is the tool version recorded in the hook's reports; the CLI root sets it.
var Version = "dev"

// pipelineReviewer is the Reviewer hook run uses unless RunOptions.Reviewer is set.
type pipelineReviewer struct {
	now    func() time.Time
	getenv func(string) string
	// ios gets the review's progress on stderr: bars on a terminal, one
	// line per step otherwise (a push can take minutes).
	ios *iostreams.IOStreams
}

var _ Reviewer = (*pipelineReviewer)(nil)

// Review reviews the whole push: the ranges are loaded one by one (a
// diff.Set has one base), newest head first, and merged into as few
// reviews as hold every pushed version of every file (reviewPasses: a
// file two pushed branches change differently is reviewed as each has
// it). Each review is asked of the panel under the hook's one deadline,
// consolidated, gated and saved as its own report; the outcomes are
// joined (joinOutcomes), so any one blocks the push.
func (p *pipelineReviewer) Review(ctx context.Context, req ReviewRequest) (Outcome, error) {
	cfg := req.Config
	gitDir, err := diff.GitDir(req.Dir)
	if err != nil {
		return Outcome{}, err
	}
	ranges, err := hook.NewestFirst(ctx, req.Dir, req.Ranges)
	if err != nil {
		return Outcome{}, err
	}
	sets := make([]*diff.Set, 0, len(ranges))
	var refs, spans []string
	refsOf := map[string][]string{} // a loaded range (rangeKey) -> its pushed refs
	for _, r := range ranges {
		set, err := diff.Load(ctx, diff.Options{Dir: req.Dir, Commits: r.String(), Ignore: cfg.Ignore})
		if err != nil {
			return Outcome{}, err
		}
		if len(r.Refs) > 0 && set.Head.Ref == set.Head.Commit {
			// The pushed ref names the head, not its commit twice.
			set.Head.Ref = strings.TrimPrefix(r.Refs[0], "refs/heads/")
		}
		switch {
		case len(r.Sides) > 0:
			// A base quorum wrote (hook.Range.Sides): the report names
			// what it is, not only a commit no branch has.
			set.Base.Ref = "git's merge of " + strings.Join(hook.SideNames(ctx, req.Dir, r.Sides), " and ")
		case set.Base.Ref == set.Base.Commit && r.Base != req.EmptyTree:
			// The base commit, named as a review's is (origin/main), not
			// by its 40 hex digits again: only the report's name of it.
			set.Base.Ref = hook.SideNames(ctx, req.Dir, []string{set.Base.Commit})[0]
		}
		sets = append(sets, set)
		refs = append(refs, r.Refs...)
		spans = append(spans, r.String())
		refsOf[rangeKey(set)] = r.Refs
	}
	passes, err := reviewPasses(ctx, sets)
	if err != nil {
		return Outcome{}, err
	}
	attrs := changesAttributes(sets) || worktreeAttributes(ctx, req.Dir, ranges)
	// Each part's report is named by the push's message: pruning after a
	// later part's save must not remove an earlier one.
	var saved []string
	return reviewAll(passes, func(pass []*diff.Set) (Outcome, error) {
		merged, err := pipeline.Merge(pass...)
		if err != nil {
			return Outcome{}, exitcode.New(exitcode.Internal, err, "this is a bug in quorum; "+skipHint)
		}
		out, err := p.reviewOne(ctx, req, gitDir, merged, reportRanges(pass, refsOf), refs, spans, attrs, saved)
		if out.ReportPath != "" {
			saved = append(saved, filepath.Dir(out.ReportPath))
		}
		return out, err
	})
}

// rangeKey names the range a set was loaded from; the parts of it a
// review takes (reviewPasses) keep its base and head.
func rangeKey(s *diff.Set) string { return s.Base.Commit + ".." + s.Head.Commit }

// reportRanges are the ranges one review of the push covers, each with
// its refs: the report names them all, not only the first set's base and
// head, which the merged set keeps (pipeline.Merge).
func reportRanges(pass []*diff.Set, refsOf map[string][]string) []report.Range {
	out := make([]report.Range, 0, len(pass))
	for _, s := range pass {
		out = append(out, report.Range{Base: s.Base, Head: s.Head, Refs: slices.Clone(refsOf[rangeKey(s)])})
	}
	return out
}

// interruptedError is a review stopped by a signal, with the blocking
// findings its finished answers hold (found.Blocking) and its saved
// report: the push is refused all the same, and the user sees what was
// found before the interruption.
type interruptedError struct{ found Outcome }

func (e *interruptedError) Error() string { return "review interrupted: " + context.Canceled.Error() }
func (e *interruptedError) Unwrap() error { return context.Canceled }

// reviewAll makes the push's reviews, one per pass (reviewPasses), and
// joins their outcomes.
func reviewAll(passes [][]*diff.Set, reviewOne func([]*diff.Set) (Outcome, error)) (Outcome, error) {
	var outs, left []Outcome
	var firstDown *Outcome
	var firstErr error
	for i, pass := range passes {
		out, err := reviewOne(pass)
		switch {
		case errors.Is(err, context.Canceled):
			// A signal: a block an earlier review found is still the
			// push's (and remembered), the rest unread; else it is refused.
			if slices.ContainsFunc(outs, func(o Outcome) bool { return o.Blocked }) {
				return joinOutcomes(append(append(outs, left...), unfinished(passes[i:], Outcome{Reason: "the review was interrupted"}))), nil
			}
			return Outcome{}, err
		case err != nil:
			// A review that cannot be made (hook.timeout reached as it
			// opens the panel, say): the others are still made.
			firstErr = cmp.Or(firstErr, err)
			left = append(left, unfinished(passes[i:i+1], Outcome{Reason: err.Error(), Fix: errmap.HookHint(err),
				TimedOut: errors.Is(err, context.DeadlineExceeded)}))
		case out.Unavailable:
			// Every reviewer failed this one: the next may still be read
			// (the server answers), so what a bug on another ref draws
			// does not depend on the order of the refs.
			if firstDown == nil {
				firstDown = &out
			}
			left = append(left, unfinished(passes[i:i+1], out))
		default:
			outs = append(outs, out)
		}
	}
	if !slices.ContainsFunc(outs, func(o Outcome) bool { return !o.NothingReviewed }) {
		// Nothing read: as for a push of one review.
		switch {
		case firstErr != nil:
			return Outcome{}, firstErr
		case firstDown != nil:
			return *firstDown, nil
		}
	}
	return joinOutcomes(append(outs, left...)), nil
}

// unfinished is the outcome of the reviews the server or panel could not
// make (out says why) after an earlier one of the same push read
// something: a partial review of the files they held.
func unfinished(passes [][]*diff.Set, out Outcome) Outcome {
	var files []string
	for _, pass := range passes {
		for _, s := range pass {
			for _, f := range s.Reviewable() {
				files = append(files, f.Path)
			}
		}
	}
	n := len(files)
	return Outcome{
		Partial: fmt.Sprintf("%d file%s in another pushed version read by no reviewer (%s): %s", n, cmdutil.Plural(n),
			safetext.OneLine(report.FirstFew(files)), safetext.OneLine(out.Reason)),
		Unfinished: true, TimedOut: out.TimedOut, Fix: out.Fix, Warning: out.Warning, WarningHint: out.WarningHint,
	}
}

// reviewOne is one review of the push: merged's files, each in one
// version, asked of the panel, consolidated, gated and saved.
// ranges are the ranges it covers, which its report names;
// attrs says the push changes a .gitattributes (selfExempt).
func (p *pipelineReviewer) reviewOne(ctx context.Context, req ReviewRequest, gitDir string, merged *pipeline.Merged, ranges []report.Range, refs, spans []string, attrs bool, saved []string) (Outcome, error) {
	cfg := req.Config
	set := merged.Set
	if set.Empty() {
		// Only skipped files (lockfiles, binaries, ignored, generated or
		// too large), or none changed: no model is asked, and RunPush says
		// that nothing was reviewed, naming the skipped files.
		// Its gaps are said too, for a push of several reviews (joinOutcomes).
		return Outcome{NothingReviewed: true, Skipped: slices.Clone(set.Skipped), TooLarge: len(set.TooLarge()) > 0,
			SelfExempt: selfExempt(ctx, req.Dir, set, attrs)}, nil
	}
	// A file over the size limit is changed code no reviewer read: the
	// review is partial, never "reviewed" (RunPush).
	tooLarge := set.TooLarge()
	policy, err := report.Policy{Severity: cfg.SeverityPolicy, FailOn: req.Gate.FailOn, MinAgreement: req.Gate.MinAgreement}.Normalize()
	if err != nil {
		return Outcome{}, exitcode.WithHint(err, "fix hook.fail_on, hook.min_agreement or severity_policy (see 'quorum config show')")
	}
	// A ledger that cannot be read blocks the push before Ollama is asked
	// (as a bad .quorum.yaml does, whatever hook.on_unavailable says): after
	// the review, it would throw the finished review away.
	ledger, err := pipeline.LoadDismissals(pipeline.Request{Set: set, GitDir: gitDir})
	if err != nil {
		return Outcome{}, exitcode.WithHint(err, exitcode.HintOf(err)+"; "+skipHint)
	}
	// Ollama is asked only once there is something to review: a push of
	// lockfiles goes through even when the server is down.
	var obs run.Observer
	if p.ios != nil {
		prog := progress.New(p.ios, false, p.now)
		defer prog.Close() // before RunPush prints the verdict
		obs = prog
	}
	session, err := pipeline.Open(ctx, pipeline.Options{Config: cfg, Getenv: p.getenv, Now: p.now, Observer: obs})
	if err != nil {
		if pipeline.Unavailable(err) {
			// The generic "start Ollama" unless the setting that named the
			// address is known (errmap.WithHostOrigin).
			o := Outcome{Unavailable: true, Reason: unavailableReason(err, cfg.OllamaHost)}
			if withOrigin := errmap.WithHostOrigin(err, cfg); withOrigin != err {
				o.Fix = errmap.HookHint(withOrigin)
			}
			return o, nil
		}
		return Outcome{}, err // a refused remote host is the user's decision, not an outage
	}
	// A panel model that is an embedding model is a configuration error,
	// not an outage: it blocks the push (exit 2) whatever
	// hook.on_unavailable says, as a bad .quorum.yaml does, instead of
	// failing late and letting the push through unreviewed.
	if err := cmdutil.CheckChatModels(ctx, session); err != nil {
		return Outcome{}, exitcode.New(exitcode.Setup, err, notChatHookHint)
	}
	// So is one model named twice: its two reviews would agree with
	// themselves and could block (or pass) a push on one opinion.
	if err := cmdutil.CheckDistinctModels(ctx, session); err != nil {
		return Outcome{}, exitcode.New(exitcode.Setup, err, sameWeightsHookHint)
	}
	// A gate more reviewers must agree on than the panel has could never
	// block a push: configuration, not a pass.
	if n := len(session.Reviewers); policy.MinAgreement > n && policy.FailOn != report.FailOnNone {
		return Outcome{}, exitcode.New(exitcode.Setup,
			fmt.Errorf("hook.min_agreement %d needs more reviewers than the panel's %d: no finding could block a push", policy.MinAgreement, n),
			fmt.Sprintf("lower hook.min_agreement to at most %d, or add models to models: (.quorum.yaml or the user config); %s", n, skipHint))
	}
	res, err := pipeline.Review(ctx, session, pipeline.Request{
		Set:         set,
		KeepReports: saved,
		ReadNew:     merged.ReadNew,
		Policy:      policy,
		Meta: report.Meta{
			Branch:      reportstore.ShortBranch(strings.Join(dedupe(refs), ", ")), // feat, as quorum review names it
			ToolVersion: Version,
			Ranges:      ranges,
			Options: map[string]string{
				"trigger": trigger(req), "remote": req.Remote, "ranges": strings.Join(spans, " "),
				"fail_on": policy.FailOn, "min_agreement": fmt.Sprint(policy.MinAgreement),
				"context": cfg.Context,
			},
		},
		Now:        p.now,
		GitDir:     gitDir,
		Dismissals: ledger,
		// A push nobody could review is saved too, so its report says why;
		// a background review nobody answered did nothing and saves nothing.
		SaveUnanswered: req.Trigger != ahead.TriggerAhead,
	})
	if err != nil {
		return Outcome{}, err
	}
	raw, runErr, rep, dir := res.Raw, res.RunErr, res.Report, res.Dir
	// Run always returns the raw results; an error means nobody answered
	// (an interrupted run returns none).
	typos := cmdutil.MissingTypos(ctx, session, raw)
	if runErr != nil && pipeline.Unavailable(runErr) {
		fix := cmdutil.WithTypos(errmap.HookHint(errmap.WithHostOrigin(runErr, cfg)), typos)
		return Outcome{Unavailable: true, Reason: unavailableReason(runErr, cfg.OllamaHost), Fix: fix}, nil
	}
	// A report that could not be saved still gates the push.
	saveErr := res.SaveErr
	out := Outcome{Typos: typos}
	if dir != "" {
		out.ReportPath = dir + string(os.PathSeparator) + reportstore.ReportMD
	}
	out.Verdict = rep.Verdict.Text
	// Blocked on findings only: a file nobody read is a partial review,
	// which hook.on_unavailable decides about (RunPush), not a finding.
	out.Blocked = rep.GateTripped() && rep.Verdict.Blocking > 0
	out.Dismissed = len(rep.Dismissed)
	for _, f := range rep.Findings {
		if out.Blocked && rep.Policy.Blocks(f) {
			out.Blocking = append(out.Blocking, hookFinding(f))
			continue
		}
		if out.Below == nil {
			out.Below = map[string]int{}
		}
		out.Below[f.Severity]++
	}
	var partial, missing []string
	if saveErr != nil {
		// Not a gap in the review: the gate stands, but nothing can refer
		// to the report (report show, dismiss), which RunPush says.
		out.SaveErr = safetext.OneLine(saveErr.Error())
	}
	stopped := map[string]bool{} // reviewers the timeout reached before their first answer
	for _, r := range raw.Results {
		if r.StoppedBeforeAnswering() {
			stopped[r.Reviewer.Name] = true
		}
	}
	nothingAsked := rep.NothingAsked() // reviewers no file fit even a line at a time: they read nothing
	for _, rv := range rep.Reviewers {
		switch {
		case rv.Status == review.StatusMissing:
			missing = append(missing, rv.Model)
		case stopped[rv.Name]:
			partial = append(partial, rv.Name+" stopped before answering")
		case rv.Status == review.StatusFailed, rv.Status == review.StatusPartial:
			partial = append(partial, fmt.Sprintf("%s %s", rv.Name, rv.Status))
		case slices.Contains(nothingAsked, rv.Name):
			// No file fit its context: it read nothing, so the push rests
			// on fewer reviewers than the panel (min_agreement may not be
			// met), whatever the others read.
			partial = append(partial, rv.Name+" read nothing (no changed file fit its context)")
		}
	}
	if raw.Interrupted && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		// A signal, not hook.timeout: RunPush refuses the push, and says
		// what the reviewers that finished found by then.
		found := Outcome{ReportPath: out.ReportPath}
		for _, f := range rep.Findings {
			if rep.Policy.Blocks(f) {
				found.Blocking = append(found.Blocking, hookFinding(f))
			}
		}
		return Outcome{}, &interruptedError{found: found}
	}
	var warning, warningHint string
	// Each thing the finished review could not do is said, hints joined.
	for _, err := range []error{res.CacheErr, pipeline.JudgeUnused(rep.Grouping, cfg.JudgeAPI())} {
		if err == nil {
			continue
		}
		if warning != "" {
			warning, warningHint = warning+"; "+err.Error(), warningHint+"; "+exitcode.HintOf(err)
		} else {
			warning, warningHint = err.Error(), exitcode.HintOf(err)
		}
	}
	if raw.Interrupted && rep.Verdict.RestsOn == 0 {
		return Outcome{Unavailable: true, TimedOut: true, Reason: fmt.Sprintf("the review did not finish within hook.timeout (%s)", req.Timeout),
			Warning: warning, WarningHint: warningHint}, nil
	}
	if raw.Interrupted {
		partial = append(partial, fmt.Sprintf("hook.timeout (%s) expired before the review finished", req.Timeout))
	} else if rep.Verdict.RestsOn == 0 && !out.Blocked {
		// The run's error says what went wrong (a server that failed
		// mid-answer, unusable answers): its hint, not "start Ollama".
		return Outcome{Unavailable: true, Reason: "no reviewer could answer (" + rep.Verdict.Text + ")", ReportPath: out.ReportPath, Fix: cmdutil.WithTypos(errmap.HookHint(errmap.WithHostOrigin(runErr, cfg)), typos)}, nil
	}
	// The verdict counts a file over the size limit as unread too; it is
	// said once, below, with its own cause.
	unread := slices.DeleteFunc(slices.Clone(rep.Verdict.Unread), func(p string) bool { return slices.Contains(tooLarge, p) })
	if n := len(unread); n > 0 {
		out.Unread = true
		out.UnreadCut = slices.ContainsFunc(unread, rep.TruncatedFor)
		// The cause, beside the hint that answers it: a context too small
		// is not a server to check.
		why := ""
		if out.UnreadCut {
			why = map[bool]string{true: "it did not fit a reviewer's context; ", false: "not all of them fit a reviewer's context; "}[n == 1]
		}
		partial = append(partial, fmt.Sprintf("%d file%s read by no reviewer (%s; %ssee the report's coverage)",
			n, cmdutil.Plural(n), safetext.OneLine(report.FirstFew(report.ShownPaths(unread))), why))
	}
	if n := len(tooLarge); n > 0 {
		shown := make([]string, n)
		for i, p := range tooLarge {
			shown[i] = safetext.Path(p)
		}
		partial = append(partial, fmt.Sprintf("%d file%s over the size limit sent to no reviewer (%s)",
			n, cmdutil.Plural(n), report.FirstFew(shown)))
		out.TooLarge = true
	}
	if exempt := selfExempt(ctx, req.Dir, set, attrs); len(exempt) > 0 {
		n := len(exempt)
		partial = append(partial, fmt.Sprintf("%d file%s skipped by .gitattributes that are not the remote's (%s)",
			n, cmdutil.Plural(n), safetext.OneLine(report.FirstFew(exempt))))
		out.SelfExempt = exempt
	}
	if few := rep.ReadByFewer(rep.Policy.MinAgreement); len(few) > 0 && !out.Blocked && rep.Policy.FailOn != report.FailOnNone {
		// Said whatever else is partial: no finding there could trip a
		// gate of this agreement.
		partial = append(partial, fmt.Sprintf("%s read in full by fewer reviewers than min agreement %d",
			safetext.OneLine(report.FirstFew(report.ShownPaths(few))), rep.Policy.MinAgreement))
	} else if len(partial) == 0 && rep.Verdict.Status == report.VerdictIncomplete && !out.Blocked {
		// Whatever else leaves the review incomplete (min_agreement no
		// finding could meet): never a whole review's pass.
		partial = append(partial, strings.TrimPrefix(rep.Verdict.Text, "incomplete: "))
	}
	out.TimedOut = raw.Interrupted
	out.Partial = strings.Join(partial, "; ")
	out.Warning, out.WarningHint = warning, warningHint
	// A panel model missing while others answered: the review ran with
	// fewer reviewers, which hook.on_unavailable decides about.
	if len(missing) > 0 {
		out.Missing = dedupe(missing)
		out.Reviewed, out.Panel = rep.Verdict.RestsOn, rep.Verdict.Panel
	}
	return out, nil
}

// changesAttributes reports whether one of the push's diffs changes a
// .gitattributes.
func changesAttributes(sets []*diff.Set) bool {
	for _, set := range sets {
		for _, f := range set.Files {
			if path.Base(f.Path) == ".gitattributes" || path.Base(f.OldPath) == ".gitattributes" {
				return true
			}
		}
		for _, sk := range set.Skipped {
			if path.Base(sk.Path) == ".gitattributes" {
				return true
			}
		}
	}
	return false
}

// worktreeAttributes reports whether the attributes git reads (the work
// tree's .gitattributes files) may not be the pushed commits': one is
// changed, staged or untracked in the work tree, or the checked-out
// commit's differ from a pushed head's. git 2.39 reads attributes only
// from the work tree, so either could exempt pushed code.
func worktreeAttributes(ctx context.Context, dir string, ranges []hook.Range) bool {
	const spec = ":(glob)**/.gitattributes"
	git := &gitexec.Git{Dir: dir}
	out, err := git.Output(ctx, "status", "--porcelain", "--untracked-files=all", "--", spec)
	if err != nil {
		return false // no work tree (a bare repository): no .gitattributes of its own
	}
	if len(bytes.TrimSpace(out)) > 0 {
		return true
	}
	for _, r := range ranges {
		if _, err := git.Output(ctx, "diff", "--quiet", "HEAD", r.Head, "--", spec); err != nil {
			return true
		}
	}
	return false
}

// selfExempt are the files set skipped by an attribute (binary or -diff,
// linguist-generated, linguist-vendored) when attrs says the attributes
// git read may not be the remote's (changesAttributes, worktreeAttributes):
// a push must not exempt its own code from review, so these are changed
// code no reviewer read, as a file over the size limit is. A file skipped
// by its own header or a vendor/ directory is not one of them.
func selfExempt(ctx context.Context, dir string, set *diff.Set, attrs bool) []string {
	if !attrs {
		return nil
	}
	var out, ask []string
	for _, sk := range set.Skipped {
		switch sk.Reason {
		case diff.SkipBinaryAttr:
			out = append(out, sk.Path)
		case diff.SkipGenerated, diff.SkipVendored:
			ask = append(ask, sk.Path)
		}
	}
	if len(ask) == 0 {
		return out
	}
	b, err := (&gitexec.Git{Dir: dir}).Output(ctx, append([]string{"check-attr", "-z", "linguist-generated", "linguist-vendored", "--"}, ask...)...)
	if err != nil {
		return append(out, ask...) // cannot tell: as if set by an attribute
	}
	byAttr := map[string]bool{}
	f := strings.Split(string(b), "\x00") // path, attribute, value, ...
	for k := 0; k+2 < len(f); k += 3 {
		if v := f[k+2]; v != "unspecified" && v != "unset" && v != "false" {
			byAttr[f[k]] = true
		}
	}
	for _, p := range ask {
		if byAttr[p] {
			out = append(out, p)
		}
	}
	return out
}

// notChatHookHint is the hint for an embedding model in the hook's panel:
// the hook has no --models, so it names the config files.
const sameWeightsHookHint = "list the model once in models: (.quorum.yaml or the user config); 'ollama list' shows each name's ID; " + skipHint

const notChatHookHint = "name chat models in models: (.quorum.yaml or the user config); 'quorum models' lists the installed models and which can chat; " + skipHint

// unavailableReason is the one-line reason behind hook.on_unavailable.
func unavailableReason(err error, host string) string {
	if errors.Is(err, review.ErrUnreachable) {
		return fmt.Sprintf("ollama is not reachable at %s", host)
	}
	return safetext.OneLine(err.Error())
}

// hookFinding is what the hook shows and remembers of a blocking finding.
func hookFinding(f report.Finding) hook.Finding {
	h := hook.Finding{
		ID: f.ID, Severity: f.Severity, File: f.File, Line: f.Line, EndLine: f.EndLine,
		LineKind: f.LineKind, Deleted: f.Deleted, OldLine: f.OldLine, OldEndLine: f.OldEndLine,
		Title: f.Title, Reviewers: slices.Clone(f.Reviewers), SeenBy: f.SeenBy,
		AllPlaces: f.Copies > 1 || len(f.Places()) > 1,
	}
	var added, gone []string
	for _, l := range f.Code {
		switch {
		case !f.Deleted && l.Kind == "added" && l.New >= f.Line && l.New <= max(f.EndLine, f.Line):
			added = append(added, l.Text)
		case f.Deleted && l.Kind == "deleted" && l.Old >= f.OldLine && l.Old <= max(f.OldEndLine, f.OldLine):
			gone = append(gone, l.Text)
		}
	}
	h.Code, h.Gone = strings.Join(added, "\n"), strings.Join(gone, "\n")
	return h
}

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

// trigger is what started the review, recorded in the report's options
// ("pre-push", or "ahead" for a background review).
func trigger(req ReviewRequest) string {
	if req.Trigger == "" {
		return ahead.TriggerPrePush
	}
	return req.Trigger
}
