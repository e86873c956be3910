package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/dismiss"
	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
	"github.com/quorum-review/quorum/review/run"
)

// Two reviewers report the handler's query at two lines in words the
// rules keep apart; the judge (gemma2) groups them.
const (
	sqlAnswer = `{"summary":"s","findings":[{"file":"api/handler.go","line":4,"quote":"q := \"SELECT * FROM users WHERE name = '\"","severity":"critical","category":"security","kind":"sql-injection","title":"SQL injection in Handle","explanation":"The name parameter is concatenated into the SQL text."}]}`
	errAnswer = `{"summary":"s","findings":[{"file":"api/handler.go","line":5,"quote":"rows, _ := db.Query(q)","severity":"important","category":"bug","kind":"unchecked-error","title":"Query error discarded","explanation":"db.Query can fail; rows is then nil and rows.Close panics."}]}`
	oneGroup  = `{"groups":[["F1","F2"]]}`
)

// judgeReply answers qwen with sqlAnswer, llama with errAnswer and the
// judge with judgeAnswer.
func judgeReply(judgeAnswer string) func(model, prompt string) string {
	return judgeReplies(judgeAnswer, sqlAnswer, errAnswer)
}

// judgeReplies answers the judge, qwen and llama; any other reviewer finds
// nothing.
func judgeReplies(judgeAnswer, qwen, llama string) func(model, prompt string) string {
	return func(model, prompt string) string {
		switch {
		case strings.Contains(prompt, "Group the findings"):
			return judgeAnswer
		case strings.HasPrefix(model, "qwen"):
			return qwen
		case strings.HasPrefix(model, "llama"):
			return llama
		}
		return `{"summary":"s","findings":[]}`
	}
}

func judgedReview(t *testing.T, srv *ollamatest.Server, judge string, models ...string) (*Result, *Session) {
	t.Helper()
	cfg := config.Default()
	cfg.OllamaHost = srv.Host
	cfg.Merge.Judge = judge
	for _, m := range models {
		cfg.Models = append(cfg.Models, config.Model{Name: m})
	}
	cfg.Cache = false
	s, err := Open(context.Background(), Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Review(context.Background(), s, Request{
		Set: reporttest.Set(), ReadNew: func(context.Context, string) ([]byte, error) { return nil, errors.New("no context") },
		Dismissals: &dismiss.Ledger{}, Meta: report.Meta{GeneratedAt: reporttest.GeneratedAt},
	})
	if err != nil || res.RunErr != nil {
		t.Fatalf("review: %v, %v", err, res.RunErr)
	}
	return res, s
}

// reviewWith reviews reporttest's set under cfg, with no cache.
func reviewWith(t *testing.T, cfg *config.Config) *Result {
	t.Helper()
	cfg.Cache = false
	s, err := Open(context.Background(), Options{Config: cfg})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	res, err := Review(context.Background(), s, Request{Set: reporttest.Set(), ReadNew: func(context.Context, string) ([]byte, error) { return nil, errors.New("no context") },
		Dismissals: &dismiss.Ledger{}, Meta: report.Meta{GeneratedAt: reporttest.GeneratedAt}})
	if err != nil || res.RunErr != nil {
		t.Fatalf("review: %v, %v", err, res.RunErr)
	}
	return res
}

// judgeChats counts the judge requests (a probe of the judge's tokenizer
// is not one).
func judgeChats(srv *ollamatest.Server) int {
	n := 0
	for _, c := range srv.Chats() {
		if strings.Contains(c.Prompt, "Group the findings") {
			n++
		}
	}
	return n
}

func TestJudgeGroupsTheFindingsAndAReplayGroupsThemAgain(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{Reply: judgeReply(oneGroup)})
	res, _ := judgedReview(t, srv, "gemma2:9b", "qwen2.5-coder:7b", "llama3.1:8b")
	rep := res.Report
	if g := rep.Grouping; g.By != report.GroupedByJudge || g.Judge != "gemma2:9b" || g.Note != "" || g.Skipped {
		t.Fatalf("grouping = %+v", g)
	}
	if len(rep.Findings) != 1 || !slices.Equal(rep.Findings[0].Reviewers, []string{"llama3.1:8b", "qwen2.5-coder:7b"}) {
		t.Fatalf("findings = %+v", rep.Findings)
	}
	if res.Raw.Judge == nil || res.Raw.Judge.Answer != oneGroup || res.Raw.Judge.PromptSHA256 == "" ||
		res.Raw.Judge.Digest == "" || rep.Grouping.JudgeDigest != res.Raw.Judge.Digest {
		t.Fatalf("raw judge = %+v", res.Raw.Judge)
	}
	if judgeChats(srv) != 1 {
		t.Fatalf("judge asked %d times", judgeChats(srv))
	}
	chat := srv.Chats()[len(srv.Chats())-1]
	if !strings.Contains(string(chat.Format), `"groups"`) {
		t.Errorf("judge request has no answer schema: %s", chat.Format)
	}

	// The replay reads the saved answer: no request, the same report,
	// whatever the order of the raw results.
	want, _ := json.Marshal(rep)
	for _, order := range [][]int{{0, 1}, {1, 0}} {
		raw := *res.Raw
		raw.Results = []review.RawResult{res.Raw.Results[order[0]], res.Raw.Results[order[1]]}
		again, err := Review(context.Background(), nil, Request{Set: reporttest.Set(), Raw: &raw, Dismissals: &dismiss.Ledger{}, Meta: report.Meta{GeneratedAt: reporttest.GeneratedAt}})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := json.Marshal(again.Report); string(got) != string(want) {
			t.Errorf("replay in order %v differs:\n%s\nwant\n%s", order, got, want)
		}
	}
	if judgeChats(srv) != 1 {
		t.Errorf("the replay asked the judge")
	}
}

