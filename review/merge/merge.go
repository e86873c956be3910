// Package merge clusters anchored findings from several reviewers into issues, independent of input order.
package merge

import (
	"cmp"
	"slices"
	"strings"

	"github.com/quorum-review/quorum/diff"
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

// similarity scores two findings of unknown or unrelated kinds: weighted
// text overlap, plus a little for the same category and the same anchored line.
func similarity(a, b vector, fix float64, sameCategory, sameLine bool) float64 {
	j, shared := jaccardIdents(a, b)
	j = withFix(j, fix)
	s := j * (1 - categoryBonus)
	if sameCategory {
		s += categoryBonus
	}
	if sameLine {
		s += sameLineBonus
	} else if !shared && a.idents > 0 && b.idents > 0 {
		s *= disjointIdents
	}
	return min(s, 1)
}

// pairScore scores two findings of different reviewers, or returns 0 when
// they cannot be one issue. d is the gap in lines between their ranges.
func pairScore(a, b *node, d int) float64 {
	s := textScore(a, b, d)
	if s == 0 || !alt.location || kindConflict(a, b) {
		return s
	}
	// Location evidence: two reviewers pointing at (nearly) the same lines of
	// one function, with no known kinds that disagree. On its own it ranks a
	// pair; mutualBest keeps it only when neither finding has a better
	// counterpart from the other reviewer.
	if a.f.Section != "" && sameScope(&a.f, &b.f) && isFuncRegion(a.f.Section) && d <= locWindow {
		s = max(s, locBase*(1-float64(d)/float64(locWindow+1))+locText*jaccard(a.vec, b.vec))
	}
	return s
}

func textScore(a, b *node, d int) float64 {
	ka, kb := a.kinds, b.kinds
	if kindConflict(a, b) || distinctAnchors(a, b) {
		return 0 // two known, different kinds, or two lines each its own finding's subject
	}
	fix := fixSimilarity(a.fix, b.fix)
	near := d <= Window
	region := a.f.Section != "" && sameScope(&a.f, &b.f) && d <= RegionWindow && isFuncRegion(a.f.Section)
	if ka&kb == 0 {
		// No kind in common: the text must carry it, close by, or (damped)
		// anywhere in one function.
		if !near {
			if !region || !alt.regionText {
				return 0
			}
			return regionText * similarity(a.vec, b.vec, fix, a.f.Raw.Category == b.f.Raw.Category, false)
		}
		if a.f.Line == b.f.Line && !ablate.sameLineCode {
			return similarity(textOnly(a.vec), textOnly(b.vec), fix, a.f.Raw.Category == b.f.Raw.Category, true)
		}
		return similarity(a.vec, b.vec, fix, a.f.Raw.Category == b.f.Raw.Category, a.f.Line == b.f.Line)
	}
	fileFar := alt.fileFar && !near && !region && sameDeclared(a, b) && a.decl != otherBit && a.decl&perCallMask == 0 && farEvidence(a, b)
	if !near && !fileFar && (!region || !farEvidence(a, b) && !(alt.farFlow && dataflow(a, b))) {
		return 0
	}
	j := withFix(jaccard(a.vec, b.vec), fix)
	if d > 0 && !fileFar && disjointNames(a, b) && !dataflow(a, b) {
		// One kind, but about different names on different lines: two
		// issues unless the text says otherwise, close by.
		if !near {
			return 0
		}
		return similarity(a.vec, b.vec, fix, a.f.Raw.Category == b.f.Raw.Category, false)
	}
	return min(kindBase+kindText*j+kindClose*max(1-float64(d)/float64(RegionWindow+1), 0), 1)
}

// Cluster is one issue: the findings of one or more reviewers about it.
type Cluster struct {
	// Members are every finding in the cluster, canonical order, repeats included.
	Members []anchor.Finding
	// Rep is the most central member: its text represents the cluster.
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
var ablate struct{ kinds, idf, code, linkCheck, distinct, far, isolated, fnIsolated, isoSameLine, dataflow, sameLineCode, related, kindIsolated, causeSymptom, wordsOverrule, perCallFar, inferIso, fix, otherNoKind, fileKind, quotedRepeats bool }

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
	evs := make([]evidence, len(findings))
	for i, j := range order {
		f := findings[j]
		vecs[i] = vectorize(f.Raw.Title + "\n" + f.Raw.Explanation)
		evs[i] = evidenceOf(f, vecs[i]) // before the code terms and IDF change vecs[i]
		if !ablate.code {
			vecs[i] = withCode(vecs[i], f.LineText)
		}
	}
	fixes := make([]vector, len(findings))
	for i, j := range order {
		fixes[i] = findingFix(&findings[j])
	}
	if !ablate.idf {
		idfWeigh(vecs)
		fixIDF(fixes)
	}
	for i, j := range order {
		f := findings[j]
		nodes[i] = node{f: f, vec: vecs[i], ev: evs[i], fix: fixes[i], oldSide: oldSide[j]}
		if !ablate.kinds {
			nodes[i].kinds, nodes[i].declared = kindsOf(f.Raw.Kind, f.Raw.Title, f.Raw.Explanation)
			nodes[i].decl = declaredKind(f.Raw.Kind)
			if nodes[i].declared {
				nodes[i].inferred = inferKinds(f.Raw.Title, f.Raw.Explanation)
			}
		}
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

// conflicts reports whether a finding of one group and one of the other
// cannot be one issue: known, different kinds, or disjoint names further
// apart than Window.
func conflicts(nodes []node, a, b []int) bool {
	for _, i := range a {
		for _, j := range b {
			if kindConflict(&nodes[i], &nodes[j]) {
				return true
			}
			if readabilityApart(&nodes[i].f, &nodes[j].f) {
				return true
			}
			if disjointFar(&nodes[i], &nodes[j]) {
				return true
			}
		}
	}
	return false
}

// disjointFar reports whether two findings name identifiers, share none, and
// lie more than Window lines apart.
func disjointFar(a, b *node) bool {
	if a.f.File != b.f.File || a.vec.idents == 0 || b.vec.idents == 0 {
		return false
	}
	lo, hi := &a.f, &b.f
	if hi.Line < lo.Line {
		lo, hi = hi, lo
	}
	if hi.Line-lo.EndLine <= Window {
		return false
	}
	if a.fileIso && b.fileIso && a.decl == b.decl && !placesApart(a, b) {
		return false // fileKindPairs: one issue of the kind in the file, wherever its findings lie
	}
	if sameDeclared(a, b) && !ablate.kindIsolated {
		// The rules of kindIsolated: names apart split one declared kind,
		// unless it is one that spans places in one function.
		return !functionWide(a, b) && namedApart(a, b)
	}
	return disjointNames(a, b)
}

// disjointNames reports whether two findings both name identifiers and share
// none, leaving out the names of a section they share (the enclosing
// function and its receiver are where the issue is, not what it is about).
func disjointNames(a, b *node) bool {
	if a.vec.idents == 0 || b.vec.idents == 0 {
		return false
	}
	sec := ""
	if a.f.Section != "" && sameScope(&a.f, &b.f) {
		sec = strings.ToLower(a.f.Section)
	}
	skip := func(tok string) bool { return sec != "" && containsWord(sec, tok) }
	na, nb := 0, 0
	for _, t := range a.vec.terms {
		if t.ident && !skip(t.tok) {
			na++
		}
	}
	for _, t := range b.vec.terms {
		if t.ident && !skip(t.tok) {
			nb++
		}
	}
	if na == 0 || nb == 0 {
		return false
	}
	i, j := 0, 0
	for i < len(a.vec.terms) && j < len(b.vec.terms) {
		ta, tb := a.vec.terms[i], b.vec.terms[j]
		switch {
		case ta.tok == tb.tok:
			if ta.ident && tb.ident && !skip(ta.tok) {
				return false
			}
			i++
			j++
		case ta.tok < tb.tok:
			i++
		default:
			j++
		}
	}
	return true
}

// containsWord reports whether tok occurs in s as a whole word.
func containsWord(s, tok string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], tok)
		if j < 0 {
			return false
		}
		j += i
		e := j + len(tok)
		if (j == 0 || !isWordRune(rune(s[j-1]))) && (e == len(s) || !isWordRune(rune(s[e]))) {
			return true
		}
		i = j + 1
	}
}

