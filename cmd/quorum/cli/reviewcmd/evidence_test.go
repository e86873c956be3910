package reviewcmd

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/review/report"
)

// TestInventedQuoteNeverBlocks: a critical finding whose quote is not in the
// diff is rejected even though its line falls inside a hunk, so it cannot
// block; after the quoted bug is fixed, the same stale answer anchors nowhere.
func TestInventedQuoteNeverBlocks(t *testing.T) {
	answer := `{"summary":"s","findings":[
	  {"file":"calc.go","line":4,"quote":"os.RemoveAll(\"/\")","severity":"critical","category":"bug","title":"Deletes the root","explanation":"wipes the disk"},
	  {"file":"calc.go","line":4,"quote":"return n * 3","severity":"important","category":"bug","title":"Double triples its input","explanation":"n*3 is not double"}]}`
	e := newEnv(t, ollamatest.Config{Reply: func(model, prompt string) string { return answer }})
	one := []string{"--models", "qwen2.5-coder:7b", "--format", "json", "--fail-on", "critical", "--no-cache"}
	res := e.run(context.Background(), one...)
	if res.code != exitcode.OK {
		t.Fatalf("exit %d, want 0: the only critical finding quotes code the diff lacks\n%s", res.code, res.stderr)
	}
	var r report.Report
	if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Rejected) != 1 || r.Rejected[0].Reason != "quote not in the diff" || r.Rejected[0].Title != "Deletes the root" {
		t.Fatalf("rejected = %+v, want the invented quote", r.Rejected)
	}
	if len(r.Findings) != 1 || r.Findings[0].Line != 4 || r.Findings[0].Evidence != "quote" {
		t.Fatalf("findings = %+v, want the real one on line 4", r.Findings)
	}

	// Fix the bug: the same answer now quotes code that is gone, and must
	// not land on whatever line 4 has become.
	e.repo.Write("calc.go", "package calc\n\nfunc Double(n int) int {\n\t// doubled on purpose\n\treturn n * 2\n}\n\nfunc Half(n int) int {\n\treturn n / 2\n}\n")
	e.repo.Commit("calc: Double doubles again")
	res = e.run(context.Background(), one...)
	if res.code != exitcode.OK {
		t.Fatalf("after the fix: exit %d\n%s", res.code, res.stderr)
	}
	r = report.Report{}
	if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 0 || len(r.Rejected) != 2 {
		t.Fatalf("after the fix: findings %+v, rejected %+v; want none anchored, both rejected", r.Findings, r.Rejected)
	}
}