func TestWithoutAJudgeTheRulesGroup(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{Reply: judgeReply(oneGroup)})
	res, _ := judgedReview(t, srv, "", "qwen2.5-coder:7b", "llama3.1:8b")
	if g := res.Report.Grouping; g != (report.Grouping{By: report.GroupedByRules}) || res.Raw.Judge != nil {
		t.Fatalf("grouping = %+v, raw judge %+v", g, res.Raw.Judge)
	}
	if len(res.Report.Findings) != 2 {
		t.Fatalf("the rules made %d findings, want the two kinds apart", len(res.Report.Findings))
	}
	if judgeChats(srv) != 0 {
		t.Error("a judge was asked with none configured")
	}
}

// A judge that cannot be used leaves the rules' grouping, and the report
// says why; the review itself does not fail.
func TestAJudgeThatCannotBeUsedLeavesTheRules(t *testing.T) {
	for _, tc := range []struct {
		name, judge, answer string
		models              []string
		skipped             bool
		note                string
	}{
		{"loses count", "gemma2:9b", `{"groups":[["F1"]]}`, []string{"qwen2.5-coder:7b", "llama3.1:8b"}, false,
			"the judge's answer did not list each of the 2 findings exactly once"},
		{"not json", "gemma2:9b", `F1 and F2 are one`, []string{"qwen2.5-coder:7b", "llama3.1:8b"}, false,
			"the judge's answer is not JSON"},
		{"not installed", "mistral:7b", oneGroup, []string{"qwen2.5-coder:7b", "llama3.1:8b"}, false,
			"the judge model mistral:7b is not installed"},
		{"an embedding model", "nomic-embed-text", oneGroup, []string{"qwen2.5-coder:7b", "llama3.1:8b"}, false,
			"the judge model nomic-embed-text cannot chat: it is an embedding model"},
		{"one reviewer", "gemma2:9b", oneGroup, []string{"qwen2.5-coder:7b"}, true,
			"fewer than two reviewers found anything, so there was nothing to group"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := ollamatest.New(t, ollamatest.Config{Reply: judgeReply(tc.answer)})
			res, _ := judgedReview(t, srv, tc.judge, tc.models...)
			g := res.Report.Grouping
			if g.By != report.GroupedByRules || g.Judge != tc.judge || g.Note != tc.note || g.Skipped != tc.skipped {
				t.Fatalf("grouping = %+v", g)
			}
			if len(res.Report.Findings) != len(tc.models) {
				t.Errorf("%d findings, want the rules' %d", len(res.Report.Findings), len(tc.models))
			}
		})
	}
}