// overlaps reports whether two sorted id lists share an id.
func overlaps(a, b []int32) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			return true
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return false
}

func mergeSorted(a, b []int32) []int32 {
	out := make([]int32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if j == len(b) || i < len(a) && a[i] < b[j] {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	return out
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
	for _, f := range c.Members {
		cats[f.Raw.Category]++
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
	if f.LineKind != diff.Context {
		rank++
	}
	return rank
}

type pair struct {
	a, b  int // canonical indices, a < b
	score float64
	same  bool // same reviewer
}

// candidatePairs sweeps each file's findings by line and scores the pairs
// that are close enough to be the same issue: within Window lines, or within
// RegionWindow lines in one enclosing section.
func candidatePairs(nodes []node) []pair {
	var pairs []pair
	score := func(a, b, d int) {
		fa, fb := &nodes[a].f, &nodes[b].f
		var s float64
		same := fa.Reviewer == fb.Reviewer
		if same {
			if d > Window {
				return
			}
			// Two quotes of one reviewer at lines that do not overlap are
			// two statements it pointed at: two findings, however alike
			// their words ("SQL injection in DELETE", "... in DROP
			// TABLE"). A repeat (one hunk seen in two chunks) quotes the
			// same code, so it lands on the same lines.
			if !ablate.quotedRepeats && fa.Evidence == anchor.EvidenceQuote && fb.Evidence == anchor.EvidenceQuote &&
				(fb.Line > fa.EndLine || fa.Line > fb.EndLine) {
				return
			}
			// A reviewer's repeats are the same words seen twice (one hunk
			// in two chunks): their fixes add nothing.
			s = similarity(nodes[a].vec, nodes[b].vec, noFix, fa.Raw.Category == fb.Raw.Category, fa.Line == fb.Line)
		} else {
			s = pairScore(&nodes[a], &nodes[b], d)
		}
		if a > b {
			a, b = b, a
		}
		pairs = append(pairs, pair{a: a, b: b, score: s, same: same})
	}
	reach := max(Window, RegionWindow, KindWindow)
	// nodes are sorted by file then line, so each file is one run, file-level
	// findings (line 0) first.
	for start := 0; start < len(nodes); {
		end := start
		for end < len(nodes) && nodes[end].f.File == nodes[start].f.File {
			end++
		}
		for i := start; i < end; i++ {
			fi := nodes[i].f
			for j := i + 1; j < end; j++ {
				fj := nodes[j].f
				// file-level findings sort first and pair only with each other
				if fi.FileLevel() != fj.FileLevel() {
					break
				}
				d := 0
				if !fi.FileLevel() {
					if fj.Line > fi.EndLine+reach {
						if !alt.fileFar {
							break
						}
						if !sameDeclared(&nodes[i], &nodes[j]) || nodes[i].decl == otherBit || fi.Reviewer == fj.Reviewer {
							continue
						}
					}
					d = max(fj.Line-fi.EndLine, 0)
				}
				score(i, j, d)
			}
		}
		start = end
	}
	return pairs
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

type unionFind struct{ parent []int }

func newUnionFind(n int) *unionFind {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return &unionFind{p}
}

func (u *unionFind) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

// union joins the sets of a and b under the smaller root, so roots are
// canonical indices, and returns the root.
func (u *unionFind) union(a, b int) int {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return ra
	}
	if rb < ra {
		ra, rb = rb, ra
	}
	u.parent[rb] = ra
	return ra
}

// isFuncRegion reports whether a section heading opens one function, so
// that the whole section is one region: it has a parameter list, is not a
// statement (`const router = Router();`), and does not open a container of
// many functions (a class, struct, impl or interface: when no definition is
// found inside the hunk, the anchor falls back to the hunk's heading, which
// is often the type whose methods follow). When in doubt it is not a region,
// and findings merge only within Window.
func isFuncRegion(sec string) bool {
	s := strings.TrimSpace(sec)
	if !strings.Contains(s, "(") || strings.HasSuffix(s, ";") {
		return false
	}
	for _, w := range strings.Fields(strings.ToLower(s)) {
		switch strings.TrimRight(w, "{:") {
		case "class", "struct", "impl", "interface", "trait", "enum", "object", "module", "namespace":
			return false
		}
		if strings.Contains(w, "(") {
			break
		}
	}
	return true
}

// sameScope reports whether two findings are in one definition: the same
// section inside the same outer definitions (two classes' methods of one
// name are two).
func sameScope(a, b *anchor.Finding) bool {
	return a.Section == b.Section && slices.Equal(a.Outer, b.Outer)
}

// mutualBest keeps the cross-reviewer pairs that are a matching: for each
// pair of reviewers, a finding of one pairs with at most one finding of the
// other, and only when each is the other's best candidate from that
// reviewer (ties: the lower canonical index). Two distinct bugs on one line
// found by different subsets of reviewers then pair each with its own
// counterpart instead of chaining through the nearest one.
func mutualBest(nodes []node, cross []pair) []pair {
	type key struct {
		i   int
		rev string
	}
	best := map[key]int{}            // index into cross of i's best pair with reviewer rev
	better := func(x, y pair) bool { // x ranks above y
		if x.score != y.score {
			return x.score > y.score
		}
		if x.a != y.a {
			return x.a < y.a
		}
		return x.b < y.b
	}
	consider := func(i int, rev string, k int) {
		kk := key{i, rev}
		if j, ok := best[kk]; !ok || better(cross[k], cross[j]) {
			best[kk] = k
		}
	}
	for k, p := range cross {
		consider(p.a, nodes[p.b].f.Reviewer, k)
		consider(p.b, nodes[p.a].f.Reviewer, k)
	}
	out := make([]pair, 0, len(cross))
	for k, p := range cross {
		if best[key{p.a, nodes[p.b].f.Reviewer}] == k && best[key{p.b, nodes[p.a].f.Reviewer}] == k {
			out = append(out, p)
		}
	}
	return out
}
