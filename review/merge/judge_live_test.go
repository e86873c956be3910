package merge

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/review/merge/corpus"
	"github.com/quorum-review/quorum/review/run"
)

// TestJudgeLive measures a local judge: every corpus review's prompt goes
// to QUORUM_MEASURE_JUDGE on the loopback Ollama (QUORUM_MEASURE_JUDGE_HOST, default
// 127.0.0.1:11434) through the product's own request (run.Judge), and the
// review is grouped as the product would group it: by the judge's answer
// when it is usable, else by the rules. It prints, per corpus group, the
// product's pairwise precision and recall beside the rules', and how many
// answers were usable. QUORUM_MEASURE_JUDGE_ANSWERS=/abs/dir keeps the answers
// (<corpus>/<review>.json, as testdata/judge holds them). This is what
// measures whether a model that runs on a laptop judges well enough:
//
//	QUORUM_MEASURE_JUDGE=qwen2.5-coder:14b go test ./review/merge -run TestJudgeLive -v -timeout 6h
//
// QUORUM_MEASURE_JUDGE_DIRS=blind24,blind25 limits the corpora.
func TestJudgeLive(t *testing.T) {
	model := os.Getenv("QUORUM_MEASURE_JUDGE")
	if model == "" {
		t.Skip("set QUORUM_MEASURE_JUDGE to measure a local judge on the corpora")
	}
	host := os.Getenv("QUORUM_MEASURE_JUDGE_HOST")
	if host == "" {
		host = "127.0.0.1:11434"
	}
	client, err := ollama.New(ollama.Config{Host: host}) // the loopback guard refuses any other host
	if err != nil {
		t.Fatal(err)
	}
	keep := os.Getenv("QUORUM_MEASURE_JUDGE_ANSWERS")
	dirs := corpusDirs(t)
	if only := os.Getenv("QUORUM_MEASURE_JUDGE_DIRS"); only != "" {
		dirs = strings.Split(only, ",")
	}
	runner := &run.Runner{Chat: client, Catalog: client, Cache: cache.New(t.TempDir())}
	type tally struct{ product, rules corpus.Counts }
	groups := map[string]*tally{}
	var order []string
	usable, asked := 0, 0
	for _, dir := range dirs {
		for _, r := range loadCorpus(t, dir) {
			ordered := JudgeOrder(r.Findings)
			prompt := JudgePrompt(r.Files, ordered)
			findings := r.Findings
			start := time.Now()
			jr := runner.Judge(context.Background(), run.JudgeRequest{
				Model: model, Prompt: prompt, Schema: JudgeSchema, Findings: len(findings), MaxContext: 32768,
				Valid: func(a string) error { return CheckJudgeAnswer([]byte(a), len(findings)) },
			})
			asked++
			jr.PromptSHA256 = JudgePromptSHA256(prompt)
			g := Group(r.Files, findings, &jr)
			clusters, judged, note := g.Clusters, g.Judged, g.Note
			if judged {
				usable++
			}
			t.Logf("%s: %d findings, %s, judged %v %s", r.Name, len(findings), time.Since(start).Round(time.Second), judged, note)
			if keep != "" && jr.Answer != "" {
				p := filepath.Join(keep, strings.TrimSuffix(r.Name, ".txtar")+".json")
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(jr.Answer+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for _, name := range []string{corpus.Pool(dir), "all"} {
				tl := groups[name]
				if tl == nil {
					tl = &tally{}
					groups[name] = tl
					order = append(order, name)
				}
				tl.product.Add(corpus.Score(r, r.Findings, partitionOf(clusters), false))
				tl.rules.Add(corpus.Score(r, r.Findings, mergedPartition(r.Findings), false))
			}
		}
	}
	t.Logf("judge %s: %d of %d answers usable", model, usable, asked)
	for _, name := range order {
		tl := groups[name]
		t.Logf("%s: with the judge %.3f / %.3f (fp %d, fn %d); the rules %.3f / %.3f", name,
			tl.product.Precision(), tl.product.Recall(), tl.product.FP, tl.product.FN, tl.rules.Precision(), tl.rules.Recall())
	}
}
