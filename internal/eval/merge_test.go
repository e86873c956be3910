package eval

import (
	"bytes"
	"cmp"
	"encoding/json"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/golden"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/merge"
	"github.com/quorum-review/quorum/review/merge/corpus"
)

// builtinCases loads built-in sets as eval merge does, without a judge.
func builtinCases(t *testing.T, sets ...string) []MergeCase {
	t.Helper()
	var cases []MergeCase
	for _, set := range sets {
		reviews, err := corpus.Load(corpus.Builtin(), set)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range reviews {
			cases = append(cases, MergeCase{Set: set, Review: r})
		}
	}
	return cases
}

// byLabel groups r's findings by their issue labels: an oracle.
func byLabel(r corpus.Review) func(anchor.Finding) string {
	return func(f anchor.Finding) string { return r.Issue[corpus.Key(f)] }
}

func builtinSettings(judge string) MergeSettings {
	return MergeSettings{Corpus: "built-in", Judge: judge, Pool: corpus.Pool, Pools: corpus.Pools,
		Unseen: func(set string) bool { return corpus.Pool(set) != corpus.PoolOlder }}
}

// judgeAnswer is an answer to r's judge prompt grouping its findings by
// group(finding): its issue label for an oracle, a constant for a judge
// that lumps everything together.
func judgeAnswer(r corpus.Review, group func(anchor.Finding) string, wall time.Duration) *review.JudgeRun {
	ordered := merge.JudgeOrder(r.Findings)
	byGroup := map[string][]string{}
	var order []string
	for i, f := range ordered {
		g := group(f)
		if byGroup[g] == nil {
			order = append(order, g)
		}
		byGroup[g] = append(byGroup[g], "F"+strconv.Itoa(i+1))
	}
	var groups [][]string
	for _, g := range order {
		groups = append(groups, byGroup[g])
	}
	answer, _ := json.Marshal(map[string]any{"groups": groups})
	return &review.JudgeRun{
		Model: "judge", Digest: "sha256:0123456789abcdef", Answer: string(answer),
		PromptSHA256: merge.JudgePromptSHA256(merge.JudgePrompt(r.Files, ordered)),
		Metrics:      review.Metrics{Wall: wall, PromptTokens: 1000, EvalTokens: 50, Requests: 1},
	}
}

func TestScoreMergeRulesMatchTheCorpusTest(t *testing.T) {
	// The dev set's figures, as review/merge's TestCorpusPairwise prints
	// them: the command scores what the corpus test scores.
	res := ScoreMerge(builtinCases(t, "dev"), builtinSettings(""))
	all := res.Pools[len(res.Pools)-1]
	if all.Name != PoolAll || all.Reviews != 5 || all.Findings != 53 || all.Rules.TP != 37 || all.Rules.FP != 0 || all.Rules.FN != 3 {
		t.Fatalf("dev: %+v", all)
	}
	if all.WithJudge != nil || res.Cost != nil || res.Verdict.Use != "" || !strings.Contains(res.Verdict.Text, "--judge") {
		t.Fatalf("no judge measured, yet: %+v %+v", all, res.Verdict)
	}
	if res.Basis != PoolAll {
		t.Fatalf("basis %q: dev alone has no review the rules were not tuned on", res.Basis)
	}
}

