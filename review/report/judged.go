package report

import (
	"cmp"
	"maps"
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
	size     []int          // each rules finding's number of members
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
		for _, m := range c.Members {
			o.of[merge.MemberID(m)] = i
		}
		o.size = append(o.size, len(c.Members))
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
	ids := map[string]bool{} // c's members
	inJ := map[int]int{}     // rules finding -> how many of its members c holds
	for _, m := range c.Members {
		id := merge.MemberID(m)
		ids[id] = true
		if i, ok := o.of[id]; ok {
			inJ[i]++
		}
	}
	order := slices.Sorted(maps.Keys(inJ))
	var blocking []int
	for _, i := range order {
		if rf := o.findings[i]; ids[rf.owner] && rf.dismissal == nil && policy.Blocks(rf.f) {
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
	// (those pieces are nobody else's to dismiss). Each part's dismissal,
	// nil where it has none.
	var parts []Part
	var dismissals []*Dismissal
	split := false
	for _, i := range order {
		if inJ[i] < o.size[i] {
			split = true
			continue
		}
		rf := o.findings[i]
		parts = append(parts, partOf(rf.f))
		dismissals = append(dismissals, rf.dismissal)
	}
	if split {
		parts = append(parts, partOf(*f))
		var direct *Dismissal
		if o.dismiss != nil {
			if dd, ok := o.dismiss(*f); ok {
				direct = &dd
			}
		}
		dismissals = append(dismissals, direct)
	}
	if len(parts) > 1 {
		f.Parts = parts
	}
	// Dismissed only when every part is.
	d := judgedDismissal{decided: true}
	switch first := slices.IndexFunc(dismissals, func(dm *Dismissal) bool { return dm != nil }); {
	case first < 0:
	case !slices.Contains(dismissals, nil):
		d.dismissal = dismissals[first]
	default:
		d.whyNot = "not dismissed: the judge grouped a dismissed finding with others that are not"
	}
	return d
}

// partOf is what a dismissal of f records.
func partOf(f Finding) Part {
	return Part{Fingerprint: f.Fingerprint, LegacyFingerprint: f.LegacyFingerprint, Kinds: f.Kinds, Severity: f.Severity, File: f.File, Line: f.Line, Title: f.Title}
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
