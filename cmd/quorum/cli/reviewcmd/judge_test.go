package reviewcmd

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/review/report"
)

// judgeEnv's reviewers report Double's and Half's lines in words the rules
// keep apart (two lines apart, two kinds); its judge groups them.
func judgeEnv(t *testing.T, judgeAnswer string) *env {
	return newEnv(t, ollamatest.Config{Reply: func(model, prompt string) string {
		switch {
		case strings.Contains(prompt, "Group the findings"):
			return judgeAnswer
		case strings.HasPrefix(model, "qwen"):
			return `{"summary":"s","findings":[{"file":"calc.go","line":4,"quote":"return n * 3","severity":"important","category":"bug","kind":"logic","title":"Double triples","explanation":"n * 3 is not double."}]}`
		case strings.HasPrefix(model, "llama"):
			return `{"summary":"s","findings":[{"file":"calc.go","line":8,"quote":"return n / 2","severity":"important","category":"bug","kind":"off-by-one","title":"Half rounds odd numbers down","explanation":"Integer division drops the remainder."}]}`
		}
		return `{"summary":"s","findings":[]}`
	}})
}

func reportOf(t *testing.T, s string) report.Report {
	t.Helper()
	var r report.Report
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("stdout is not a report: %v\n%s", err, s)
	}
	return r
}

func TestJudgeFlagGroupsTheFindings(t *testing.T) {
	e := judgeEnv(t, `{"groups":[["F1","F2"]]}`)
	panel := "--models=qwen2.5-coder:7b,llama3.1:8b"

	res := e.run(context.Background(), panel, "--format", "json", "-q")
	rules := reportOf(t, res.stdout)
	if rules.Grouping.By != report.GroupedByRules || len(rules.Findings) != 2 {
		t.Fatalf("without a judge: grouping %+v, %d findings", rules.Grouping, len(rules.Findings))
	}

	res = e.run(context.Background(), panel, "--judge", "gemma2:9b", "--format", "json", "-q")
	judged := reportOf(t, res.stdout)
	if judged.Grouping.By != report.GroupedByJudge || judged.Grouping.Judge != "gemma2:9b" || len(judged.Findings) != 1 || res.stderr != "" {
		t.Fatalf("with the judge: grouping %+v, %d findings, stderr %q", judged.Grouping, len(judged.Findings), res.stderr)
	}

	res = e.run(context.Background(), panel, "--judge", "gemma2:9b", "--full", "-q")
	if !strings.Contains(res.stdout, "Grouped by the judge `gemma2:9b` (cached)") {
		t.Errorf("the full text report does not say the judge grouped the findings:\n%s", res.stdout)
	}

	// A replay groups as the review did, with no model call, and does
	// not take another judge.
	before := len(e.srv.Chats())
	res = e.run(context.Background(), "--replay", "latest", "--format", "json")
	if again := reportOf(t, res.stdout); again.Grouping.By != report.GroupedByJudge || len(again.Findings) != 1 || len(e.srv.Chats()) != before {
		t.Errorf("replay: grouping %+v, %d findings, %d new requests", again.Grouping, len(again.Findings), len(e.srv.Chats())-before)
	}
	res = e.run(context.Background(), "--replay", "latest", "--judge", "gemma2:9b")
	if res.code != exitcode.Setup || !strings.Contains(res.stderr, "--replay replays the saved review's diff and answers, so --judge has no effect") {
		t.Errorf("replay with --judge: exit %d\n%s", res.code, res.stderr)
	}
}

// A configured judge that is not installed: the review stands, grouped by
// the rules; stderr warns once, before the reviewers run, with the pull,
// and the short report says so.
func TestMissingJudgeWarnsAndTheRulesGroup(t *testing.T) {
	e := judgeEnv(t, `{"groups":[["F1","F2"]]}`)
	e.repo.Write(".quorum.yaml", "merge:\n  judge: mistral:7b\n")
	res := e.run(context.Background(), "--models=qwen2.5-coder:7b,llama3.1:8b", "-q", "--fail-on", "none")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	for _, want := range []string{
		"quorum: warning: the judge mistral:7b will not be used, so quorum's rules group the findings: the judge model mistral:7b is not installed\n",
		"hint: ollama pull mistral:7b, or set merge.judge: none (QUORUM_MERGE_JUDGE=none, or --judge none for one review)\n",
	} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
	if n := strings.Count(res.stderr, "the judge mistral:7b"); n != 1 {
		t.Errorf("the judge is named %d times on stderr, want once:\n%s", n, res.stderr)
	}
	if !strings.Contains(res.stdout, "Grouped by quorum's rules, not the judge `mistral:7b`: the judge model mistral:7b is not installed.") {
		t.Errorf("the short report does not say the judge was not used:\n%s", res.stdout)
	}
	// A replay says what the review said, with a remedy that works on it:
	// not --judge, which a replay refuses, but a review again.
	res = e.run(context.Background(), "--replay", "latest", "-q", "--fail-on", "none")
	if res.code != 0 || !strings.Contains(res.stderr, "quorum: warning: the judge mistral:7b was not used, so quorum's rules grouped the findings: the judge model mistral:7b is not installed\n"+
		"hint: a replay keeps the review's grouping; to change the judge, run 'quorum review' again (with --judge MODEL, or --judge none)\n") {
		t.Errorf("replay: exit %d\n%s", res.code, res.stderr)
	}
	// --judge none turns the configured judge off, with no warning.
	res = e.run(context.Background(), "--models=qwen2.5-coder:7b,llama3.1:8b", "-q", "--fail-on", "none", "--judge", "none")
	if res.code != 0 || res.stderr != "" || strings.Contains(res.stdout, "judge") {
		t.Errorf("--judge none: exit %d, stderr %q\n%s", res.code, res.stderr, res.stdout)
	}
}
