package eval

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/dismiss"
	"github.com/quorum-review/quorum/review/report"
)

// Schema names the JSON shape of a Result.
const Schema = "quorum.eval/v1"

// DefaultMaxCleanBlockRate is the clean-case block rate the recommendation
// may not exceed.
const DefaultMaxCleanBlockRate = 0.10

// MaxPanelForSubsets is the largest panel whose every sub-panel is scored
// (2^n - 1 of them); a larger panel is scored whole and model by model.
const MaxPanelForSubsets = 6

// Settings are the scoring parameters, recorded in the result.
type Settings struct {
	// Window is how many lines a finding may be from a truth line and hit.
	Window int `json:"window"`
	// Severity is the per-model threshold: findings at or above it count.
	Severity string `json:"severity"`
	// SeverityPolicy combines reviewers' votes (report.Policy.Severity).
	SeverityPolicy string `json:"severity_policy"`
	// MaxCleanBlockRate bounds the recommendation's clean-case block rate.
	MaxCleanBlockRate float64 `json:"max_clean_block_rate"`
	Seed              int64   `json:"seed"`
	// Requested is --cases.
	Requested int `json:"cases_requested"`
}

// Input is one case and the panel's raw answers to it.
type Input struct {
	Case *Case
	Raw  *review.Raw
	// Cost is what each reviewer's answers to the case cost when they were
	// asked, cached ones included (by reviewer name); nil means the Raw's
	// own metrics, where a cached answer costs nothing.
	Cost map[string]review.Metrics
}

// Result is a scored eval: the JSON document of `quorum eval --format json`.
type Result struct {
	Schema         string          `json:"schema"`
	Settings       Settings        `json:"settings"`
	Counts         Counts          `json:"counts"`
	Cases          []CaseResult    `json:"cases"`
	Skipped        []Skip          `json:"skipped"`
	Models         []ModelScore    `json:"models"`
	Rules          []Rule          `json:"rules"`
	Recommendation *Recommendation `json:"recommendation"`
	// NoRecommendation says why there is none, when there is none.
	NoRecommendation string   `json:"no_recommendation,omitempty"`
	Caveats          []string `json:"caveats"`
}

// Counts are how many cases of each kind were scored, and skipped.
type Counts struct {
	Bug     int `json:"bug"`
	Clean   int `json:"clean"`
	Skipped int `json:"skipped"`
}

// CaseResult is one case and what the whole panel found on it.
type CaseResult struct {
	Case
	// Found lists the reviewers with a finding (at or above Severity)
	// within the window of a truth line (bug cases).
	Found []string `json:"found"`
	// Flagged lists the reviewers with any finding at or above Severity.
	Flagged []string `json:"flagged"`
	// Findings are the panel's consolidated findings, all severities.
	Findings []CaseFinding `json:"findings"`
}

// CaseFinding is one consolidated finding of a case.
type CaseFinding struct {
	File      string   `json:"file"`
	Line      int      `json:"line"`
	EndLine   int      `json:"end_line"`
	Severity  string   `json:"severity"`
	Reviewers []string `json:"reviewers"`
	Support   float64  `json:"support"`
	Hit       bool     `json:"hit"`
	Title     string   `json:"title"`
}

// ModelScore is one reviewer's figures over every case.
type ModelScore struct {
	Name   string `json:"name"`
	Model  string `json:"model"`
	Digest string `json:"digest"`
	// Recall is Found of Bugs: bug cases where the model had a finding at
	// or above Severity within the window of a truth line.
	Recall float64 `json:"recall"`
	Found  int     `json:"found"`
	Bugs   int     `json:"bugs"`
	// Precision is Hits of BugFindings: its findings on bug cases (at or
	// above Severity) that lie within the window of a truth line.
	Precision   float64 `json:"precision"`
	Hits        int     `json:"hits"`
	BugFindings int     `json:"bug_findings"`
	// FindingsPerCleanCase is CleanFindings over Clean: likely false
	// positives (a proxy: clean commits may have bugs too).
	FindingsPerCleanCase float64 `json:"findings_per_clean_case"`
	CleanFindings        int     `json:"clean_findings"`
	Clean                int     `json:"clean"`
	// FailedCases counts cases the model gave no answer for.
	FailedCases int `json:"failed_cases"`
	// WallS and the tokens are what its answers cost when they were asked
	// (a re-run from the cache reports the first run's figures); Requests
	// are this run's, CacheHits the answers that came from the cache.
	WallS     float64 `json:"wall_s"`
	TokensIn  int     `json:"tokens_in"`
	TokensOut int     `json:"tokens_out"`
	Requests  int     `json:"requests"`
	CacheHits int     `json:"cache_hits"`
}

