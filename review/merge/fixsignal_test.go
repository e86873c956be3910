package merge

import (
	"testing"

	"github.com/quorum-review/quorum/review/merge/corpus"
)

// TestCorpusFixSignal prints how well each signal separates same-issue
// pairs (AUC: the chance that a same-issue pair scores above a
// different-issue one; 0.5 is chance) over the pairs a merge considers:
// two reviewers, one file, within RegionWindow lines, kinds that do not
// conflict. BENCHMARKS.md "Merge quality", ninth pass:
//
//	go test ./review/merge -run TestCorpusFixSignal -v
func TestCorpusFixSignal(t *testing.T) {
	if !testing.Verbose() {
		t.Skip("a table for -v")
	}
	type scored struct {
		same          bool
		lex, fix, sum float64
	}
	groupOf := func(dir string) string {
		if g := corpus.Pool(dir); g != "older" {
			return g
		}
		return "13 older corpora"
	}
	groups := map[string][]scored{}
	for _, dir := range corpusDirs(t) {
		for _, r := range loadCorpus(t, dir) {
			vecs := make([]vector, len(r.Findings))
			fixes := make([]vector, len(r.Findings))
			nodes := make([]node, len(r.Findings))
			for i, f := range r.Findings {
				vecs[i] = vectorize(f.Raw.Title + "\n" + f.Raw.Explanation)
				fixes[i] = findingFix(&f)
				nodes[i] = node{f: f, vec: withCode(vecs[i], f.LineText), ev: evidenceOf(f, vectorize(f.Raw.Title+"\n"+f.Raw.Explanation)), kinds: kindOf(f.Raw.Kind, f.Raw.Title, f.Raw.Explanation)}
			}
			idfWeigh(vecs)
			fixIDF(fixes)
			for i, a := range r.Findings {
				for j := i + 1; j < len(r.Findings); j++ {
					b := r.Findings[j]
					if a.Reviewer == b.Reviewer || a.File != b.File || lineGap(&a, &b) > RegionWindow ||
						nodes[i].kinds.conflict(nodes[j].kinds) || distinctAnchors(&nodes[i], &nodes[j]) {
						continue
					}
					s := scored{same: r.Issue[corpus.Key(a)] == r.Issue[corpus.Key(b)], lex: jaccard(vecs[i], vecs[j]), fix: max(fixSimilarity(fixes[i], fixes[j]), 0)}
					s.sum = s.lex + s.fix
					groups[groupOf(dir)] = append(groups[groupOf(dir)], s)
				}
			}
		}
	}
	auc := func(rows []scored, key func(scored) float64) float64 {
		var wins float64
		pos, neg := 0, 0
		for _, p := range rows {
			if !p.same {
				continue
			}
			pos++
			for _, n := range rows {
				if n.same {
					continue
				}
				switch kp, kn := key(p), key(n); {
				case kp > kn:
					wins++
				case kp == kn:
					wins += 0.5
				}
			}
		}
		for _, n := range rows {
			if !n.same {
				neg++
			}
		}
		return wins / float64(pos*neg)
	}
	t.Logf("| pairs | count | same issue | words (lexical) | fix delta | words + fix |")
	t.Logf("|---|--:|--:|--:|--:|--:|")
	for _, g := range append([]string{"13 older corpora"}, corpus.Pools[1:]...) {
		rows := groups[g]
		same := 0
		for _, r := range rows {
			if r.same {
				same++
			}
		}
		t.Logf("| %s | %d | %d | %.3f | %.3f | %.3f |", g, len(rows), same,
			auc(rows, func(s scored) float64 { return s.lex }), auc(rows, func(s scored) float64 { return s.fix }), auc(rows, func(s scored) float64 { return s.sum }))
	}
}
