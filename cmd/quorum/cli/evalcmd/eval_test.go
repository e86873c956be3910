package evalcmd

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quorum-review/quorum/diff/difftest"
	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/eval"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/ollamatest"
)

const (
	qwen  = "qwen2.5-coder:7b"
	llama = "llama3.1:8b"
)

// history builds the planted history, oldest first:
//
//	initial                          (root: no case)
//	calc: fix off-by-one in Sum      bug1: both models find it (quoted)
//	store: handle the error of Flush bug2 (fix in the body): qwen finds it
//	docs: fix typo in README         skipped: no code
//	parse: fix nil dereference       bug3: missed; llama gives a file-level finding
//	fix: rewrite the tokenizer       skipped: 60 changed lines > 40
//	calc: add Mean                   no case (no pattern, too recent for the window)
//	refactor: rename helper          clean1: llama flags it (important)
//	chore: tidy comments             clean2: nobody flags it
func history(t *testing.T) *difftest.Repo {
	r := difftest.New(t)
	calc := func(start, name string) string {
		return "package calc\n\n// Sum adds up xs.\nfunc Sum(xs []int) int {\n\ttotal := 0\n\tfor i := " + start + "; i < len(xs); i++ {\n\t\ttotal += xs[i]\n\t}\n\treturn total\n}\n\n" +
			difftest.Lines("// filler", 12) + "\nfunc " + name + "(x int) int {\n\treturn x * 2\n}\n"
	}
	store := func(comment, flush string) string {
		return "package calc\n\nimport \"bufio\"\n\n// " + comment + "\nfunc Save(w *bufio.Writer, s string) error {\n\tif _, err := w.WriteString(s); err != nil {\n\t\treturn err\n\t}\n" + flush + "\treturn nil\n}\n"
	}
	const bare = "\tw.Flush()\n"
	const checked = "\tif err := w.Flush(); err != nil {\n\t\treturn err\n\t}\n"
	parse := func(check string) string {
		return "package calc\n\nimport \"strings\"\n\n// First returns the first word of *p.\nfunc First(p *string) string {\n" + check + "\treturn strings.Fields(*p)[0]\n}\n"
	}
	r.Write("calc.go", calc("1", "helper"))
	r.Write("store.go", store("Save writes s.", bare))
	r.Write("parse.go", parse(""))
	r.Write("README.md", "# calc\n\nA calculater.\n")
	r.Commit("initial")
	r.Write("calc.go", calc("0", "helper"))
	r.Commit("calc: fix off-by-one in Sum")
	r.Write("store.go", store("Save writes s.", checked))
	r.Commit("store: handle the error of Flush\n\nA failed flush was ignored; this was a bug.")
	r.Write("README.md", "# calc\n\nA calculator.\n")
	r.Commit("docs: fix typo in README")
	r.Write("parse.go", parse("\tif p == nil {\n\t\treturn \"\"\n\t}\n"))
	r.Commit("parse: fix nil dereference in First")
	r.Write("token.go", "package calc\n\n"+difftest.Lines("// token", 58))
	r.Commit("fix: rewrite the tokenizer")
	r.Write("mean.go", "package calc\n\nfunc Mean(xs []int) int { return Sum(xs) / len(xs) }\n")
	r.Commit("calc: add Mean")
	r.Write("calc.go", calc("0", "double"))
	r.Commit("refactor: rename helper to double")
	r.Write("store.go", store("Save writes s and flushes w.", checked))
	r.Commit("chore: tidy comments in store.go")
	return r
}

func reply(findings ...string) string {
	return `{"summary":"s","findings":[` + strings.Join(findings, ",") + `],"strengths":[],"concerns":[],"untested":[],"docs":[]}`
}

func finding(file string, line int, quote, sev, title string) string {
	b, _ := json.Marshal(map[string]any{"file": file, "line": line, "quote": quote, "severity": sev, "category": "bug", "title": title, "explanation": title + "."})
	return string(b)
}

