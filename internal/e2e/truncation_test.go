package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/tinymodel"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
)

// TestNoSilentTruncation reviews a diff several times larger than
// --max-context with a tiny model, whose byte-level tokenizer takes far more
// tokens than quorum's default estimate of 3.5 bytes each, on a cold cache.
// Before the tokenizer probe (issue 10) the server cut every prompt
// ("truncating input prompt" in its log) and the report still called every
// file reviewed.
func TestNoSilentTruncation(t *testing.T) {
	s := Start(t, Binary(t))
	const model, maxContext = "tinytrunc", 6144
	s.Create(t, model, tinymodel.Config{Kind: tinymodel.Terse, Seed: 7, ContextLength: 32768})
	bin := quorum(t)
	proxy := NewProxy(t, s)
	fx := newFixture(t)
	// Six files of about 2 KB: some 12 KB of diff, three times the context
	// in this tokenizer's tokens (about 0.67 bytes each: it spends three
	// byte tokens on every space). The system prompt alone takes some 2,400
	// of them, which is why the context cannot be smaller.
	var files []string
	for i := range 6 {
		var b strings.Builder
		fmt.Fprintf(&b, "package calc\n\n")
		for j := range 32 {
			fmt.Fprintf(&b, "// F%d_%d returns a scaled sum.\nfunc F%d_%d(a, b int) int { return (a + b) * %d }\n", i, j, i, j, j+1)
		}
		name := fmt.Sprintf("gen%d.go", i)
		fx.write(t, name, b.String())
		files = append(files, name)
	}
	fx.git(t, "add", ".")
	fx.git(t, "commit", "-q", "-m", "calc: many functions")
	args := []string{"review", "--models", model, "--max-context", fmt.Sprint(maxContext), "--num-predict", "128", "--format", "json"}
	cache := t.TempDir() // cold

	r := fx.quorum(t, bin, proxy.Host, cache, append(args, "--raw")...)
	if r.Code != 0 {
		t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
	}
	if strings.Contains(s.Log(), "truncating input prompt") {
		t.Fatalf("the server truncated prompts:\n%s", grepLines(s.Log(), "truncating input prompt"))
	}
	raw := parseRaw(t, r)
	res := rawResult(t, raw, model)
	chats := proxy.Chats()
	t.Logf("calibration %s at %.2f bytes per token; %d chunks, %d requests (%d chats), %d split again; server prompt tokens: %v",
		res.Calibration, res.BytesPerToken, len(res.Chunks), res.Metrics.Requests, len(chats), res.Resplits, promptCounts(chats))
	if res.Status != review.StatusOK || res.Calibration != "probe" || len(res.Truncated) != 0 || len(res.Covered) != len(files)+1 {
		t.Errorf("status %s (%s), calibration %q, covered %v, truncated %v", res.Status, res.Error, res.Calibration, res.Covered, res.Truncated)
	}
	read := 0
	for _, c := range chats {
		read += c.PromptEvalCount
		if c.PromptEvalCount >= maxContext-16 {
			t.Errorf("a prompt read %d tokens of num_ctx %d", c.PromptEvalCount, maxContext)
		}
	}
	if read < 3*maxContext {
		t.Errorf("the server read %d prompt tokens in all: the diff is not several times --max-context", read)
	}

	// The report, from the cache now: every file reviewed, nothing truncated.
	proxy.Reset()
	r = fx.quorum(t, bin, proxy.Host, cache, args...)
	if r.Code != 0 {
		t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
	}
	if n := proxy.ModelCalls(); n != 0 {
		t.Errorf("the second run made %d model calls (%s)", n, proxy.Summary())
	}
	rep := parseReport(t, r)
	for _, f := range rep.Coverage.Files {
		if f.By[model] != report.CoverReviewed && f.By[model+":latest"] != report.CoverReviewed {
			t.Errorf("coverage of %s: %v", f.Path, f.By)
		}
	}
	if len(rep.Coverage.Files) != len(files)+1 || strings.Contains(rep.Verdict.Text, "partly") {
		t.Errorf("coverage of %d files, verdict %q", len(rep.Coverage.Files), rep.Verdict.Text)
	}
}

func promptCounts(chats []ChatRecord) []int {
	var out []int
	for _, c := range chats {
		out = append(out, c.PromptEvalCount)
	}
	return out
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
