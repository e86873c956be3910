// Package merge clusters anchored findings from several reviewers into issues, independent of input order.
package merge

import (
	"cmp"
	"slices"
	"strings"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/parallel"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
)

// The algorithm, and why it cannot depend on input order:
//
//  1. All findings are sorted by their content (file, line, reviewer, texts,
//     chunk), so each gets a canonical index that no permutation of reviewers
//     or findings can change.
//  2. Candidate pairs are only findings of the same file whose line ranges
//     are at most Window lines apart, or further within one function
//     (RegionWindow, KindWindow; file-level findings pair with file-level
//     findings of the same file). Findings are bucketed by file and
//     swept by line, so the work is linear in the number of findings times
//     the local density, never quadratic over all findings.
//  3. Phase one collapses a reviewer's repeats (the same reviewer, nearly the
//     same text, e.g. the same hunk seen in two chunks) into one; two quotes
//     of different statements are never repeats.
//  4. Phase two links different reviewers' findings: candidate edges are
//     scored by text and kinds (textScore), raised to the threshold when the
//     pair is isolated (isolated.go: no reviewer reports a second issue near
//     them, or, by declared kind, a second issue of their kind), sorted by
//     score (then by canonical indices) and applied greedily with a
//     union-find that refuses a merge when the two clusters share a reviewer
//     or hold conflicting kinds. The order of edges is a function of content
//     alone, so the clusters are.

// Tuning. Windows are in lines; thresholds are similarity scores in [0, 1].
const (
	// Window is how far apart findings on unrelated wording may be.
	Window = 3
	// RegionWindow is how far apart findings in one enclosing function
	// (anchor.Finding.Section) may be when their kinds agree: the cause and
	// the symptom of one bug.
	RegionWindow   = 15
	SelfThreshold  = 0.5
	CrossThreshold = 0.3
	categoryBonus  = 0.15
	sameLineBonus  = 0.1
	// disjointIdents scales the score of findings on different lines that
	// both name identifiers but share none: "error from os.Open ignored" and
	// "error from io.ReadAll ignored" on adjacent lines are two issues,
	// however alike the rest of their wording.
	disjointIdents = 0.35
	// Findings of one kind score kindBase, plus their text similarity and
	// closeness: they merge within Window, or within RegionWindow in one
	// function, unless they name disjoint identifiers on different lines
	// (then the text rule decides, within Window).
	kindBase  = 0.3
	kindText  = 0.45
	kindClose = 0.25
	// regionText damps the text score of findings of no common kind that
	// lie in one function but further apart than Window.
	regionText = 0.8
	// Location evidence (see pairScore).
	locWindow = 2
	locBase   = 0.32
	locText   = 0.5
)

// Cluster is one issue: the findings of one or more reviewers about it.
type Cluster struct {
	// Members are every finding in the cluster, canonical order, repeats included.
	Members []anchor.Finding
	// Rep represents the cluster, its place and its text: of the members
	// whose place is surest (placement), the most central.
	Rep anchor.Finding
	// Reviewers found it; sorted by name.
	Reviewers []string
	// Votes is each reviewer's severity (its highest, if it repeated itself).
	Votes map[string]string
	// Category is the members' most common category (ties: alphabetical).
	Category string
	// Repeats counts same-reviewer duplicates collapsed into this cluster.
	Repeats int
	// Core are the members the cluster is named after when a judge made it
	// (Judged): the rules' cluster inside it that ranks highest, whose
	// Rep and Category it takes, so its id, fingerprint and kinds, and a
	// dismissal made on it, are the same whether the judge or the rules
	// grouped the review. nil: all Members.
	Core []anchor.Finding

	// kinds and coreKinds are the kinds of Members and Core, in their
	// order, as the merge read them: the report names them without reading
	// every finding's words a second time.
	kinds, coreKinds []kindSet
}

// MemberKinds names the kinds of Members[i], as Kinds does.
func (c *Cluster) MemberKinds(i int) []string {
	if i < len(c.kinds) && len(c.kinds) == len(c.Members) {
		return kindList(c.kinds[i])
	}
	return Kinds(c.Members[i])
}

// CoreKinds names the kinds of Core[i], as Kinds does.
func (c *Cluster) CoreKinds(i int) []string {
	if i < len(c.coreKinds) && len(c.coreKinds) == len(c.Core) {
		return kindList(c.coreKinds[i])
	}
	return Kinds(c.Core[i])
}

