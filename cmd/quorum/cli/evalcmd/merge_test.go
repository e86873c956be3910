package evalcmd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/eval"
	"github.com/quorum-review/quorum/internal/ollamatest"
)

// labelledReview is a user's corpus review: three reviewers, two of them
// on one SQL injection, one on the discarded error of the same call, one
// on a leak a line below. Each title carries its issue as <<tag>>, which
// the fake judge reads.
const labelledReview = `A small review.
-- svc.go --
@@ 1 @@ Find
+package svc
+
+import "database/sql"
+
+func Find(db *sql.DB, name string) {
+	rows, _ := db.Query("SELECT * FROM users WHERE name = '" + name + "'")
+	_ = rows
+}
-- findings.json --
[
 {"reviewer": "a", "issue": "sqli", "file": "svc.go", "line": 6, "quote": "db.Query(\"SELECT * FROM users", "severity": "critical", "category": "security", "title": "<<sqli>> SQL injection", "explanation": "name is concatenated into the query.", "kind": "sql-injection"},
 {"reviewer": "b", "issue": "sqli", "file": "svc.go", "line": 6, "quote": "WHERE name = '\" + name + \"'\"", "severity": "critical", "category": "security", "title": "<<sqli>> User input reaches the query text", "explanation": "Use a placeholder.", "kind": "sql-injection"},
 {"reviewer": "c", "issue": "err", "file": "svc.go", "line": 6, "quote": "rows, _ := db.Query(", "severity": "important", "category": "bug", "title": "<<err>> Error from Query discarded", "explanation": "A failed query goes unnoticed.", "kind": "unchecked-error"},
 {"reviewer": "a", "issue": "leak", "file": "svc.go", "line": 7, "quote": "_ = rows", "severity": "important", "category": "bug", "title": "<<leak>> rows never closed", "explanation": "The connection leaks.", "kind": "resource-leak"}
]
`

var (
	findingHead = regexp.MustCompile(`(?m)^\[F(\d+)\]`)
	issueTag    = regexp.MustCompile(`<<(\w+)>>`)
)

// oracleJudge answers a judge prompt by grouping the findings by the tag
// in their titles; any other prompt gets the default reply.
func oracleJudge(_, prompt string) string {
	if !strings.Contains(prompt, "Group the findings") {
		return ollamatest.DefaultReply
	}
	heads := findingHead.FindAllStringSubmatchIndex(prompt, -1)
	groups := map[string][]string{}
	var order []string
	for i, h := range heads {
		end := len(prompt)
		if i+1 < len(heads) {
			end = heads[i+1][0]
		}
		tag := issueTag.FindStringSubmatch(prompt[h[0]:end])[1]
		if groups[tag] == nil {
			order = append(order, tag)
		}
		groups[tag] = append(groups[tag], "F"+prompt[h[2]:h[3]])
	}
	var out [][]string
	for _, tag := range order {
		out = append(out, groups[tag])
	}
	b, _ := json.Marshal(map[string]any{"groups": out})
	return string(b)
}

type mergeEnv struct {
	t     *testing.T
	srv   *ollamatest.Server
	cache string
	wd    string
}

func newMergeEnv(t *testing.T) *mergeEnv {
	wd := t.TempDir()
	if err := os.MkdirAll(filepath.Join(wd, "labelled"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(wd, "labelled", "svc.txtar"), []byte(labelledReview), 0o644); err != nil {
		t.Fatal(err)
	}
	return &mergeEnv{t: t, srv: ollamatest.New(t, ollamatest.Config{Reply: oracleJudge}), cache: t.TempDir(), wd: wd}
}

// run runs `quorum eval ARGS...` (the merge subcommand is reached through
// eval, as on the command line).
func (e *mergeEnv) run(args ...string) result {
	e.t.Helper()
	home := e.t.TempDir()
	f, out, errOut := cmdtest.NewFactory(e.wd, map[string]string{
		"OLLAMA_HOST":      e.srv.Host,
		"QUORUM_CACHE_DIR": e.cache,
		"HOME":             home,
		"XDG_CONFIG_HOME":  filepath.Join(home, ".config"),
	})
	f.Now = func() time.Time { return time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC) }
	code := cmdtest.Execute(context.Background(), NewCmdEval(f, nil), f.IOStreams, append([]string{"merge"}, args...))
	return result{code, out.String(), errOut.String()}
}

func decodeMerge(t *testing.T, r result) eval.MergeResult {
	t.Helper()
	var res eval.MergeResult
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
	}
	if res.Schema != eval.MergeSchema {
		t.Fatalf("schema %q", res.Schema)
	}
	return res
}

func TestEvalMergeBuiltinRulesNeedNoServer(t *testing.T) {
	e := newMergeEnv(t)
	r := e.run("--sets", "dev,blind24", "--format", "json")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	res := decodeMerge(t, r)
	if res.Reviews != 8 || res.Judge != "" || res.Basis != eval.PoolUnseen || len(res.Pools) != 4 {
		t.Fatalf("%+v", res)
	}
	if n := len(e.srv.Requests()); n != 0 {
		t.Fatalf("%d requests to the server: the rules alone need none", n)
	}
}

