package reviewcmd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/diff/difftest"
	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/review"
)

// ---- flag parsing (runF) ----

func parse(t *testing.T, args ...string) (*ReviewOptions, error) {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	var got *ReviewOptions
	cmd := NewCmdReview(&cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }}, func(o *ReviewOptions) error { got = o; return nil })
	// A nil slice would make cobra read os.Args, which hold go test's flags.
	cmd.SetArgs(append([]string{}, args...))
	cmd.SetOut(ios.Out)
	cmd.SetErr(ios.ErrOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	_, err := cmd.ExecuteC()
	return got, err
}

func TestFlagDefaults(t *testing.T) {
	o, err := parse(t)
	if err != nil {
		t.Fatal(err)
	}
	if o.MaxContext != 16384 || o.Parallel != 1 || o.ConcurrentModels != 1 || o.Format != "text" || o.Raw || o.Quiet || o.NoCache || o.RequestTimeout != DefaultRequestTimeout || len(o.Models) != 0 {
		t.Fatalf("%+v", o)
	}
}

func TestFlags(t *testing.T) {
	o, err := parse(t, "--models", "a:7b,b", "--max-context", "8192", "--parallel", "2", "--concurrent-models", "3",
		"--no-cache", "-q", "--raw", "--format", "json", "--ollama-host", "127.0.0.1:9", "--allow-remote",
		"--timeout", "5m", "--request-timeout", "30s", "--base", "origin/main", "--ignore", "*.pb.go", "--ignore", "gen/**")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(o.Models, "|") != "a:7b|b" || o.MaxContext != 8192 || o.Parallel != 2 || o.ConcurrentModels != 3 ||
		!o.NoCache || !o.Quiet || !o.Raw || o.Format != "json" || o.Host != "127.0.0.1:9" || !o.AllowRemote ||
		o.Timeout != 5*time.Minute || o.RequestTimeout != 30*time.Second || o.Diff.Base != "origin/main" || strings.Join(o.Diff.Ignore, "|") != "*.pb.go|gen/**" {
		t.Fatalf("%+v", o)
	}
}

// TestServerFlags: --api and --host choose the server; --ollama-host is
// --host's alias.
func TestServerFlags(t *testing.T) {
	o, err := parse(t, "--api", "openai", "--host", "http://127.0.0.1:8080/v1")
	if err != nil || o.API != "openai" || o.Host != "http://127.0.0.1:8080/v1" {
		t.Fatalf("%v %+v", err, o)
	}
}

func TestFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args      []string
		msg, hint string
	}{
		{[]string{"--format", "xml"}, `unknown format "xml"`, "use --format text, markdown, json, sarif or rdjsonl"},
		{[]string{"--raw", "--format", "sarif"}, `unknown raw format "sarif"`, "use --format text or --format json with --raw"},
		{[]string{"--min-agreement", "0"}, "--min-agreement must be at least 1, got 0", "give --min-agreement a positive number"},
		{[]string{"--parallel", "0"}, "--parallel must be at least 1, got 0", "give --parallel a positive number"},
		{[]string{"--max-context", "100"}, "--max-context 100 is too small to hold a prompt", "give --max-context at least 512 tokens"},
		{[]string{"--timeout", "-1s"}, "timeouts cannot be negative", "give a positive duration like 10m"},
	} {
		_, err := parse(t, tc.args...)
		if err == nil || err.Error() != tc.msg || exitcode.HintOf(err) != tc.hint || exitcode.Of(err) != exitcode.Setup {
			t.Errorf("%v: err=%v hint=%q code=%d", tc.args, err, exitcode.HintOf(err), exitcode.Of(err))
		}
	}
}

// ---- end to end against the fake server ----

// repo makes a repository whose branch "feature" changes two Go files.
func repo(t *testing.T) *difftest.Repo {
	r := difftest.New(t)
	r.Write("calc.go", "package calc\n\nfunc Double(n int) int {\n\treturn n * 2\n}\n")
	r.Write("AGENTS.md", "Errors are wrapped with %w.\n")
	r.Commit("initial")
	r.Git("checkout", "-q", "-b", "feature")
	r.Write("calc.go", "package calc\n\nfunc Double(n int) int {\n\treturn n * 3\n}\n\nfunc Half(n int) int {\n\treturn n / 2\n}\n")
	r.Write("util.go", "package calc\n\nfunc Zero() int { return 0 }\n")
	r.Commit("calc: add Half, fix Double")
	return r
}

type result struct {
	code           int
	stdout, stderr string
}

type env struct {
	t     *testing.T
	repo  *difftest.Repo
	srv   *ollamatest.Server
	cache string
	vars  map[string]string
}

func newEnv(t *testing.T, cfg ollamatest.Config) *env {
	return &env{t: t, repo: repo(t), srv: ollamatest.New(t, cfg), cache: t.TempDir(), vars: map[string]string{}}
}