// ablate switches parts of the algorithm off, for the corpus test's
// comparison table only (TestCorpusAblation); production never sets it.
var ablate struct{ kinds, idf, code, linkCheck, distinct, far, isolated, fnIsolated, isoSameLine, dataflow, sameLineCode, related, kindIsolated, causeSymptom, wordsOverrule, perCallFar, inferIso, fix, otherNoKind, fileKind, quotedRepeats, selfKind, quoteParts, selfCategory bool }

// alt switches on alternatives that were measured on the corpora and not
// kept (BENCHMARKS.md "Merge quality"): a mutual-best matching per pair of
// reviewers, text pairs anywhere in one function, location evidence on its
// own, dataflow as far evidence, isolation that ignores findings of other
// kinds, "other" isolating like a kind, and isolation only for findings
// that declare one kind (isoDeclSame 1; 2: and not "other"), and a vague
// finding's fix naming the call it is about (fixNames), and a pair score
// other than the hand-made one (scorer: the fitted model of
// learned_test.go). Each cost recall or precision; the corpus table still
// measures them. Production never sets it.
var alt struct {
	mutual, regionText, location, farFlow, isoKinds, kisoOther bool
	isoDeclSame                                                int
	fixNames                                                   bool
	fileKindPerCall                                            bool
	fileFar                                                    bool
	slipOwnWords                                               bool // words naming the other's kind overrule a declared kind even when they name its own
	relatedOwnWords                                            bool // related kinds never conflict, even when each finding's words name only its own
	regionNamesAll                                             bool // a function-wide kind of any kind skips distinct anchors and names apart
	fileNamesApart                                             bool // fileKindPairs links findings whose quotes name places apart
	scorer                                                     func(nodes []node, self *unionFind, a, b, gap int) float64
}

type node struct {
	f        anchor.Finding
	vec      vector
	kinds    kindSet
	declared bool    // kinds is the reviewer's own (the schema's kind field)
	decl     kindSet // the declared kind, otherBit for a declared "other", 0 for none
	inferred kindSet // the kinds its words name, when it declared one (else 0: kinds are inferred)
	ev       evidence
	fix      vector          // what its suggested fix changes (fix.go), IDF-weighted
	common   map[string]bool // names common to the findings of its file
	fileIso  bool            // no reviewer has a second finding of its declared kind in its file (fileKindPairs)
	// oldSide: f is on deleted code of a file whose findings have no
	// new-side line (Line 0): a removed file. Its Line..EndLine are its old
	// lines while it is merged, so findings far apart in the removed file
	// are not all one file-level finding. build gives Members their own
	// lines back.
	oldSide bool
}

// Clusters groups findings into issues. The result is sorted by file, line,
// then representative title, and is identical for any permutation of the input.
func Clusters(findings []anchor.Finding) []Cluster {
	nodes, pairs, self := prepare(findings)
	// Isolated pairs: two reviewers' findings close together where no
	// reviewer reports a second issue (see isolated) are one issue, linked
	// after every pair the text or kinds link.
	if alt.scorer != nil {
		for k := range pairs {
			if p := &pairs[k]; !p.same {
				p.score = alt.scorer(nodes, self, p.a, p.b, lineGap(&nodes[p.a].f, &nodes[p.b].f))
			}
		}
	} else if !ablate.isolated {
		for k := range pairs {
			p := &pairs[k]
			if !p.same && p.score < isoScore && !natureApart(&nodes[p.a].f, &nodes[p.b].f) && (isolated(nodes, self, p.a, p.b) || kindIsolated(nodes, self, p.a, p.b)) {
				p.score = isoScore
			}
		}
	}
	if !ablate.fileKind {
		pairs = append(pairs, fileKindPairs(nodes, self, pairs)...)
	}
	// Phase two: across reviewers, one finding (group) per reviewer per cluster.
	uf := newUnionFind(len(nodes))
	ids := map[string]int32{}
	revs := make([][]int32, len(nodes)) // reviewer ids of the cluster rooted here, sorted
	for i := range nodes {
		id, ok := ids[nodes[i].f.Reviewer]
		if !ok {
			id = int32(len(ids))
			ids[nodes[i].f.Reviewer] = id
		}
		revs[i] = []int32{id}
	}
	for i := range nodes {
		if r := self.find(i); r != i {
			uf.union(r, i)
		}
	}
	cross := pairs[:0:0]
	for _, p := range pairs {
		if !p.same && p.score >= CrossThreshold {
			cross = append(cross, p)
		}
	}
	if alt.mutual {
		cross = mutualBest(nodes, cross)
	}
	slices.SortFunc(cross, func(x, y pair) int {
		if c := cmp.Compare(y.score, x.score); c != 0 {
			return c
		}
		if c := cmp.Compare(x.a, y.a); c != 0 {
			return c
		}
		return cmp.Compare(x.b, y.b)
	})
	// A cluster never holds two findings of known, different kinds, however
	// they chained together: members lists the cluster rooted at each index.
	members := make([][]int, len(nodes))
	for i := range nodes {
		r := uf.find(i)
		members[r] = append(members[r], i)
	}
	for _, p := range cross {
		ra, rb := uf.find(p.a), uf.find(p.b)
		if ra == rb || overlaps(revs[ra], revs[rb]) || !ablate.linkCheck && conflicts(nodes, members[ra], members[rb]) {
			continue
		}
		root := uf.union(ra, rb)
		other := ra
		if root == ra {
			other = rb
		}
		revs[root] = mergeSorted(revs[root], revs[other])
		revs[other] = nil
		members[root] = append(members[root], members[other]...)
		members[other] = nil
	}

	groups := map[int][]int{}
	var roots []int
	for i := range nodes {
		r := uf.find(i)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], i)
	}
	out := make([]Cluster, 0, len(roots))
	for _, r := range roots {
		out = append(out, build(nodes, groups[r]))
	}
	sortClusters(out)
	return out
}

