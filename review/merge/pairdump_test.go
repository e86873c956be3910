package merge

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

// TestCorpusPairDump writes every corpus pair a merge could consider (two
// reviewers, one file) with its label, the merge's decision, the line gap
// and the lexical text overlap, for scripts/merge-embed-signal.sh, which
// measures a real sentence-embedding model against them. It runs only when
// QUORUM_DUMP_PAIRS names the output file.
func TestCorpusPairDump(t *testing.T) {
	out := os.Getenv("QUORUM_DUMP_PAIRS")
	if out == "" {
		t.Skip("set QUORUM_DUMP_PAIRS=FILE to write the corpus pairs")
	}
	type pair struct {
		Dir, Review    string
		TextA, TextB   string // title. explanation
		Gap            int    // lines between the two anchors
		Same, Merged   bool   // the label, and what Clusters decided
		LexicalOverlap float64
		// The suggested fixes (model-fixes.json where the finding has none),
		// the similarity of what they change (-1: a side has no fix), and
		// the tokens both changes bring.
		FixA, FixB string
		FixSim     float64
		FixShared  []string
		// SameFunc: one function-shaped section; Conflict: known different
		// kinds or distinct anchors (the merge never links such a pair).
		SameFunc, Conflict bool
		LineA, LineB       string // the anchored lines' code
	}
	var pairs []pair
	for _, dir := range corpusDirs(t) {
		for _, r := range loadCorpus(t, dir) {
			cluster := map[string]int{}
			for ci, c := range Clusters(r.findings) {
				for _, m := range c.Members {
					cluster[findingKey(m)] = ci
				}
			}
			vecs := make([]vector, len(r.findings))
			for i, f := range r.findings {
				vecs[i] = vectorize(f.Raw.Title + "\n" + f.Raw.Explanation)
			}
			idfWeigh(vecs)
			fixes := make([]vector, len(r.findings))
			nodes := make([]node, len(r.findings))
			for i, f := range r.findings {
				fixes[i] = findingFix(&f)
				nodes[i] = node{f: f, vec: withCode(vectorize(f.Raw.Title+"\n"+f.Raw.Explanation), f.LineText), ev: evidenceOf(f), kinds: kindOf(f.Raw.Kind, f.Raw.Title, f.Raw.Explanation)}
			}
			fixIDF(fixes)
			for i, a := range r.findings {
				for j := i + 1; j < len(r.findings); j++ {
					b := r.findings[j]
					if a.Reviewer == b.Reviewer || a.File != b.File {
						continue
					}
					ka, kb := findingKey(a), findingKey(b)
					pairs = append(pairs, pair{
						Dir: dir, Review: r.name,
						TextA: a.Raw.Title + ". " + a.Raw.Explanation, TextB: b.Raw.Title + ". " + b.Raw.Explanation,
						Gap:  max(a.Line-b.Line, b.Line-a.Line),
						Same: r.issue[ka] == r.issue[kb], Merged: cluster[ka] == cluster[kb],
						LexicalOverlap: jaccard(vecs[i], vecs[j]),
						FixA:           a.Raw.Fix, FixB: b.Raw.Fix,
						FixSim:    fixSimilarity(fixes[i], fixes[j]),
						FixShared: fixTokensShared(fixes[i], fixes[j]),
						SameFunc:  a.Section != "" && a.Section == b.Section && isFuncRegion(a.Section),
						LineA:     a.LineText, LineB: b.LineText,
						Conflict: nodes[i].kinds.conflict(nodes[j].kinds) || distinctAnchors(&nodes[i], &nodes[j]),
					})
				}
			}
		}
	}
	data, err := json.Marshal(pairs)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d pairs written to %s", len(pairs), out)
}

// fixTokensShared lists the tokens two fix deltas share, for reading.
func fixTokensShared(a, b vector) []string {
	var out []string
	for _, t := range a.terms {
		if slices.ContainsFunc(b.terms, func(u term) bool { return u.tok == t.tok }) {
			out = append(out, t.tok)
		}
	}
	return out
}

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
		switch dir {
		case "blind12", "blind13", "blind14":
			return "blind12-14"
		case "blind15", "blind16", "blind17":
			return "blind15-17"
		}
		return "13 older corpora"
	}
	groups := map[string][]scored{}
	for _, dir := range corpusDirs(t) {
		for _, r := range loadCorpus(t, dir) {
			vecs := make([]vector, len(r.findings))
			fixes := make([]vector, len(r.findings))
			nodes := make([]node, len(r.findings))
			for i, f := range r.findings {
				vecs[i] = vectorize(f.Raw.Title + "\n" + f.Raw.Explanation)
				fixes[i] = findingFix(&f)
				nodes[i] = node{f: f, vec: withCode(vecs[i], f.LineText), ev: evidenceOf(f), kinds: kindOf(f.Raw.Kind, f.Raw.Title, f.Raw.Explanation)}
			}
			idfWeigh(vecs)
			fixIDF(fixes)
			for i, a := range r.findings {
				for j := i + 1; j < len(r.findings); j++ {
					b := r.findings[j]
					if a.Reviewer == b.Reviewer || a.File != b.File || lineGap(&a, &b) > RegionWindow ||
						nodes[i].kinds.conflict(nodes[j].kinds) || distinctAnchors(&nodes[i], &nodes[j]) {
						continue
					}
					s := scored{same: r.issue[findingKey(a)] == r.issue[findingKey(b)], lex: jaccard(vecs[i], vecs[j]), fix: max(fixSimilarity(fixes[i], fixes[j]), 0)}
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
	for _, g := range []string{"13 older corpora", "blind12-14", "blind15-17"} {
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
