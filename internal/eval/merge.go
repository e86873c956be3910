package eval

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/merge"
	"github.com/quorum-review/quorum/review/merge/corpus"
)

// This file is `quorum eval merge`: how well findings are grouped into
// issues, on labelled reviews (the built-in corpora or a team's own). Each
// review is grouped as a review would group it, by quorum's rules and, when
// a judge model was asked, by the judge where its answer is usable (else
// the rules, as a review falls back), and both groupings are scored pair by
// pair against the labels. Everything here is a pure function of the
// reviews and the judge's saved answers.

// MergeSchema names the JSON form of a MergeResult.
const MergeSchema = "quorum.eval.merge/v1"

// The goal quorum's merge is measured against (issue "Findings you can
// trust"): no two different issues merged, nine in ten same-issue pairs
// found.
const (
	GoalPrecision = 1.0
	GoalRecall    = 0.9
)

// MergeCase is one labelled review and the judge's run on it (nil when no
// judge was asked).
type MergeCase struct {
	Set    string
	Review corpus.Review
	Judge  *review.JudgeRun
}

// MergeSettings say what was measured.
type MergeSettings struct {
	// Corpus is "built-in" or the directory the reviews came from.
	Corpus string
	// Judge is the judge model ("" for the rules alone).
	Judge string
	// Pool names the pool a set is summed in (nil: each set is its own).
	Pool func(set string) string
	// Pools orders the pools (those not listed follow, by name).
	Pools []string
	// Unseen says which sets quorum's rules were never tuned on: the
	// verdict compares the judge with the rules there (nil: every set).
	Unseen func(set string) bool
	// Errors lists every wrongly grouped pair in the result.
	Errors bool
}

// PairScore is one grouping's pairwise score.
type PairScore struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	TP        int     `json:"same_issue_grouped"`
	FP        int     `json:"different_issues_grouped"`
	FN        int     `json:"same_issue_split"`
}

func pairScore(c corpus.Counts) PairScore {
	return PairScore{Precision: c.Precision(), Recall: c.Recall(), TP: c.TP, FP: c.FP, FN: c.FN}
}

// MergePool is the pooled score of some reviews.
type MergePool struct {
	Name     string    `json:"name"`
	Reviews  int       `json:"reviews"`
	Findings int       `json:"findings"`
	Issues   int       `json:"issues"`
	Rules    PairScore `json:"rules"`
	// WithJudge is the grouping a review with the judge gives: the
	// judge's where its answer was usable, the rules' elsewhere.
	WithJudge *PairScore `json:"with_judge,omitempty"`
	// Judged counts the reviews the judge's answer grouped (0 without a judge).
	Judged int `json:"judged"`
}

// MergeReview is one review's result.
type MergeReview struct {
	Review    string     `json:"review"`
	Findings  int        `json:"findings"`
	Issues    int        `json:"issues"`
	Rules     PairScore  `json:"rules"`
	WithJudge *PairScore `json:"with_judge,omitempty"`
	Judged    bool       `json:"judged"`
	// Note says why the judge's answer was not used.
	Note string `json:"note,omitempty"`
	// JudgeWallMS is the judge's time on this review (0 when cached).
	JudgeWallMS int64 `json:"judge_wall_ms,omitempty"`
	Cached      bool  `json:"cached,omitempty"`
	// Errors are the wrong pairs (with --errors): the judge's when a judge
	// was asked, else the rules'.
	Errors []string `json:"errors,omitempty"`
}

// MergeVerdict says which grouping to use, and why.
type MergeVerdict struct {
	// Use is "judge", "rules" or "" (no judge measured, or a trade the
	// team must make: fewer wrong merges for more splits, or the reverse).
	Use  string `json:"use"`
	Text string `json:"text"`
}

// MergeCost is what the judge cost: time and tokens of the requests made
// (a cached answer costs none; MedianMS is over the reviews it was asked
// about).
type MergeCost struct {
	Asked     int   `json:"asked"`
	Cached    int   `json:"cached"`
	WallMS    int64 `json:"wall_ms"`
	MedianMS  int64 `json:"median_wall_ms"`
	TokensIn  int   `json:"tokens_in"`
	TokensOut int   `json:"tokens_out"`
}

// MergeResult is the measure of one corpus.
type MergeResult struct {
	Schema      string     `json:"schema"`
	Corpus      string     `json:"corpus"`
	Judge       string     `json:"judge,omitempty"`
	JudgeDigest string     `json:"judge_digest,omitempty"`
	Goal        [2]float64 `json:"goal_precision_recall"`
	Reviews     int        `json:"reviews"`
	Findings    int        `json:"findings"`
	// Pools are the pooled scores, then "unseen by the rules" (when some
	// sets were tuned on) and "all".
	Pools []MergePool `json:"pools"`
	// Basis names the pool the verdict compares on.
	Basis   string       `json:"basis"`
	Verdict MergeVerdict `json:"verdict"`
	Cost    *MergeCost   `json:"judge_cost,omitempty"`
	// NotUsed counts the reasons the judge's answer was not used.
	NotUsed []ReasonCount `json:"judge_not_used,omitempty"`
	Results []MergeReview `json:"results"`
}