// sortClusters puts clusters in report order: by file, line and the
// representative's content.
func sortClusters(out []Cluster) {
	slices.SortStableFunc(out, func(a, b Cluster) int {
		if c := strings.Compare(a.Rep.File, b.Rep.File); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Rep.Line, b.Rep.Line); c != 0 {
			return c
		}
		return compareFinding(&a.Rep, &b.Rep)
	})
}

// prepare is what both phases start from: the findings as nodes in
// canonical order, their scored candidate pairs, and phase one, each
// reviewer's own repeats grouped.
func prepare(findings []anchor.Finding) ([]node, []pair, *unionFind) {
	nodes := newNodes(findings)
	setCommon(nodes)
	pairs := candidatePairs(nodes)
	self := newUnionFind(len(nodes))
	for _, p := range pairs {
		if p.same && p.score >= SelfThreshold {
			self.union(p.a, p.b)
		}
	}
	return nodes, pairs, self
}

// newNodes gives every finding its canonical index (a content order no
// permutation of the input can change) and the evidence the scores read.
func newNodes(findings []anchor.Finding) []node {
	findings, oldSide := placed(findings)
	order := canonicalOrder(findings)
	nodes := make([]node, len(findings))
	vecs := make([]vector, len(findings))
	fixes := make([]vector, len(findings))
	// Each finding's terms, evidence and kinds are its own: no finding reads
	// another's, so the work is split over the cores and every result lands
	// in its own slot, the same whatever ran first.
	parallel.For(len(order), func(i int) {
		j := order[i]
		f := findings[j]
		vecs[i] = vectorize(f.Raw.Title + "\n" + f.Raw.Explanation)
		nodes[i] = node{f: f, ev: evidenceOf(f, vecs[i]), oldSide: oldSide[j]} // evidence before the code terms and IDF change vecs[i]
		if !ablate.code {
			vecs[i] = withCode(vecs[i], f.LineText)
		}
		fixes[i] = findingFix(&findings[j])
		if !ablate.kinds {
			n := &nodes[i]
			n.kinds, n.declared = kindsOf(f.Raw.Kind, f.Raw.Title, f.Raw.Explanation)
			n.decl = declaredKind(f.Raw.Kind)
			if n.declared {
				n.inferred = inferKinds(f.Raw.Title, f.Raw.Explanation)
			}
		}
	})
	if !ablate.idf {
		idfWeigh(vecs)
		fixIDF(fixes)
	}
	for i := range nodes {
		nodes[i].vec, nodes[i].fix = vecs[i], fixes[i]
	}
	return nodes
}

// placed is findings with those on deleted code of a removed file at
// their old lines (node.oldSide), and which those are. findings itself is
// not changed.
func placed(findings []anchor.Finding) ([]anchor.Finding, []bool) {
	out := findings
	oldSide := make([]bool, len(findings))
	// A file with a finding on a new-side line has a new side: one deleted
	// above its first line is not placed by old lines among new ones.
	newSide := map[string]bool{}
	for i := range findings {
		if findings[i].Line > 0 {
			newSide[findings[i].File] = true
		}
	}
	for i := range findings {
		if f := &findings[i]; f.Deleted && f.Line == 0 && f.OldLine > 0 && !newSide[f.File] {
			if oldSide[i] = true; len(out) > 0 && &out[0] == &findings[0] {
				out = slices.Clone(findings)
			}
			out[i].Line, out[i].EndLine = f.OldLine, max(f.OldEndLine, f.OldLine)
		}
	}
	return out, oldSide
}