// script is the fake panel: it recognises each case by code only that
// case's diff shows.
func script(model, prompt string) string {
	switch {
	case strings.Contains(prompt, "for i := 1; i < len(xs); i++"):
		sev := "important"
		if model == llama {
			sev = "critical"
		}
		return reply(finding("calc.go", 6, "for i := 1; i < len(xs); i++ {", sev, "Loop skips the first element"))
	case strings.Contains(prompt, "w.Flush()\n") && model == qwen:
		return reply(finding("store.go", 10, "w.Flush()", "important", "Error from Flush is ignored"))
	case strings.Contains(prompt, "file: parse.go") && model == llama:
		return reply(finding("parse.go", 0, "", "important", "Possible nil pointer dereference"))
	case strings.Contains(prompt, "func double(x int) int") && model == llama:
		return reply(finding("calc.go", 25, "func double(x int) int {", "important", "Renamed function breaks callers"))
	}
	return ollamatest.DefaultReply
}

type env struct {
	t     *testing.T
	repo  *difftest.Repo
	srv   *ollamatest.Server
	cache string
	wd    string // where the command runs; "" is the repository's root
}

func newEnv(t *testing.T, reply func(model, prompt string) string) *env {
	return &env{t: t, repo: history(t), srv: ollamatest.New(t, ollamatest.Config{Reply: reply}), cache: t.TempDir()}
}

type result struct {
	code           int
	stdout, stderr string
}

func (e *env) run(ctx context.Context, args ...string) result {
	e.t.Helper()
	wd := e.wd
	if wd == "" {
		wd = e.repo.Dir
	}
	f, out, errOut := cmdtest.NewFactory(wd, map[string]string{
		"OLLAMA_HOST":      e.srv.Host,
		"QUORUM_CACHE_DIR": e.cache,
		"HOME":             e.repo.Home,
		"XDG_CONFIG_HOME":  filepath.Join(e.repo.Home, ".config"),
	})
	f.Now = func() time.Time { return time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC) }
	cmd := NewCmdEval(f, func(o *EvalOptions) error {
		o.Busy = ollama.BackoffPolicy{Attempts: 2, Initial: time.Millisecond, Max: time.Millisecond}
		return evalRun(o)
	})
	code := cmdtest.Execute(ctx, cmd, f.IOStreams, args)
	return result{code, out.String(), errOut.String()}
}

func decode(t *testing.T, r result) eval.Result {
	t.Helper()
	var res eval.Result
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
	}
	if res.Schema != "quorum.eval/v1" {
		t.Fatalf("schema %q", res.Schema)
	}
	return res
}

// state is everything of the repository a user could lose: work tree
// files, the index, refs, HEAD, the stash.
func state(t *testing.T, r *difftest.Repo) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(r.Git("status", "--porcelain=v2", "--branch", "--untracked-files=all"))
	b.WriteString(r.Git("for-each-ref"))
	b.WriteString(r.Git("rev-parse", "HEAD"))
	b.WriteString(r.Git("stash", "list"))
	b.WriteString(r.Git("worktree", "list", "--porcelain"))
	for _, p := range []string{".git/index", "calc.go", "store.go", "notes.txt"} {
		data, err := os.ReadFile(filepath.Join(r.Dir, p))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		b.WriteString(p + " " + hex.EncodeToString(sum[:]) + "\n")
	}
	entries, err := os.ReadDir(filepath.Join(r.Dir, ".git"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "quorum" { // quorum's own reports dir (eval saves none)
			b.WriteString(e.Name() + "\n")
		}
	}
	return b.String()
}

// dirty leaves uncommitted work a careless eval would lose: a staged
// change, an unstaged one and an untracked file.
func dirty(r *difftest.Repo) {
	r.Write("calc.go", "package calc\n// staged\n")
	r.Git("add", "calc.go")
	r.Write("calc.go", "package calc\n// staged\n// and unstaged\n")
	r.Write("store.go", "package calc\n// unstaged\n")
	r.Write("notes.txt", "untracked\n")
}

func rule(t *testing.T, res eval.Result, panel string, k int, failOn string) eval.Rule {
	t.Helper()
	for _, r := range res.Rules {
		if strings.Join(r.Panel, ",") == panel && r.MinAgreement == k && r.FailOn == failOn {
			return r
		}
	}
	t.Fatalf("no rule %s %d %s", panel, k, failOn)
	return eval.Rule{}
}

