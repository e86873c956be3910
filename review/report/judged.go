package report

import (
	"cmp"
	"slices"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/merge"
)

// When a judge grouped the findings (merge.judge), what the gate blocks and
// what a dismissal hides must not depend on whether the judge answered:
//
//   - the gate is never weaker: each rules finding (a cluster of the
//     rules' grouping) that would block is owed by the one judged finding
//     that holds its most severe member; a judged finding that would not
//     block on its own takes the severity and support of the owed rules
//     finding that blocks, as a pair (never the severity of one and the
//     support of another, which could block where neither did);
//   - a dismissal hides a judged finding only when every rules finding it
//     holds is dismissed, so dismissing one finding never hides another
//     the judge grouped with it; a dismissed rules finding owes nothing.

// rulesFinding is one cluster of the rules' grouping, as the report would
// show it, with where it is owed.
type rulesFinding struct {
	f         Finding
	dismissal *Dismissal
	// owner is the member ID of its most severe member (the
	// representative among equals): the judged finding holding it owes
	// this one's gate.
	owner string
}

// rulesOwed is the rules' grouping of a judged review.
type rulesOwed struct {
	findings []rulesFinding
	of       map[string]int // member ID -> index in findings
}

// judgedDismissal is the dismissal decided for a judged finding; decided
// is false for a finding the rules grouped (the ledger decides as usual).
type judgedDismissal struct {
	decided   bool
	dismissal *Dismissal
	whyNot    string
}

func (r *Report) owedToRules(rules []merge.Cluster, files map[string]*diff.File, seen map[string]map[string]bool, dismiss func(Finding) (Dismissal, bool)) *rulesOwed {
	o := &rulesOwed{of: map[string]int{}}
	for i, c := range rules {
		rf := rulesFinding{f: r.finding(c, files, seen), owner: merge.MemberID(topMember(c))}
		if dismiss != nil {
			if d, ok := dismiss(rf.f); ok {
				rf.dismissal = &d
			}
		}
		o.findings = append(o.findings, rf)
		for _, m := range c.Members {
			o.of[merge.MemberID(m)] = i
		}
	}
	return o
}

// topMember is c's most severe member: its representative when that is
// among the most severe, else the first of them in canonical order.
func topMember(c merge.Cluster) anchor.Finding {
	top := 0
	for _, m := range c.Members {
		top = max(top, review.SeverityRank(m.Raw.Severity))
	}
	if review.SeverityRank(c.Rep.Raw.Severity) == top {
		return c.Rep
	}
	for _, m := range c.Members {
		if review.SeverityRank(m.Raw.Severity) == top {
			return m
		}
	}
	return c.Rep
}

// hold applies what judged finding f (cluster c) owes the rules' grouping
// under policy, and decides its dismissal.
func (o *rulesOwed) hold(f *Finding, c merge.Cluster, policy Policy) judgedDismissal {
	held := map[int]bool{}
	var order []int
	for _, m := range c.Members {
		if i, ok := o.of[merge.MemberID(m)]; ok && !held[i] {
			held[i] = true
			order = append(order, i)
		}
	}
	slices.Sort(order)
	var blocking []int
	for _, i := range order {
		rf := o.findings[i]
		owned := false
		for _, m := range c.Members {
			owned = owned || merge.MemberID(m) == rf.owner
		}
		if owned && rf.dismissal == nil && policy.Blocks(rf.f) {
			blocking = append(blocking, i)
		}
	}
	if len(blocking) > 0 && !policy.Blocks(*f) {
		best := slices.MaxFunc(blocking, func(a, b int) int {
			fa, fb := o.findings[a].f, o.findings[b].f
			return cmp.Or(cmp.Compare(review.SeverityRank(fa.Severity), review.SeverityRank(fb.Severity)),
				cmp.Compare(fa.Support, fb.Support), cmp.Compare(b, a))
		})
		f.Severity, f.Support, f.RulesFloor = o.findings[best].f.Severity, o.findings[best].f.Support, true
	}
	if len(order) > 1 {
		for _, i := range order {
			rf := o.findings[i].f
			f.Parts = append(f.Parts, Part{Fingerprint: rf.Fingerprint, Kinds: rf.Kinds, Severity: rf.Severity, File: rf.File, Line: rf.Line, Title: rf.Title})
		}
	}
	d := judgedDismissal{decided: true}
	dismissedAll, some := len(order) > 0, false
	for _, i := range order {
		if o.findings[i].dismissal == nil {
			dismissedAll = false
		} else {
			some = true
		}
	}
	switch {
	case dismissedAll:
		d.dismissal = o.findings[order[0]].dismissal
	case some:
		d.whyNot = "not dismissed: the judge grouped a dismissed finding with others that are not"
	}
	return d
}

// sortWith sorts findings into report order, and decisions with them.
func sortWith(findings []Finding, decisions []judgedDismissal) {
	idx := make([]int, len(findings))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return compareFindings(findings[a], findings[b]) })
	fs, ds := slices.Clone(findings), slices.Clone(decisions)
	for to, from := range idx {
		findings[to], decisions[to] = fs[from], ds[from]
	}
}