// canonicalOrder is the input indices of findings in canonical order
// (indices rather than the large findings themselves are sorted).
func canonicalOrder(findings []anchor.Finding) []int {
	order := make([]int, len(findings))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return compareFinding(&findings[a], &findings[b]) })
	return order
}

// build summarises one cluster; idx is ascending, so Members are canonical.
func build(nodes []node, idx []int) Cluster {
	c := Cluster{Votes: map[string]string{}, Members: make([]anchor.Finding, 0, len(idx))}
	cats := map[string]int{}
	for _, i := range idx {
		f := nodes[i].f
		if nodes[i].oldSide {
			f.Line, f.EndLine = 0, 0
		}
		c.Members = append(c.Members, f)
		if !ablate.kinds {
			c.kinds = append(c.kinds, nodes[i].kinds)
		}
		if v, ok := c.Votes[f.Reviewer]; ok {
			c.Repeats++
			if review.SeverityRank(f.Raw.Severity) <= review.SeverityRank(v) {
				continue
			}
		}
		c.Votes[f.Reviewer] = f.Raw.Severity
	}
	// One vote per reviewer and category: a reviewer's repeats do not
	// outvote another's (helper 237: two style repeats outvoted a
	// security finding of the same reviewer).
	voted := map[[2]string]bool{}
	for _, f := range c.Members {
		if k := [2]string{f.Reviewer, f.Raw.Category}; !voted[k] {
			voted[k] = true
			cats[f.Raw.Category]++
		}
	}
	for r := range c.Votes {
		c.Reviewers = append(c.Reviewers, r)
	}
	slices.Sort(c.Reviewers)
	for cat, n := range cats {
		if n > cats[c.Category] || (n == cats[c.Category] && cat < c.Category) || c.Category == "" {
			c.Category = cat
		}
	}
	// The member the report shows: of those with the strongest evidence
	// (placement: a quote over a near copy over a line number, changed
	// code over unchanged), the most central, with the highest summed
	// similarity to the others; ties go to the earlier canonical member.
	// So a finding is shown where a reviewer quoted it, never on the line
	// another only guessed.
	best, bestRank, bestSum := idx[0], -1, -1.0
	for _, i := range idx {
		rank := placement(&nodes[i].f)
		if rank < bestRank {
			continue
		}
		sum := 0.0
		for _, j := range idx {
			if i != j {
				sum += jaccard(nodes[i].vec, nodes[j].vec)
			}
		}
		if rank > bestRank || sum > bestSum+1e-12 {
			best, bestRank, bestSum = i, rank, sum
		}
	}
	c.Rep = c.Members[slices.Index(idx, best)]
	return c
}

// placement ranks how surely a finding's place is the code its reviewer
// read: a quote found as written, a near copy, a line number alone; and
// changed code over an unchanged line.
func placement(f *anchor.Finding) int {
	rank := 0
	switch {
	case f.Evidence == anchor.EvidenceQuote && !f.Near:
		rank = 6
	case f.Evidence == anchor.EvidenceQuote:
		rank = 4
	case f.Evidence == anchor.EvidenceLine:
		rank = 2
	}
	if f.LineKind == diff.Added || f.LineKind == diff.Deleted {
		rank++
	}
	return rank
}

// compareFinding is the canonical content order of findings.
func compareFinding(a, b *anchor.Finding) int {
	return cmp.Or(
		strings.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.EndLine, b.EndLine),
		strings.Compare(a.Reviewer, b.Reviewer),
		strings.Compare(a.Raw.Severity, b.Raw.Severity),
		strings.Compare(a.Raw.Category, b.Raw.Category),
		strings.Compare(a.Raw.Title, b.Raw.Title),
		strings.Compare(a.Raw.Explanation, b.Raw.Explanation),
		strings.Compare(a.Raw.Quote, b.Raw.Quote),
		strings.Compare(a.Raw.Fix, b.Raw.Fix),
		strings.Compare(a.Raw.Kind, b.Raw.Kind),
		cmp.Compare(a.Raw.Line, b.Raw.Line),
		cmp.Compare(a.Raw.EndLine, b.Raw.EndLine),
		strings.Compare(a.Chunk, b.Chunk),
	)
}
