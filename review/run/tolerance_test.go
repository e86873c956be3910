package run_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/plan"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/run"
)

// This file runs the whole chain on answers with one detail outside the
// reviewer schema (found by an adversarial test): an 11th finding, a
// category the schema does not list, a severity in capitals, a severity it
// does not know. Each cost the reviewer's whole answer, its critical
// finding included, and the review passed with exit 0 on the others'
// silence. Now the answer is read, the critical finding blocks, and what
// was read differently is noted in raw.json or rejected with a reason.

var dbGo = []string{
	"package db",
	"",
	`import "database/sql"`,
	"",
	"func Find(db *sql.DB, name string) error {",
	`	q := "SELECT * FROM users WHERE name = '" + name + "'"`,
	"	_, err := db.Query(q)",
	"	return err",
	"}",
}

func dbSet() *diff.Set {
	var lines []diff.Line
	for i, l := range dbGo {
		lines = append(lines, diff.Line{Kind: diff.Added, New: i + 1, Text: l})
	}
	return &diff.Set{
		Mode: diff.ModeRange, Base: diff.Ref{Ref: "main", Commit: strings.Repeat("1", 40)}, Head: diff.Ref{Ref: "feat", Commit: strings.Repeat("2", 40)},
		MergeBase: strings.Repeat("1", 40), Commits: []diff.Commit{{SHA: strings.Repeat("2", 40), Subject: "query"}},
		Files: []diff.File{{Path: "db.go", Status: diff.StatusAdded, Added: len(lines),
			Hunks: []diff.Hunk{{NewStart: 1, NewLines: len(lines), Lines: lines}}}},
		Skipped: []diff.Skipped{},
	}
}

func sqlFinding(sev, cat string) string {
	return fmt.Sprintf(`{"file":"db.go","line":6,"quote":"q := \"SELECT * FROM users WHERE name = '\" + name + \"'\"","severity":%q,"category":%q,"kind":"sql-injection","title":"SQL injection","explanation":"name is pasted into the query"}`, sev, cat)
}

func nits(n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf(`{"file":"db.go","line":8,"quote":"return err","severity":"suggestion","category":"style","kind":"other","title":"nit %d","explanation":"x"}`, i))
	}
	return out
}

// scripted answers every chat of a model with its script; models without
// one answer "no findings".
type scripted struct{ answers map[string]string }

func (s scripted) Chat(_ context.Context, req review.ChatRequest, _ review.Progress) (review.ChatResponse, error) {
	content, ok := s.answers[req.Model]
	if !ok {
		content = `{"summary":"fine","findings":[]}`
	}
	return review.ChatResponse{Content: content, DoneReason: "stop", EvalCount: 50, PromptEvalCount: (len(req.System) + len(req.Prompt)) / 3}, nil
}

func (s scripted) List(context.Context) ([]review.ModelInfo, error) { return nil, nil }

func (s scripted) Show(_ context.Context, name string) (review.ModelInfo, error) {
	return review.ModelInfo{Name: name, Digest: "sha256:" + name, ContextLength: 32768}, nil
}