func TestScoreMergeVerdicts(t *testing.T) {
	cases := builtinCases(t, "dev", "blind21")
	with := func(answer func(corpus.Review) *review.JudgeRun) []MergeCase {
		out := slices.Clone(cases)
		for i := range out {
			out[i].Judge = answer(out[i].Review)
		}
		return out
	}
	oracle := func(r corpus.Review) *review.JudgeRun { return judgeAnswer(r, byLabel(r), 2*time.Second) }
	lump := func(r corpus.Review) *review.JudgeRun {
		return judgeAnswer(r, func(anchor.Finding) string { return "all" }, time.Second)
	}
	// overMerge joins each issue with the next (by label) whose reviewers
	// it shares none with: every same-issue pair grouped, and many
	// different-issue pairs too, never two findings of one reviewer.
	overMerge := func(r corpus.Review) *review.JudgeRun {
		reviewers := map[string]map[string]bool{}
		for _, f := range r.Findings {
			l := r.Issue[corpus.Key(f)]
			if reviewers[l] == nil {
				reviewers[l] = map[string]bool{}
			}
			reviewers[l][f.Reviewer] = true
		}
		labels := slices.Sorted(maps.Keys(reviewers))
		into := map[string]string{}
		for i := 0; i+1 < len(labels); i++ {
			a, b := labels[i], labels[i+1]
			if _, taken := into[a]; taken {
				continue
			}
			disjoint := true
			for rv := range reviewers[b] {
				disjoint = disjoint && !reviewers[a][rv]
			}
			if disjoint {
				into[b] = a
				i++
			}
		}
		return judgeAnswer(r, func(f anchor.Finding) string {
			l := r.Issue[corpus.Key(f)]
			return cmp.Or(into[l], l)
		}, time.Second)
	}
	alone := func(r corpus.Review) *review.JudgeRun { return judgeAnswer(r, corpus.Key, time.Second) }
	// halves keeps each issue's findings apart by which half of the
	// reviewers found them: never a wrong merge, many splits.
	halves := func(r corpus.Review) *review.JudgeRun {
		return judgeAnswer(r, func(f anchor.Finding) string {
			return r.Issue[corpus.Key(f)] + "/" + strconv.Itoa(int(f.Reviewer[0])%2)
		}, time.Second)
	}
	asRules := func(r corpus.Review) *review.JudgeRun {
		cluster := map[string]string{}
		for i, c := range merge.Clusters(r.Findings) {
			for _, m := range c.Members {
				cluster[corpus.Key(m)] = strconv.Itoa(i)
			}
		}
		return judgeAnswer(r, func(f anchor.Finding) string { return cluster[corpus.Key(f)] }, time.Second)
	}
	failed := func(r corpus.Review) *review.JudgeRun {
		return &review.JudgeRun{Model: "judge", Error: "the judge's answer was cut off"}
	}
	for _, tc := range []struct {
		name   string
		answer func(corpus.Review) *review.JudgeRun
		use    string
		text   string
		judged int
	}{
		{"an oracle", oracle, "judge", "use the judge (merge.judge: judge): on 3 reviews (unseen by the rules) it groups better", 8},
		// Refused: it groups one reviewer's separate findings.
		{"one group for all", lump, "rules", "keep the rules: the judge's answer was usable for none of the 3 reviews", 0},
		{"every issue joined to another", overMerge, "", "your call: on 3 reviews (unseen by the rules) the judge finds more of the same-issue pairs but also merges more different issues", 8},
		{"each finding alone", alone, "rules", "keep the rules (merge.judge: none): on 3 reviews (unseen by the rules) the judge grouped no two findings", 8},
		{"each issue split in two", halves, "", "your call: on 3 reviews (unseen by the rules) the judge merges fewer different issues but splits more", 8},
		{"as the rules group", asRules, "rules", "keep the rules (merge.judge: none): on 3 reviews (unseen by the rules) the judge groups no better", 8},
		{"no usable answer", failed, "rules", "usable for none of the 3 reviews", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := ScoreMerge(with(tc.answer), builtinSettings("judge"))
			if res.Verdict.Use != tc.use || !strings.Contains(res.Verdict.Text, tc.text) {
				t.Fatalf("verdict %+v, want use %q and %q", res.Verdict, tc.use, tc.text)
			}
			all := res.Pools[len(res.Pools)-1]
			if all.Judged != tc.judged {
				t.Fatalf("judged %d of %d, want %d", all.Judged, all.Reviews, tc.judged)
			}
			if res.Basis != PoolUnseen {
				t.Fatalf("basis %q", res.Basis)
			}
		})
	}
	// The oracle's grouping is the labels': every pool scores 1 / 1.
	res := ScoreMerge(with(oracle), builtinSettings("judge"))
	for _, p := range res.Pools {
		if p.WithJudge.Precision != 1 || p.WithJudge.Recall != 1 || p.WithJudge.FP != 0 || p.WithJudge.FN != 0 {
			t.Fatalf("%s: the oracle scored %+v", p.Name, *p.WithJudge)
		}
	}
	if c := res.Cost; c.Asked != 8 || c.WallMS != 16000 || c.MedianMS != 2000 || c.TokensIn != 8000 {
		t.Fatalf("cost %+v", c)
	}
	// A refusal names the findings; counted by reason, they are one.
	res = ScoreMerge(with(lump), builtinSettings("judge"))
	if len(res.NotUsed) != 1 || res.NotUsed[0].Reason != "the judge's answer groups two findings of one reviewer, as one defect" {
		t.Fatalf("not used: %+v", res.NotUsed)
	}
	// Failures are counted by reason, the rules group those reviews.
	res = ScoreMerge(with(failed), builtinSettings("judge"))
	if len(res.NotUsed) != 1 || res.NotUsed[0].Reviews != 8 {
		t.Fatalf("not used: %+v", res.NotUsed)
	}
	for _, p := range res.Pools {
		if *p.WithJudge != p.Rules {
			t.Fatalf("%s: with a judge that never answered, %+v differs from the rules' %+v", p.Name, *p.WithJudge, p.Rules)
		}
	}
}

