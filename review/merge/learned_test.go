package merge

import (
	"fmt"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/merge/corpus"
)

type labelledPair struct {
	dir   string
	group string
	same  bool
	feat  []float64
}

// corpusPairs lists every cross-reviewer candidate pair of every corpus with
// its features (pairFeatures) and its label, as Clusters would see them.
func corpusPairs(t *testing.T) []labelledPair {
	var out []labelledPair
	for _, dir := range corpusDirs(t) {
		for _, r := range loadCorpus(t, dir) {
			nodes, pairs, self := prepare(r.Findings)
			for _, p := range pairs {
				if p.same {
					continue
				}
				f := pairFeatures(nodes, self, p.a, p.b, lineGap(&nodes[p.a].f, &nodes[p.b].f))
				if f == nil {
					continue
				}
				same := r.Issue[corpus.Key(nodes[p.a].f)] == r.Issue[corpus.Key(nodes[p.b].f)]
				out = append(out, labelledPair{dir, corpus.Pool(dir), same, f})
			}
		}
	}
	return out
}

// fitLogistic fits weights by Newton's method with an L2 penalty lambda.
func fitLogistic(pairs []labelledPair, lambda float64, nfeat int) (float64, []float64) {
	n := nfeat + 1
	w := make([]float64, n)
	x := func(p labelledPair, i int) float64 {
		if i == 0 {
			return 1
		}
		return p.feat[i-1]
	}
	for range 50 {
		grad := make([]float64, n)
		hess := make([][]float64, n)
		for i := range hess {
			hess[i] = make([]float64, n)
		}
		for _, p := range pairs {
			z := 0.0
			for i := range n {
				z += w[i] * x(p, i)
			}
			q := 1 / (1 + math.Exp(-z))
			y := 0.0
			if p.same {
				y = 1
			}
			for i := range n {
				xi := x(p, i)
				if xi == 0 {
					continue
				}
				grad[i] += (q - y) * xi
				for j := range n {
					hess[i][j] += q * (1 - q) * xi * x(p, j)
				}
			}
		}
		for i := 1; i < n; i++ {
			grad[i] += lambda * w[i]
			hess[i][i] += lambda
		}
		hess[0][0] += 1e-9
		step := solve(hess, grad)
		for i := range w {
			w[i] -= step[i]
		}
	}
	return w[0], w[1:]
}

// solve solves a x = b by Gaussian elimination with partial pivoting.
func solve(a [][]float64, b []float64) []float64 {
	n := len(b)
	m := make([][]float64, n)
	for i := range a {
		m[i] = append(slices.Clone(a[i]), b[i])
	}
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		if m[c][c] == 0 {
			continue
		}
		for r := c + 1; r < n; r++ {
			f := m[r][c] / m[c][c]
			for k := c; k <= n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		if m[r][r] == 0 {
			continue
		}
		s := m[r][n]
		for k := r + 1; k < n; k++ {
			s -= m[r][k] * x[k]
		}
		x[r] = s / m[r][r]
	}
	return x
}

