package merge

import (
	"fmt"
	"os"
	"testing"

	"github.com/quorum-review/quorum/review/merge/corpus"
)

// TestCorpusMisses prints every missed same-issue pair of one corpus with
// both findings' place, kinds, quote and texts, a class (CLASS: distance,
// kind relation, whether the anchored lines share a name) and why the merge
// did not link them. The miss classification in BENCHMARKS.md "Merge
// quality" comes from it:
//
//	QUORUM_MISSES=blind go test ./review/merge -run TestCorpusMisses -v
func TestCorpusMisses(t *testing.T) {
	dir := os.Getenv("QUORUM_MISSES")
	if dir == "" {
		t.Skip("set QUORUM_MISSES to a corpus directory")
	}
	for _, r := range loadCorpus(t, dir) {
		cl := map[string]int{}
		for ci, c := range Clusters(r.Findings) {
			for _, m := range c.Members {
				cl[corpus.Key(m)] = ci
			}
		}
		for i, a := range r.Findings {
			for _, b := range r.Findings[i+1:] {
				ka, kb := corpus.Key(a), corpus.Key(b)
				if r.Issue[ka] != r.Issue[kb] || cl[ka] == cl[kb] {
					continue
				}
				na := node{f: a, vec: withCode(vectorize(a.Raw.Title+"\n"+a.Raw.Explanation), a.LineText), ev: evidenceOf(a, vectorize(a.Raw.Title+"\n"+a.Raw.Explanation)), kinds: kindOf(a.Raw.Kind, a.Raw.Title, a.Raw.Explanation)}
				nb := node{f: b, vec: withCode(vectorize(b.Raw.Title+"\n"+b.Raw.Explanation), b.LineText), ev: evidenceOf(b, vectorize(b.Raw.Title+"\n"+b.Raw.Explanation)), kinds: kindOf(b.Raw.Kind, b.Raw.Title, b.Raw.Explanation)}
				d := lineGap(&a, &b)
				why := ""
				switch {
				case a.Reviewer == b.Reviewer:
					why = "same reviewer"
				case na.kinds.conflict(nb.kinds):
					why = "kind conflict"
				case distinctAnchors(&na, &nb):
					why = "distinct anchors"
				default:
					s := textScore(&na, &nb, d)
					why = fmt.Sprintf("score %.2f", s)
					if s >= CrossThreshold {
						why += " (blocked by cluster/reviewer)"
					}
				}
				shared := []string{}
				for _, n := range codeNames(a.LineText) {
					if has(codeNames(b.LineText), n) {
						shared = append(shared, n)
					}
				}
				kc := "weak"
				switch {
				case na.kinds == 0 && nb.kinds == 0:
					kc = "both-unknown"
				case na.kinds == 0 || nb.kinds == 0:
					kc = "one-unknown"
				case na.kinds.conflict(nb.kinds):
					kc = "conflict"
				case na.kinds&nb.kinds != 0:
					kc = "same"
				}
				dc := "d0"
				if d > 0 && d <= Window {
					dc = "near"
				} else if d > Window {
					dc = "far"
				}
				fmt.Printf("CLASS %s %s lines-share=%v\n", dc, kc, len(shared) > 0)
				fmt.Printf("%s [%s] d=%d sameSec=%v func=%v %s\n  A %s %s:%d k=%s q=%q\n    %q\n    %.150q\n  B %s %s:%d k=%s q=%q\n    %q\n    %.150q\n",
					r.Name, r.Issue[ka], d, a.Section == b.Section, isFuncRegion(a.Section), why,
					a.Reviewer, a.File, a.Line, na.kinds, a.Raw.Quote, a.Raw.Title, a.Raw.Explanation,
					b.Reviewer, b.File, b.Line, nb.kinds, b.Raw.Quote, b.Raw.Title, b.Raw.Explanation)
			}
		}
	}
}

// TestCorpusLoads checks a corpus being written, without merging it: every
// finding must anchor, and it prints each review's size. Corpus authors run
// it on a directory outside corpus/sets, so nothing measures the corpus
// before it is committed:
//
//	QUORUM_CORPUS_CHECK=/abs/dir go test ./review/merge -run TestCorpusLoads -v
func TestCorpusLoads(t *testing.T) {
	dir := os.Getenv("QUORUM_CORPUS_CHECK")
	if dir == "" {
		t.Skip("set QUORUM_CORPUS_CHECK to a corpus directory")
	}
	for _, r := range loadCorpus(t, dir) {
		reviewers, issues := map[string]bool{}, map[string]bool{}
		for _, f := range r.Findings {
			reviewers[f.Reviewer] = true
			issues[r.Issue[corpus.Key(f)]] = true
		}
		t.Logf("%s: %d findings anchored, %d issues, %d reviewers", r.Name, len(r.Findings), len(issues), len(reviewers))
	}
}
