// This file judges a saved report as the push's hook would now: its gate,
// its severity policy, and the dismissals the push carries.

package statuscmd

import (
	"fmt"
	"maps"
	"slices"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/dismiss"
	"github.com/quorum-review/quorum/review/plan"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/run"
)

// cacheState says whether caching is off now, and how many answers of the
// review saved in dir are not in the cache now: a push asks for those
// again. A review saved before answers recorded their keys counts none.
func cacheState(cfg *config.Config, dir string, getenv func(string) string) (off bool, uncached int) {
	if !cfg.Cache {
		return true, 0
	}
	raw, err := reportstore.LoadRaw(dir)
	if err != nil {
		return false, -1 // its answers cannot be read: unknown
	}
	cacheDir, err := cache.DefaultDir(getenv)
	if err != nil {
		return true, 0
	}
	c := cache.New(cacheDir)
	keyed, keyless := false, 0
	for _, res := range raw.Results {
		for _, ch := range res.Chunks {
			switch {
			case ch.Answer == nil:
			case ch.CacheKey == "":
				keyless++ // its write failed, or the review predates keys
			case !run.StillCached(c, ch.CacheKey):
				keyed = true
				uncached++
			default:
				keyed = true
			}
		}
	}
	if keyed {
		// A review that keys its answers left these out of the cache.
		uncached += keyless
	}
	return false, uncached
}

// settingsChanged names what the configuration now sets differently from
// the report rep: the context level, the panel (when the config names
// one; a default panel depends on the server's models).
func settingsChanged(cfg *config.Config, rep *report.Report) []string {
	var changed []string
	// "" is the default level; a report made before the option was
	// recorded has no "context" key and is not second-guessed.
	if c, ok := rep.Options["context"]; ok {
		was, err1 := plan.ParseContext(c)
		now, err2 := plan.ParseContext(cfg.Context)
		if err1 == nil && err2 == nil && was != now {
			changed = append(changed, "context")
		}
	}
	if len(cfg.Models) > 0 {
		var want, had []string
		// alpha, alpha:latest and library/alpha are one model, and
		// share the cache.
		for _, m := range cfg.Models {
			want = append(want, review.ModelName(m.Name))
		}
		for _, rv := range rep.Reviewers {
			had = append(had, review.ModelName(rv.Name))
		}
		slices.Sort(want)
		slices.Sort(had)
		if !slices.Equal(want, had) {
			changed = append(changed, "models")
		}
	}
	return changed
}

// judge re-judges a saved report as a push would now: by the pre-push
// hook's gate when the report was judged by another one (its verdict says
// what that gate made of the findings, not what a push will do), and with
// the dismissal ledger as it is now, as the hook applies it: a finding
// dismissed since the review no longer blocks, one whose dismissal was
// taken back (or no longer covers it) does. It sets HookGate and
// HookBlocking when the gates differ or the dismissals changed, and names
// the findings at the place of a dismissal that does not cover them.
func judge(st *Status, cfg *config.Config, rep *report.Report, set *diff.Set, l *dismiss.Ledger) {
	hook := hookPolicy(cfg)
	if hook.FailOn == "" {
		return
	}
	otherPolicy, kept := hookKept(hook, rep, set, l, st)
	otherGate := otherPolicy || hook.FailOn != rep.Policy.FailOn || max(hook.MinAgreement, 1) != max(rep.Policy.MinAgreement, 1)
	if !otherGate && st.DismissedSince == 0 && st.UndismissedSince == 0 {
		return
	}
	n := countBlocking(hook, kept)
	st.HookGate, st.HookBlocking = fmt.Sprintf("fail_on %s, min agreement %d", hook.FailOn, max(hook.MinAgreement, 1)), &n
	if otherPolicy {
		st.HookGate += ", severity policy " + hook.Severity
	}
}

