package reviewcmd

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/review/report"
)

// A changed file over the size limit is changed code no model read: a
// review of only such files is "nothing reviewed" (exit 2, with the hint),
// not "nothing to review" (exit 0); beside a reviewed file, the verdict is
// incomplete and names it (exit 2).
func TestFileOverTheSizeLimitIsNotAPass(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	var big strings.Builder
	for i := 0; big.Len() <= diff.DefaultMaxFileBytes; i++ {
		fmt.Fprintf(&big, "// padding %d: this line only makes the file long\n", i)
	}
	e.repo.Write("big.go", "package calc\n"+big.String())
	e.repo.Commit("big")

	const hint = "hint: leave generated files out (--ignore, or ignore: in .quorum.yaml), or split a file over the size limit\n"
	res := e.run(context.Background(), "--base", "HEAD~1", "--models", "qwen2.5-coder:7b")
	want := "error: nothing reviewed: 1 changed file over the size limit, sent to no reviewer (big.go)\n" + hint
	if res.code != 2 || res.stderr != want {
		t.Fatalf("only a file over the limit: exit %d, stderr:\n%s\nwant exit 2 and:\n%s", res.code, res.stderr, want)
	}
	if e.srv.ModelCalls() != 0 {
		t.Errorf("%d model calls for nothing to read", e.srv.ModelCalls())
	}
	res = e.run(context.Background(), "--base", "HEAD~1", "--format", "json", "--models", "qwen2.5-coder:7b")
	var empty report.Report
	if err := json.Unmarshal([]byte(res.stdout), &empty); err != nil || res.code != 2 {
		t.Fatalf("json: exit %d, %v\n%s", res.code, err, res.stdout)
	}
	if empty.Verdict.Status != report.VerdictIncomplete || !strings.HasPrefix(empty.Verdict.Text, "not reviewed: 1 changed file is over the size limit") || strings.Contains(empty.Verdict.Text, "min agreement") {
		t.Errorf("verdict %s: %s", empty.Verdict.Status, empty.Verdict.Text)
	}

	e.repo.Write("calc.go", "package calc\n\nfunc Double(n int) int {\n\treturn n + n\n}\n")
	e.repo.Commit("calc")
	res = e.run(context.Background(), "--base", "HEAD~2", "-q", "--format", "json", "--models", "qwen2.5-coder:7b")
	if res.code != 2 || !strings.Contains(res.stderr, "error: review incomplete: big.go over the size limit, sent to no reviewer\n"+hint) {
		t.Fatalf("beside a reviewed file: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("stdout is not a report: %v\n%s", err, res.stdout)
	}
	if rep.Verdict.Status != report.VerdictIncomplete || !strings.Contains(rep.Verdict.Text, "over the size limit, so no reviewer read it (big.go") {
		t.Errorf("verdict %s: %s", rep.Verdict.Status, rep.Verdict.Text)
	}

	// Deleting it brings no code to read: nothing is left unread.
	e.repo.Git("rm", "-q", "big.go")
	e.repo.Commit("drop big")
	res = e.run(context.Background(), "--base", "HEAD~1", "--format", "json", "--models", "qwen2.5-coder:7b")
	var gone report.Report
	if err := json.Unmarshal([]byte(res.stdout), &gone); err != nil || res.code != 0 {
		t.Fatalf("deleting it: exit %d, %v\n%s%s", res.code, err, res.stdout, res.stderr)
	}
	if gone.Verdict.Status != report.VerdictEmpty || len(gone.Skipped) != 1 || gone.Skipped[0].Reason != diff.SkipDeletedLarge {
		t.Errorf("deleting it: verdict %s (%s), skipped %+v", gone.Verdict.Status, gone.Verdict.Text, gone.Skipped)
	}
}