// Rule is one gate over one panel: findings at or above FailOn, found by
// at least MinAgreement of the panel's reviewers (the gate of `quorum
// review`: report.Policy.Blocks, quoted evidence counting 1, else ½).
type Rule struct {
	Panel        []string `json:"panel"`
	MinAgreement int      `json:"min_agreement"`
	FailOn       string   `json:"fail_on"`
	// Recall: bug cases where a blocking finding lies within the window of
	// a truth line.
	Recall float64 `json:"recall"`
	Found  int     `json:"found"`
	// BugBlockRate: bug cases the gate blocks, wherever the finding is.
	BugBlockRate float64 `json:"bug_block_rate"`
	BugBlocked   int     `json:"bug_blocked"`
	// CleanBlockRate: clean cases the gate blocks.
	CleanBlockRate float64 `json:"clean_block_rate"`
	CleanBlocked   int     `json:"clean_blocked"`
}

// Recommendation is the rule with the highest recall whose clean block
// rate is within the limit.
type Recommendation struct {
	Rule
	Text string `json:"text"`
}

// failOns are the gate thresholds scored, most severe first.
var failOns = []string{review.Critical, review.Important, review.Suggestion}

// scored is one case's consolidated findings for one sub-panel.
type scored struct {
	findings []report.Finding
	hits     []bool
}

// Score consolidates every case's answers through the review pipeline's
// pure half (anchoring, merging, severity policy; no dismissals) for the
// panel and each sub-panel, and scores them. It is a pure function of its
// inputs: their order does not matter.
func Score(inputs []Input, skipped []Skip, st Settings) (*Result, error) {
	if st.Window < 0 {
		st.Window = DefaultWindow
	}
	if review.SeverityRank(st.Severity) == 0 {
		st.Severity = review.Important
	}
	policy, err := report.Policy{Severity: st.SeverityPolicy, FailOn: review.Suggestion, MinAgreement: 1}.Normalize()
	if err != nil {
		return nil, err
	}
	st.SeverityPolicy = policy.Severity
	inputs = slices.Clone(inputs)
	slices.SortFunc(inputs, func(a, b Input) int { return cmp.Compare(a.Case.ID, b.Case.ID) })

	names, meta := panelOf(inputs)
	masks := subsets(len(names))
	res := &Result{Schema: Schema, Settings: st, Skipped: sortedSkips(skipped), Cases: []CaseResult{}, Models: []ModelScore{}, Rules: []Rule{}, Caveats: caveats(st)}
	res.Counts.Skipped = len(res.Skipped)
	// byCase[i][mask] is case i consolidated by the sub-panel mask.
	byCase := make([]map[uint]scored, len(inputs))
	for i, in := range inputs {
		if in.Case.Kind == KindBug {
			res.Counts.Bug++
		} else {
			res.Counts.Clean++
		}
		byCase[i] = map[uint]scored{}
		for _, m := range masks {
			sc, err := consolidate(in, names, m, policy, st.Window)
			if err != nil {
				return nil, err
			}
			byCase[i][m] = sc
		}
		res.Cases = append(res.Cases, caseResult(in, names, byCase[i][full(len(names))], st))
	}
	for j, name := range names {
		res.Models = append(res.Models, modelScore(inputs, byCase, name, meta[name], uint(1)<<j, st))
	}
	for _, m := range masks {
		for k := 1; k <= bits.OnesCount(m); k++ {
			for _, fo := range failOns {
				res.Rules = append(res.Rules, rule(inputs, byCase, names, m, k, fo))
			}
		}
	}
	res.Recommendation, res.NoRecommendation = recommend(res.Rules, res.Counts, st.MaxCleanBlockRate)
	return res, nil
}

func caveats(st Settings) []string {
	return []string{
		"clean cases are a proxy: a finding on a commit no later fix touched may still be right",
		fmt.Sprintf("a finding hits when it is anchored within %d lines of a line the fix touched, in the same file; a right finding elsewhere counts as a miss", st.Window),
		"bug cases are fixes found by their commit message; the reversed fix is what the panel reviews, without the fix's message",
	}
}

// panelOf is every reviewer that answered any case, by name, with the
// model and digest it ran.
func panelOf(inputs []Input) ([]string, map[string]review.RawResult) {
	meta := map[string]review.RawResult{}
	for _, in := range inputs {
		if in.Raw == nil {
			continue
		}
		for _, r := range in.Raw.Results {
			if old, ok := meta[r.Reviewer.Name]; !ok || old.Digest == "" {
				meta[r.Reviewer.Name] = r
			}
		}
	}
	names := make([]string, 0, len(meta))
	for n := range meta {
		names = append(names, n)
	}
	slices.Sort(names)
	return names, meta
}