// hookPolicy is the pre-push hook's gate and severity policy (the zero
// Policy when the config's cannot be normalised).
func hookPolicy(cfg *config.Config) report.Policy {
	p, err := report.Policy{Severity: cfg.SeverityPolicy, FailOn: cfg.Hook.FailOn, MinAgreement: cfg.Hook.MinAgreement}.Normalize()
	if err != nil {
		return report.Policy{}
	}
	return p
}

// hookKept are the findings of rep that count at a push now: severities
// decided again by the hook's (hookPolicy) severity policy when the review used another
// (otherPolicy), and the ledger l (nil: none) applied as applyLedger does
// (set is the diff the review saved, which a dismissal's places are read
// from; nil when there is none),
// noting in st what it changed.
func hookKept(hook report.Policy, rep *report.Report, set *diff.Set, l *dismiss.Ledger, st *Status) (otherPolicy bool, kept []report.Finding) {
	if otherPolicy = hook.FailOn != "" && hook.Severity != rep.Policy.Severity; otherPolicy {
		rep = withSeverityPolicy(rep, hook)
	}
	if l == nil {
		return otherPolicy, rep.Findings
	}
	return otherPolicy, applyLedger(st, rep, set, l)
}

func countBlocking(p report.Policy, fs []report.Finding) int {
	n := 0
	for _, f := range fs {
		if p.Blocks(f) {
			n++
		}
	}
	return n
}

// withSeverityPolicy is rep with each finding's severity decided again from
// its reviewers' votes by policy p's severity policy, as a push under p
// would decide it (the dismissal ledger then bounds by that severity).
func withSeverityPolicy(rep *report.Report, p report.Policy) *report.Report {
	r := *rep
	decide := func(fs []report.Finding) []report.Finding {
		out := slices.Clone(fs)
		for i := range out {
			out[i].Severity = p.Decide(slices.Sorted(maps.Values(out[i].Votes)))
		}
		return out
	}
	r.Findings, r.Dismissed = decide(rep.Findings), decide(rep.Dismissed)
	return &r
}

// pushLedger is the ledger a push of set's commits reads
// (pipeline.LoadDismissals): the work tree's, or, where the work tree has
// none, the one those commits carry. l is the work tree's, returned when
// set tells no commits (nil: an unreadable saved diff) or the commits'
// ledger cannot be read.
func pushLedger(set *diff.Set, root, gitDir string, l *dismiss.Ledger) *dismiss.Ledger {
	if set == nil || l == nil {
		return l
	}
	here := *set // read from this work tree, as a push from it would
	here.Root = root
	withCommitted, err := pipeline.LoadDismissals(pipeline.Request{Set: &here, GitDir: gitDir})
	if err != nil {
		return l
	}
	return withCommitted
}

// applyLedger applies the ledger l to the findings of rep, as a review
// would now, and returns those that count. An inline quorum:ignore stays
// as the review found it (it is in the reviewed commits). It counts the
// findings the ledger dismisses since the review and those it no longer
// does, and lists the findings that count although a dismissal is at
// their place (with why it does not cover them).
func applyLedger(st *Status, rep *report.Report, set *diff.Set, l *dismiss.Ledger) []report.Finding {
	stage := dismiss.NewStage(l, set, nil)
	match, whyNot := stage.Dismiss, stage.WhyNot
	var kept []report.Finding
	for _, f := range rep.Findings {
		if _, ok := match(f); ok {
			st.DismissedSince++
			continue
		}
		kept = append(kept, f)
	}
	for _, f := range rep.Dismissed {
		if f.Dismissal != nil && f.Dismissal.Source == dismiss.SourceInline {
			continue
		}
		if _, ok := match(f); !ok {
			st.UndismissedSince++
			kept = append(kept, f)
		}
	}
	for _, f := range kept {
		if why := whyNot(f); why != "" {
			st.NotDismissed = append(st.NotDismissed, NotDismissed{ID: f.ID, Severity: f.Severity, File: f.File, Line: f.Line, Why: why})
		}
	}
	return kept
}