func (e *env) run(ctx context.Context, args ...string) result {
	e.t.Helper()
	vars := map[string]string{
		"OLLAMA_HOST":      e.srv.Host,
		"QUORUM_CACHE_DIR": e.cache,
		"HOME":             filepath.Join(e.repo.Home),
		"XDG_CONFIG_HOME":  filepath.Join(e.repo.Home, ".config"),
	}
	for k, v := range e.vars {
		vars[k] = v
	}
	f, out, errOut := cmdtest.NewFactory(e.repo.Dir, vars)
	f.Now = time.Now
	cmd := NewCmdReview(f, func(o *ReviewOptions) error {
		o.Busy = ollama.BackoffPolicy{Attempts: 2, Initial: time.Millisecond, Max: time.Millisecond}
		return reviewRun(o)
	})
	code := cmdtest.Execute(ctx, cmd, f.IOStreams, args)
	return result{code, out.String(), errOut.String()}
}

func rawOf(t *testing.T, s string) review.Raw {
	t.Helper()
	var raw review.Raw
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		t.Fatalf("stdout is not raw JSON: %v\n%s", err, s)
	}
	return raw
}

func TestReviewDefaultPanelRawJSON(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	res := e.run(context.Background(), "--raw", "--format", "json")
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	raw := rawOf(t, res.stdout)
	var names []string
	for _, r := range raw.Results {
		names = append(names, r.Reviewer.Name)
		if r.Status != review.StatusOK || strings.Join(r.Covered, ",") != "calc.go,util.go" || len(r.Chunks) != 1 || r.Chunks[0].Answer == nil {
			t.Errorf("%s: %+v", r.Reviewer.Name, r)
		}
		if r.Metrics.PromptTokens == 0 || r.Metrics.EvalTokens == 0 || r.Digest == "" {
			t.Errorf("%s metrics: %+v", r.Reviewer.Name, r.Metrics)
		}
	}
	if strings.Join(names, ",") != "qwen2.5-coder:7b,gemma2:9b,llama3.1:8b" && len(names) != 3 {
		t.Fatalf("panel %v", names)
	}
	chats := e.srv.Chats()
	if len(chats) != 3 {
		t.Fatalf("%d chats", len(chats))
	}
	for _, c := range chats {
		if c.Options["temperature"] != float64(0) || c.Options["seed"] != float64(42) || c.Options["num_ctx"] == nil || c.Options["num_predict"] == nil {
			t.Errorf("%s options %v", c.Model, c.Options)
		}
		if len(c.Format) == 0 || c.KeepAlive == nil || *c.KeepAlive != 10*time.Minute {
			t.Errorf("%s: format or keep_alive missing", c.Model)
		}
		for _, want := range []string{"Errors are wrapped with %w.", "calc: add Half, fix Double", "4+\treturn n * 3", "QUORUM-"} {
			if !strings.Contains(c.Prompt, want) {
				t.Errorf("%s prompt lacks %q", c.Model, want)
			}
		}
	}
	if c := chats[0]; c.Options["num_ctx"] != float64(16384) {
		t.Errorf("num_ctx %v, want 16384 (max-context cap)", c.Options["num_ctx"])
	}
	// Progress went to stderr as plain lines.
	if !strings.Contains(res.stderr, "quorum: qwen2.5-coder:7b: ok, 1/1 chunks") {
		t.Errorf("stderr:\n%s", res.stderr)
	}
}

func TestWarmCacheMakesNoModelCall(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	if res := e.run(context.Background(), "--raw", "--format", "json", "-q"); res.code != 0 {
		t.Fatalf("first run: %d %s", res.code, res.stderr)
	}
	first, loads := e.srv.ModelCalls(), e.srv.Count("/api/generate")
	res := e.run(context.Background(), "--raw", "--format", "json", "-q")
	if res.code != 0 || res.stderr != "" {
		t.Fatalf("second run: %d %q", res.code, res.stderr)
	}
	if calls := e.srv.ModelCalls() - first; calls != 0 {
		t.Fatalf("warm run made %d model calls", calls)
	}
	// Not even a load: a cold server stays cold when every answer is cached.
	if n := e.srv.Count("/api/generate") - loads; n != 0 {
		t.Fatalf("warm run sent %d load requests", n)
	}
	for _, r := range rawOf(t, res.stdout).Results {
		if r.Metrics.CacheHits != 1 || !r.Chunks[0].Cached {
			t.Fatalf("%s not from cache: %+v", r.Reviewer.Name, r.Metrics)
		}
	}
	// --no-cache asks again.
	e.run(context.Background(), "-q", "--no-cache")
	if e.srv.ModelCalls() == first {
		t.Fatal("--no-cache was served from the cache")
	}
}

func TestTextOutputAndMissingModel(t *testing.T) {
	e := newEnv(t, ollamatest.Config{Reply: func(model, prompt string) string {
		return `{"summary":"Double changed.","findings":[{"file":"calc.go","line":4,"quote":"return n * 3","severity":"important","category":"bug","title":"Double triples","explanation":"n*3 is not double"}]}`
	}})
	res := e.run(context.Background(), "--models", "qwen2.5-coder:7b,nope:1b", "-q", "--raw")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	for _, want := range []string{
		"qwen2.5-coder:7b (qwen2.5-coder:7b): ok",
		"[important/bug] calc.go:4 Double triples",
		"nope:1b (nope:1b): missing: ",
		"hint: ollama pull nope:1b",
	} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, res.stdout)
		}
	}
}

// errorCase is a user-visible failure: exit code, error line and hint line.
type errorCase struct {
	name  string
	cfg   ollamatest.Config
	vars  map[string]string
	args  []string
	code  int
	error string // prefix of the "error: " line
	hint  string // prefix of the "hint: " line
}