func full(n int) uint { return uint(1)<<n - 1 }

// subsets are the sub-panels scored: every one up to MaxPanelForSubsets
// reviewers, else the whole panel and each reviewer alone. Larger panels
// come first, then by members.
func subsets(n int) []uint {
	var out []uint
	if n == 0 {
		return out
	}
	if n <= MaxPanelForSubsets {
		for m := uint(1); m <= full(n); m++ {
			out = append(out, m)
		}
	} else {
		out = append(out, full(n))
		for j := range n {
			out = append(out, uint(1)<<j)
		}
	}
	slices.SortStableFunc(out, func(a, b uint) int {
		return cmp.Or(cmp.Compare(bits.OnesCount(b), bits.OnesCount(a)), cmp.Compare(bits.Reverse(a), bits.Reverse(b)))
	})
	return out
}

func members(names []string, m uint) []string {
	out := []string{}
	for j, n := range names {
		if m&(uint(1)<<j) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// consolidate runs the pipeline's pure half over the answers of the
// sub-panel m.
func consolidate(in Input, names []string, m uint, policy report.Policy, window int) (scored, error) {
	raw := &review.Raw{Schema: "quorum.raw/v1", Results: []review.RawResult{}}
	if in.Raw != nil {
		raw.PromptVersion, raw.StartedAt = in.Raw.PromptVersion, in.Raw.StartedAt
		keep := map[string]bool{}
		for _, n := range members(names, m) {
			keep[n] = true
		}
		for _, r := range in.Raw.Results {
			if keep[r.Reviewer.Name] {
				raw.Results = append(raw.Results, r)
			}
		}
	}
	res, err := pipeline.Review(context.Background(), nil, pipeline.Request{
		Set: in.Case.Set, Raw: raw, Policy: policy, Dismissals: &dismiss.Ledger{},
	})
	if err != nil {
		return scored{}, err
	}
	sc := scored{findings: res.Report.Findings}
	for _, f := range sc.findings {
		sc.hits = append(sc.hits, in.Case.Kind == KindBug && in.Case.Hits(f.File, f.Line, f.EndLine, window))
	}
	return sc, nil
}

func atOrAbove(sev, threshold string) bool {
	return review.SeverityRank(sev) >= review.SeverityRank(threshold)
}

func caseResult(in Input, names []string, sc scored, st Settings) CaseResult {
	cr := CaseResult{Case: *in.Case, Found: []string{}, Flagged: []string{}, Findings: []CaseFinding{}}
	if cr.Files == nil {
		cr.Files = []string{}
	}
	found, flagged := map[string]bool{}, map[string]bool{}
	for i, f := range sc.findings {
		cr.Findings = append(cr.Findings, CaseFinding{File: f.File, Line: f.Line, EndLine: f.EndLine, Severity: f.Severity,
			Reviewers: f.Reviewers, Support: f.Support, Hit: sc.hits[i], Title: f.Title})
		for _, m := range f.Members {
			if !atOrAbove(m.Severity, st.Severity) {
				continue
			}
			flagged[m.Reviewer] = true
			if sc.hits[i] {
				found[m.Reviewer] = true
			}
		}
	}
	for _, n := range names {
		if found[n] {
			cr.Found = append(cr.Found, n)
		}
		if flagged[n] {
			cr.Flagged = append(cr.Flagged, n)
		}
	}
	return cr
}

func modelScore(inputs []Input, byCase []map[uint]scored, name string, meta review.RawResult, m uint, st Settings) ModelScore {
	ms := ModelScore{Name: name, Model: meta.Reviewer.Model, Digest: meta.Digest}
	var metrics, cost review.Metrics
	for i, in := range inputs {
		sc := byCase[i][m]
		answered := false
		if in.Raw != nil {
			for _, r := range in.Raw.Results {
				if r.Reviewer.Name == name {
					metrics.Add(r.Metrics)
					if c, ok := in.Cost[name]; ok {
						cost.Add(c)
					} else {
						cost.Add(r.Metrics)
					}
					answered = r.Answered()
				}
			}
		}
		if !answered {
			ms.FailedCases++
		}
		found := false
		n := 0
		for k, f := range sc.findings {
			if !atOrAbove(f.Severity, st.Severity) {
				continue
			}
			n++
			if sc.hits[k] {
				found = true
				ms.Hits++
			}
		}
		if in.Case.Kind == KindBug {
			ms.Bugs++
			ms.BugFindings += n
			if found {
				ms.Found++
			}
		} else {
			ms.Clean++
			ms.CleanFindings += n
		}
	}
	ms.Recall = rate(ms.Found, ms.Bugs)
	ms.Precision = rate(ms.Hits, ms.BugFindings)
	ms.FindingsPerCleanCase = rate(ms.CleanFindings, ms.Clean)
	ms.WallS = round(cost.Wall.Seconds())
	ms.TokensIn, ms.TokensOut = cost.PromptTokens, cost.EvalTokens
	ms.Requests, ms.CacheHits = metrics.Requests, metrics.CacheHits
	return ms
}

func rule(inputs []Input, byCase []map[uint]scored, names []string, m uint, k int, failOn string) Rule {
	r := Rule{Panel: members(names, m), MinAgreement: k, FailOn: failOn}
	gate := report.Policy{FailOn: failOn, MinAgreement: k}
	bugs, clean := 0, 0
	for i, in := range inputs {
		sc := byCase[i][m]
		blocked, found := false, false
		for j, f := range sc.findings {
			if gate.Blocks(f) {
				blocked = true
				found = found || sc.hits[j]
			}
		}
		if in.Case.Kind == KindBug {
			bugs++
			if blocked {
				r.BugBlocked++
			}
			if found {
				r.Found++
			}
		} else {
			clean++
			if blocked {
				r.CleanBlocked++
			}
		}
	}
	r.Recall, r.BugBlockRate, r.CleanBlockRate = rate(r.Found, bugs), rate(r.BugBlocked, bugs), rate(r.CleanBlocked, clean)
	return r
}

// recommend picks the rule with the most bug cases found among those whose
// clean block rate is within max; ties go to fewer clean blocks, then a
// smaller panel, then the panel first by its names (so of two models equal
// on every figure the first by name is recommended, whatever order the
// sub-panels were scored in), then the order of rules.
func recommend(rules []Rule, c Counts, maxRate float64) (*Recommendation, string) {
	switch {
	case c.Bug == 0:
		return nil, "no bug case was scored: nothing to measure recall on"
	case c.Clean == 0:
		return nil, "no clean case was scored: the clean block rate cannot be checked"
	}
	var best *Rule
	for i := range rules {
		r := &rules[i]
		if r.CleanBlockRate > maxRate+1e-9 {
			continue
		}
		if best == nil || better(r, best) {
			best = r
		}
	}
	if best == nil {
		return nil, fmt.Sprintf("every rule blocks more than %s of clean cases", pct(maxRate))
	}
	if best.Found == 0 {
		// A gate that finds no bug case would be recommended for blocking
		// nothing: recall 0 is no panel to start from.
		return nil, fmt.Sprintf("no rule within %s of clean cases found any of the %d bug cases", pct(maxRate), c.Bug)
	}
	rec := &Recommendation{Rule: *best}
	rec.Text = fmt.Sprintf("--models %s --min-agreement %d --fail-on %s: recall %d/%d (%s), clean block rate %d/%d (%s, limit %s), bug block rate %d/%d (%s)",
		strings.Join(best.Panel, ","), best.MinAgreement, best.FailOn,
		best.Found, c.Bug, pct(best.Recall), best.CleanBlocked, c.Clean, pct(best.CleanBlockRate), pct(maxRate),
		best.BugBlocked, c.Bug, pct(best.BugBlockRate))
	return rec, ""
}

// better says whether r beats best for the recommendation (recommend's
// order); a rule equal to best on all of it is not better.
func better(r, best *Rule) bool {
	return cmp.Or(
		cmp.Compare(best.Found, r.Found),
		cmp.Compare(r.CleanBlocked, best.CleanBlocked),
		cmp.Compare(len(r.Panel), len(best.Panel)),
		slices.Compare(r.Panel, best.Panel),
	) < 0
}

func rate(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return round(float64(n) / float64(d))
}

func round(x float64) float64 { return math.Round(x*10000) / 10000 }

func pct(x float64) string { return fmt.Sprintf("%.0f%%", x*100) }

func sortedSkips(s []Skip) []Skip {
	out := slices.Clone(s)
	if out == nil {
		out = []Skip{}
	}
	slices.SortFunc(out, func(a, b Skip) int {
		return cmp.Or(strings.Compare(a.Kind, b.Kind), strings.Compare(a.Commit, b.Commit), strings.Compare(a.Reason, b.Reason))
	})
	return out
}