func model(t *testing.T, res eval.Result, name string) eval.ModelScore {
	t.Helper()
	for _, m := range res.Models {
		if m.Name == name {
			return m
		}
	}
	t.Fatalf("no model %s", name)
	return eval.ModelScore{}
}

var panelArgs = []string{"--models", qwen + "," + llama, "--cases", "10"}

// TestEvalScores runs the planted history against the scripted panel and
// checks every figure against the hand count in history's comment.
func TestEvalScores(t *testing.T) {
	t.Parallel()
	e := newEnv(t, script)
	dirty(e.repo)
	before := state(t, e.repo)
	r := e.run(context.Background(), append(panelArgs, "--format", "json")...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if after := state(t, e.repo); after != before {
		t.Fatalf("eval changed the repository:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	res := decode(t, r)
	if res.Counts != (eval.Counts{Bug: 3, Clean: 2, Skipped: 2}) {
		t.Fatalf("counts %+v, skipped %+v", res.Counts, res.Skipped)
	}
	reasons := []string{}
	for _, s := range res.Skipped {
		reasons = append(reasons, s.Subject+": "+s.Reason)
	}
	if got := strings.Join(reasons, "|"); !strings.Contains(got, "docs: fix typo in README: "+eval.SkipNoCode) || !strings.Contains(got, "fix: rewrite the tokenizer: too many changed lines (60 > 40)") {
		t.Errorf("skipped: %s", got)
	}
	subjects := map[string]eval.CaseResult{}
	for _, c := range res.Cases {
		subjects[c.Subject] = c
	}
	if c := subjects["calc: fix off-by-one in Sum"]; c.Kind != "bug" || strings.Join(c.Found, ",") != llama+","+qwen || len(c.Truth["calc.go"]) != 1 || c.Truth["calc.go"][0] != 6 {
		t.Errorf("bug1: %+v", c)
	}
	if c := subjects["refactor: rename helper to double"]; c.Kind != "clean" || strings.Join(c.Flagged, ",") != llama {
		t.Errorf("clean1: %+v", c)
	}

	// Per model, findings at or above important:
	// qwen finds bug1 and bug2 (2 of 3), both findings hit (2/2), nothing on clean cases (0 of 2).
	// llama finds bug1 (1 of 3); its bug3 finding is file-level, no hit (1/2); 1 finding on 2 clean cases.
	q, l := model(t, res, qwen), model(t, res, llama)
	if q.Found != 2 || q.Bugs != 3 || q.Recall != 0.6667 || q.Hits != 2 || q.BugFindings != 2 || q.Precision != 1 || q.CleanFindings != 0 || q.FindingsPerCleanCase != 0 {
		t.Errorf("qwen: %+v", q)
	}
	if l.Found != 1 || l.Recall != 0.3333 || l.Hits != 1 || l.BugFindings != 2 || l.Precision != 0.5 || l.CleanFindings != 1 || l.Clean != 2 || l.FindingsPerCleanCase != 0.5 {
		t.Errorf("llama: %+v", l)
	}
	if q.Digest == "" || q.Model != qwen || q.Requests == 0 {
		t.Errorf("qwen metadata: %+v", q)
	}

	// Rules of the whole panel. bug1 is one finding of both (critical by
	// upper median, support 2); bug2 qwen's (important, support 1); bug3's
	// unquoted finding has support ½ and never blocks; clean1 llama's
	// (important, support 1).
	both := llama + "," + qwen
	for _, tc := range []struct {
		panel                      string
		k                          int
		failOn                     string
		found, bugBlocked, cleanBl int
	}{
		{both, 1, "critical", 1, 1, 0},
		{both, 1, "important", 2, 2, 1},
		{both, 1, "suggestion", 2, 2, 1},
		{both, 2, "critical", 1, 1, 0},
		{both, 2, "important", 1, 1, 0},
		{qwen, 1, "critical", 0, 0, 0},
		{qwen, 1, "important", 2, 2, 0},
		{llama, 1, "critical", 1, 1, 0},
		{llama, 1, "important", 1, 1, 1},
	} {
		got := rule(t, res, tc.panel, tc.k, tc.failOn)
		if got.Found != tc.found || got.BugBlocked != tc.bugBlocked || got.CleanBlocked != tc.cleanBl {
			t.Errorf("%s %d-of %s: found %d, bug blocked %d, clean blocked %d; want %d, %d, %d", tc.panel, tc.k, tc.failOn, got.Found, got.BugBlocked, got.CleanBlocked, tc.found, tc.bugBlocked, tc.cleanBl)
		}
	}
	if got := rule(t, res, both, 1, "important"); got.Recall != 0.6667 || got.BugBlockRate != 0.6667 || got.CleanBlockRate != 0.5 {
		t.Errorf("rates: %+v", got)
	}
	if len(res.Rules) != (2+1+1)*3 { // {both}: k=1,2; each alone: k=1; three thresholds each
		t.Errorf("%d rules", len(res.Rules))
	}
	// Within a 10% clean block rate, qwen alone at important finds the most.
	rec := res.Recommendation
	if rec == nil || strings.Join(rec.Panel, ",") != qwen || rec.MinAgreement != 1 || rec.FailOn != "important" || rec.Found != 2 || rec.CleanBlocked != 0 {
		t.Fatalf("recommendation %+v (%s)", rec, res.NoRecommendation)
	}
	if !strings.Contains(r.stderr, "quorum: eval: case 1/5:") || !strings.Contains(r.stderr, "quorum: eval: case 5/5:") {
		t.Errorf("no progress on stderr:\n%s", r.stderr)
	}

	// The same cases again: every answer from the cache, the same scores.
	calls := e.srv.ModelCalls()
	again := e.run(context.Background(), append(panelArgs, "--format", "json", "-q")...)
	if again.code != 0 || e.srv.ModelCalls() != calls {
		t.Fatalf("second run: exit %d, %d model calls\n%s", again.code, e.srv.ModelCalls()-calls, again.stderr)
	}
	res2 := decode(t, again)
	if res2.Recommendation == nil || res2.Recommendation.Text != rec.Text || len(res2.Rules) != len(res.Rules) {
		t.Errorf("second run differs: %+v", res2.Recommendation)
	}
	// Its cost is what the answers cost when they were asked.
	if m := model(t, res2, qwen); m.Requests != 0 || m.CacheHits != 5 || q.TokensIn == 0 || m.TokensIn != q.TokensIn || m.TokensOut != q.TokensOut || m.WallS != q.WallS {
		t.Errorf("second run qwen: %+v; first %+v", m, q)
	}
	// Re-scoring with another rule is also free.
	md := e.run(context.Background(), append(panelArgs, "--format", "markdown", "--severity", "critical", "--max-clean-block-rate", "0.5", "-q")...)
	if md.code != 0 || e.srv.ModelCalls() != calls || !strings.Contains(md.stdout, "| model | recall |") || !strings.Contains(md.stdout, "proxy") {
		t.Errorf("markdown: exit %d, %d calls\n%s\n%s", md.code, e.srv.ModelCalls()-calls, md.stdout, md.stderr)
	}
	txt := e.run(context.Background(), append(panelArgs, "-q")...)
	if txt.code != 0 || !strings.Contains(txt.stdout, "Recommendation: --models "+qwen+" --min-agreement 1 --fail-on important: recall 2/3 (67%), clean block rate 0/2 (0%, limit 10%)") {
		t.Errorf("text:\n%s\n%s", txt.stdout, txt.stderr)
	}
	if after := state(t, e.repo); after != before {
		t.Fatalf("eval changed the repository")
	}
}

// TestEvalSampleIsDeterministic: --cases N with one seed picks the same
// cases each time, ceil(N/2) of them bugs.
func TestEvalSampleIsDeterministic(t *testing.T) {
	t.Parallel()
	e := newEnv(t, script)
	pick := func(seed string) string {
		r := e.run(context.Background(), "--models", qwen, "--cases", "3", "--seed", seed, "--format", "json", "-q")
		if r.code != 0 {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
		res := decode(t, r)
		if res.Counts.Bug != 2 || res.Counts.Clean != 1 {
			t.Fatalf("counts %+v", res.Counts)
		}
		var ids []string
		for _, c := range res.Cases {
			ids = append(ids, c.ID)
		}
		return strings.Join(ids, ",")
	}
	if a, b := pick("7"), pick("7"); a != b {
		t.Fatalf("seed 7 picked %s, then %s", a, b)
	}
	// --since keeps the last three commits (the fixture's clock ticks a
	// second a commit from 10:00:00): the two clean ones, no bug.
	r := e.run(context.Background(), "--models", qwen, "--since", "2024-01-01T10:00:07Z", "-q")
	if r.code != 0 || !strings.Contains(r.stdout, "0 bug cases, 2 clean cases, 0 commits skipped") ||
		!strings.Contains(r.stdout, "No recommendation: no bug case was scored: nothing to measure recall on.") ||
		!strings.Contains(r.stderr, "quorum: eval: 2 cases of the 20 asked (0 bug, 2 clean): no more qualify (0 fix commits, 2 clean ones, 0 skipped); a commit counts as clean only with --clean-window (20) commits after it\n") {
		t.Fatalf("--since: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// TestEvalInterrupted: Ctrl-C mid-eval exits 2 with a hint, leaves the
// repository as it was, keeps the answers; the next run resumes.
func TestEvalInterrupted(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	asked := 0
	e := newEnv(t, func(model, prompt string) string {
		mu.Lock()
		defer mu.Unlock()
		if strings.Contains(prompt, "file: ") {
			if asked++; asked == 3 {
				cancel() // the user presses Ctrl-C while the second case is reviewed
			}
		}
		return script(model, prompt)
	})
	dirty(e.repo)
	before := state(t, e.repo)
	r := e.run(ctx, append(panelArgs, "--format", "json")...)
	if r.code != exitcode.Setup || !strings.Contains(r.stderr, "error: eval interrupted after ") ||
		!strings.Contains(r.stderr, "hint: run the same command again to resume: answered cases come from the cache") || r.stdout != "" {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if after := state(t, e.repo); after != before {
		t.Fatalf("an interrupted eval changed the repository:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	first := e.srv.ModelCalls()
	res := decode(t, e.run(context.Background(), append(panelArgs, "--format", "json", "-q")...))
	resumed := e.srv.ModelCalls() - first
	// A full eval asks each of the 2 models about 5 cases (plus one
	// tokenizer probe each, cached too); the resumed run asks only what the
	// first did not finish.
	q := model(t, res, qwen)
	l := model(t, res, llama)
	if q.CacheHits+l.CacheHits < 2 || resumed > 8 || q.Found != 2 || l.Found != 1 {
		t.Fatalf("resume: %d calls, qwen %+v, llama %+v", resumed, q, l)
	}
	if after := state(t, e.repo); after != before {
		t.Fatalf("eval changed the repository")
	}
	// With --no-cache nothing is kept, and the messages say so.
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	mu.Lock() // the first run's handlers may still be finishing
	asked, cancel = 0, cancel2
	mu.Unlock()
	r = e.run(ctx2, append(panelArgs, "--format", "json", "--no-cache")...)
	if r.code != exitcode.Setup || !strings.Contains(r.stderr, "; nothing is cached, so no answer is kept\n") ||
		!strings.Contains(r.stderr, "hint: run the same command again: it starts over") || strings.Contains(r.stderr, "come from the cache") {
		t.Fatalf("--no-cache: exit %d\nstderr:\n%s", r.code, r.stderr)
	}
}

// ---- errors: message, hint, exit code ----

func parse(t *testing.T, args ...string) error {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	cmd := NewCmdEval(&cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }}, func(*EvalOptions) error { return nil })
	cmd.SetArgs(append([]string{}, args...))
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	_, err := cmd.ExecuteC()
	return err
}

func TestFlagErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args      []string
		msg, hint string
	}{
		{[]string{"--format", "sarif"}, `unknown format "sarif"`, "use --format text, markdown or json"},
		{[]string{"--cases", "0"}, "--cases must be at least 1, got 0", "give --cases a positive number"},
		{[]string{"--max-lines", "-1"}, "--max-lines must be at least 1, got -1", "give --max-lines a positive number"},
		{[]string{"--window", "-2"}, "--window cannot be negative, got -2", "give --window a number of lines, 0 or more"},
		{[]string{"--severity", "none"}, `unknown severity "none"`, "use --severity critical, important or suggestion"},
		{[]string{"--max-clean-block-rate", "10"}, "--max-clean-block-rate 10 is not between 0 and 1", "give --max-clean-block-rate a fraction between 0 and 1, like 0.1"},
		{[]string{"extra"}, `unexpected argument "extra"`, "run 'eval --help' for usage"},
	} {
		err := parse(t, tc.args...)
		if err == nil || err.Error() != tc.msg || exitcode.HintOf(err) != tc.hint || exitcode.Of(err) != exitcode.Setup {
			t.Errorf("%v: err=%v hint=%q code=%d", tc.args, err, exitcode.HintOf(err), exitcode.Of(err))
		}
	}
}

func TestRunErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, script)
	for _, tc := range []struct {
		args      []string
		msg, hint string
	}{
		{[]string{"--fix-pattern", "(", "--models", qwen}, "flag --fix-pattern: eval.fix_pattern: \"(\" is not a valid regular expression: error parsing regexp: missing closing ): `(`", "fix the regular expression (Go syntax, like (?i)\\bfix\\b)"},
		{[]string{"--paths", "nowhere/", "--models", qwen}, "no case found in the history: 0 fix commits and 0 clean commits qualify, 7 were skipped",
			"widen --since or --paths, raise --max-files or --max-lines, or adjust --fix-pattern and --clean-pattern; a commit counts as clean only with --clean-window (20) commits after it, so a short history needs a smaller one"},
		{[]string{"--rev", "no-such-branch", "--models", qwen}, "cannot read the history: fatal: bad revision 'no-such-branch'\n", "check that --rev names a commit and --since a date git understands (git log --since)"},
		{[]string{"--paths", "/abs/calc.go", "--models", qwen}, `--paths "/abs/calc.go" is not under the repository at `, "give --paths inside the repository, relative to the current directory (as git does) or absolute"},
		{[]string{"--paths", "ok,../calc.go", "--models", qwen}, `--paths "../calc.go" is not under the repository at `, "give --paths inside the repository, relative to the current directory (as git does) or absolute"},
		{[]string{"--paths", "calc.go,", "--models", qwen}, "--paths has an empty entry", "give --paths inside the repository, relative to the current directory (as git does) or absolute"},
		{[]string{"--paths", ".git/hooks", "--models", qwen}, `--paths ".git/hooks" is inside .git, which holds no reviewed file`, "give --paths inside the repository, relative to the current directory (as git does) or absolute"},
		{[]string{"--since", "garbage", "--models", qwen}, `--since "garbage": git reads it as now, which selects no commits`, "give a date or a span git understands, like 2026-01-01 or '3 months ago'"},
		{[]string{"--models", "absent:1b"}, "absent:1b is not installed: an eval cannot score it", "ollama pull absent:1b, or leave it out of --models"},
		{[]string{"--models", "nomic-embed-text"}, "nomic-embed-text is an embedding model (family nomic-bert): it cannot chat, so it cannot review", "name a chat model in --models"},
	} {
		r := e.run(context.Background(), tc.args...)
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		last2 := lines[max(0, len(lines)-2):]
		if r.code != exitcode.Setup || len(last2) != 2 || !strings.HasPrefix(last2[0]+"\n", "error: "+tc.msg) || !strings.HasPrefix(last2[1], "hint: "+tc.hint) {
			t.Errorf("%v: exit %d\n%s", tc.args, r.code, r.stderr)
		}
	}
}

// TestPathsAreReadAsGitReadsThem: an absolute --paths inside the
// work tree (as a shell completes it) means its repository-relative path.
func TestPathsAreReadAsGitReadsThem(t *testing.T) {
	t.Parallel()
	e := newEnv(t, script)
	rel := decode(t, e.run(context.Background(), "--models", qwen, "--format", "json", "-q", "--paths", "calc.go"))
	// Through a symlink to the checkout, and naming a directory the
	// checkout no longer has (eval reads history): still inside.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(e.repo.Dir, link); err != nil {
		t.Fatal(err)
	}
	abs := decode(t, e.run(context.Background(), "--models", qwen, "--format", "json", "-q", "--paths", filepath.Join(link, "calc.go")+","+filepath.Join(link, "gone", "dir")))
	if rel.Counts != abs.Counts || len(rel.Cases) == 0 || len(rel.Cases) != len(abs.Cases) {
		t.Fatalf("relative %+v, absolute %+v", rel.Counts, abs.Counts)
	}
	// From a subdirectory, a relative path is read from there, as git does.
	e.wd = filepath.Join(e.repo.Dir, "sub")
	if err := os.Mkdir(e.wd, 0o755); err != nil {
		t.Fatal(err)
	}
	up := decode(t, e.run(context.Background(), "--models", qwen, "--format", "json", "-q", "--paths", "../calc.go"))
	if up.Counts != rel.Counts || len(up.Cases) != len(rel.Cases) {
		t.Fatalf("from sub/, ../calc.go: %+v, want %+v", up.Counts, rel.Counts)
	}
	here := e.run(context.Background(), "--models", qwen, "--format", "json", "-q", "--paths", ".")
	if here.code != exitcode.Setup || !strings.Contains(here.stderr, "error: no case found in the history") {
		t.Fatalf("from sub/, . is sub/, which no commit touched: exit %d\n%s", here.code, here.stderr)
	}
}

// An unborn HEAD is named as such, not as git log's "bad revision".
func TestNoCommitsYet(t *testing.T) {
	t.Parallel()
	e := newEnv(t, script)
	e.repo = difftest.New(t)
	r := e.run(context.Background(), "--models", qwen)
	if r.code != exitcode.Setup || r.stderr != "error: the repository has no commits yet\nhint: make some commits first: eval builds its cases from the history's fix commits\n" {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	e.repo = history(t)
	e.repo.Git("checkout", "-q", "--orphan", "fresh")
	r = e.run(context.Background(), "--models", qwen)
	if r.code != exitcode.Setup || r.stderr != "error: branch fresh has no commits yet\nhint: pass --rev with a branch that has commits, or check one out\n" {
		t.Fatalf("orphan: exit %d\n%s", r.code, r.stderr)
	}
}

// TestUncachableAnswersAreNamed: eval's scores stand when the cache cannot
// be written, and a warning with its hint says the next run asks again.
func TestUncachableAnswersAreNamed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, script)
	e.cache = filepath.Join(e.cache, "file")
	if err := os.WriteFile(e.cache, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := e.run(context.Background(), "--models", qwen, "--format", "json", "-q", "--cases", "5")
	decode(t, r)
	want := "\nhint: make " + e.cache + " a writable directory, point QUORUM_CACHE_DIR at one, or turn the cache off (--no-cache; for the hook, cache: false in .quorum.yaml or QUORUM_CACHE=false)\n"
	if r.code != exitcode.OK || !strings.HasPrefix(r.stderr, "quorum: warning: cache not written, so new answers are not kept for the next review: write cache: ") || !strings.HasSuffix(r.stderr, want) {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
}

// TestEvalConfig: the eval: section of .quorum.yaml sets the caps; a bad
// value names the file and line.
func TestEvalConfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t, script)
	e.repo.Write(".quorum.yaml", "eval:\n  fix_pattern: '^calc: fix'\n  cases: 10\n")
	r := e.run(context.Background(), "--models", qwen, "--format", "json", "-q")
	res := decode(t, r)
	if res.Counts != (eval.Counts{Bug: 1, Clean: 2, Skipped: 0}) || res.Cases[0].Subject != "calc: fix off-by-one in Sum" {
		t.Fatalf("counts %+v %+v", res.Counts, res.Skipped)
	}
	e.repo.Write(".quorum.yaml", "eval:\n  max_clean_block_rate: 2\n")
	r = e.run(context.Background(), "--models", qwen)
	if r.code != exitcode.Setup || !strings.Contains(r.stderr, "error: .quorum.yaml:2: eval.max_clean_block_rate: \"2\" is not a fraction between 0 and 1") ||
		!strings.Contains(r.stderr, "hint: give a fraction between 0 and 1, like 0.1") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
}

// TestDefaultsAgree: the flags' defaults are the config's.
func TestDefaultsAgree(t *testing.T) {
	d := config.DefaultEval()
	if d.Cases != eval.DefaultCases || d.FixPattern != eval.DefaultFixPattern || d.CleanPattern != eval.DefaultCleanPattern ||
		d.MaxFiles != eval.DefaultMaxFiles || d.MaxLines != eval.DefaultMaxLines || d.CleanWindow != eval.DefaultCleanWindow ||
		d.Window != eval.DefaultWindow || d.MaxCleanBlockRate != eval.DefaultMaxCleanBlockRate {
		t.Fatalf("config %+v", d)
	}
}

// TestSetupErrors: outside a repository, and Ctrl-C before any model call.
func TestSetupErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, script)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := e.run(ctx, "--models", qwen)
	if r.code != exitcode.Setup || r.stderr != "error: eval interrupted while building its cases; no model was asked yet\nhint: run the same command again\n" {
		t.Errorf("interrupted early: exit %d\n%s", r.code, r.stderr)
	}
	if e.srv.ModelCalls() != 0 {
		t.Errorf("%d model calls", e.srv.ModelCalls())
	}
	e.repo.Dir = t.TempDir()
	r = e.run(context.Background(), "--models", qwen)
	if r.code != exitcode.Setup || r.stderr != "error: not a git repository: "+e.repo.Dir+"\nhint: run quorum inside a git work tree, or 'git init' one\n" {
		t.Errorf("not a repository: exit %d\n%s", r.code, r.stderr)
	}
}

