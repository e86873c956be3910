package render_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// shuffle permutes reviewers, their chunks, and every list inside each answer.
func shuffle(rng *rand.Rand, raw *review.Raw) {
	rng.Shuffle(len(raw.Results), func(i, j int) { raw.Results[i], raw.Results[j] = raw.Results[j], raw.Results[i] })
	for i := range raw.Results {
		chunks := raw.Results[i].Chunks
		rng.Shuffle(len(chunks), func(a, b int) { chunks[a], chunks[b] = chunks[b], chunks[a] })
		for _, ch := range chunks {
			a := ch.Answer
			if a == nil {
				continue
			}
			rng.Shuffle(len(a.Findings), func(x, y int) { a.Findings[x], a.Findings[y] = a.Findings[y], a.Findings[x] })
			rng.Shuffle(len(a.Strengths), func(x, y int) { a.Strengths[x], a.Strengths[y] = a.Strengths[y], a.Strengths[x] })
			rng.Shuffle(len(a.Concerns), func(x, y int) { a.Concerns[x], a.Concerns[y] = a.Concerns[y], a.Concerns[x] })
			rng.Shuffle(len(a.Untested), func(x, y int) { a.Untested[x], a.Untested[y] = a.Untested[y], a.Untested[x] })
		}
	}
}

func renderAll(t *testing.T, sc reporttest.Scenario) []byte {
	t.Helper()
	r := build(t, sc)
	var buf bytes.Buffer
	for _, f := range []string{"json", "markdown", "sarif", "rdjsonl"} {
		if err := render.Write(&buf, f, r, render.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// TestPermutationInvariance: shuffling reviewers, chunks and findings never
// changes a byte of the output.
func TestPermutationInvariance(t *testing.T) {
	seeds := 200
	if testing.Short() {
		seeds = 20
	}
	scenarios := reporttest.Scenarios()
	// The synthetic dense review stresses the clustering far more than the goldens.
	set, raw := denseReview()
	scenarios = append(scenarios, reporttest.Scenario{Name: "dense", Set: set, Raw: raw})
	for i, sc := range scenarios {
		want := renderAll(t, sc)
		for seed := range seeds {
			fresh := reporttest.Scenarios()
			var s reporttest.Scenario
			if i < len(fresh) {
				s = fresh[i]
			} else {
				set, raw := denseReview()
				s = reporttest.Scenario{Name: "dense", Set: set, Raw: raw}
			}
			shuffle(rand.New(rand.NewPCG(uint64(seed), uint64(i))), s.Raw)
			if got := renderAll(t, s); !bytes.Equal(got, want) {
				t.Fatalf("%s: seed %d changed the output", sc.Name, seed)
			}
		}
	}
}

// denseReview has four reviewers reporting overlapping, similarly worded
// issues on neighbouring lines of one file, with repeats: the case where a
// greedy, order-dependent merge would give different clusters.
func denseReview() (*diff.Set, *review.Raw) {
	var lines []string
	for l := 1; l <= 30; l++ {
		lines = append(lines, fmt.Sprintf("+	x%d := load%d(ctx)", l, l/3))
	}
	set := &diff.Set{Mode: "range", Files: []diff.File{reporttest.File("dense.go", diff.StatusAdded, 0, 1, lines...)}}
	names := []string{"ana", "ben", "cy", "dee"}
	sevs := []string{"critical", "important", "suggestion"}
	var results []review.RawResult
	for r, name := range names {
		var fs []review.RawFinding
		for k := 0; k < 16; k++ {
			l := (k*5+r*3)%30 + 1
			fs = append(fs, review.RawFinding{
				File: "dense.go", Line: l, Severity: sevs[(k+r)%3], Category: []string{"bug", "error-handling"}[k%2],
				Title:       fmt.Sprintf("load%d error ignored", l/3),
				Explanation: fmt.Sprintf("The error from `load%d` is dropped and `x%d` is used; reviewer %s word %d.", l/3, l, name, k%4),
			})
		}
		fs = append(fs, fs[0], fs[3]) // repeats
		results = append(results, reporttest.Result(name, r,
			reporttest.Chunk("c1", []string{"dense.go"}, review.Answer{Findings: fs[:9]}),
			reporttest.Chunk("c2", []string{"dense.go"}, review.Answer{Findings: fs[9:]})))
	}
	return set, reporttest.Raw(results...)
}

// chunkFailures has a reviewer whose chunks failed with different errors
// (one of them twice) beside one it answered.
func chunkFailures() (*diff.Set, *review.Raw) {
	set := reporttest.Set()
	files := reporttest.Files(set)
	ana := reporttest.Result("ana", 0,
		reporttest.Failed("c1", files[:1], "no answer within 5m0s"),
		reporttest.Failed("c2", files[:1], "after one retry: invalid JSON"),
		reporttest.Failed("c3", files[:1], "no answer within 5m0s"),
		reporttest.Chunk("c4", files, review.Answer{Summary: "fine"}))
	ben := reporttest.Result("ben", 1, reporttest.Chunk("c1", files, review.Answer{Summary: "ok"}))
	return set, reporttest.Raw(ana, ben)
}

// TestChunkFailuresInAnyOrder: a reviewer's failures are listed the same,
// once each, whatever order its chunks are in (they were listed in chunk
// order, a repeat kept when another error came between).
func TestChunkFailuresInAnyOrder(t *testing.T) {
	set, raw := chunkFailures()
	want := renderAll(t, reporttest.Scenario{Name: "failures", Set: set, Raw: raw})
	for seed := range 50 {
		set, raw := chunkFailures()
		shuffle(rand.New(rand.NewPCG(uint64(seed), 7)), raw)
		if got := renderAll(t, reporttest.Scenario{Name: "failures", Set: set, Raw: raw}); !bytes.Equal(got, want) {
			t.Fatalf("seed %d: chunk order changed the output", seed)
		}
	}
}