// TestCorpusLearned fits the logistic pair model on the older corpora only
// and measures it, after clustering, on every group side by side with the
// hand-made score. It is a measurement (BENCHMARKS.md "Merge quality",
// tenth pass) and runs when QUORUM_MERGE_LEARNED is set.
func TestCorpusLearned(t *testing.T) {
	if os.Getenv("QUORUM_MERGE_LEARNED") == "" {
		t.Skip("set QUORUM_MERGE_LEARNED=1 to fit and measure the logistic pair model")
	}
	all := corpusPairs(t)
	groups := corpus.Pools
	var older []string
	for _, dir := range corpusDirs(t) {
		if corpus.Pool(dir) == "older" {
			older = append(older, dir)
		}
	}
	var prep func(anchor.Finding) anchor.Finding
	scoreDirs := func(dirs []string) map[string]corpus.Counts {
		out := map[string]corpus.Counts{}
		for _, dir := range dirs {
			s := scoreCorpus(loadCorpus(t, dir), prep)
			g := out[corpus.Pool(dir)]
			g.TP, g.FP, g.FN = g.TP+s.TP, g.FP+s.FP, g.FN+s.FN
			out[corpus.Pool(dir)] = g
		}
		return out
	}
	f1 := func(c corpus.Counts) float64 { return 2 * float64(c.TP) / float64(max(2*c.TP+c.FP+c.FN, 1)) }
	row := func(name string, r map[string]corpus.Counts) {
		line := fmt.Sprintf("%-34s", name)
		var u corpus.Counts
		for _, g := range groups {
			c := r[g]
			if c.TP+c.FP+c.FN == 0 {
				continue
			}
			if g != "older" {
				u.TP, u.FP, u.FN = u.TP+c.TP, u.FP+c.FP, u.FN+c.FN
			}
			line += fmt.Sprintf("  %s %.3f/%.3f (fp %d)", g, float64(c.TP)/float64(max(c.TP+c.FP, 1)), float64(c.TP)/float64(max(c.TP+c.FN, 1)), c.FP)
		}
		t.Log(line + fmt.Sprintf("  untuned %.3f/%.3f (fp %d)", float64(u.TP)/float64(max(u.TP+u.FP, 1)), float64(u.TP)/float64(max(u.TP+u.FN, 1)), u.FP))
	}
	row("hand-made score", scoreDirs(corpusDirs(t)))
	fit := func(exclude string, lambda float64, nfeat int) (float64, []float64) {
		var train []labelledPair
		for _, p := range all {
			if p.group == "older" && p.dir != exclude {
				train = append(train, p)
			}
		}
		return fitLogistic(train, lambda, nfeat)
	}
	thresholds := []float64{0.3, 0.4, 0.5, 0.6, 0.7, 0.8}
	for _, variant := range []struct {
		name  string
		nfeat int
	}{{"features", len(pairFeatureNames) - 1}, {"features + hand score", len(pairFeatureNames)}} {
		// Leave one older corpus out: fit on the others, cluster it.
		best, bestF := "", -1.0
		var bestL, bestT float64
		for _, lambda := range []float64{0.1, 1, 10} {
			loco := make([]corpus.Counts, len(thresholds))
			for _, dir := range older {
				bias, w := fit(dir, lambda, variant.nfeat)
				for k, th := range thresholds {
					alt.scorer = (&pairModel{Bias: bias, Weights: w, Threshold: th}).scorePair
					c := scoreDirs([]string{dir})["older"]
					loco[k].TP, loco[k].FP, loco[k].FN = loco[k].TP+c.TP, loco[k].FP+c.FP, loco[k].FN+c.FN
					alt.scorer = nil
				}
			}
			for k, th := range thresholds {
				c := loco[k]
				name := fmt.Sprintf("%s l=%g t=%.1f", variant.name, lambda, th)
				t.Logf("leave-one-out on older: %-34s %.3f/%.3f (fp %d) F1 %.3f", name, float64(c.TP)/float64(max(c.TP+c.FP, 1)), float64(c.TP)/float64(max(c.TP+c.FN, 1)), c.FP, f1(c))
				if f1(c) > bestF {
					best, bestF, bestL, bestT = name, f1(c), lambda, th
				}
			}
		}
		bias, w := fit("", bestL, variant.nfeat)
		msg := fmt.Sprintf("chosen by leave-one-out F1 on older: %s; weights: bias %.2f", best, bias)
		for i, n := range pairFeatureNames[:variant.nfeat] {
			msg += fmt.Sprintf(", %s %.2f", n, w[i])
		}
		t.Log(msg)
		t.Logf("as Go: pairModel{Bias: %v, Weights: %#v, Threshold: %v}", bias, w, bestT)
		for _, th := range thresholds {
			alt.scorer = (&pairModel{Bias: bias, Weights: w, Threshold: th}).scorePair
			mark := ""
			if th == bestT {
				mark = " *"
			}
			row(fmt.Sprintf("%s l=%g t=%.1f%s", variant.name, bestL, th, mark), scoreDirs(corpusDirs(t)))
			alt.scorer = nil
		}
		// The chosen model against the hand-made score on answers that lack
		// what the model was fitted with.
		for _, mode := range []struct {
			name string
			prep func(anchor.Finding) anchor.Finding
		}{{"no schema kind", stripKinds}, {"no section/line text", noContext}, {"no suggested fix", stripFix}, {"1 fix in 3 missing", fixDropout(3)}} {
			prep = mode.prep
			row("hand-made, "+mode.name, scoreDirs(corpusDirs(t)))
			alt.scorer = (&pairModel{Bias: bias, Weights: w, Threshold: bestT}).scorePair
			row("chosen, "+mode.name, scoreDirs(corpusDirs(t)))
			alt.scorer, prep = nil, nil
		}
	}
}

// TestCorpusChaining counts the merged pairs of different reviewers that the
// clustering joined without a direct link (a chain through a third
// finding), against those with one: how much a linkage stricter than the
// greedy single link could save (BENCHMARKS.md "Merge quality", tenth
// pass). It runs when QUORUM_MERGE_LEARNED is set.
func TestCorpusChaining(t *testing.T) {
	if os.Getenv("QUORUM_MERGE_LEARNED") == "" {
		t.Skip("set QUORUM_MERGE_LEARNED=1 to count chained merges")
	}
	for _, g := range corpus.Pools {
		direct, chained, tpDirect, tpChained := 0, 0, 0, 0
		for _, dir := range corpusDirs(t) {
			if corpus.Pool(dir) != g {
				continue
			}
			for _, r := range loadCorpus(t, dir) {
				nodes, pairs, self := prepare(r.Findings)
				score := map[[2]int]float64{}
				for _, p := range pairs {
					s := p.score
					if !p.same && s < isoScore && (isolated(nodes, self, p.a, p.b) || kindIsolated(nodes, self, p.a, p.b)) {
						s = isoScore
					}
					score[[2]int{p.a, p.b}] = s
				}
				cl := Clusters(r.Findings)
				cid := map[string]int{}
				for ci, c := range cl {
					for _, m := range c.Members {
						cid[corpus.Key(m)] = ci
					}
				}
				for i := range nodes {
					for j := i + 1; j < len(nodes); j++ {
						ki, kj := corpus.Key(nodes[i].f), corpus.Key(nodes[j].f)
						if cid[ki] != cid[kj] || nodes[i].f.Reviewer == nodes[j].f.Reviewer {
							continue
						}
						d := score[[2]int{i, j}] >= CrossThreshold
						same := r.Issue[ki] == r.Issue[kj]
						switch {
						case !same && d:
							direct++
						case !same:
							chained++
						case d:
							tpDirect++
						default:
							tpChained++
						}
					}
				}
			}
		}
		t.Logf("%s: false merges direct %d chained %d; true merges direct %d chained %d", g, direct, chained, tpDirect, tpChained)
	}
}