// The judge's answer is cached by the model's digest and the prompt: a
// second review of the same diff asks nobody, whatever name the judge is
// given by.
func TestJudgeAnswerIsCachedByDigest(t *testing.T) {
	models := append(ollamatest.DefaultModels(), ollamatest.Model{Name: "judge:latest", Family: "qwen2", ContextLength: 32768, Capabilities: []string{"completion"}})
	srv := ollamatest.New(t, ollamatest.Config{Models: models, Reply: judgeReply(oneGroup)})
	cacheDir := t.TempDir()
	run := func(judge string) *Result {
		cfg := config.Default()
		cfg.OllamaHost = srv.Host
		cfg.Merge.Judge = judge
		cfg.Models = []config.Model{{Name: "qwen2.5-coder:7b"}, {Name: "llama3.1:8b"}}
		getenv := func(k string) string {
			if k == "QUORUM_CACHE_DIR" {
				return cacheDir
			}
			return ""
		}
		s, err := Open(context.Background(), Options{Config: cfg, Getenv: getenv})
		if err != nil {
			t.Fatal(err)
		}
		res, err := Review(context.Background(), s, Request{Set: reporttest.Set(), ReadNew: func(context.Context, string) ([]byte, error) { return nil, errors.New("no context") },
			Dismissals: &dismiss.Ledger{}, Meta: report.Meta{GeneratedAt: reporttest.GeneratedAt}})
		if err != nil || res.RunErr != nil || res.CacheErr != nil {
			t.Fatalf("review: %v, %v, %v", err, res.RunErr, res.CacheErr)
		}
		return res
	}
	first := run("judge")
	if judgeChats(srv) != 1 || first.Report.Grouping.Cached || first.Report.Grouping.By != report.GroupedByJudge {
		t.Fatalf("judge asked %d times; first grouping %+v", judgeChats(srv), first.Report.Grouping)
	}
	second := run("judge:latest")
	if judgeChats(srv) != 1 || !second.Report.Grouping.Cached || second.Report.Grouping.By != report.GroupedByJudge {
		t.Fatalf("judge asked %d times; second grouping %+v", judgeChats(srv), second.Report.Grouping)
	}
}

