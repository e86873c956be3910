package corpus

import (
	"cmp"
	"fmt"

	"github.com/quorum-review/quorum/review/anchor"
)

// Counts are pairwise "same issue" counts: over every pair of findings of
// a review, TP pairs grouped together and labelled one issue, FP grouped
// together but labelled two, FN labelled one issue but kept apart.
type Counts struct {
	TP, FP, FN       int
	Findings, Issues int
	// Errs names the wrong pairs, when Score was asked for them.
	Errs []string
}

// Precision is the share of grouped pairs that are one issue (1 when
// nothing was grouped).
func (c Counts) Precision() float64 {
	if c.TP+c.FP == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.TP+c.FP)
}

// Recall is the share of one-issue pairs that were grouped (1 when no two
// findings are one issue).
func (c Counts) Recall() float64 {
	if c.TP+c.FN == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.TP+c.FN)
}

// Add sums b into c.
func (c *Counts) Add(b Counts) {
	c.TP += b.TP
	c.FP += b.FP
	c.FN += b.FN
	c.Findings += b.Findings
	c.Issues += b.Issues
	c.Errs = append(c.Errs, b.Errs...)
}

// Score counts the pairs of one grouping of a review's findings: group
// maps each finding's Key to its group. in are the findings as they were
// grouped (a test may have changed their kinds, which the errors show).
func Score(r Review, in []anchor.Finding, group map[string]int, errs bool) Counts {
	var s Counts
	issues := map[string]bool{}
	for i, a := range in {
		ka := Key(a)
		issues[r.Issue[ka]] = true
		for _, b := range in[i+1:] {
			kb := Key(b)
			truth := r.Issue[ka] == r.Issue[kb]
			got := group[ka] == group[kb]
			switch {
			case truth && got:
				s.TP++
			case got:
				s.FP++
				if errs {
					s.Errs = append(s.Errs, fmt.Sprintf("%s: merged %s@%d %q [%s] with %s@%d %q [%s] (kinds %s, %s)", r.Name,
						a.Reviewer, a.Line, a.Raw.Title, r.Issue[ka], b.Reviewer, b.Line, b.Raw.Title, r.Issue[kb], cmp.Or(a.Raw.Kind, "-"), cmp.Or(b.Raw.Kind, "-")))
				}
			case truth:
				s.FN++
				if errs {
					s.Errs = append(s.Errs, fmt.Sprintf("%s: split %s@%d %q from %s@%d %q [%s] (kinds %s, %s)", r.Name,
						a.Reviewer, a.Line, a.Raw.Title, b.Reviewer, b.Line, b.Raw.Title, r.Issue[ka], cmp.Or(a.Raw.Kind, "-"), cmp.Or(b.Raw.Kind, "-")))
				}
			}
		}
	}
	s.Findings = len(in)
	s.Issues = len(issues)
	return s
}

// Pools of the built-in sets: the corpora read while quorum's rules were
// written ("older"), and those written, committed and first measured
// after, three at a time, which no rule was tuned on (sets/README.md).
const (
	PoolOlder = "older"
)

// Pool names the pool a built-in set is summed in.
func Pool(set string) string {
	switch set {
	case "blind12", "blind13", "blind14":
		return "blind12-14"
	case "blind15", "blind16", "blind17":
		return "blind15-17"
	case "blind18", "blind19", "blind20":
		return "blind18-20"
	case "blind21", "blind22", "blind23":
		return "blind21-23"
	case "blind24", "blind25", "blind26":
		return "blind24-26"
	case "blind27":
		return "blind27"
	}
	return PoolOlder
}

// Pools are the built-in pools in order.
var Pools = []string{PoolOlder, "blind12-14", "blind15-17", "blind18-20", "blind21-23", "blind24-26", "blind27"}
