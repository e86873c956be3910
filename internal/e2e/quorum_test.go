package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
)

// These tests run the real quorum binary, built from this checkout, on a
// fixture repository made by real git, against the real server.

var (
	buildOnce sync.Once
	quorumBin string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// quorum builds ./cmd/quorum once per test binary.
func quorum(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "quorum-e2e-")
		if buildErr != nil {
			return
		}
		root, err := filepath.Abs(filepath.Join("..", ".."))
		if err != nil {
			buildErr = err
			return
		}
		quorumBin = filepath.Join(buildDir, "quorum")
		cmd := exec.Command("go", "build", "-o", quorumBin, "./cmd/quorum")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/quorum: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return quorumBin
}

// needs fails the test unless `quorum <sub>` exists with every flag named.
func needs(t *testing.T, bin, sub string, flags ...string) {
	t.Helper()
	out, err := exec.Command(bin, sub, "--help").CombinedOutput()
	if err != nil || strings.Contains(string(out), "unknown command") {
		t.Fatalf("`quorum %s --help` failed: %v\n%s", sub, err, out)
	}
	for _, f := range flags {
		if !strings.Contains(string(out), f) {
			t.Fatalf("`quorum %s` has no %s flag", sub, f)
		}
	}
}

// fixture is a repository on branch feature, one commit ahead of main, whose
// diff adds a small Go function.
type fixture struct {
	Dir string
	env []string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	home := t.TempDir()
	f := &fixture{Dir: t.TempDir(), env: []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com",
		"GIT_AUTHOR_DATE=2026-01-02T03:04:05Z", "GIT_COMMITTER_DATE=2026-01-02T03:04:05Z",
	}}
	f.git(t, "init", "-q", "-b", "main")
	f.write(t, "go.mod", "module example.com/calc\n\ngo 1.22\n")
	f.write(t, "calc.go", "package calc\n\n// Add returns a+b.\nfunc Add(a, b int) int { return a + b }\n")
	f.git(t, "add", ".")
	f.git(t, "commit", "-q", "-m", "calc: add Add")
	f.git(t, "checkout", "-q", "-b", "feature")
	f.write(t, "calc.go", "package calc\n\n// Add returns a+b.\nfunc Add(a, b int) int { return a + b }\n\n"+
		"// Div returns a/b.\nfunc Div(a, b int) int {\n\treturn a / b\n}\n")
	f.git(t, "commit", "-q", "-am", "calc: add Div")
	return f
}

