package merge

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestJudgePromptSize measures the judge prompts of the corpus reviews
// (logged with -v, skipped otherwise): the figures behind `quorum
// doctor`'s judge context threshold (cmd/quorum/cli/doctorcmd judge.go).
// It counts no real tokens: the cl100k tokenizer's vocabularies would slow
// every build of this package's tests (counted once outside them, cl100k
// reads these prompts at 3.49–4.39 bytes a token, median 3.94). Run:
//
//	go test ./review/merge -run TestJudgePromptSize -v
func TestJudgePromptSize(t *testing.T) {
	if !testing.Verbose() {
		t.Skip("a measurement: run with -v")
	}
	var total, code, perFinding, findings []float64
	ctx := map[float64][]float64{}
	bpts := []float64{1.0, 3.5} // run's conservativeBPT; plan's DefaultBytesPerToken
	for _, dir := range corpusDirs(t) {
		for _, r := range loadCorpus(t, dir) {
			if len(r.Findings) == 0 {
				continue
			}
			p := JudgePrompt(r.Files, JudgeOrder(r.Findings))
			head, _, ok := strings.Cut(p, "\nThe findings:\n")
			if !ok {
				t.Fatalf("%s: no findings section", r.Name)
			}
			n := len(r.Findings)
			total = append(total, float64(len(p)))
			code = append(code, float64(len(head)))
			perFinding = append(perFinding, float64(len(p)-len(head))/float64(n))
			findings = append(findings, float64(n))
			for _, b := range bpts {
				ctx[b] = append(ctx[b], float64(judgeSizeNumCtx(len(p), b, n)))
			}
		}
	}
	if len(total) == 0 {
		t.Fatal("no corpus review has findings")
	}
	t.Logf("%d reviews", len(total))
	row := func(what string, xs []float64) {
		t.Logf("%-34s min %7.0f  median %7.0f  p90 %7.0f  max %7.0f", what, judgeSizePct(xs, 0), judgeSizePct(xs, 50), judgeSizePct(xs, 90), judgeSizePct(xs, 100))
	}
	row("prompt bytes", total)
	row("intro and code bytes", code)
	row("findings per review", findings)
	row("finding bytes per finding", perFinding)
	for _, b := range bpts {
		row("judge num_ctx at "+strconv.FormatFloat(b, 'g', -1, 64)+" bytes/token", ctx[b])
	}
}

// judgeNumCtx is review/run's judgeNumCtx (unexported there): the prompt's
// tokens at bpt bytes per token planned at the 0.9 safety share, the
// answer's budget (64 + 12 a finding), the truncation margin (1%, at
// least 16), rounded up to 1024 tokens.
func judgeSizeNumCtx(n int, bpt float64, findings int) int {
	need := int(float64(n)/(bpt*0.9)) + 1 + 64 + 12*findings
	need += max(16, need/100)
	return (need + 1023) / 1024 * 1024
}

// judgeSizePct is the p-th percentile of xs (nearest rank).
func judgeSizePct(xs []float64, p float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(p/100*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}