func TestEvalMergeJudgeOnAUsersCorpus(t *testing.T) {
	e := newMergeEnv(t)
	r := e.run("--corpus", "labelled", "--judge", "llama3.1:8b", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "quorum: eval merge: 1/1 labelled/svc.txtar (4 findings): answered in ") {
		t.Fatalf("progress: %q", r.stderr)
	}
	res := decodeMerge(t, r)
	all := res.Pools[len(res.Pools)-1]
	if res.Corpus != "labelled" || res.Judge != "llama3.1:8b" || res.Basis != eval.PoolAll || all.Judged != 1 {
		t.Fatalf("%+v", res)
	}
	if j := all.WithJudge; j.Precision != 1 || j.Recall != 1 || j.TP != 1 {
		t.Fatalf("the oracle judge scored %+v", *j)
	}
	if res.Results[0].Review != "labelled/svc.txtar" || res.Cost.Asked != 1 || res.Cost.Cached != 0 {
		t.Fatalf("%+v %+v", res.Results, res.Cost)
	}
	chats := len(e.srv.Chats())

	// A second run asks nothing: the answer is cached under the judge's
	// digest and the prompt.
	r = e.run("--corpus", "labelled", "--judge", "llama3.1:8b", "--format", "json", "-q")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if res := decodeMerge(t, r); res.Cost.Cached != 1 || res.Pools[0].Judged != 1 {
		t.Fatalf("second run: %+v", res.Cost)
	}
	if got := len(e.srv.Chats()); got != chats {
		t.Fatalf("the second run sent %d chat requests", got-chats)
	}

	// The text report gives the verdict.
	r = e.run("--corpus", "labelled", "--judge", "llama3.1:8b", "-q")
	if r.code != 0 || !strings.Contains(r.stdout, "Verdict: ") || !strings.Contains(r.stdout, "with llama3.1:8b: precision") {
		t.Fatalf("exit %d\n%s", r.code, r.stdout)
	}
}

// TestEvalMergeErrors: each mistake has one line, a hint and exit code 2.
func TestEvalMergeErrors(t *testing.T) {
	e := newMergeEnv(t)
	bad := filepath.Join(e.wd, "bad")
	if err := os.MkdirAll(filepath.Join(bad, "set"), 0o755); err != nil {
		t.Fatal(err)
	}
	invented := strings.Replace(labelledReview, `"quote": "_ = rows"`, `"quote": "os.RemoveAll(\"/\")"`, 1)
	if err := os.WriteFile(filepath.Join(bad, "set", "svc.txtar"), []byte(invented), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(e.wd, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A .txtar that is a device (a link to /dev/zero would be read
	// forever), and one that is not JSON where findings.json is.
	for dir, write := range map[string]func(string) error{
		"device": func(p string) error { return os.Symlink("/dev/null", p) },
		"badjson": func(p string) error {
			return os.WriteFile(p, []byte(strings.Replace(labelledReview, "-- findings.json --\n[", "-- findings.json --\n[[", 1)), 0o644)
		},
	} {
		if err := os.MkdirAll(filepath.Join(e.wd, dir), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := write(filepath.Join(e.wd, dir, "r.txtar")); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name      string
		args      []string
		msg, hint string
	}{
		{"no such corpus", []string{"--corpus", "nowhere"}, `--corpus nowhere is not a directory`, "give --corpus a directory of .txtar reviews"},
		{"no review in it", []string{"--corpus", "empty"}, `--corpus empty holds no .txtar review`, "give --corpus a directory of .txtar reviews"},
		{"an invented quote", []string{"--corpus", "bad"}, `set/svc.txtar: finding 4 (<<leak>> rows never closed) rejected: quote not in the diff`, "fix the review: each finding's quote must be in its diff"},
		{"an unknown set", []string{"--sets", "dev,nope"}, `--sets: no set "nope" in the corpus`, "name sets among: dev, blind,"},
		{"empty sets", []string{"--sets", ""}, `--sets is empty`, "leave --sets out to measure them all"},
		{"an empty corpus name", []string{"--corpus", ""}, `--corpus is empty`, "leave it out to measure the built-in corpora"},
		{"a device as a review", []string{"--corpus", "device"}, `r.txtar is not a regular file`, "its format is review/merge/corpus/sets/README.md"},
		{"a review that is not JSON", []string{"--corpus", "badjson"}, `r.txtar: findings.json: `, "its format is review/merge/corpus/sets/README.md"},
		{"an unknown format", []string{"--format", "xml"}, `unknown format "xml"`, "use --format text, markdown or json"},
		{"a judge not installed", []string{"--sets", "dev", "--judge", "mistral:7b"}, `mistral:7b`, "ollama pull mistral:7b"},
		{"an embedding model", []string{"--sets", "dev", "--judge", "nomic-embed-text:latest"}, `nomic-embed-text:latest is an embedding model: it cannot chat, so it cannot judge`, "name a chat model with --judge"},
		{"no server", []string{"--sets", "dev", "--judge", "llama3.1:8b", "--host", "127.0.0.1:1"}, `cannot reach ollama at 127.0.0.1:1`, "ollama serve"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.run(tc.args...)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
			}
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			if len(lines) != 2 || !strings.HasPrefix(lines[0], "error: ") || !strings.Contains(lines[0], tc.msg) ||
				!strings.HasPrefix(lines[1], "hint: ") || !strings.Contains(lines[1], tc.hint) {
				t.Fatalf("stderr:\n%s\nwant an error line with %q and a hint with %q", r.stderr, tc.msg, tc.hint)
			}
			if r.stdout != "" {
				t.Fatalf("stdout %q", r.stdout)
			}
		})
	}
}