// TestScoreMergeOrderIndependent: the same cases in any order give the
// same bytes, in every format.
func TestScoreMergeOrderIndependent(t *testing.T) {
	cases := builtinCases(t, "dev", "blind24")
	for i := range cases {
		if i%2 == 0 {
			cases[i].Judge = judgeAnswer(cases[i].Review, byLabel(cases[i].Review), time.Duration(i+1)*time.Second)
		} else {
			cases[i].Judge = &review.JudgeRun{Model: "judge", Error: "the judge's prompt (about 9216 tokens with its answer) does not fit judge's context of 4096 tokens"}
		}
	}
	st := builtinSettings("judge")
	st.Errors = true
	render := func(cs []MergeCase) string {
		var b bytes.Buffer
		for _, f := range Formats {
			if err := WriteMerge(&b, f, ScoreMerge(cs, st)); err != nil {
				t.Fatal(err)
			}
		}
		return b.String()
	}
	want := render(cases)
	for seed := range 10 {
		shuffled := slices.Clone(cases)
		rand.New(rand.NewPCG(uint64(seed), 3)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := render(shuffled); got != want {
			t.Fatalf("seed %d changed the output", seed)
		}
	}
}

func TestWriteMergeGolden(t *testing.T) {
	cases := builtinCases(t, "dev", "blind21")
	for i := range cases {
		switch i % 3 {
		case 0:
			cases[i].Judge = judgeAnswer(cases[i].Review, byLabel(cases[i].Review), time.Duration(i+1)*time.Second)
		case 1:
			cases[i].Judge = judgeAnswer(cases[i].Review, byLabel(cases[i].Review), 0)
			cases[i].Judge.Metrics.CacheHits = 1
		default:
			cases[i].Judge = &review.JudgeRun{Model: "judge", Error: "the judge's answer did not list each of the 11 findings exactly once"}
		}
	}
	st := builtinSettings("judge")
	st.Errors = true
	for _, f := range Formats {
		var b bytes.Buffer
		if err := WriteMerge(&b, f, ScoreMerge(cases, st)); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("testdata", "merge."+f), b.Bytes())
	}
}

// TestWallString: a judge's time reads in whole milliseconds under a
// second (a median of 40ms is no "0s"), tenths of a second under a
// minute, whole seconds above.
func TestWallString(t *testing.T) {
	for ms, want := range map[int64]string{40: "40ms", 999: "999ms", 1234: "1.2s", 61_400: "1m1s"} {
		if got := wallString(ms); got != want {
			t.Errorf("wallString(%d) = %q, want %q", ms, got, want)
		}
	}
}

// TestLegendOnlyForAMark: the "*" legend is printed only when a row
// carries one.
func TestLegendOnlyForAMark(t *testing.T) {
	r := &MergeResult{Pools: []MergePool{{Name: "x", Rules: PairScore{Precision: 0.9, Recall: 0.5}}}}
	var b bytes.Buffer
	if err := WriteMerge(&b, "text", r); err != nil || strings.Contains(b.String(), "A * marks") {
		t.Errorf("legend with no mark (%v):\n%s", err, b.String())
	}
	r.Pools[0].Rules = PairScore{Precision: 1, Recall: 0.95}
	b.Reset()
	if err := WriteMerge(&b, "text", r); err != nil || !strings.Contains(b.String(), "A * marks") {
		t.Errorf("no legend for a mark (%v):\n%s", err, b.String())
	}
}