// One model under two names is refused before any case is asked, as in a
// review: its two "reviewers" would agree with themselves.
func TestOneModelUnderTwoNames(t *testing.T) {
	t.Parallel()
	e := newEnv(t, script)
	digest := "sha256:5b6c9c0d1e7b88aa0123456789abcdef0123456789abcdef0123456789abcdef"
	e.srv = ollamatest.New(t, ollamatest.Config{Reply: script, Models: []ollamatest.Model{
		{Name: "coder:latest", Family: "qwen2", ContextLength: 32768, Capabilities: []string{"completion"}, Digest: digest},
		{Name: "coder-copy:latest", Family: "qwen2", ContextLength: 32768, Capabilities: []string{"completion"}, Digest: digest},
	}})
	r := e.run(context.Background(), "--models", "coder,coder-copy")
	want := "error: coder and coder-copy are one model (ID 5b6c9c0d1e7b): as two reviewers they would agree with themselves\n" +
		"hint: list the model once in --models (or models: in .quorum.yaml); 'ollama list' shows each name's ID\n"
	if r.code != exitcode.Setup || !strings.HasSuffix(r.stderr, want) || e.srv.ModelCalls() != 0 {
		t.Fatalf("exit %d, %d model calls, stderr:\n%s\nwant ending:\n%s", r.code, e.srv.ModelCalls(), r.stderr, want)
	}
}