// ReasonCount is how many reviews one reason covers.
type ReasonCount struct {
	Reason  string `json:"reason"`
	Reviews int    `json:"reviews"`
}

// Pool names.
const (
	PoolUnseen = "unseen by the rules"
	PoolAll    = "all"
)

// ScoreMerge groups and scores every case. The result is the same for
// the same cases in any order.
func ScoreMerge(cases []MergeCase, st MergeSettings) *MergeResult {
	cases = slices.Clone(cases)
	slices.SortFunc(cases, func(a, b MergeCase) int { return cmp.Compare(a.Review.Name, b.Review.Name) })
	poolOf := func(set string) string {
		if st.Pool == nil {
			return set
		}
		return st.Pool(set)
	}
	res := &MergeResult{Schema: MergeSchema, Corpus: st.Corpus, Judge: st.Judge, Goal: [2]float64{GoalPrecision, GoalRecall}}
	type tally struct {
		reviews, judged int
		rules, judge    corpus.Counts
	}
	pools := map[string]*tally{}
	add := func(name string, rules, judge corpus.Counts, judged bool) {
		t := pools[name]
		if t == nil {
			t = &tally{}
			pools[name] = t
		}
		t.reviews++
		t.rules.Add(rules)
		t.judge.Add(judge)
		if judged {
			t.judged++
		}
	}
	someTuned := false
	notUsed := map[string]int{}
	var walls []int64
	cost := &MergeCost{}
	for _, c := range cases {
		r := c.Review
		g := merge.Group(r.Files, r.Findings, c.Judge)
		byRules := g.Rules
		if !g.Judged {
			byRules = g.Clusters // the rules grouped: Group keeps Rules only beside a judge's clusters
		}
		rules := corpus.Score(r, r.Findings, partition(byRules), st.Errors && c.Judge == nil)
		judge := corpus.Score(r, r.Findings, partition(g.Clusters), st.Errors && c.Judge != nil)
		mr := MergeReview{Review: r.Name, Findings: rules.Findings, Issues: rules.Issues, Rules: pairScore(rules)}
		mr.Errors = append(rules.Errs, judge.Errs...)
		rules.Errs, judge.Errs = nil, nil
		if c.Judge != nil {
			s := pairScore(judge)
			mr.WithJudge, mr.Judged, mr.Note = &s, g.Judged, g.Note
			if !g.Judged {
				mr.Note = cmp.Or(g.Note, c.Judge.Skipped, c.Judge.Error)
				notUsed[reasonOf(mr.Note)]++
			}
			if res.JudgeDigest == "" {
				res.JudgeDigest = c.Judge.Digest
			}
			m := c.Judge.Metrics
			cost.Asked++
			switch {
			case m.CacheHits > 0:
				cost.Cached++
				mr.Cached = true
			case m.Requests > 0:
				// The median is of the reviews the judge was asked about:
				// one refused before any request took no judge time.
				mr.JudgeWallMS = m.Wall.Milliseconds()
				walls = append(walls, mr.JudgeWallMS)
				cost.WallMS += mr.JudgeWallMS
			}
			cost.TokensIn += m.PromptTokens
			cost.TokensOut += m.EvalTokens
		}
		res.Results = append(res.Results, mr)
		res.Reviews++
		res.Findings += rules.Findings
		add(poolOf(c.Set), rules, judge, mr.Judged)
		if st.Unseen == nil || st.Unseen(c.Set) {
			add(PoolUnseen, rules, judge, mr.Judged)
		} else {
			someTuned = true
		}
		add(PoolAll, rules, judge, mr.Judged)
	}
	order := slices.Clone(st.Pools)
	var rest []string
	for name := range pools {
		if name != PoolUnseen && name != PoolAll && !slices.Contains(order, name) {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	order = append(order, rest...)
	if someTuned {
		order = append(order, PoolUnseen)
	}
	order = append(order, PoolAll)
	for _, name := range order {
		t := pools[name]
		if t == nil {
			continue
		}
		p := MergePool{Name: name, Reviews: t.reviews, Findings: t.rules.Findings, Issues: t.rules.Issues, Rules: pairScore(t.rules)}
		if st.Judge != "" {
			s := pairScore(t.judge)
			p.WithJudge, p.Judged = &s, t.judged
		}
		res.Pools = append(res.Pools, p)
	}
	// The verdict compares where the rules were not tuned, when the
	// measure holds such reviews.
	res.Basis = PoolAll
	if someTuned && pools[PoolUnseen] != nil {
		res.Basis = PoolUnseen
	}
	if st.Judge != "" {
		slices.Sort(walls)
		if len(walls) > 0 {
			cost.MedianMS = walls[len(walls)/2]
		}
		res.Cost = cost
		for reason, n := range notUsed {
			res.NotUsed = append(res.NotUsed, ReasonCount{Reason: reason, Reviews: n})
		}
		slices.SortFunc(res.NotUsed, func(a, b ReasonCount) int {
			return cmp.Or(cmp.Compare(b.Reviews, a.Reviews), cmp.Compare(a.Reason, b.Reason))
		})
	}
	res.Verdict = mergeVerdict(res)
	return res
}

// reasonOf is a judge's note without what differs review by review (the
// prompt's size, the number of findings), so that reasons can be counted.
func reasonOf(note string) string {
	note = promptSize.ReplaceAllString(note, "")
	note = findingCount.ReplaceAllString(note, "each of its findings")
	return findingIDs.ReplaceAllString(note, "")
}

var (
	promptSize   = regexp.MustCompile(` \(about \d+ tokens[^)]*\)`)
	findingCount = regexp.MustCompile(`each of the \d+ findings`)
	findingIDs   = regexp.MustCompile(`F\d+ and F\d+, `)
)

// partition maps each finding's key to its cluster.
func partition(clusters []merge.Cluster) map[string]int {
	group := map[string]int{}
	for ci, c := range clusters {
		for _, m := range c.Members {
			group[corpus.Key(m)] = ci
		}
	}
	return group
}

// mergeVerdict compares the grouping with the judge and the rules' on the
// basis pool. The judge is worth its cost only when it is at least as good
// on both counts and better on one: a judge that merges more wrong pairs
// joins two bugs into one finding (one fix hides the other), and one that
// splits more shows one bug twice.
func mergeVerdict(r *MergeResult) MergeVerdict {
	if r.Judge == "" {
		return MergeVerdict{Text: "no judge measured: name one with --judge MODEL to compare it with the rules"}
	}
	var basis MergePool
	for _, p := range r.Pools {
		if p.Name == r.Basis {
			basis = p
		}
	}
	if basis.WithJudge == nil {
		return MergeVerdict{Text: "no review was measured"}
	}
	j, ru := *basis.WithJudge, basis.Rules
	on := fmt.Sprintf("on %d reviews (%s)", basis.Reviews, r.Basis)
	figures := fmt.Sprintf("precision %.3f with the judge, %.3f with the rules; recall %.3f and %.3f", j.Precision, ru.Precision, j.Recall, ru.Recall)
	const prec = 0.0005 // the figures are shown to three places
	better := func(a, b float64) bool { return a > b+prec }
	worse := func(a, b float64) bool { return a < b-prec }
	switch {
	case basis.Judged == 0:
		return MergeVerdict{Use: "rules", Text: fmt.Sprintf("keep the rules: the judge's answer was usable for none of the %d reviews", basis.Reviews)}
	case j.TP+j.FP == 0 && ru.TP+ru.FP > 0:
		// Never wrong about a pair it never grouped: every bug found by
		// several reviewers would show as several findings.
		return MergeVerdict{Use: "rules", Text: fmt.Sprintf("keep the rules (merge.judge: none): %s the judge grouped no two findings, %s", on, figures)}
	case !worse(j.Precision, ru.Precision) && !worse(j.Recall, ru.Recall) && (better(j.Precision, ru.Precision) || better(j.Recall, ru.Recall)):
		return MergeVerdict{Use: "judge", Text: fmt.Sprintf("use the judge (merge.judge: %s): %s it groups better, %s", r.Judge, on, figures)}
	case !better(j.Precision, ru.Precision) && !better(j.Recall, ru.Recall):
		return MergeVerdict{Use: "rules", Text: fmt.Sprintf("keep the rules (merge.judge: none): %s the judge groups no better, %s", on, figures)}
	case worse(j.Precision, ru.Precision):
		return MergeVerdict{Text: fmt.Sprintf("your call: %s the judge finds more of the same-issue pairs but also merges more different issues, %s", on, figures)}
	default:
		return MergeVerdict{Text: fmt.Sprintf("your call: %s the judge merges fewer different issues but splits more of the same issue, %s", on, figures)}
	}
}

// MeetsGoal says whether a score meets quorum's merge goal.
func (p PairScore) MeetsGoal() bool { return p.Precision >= GoalPrecision && p.Recall >= GoalRecall }

// wallString is a duration in milliseconds, rounded for reading.
func wallString(ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	switch {
	case d >= time.Minute:
		return d.Round(time.Second).String()
	case d >= time.Second:
		return d.Round(100 * time.Millisecond).String()
	}
	return d.String() // under a second: whole milliseconds, never "0s"
}
