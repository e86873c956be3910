package merge

import "math"

// This file is the fitted alternative to the hand-made pair score: the same
// signals (text, fix, kinds, place, isolation) as features of a logistic
// model fitted on the older corpora (BENCHMARKS.md "Merge quality", tenth
// pass). It was not kept, so it lives with the tests that measure it, which
// plug it in through alt.scorer.

// pairFeatureNames names pairFeatures' columns, in order.
var pairFeatureNames = []string{
	"words", "text", "fix", "fix-missing", "same-kind", "same-declared", "related-kinds", "kind-unknown",
	"same-line", "near", "gap", "same-function", "shared-name", "disjoint-names", "same-category",
	"isolated", "kind-isolated", "far-evidence", "dataflow", "same-quote", "words*near", "fix*near", "words*same-kind", "hand-score",
}

// pairFeatures describes the cross-reviewer candidate pair a, b (canonical
// indices, gap lines apart); conflicting pairs (known different kinds,
// distinct anchors) have no features: the merge never links them.
func pairFeatures(nodes []node, self *unionFind, a, b, gap int) []float64 {
	x, y := &nodes[a], &nodes[b]
	if kindConflict(x, y) || distinctAnchors(x, y) {
		return nil
	}
	b2f := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	words, shared := jaccardIdents(x.vec, y.vec)
	fix := fixSimilarity(x.fix, y.fix)
	near := gap <= Window
	sameKind := x.kinds&y.kinds != 0
	hand := pairScore(x, y, gap)
	if hand < isoScore && (isolated(nodes, self, a, b) || kindIsolated(nodes, self, a, b)) {
		hand = isoScore
	}
	return []float64{
		words,
		jaccard(textOnly(x.vec), textOnly(y.vec)),
		max(fix, 0),
		b2f(fix == noFix),
		b2f(sameKind),
		b2f(x.decl != 0 && x.decl == y.decl),
		b2f(!sameKind && x.kinds.related(y.kinds)),
		b2f(x.kinds == 0 || y.kinds == 0),
		b2f(x.f.Line == y.f.Line),
		b2f(near),
		min(float64(gap), float64(KindWindow)) / float64(KindWindow),
		b2f(x.f.Section != "" && x.f.Section == y.f.Section && isFuncRegion(x.f.Section)),
		b2f(shared),
		b2f(gap > 0 && disjointNames(x, y)),
		b2f(x.f.Raw.Category == y.f.Raw.Category),
		b2f(isolated(nodes, self, a, b)),
		b2f(kindIsolated(nodes, self, a, b)),
		b2f(farEvidence(x, y)),
		b2f(dataflow(x, y)),
		b2f(x.f.Raw.Quote != "" && x.f.Raw.Quote == y.f.Raw.Quote),
		words * b2f(near),
		max(fix, 0) * b2f(near),
		words * b2f(sameKind),
		hand,
	}
}

// pairModel is a logistic model over pairFeatures: the probability that a
// pair is one issue, scaled so that Threshold maps to CrossThreshold.
type pairModel struct {
	Bias      float64
	Weights   []float64
	Threshold float64
}

// scorePair is m's score of a candidate pair, as alt.scorer wants it.
func (m *pairModel) scorePair(nodes []node, self *unionFind, a, b, gap int) float64 {
	return m.score(pairFeatures(nodes, self, a, b, gap))
}

func (m *pairModel) score(feat []float64) float64 {
	if feat == nil {
		return 0
	}
	z := m.Bias
	for i, w := range m.Weights {
		z += w * feat[i]
	}
	p := 1 / (1 + math.Exp(-z))
	// CrossThreshold links: map the model's threshold onto it, keeping order.
	if p >= m.Threshold {
		return CrossThreshold + (1-CrossThreshold)*(p-m.Threshold)/(1-m.Threshold+1e-9)
	}
	return CrossThreshold * p / m.Threshold
}