// A judge may group a cause in one file with its symptom in another: the
// finding keeps one place, and the member elsewhere names its file, in the
// JSON and in the Markdown.
func TestJudgeGroupsAcrossFiles(t *testing.T) {
	cacheAnswer := `{"summary":"s","findings":[{"file":"store/cache.go","line":16,"quote":"f, _ := os.Open(c.path(key))","severity":"important","category":"bug","kind":"unchecked-error","title":"Open error dropped","explanation":"f is nil when the file is missing."}]}`
	srv := ollamatest.New(t, ollamatest.Config{Reply: judgeReplies(oneGroup, cacheAnswer, errAnswer)})
	res, _ := judgedReview(t, srv, "gemma2:9b", "qwen2.5-coder:7b", "llama3.1:8b")
	rep := res.Report
	if rep.Grouping.By != report.GroupedByJudge || len(rep.Findings) != 1 {
		t.Fatalf("grouping %+v, %d findings", rep.Grouping, len(rep.Findings))
	}
	f := rep.Findings[0]
	var elsewhere []report.Member
	for _, m := range f.Members {
		if m.File != "" {
			elsewhere = append(elsewhere, m)
		}
	}
	if len(elsewhere) != 1 || elsewhere[0].File == f.File || (elsewhere[0].File != "api/handler.go" && elsewhere[0].File != "store/cache.go") {
		t.Fatalf("finding at %s, members %+v", f.File, f.Members)
	}
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"file":"`+elsewhere[0].File+`","line":`) {
		t.Errorf("the JSON does not name the member's file:\n%s", data)
	}
	var back report.Report
	if err := json.Unmarshal(data, &back); err != nil || back.Findings[0].Members[1].File+back.Findings[0].Members[0].File != elsewhere[0].File {
		t.Errorf("read back: %v, members %+v", err, back.Findings[0].Members)
	}
	var md bytes.Buffer
	if err := render.Markdown(&md, rep, render.Options{}); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("Also at: `%s:%d` (%s).", elsewhere[0].File, elsewhere[0].Line, elsewhere[0].Reviewer)
	if !strings.Contains(md.String(), want) {
		t.Errorf("the Markdown lacks %q:\n%s", want, md.String())
	}
}

// A judge that groups a critical finding with lesser ones cannot lower it
// below what the rules give: the gate is never weaker with a judge.
func TestJudgeNeverWeakensTheGate(t *testing.T) {
	models := append(ollamatest.DefaultModels(), ollamatest.Model{Name: "judge:latest", Family: "qwen2", ContextLength: 32768, Capabilities: []string{"completion"}})
	suggestion := `{"summary":"s","findings":[{"file":"api/handler.go","line":6,"quote":"defer rows.Close()","severity":"suggestion","category":"style","kind":"other","title":"Close rows earlier","explanation":"Minor."}]}`
	srv := ollamatest.New(t, ollamatest.Config{Models: models, Reply: func(model, prompt string) string {
		switch {
		case strings.Contains(prompt, "Group the findings"):
			return `{"groups":[["F1","F2","F3"]]}`
		case strings.HasPrefix(model, "qwen"):
			return sqlAnswer // critical
		case strings.HasPrefix(model, "llama"):
			return strings.Replace(errAnswer, `"important"`, `"suggestion"`, 1)
		}
		return suggestion
	}})
	res, _ := judgedReview(t, srv, "judge", "qwen2.5-coder:7b", "llama3.1:8b", "gemma2:9b")
	rep := res.Report
	if rep.Grouping.By != report.GroupedByJudge || len(rep.Findings) != 1 {
		t.Fatalf("grouping %+v, %d findings", rep.Grouping, len(rep.Findings))
	}
	if f := rep.Findings[0]; f.Severity != review.Critical || !f.RulesFloor || !slices.Equal(f.Reviewers, []string{"gemma2:9b", "llama3.1:8b", "qwen2.5-coder:7b"}) {
		t.Fatalf("finding %s (rules floor %v) by %v; want critical, held by the rules", f.Severity, f.RulesFloor, f.Reviewers)
	}
	gate := report.Policy{FailOn: review.Critical, MinAgreement: 1}
	again, err := Consolidate(reporttest.Set(), res.Raw, gate, report.Meta{GeneratedAt: reporttest.GeneratedAt})
	if err != nil || !again.Verdict.GateTripped {
		t.Fatalf("the gate at critical did not trip: %v, %+v", err, again.Verdict)
	}
}

// Each way a judge can go unused has its own remedy, naming the limit
// that applied.
func TestJudgeUnusedSaysWhatToDo(t *testing.T) {
	const off = "merge.judge: none (QUORUM_MERGE_JUDGE=none, or --judge none for one review)"
	for _, tc := range []struct {
		note, api, hint string
	}{
		{"the judge model j:7b is not installed", "", "ollama pull j:7b, or set " + off},
		{"the judge model j:7b is not installed", config.APIOpenAI, "load j:7b in the server, or set " + off},
		{"the judge model j:7b cannot chat: it is an embedding model", "", "name a chat model in merge.judge ('quorum models' lists them), or set " + off},
		{"the judge's prompt (about 9216 tokens with its answer) does not fit j:7b's context of 8192 tokens (max_context)", "", "raise max_context (--max-context), or name a judge with a larger context"},
		{"the judge's prompt (about 9216 tokens with its answer) does not fit j:7b's context of 8192 tokens (the model's own context length)", "", "name a judge with a larger context in merge.judge"},
		{"the judge's prompt was cut: j:7b read 8192 tokens of a 8192-token context", "", "raise max_context (--max-context), or name a judge with a larger context"},
		{"the judge's answer was cut off at 400 tokens (its budget 400)", "", "the judge wrote past its answer budget, or filled its context: name another judge model, raise max_context, or set " + off},
		{"the judge did not answer within --request-timeout (10m0s)", "", "raise --request-timeout, or set " + off},
		{"the judge's server: refusing to send code to non-loopback ollama host 10.1.2.3:11434", "", "the judge runs on the top-level host: set host: to a loopback address, or set " + off},
		{"the judge's answer did not list each of the 3 findings exactly once", "", "the judge's answer could not be used (a larger model judges better); or set " + off},
		{run.ReviewTimeUp, "", "raise --timeout (timeout: in .quorum.yaml; hook.timeout for the hook), or set " + off},
		{"the judge's answer is about other findings than these", "", "the saved answer was given to a prompt this version of quorum builds differently: review again to ask the judge"},
		{"the judge failed: ollama reported an error (500)", "", "the model server's log says why; or set " + off},
	} {
		err := JudgeUnused(report.Grouping{By: report.GroupedByRules, Judge: "j:7b", Note: tc.note}, tc.api)
		if err == nil || err.Error() != "the judge j:7b was not used, so quorum's rules grouped the findings: "+tc.note || exitcode.HintOf(err) != tc.hint {
			t.Errorf("%q: %v, hint %q; want hint %q", tc.note, err, exitcode.HintOf(err), tc.hint)
		}
	}
	for _, g := range []report.Grouping{
		{By: report.GroupedByRules},
		{By: report.GroupedByJudge, Judge: "j:7b"},
		{By: report.GroupedByRules, Judge: "j:7b", Skipped: true, Note: "fewer than two reviewers found anything, so there was nothing to group"},
	} {
		if err := JudgeUnused(g, ""); err != nil {
			t.Errorf("%+v: %v, want no warning", g, err)
		}
	}
}

// A judge whose server cannot be opened (a remote top-level host, refused
// by the loopback guard) does not stop the review: the rules group.
func TestAJudgeOnARefusedHostDoesNotStopTheReview(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{Reply: judgeReply(oneGroup)})
	cfg := config.Default()
	cfg.OllamaHost = "10.1.2.3" // refused before any dial
	cfg.Merge.Judge = "gemma2:9b"
	cfg.Models = []config.Model{{Name: "qwen2.5-coder:7b", Host: srv.Host}, {Name: "llama3.1:8b", Host: srv.Host}}
	res := reviewWith(t, cfg)
	g := res.Report.Grouping
	if g.By != report.GroupedByRules || !strings.HasPrefix(g.Note, "the judge's server: refusing to send code to non-loopback") || len(res.Report.Findings) != 2 {
		t.Fatalf("grouping %+v, %d findings", g, len(res.Report.Findings))
	}
}

// A judged finding is named after the rules' finding it holds that ranks
// highest: the same id, fingerprint and kinds, so a dismissal made on it
// holds when the rules group the review (the judge missing, or off).
func TestJudgedFindingKeepsTheRulesIdentity(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{Reply: judgeReply(oneGroup)})
	judged, _ := judgedReview(t, srv, "gemma2:9b", "qwen2.5-coder:7b", "llama3.1:8b")
	rules, _ := judgedReview(t, srv, "", "qwen2.5-coder:7b", "llama3.1:8b")
	if len(judged.Report.Findings) != 1 || len(rules.Report.Findings) != 2 {
		t.Fatalf("%d judged, %d by the rules", len(judged.Report.Findings), len(rules.Report.Findings))
	}
	j := judged.Report.Findings[0]
	var sql *report.Finding
	for i, f := range rules.Report.Findings {
		if f.Severity == review.Critical {
			sql = &rules.Report.Findings[i]
		}
	}
	if sql == nil || j.ID != sql.ID || j.Fingerprint != sql.Fingerprint || !slices.Equal(j.Kinds, sql.Kinds) || j.Line != sql.Line {
		t.Fatalf("judged %s %s %v at %d; the rules' critical %+v", j.ID, j.Fingerprint, j.Kinds, j.Line, sql)
	}
}

// judgedWith reviews with qwen (the SQL finding, critical), llama (the
// dropped query error) and the judge answering judgeAnswer, under policy
// and ledger.
func judgedWith(t *testing.T, judge, judgeAnswer, llama string, policy report.Policy, ledger *dismiss.Ledger) *report.Report {
	t.Helper()
	srv := ollamatest.New(t, ollamatest.Config{Reply: judgeReplies(judgeAnswer, sqlAnswer, llama)})
	cfg := config.Default()
	cfg.OllamaHost, cfg.Merge.Judge, cfg.Cache = srv.Host, judge, false
	cfg.Models = []config.Model{{Name: "qwen2.5-coder:7b"}, {Name: "llama3.1:8b"}}
	s, err := Open(context.Background(), Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Review(context.Background(), s, Request{Set: reporttest.Set(), ReadNew: func(context.Context, string) ([]byte, error) { return nil, errors.New("no context") },
		Policy: policy, Dismissals: ledger, Meta: report.Meta{GeneratedAt: reporttest.GeneratedAt}})
	if err != nil || res.RunErr != nil {
		t.Fatalf("review: %v, %v", err, res.RunErr)
	}
	return res.Report
}

// Dismissing one finding never hides another the judge grouped with it:
// a judged finding is dismissed only when every rules finding in it is.
func TestDismissingOneFindingDoesNotHideItsJudgedPartner(t *testing.T) {
	policy := report.Policy{FailOn: review.Important, MinAgreement: 1}
	rules := judgedWith(t, "", oneGroup, errAnswer, policy, &dismiss.Ledger{})
	var sql report.Finding
	for _, f := range rules.Findings {
		if f.Severity == review.Critical {
			sql = f
		}
	}
	one := &dismiss.Ledger{}
	one.Add(dismiss.NewEntry(sql, "a false positive", "me", reporttest.GeneratedAt))
	if r := judgedWith(t, "", oneGroup, errAnswer, policy, one); len(r.Findings) != 1 || len(r.Dismissed) != 1 || !r.Verdict.GateTripped {
		t.Fatalf("rules: %d kept, %d dismissed, tripped %v", len(r.Findings), len(r.Dismissed), r.Verdict.GateTripped)
	}
	judged := judgedWith(t, "gemma2:9b", oneGroup, errAnswer, policy, one)
	if judged.Grouping.By != report.GroupedByJudge || len(judged.Findings) != 1 || len(judged.Dismissed) != 0 || !judged.Verdict.GateTripped {
		t.Fatalf("judged: %d kept, %d dismissed, tripped %v", len(judged.Findings), len(judged.Dismissed), judged.Verdict.GateTripped)
	}
	if why := judged.Findings[0].NotDismissed; why != "not dismissed: the judge grouped a dismissed finding with others that are not" {
		t.Errorf("not dismissed because %q", why)
	}
	// Both dismissed: the judged finding is too.
	var query report.Finding
	for _, f := range rules.Findings {
		if f.Severity != review.Critical {
			query = f
		}
	}
	both := &dismiss.Ledger{}
	both.Add(dismiss.NewEntry(sql, "a false positive", "me", reporttest.GeneratedAt))
	both.Add(dismiss.NewEntry(query, "handled by the caller", "me", reporttest.GeneratedAt))
	if r := judgedWith(t, "gemma2:9b", oneGroup, errAnswer, policy, both); len(r.Findings) != 0 || len(r.Dismissed) != 1 || r.Verdict.GateTripped {
		t.Fatalf("both dismissed: %d kept, %d dismissed, tripped %v", len(r.Findings), len(r.Dismissed), r.Verdict.GateTripped)
	}
}

// A rules finding the judge splits is owed by the part holding its most
// severe member only: the lesser part keeps its own severity, and the
// judge adds no blocking finding the rules did not have.
func TestASplitRulesFindingIsOwedByItsSeverePart(t *testing.T) {
	policy := report.Policy{FailOn: review.Critical, MinAgreement: 1, Severity: "max"}
	// llama reports the same SQL line as a suggestion: the rules merge it
	// with qwen's critical one; the judge splits them.
	lesser := strings.NewReplacer(`"critical"`, `"suggestion"`, `"SQL injection in Handle"`, `"Quote the name"`).Replace(sqlAnswer)
	rules := judgedWith(t, "", `{"groups":[["F1"],["F2"]]}`, lesser, policy, &dismiss.Ledger{})
	if len(rules.Findings) != 1 || rules.Verdict.Blocking != 1 {
		t.Fatalf("rules: %d findings, %d blocking", len(rules.Findings), rules.Verdict.Blocking)
	}
	judged := judgedWith(t, "gemma2:9b", `{"groups":[["F1"],["F2"]]}`, lesser, policy, &dismiss.Ledger{})
	if judged.Grouping.By != report.GroupedByJudge || len(judged.Findings) != 2 || judged.Verdict.Blocking != 1 {
		t.Fatalf("judged: grouping %+v, %d findings, %d blocking", judged.Grouping, len(judged.Findings), judged.Verdict.Blocking)
	}
	for _, f := range judged.Findings {
		if f.RulesFloor || (f.Reviewers[0] == "llama3.1:8b" && f.Severity != review.Suggestion) {
			t.Errorf("%v: %s, rules floor %v", f.Reviewers, f.Severity, f.RulesFloor)
		}
	}
}

// A judged finding holding several rules findings lists them as parts; a
// dismissal that records each (as 'quorum dismiss' does) holds whether
// the judge or the rules group the next review.
func TestAJudgedFindingDismissedByItsPartsStaysDismissed(t *testing.T) {
	policy := report.Policy{FailOn: review.Important, MinAgreement: 1}
	judged := judgedWith(t, "gemma2:9b", oneGroup, errAnswer, policy, &dismiss.Ledger{})
	if len(judged.Findings) != 1 || len(judged.Findings[0].Parts) != 2 {
		t.Fatalf("%d findings, parts %+v", len(judged.Findings), judged.Findings)
	}
	j := judged.Findings[0]
	ledger := &dismiss.Ledger{}
	for _, p := range j.Parts {
		ledger.Add(dismiss.NewEntry(report.Finding{ID: j.ID, Fingerprint: p.Fingerprint, Kinds: p.Kinds, Severity: p.Severity, File: p.File, Title: p.Title}, "intended", "me", reporttest.GeneratedAt))
	}
	for _, judge := range []string{"gemma2:9b", "", "mistral:7b"} {
		r := judgedWith(t, judge, oneGroup, errAnswer, policy, ledger)
		if len(r.Findings) != 0 || r.Verdict.GateTripped {
			t.Errorf("judge %q: %d kept (%+v), tripped %v", judge, len(r.Findings), r.Findings, r.Verdict.GateTripped)
		}
	}
}

// A piece of a rules finding the judge split is dismissed by an entry for
// the judged finding itself, and that entry hides nothing else: not the
// other piece, nor the rules finding when the rules group the review.
func TestASplitPieceIsDismissedOnItsOwn(t *testing.T) {
	policy := report.Policy{FailOn: review.Critical, MinAgreement: 1, Severity: "max"}
	lesser := strings.NewReplacer(`"critical"`, `"suggestion"`, `"SQL injection in Handle"`, `"Quote the name"`).Replace(sqlAnswer)
	split := `{"groups":[["F1"],["F2"]]}`
	judged := judgedWith(t, "gemma2:9b", split, lesser, policy, &dismiss.Ledger{})
	var piece report.Finding
	for _, f := range judged.Findings {
		if f.Reviewers[0] == "llama3.1:8b" {
			piece = f
		}
	}
	if piece.ID == "" || len(piece.Parts) != 0 {
		t.Fatalf("findings %+v", judged.Findings)
	}
	ledger := &dismiss.Ledger{}
	ledger.Add(dismiss.NewEntry(piece, "fine as it is", "me", reporttest.GeneratedAt))
	again := judgedWith(t, "gemma2:9b", split, lesser, policy, ledger)
	if len(again.Dismissed) != 1 || again.Dismissed[0].Reviewers[0] != "llama3.1:8b" || len(again.Findings) != 1 || !again.Verdict.GateTripped {
		t.Fatalf("judged: %d kept, %d dismissed, tripped %v", len(again.Findings), len(again.Dismissed), again.Verdict.GateTripped)
	}
	rules := judgedWith(t, "", split, lesser, policy, ledger)
	if len(rules.Findings) != 1 || !rules.Verdict.GateTripped {
		t.Fatalf("rules: %d kept, %d dismissed, tripped %v", len(rules.Findings), len(rules.Dismissed), rules.Verdict.GateTripped)
	}
}

// A judge that is one of the reviewers runs where that reviewer does: on
// its own host, not the top-level server (which does not have it).
func TestAJudgeThatIsAReviewerRunsOnItsServer(t *testing.T) {
	team := ollamatest.New(t, ollamatest.Config{Reply: judgeReply(oneGroup)})
	laptop := ollamatest.New(t, ollamatest.Config{Reply: judgeReply(oneGroup)})
	cfg := config.Default()
	cfg.OllamaHost = laptop.Host
	cfg.Merge.Judge = "llama3.1:8b"
	cfg.Models = []config.Model{{Name: "qwen2.5-coder:7b"}, {Name: "llama3.1:8b", Host: team.Host}}
	res := reviewWith(t, cfg)
	if g := res.Report.Grouping; g.By != report.GroupedByJudge {
		t.Fatalf("grouping %+v", g)
	}
	if judgeChats(team) != 1 || judgeChats(laptop) != 0 {
		t.Fatalf("judge asked %d times on its reviewer's server, %d on the top-level one", judgeChats(team), judgeChats(laptop))
	}
}
