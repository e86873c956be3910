package dismisscmd_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/quorum-review/quorum/cmd/quorum/cli"
	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/internal/scripttest"
	"github.com/quorum-review/quorum/review"
)

// TestMain makes this test binary also the quorum command of the script.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"quorum": func() { os.Exit(cli.Main()) }})
}

// TestDismissScript runs testdata/script/dismiss*.txtar: the real pipeline
// behind the pre-push hook, against a fake Ollama scripted by dismissRules.
func TestDismissScript(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "..", "testdata", "script", "dismiss*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no dismiss scripts found: %v", err)
	}
	testscript.Run(t, testscript.Params{
		Files: files,
		Setup: func(env *testscript.Env) error {
			srv := ollamatest.New(scripttest.TB{Env: env}, ollamatest.Config{Rules: dismissRules()})
			env.Setenv("QUORUM_OLLAMA_HOST", srv.URL)
			return scripttest.Sandbox(env)
		},
		Cmds:                map[string]func(ts *testscript.TestScript, neg bool, args []string){"lastid": cmdLastID},
		RequireExplicitExec: true,
	})
}

// dismissRules answer by a marker comment in the reviewed file: each
// scenario of the script names the file, the reviewer and the wording.
func dismissRules() []ollamatest.Rule {
	kinded := func(kind, file, quote, sev, cat, title, expl string) string {
		a := review.Answer{Summary: "One problem.", Strengths: []string{}, Concerns: []string{}, Untested: []review.Untested{}, Docs: []string{},
			Findings: []review.RawFinding{}}
		if file != "" {
			a.Findings = append(a.Findings, review.RawFinding{File: file, Line: 7, Quote: quote, Severity: sev, Category: cat, Kind: kind, Title: title, Explanation: expl})
		}
		b, err := json.Marshal(a)
		if err != nil {
			panic(err)
		}
		return string(b)
	}
	answer := func(file, quote, sev, cat, title, expl string) string {
		return kinded("", file, quote, sev, cat, title, expl)
	}
	const code = "data, _ := os.ReadFile(path)"
	dropped := func(file string) string {
		return answer(file, code, "critical", "bug", "Error from os.ReadFile is ignored", "The error is discarded, so a missing file silently returns nil.")
	}
	clean := answer("", "", "", "", "", "")
	return []ollamatest.Rule{
		{Contains: "QDISMISS-REWORD", Model: "qwen2.5-coder:7b", Reply: answer("load.go", code, "important", "error-handling",
			"ReadFile failure swallowed", "Ignoring err here hides unreadable files from the caller.")},
		{Contains: "QDISMISS-OTHER", Model: "llama3.1:8b", Reply: answer("load.go", code, "critical", "reliability",
			"Unchecked error on file read", "If reading fails the err is dropped and nil data flows on.")},
		{Contains: "QDISMISS-CHANGED", Model: "qwen2.5-coder:7b", Reply: answer("load.go", "data, _ := os.ReadFile(filepath.Clean(path))",
			"critical", "bug", "Error from os.ReadFile is ignored", "The error is discarded, so a missing file silently returns nil.")},
		// dismiss_severity.txtar: a style nit (kind other), then a
		// critical SQL injection, on the same line of the same function.
		{Contains: "QDISMISS-NIT", Model: "qwen2.5-coder:7b", Reply: kinded("other", "db.go", "_, err := db.Query(q)", "suggestion", "style",
			"Name the result", "Style only.")},
		{Contains: "QDISMISS-SQLI", Model: "qwen2.5-coder:7b", Reply: kinded("sql-injection", "db.go", "_, err := db.Query(q)", "critical", "security",
			"Query runs attacker-controlled SQL", "q is built from user input.")},
		{Contains: "QDISMISS-RENAMED", Model: "qwen2.5-coder:7b", Reply: dropped("reader.go")},
		{Contains: "QDISMISS-", Model: "qwen2.5-coder:7b", Reply: dropped("load.go")},
		{Reply: clean},
	}
}

// lastid VAR REPORTVAR: set $VAR to the id of the first finding of the
// latest saved report, and $REPORTVAR to that report's id.
func cmdLastID(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: lastid VAR REPORTVAR")
	}
	gd, err := diff.GitDir(ts.MkAbs("."))
	ts.Check(err)
	e, err := reportstore.Find(gd, "latest")
	ts.Check(err)
	r, err := reportstore.LoadReport(e.Dir)
	ts.Check(err)
	if len(r.Findings) == 0 {
		ts.Fatalf("the latest report has no finding")
	}
	ts.Setenv(args[0], r.Findings[0].ID)
	ts.Setenv(args[1], e.ID)
}