func (f *fixture) write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(f.Dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) git(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = f.Dir
	cmd.Env = f.env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// run is one quorum invocation's outcome.
type run struct {
	Code           int
	Stdout, Stderr string
	Wall           time.Duration
}

// quorumCmd prepares quorum in the fixture with host as OLLAMA_HOST and its
// own cache and config directories (shared by the runs of one test).
func (f *fixture) quorumCmd(t *testing.T, bin, host, cacheDir string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = f.Dir
	cmd.Env = append(slices.Clone(f.env),
		"OLLAMA_HOST="+host,
		"XDG_CACHE_HOME="+cacheDir,
		"XDG_CONFIG_HOME="+filepath.Join(cacheDir, "config"),
		"TERM=dumb", "NO_COLOR=1",
	)
	return cmd
}

func (f *fixture) quorum(t *testing.T, bin, host, cacheDir string, args ...string) run {
	t.Helper()
	cmd := f.quorumCmd(t, bin, host, cacheDir, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := run{Stdout: stdout.String(), Stderr: stderr.String(), Wall: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.Code = ee.ExitCode()
	default:
		t.Fatalf("quorum %v: %v", args, err)
	}
	t.Logf("quorum %s: exit %d in %v", strings.Join(args, " "), r.Code, r.Wall.Round(time.Millisecond))
	return r
}

// parseReport decodes a consolidated report.
func parseReport(t *testing.T, r run) report.Report {
	t.Helper()
	var rep report.Report
	if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
		t.Fatalf("stdout is not a JSON report: %v\nstdout:\n%s\nstderr:\n%s", err, tail(r.Stdout, 20), r.Stderr)
	}
	if rep.Schema != report.Schema {
		t.Fatalf("report schema %q, want %q", rep.Schema, report.Schema)
	}
	return rep
}

const rawSchema = "quorum.raw/v1"

// parseRaw decodes `quorum review --raw --format json`.
func parseRaw(t *testing.T, r run) review.Raw {
	t.Helper()
	var raw review.Raw
	if err := json.Unmarshal([]byte(r.Stdout), &raw); err != nil {
		t.Fatalf("stdout is not raw JSON: %v\nstdout:\n%s\nstderr:\n%s", err, tail(r.Stdout, 20), r.Stderr)
	}
	if raw.Schema != rawSchema {
		t.Fatalf("raw schema %q, want %q", raw.Schema, rawSchema)
	}
	return raw
}

func rawResult(t *testing.T, raw review.Raw, name string) review.RawResult {
	t.Helper()
	for _, r := range raw.Results {
		if sameModel(r.Reviewer.Name, name) || sameModel(r.Reviewer.Model, name) {
			return r
		}
	}
	t.Fatalf("no result for %s in %+v", name, raw.Results)
	return review.RawResult{}
}

func sameModel(a, b string) bool {
	return strings.TrimSuffix(a, ":latest") == strings.TrimSuffix(b, ":latest")
}

func reviewer(t *testing.T, rep report.Report, name string) report.Reviewer {
	t.Helper()
	for _, r := range rep.Reviewers {
		if sameModel(r.Name, name) || sameModel(r.Model, name) {
			return r
		}
	}
	t.Fatalf("no reviewer %s in %+v", name, rep.Reviewers)
	return report.Reviewer{}
}

// figures sums what the server reported for one model.
type figures struct {
	chats                 int
	promptTokens, evalTks int
	total, chatLoad       time.Duration
	// loads adds the time of /api/generate load requests, which report no
	// load_duration on v0.6.5 (a client can only time them), with 10% and
	// 100 ms each for the client's side of the round trip on a busy machine.
	loads   time.Duration
	warmups int
}

func serverFigures(p *Proxy, model string) figures {
	var f figures
	for _, c := range p.Chats() {
		if sameModel(c.Model, model) {
			f.chats++
			f.promptTokens += c.PromptEvalCount
			f.evalTks += c.EvalCount
			f.total += c.TotalDuration
			f.chatLoad += c.LoadDuration
		}
	}
	f.loads = f.chatLoad
	for _, g := range p.Records("/api/generate") {
		if sameModel(g.Model, model) {
			f.loads += g.LoadDuration + g.End.Sub(g.Start)*11/10 + 100*time.Millisecond
			f.warmups++
		}
	}
	return f
}

func terseNames() []string {
	var names []string
	for _, m := range terse {
		names = append(names, m.Name)
	}
	return names
}

// TestReview runs `quorum review` through a counting proxy and checks what
// it reports against what the server itself said.
func TestReview(t *testing.T) {
	s := start(t)
	bin := quorum(t)
	needs(t, bin, "review", "--models", "--format", "--no-cache", "--raw")
	proxy := NewProxy(t, s)
	fx := newFixture(t)
	cache := t.TempDir()
	panel := strings.Join(terseNames(), ",")

	t.Run("raw results carry the server's own figures", func(t *testing.T) {
		proxy.Reset()
		r := fx.quorum(t, bin, proxy.Host, cache, "review", "--models", panel, "--format", "json", "--raw", "--no-cache")
		if r.Code != 0 {
			t.Fatalf("exit %d, want 0\n%s", r.Code, r.Stderr)
		}
		raw := parseRaw(t, r)
		for _, name := range terseNames() {
			res := rawResult(t, raw, name)
			srv := serverFigures(proxy, name)
			m := res.Metrics
			if res.Status != review.StatusOK || srv.chats == 0 || m.Requests != srv.chats {
				t.Errorf("%s: status %q, %d requests; the server answered %d", name, res.Status, m.Requests, srv.chats)
			}
			if m.PromptTokens != srv.promptTokens || m.EvalTokens != srv.evalTks {
				t.Errorf("%s: tokens in/out %d/%d, the server said %d/%d", name, m.PromptTokens, m.EvalTokens, srv.promptTokens, srv.evalTks)
			}
			if m.TotalDuration != srv.total {
				t.Errorf("%s: total duration %v, the server said %v", name, m.TotalDuration, srv.total)
			}
			if m.LoadDuration < srv.chatLoad || m.LoadDuration > srv.loads {
				t.Errorf("%s: load %v, the server said %v in chats, %v with load requests", name, m.LoadDuration, srv.chatLoad, srv.loads)
			}
			if len(res.Covered) != 1 || res.Covered[0] != "calc.go" {
				t.Errorf("%s: covered %v, want [calc.go]", name, res.Covered)
			}
		}
		// Each model is loaded once: after a warm-up load, the chats find
		// it resident (a load request with other options than the chats',
		// num_ctx above all, makes the server load it again).
		for _, name := range terseNames() {
			srv := serverFigures(proxy, name)
			if srv.warmups > 0 && srv.chatLoad > 100*time.Millisecond {
				t.Errorf("%s was loaded by the warm-up and again by its first chat (chat load %v): the load request must carry the chats' options (num_ctx)", name, srv.chatLoad)
			}
		}
	})

	t.Run("the retro shows the server's own figures", func(t *testing.T) {
		proxy.Reset()
		r := fx.quorum(t, bin, proxy.Host, cache, "review", "--models", panel, "--format", "json", "--no-cache")
		if r.Code != 0 {
			t.Fatalf("exit %d, want 0\n%s", r.Code, r.Stderr)
		}
		rep := parseReport(t, r)
		if rep.Verdict.RestsOn != 3 || rep.Verdict.Panel != 3 || len(rep.Findings) != 0 {
			t.Errorf("verdict %+v with %d findings, want 3 of 3 reviewers and none", rep.Verdict, len(rep.Findings))
		}
		for _, name := range terseNames() {
			rv := reviewer(t, rep, name)
			srv := serverFigures(proxy, name)
			n := int64(srv.chats + 1)
			if rv.Status != review.StatusOK || rv.Requests != srv.chats {
				t.Errorf("%s: status %q (error %q, failures %q), %d requests; the server answered %d; proxy saw %s\nstderr:\n%s",
					name, rv.Status, rv.Error, rv.Failures, rv.Requests, srv.chats, proxy.Summary(), r.Stderr)
			}
			if rv.PromptTokens != srv.promptTokens || rv.EvalTokens != srv.evalTks {
				t.Errorf("%s: retro tokens in/out %d/%d, the server said %d/%d", name, rv.PromptTokens, rv.EvalTokens, srv.promptTokens, srv.evalTks)
			}
			if rv.LoadMS < srv.chatLoad.Milliseconds()-n || rv.LoadMS > srv.loads.Milliseconds()+n {
				t.Errorf("%s: retro load %d ms, the server said %v (%v with load requests)", name, rv.LoadMS, srv.chatLoad, srv.loads)
			}
			if rv.DurationMS <= 0 || rv.DurationMS < srv.total.Milliseconds()-n {
				t.Errorf("%s: retro duration %d ms, below the server's total %v", name, rv.DurationMS, srv.total)
			}
		}
	})

	t.Run("a second run is served from the cache", func(t *testing.T) {
		r := fx.quorum(t, bin, proxy.Host, cache, "review", "--models", panel, "--format", "json", "--raw")
		if r.Code != 0 {
			t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
		}
		proxy.Reset()
		r = fx.quorum(t, bin, proxy.Host, cache, "review", "--models", panel, "--format", "json", "--raw")
		if r.Code != 0 {
			t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
		}
		// The digest that keys the cache comes from the server, so a
		// listing is allowed; generating is not.
		t.Logf("requests of the cached run: %s", proxy.Summary())
		if n := proxy.Hits("/api/chat"); n != 0 {
			t.Errorf("the cached run made %d chat requests (%s)", n, proxy.Summary())
		}
		if n := proxy.Hits("/api/generate"); n != 0 {
			t.Errorf("the cached run loaded models %d times (%s)", n, proxy.Summary())
		}
		raw := parseRaw(t, r)
		for _, name := range terseNames() {
			if res := rawResult(t, raw, name); res.Metrics.CacheHits == 0 || res.Status != review.StatusOK {
				t.Errorf("%s: %d cache hits, status %q", name, res.Metrics.CacheHits, res.Status)
			}
		}
	})

	t.Run("random findings are rejected by anchoring", func(t *testing.T) {
		r := fx.quorum(t, bin, proxy.Host, cache, "review", "--models", terse[0].Name+","+randomModel, "--format", "json", "--no-cache")
		if r.Code != 0 {
			t.Fatalf("exit %d, want 0: garbage must not trip the gate\n%s", r.Code, r.Stderr)
		}
		rep := parseReport(t, r)
		if len(rep.Findings) != 0 {
			t.Errorf("%d findings reached the report: %+v", len(rep.Findings), rep.Findings)
		}
		rv := reviewer(t, rep, randomModel)
		if rv.Status != review.StatusOK || rv.Rejected == 0 || rv.Findings != 0 {
			t.Errorf("random reviewer: status %q, %d rejected, %d findings; want its answer taken and every finding rejected", rv.Status, rv.Rejected, rv.Findings)
		}
		var mine int
		for _, rj := range rep.Rejected {
			if rj.Reviewer == rv.Name {
				mine++
				if rj.Reason == "" {
					t.Errorf("rejection without a reason: %+v", rj)
				}
			}
		}
		if mine != rv.Rejected {
			t.Errorf("report lists %d rejections of %s, its retro counts %d", mine, rv.Name, rv.Rejected)
		}
	})

	t.Run("a missing model gives the pull hint while the others report", func(t *testing.T) {
		r := fx.quorum(t, bin, proxy.Host, cache, "review", "--models", terse[0].Name+",not-installed,"+terse[1].Name, "--format", "json", "--raw")
		if r.Code != 0 {
			t.Fatalf("exit %d, want 0 while two reviewers can run\n%s", r.Code, r.Stderr)
		}
		raw := parseRaw(t, r)
		missing := rawResult(t, raw, "not-installed")
		if missing.Status != review.StatusMissing || !strings.Contains(missing.Hint, "ollama pull not-installed") {
			t.Errorf("missing reviewer: status %q, hint %q; want missing and `ollama pull not-installed`", missing.Status, missing.Hint)
		}
		for _, name := range terseNames()[:2] {
			if res := rawResult(t, raw, name); res.Status != review.StatusOK {
				t.Errorf("%s: status %q", name, res.Status)
			}
		}
		r = fx.quorum(t, bin, proxy.Host, cache, "review", "--models", terse[0].Name+",not-installed,"+terse[1].Name, "--format", "json")
		rep := parseReport(t, r)
		if rv := reviewer(t, rep, "not-installed"); rv.Status != review.StatusMissing || !strings.Contains(rv.Hint, "ollama pull not-installed") {
			t.Errorf("report: missing reviewer %+v", rv)
		}
		if rep.Verdict.RestsOn != 2 {
			t.Errorf("verdict rests on %d reviewers, want 2", rep.Verdict.RestsOn)
		}
	})

	t.Run("no reviewer can run", func(t *testing.T) {
		r := fx.quorum(t, bin, proxy.Host, cache, "review", "--models", "not-installed,nor-this", "--format", "json")
		if r.Code != 2 {
			t.Fatalf("exit %d, want 2\n%s", r.Code, r.Stderr)
		}
		if !strings.Contains(r.Stderr, "error: ") || !strings.Contains(r.Stderr, "hint: ") || !strings.Contains(r.Stderr, "ollama pull") {
			t.Errorf("stderr %q: want an error line and a pull hint", r.Stderr)
		}
	})

	t.Run("a truncated answer is retried and reported", func(t *testing.T) {
		// A terse model needs 29 tokens for its answer: num_predict 8 cuts it.
		model := terse[0].Name
		args := []string{"review", "--format", "json", "--raw", "--no-cache", "--num-predict", "8", "--models", model}
		proxy.Reset()
		r := fx.quorum(t, bin, proxy.Host, cache, args...)
		if r.Code == 3 {
			t.Fatalf("exit 3 (internal error)\n%s", r.Stderr)
		}
		raw := parseRaw(t, r)
		res := rawResult(t, raw, model)
		chats := proxy.Chats()
		if len(chats) != 2 {
			t.Fatalf("the server answered %d times, want 2 (the answer and its retry): %+v", len(chats), chats)
		}
		for _, c := range chats {
			if c.DoneReason != "length" || c.EvalCount != res.Options.NumPredict {
				t.Errorf("server answer %+v, want cut off at num_predict %d", c, res.Options.NumPredict)
			}
		}
		if res.Metrics.Retries != 1 || res.Status == review.StatusOK {
			t.Errorf("result: status %q, %d retries; want one retry and the chunk failed", res.Status, res.Metrics.Retries)
		}
		reason := res.Error
		for _, c := range res.Chunks {
			reason += " " + c.Error
		}
		if !strings.Contains(reason, "cut off") && !strings.Contains(reason, "truncat") {
			t.Errorf("failure %q does not say the answer was truncated", reason)
		}
	})

	t.Run("SIGINT ends the run within a second and leaves nothing running", func(t *testing.T) {
		base := probe(t, client(s), randomModel)
		proxy.Reset()
		cmd := fx.quorumCmd(t, bin, proxy.Host, cache, "review", "--models", randomModel, "--format", "json", "--no-cache")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		deadline := time.Now().Add(20 * time.Second)
		for proxy.Hits("/api/chat") == 0 || proxy.InFlight() == 0 {
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				t.Fatalf("no chat request in flight after 20s\n%s", stderr.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond) // well into generation
		sent := time.Now()
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		select {
		case <-exited:
			t.Logf("quorum exited %v after SIGINT (%s)", time.Since(sent).Round(time.Millisecond), cmd.ProcessState)
		case <-time.After(time.Second):
			_ = cmd.Process.Kill()
			t.Fatalf("quorum still running 1s after SIGINT\n%s", stderr.String())
		}
		for proxy.InFlight() != 0 {
			if time.Since(sent) > time.Second {
				t.Fatalf("%d requests still in flight 1s after SIGINT", proxy.InFlight())
			}
			time.Sleep(10 * time.Millisecond)
		}
		// The server's one slot for the model is free at once: a generation
		// still running would hold it for seconds.
		if d := probe(t, client(s), randomModel); d > slotFree(base) {
			t.Errorf("the next request took %v (idle: %v): the interrupted generation kept running", d, base)
		}
	})
}

// TestModelsAndDoctor checks what `quorum models` and `quorum doctor` say
// about the installed tiny models.
func TestModelsAndDoctor(t *testing.T) {
	s := start(t)
	bin := quorum(t)
	fx := newFixture(t)
	cache := t.TempDir()
	want := map[string]uint32{randomModel: 32768}
	for _, m := range terse {
		want[m.Name] = m.Context
	}

	t.Run("models", func(t *testing.T) {
		needs(t, bin, "models", "--format")
		r := fx.quorum(t, bin, s.Host, cache, "models", "--format", "json")
		if r.Code != 0 {
			t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
		}
		var doc any
		if err := json.Unmarshal([]byte(r.Stdout), &doc); err != nil {
			t.Fatalf("models --format json: %v\n%s", err, r.Stdout)
		}
		found := map[string]map[string]any{}
		collectModels(doc, found)
		for name, ctxLen := range want {
			m, ok := found[name]
			if !ok {
				t.Errorf("models lists no %s in %s", name, r.Stdout)
				continue
			}
			if got, _ := m["context_length"].(float64); uint32(got) != ctxLen {
				t.Errorf("%s: context_length %v, want %d", name, m["context_length"], ctxLen)
			}
			caps, _ := m["capabilities"].([]any)
			if !slices.Contains(caps, any("completion")) {
				t.Errorf("%s: capabilities %v, want completion", name, m["capabilities"])
			}
			if m["family"] != "llama" {
				t.Errorf("%s: family %v, want llama", name, m["family"])
			}
		}
		// The plain listing names each model with its context length.
		r = fx.quorum(t, bin, s.Host, cache, "models")
		if r.Code != 0 {
			t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
		}
		for name, ctxLen := range want {
			line := lineWith(r.Stdout, name)
			if !containsContext(line, ctxLen) {
				t.Errorf("models line for %s lacks its context %d: %q", name, ctxLen, line)
			}
		}
	})

	t.Run("doctor", func(t *testing.T) {
		needs(t, bin, "doctor", "--models")
		r := fx.quorum(t, bin, s.Host, cache, "doctor", "--models", strings.Join(terseNames(), ","))
		if r.Code != 0 {
			t.Fatalf("exit %d, want 0 with every check passing\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
		}
		out := r.Stdout + r.Stderr
		for _, m := range terse {
			// The num_ctx a review would use, or the model's own maximum.
			if !anyLine(out, m.Name, func(l string) bool { return containsContext(l, min(m.Context, 16384)) || containsContext(l, m.Context) }) {
				t.Errorf("doctor shows no context length for %s:\n%s", m.Name, out)
			}
		}
		if !strings.Contains(out, "0.0.0") {
			t.Errorf("doctor does not show the server version (0.0.0 for a source build):\n%s", out)
		}
	})
}

// collectModels finds every JSON object with a "name" (or "model") beside a
// "context_length", wherever the listing nests them.
func collectModels(v any, out map[string]map[string]any) {
	switch v := v.(type) {
	case []any:
		for _, e := range v {
			collectModels(e, out)
		}
	case map[string]any:
		if _, ok := v["context_length"]; ok {
			for _, k := range []string{"name", "model"} {
				if n, ok := v[k].(string); ok {
					out[strings.TrimSuffix(n, ":latest")] = v
				}
			}
		}
		for _, e := range v {
			collectModels(e, out)
		}
	}
}

// anyLine reports whether a line naming name satisfies ok.
func anyLine(s, name string, ok func(string) bool) bool {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, name) && ok(l) {
			return true
		}
	}
	return false
}

func lineWith(s, name string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, name) {
			return l
		}
	}
	return ""
}

// containsContext accepts 16384 written out or as 16K/16k.
func containsContext(line string, n uint32) bool {
	return strings.Contains(line, strconv.Itoa(int(n))) ||
		strings.Contains(strings.ToLower(line), strconv.Itoa(int(n/1024))+"k")
}