// TestEvalRefusesAMissingModel: a model that is not installed would be
// scored as if it had missed every bug ("recall 0%"): the eval stops
// before any case is asked (exit 2), naming it and the pull.
func TestEvalRefusesAMissingModel(t *testing.T) {
	t.Parallel()
	e := newEnv(t, script)
	dirty(e.repo)
	r := e.run(context.Background(), "--cases", "4", "--models", qwen+",nosuch:1b")
	if r.code != exitcode.Setup || !strings.Contains(r.stderr, "error: nosuch:1b is not installed: an eval cannot score it\n") ||
		!strings.Contains(r.stderr, "hint: ollama pull nosuch:1b, or leave it out of --models") || r.stdout != "" {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if n := e.srv.ModelCalls(); n != 0 {
		t.Errorf("%d model calls before refusing", n)
	}
	// A typo of an installed model says which, as a review does.
	r = e.run(context.Background(), "--cases", "4", "--models", "qwen2.5-codr:7b")
	want := "error: qwen2.5-codr:7b is not installed: an eval cannot score it\n" +
		"hint: did you mean qwen2.5-coder:7b instead of qwen2.5-codr:7b? ('quorum models' lists the installed models); else ollama pull qwen2.5-codr:7b, or leave it out of --models\n"
	if r.code != exitcode.Setup || !strings.HasSuffix(r.stderr, want) {
		t.Fatalf("typo: exit %d\nstderr:\n%s\nwant ending:\n%s", r.code, r.stderr, want)
	}
}