func TestErrors(t *testing.T) {
	one := []string{"--models", "qwen2.5-coder:7b", "-q", "--raw", "--format", "json"}
	fault := func(k ollamatest.FaultKind, times int) ollamatest.Config {
		return ollamatest.Config{Faults: []ollamatest.Fault{{Kind: k, Times: times}}}
	}
	cases := []errorCase{
		{name: "500", cfg: fault(ollamatest.FaultServerError, 0), args: one, code: 2,
			error: "error: no reviewer could answer: chat with qwen2.5-coder:7b: ollama failed (500)", hint: "hint: the ollama server failed; check its log"},
		{name: "503", cfg: fault(ollamatest.FaultBusy, 0), args: one, code: 2,
			error: "error: no reviewer could answer: chat with qwen2.5-coder:7b: ollama is busy", hint: "hint: ollama's queue is full"},
		{name: "404", cfg: fault(ollamatest.FaultNotFound, 0), args: one, code: 2,
			error: `error: no reviewer could answer: model "qwen2.5-coder:7b" is not installed`, hint: "hint: ollama pull qwen2.5-coder:7b"},
		{name: "hang", cfg: fault(ollamatest.FaultHang, 0), args: append(one, "--request-timeout", "300ms"), code: 2,
			error: "error: no reviewer could answer: chat with qwen2.5-coder:7b: ollama did not answer in time", hint: "hint: raise --request-timeout (now 300ms), or check `ollama ps`"},
		{name: "invalid json", cfg: fault(ollamatest.FaultInvalidJSON, 0), args: one, code: 2,
			error: "error: no reviewer could answer: the model gave no usable answer: the answer", hint: "hint: the model could not give a valid review; try another model with --models"},
		{name: "length", cfg: fault(ollamatest.FaultLength, 0), args: one, code: 2,
			error: "error: no reviewer could answer: the model gave no usable answer: the answer was cut off at the 4096-token limit", hint: "hint: the answer ran past its token limit"},
		{name: "drop", cfg: fault(ollamatest.FaultDrop, 0), args: one, code: 2,
			error: "error: no reviewer could answer: chat with qwen2.5-coder:7b: ollama closed the", hint: "hint: the server closed the connection mid-answer"},
		{name: "unreachable", vars: map[string]string{"OLLAMA_HOST": "127.0.0.1:1"}, args: one, code: 2,
			error: "error: no reviewer could answer: cannot reach ollama at 127.0.0.1:1", hint: "hint: start the server with `ollama serve`"},
		{name: "unreachable default panel", vars: map[string]string{"OLLAMA_HOST": "127.0.0.1:1"}, args: []string{"-q"}, code: 2,
			error: "error: cannot reach ollama at 127.0.0.1:1", hint: "hint: start the server with `ollama serve`"},
		{name: "all missing", args: []string{"--models", "nope:1b,gone:2b", "-q"}, code: 2,
			error: `error: no reviewer could answer: model "nope:1b" is not installed`, hint: "hint: ollama pull nope:1b"},
		{name: "nothing installed", cfg: ollamatest.Config{Models: []ollamatest.Model{}}, args: []string{"-q"}, code: 2,
			error: "error: no model is installed in ollama; quorum needs at least one chat model", hint: "hint: ollama pull qwen2.5-coder:7b"},
		{name: "min agreement above the panel", args: []string{"--models", "qwen2.5-coder:7b,llama3.1:8b", "--min-agreement", "3", "-q"}, code: 2,
			error: "error: min agreement 3 needs more reviewers than the panel's 2: no finding could trip the gate", hint: "hint: lower --min-agreement (or review.min_agreement) to at most 2"},
		{name: "a missing model leaves the gate unmet", args: []string{"--models", "qwen2.5-coder:7b,nope:1b", "--min-agreement", "2", "-q"}, code: 2,
			error: "error: the gate was not applied: min agreement 2, but only 1 of 2 reviewers read the change", hint: "hint: pull or fix the models the verdict names"},
		{name: "remote host refused", args: []string{"-q", "--ollama-host", "http://10.20.30.40:11434"}, code: 2,
			error: "error: refusing to send code to non-loopback ollama host 10.20.30.40:11434", hint: "hint: use a loopback host (e.g. 127.0.0.1:11434) in --host (or QUORUM_HOST"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.cfg)
			for k, v := range tc.vars {
				e.vars[k] = v
			}
			start := time.Now()
			res := e.run(context.Background(), tc.args...)
			t.Logf("exit %d, stderr:\n%s", res.code, res.stderr)
			lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
			if res.code != tc.code || len(lines) < 2 || !strings.HasPrefix(lines[len(lines)-2], tc.error) || !strings.HasPrefix(lines[len(lines)-1], tc.hint) {
				t.Fatalf("exit %d (want %d)\nstderr:\n%s\nwant:\n%s\n%s", res.code, tc.code, res.stderr, tc.error, tc.hint)
			}
			// Every case fails fast; the slowest waits out the 300ms
			// --request-timeout of "hang". The bound catches a run that
			// waits out a fault instead (a hang lasts until the default
			// 10-minute request timeout), two orders of magnitude above
			// what any case takes, so machine load cannot trip it.
			if took := time.Since(start); took > time.Minute {
				t.Fatalf("took %s", took)
			}
			if tc.name == "remote host refused" && !strings.Contains(res.stderr, "10.20.30.40") {
				t.Fatalf("refusal does not name the host:\n%s", res.stderr)
			}
		})
	}
}

