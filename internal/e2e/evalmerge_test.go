package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/eval"
)

// TestEvalMergeOnARealServer runs `quorum eval merge --judge` on the
// built-in dev set against a real server: every review is asked through
// the product's judge request (tokenizer probe, num_ctx sized to the
// prompt), the server never truncates a judge prompt, and the JSON
// measure accounts for every review.
func TestEvalMergeOnARealServer(t *testing.T) {
	s := start(t)
	bin := quorum(t)
	proxy := NewProxy(t, s)
	fx := newFixture(t)
	cache := t.TempDir()
	judge := terseNames()[1] // 32768 tokens of context
	r := fx.quorum(t, bin, proxy.Host, cache, "eval", "merge", "--judge", judge, "--sets", "dev", "--format", "json")
	if r.Code != 0 {
		t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
	}
	if strings.Contains(s.Log(), "truncating input prompt") {
		t.Fatalf("the server truncated a judge prompt:\n%s", grepLines(s.Log(), "truncating input prompt"))
	}
	var res eval.MergeResult
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.Stdout)
	}
	all := res.Pools[len(res.Pools)-1]
	if res.Schema != eval.MergeSchema || res.Reviews != 5 || res.Cost == nil || res.Cost.Asked != 5 || all.Name != eval.PoolAll {
		t.Fatalf("measure %+v", res)
	}
	if strings.Count(r.Stderr, "quorum: eval merge: ") != 5 {
		t.Errorf("want one progress line per review:\n%s", r.Stderr)
	}
	// Whatever the tiny model answered, a review it did not group is
	// grouped by the rules, so the figure with the judge is theirs there.
	unused := 0
	for _, n := range res.NotUsed {
		unused += n.Reviews
	}
	if all.Judged+unused != 5 {
		t.Errorf("%d judged and %d not used, of 5", all.Judged, unused)
	}
	if all.Judged == 0 && *all.WithJudge != all.Rules {
		t.Errorf("no answer used, yet the grouping differs from the rules': %+v vs %+v", *all.WithJudge, all.Rules)
	}
	t.Logf("judge %s: %d of 5 answers used; rules %.3f / %.3f; with the judge %.3f / %.3f; %d chat requests",
		judge, all.Judged, all.Rules.Precision, all.Rules.Recall, all.WithJudge.Precision, all.WithJudge.Recall, len(proxy.Chats()))
}
