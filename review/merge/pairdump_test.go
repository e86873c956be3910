package merge

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/quorum-review/quorum/review/merge/corpus"
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
			for ci, c := range Clusters(r.Findings) {
				for _, m := range c.Members {
					cluster[corpus.Key(m)] = ci
				}
			}
			vecs := make([]vector, len(r.Findings))
			for i, f := range r.Findings {
				vecs[i] = vectorize(f.Raw.Title + "\n" + f.Raw.Explanation)
			}
			idfWeigh(vecs)
			fixes := make([]vector, len(r.Findings))
			nodes := make([]node, len(r.Findings))
			for i, f := range r.Findings {
				fixes[i] = findingFix(&f)
				nodes[i] = node{f: f, vec: withCode(vectorize(f.Raw.Title+"\n"+f.Raw.Explanation), f.LineText), ev: evidenceOf(f, vectorize(f.Raw.Title+"\n"+f.Raw.Explanation)), kinds: kindOf(f.Raw.Kind, f.Raw.Title, f.Raw.Explanation)}
			}
			fixIDF(fixes)
			for i, a := range r.Findings {
				for j := i + 1; j < len(r.Findings); j++ {
					b := r.Findings[j]
					if a.Reviewer == b.Reviewer || a.File != b.File {
						continue
					}
					ka, kb := corpus.Key(a), corpus.Key(b)
					pairs = append(pairs, pair{
						Dir: dir, Review: r.Name,
						TextA: a.Raw.Title + ". " + a.Raw.Explanation, TextB: b.Raw.Title + ". " + b.Raw.Explanation,
						Gap:  max(a.Line-b.Line, b.Line-a.Line),
						Same: r.Issue[ka] == r.Issue[kb], Merged: cluster[ka] == cluster[kb],
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