// reviewPanel runs three reviewers, qwen answering answer, and consolidates.
func reviewPanel(t *testing.T, answer string, order ...string) (*review.Raw, *report.Report) {
	t.Helper()
	if order == nil {
		order = []string{"qwen", "llama", "gemma"}
	}
	var revs []review.Reviewer
	for _, m := range order {
		revs = append(revs, review.Reviewer{Name: m, Model: m})
	}
	set := dbSet()
	chat := scripted{answers: map[string]string{"qwen": answer}}
	raw, err := (&run.Runner{Chat: chat, Catalog: chat}).Run(context.Background(), plan.Prepare(plan.Input{Set: set}), run.Config{Reviewers: revs})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := pipeline.Consolidate(set, raw, report.Policy{}, report.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	return raw, rep
}

func qwen(t *testing.T, raw *review.Raw) review.RawResult {
	t.Helper()
	for _, r := range raw.Results {
		if r.Reviewer.Name == "qwen" {
			return r
		}
	}
	t.Fatal("no qwen")
	return review.RawResult{}
}

func TestOutOfSchemaDetailKeepsTheAnswer(t *testing.T) {
	for _, tc := range []struct {
		name, answer string
		note         string // in the chunk's notes ("" for none)
		rejected     string // a rejection reason ("" for none)
	}{
		{"valid", `{"summary":"s","findings":[` + sqlFinding("critical", "security") + `]}`, "", ""},
		{"11 findings", `{"summary":"s","findings":[` + strings.Join(append(nits(10), sqlFinding("critical", "security")), ",") + `]}`,
			`11 findings, over the schema's limit of 10: all kept, each anchored on its own`, ""},
		{"bad category", `{"summary":"s","findings":[` + sqlFinding("critical", "sql") + `]}`,
			`finding "SQL injection": category "sql" is not one of the schema's; read as "other"`, ""},
		{"upper severity", `{"summary":"s","findings":[` + sqlFinding("CRITICAL", "security") + `]}`, "", ""},
		{"unknown severity beside", `{"summary":"s","findings":[` + sqlFinding("critical", "security") + `,` +
			strings.Replace(nits(1)[0], `"suggestion"`, `"trivial"`, 1) + `]}`,
			`finding "nit 0": severity "trivial" is not one of the schema's; read as "suggestion"`, ""},
		{"critical spelt high", `{"summary":"s","findings":[` + strings.Replace(sqlFinding("critical", "security"), `"critical"`, `"high"`, 1) + `]}`,
			`finding "SQL injection": severity "high" is not one of the schema's; read as "critical"`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, rep := reviewPanel(t, tc.answer)
			q := qwen(t, raw)
			if q.Status != review.StatusOK || q.Metrics.Retries != 0 {
				t.Fatalf("qwen %s after %d retries: %s", q.Status, q.Metrics.Retries, q.Error)
			}
			notes := strings.Join(q.Chunks[0].Notes, "\n")
			if notes != tc.note {
				t.Errorf("notes %q, want %q", notes, tc.note)
			}
			if rep.Verdict.Status != "fail" || rep.Verdict.RestsOn != 3 {
				t.Errorf("verdict %s on %d: %s", rep.Verdict.Status, rep.Verdict.RestsOn, rep.Verdict.Text)
			}
			var crit []string
			for _, f := range rep.Findings {
				if f.Severity == review.Critical {
					crit = append(crit, f.Title+" by "+strings.Join(f.Reviewers, ","))
				}
			}
			if strings.Join(crit, ";") != "SQL injection by qwen" {
				t.Errorf("critical findings %q", crit)
			}
			var reasons []string
			for _, r := range rep.Rejected {
				reasons = append(reasons, r.Reason)
			}
			if strings.Join(reasons, ";") != tc.rejected {
				t.Errorf("rejected %q, want %q", reasons, tc.rejected)
			}
		})
	}
}

// TestOutOfSchemaReportIsDeterministic: the report of such an answer is a
// pure function of the answers, whatever order the reviewers run in.
func TestOutOfSchemaReportIsDeterministic(t *testing.T) {
	answer := `{"summary":"s","findings":[` + strings.Join(append(nits(10), sqlFinding("CRITICAL", "sql"), strings.Replace(nits(1)[0], `"suggestion"`, `"Blocker"`, 1)), ",") + `]}`
	var first []byte
	for i, order := range [][]string{{"qwen", "llama", "gemma"}, {"gemma", "qwen", "llama"}, {"llama", "gemma", "qwen"}} {
		raw, rep := reviewPanel(t, answer, order...)
		rep.GeneratedAt, rep.StartedAt, rep.WallMS = report.Report{}.GeneratedAt, report.Report{}.StartedAt, 0
		for i := range rep.Reviewers {
			rep.Reviewers[i].DurationMS, rep.Reviewers[i].LoadMS, rep.Reviewers[i].TokensPerSec = 0, 0, 0
		}
		b, err := json.Marshal(struct {
			Notes  []string
			Report *report.Report
		}{qwen(t, raw).Chunks[0].Notes, rep})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = b
		} else if !bytes.Equal(b, first) {
			t.Fatalf("order %v gives another report", order)
		}
	}
}

// TestNotesSurviveTheCache: a chunk answered from the cache carries the
// notes it had when it was asked, so raw.json reads the same.
func TestNotesSurviveTheCache(t *testing.T) {
	answer := `{"summary":"s","findings":[` + sqlFinding("critical", "sql") + `]}`
	chat := scripted{answers: map[string]string{"qwen": answer}}
	r := &run.Runner{Chat: chat, Catalog: chat, Cache: cache.New(t.TempDir())}
	var got [2]review.ChunkResult
	for i := range got {
		raw, err := r.Run(context.Background(), plan.Prepare(plan.Input{Set: dbSet()}), run.Config{Reviewers: []review.Reviewer{{Name: "qwen", Model: "qwen"}}})
		if err != nil {
			t.Fatal(err)
		}
		got[i] = qwen(t, raw).Chunks[0]
	}
	if got[0].Cached || !got[1].Cached {
		t.Fatalf("cached: %v then %v", got[0].Cached, got[1].Cached)
	}
	if len(got[0].Notes) != 1 || strings.Join(got[0].Notes, "") != strings.Join(got[1].Notes, "") || got[1].Answer.Findings[0].Category != "other" {
		t.Errorf("notes %q then %q", got[0].Notes, got[1].Notes)
	}
}
