package merge

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/merge/corpus"
)

// The judge measure: the corpora's reviews, each given to a judge as
// JudgePrompt, its answer kept in testdata/judge/<corpus>/<review>.json.
// TestJudgeCorpus scores the answers present; TestJudgeWritePrompts writes
// the prompts for a judge to answer:
//
//	QUORUM_MEASURE_JUDGE_PROMPTS=/abs/dir go test ./review/merge -run TestJudgeWritePrompts -v
//	go test ./review/merge -run TestJudgeCorpus -v
//
// The prompts are named by a hash of the review, so a judge reading them
// learns nothing of which corpus or review it is judging; index.tsv maps
// them back, and prompts.sha256 (copied beside the answers) names the
// prompt each answer is about.

func judgeAnswerPath(name string) string {
	return filepath.Join("testdata", "judge", strings.TrimSuffix(name, ".txtar")+".json")
}

func judgePromptName(name string) string {
	h := fnv.New32a()
	h.Write([]byte(name))
	return fmt.Sprintf("p%08x", h.Sum32())
}

func TestJudgeWritePrompts(t *testing.T) {
	out := os.Getenv("QUORUM_MEASURE_JUDGE_PROMPTS")
	if out == "" {
		t.Skip("set QUORUM_MEASURE_JUDGE_PROMPTS=/abs/dir to write the judge prompts")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	var index, sums strings.Builder
	for _, dir := range corpusDirs(t) {
		for _, r := range loadCorpus(t, dir) {
			name := judgePromptName(r.Name)
			prompt := JudgePrompt(r.Files, JudgeOrder(r.Findings))
			if err := os.WriteFile(filepath.Join(out, name+".txt"), []byte(prompt), 0o644); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&index, "%s\t%s\t%d\n", name, r.Name, len(r.Findings))
			fmt.Fprintf(&sums, "%s  %s\n", JudgePromptSHA256(prompt), strings.TrimSuffix(r.Name, ".txtar"))
		}
	}
	if err := os.WriteFile(filepath.Join(out, "index.tsv"), []byte(index.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// prompts.sha256 goes to testdata/judge with the answers.
	if err := os.WriteFile(filepath.Join(out, "prompts.sha256"), []byte(sums.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// meet is the partition of pairs both partitions join; join the finest
// partition holding every pair either joins.
func meet(a, b map[string]int) map[string]int {
	out := map[string]int{}
	ids := map[[2]int]int{}
	for k := range a {
		key := [2]int{a[k], b[k]}
		if _, ok := ids[key]; !ok {
			ids[key] = len(ids)
		}
		out[k] = ids[key]
	}
	return out
}

func join(a, b map[string]int) map[string]int {
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parent := map[string]string{}
	var find func(string) string
	find = func(k string) string {
		if p, ok := parent[k]; ok && p != k {
			r := find(p)
			parent[k] = r
			return r
		}
		return k
	}
	first := func(m map[string]int) map[int]string {
		f := map[int]string{}
		for _, k := range keys {
			if _, ok := f[m[k]]; !ok {
				f[m[k]] = k
			}
		}
		return f
	}
	for _, m := range []map[string]int{a, b} {
		f := first(m)
		for _, k := range keys {
			ra, rb := find(k), find(f[m[k]])
			if ra != rb {
				parent[max(ra, rb)] = min(ra, rb)
			}
		}
	}
	out := map[string]int{}
	roots := map[string]int{}
	for _, k := range keys {
		r := find(k)
		if _, ok := roots[r]; !ok {
			roots[r] = len(roots)
		}
		out[k] = roots[r]
	}
	return out
}

func mergedPartition(findings []anchor.Finding) map[string]int {
	group := map[string]int{}
	for ci, c := range Clusters(findings) {
		for _, m := range c.Members {
			group[corpus.Key(m)] = ci
		}
	}
	return group
}

func TestJudgeCorpus(t *testing.T) {
	type tally struct{ judge, merged, meet, join corpus.Counts }
	sums := judgedPromptSums(t)
	groups := map[string]*tally{}
	var order []string
	var problems, answered int
	for _, dir := range corpusDirs(t) {
		for _, r := range loadCorpus(t, dir) {
			data, err := os.ReadFile(judgeAnswerPath(r.Name))
			if os.IsNotExist(err) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			ordered := JudgeOrder(r.Findings)
			name := strings.TrimSuffix(r.Name, ".txtar")
			if sum := JudgePromptSHA256(JudgePrompt(r.Files, ordered)); sum != sums[name] {
				t.Errorf("%s: the judge answered another prompt (sha256 %.12s, now %.12s): rewrite the prompts and judge them again", r.Name, sums[name], sum)
				continue
			}
			_, p, err := JudgeGroups(data, len(ordered))
			if err != nil {
				t.Errorf("%s: %v", r.Name, err)
				continue
			}
			answered++
			problems += p
			// Scored as the product uses it: Judged's clusters.
			clusters, err := Judged(r.Findings, data)
			if err != nil {
				t.Errorf("%s: %v", r.Name, err)
				continue
			}
			judged := partitionOf(clusters)
			merged := mergedPartition(r.Findings)
			pools := []string{corpus.Pool(dir), "all answered"}
			if corpus.Pool(dir) != "older" {
				pools = append(pools, "the sixteen untuned (blind12-27)")
			}
			for _, name := range pools {
				tl := groups[name]
				if tl == nil {
					tl = &tally{}
					groups[name] = tl
					order = append(order, name)
				}
				tl.judge.Add(corpus.Score(r, r.Findings, judged, name == corpus.Pool(dir)))
				tl.merged.Add(corpus.Score(r, r.Findings, merged, false))
				tl.meet.Add(corpus.Score(r, r.Findings, meet(judged, merged), false))
				tl.join.Add(corpus.Score(r, r.Findings, join(judged, merged), false))
			}
		}
	}
	if answered == 0 {
		t.Skip("no judge answers in testdata/judge")
	}
	t.Logf("%d reviews judged; %d ids repaired (left out, repeated or unknown)", answered, problems)
	for _, name := range order {
		tl := groups[name]
		for _, v := range []struct {
			label string
			c     corpus.Counts
		}{{"judge", tl.judge}, {"merge", tl.merged}, {"both agree (meet)", tl.meet}, {"either (join)", tl.join}} {
			t.Logf("%s, %s: %d findings, %d issues: pairwise precision %.3f (tp %d fp %d), recall %.3f (fn %d)",
				name, v.label, v.c.Findings, v.c.Issues, v.c.Precision(), v.c.TP, v.c.FP, v.c.Recall(), v.c.FN)
		}
		if testing.Verbose() {
			for _, e := range tl.judge.Errs {
				t.Logf("  judge: %s", e)
			}
		}
	}
}

// judgedPromptSums reads testdata/judge/prompts.sha256: the SHA-256 of
// the prompt each recorded answer was given ("<sum>  <corpus>/<review>").
// A change to JudgePrompt or JudgeOrder shows as a mismatch, never as
// answers silently read against other ids.
func judgedPromptSums(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "judge", "prompts.sha256"))
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		sum, name, ok := strings.Cut(l, "  ")
		if !ok {
			t.Fatalf("prompts.sha256: bad line %q", l)
		}
		sums[name] = sum
	}
	return sums
}

func TestJudgeGroups(t *testing.T) {
	for _, tc := range []struct {
		answer   string
		want     []int
		problems int
		err      bool
	}{
		{`{"groups":[["F1","F3"],["F2"]]}`, []int{0, 1, 0}, 0, false},
		{`{"groups":[["F3","F1"],["F2"]]}`, []int{0, 1, 0}, 0, false},
		{`{"groups":[["F2"],["F1","F3"]]}`, []int{0, 1, 0}, 0, false},
		{`{"groups":[["F1"]]}`, []int{0, 1, 2}, 2, false},                  // left out: own groups
		{`{"groups":[["F1","F2"],["F2","F3"]]}`, []int{0, 0, 1}, 1, false}, // repeated: first wins
		{`{"groups":[["F1","F9","x"],["2","f3"]]}`, []int{0, 1, 1}, 2, false},
		{`{"groups":null}`, nil, 0, true},
		{`not json`, nil, 0, true},
		{"```json\n{\"groups\":[[\"F1\",\"F3\"],[\"F2\"]]}\n```", []int{0, 1, 0}, 0, false}, // fenced
		{`Here you go: {"groups":[["F1","F2","F3"]]}`, []int{0, 0, 0}, 0, false},
		{`{"groups":[[1,2],[3]]}`, nil, 0, true}, // numbers, not ids
	} {
		got, problems, err := JudgeGroups([]byte(tc.answer), 3)
		if (err != nil) != tc.err || !slices.Equal(got, tc.want) || problems != tc.problems {
			t.Errorf("JudgeGroups(%s) = %v, %d, %v; want %v, %d, err %v", tc.answer, got, problems, err, tc.want, tc.problems, tc.err)
		}
	}
}

func TestJudgePromptOrderIndependent(t *testing.T) {
	reviews := loadCorpus(t, "dev")
	r := reviews[0]
	want := JudgePrompt(r.Files, JudgeOrder(r.Findings))
	for i := range 5 {
		shuffled := slices.Clone(r.Findings)
		slices.Reverse(shuffled)
		if i > 0 {
			shuffled = append(shuffled[i:], shuffled[:i]...)
		}
		if got := JudgePrompt(r.Files, JudgeOrder(shuffled)); got != want {
			t.Fatalf("prompt changed with input order")
		}
	}
	for i := range r.Findings {
		if !strings.Contains(want, fmt.Sprintf("[F%d] reviewer ", i+1)) {
			t.Errorf("prompt lacks F%d", i+1)
		}
	}
}

// judgedReview is the first dev review with a judge answer that groups its
// findings exactly as its labels do.
func judgedReview(t *testing.T) (corpus.Review, string) {
	t.Helper()
	r := loadCorpus(t, "dev")[0]
	ordered := JudgeOrder(r.Findings)
	byIssue := map[string][]string{}
	var issues []string
	for i, f := range ordered {
		is := r.Issue[corpus.Key(f)]
		if _, ok := byIssue[is]; !ok {
			issues = append(issues, is)
		}
		byIssue[is] = append(byIssue[is], fmt.Sprintf("F%d", i+1))
	}
	var groups [][]string
	for _, is := range issues {
		groups = append(groups, byIssue[is])
	}
	answer, err := json.Marshal(map[string]any{"groups": groups})
	if err != nil {
		t.Fatal(err)
	}
	return r, string(answer)
}

func TestJudgedOrderIndependent(t *testing.T) {
	r, answer := judgedReview(t)
	want, err := Judged(r.Findings, []byte(answer))
	if err != nil {
		t.Fatal(err)
	}
	if c := corpus.Score(r, r.Findings, partitionOf(want), false); c.FP != 0 || c.FN != 0 {
		t.Fatalf("judged clusters differ from the answer: fp %d fn %d", c.FP, c.FN)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10 {
		shuffled := slices.Clone(r.Findings)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		got, err := Judged(shuffled, []byte(answer))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatal("judged clusters changed with input order")
		}
	}
}

func partitionOf(clusters []Cluster) map[string]int {
	group := map[string]int{}
	for ci, c := range clusters {
		for _, m := range c.Members {
			group[corpus.Key(m)] = ci
		}
	}
	return group
}

func TestGroupUsesOnlyAnAnswerAboutTheseFindings(t *testing.T) {
	r, answer := judgedReview(t)
	prompt := JudgePrompt(r.Files, JudgeOrder(r.Findings))
	good := &review.JudgeRun{Model: "judge", PromptSHA256: JudgePromptSHA256(prompt), Answer: answer}
	merged := Clusters(r.Findings)
	for _, tc := range []struct {
		name   string
		judge  *review.JudgeRun
		judged bool
		note   string
	}{
		{"none asked", nil, false, ""},
		{"skipped", &review.JudgeRun{Model: "judge", Skipped: "nothing to group"}, false, ""},
		{"failed", &review.JudgeRun{Model: "judge", Error: "model \"judge\" not found"}, false, "model \"judge\" not found"},
		{"answered", good, true, ""},
		{"about other findings", &review.JudgeRun{Model: "judge", PromptSHA256: JudgePromptSHA256(prompt + "x"), Answer: answer}, false, "the judge's answer is about other findings than these"},
		{"lost count", &review.JudgeRun{Model: "judge", PromptSHA256: good.PromptSHA256, Answer: `{"groups":[["F1","F2"]]}`}, false, fmt.Sprintf("the judge's answer did not list each of the %d findings exactly once", len(r.Findings))},
		{"not json", &review.JudgeRun{Model: "judge", PromptSHA256: good.PromptSHA256, Answer: `groups: F1`}, false, "the judge's answer is not JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := Group(r.Files, r.Findings, tc.judge)
			got, judged, note := g.Clusters, g.Judged, g.Note
			if judged != (g.Rules != nil) {
				t.Fatalf("rules given %v for judged %v", g.Rules != nil, judged)
			}
			if judged != tc.judged || note != tc.note {
				t.Fatalf("Group = judged %v, note %q; want %v, %q", judged, note, tc.judged, tc.note)
			}
			if !judged && !reflect.DeepEqual(got, merged) {
				t.Fatal("an unused answer changed the merge")
			}
		})
	}
}

func TestJudgePromptShowsOnlyCodeNearFindingsOfALargeDiff(t *testing.T) {
	var lines []diff.Line
	for n := 1; n <= 3000; n++ {
		lines = append(lines, diff.Line{Kind: diff.Added, New: n, Text: fmt.Sprintf("x%04d := compute(%d) // padding padding padding", n, n)})
	}
	file := diff.File{Path: "big.go", Hunks: []diff.Hunk{{NewStart: 1, Lines: lines}}}
	at := func(line int) anchor.Finding {
		return anchor.Finding{Reviewer: "a", File: "big.go", Line: line, Raw: review.RawFinding{Title: "t"}}
	}
	prompt := JudgePrompt([]diff.File{file}, JudgeOrder([]anchor.Finding{at(100), at(2000)}))
	for _, want := range []string{"x0088 ", "x0100 ", "x0112 ", "x1988 ", "x2000 ", "x2012 ", "     ...\n"} {
		if !strings.Contains(prompt, want) {
			t.Errorf("prompt lacks %q", want)
		}
	}
	for _, not := range []string{"x0087 ", "x0113 ", "x1000 ", "x2013 "} {
		if strings.Contains(prompt, not) {
			t.Errorf("prompt shows %q, far from any finding", not)
		}
	}
	small := diff.File{Path: "big.go", Hunks: []diff.Hunk{{NewStart: 1, Lines: lines[:100]}}}
	if p := JudgePrompt([]diff.File{small}, JudgeOrder([]anchor.Finding{at(10)})); !strings.Contains(p, "x0100 ") {
		t.Error("a small diff is not shown whole")
	}
}

// A diff line that is not UTF-8 reaches the prompt as the saved diff.json
// and the JSON request carry it, U+FFFD for each bad byte: a replay from
// the saved diff rebuilds the same prompt, so it uses the saved answer.
func TestJudgePromptIsTheSameFromTheSavedDiff(t *testing.T) {
	file := func(text string) []diff.File {
		return []diff.File{{Path: "a.go", Hunks: []diff.Hunk{{NewStart: 1, Lines: []diff.Line{{Kind: diff.Added, New: 1, Text: text}}}}}}
	}
	fs := JudgeOrder([]anchor.Finding{{Reviewer: "a", File: "a.go", Line: 1, Raw: review.RawFinding{Title: "t"}}})
	live, saved := JudgePrompt(file("// caf\xe9"), fs), JudgePrompt(file("// caf\uFFFD"), fs)
	if live != saved || !utf8.ValidString(live) {
		t.Fatalf("prompts differ or are not UTF-8:\n%q\n%q", live, saved)
	}
}

// A file-level finding (line 0) shows no lines of its own in a windowed
// listing; its file is still named.
func TestJudgePromptFileLevelFindingShowsNoLines(t *testing.T) {
	var lines []diff.Line
	for n := 1; n <= 3000; n++ {
		lines = append(lines, diff.Line{Kind: diff.Added, New: n, Text: fmt.Sprintf("x%04d := compute(%d) // padding padding padding", n, n)})
	}
	files := []diff.File{{Path: "big.go", Hunks: []diff.Hunk{{NewStart: 1, Lines: lines}}}, {Path: "other.go", Hunks: []diff.Hunk{{NewStart: 1, Lines: lines[:5]}}}}
	prompt := JudgePrompt(files, JudgeOrder([]anchor.Finding{
		{Reviewer: "a", File: "big.go", Line: 0, Raw: review.RawFinding{Title: "file-level"}},
		{Reviewer: "b", File: "big.go", Line: 2000, Raw: review.RawFinding{Title: "t"}},
	}))
	if strings.Contains(prompt, "x0001 ") || strings.Contains(prompt, "x0012 ") || !strings.Contains(prompt, "x2000 ") || !strings.Contains(prompt, "=== big.go") {
		t.Errorf("windowed prompt shows a file-level finding's lines, or lacks the line finding's:\n%.600s", prompt)
	}
	if strings.Contains(prompt, "=== other.go") {
		t.Error("a file with no finding is shown")
	}
}

// TestJudgeThatLumpsIsRefused: an answer putting every finding in one
// group joins one reviewer's separate findings, so it is not used and the
// rules group; the recorded answers never do it (TestJudgeCorpus).
func TestJudgeThatLumpsIsRefused(t *testing.T) {
	r, _ := judgedReview(t)
	prompt := JudgePrompt(r.Files, JudgeOrder(r.Findings))
	ids := make([]string, len(r.Findings))
	for i := range ids {
		ids[i] = fmt.Sprintf("%q", fmt.Sprintf("F%d", i+1))
	}
	lump := &review.JudgeRun{Model: "judge", PromptSHA256: JudgePromptSHA256(prompt), Answer: `{"groups":[[` + strings.Join(ids, ",") + `]]}`}
	g := Group(r.Files, r.Findings, lump)
	if g.Judged || !strings.Contains(g.Note, "two findings of one reviewer, as one defect") {
		t.Fatalf("judged %v, note %q", g.Judged, g.Note)
	}
	if signature(g.Clusters) != signature(Clusters(r.Findings)) {
		t.Fatal("a refused answer must leave the rules' grouping")
	}
}
