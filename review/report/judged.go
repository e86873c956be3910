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
//   - a dismissal hides a judged finding only when every part of it is
//     dismissed: each rules finding it holds whole by that finding's own
//     entry, the pieces of rules findings the judge split by an entry for
//     the judged finding itself. So dismissing one finding never hides
//     another the judge grouped with it; a dismissed rules finding owes
//     nothing to the gate.

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
	members  [][]string     // each rules finding's member IDs
	of       map[string]int // member ID -> index in findings
	dismiss  func(Finding) (Dismissal, bool)
}

// judgedDismissal is the dismissal decided for a judged finding; decided
// is false for a finding the rules grouped (the ledger decides as usual).
type judgedDismissal struct {
	decided   bool
	dismissal *Dismissal
	whyNot    string
}

func (r *Report) owedToRules(rules []merge.Cluster, files map[string]*diff.File, seen map[string]map[string]bool, dismiss func(Finding) (Dismissal, bool)) *rulesOwed {
	o := &rulesOwed{of: map[string]int{}, dismiss: dismiss}
	for i, c := range rules {
		rf := rulesFinding{f: r.finding(c, files, seen), owner: merge.MemberID(topMember(c))}
		if dismiss != nil {
			if d, ok := dismiss(rf.f); ok {
				rf.dismissal = &d
			}
		}
		o.findings = append(o.findings, rf)
		var ids []string
		for _, m := range c.Members {
			o.of[merge.MemberID(m)] = i
			ids = append(ids, merge.MemberID(m))
		}
		o.members = append(o.members, ids)
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
	// What f is made of, for dismissals: each rules finding it holds
	// whole, and f itself for the pieces of rules findings the judge split
	// (those pieces are nobody else's to dismiss).
	inJ := map[int]int{}
	for _, m := range c.Members {
		if i, ok := o.of[merge.MemberID(m)]; ok {
			inJ[i]++
		}
	}
	var parts []Part
	var whole []int
	split := false
	for _, i := range order {
		if inJ[i] == len(o.members[i]) {
			whole = append(whole, i)
			rf := o.findings[i].f
			parts = append(parts, Part{Fingerprint: rf.Fingerprint, Kinds: rf.Kinds, Severity: rf.Severity, File: rf.File, Line: rf.Line, Title: rf.Title})
		} else {
			split = true
		}
	}
	if split {
		parts = append(parts, Part{Fingerprint: f.Fingerprint, Kinds: f.Kinds, Severity: f.Severity, File: f.File, Line: f.Line, Title: f.Title})
	}
	if len(parts) > 1 {
		f.Parts = parts
	}
	// Dismissed only when every part is: each whole rules finding by its
	// own entry, the split pieces by an entry for f itself.
	d := judgedDismissal{decided: true}
	var direct *Dismissal
	if split && o.dismiss != nil {
		if dd, ok := o.dismiss(*f); ok {
			direct = &dd
		}
	}
	all, some := true, false
	for _, i := range whole {
		if dm := o.findings[i].dismissal; dm != nil {
			some = true
			if d.dismissal == nil {
				d.dismissal = dm
			}
		} else {
			all = false
		}
	}
	if split {
		if direct != nil {
			some = true
			if d.dismissal == nil {
				d.dismissal = direct
			}
		} else {
			all = false
		}
	}
	if !all || len(order) == 0 {
		d.dismissal = nil
		if some {
			d.whyNot = "not dismissed: the judge grouped a dismissed finding with others that are not"
		}
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