// Each fault hits one of two reviewers: the other still reports, exit 0.
// --request-timeout ends the hang and the stall; it also bounds the healthy
// reviewer's requests, which the fake answers at once, so it is set far above
// what they take even on a loaded machine (1s, against milliseconds).
func TestFaultOnOneReviewerDoesNotSinkRun(t *testing.T) {
	for _, k := range []ollamatest.FaultKind{ollamatest.FaultServerError, ollamatest.FaultNotFound, ollamatest.FaultHang,
		ollamatest.FaultInvalidJSON, ollamatest.FaultLength, ollamatest.FaultDrop, ollamatest.FaultBusy,
		ollamatest.FaultStall, ollamatest.FaultErrorLine, ollamatest.FaultGarbageLine} {
		t.Run(k.String(), func(t *testing.T) {
			e := newEnv(t, ollamatest.Config{Faults: []ollamatest.Fault{{Kind: k, Model: "llama3.1:8b"}}})
			res := e.run(context.Background(), "--models", "qwen2.5-coder:7b,llama3.1:8b", "-q", "--raw", "--format", "json", "--request-timeout", "1s")
			if res.code != 0 {
				t.Fatalf("exit %d: %s", res.code, res.stderr)
			}
			raw := rawOf(t, res.stdout)
			ok, bad := raw.Results[0], raw.Results[1]
			if ok.Status != review.StatusOK || bad.Status == review.StatusOK || bad.Error == "" {
				t.Fatalf("ok=%s bad=%s %q", ok.Status, bad.Status, bad.Error)
			}
			if k == ollamatest.FaultNotFound && (bad.Status != review.StatusMissing || bad.Hint != "ollama pull llama3.1:8b") {
				t.Fatalf("404: %+v", bad)
			}
			t.Logf("%s: %s: %s (hint: %s)", k, bad.Status, bad.Error, bad.Hint)
		})
	}
}

func TestRecoversFromOneInvalidAnswer(t *testing.T) {
	e := newEnv(t, ollamatest.Config{Faults: []ollamatest.Fault{{Kind: ollamatest.FaultInvalidJSON, Times: 1}}})
	res := e.run(context.Background(), "--models", "qwen2.5-coder:7b", "-q", "--raw", "--format", "json")
	if res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	r := rawOf(t, res.stdout).Results[0]
	if r.Status != review.StatusOK || r.Metrics.Retries != 1 || r.Metrics.Requests != 2 {
		t.Fatalf("%+v", r.Metrics)
	}
	chats := e.srv.Chats()
	if !strings.Contains(chats[1].Prompt, "Your previous answer could not be used") {
		t.Fatal("retry without a repair instruction")
	}
}

func TestCtrlCStopsWithinASecondAndKeepsFinished(t *testing.T) {
	// 2 models: the first answers at once; the second's first chat sends
	// half of its answer and then stalls until the client gives up. So the
	// cancel, sent once the second chat has begun, always lands while the
	// second chunk is running, whatever the machine's load.
	e := newEnv(t, ollamatest.Config{Faults: []ollamatest.Fault{{Kind: ollamatest.FaultStall, Model: "llama3.1:8b", Times: 1}}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	canceledAt := make(chan time.Time, 1)
	go func() {
		for e.srv.Count("/api/chat") < 2 && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		canceledAt <- time.Now()
		cancel()
	}()
	res := e.run(ctx, "--models", "qwen2.5-coder:7b,llama3.1:8b", "-q", "--raw", "--format", "json")
	var took time.Duration
	select {
	case at := <-canceledAt:
		took = time.Since(at)
	default:
		t.Fatalf("the run ended before the second chat: exit %d\n%s", res.code, res.stderr)
	}
	// The stall only ends at --request-timeout (10 minutes by default): a
	// run that did not stop on the cancel would take that long, far beyond
	// this bound. Stopping within a second is a timing promise a loaded
	// machine can miss; QUORUM_TIMING_TESTS=1 checks it too.
	if took > 30*time.Second || (os.Getenv("QUORUM_TIMING_TESTS") != "" && took > time.Second) {
		t.Fatalf("stopped %s after the cancel", took)
	}
	if res.code != 2 || !strings.Contains(res.stderr, "error: review interrupted; finished answers are kept") || !strings.Contains(res.stderr, "hint: run the review again") {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	raw := rawOf(t, res.stdout)
	if !raw.Interrupted || raw.Results[0].Status != review.StatusOK || raw.Results[1].Status != review.StatusFailed || !strings.HasPrefix(raw.Results[1].Error, "interrupted") {
		t.Fatalf("interrupted=%v %s %s %q", raw.Interrupted, raw.Results[0].Status, raw.Results[1].Status, raw.Results[1].Error)
	}
	// The finished reviewer's answer was cached: the rerun asks only the other.
	before := e.srv.ModelCalls()
	if res := e.run(context.Background(), "--models", "qwen2.5-coder:7b,llama3.1:8b", "-q"); res.code != 0 {
		t.Fatalf("rerun: %d %s", res.code, res.stderr)
	}
	if n := e.srv.ModelCalls() - before; n != 1 {
		t.Fatalf("rerun made %d calls, want 1", n)
	}
}

// TestCtrlCBeforeAnyAnswerKeepsNothing: interrupted before any model
// answered, the error does not promise kept answers there are none of.
func TestCtrlCBeforeAnyAnswerKeepsNothing(t *testing.T) {
	e := newEnv(t, ollamatest.Config{Faults: []ollamatest.Fault{{Kind: ollamatest.FaultStall, Model: "llama3.1:8b", Times: 1}}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for e.srv.Count("/api/chat") < 1 && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	res := e.run(ctx, "--models", "llama3.1:8b", "-q")
	if res.code != 2 || !strings.Contains(res.stderr, "error: review interrupted; no model had answered yet\n") ||
		!strings.Contains(res.stderr, "hint: run the review again to finish; nothing had finished, so it starts over") {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
}

func TestNothingToReview(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	e.repo.Git("checkout", "-q", "main")
	res := e.run(context.Background(), "--raw", "--format", "json")
	if res.code != 0 || !strings.Contains(res.stderr, "nothing to review") || e.srv.ModelCalls() != 0 {
		t.Fatalf("exit %d %s", res.code, res.stderr)
	}
	// A Markdown report (a PR description) says so instead of being empty;
	// the terminal text stays on stderr's one line.
	res = e.run(context.Background(), "--format", "markdown")
	if res.code != 0 || !strings.HasPrefix(res.stdout, "# quorum review") || !strings.Contains(res.stdout, "nothing to review") {
		t.Fatalf("markdown: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if res = e.run(context.Background()); res.code != 0 || res.stdout != "" {
		t.Fatalf("text: exit %d\n%s", res.code, res.stdout)
	}
}

func TestNotARepository(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	e.repo.Dir = t.TempDir()
	res := e.run(context.Background(), "-q")
	if res.code != 2 || !strings.Contains(res.stderr, "error: ") || !strings.Contains(res.stderr, "hint: ") {
		t.Fatalf("exit %d %s", res.code, res.stderr)
	}
}

// growingTimeouts are the --timeout values of a test whose deadline must fall
// after the first reviewer's answer. The fake gives that answer at once and
// never answers the second reviewer, so the first value is enough unless the
// machine is so loaded that the steps before the answer (git, the model list)
// outlast it; the test then runs again with the next, four times longer one.
// A run that keeps no answer at every value still fails.
var growingTimeouts = []time.Duration{500 * time.Millisecond, 2 * time.Second, 8 * time.Second, 32 * time.Second}

func TestWholeReviewTimeout(t *testing.T) {
	// llama's chat hangs until the client gives up: only the deadline ends it.
	e := newEnv(t, ollamatest.Config{Faults: []ollamatest.Fault{{Kind: ollamatest.FaultHang, Model: "llama3.1:8b"}}})
	for i, timeout := range growingTimeouts {
		start := time.Now()
		res := e.run(context.Background(), "--models", "qwen2.5-coder:7b,llama3.1:8b", "-q", "--raw", "--format", "json", "--timeout", timeout.String())
		// The hang would otherwise last until the 10-minute request timeout.
		if took := time.Since(start); took > timeout+30*time.Second {
			t.Fatalf("took %s with --timeout %s", took, timeout)
		}
		var raw review.Raw
		_ = json.Unmarshal([]byte(res.stdout), &raw)
		if i < len(growingTimeouts)-1 && (len(raw.Results) == 0 || raw.Results[0].Status != review.StatusOK) {
			t.Logf("no answer within --timeout %s on this machine (exit %d); again with %s:\n%s", timeout, res.code, growingTimeouts[i+1], res.stderr)
			continue
		}
		if res.code != 2 || !strings.Contains(res.stderr, "error: review timed out after "+timeout.String()+"; finished answers are kept\nhint: raise --timeout") {
			t.Fatalf("exit %d\n%s", res.code, res.stderr)
		}
		raw = rawOf(t, res.stdout)
		if !raw.Interrupted || raw.Results[0].Status != review.StatusOK || raw.Results[1].Status == review.StatusOK {
			t.Fatalf("%+v", raw.Results)
		}
		return
	}
}

func TestConsolidatedReportGateSaveAndReplay(t *testing.T) {
	e := newEnv(t, ollamatest.Config{Reply: func(model, prompt string) string {
		return `{"summary":"Double changed.","findings":[{"file":"calc.go","line":4,"quote":"return n * 3","severity":"important","category":"bug","title":"Double triples its input","explanation":"n*3 is not double"}]}`
	}})
	two := []string{"--models", "qwen2.5-coder:7b,llama3.1:8b"}
	res := e.run(context.Background(), append(two, "--format", "markdown")...)
	if res.code != exitcode.Findings {
		t.Fatalf("exit %d, want 1 (an important finding trips the default gate): %s", res.code, res.stderr)
	}
	for _, want := range []string{"Double triples its input", "found by 2 of 2", "return n * 3"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("markdown report lacks %q:\n%s", want, res.stdout)
		}
	}
	if !strings.Contains(res.stderr, "quorum: report saved in ") {
		t.Fatalf("stderr does not say where the report was saved:\n%s", res.stderr)
	}
	dirs, _ := filepath.Glob(filepath.Join(e.repo.Dir, ".git", "quorum", "reports", "*"))
	if len(dirs) != 1 {
		t.Fatalf("saved reports: %v", dirs)
	}
	for _, name := range []string{"report.md", "report.json", "raw.json", "diff.json"} {
		if _, err := os.Stat(filepath.Join(dirs[0], name)); err != nil {
			t.Errorf("saved report lacks %s: %v", name, err)
		}
	}
	calls := e.srv.ModelCalls()

	// A gate above the finding passes, from the cache.
	if res := e.run(context.Background(), append(two, "-q", "--fail-on", "critical")...); res.code != 0 {
		t.Fatalf("--fail-on critical: exit %d: %s", res.code, res.stderr)
	}
	// Replay: no model call, same report bytes as saved, another gate.
	saved, err := os.ReadFile(filepath.Join(dirs[0], "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	res = e.run(context.Background(), "--replay", dirs[0], "--format", "json", "-q")
	if res.code != exitcode.Findings || res.stdout != string(saved) {
		t.Fatalf("replay exit %d; same bytes as saved: %v\n%s", res.code, res.stdout == string(saved), res.stderr)
	}
	// A gate above the panel's two reviewers can never trip: not a pass.
	if res := e.run(context.Background(), "--replay", "latest", "--min-agreement", "3", "-q"); res.code != exitcode.Setup ||
		!strings.Contains(res.stderr, "error: min agreement 3 needs more reviewers than the panel's 2") ||
		!strings.Contains(res.stderr, "\nhint: lower --min-agreement to at most 2 for this replay, or run a new review with more models (--models)\n") {
		t.Fatalf("replay with --min-agreement 3: exit %d: %s", res.code, res.stderr)
	}
	if e.srv.ModelCalls() != calls {
		t.Fatalf("cache and replay made %d model calls", e.srv.ModelCalls()-calls)
	}
	// With the gate off, the agreement it would ask for matters to nothing:
	// a new review runs, and so does a replay.
	if res := e.run(context.Background(), append(two, "--no-cache", "--min-agreement", "3", "--fail-on", "none", "-q")...); res.code != exitcode.OK || e.srv.ModelCalls() == calls {
		t.Fatalf("review with --min-agreement 3 --fail-on none: exit %d: %s", res.code, res.stderr)
	}
	calls = e.srv.ModelCalls()
	if res := e.run(context.Background(), "--replay", "latest", "--min-agreement", "3", "--fail-on", "none", "-q"); res.code != exitcode.OK || e.srv.ModelCalls() != calls {
		t.Fatalf("replay with --min-agreement 3 --fail-on none: exit %d: %s", res.code, res.stderr)
	}
	res = e.run(context.Background(), "--replay", "nope")
	if res.code != exitcode.Setup || !strings.Contains(res.stderr, "hint: run 'quorum report list'") {
		t.Fatalf("unknown replay id: exit %d: %s", res.code, res.stderr)
	}
}

func TestNumPredictFromFlagAndConfig(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	numPredict := func() any {
		chats := e.srv.Chats()
		return chats[len(chats)-1].Options["num_predict"]
	}
	if res := e.run(context.Background(), "--models", "qwen2.5-coder:7b", "-q", "--no-cache"); res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	if got := numPredict(); got != float64(4096) {
		t.Errorf("default num_predict %v, want 4096", got)
	}
	e.repo.Write(".quorum.yaml", "num_predict: 512\n")
	if res := e.run(context.Background(), "--models", "qwen2.5-coder:7b", "-q", "--no-cache"); res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	if got := numPredict(); got != float64(512) {
		t.Errorf("num_predict from .quorum.yaml %v, want 512", got)
	}
	if res := e.run(context.Background(), "--models", "qwen2.5-coder:7b", "-q", "--no-cache", "--num-predict", "64"); res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	if got := numPredict(); got != float64(64) {
		t.Errorf("num_predict from the flag %v, want 64 (flags beat the file)", got)
	}
}

// A configured base is for branch reviews; --staged, --worktree and
// --commits ignore it instead of failing as if --base had been given.
func TestConfiguredBaseDoesNotBreakOtherModes(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	e.repo.Write(".quorum.yaml", "base: main\n")
	e.repo.Write("calc.go", "package calc\n\nfunc Double(n int) int {\n\treturn n + n\n}\n")
	e.repo.Git("add", "calc.go")
	for _, args := range [][]string{{"--staged"}, {"--worktree"}, {"--commits", "main..feature"}, {}} {
		res := e.run(context.Background(), append(args, "-q", "--raw", "--format", "json", "--models", "qwen2.5-coder:7b")...)
		if res.code != 0 {
			t.Errorf("%v with base: main in .quorum.yaml: exit %d\n%s", args, res.code, res.stderr)
		}
	}
	// --base on the command line with --staged is still refused.
	res := e.run(context.Background(), "--staged", "--base", "main", "-q")
	if res.code != 2 || !strings.Contains(res.stderr, "hint: ") {
		t.Errorf("--staged --base: exit %d\n%s", res.code, res.stderr)
	}
}

// --raw is a view, not a different review: it is saved and can be replayed.
func TestRawReviewIsSavedAndReplayable(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	if res := e.run(context.Background(), "--raw", "--format", "json", "-q", "--models", "qwen2.5-coder:7b"); res.code != 0 {
		t.Fatalf("exit %d: %s", res.code, res.stderr)
	}
	dirs, _ := filepath.Glob(filepath.Join(e.repo.Dir, ".git", "quorum", "reports", "*", "raw.json"))
	if len(dirs) != 1 {
		t.Fatalf("saved raw results: %v", dirs)
	}
	calls := e.srv.ModelCalls()
	if res := e.run(context.Background(), "--replay", "latest", "--format", "json", "-q"); res.code != 0 || !strings.Contains(res.stdout, `"schema": "quorum.report/v1"`) {
		t.Fatalf("replay: exit %d\n%s", res.code, res.stderr)
	}
	if e.srv.ModelCalls() != calls {
		t.Fatal("replay called a model")
	}
}

// A report that cannot be saved (a full or read-only disk) is still printed,
// stderr says so in one warning line and a hint, and the review's verdict
// decides the exit code: 0 for a pass, 1 for a tripped gate, never 3 ("a bug
// in quorum"). The same for --raw.
func TestUnsavableReportIsStillPrinted(t *testing.T) {
	finding := func(model, prompt string) string {
		return `{"summary":"Double changed.","findings":[{"file":"calc.go","line":4,"quote":"return n * 3","severity":"important","category":"bug","title":"Double triples its input","explanation":"n*3 is not double"}]}`
	}
	for _, tc := range []struct {
		name  string
		reply func(model, prompt string) string
		args  []string
		code  int
		out   string
	}{
		{"pass", nil, []string{"--format", "json", "-q"}, exitcode.OK, `"schema": "quorum.report/v1"`},
		{"findings", finding, []string{"--format", "json", "-q"}, exitcode.Findings, "Double triples its input"},
		{"raw", nil, []string{"--raw", "--format", "json", "-q"}, exitcode.OK, `"reviewer"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, ollamatest.Config{Reply: tc.reply})
			if err := os.MkdirAll(filepath.Join(e.repo.Dir, ".git", "quorum"), 0o755); err != nil {
				t.Fatal(err)
			}
			// A file where the reports directory should be: MkdirAll fails, even as root.
			if err := os.WriteFile(filepath.Join(e.repo.Dir, ".git", "quorum", "reports"), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
			res := e.run(context.Background(), append([]string{"--models", "qwen2.5-coder:7b"}, tc.args...)...)
			if res.code != tc.code || !strings.Contains(res.stdout, tc.out) {
				t.Fatalf("exit %d (want %d), report printed %v\n%s", res.code, tc.code, strings.Contains(res.stdout, tc.out), res.stderr)
			}
			lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
			if len(lines) != 2 || !strings.HasPrefix(lines[0], "quorum: warning: report not saved: save report: ") ||
				!strings.HasPrefix(lines[1], "hint: free disk space and check that ") {
				t.Fatalf("stderr:\n%s", res.stderr)
			}
		})
	}
}

// TestUncachableAnswersAreNamed: a cache that cannot be written (a file
// where its directory should be) costs nothing in this review, but the
// next one would ask the models again: a warning and its hint say so,
// and the verdict still decides the exit code.
func TestUncachableAnswersAreNamed(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	blocked := filepath.Join(e.cache, "not-a-dir")
	if err := os.WriteFile(blocked, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.vars["QUORUM_CACHE_DIR"] = blocked
	for _, args := range [][]string{{"-q"}, {"-q", "--raw", "--format", "json"}} {
		res := e.run(context.Background(), append([]string{"--models", "qwen2.5-coder:7b"}, args...)...)
		if res.code != exitcode.OK {
			t.Fatalf("%v: exit %d, want 0\n%s", args, res.code, res.stderr)
		}
		lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "quorum: warning: cache not written, so new answers are not kept for the next review: write cache: ") ||
			lines[1] != "hint: make "+blocked+" a writable directory, point QUORUM_CACHE_DIR at one, or turn the cache off (--no-cache; for the hook, cache: false in .quorum.yaml or QUORUM_CACHE=false)" {
			t.Fatalf("%v: stderr:\n%s", args, res.stderr)
		}
	}
	// --no-cache: nothing to warn about.
	if res := e.run(context.Background(), "--models", "qwen2.5-coder:7b", "-q", "--no-cache"); res.code != exitcode.OK || res.stderr != "" {
		t.Fatalf("--no-cache: exit %d\n%s", res.code, res.stderr)
	}
}

// With --no-cache nothing is kept for the next run: the timeout's message
// and hint do not promise cached answers.
func TestTimeoutWithoutCacheSaysItStartsOver(t *testing.T) {
	e := newEnv(t, ollamatest.Config{Faults: []ollamatest.Fault{{Kind: ollamatest.FaultHang, Model: "qwen2.5-coder:7b"}}})
	// The hung model uses up the timeout whatever its length.
	res := e.run(context.Background(), "--models", "qwen2.5-coder:7b", "-q", "--no-cache", "--timeout", "2s")
	lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
	if res.code != exitcode.Setup || len(lines) < 2 || lines[len(lines)-2] != "error: review timed out after 2s; nothing is cached (--no-cache)" ||
		lines[len(lines)-1] != "hint: raise --timeout (or timeout in .quorum.yaml), or review fewer files; the cache is off, so it starts over" {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	// The cache on but without a directory: no promise either.
	e.vars["QUORUM_CACHE_DIR"] = "relative"
	res = e.run(context.Background(), "--models", "qwen2.5-coder:7b", "-q", "--timeout", "2s")
	lines = strings.Split(strings.TrimSpace(res.stderr), "\n")
	if res.code != exitcode.Setup || len(lines) < 2 || lines[len(lines)-2] != "error: review timed out after 2s; answers could not be cached (see the warning)" ||
		lines[len(lines)-1] != "hint: raise --timeout (or timeout in .quorum.yaml), or review fewer files; nothing was cached, so it starts over" {
		t.Fatalf("no cache directory: exit %d\n%s", res.code, res.stderr)
	}
}

// A cache with no usable directory (a relative QUORUM_CACHE_DIR, no HOME)
// is no reason to withhold a review: it runs without one, writes nothing
// into the work tree, and ends with a warning and a hint.
func TestReviewWithoutACacheDirectory(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	e.vars["QUORUM_CACHE_DIR"] = "relcache"
	res := e.run(context.Background(), "--models", "qwen2.5-coder:7b", "-q")
	lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
	if res.code != exitcode.OK || len(lines) != 2 || lines[0] != `quorum: warning: answers not cached: QUORUM_CACHE_DIR "relcache" is not an absolute path` ||
		!strings.HasPrefix(lines[1], "hint: point QUORUM_CACHE_DIR at an absolute directory, or turn the cache off (--no-cache;") {
		t.Fatalf("relative: exit %d\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(e.repo.Dir, "relcache")); err == nil {
		t.Fatal("a relative cache directory was made in the work tree")
	}

	t.Setenv("HOME", "")
	t.Setenv("XDG_CACHE_HOME", "")
	e.vars["QUORUM_CACHE_DIR"] = ""
	res = e.run(context.Background(), "--models", "qwen2.5-coder:7b", "-q")
	if res.code != exitcode.OK || !strings.HasPrefix(res.stderr, "quorum: warning: answers not cached: no user cache directory") {
		t.Fatalf("no HOME: exit %d\n%s", res.code, res.stderr)
	}
}

// TestBadLedgerFailsBeforeAnyModel: a dismissal ledger quorum cannot read
// stops the review before Ollama is asked anything (it used to fail after
// every model had answered, and threw the review away), with one plain
// error line naming the file and line, a hint saying what to fix, exit 2.
// --replay reads the ledger too, and fails the same way.
func TestBadLedgerFailsBeforeAnyModel(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	models := []string{"--models", "qwen2.5-coder:7b", "--no-cache"}
	if res := e.run(context.Background(), append(models, "-q")...); res.code != 0 {
		t.Fatalf("first review: exit %d: %s", res.code, res.stderr)
	}
	before := len(e.srv.Requests())
	e.repo.Write(".quorum/dismissed.yaml", "dismissed: 5\n")
	ledger := filepath.Join(e.repo.Dir, ".quorum", "dismissed.yaml")
	wantErr := "error: dismissal ledger " + ledger + ": line 1: dismissed: must be a list of entries, got 5\n" +
		"hint: fix .quorum/dismissed.yaml (a 'dismissed:' list; each entry needs 'fingerprint:' and 'reason:') or remove it; 'quorum dismiss --list' checks it\n"
	res := e.run(context.Background(), models...)
	if res.code != exitcode.Setup || res.stderr != wantErr || res.stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s\nwant exit 2 and:\n%s", res.code, res.stdout, res.stderr, wantErr)
	}
	if n := len(e.srv.Requests()) - before; n != 0 {
		t.Fatalf("%d requests to the server with a bad ledger, want none: %+v", n, e.srv.Requests()[before:])
	}
	if dirs, _ := filepath.Glob(filepath.Join(e.repo.Dir, ".git", "quorum", "reports", "*")); len(dirs) != 1 {
		t.Fatalf("saved reports %v, want only the first review's", dirs)
	}
	if res := e.run(context.Background(), "--replay", "latest"); res.code != exitcode.Setup || res.stderr != wantErr {
		t.Fatalf("replay: exit %d, stderr:\n%s", res.code, res.stderr)
	}

	// The local ledger, in the git dir, is named as such.
	e.repo.Write(".quorum/dismissed.yaml", "dismissed: []\n")
	local := filepath.Join(e.repo.Dir, ".git", "quorum", "dismissed.yaml")
	if err := os.MkdirAll(filepath.Dir(local), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(local, []byte("dismissed:\n  - fingerprint: abc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res = e.run(context.Background(), models...)
	if res.code != exitcode.Setup || !strings.Contains(res.stderr, ": line 2: entry 1 has no reason; add 'reason:' saying why the finding is dismissed\n") ||
		!strings.Contains(res.stderr, "\nhint: fix .git/quorum/dismissed.yaml ") || len(e.srv.Requests()) != before {
		t.Fatalf("local ledger: exit %d, %d requests, stderr:\n%s", res.code, len(e.srv.Requests())-before, res.stderr)
	}
}

// --timeout expiring while the diff is read says so, with the timeout's
// hint, not "interrupted … run the command again".
func TestTimeoutWhileReadingTheDiff(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	res := e.run(context.Background(), "--models", "qwen2.5-coder:7b", "-q", "--timeout", "1ns")
	if res.code != exitcode.Setup || res.stderr != "error: review timed out after 1ns while reading the diff\nhint: raise --timeout (or timeout in .quorum.yaml)\n" {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if e.srv.ModelCalls() != 0 {
		t.Fatal("a model was asked")
	}
}
