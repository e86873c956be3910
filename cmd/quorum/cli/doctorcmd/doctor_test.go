package doctorcmd

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/cmd/quorum/cli/hookcmd"
	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/gitexec"
	"github.com/quorum-review/quorum/internal/golden"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/internal/openai"
	"github.com/quorum-review/quorum/review"
	reviewrun "github.com/quorum-review/quorum/review/run"
)

const gb = int64(1) << 30

// writeMeminfo writes a /proc/meminfo look-alike.
func writeMeminfo(t *testing.T, total, avail int64) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "meminfo")
	body := "MemTotal:       " + itoa(total/1024) + " kB\nMemFree:          123456 kB\nMemAvailable:   " + itoa(avail/1024) + " kB\nCached: 1 kB\n"
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// bareRepo is a bare repository, as `git clone --mirror` makes.
func bareRepo(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "mirror.git")
	if out, err := exec.Command("git", "init", "-q", "--bare", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init --bare: %v\n%s", err, out)
	}
	return dir
}

// gitRepo is a repository with one commit on main: what 'quorum review'
// needs to have a range.
func gitRepo(t *testing.T) string {
	t.Helper()
	dir := emptyRepo(t)
	runGit(t, dir, "commit", "-q", "--allow-empty", "-m", "one")
	return dir
}

// devRepo has one commit on dev, and no main, master or upstream to
// review it against.
func devRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	runGit(t, dir, "init", "-q", "-b", "dev", dir)
	runGit(t, dir, "commit", "-q", "--allow-empty", "-m", "one")
	return dir
}

// featureRepo is on a branch off main.
func featureRepo(t *testing.T) string {
	t.Helper()
	dir := gitRepo(t)
	runGit(t, dir, "checkout", "-q", "-b", "feature")
	return dir
}

// emptyRepo is a repository with no commit yet.
func emptyRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	runGit(t, dir, "init", "-q", "-b", "main", dir)
	return dir
}

func runGit(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir, "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v %s", args, err, out)
	}
}

type env struct {
	vars    map[string]string
	dir     string
	meminfo string
	noGit   bool // no git binary (gitexec.LookPath finds none)
}

// run executes `quorum doctor` as the root command would: stdout, stderr
// (error and hint lines) and the exit code.
func run(t *testing.T, e env, args ...string) (string, string, int) {
	t.Helper()
	vars := map[string]string{"QUORUM_CACHE_DIR": filepath.Join(t.TempDir(), "cache")}
	for k, v := range e.vars {
		vars[k] = v
	}
	f, out, errOut := cmdtest.NewFactory(e.dir, vars)
	if e.noGit {
		old := gitexec.LookPath
		gitexec.LookPath = func() string { return "" }
		defer func() { gitexec.LookPath = old }()
	}
	cmd := NewCmdDoctor(f, func(o *DoctorOptions) error {
		o.MeminfoPath = e.meminfo
		return doctorRun(o)
	})
	code := cmdtest.Execute(context.Background(), cmd, f.IOStreams, args)
	return out.String(), errOut.String(), code
}

func TestFlags(t *testing.T) {
	tests := []struct {
		args    []string
		models  []string
		maxCtx  int
		wantErr string
	}{
		{args: nil},
		{args: []string{"--models", "a,b:7b", "--max-context", "8192", "--ollama-host", "127.0.0.1:1", "--allow-remote"}, models: []string{"a", "b:7b"}, maxCtx: 8192},
		{args: []string{"--models", "a,,b"}, wantErr: "--models has an empty name"},
		{args: []string{"--models", ""}, wantErr: "--models is empty"},
		{args: []string{"--max-context", "100"}, wantErr: "--max-context 100 is too small"},
		{args: []string{"--timeout", "-1s"}, wantErr: "--timeout must be positive"},
		{args: []string{"extra"}, wantErr: "unknown command"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *DoctorOptions
			cmd := NewCmdDoctor(&cmdutil.Factory{IOStreams: ios}, func(o *DoctorOptions) error { got = o; return nil })
			cmd.SetArgs(append([]string{}, tt.args...))
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				if !strings.Contains(tt.wantErr, "unknown command") && (exitcode.Of(err) != exitcode.Setup || exitcode.HintOf(err) == "") {
					t.Errorf("exit %d hint %q", exitcode.Of(err), exitcode.HintOf(err))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got.Models, ",") != strings.Join(tt.models, ",") || got.MaxContext != tt.maxCtx || got.Timeout != time.Minute {
				t.Errorf("got %+v", got)
			}
			if len(tt.args) > 0 && (!got.Conn.AllowRemote || got.Conn.Host != "127.0.0.1:1") {
				t.Errorf("conn %+v", got.Conn)
			}
		})
	}
}

// normalize replaces what differs between machines and runs.
func normalize(out, host, dir string) string {
	out = strings.ReplaceAll(out, host, "HOST")
	out = strings.ReplaceAll(out, dir, "REPO")
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		out = strings.ReplaceAll(out, real, "REPO")
	}
	out = regexp.MustCompile(`(?m)^(ok    cache       ).*$`).ReplaceAllString(out, "${1}CACHE")
	return regexp.MustCompile(`git version [^\n]*`).ReplaceAllString(out, "git version X")
}

func TestHealthyGolden(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{})
	dir := gitRepo(t)
	out, errOut, code := run(t, env{vars: map[string]string{"OLLAMA_HOST": srv.Host}, dir: dir, meminfo: writeMeminfo(t, 64*gb, 48*gb)})
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	golden.Check(t, filepath.Join("testdata", "healthy.txt"), []byte(normalize(out, srv.Host, dir)))
	if srv.ModelCalls() != 0 {
		t.Errorf("doctor made %d model calls", srv.ModelCalls())
	}
}

func TestOllamaDownGolden(t *testing.T) {
	closed := ollamatest.ClosedHost(t)
	dir := gitRepo(t)
	out, errOut, code := run(t, env{vars: map[string]string{"OLLAMA_HOST": closed}, dir: dir, meminfo: writeMeminfo(t, 64*gb, 48*gb)})
	if code != exitcode.Setup {
		t.Errorf("exit %d, want 2", code)
	}
	if errOut != "error: 1 problem blocks a review\nhint: fix the problems marked FAIL above, then run `quorum doctor` again\n" {
		t.Errorf("stderr %q", errOut)
	}
	golden.Check(t, filepath.Join("testdata", "ollama-down.txt"), []byte(normalize(out, closed, dir)))

	// With hook.on_unavailable: block the hook line says the push is blocked.
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte("hook:\n  on_unavailable: block\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, _ = run(t, env{vars: map[string]string{"OLLAMA_HOST": closed}, dir: dir, meminfo: writeMeminfo(t, 64*gb, 48*gb)})
	if !strings.Contains(out, "a push now would be BLOCKED") || !strings.Contains(out, "git push --no-verify") {
		t.Errorf("block policy:\n%s", out)
	}
}

func TestProblems(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{})
	repo := gitRepo(t)
	roomy := writeMeminfo(t, 64*gb, 48*gb)
	notRepo := t.TempDir()
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	damaged := gitRepo(t)
	if err := os.MkdirAll(filepath.Join(damaged, ".git", "quorum"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(damaged, ".git", "quorum", "hook-verdicts.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		e     env
		args  []string
		code  int
		lines []string // each must appear in stdout
	}{
		{"a setting typed wrong", env{dir: repo, meminfo: roomy, vars: map[string]string{"QUORUM_FAIL_ON": "critical"}}, nil, 0, []string{
			"warn  config      not quorum settings, so ignored: QUORUM_FAIL_ON (QUORUM_REVIEW_FAIL_ON or QUORUM_HOOK_FAIL_ON?)",
			"fix: rename or unset them: a setting's variable is its key in capitals, dots as underscores (hook.fail_on is QUORUM_HOOK_FAIL_ON; 'quorum config show' lists the keys)",
			"ready to review"}},
		{"no commits yet", env{dir: emptyRepo(t), meminfo: roomy}, nil, 2, []string{
			"FAIL  range       'quorum review' cannot run: the repository has no commits yet",
			"fix: make a first commit with 'git commit', or pass --staged to review what is staged"}},
		{"no base branch", env{dir: devRepo(t), meminfo: roomy}, nil, 2, []string{
			"FAIL  range       'quorum review' cannot run: no base branch found (no upstream, origin/HEAD, main or master)",
			"fix: pass --base REF (or set base: in .quorum.yaml), or set an upstream with 'git branch --set-upstream-to=REMOTE/BRANCH'"}},
		{"a branch off main", env{dir: featureRepo(t), meminfo: roomy}, nil, 0, []string{
			"ok    range       feature against main", "ready to review"}},
		{"missing model among others", env{dir: repo, meminfo: roomy}, []string{"--models", "gemma2:9b,llama3.1:8b,absent:7b"}, 0, []string{
			"warn  panel       model absent:7b is not installed", "fix: ollama pull absent:7b",
			"ok    panel       gemma2:9b, llama3.1:8b (from --models)", "ready to review",
			// The hook runs the others, not nothing.
			"once installed, a push would be reviewed by 2 of 3 panel models, with a warning (hook.on_unavailable: allow)"}},
		{"missing model, hook blocks on it", env{dir: repo, meminfo: roomy, vars: map[string]string{"QUORUM_HOOK_ON_UNAVAILABLE": "block"}}, []string{"--models", "gemma2:9b,absent:7b"}, 0, []string{
			"a push now would be BLOCKED: 1 of the 2 panel models is missing (hook.on_unavailable: block)", "fix: pull the missing models above"}},
		{"all models missing", env{dir: repo, meminfo: roomy}, []string{"--models", "absent:7b"}, 2, []string{
			"FAIL  panel       model absent:7b is not installed", "fix: ollama pull absent:7b",
			"a push now would go through UNREVIEWED"}},
		{"embedding model", env{dir: repo, meminfo: roomy}, []string{"--models", "nomic-embed-text"}, 2, []string{
			"FAIL  panel       nomic-embed-text:latest cannot chat (capabilities: embedding)", "fix: remove it from the panel"}},
		{"single reviewer", env{dir: repo, meminfo: roomy}, []string{"--models", "gemma2:9b", "--max-context", "2048"}, 0, []string{
			"warn  panel       gemma2:9b (from --models): a single reviewer", "fix: add an installed model of another family with `--models gemma2:9b,qwen2.5-coder:7b`", "`ollama pull mistral:7b`",
			"not installed (`quorum hook install`); once installed, a push would be reviewed",
			"warn  context     gemma2:9b: num_ctx 2048 of 8192"}},
		{"agreement over the panel", env{dir: repo, meminfo: roomy, vars: map[string]string{"QUORUM_HOOK_MIN_AGREEMENT": "3", "QUORUM_REVIEW_MIN_AGREEMENT": "3"}}, []string{"--models", "gemma2:9b,llama3.1:8b"}, 2, []string{
			"FAIL  gate        review.min_agreement 3 needs more reviewers than the panel's 2: 'quorum review' stops (exit 2)",
			"fix: lower review.min_agreement to at most 2",
			"FAIL  hook        not installed (`quorum hook install`); hook.min_agreement 3 needs more reviewers than the panel's 2: every push is refused (exit 2)",
			"fix: lower hook.min_agreement to at most 2"}},
		{"agreement over the panel, gate off", env{dir: repo, meminfo: roomy, vars: map[string]string{"QUORUM_HOOK_MIN_AGREEMENT": "3", "QUORUM_REVIEW_MIN_AGREEMENT": "3", "QUORUM_REVIEW_FAIL_ON": "none", "QUORUM_HOOK_FAIL_ON": "none"}}, []string{"--models", "gemma2:9b,llama3.1:8b"}, 0, []string{
			"ready to review"}},
		{"damaged hook verdicts", env{dir: damaged, meminfo: roomy}, nil, 0, []string{
			"warn  hook        the hook's saved verdicts ", "are damaged", "which earlier pushes were blocked is unknown",
			"fix: look at "}},
		{"no room for a diff", env{dir: repo, meminfo: roomy}, []string{"--models", "gemma2:9b", "--max-context", "1024"}, 2, []string{
			"FAIL  context     gemma2:9b: num_ctx 1024 holds quorum's prompt and an answer's room but not a one-line change (at any tokenizer's); a review of it reads nothing",
			"fix: raise max_context in .quorum.yaml (--max-context for one review)"}},
		{"not a repository", env{dir: notRepo, meminfo: roomy}, nil, 2, []string{
			"FAIL  repository  not a git repository: " + notRepo + "\n", "fix: run quorum inside a git work tree, or 'git init' one\n"}},
		{"bare repository", env{dir: bareRepo(t), meminfo: roomy}, nil, 2, []string{
			"FAIL  repository  ", "is a bare repository: it has no work tree to review", "fix: run quorum in a clone with a work tree (`git clone "}},
		{"no git", env{dir: repo, meminfo: roomy, noGit: true}, nil, 2, []string{
			"FAIL  git         git is not installed", "fix: install git"}},
		{"remote host", env{dir: repo, meminfo: roomy}, []string{"--ollama-host", "203.0.113.8"}, 2, []string{
			"FAIL  ollama      refusing to send code to non-loopback ollama host 203.0.113.8:11434", "--allow-remote"}},
		{"allow remote on loopback", env{dir: repo, meminfo: roomy}, []string{"--allow-remote"}, 0, []string{"ready to review"}},
		{"too little memory", env{dir: repo, meminfo: writeMeminfo(t, 4*gb, 3*gb)}, nil, 2, []string{
			"FAIL  memory      llama3.1:8b needs ~", "but this machine has 4.3 GB in all", "fix: choose a smaller model"}},
		{"busy memory", env{dir: repo, meminfo: writeMeminfo(t, 16*gb, 5*gb)}, nil, 0, []string{
			"warn  memory      llama3.1:8b needs ~", "only 5.4 GB is available now (17.2 GB total)"}},
		{"unreadable meminfo", env{dir: repo, meminfo: "/nonexistent/meminfo"}, nil, 0, []string{
			"info  memory      cannot read system memory"}},
		{"cache not a directory", env{dir: repo, meminfo: roomy, vars: map[string]string{"QUORUM_CACHE_DIR": notADir}}, nil, 0, []string{
			"warn  cache       answers will not be cached: mkdir " + notADir + ": not a directory", "fix: make " + notADir + " a writable directory, or point QUORUM_CACHE_DIR at one", "ready to review"}},
		{"cache relative", env{dir: repo, meminfo: roomy, vars: map[string]string{"QUORUM_CACHE_DIR": "rel"}}, nil, 0, []string{
			`warn  cache       answers will not be cached: QUORUM_CACHE_DIR "rel" is not an absolute path`, "fix: point QUORUM_CACHE_DIR at an absolute directory"}},
		{"cache off", env{dir: repo, meminfo: roomy, vars: map[string]string{"QUORUM_CACHE": "false"}}, nil, 0, []string{
			"info  cache       off (cache: false, or QUORUM_CACHE=false): every review asks the models again"}},
		{"judge installed", env{dir: repo, meminfo: roomy, vars: map[string]string{"QUORUM_MERGE_JUDGE": "gemma2:9b"}}, nil, 0, []string{
			"ok    judge       gemma2:9b groups the findings (merge.judge)", "ready to review"}},
		{"judge missing", env{dir: repo, meminfo: roomy, vars: map[string]string{"QUORUM_MERGE_JUDGE": "mistral:7b"}}, nil, 0, []string{
			"warn  judge       mistral:7b is not installed, so quorum's rules will group the findings", "fix: ollama pull mistral:7b, or merge.judge: none", "ready to review"}},
		{"judge unchecked", env{dir: repo, meminfo: roomy, vars: map[string]string{"QUORUM_MERGE_JUDGE": "gemma2:9b"}}, []string{"--ollama-host", "203.0.113.8"}, 2, []string{
			"info  judge       not checked: ollama is not available"}},
		{"judge cannot chat", env{dir: repo, meminfo: roomy, vars: map[string]string{"QUORUM_MERGE_JUDGE": "nomic-embed-text"}}, nil, 0, []string{
			"warn  judge       nomic-embed-text cannot chat, so quorum's rules will group the findings"}},
		{"bad config", env{dir: repo, meminfo: roomy, vars: map[string]string{"QUORUM_MAX_CONTEXT": "lots"}}, nil, 2, []string{
			"FAIL  config      env QUORUM_MAX_CONTEXT: max_context",
			// Nothing is checked against defaults the user did not choose.
			"info  ollama      not checked: the configuration does not load (above)",
			"info  panel       not checked: the configuration does not load (above)",
			"info  hook        not installed (`quorum hook install`); what a push would do depends on the configuration, which does not load (above)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.e.vars == nil {
				tt.e.vars = map[string]string{}
			}
			if tt.e.vars["OLLAMA_HOST"] == "" {
				tt.e.vars["OLLAMA_HOST"] = srv.Host
			}
			out, errOut, code := run(t, tt.e, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.code, out, errOut)
			}
			for _, l := range tt.lines {
				if !strings.Contains(out, l) {
					t.Errorf("stdout lacks %q:\n%s", l, out)
				}
			}
			if tt.code == 2 && !strings.Contains(errOut, "block") {
				t.Errorf("stderr %q", errOut)
			}
		})
	}
}

func TestVersions(t *testing.T) {
	repo := gitRepo(t)
	tests := map[string]string{
		"0.0.0":  `ok    ollama      reachable at HOST, version unknown ("0.0.0": a source build has none stamped)`,
		"0.6.5":  "warn  ollama      version 0.6.5 at HOST silently cuts prompts longer than the context",
		"0.4.7":  "FAIL  ollama      version 0.4.7 at HOST cannot follow a JSON schema (needs 0.5.0 or later)",
		"0.13.1": "ok    ollama      version 0.13.1 at HOST",
	}
	for v, want := range tests {
		srv := ollamatest.New(t, ollamatest.Config{Version: v})
		out, _, _ := run(t, env{vars: map[string]string{"OLLAMA_HOST": srv.Host}, dir: repo, meminfo: writeMeminfo(t, 64*gb, 48*gb)})
		if !strings.Contains(strings.ReplaceAll(out, srv.Host, "HOST"), want) {
			t.Errorf("%s:\n%s", v, out)
		}
	}
}

func TestFit(t *testing.T) {
	ctx := func(review.ModelInfo) int { return 8192 }
	a := review.ModelInfo{Name: "a", SizeBytes: 4 * gb, ParameterSize: "7B"}
	b := review.ModelInfo{Name: "b", SizeBytes: 5 * gb, ParameterSize: "8B"}
	needA, needB := Need(a, 8192), Need(b, 8192)
	if needA <= 4*gb || needA > 6*gb {
		t.Errorf("Need(a) = %d", needA)
	}
	tests := []struct {
		mem    Meminfo
		status Status
		want   string
	}{
		{Meminfo{Total: 32 * gb, Available: 20 * gb}, OK, "fits concurrently"},
		{Meminfo{Total: 32 * gb, Available: needB + gb}, OK, "fits one model at a time"},
		{Meminfo{Total: 32 * gb, Available: needA}, Warn, "b needs ~"},
		{Meminfo{Total: needA, Available: needA}, Fail, "this machine has"},
	}
	if got := Fit([]review.ModelInfo{a}, Meminfo{Total: 32 * gb, Available: 20 * gb}, ctx); got.Status != OK || !strings.Contains(got.Detail, "the panel fits: ~") || !strings.Contains(got.Detail, " for a, ") {
		t.Errorf("one model: %+v", got)
	}
	// No size known (an OpenAI-compatible server): not weighed, said so.
	if got := Fit([]review.ModelInfo{{Name: "x"}, {Name: "y"}}, Meminfo{Total: 32 * gb, Available: 20 * gb}, ctx); got.Status != Info || !strings.HasPrefix(got.Detail, "not checked: the server reports no model sizes") {
		t.Errorf("no sizes: %+v", got)
	}
	for _, tt := range tests {
		got := Fit([]review.ModelInfo{a, b}, tt.mem, ctx)
		if got.Status != tt.status || !strings.Contains(got.Detail, tt.want) {
			t.Errorf("Fit(%+v) = %+v, want %v %q", tt.mem, got, tt.status, tt.want)
		}
	}
}

func TestReadMeminfo(t *testing.T) {
	m, err := readMeminfo(writeMeminfo(t, 8*gb, 3*gb))
	if err != nil || m.Total != 8*gb || m.Available != 3*gb {
		t.Errorf("%+v %v", m, err)
	}
	p := filepath.Join(t.TempDir(), "old")
	os.WriteFile(p, []byte("MemTotal: 1000 kB\nMemFree: 100 kB\nCached: 50 kB\n"), 0o644)
	if m, err := readMeminfo(p); err != nil || m.Available != 150*1024 {
		t.Errorf("old kernel: %+v %v", m, err)
	}
	os.WriteFile(p, []byte("garbage\n"), 0o644)
	if _, err := readMeminfo(p); err == nil {
		t.Error("garbage accepted")
	}
	if _, err := readMeminfo("/nonexistent"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%v", err)
	}
}

func TestIsLoopbackName(t *testing.T) {
	for h, want := range map[string]bool{"127.0.0.1:1": true, "[::1]:2": true, "localhost:3": true, "10.0.0.1:4": false, "gpu.lan:5": false} {
		if got := isLoopbackName(h); got != want {
			t.Errorf("isLoopbackName(%q) = %v", h, got)
		}
	}
}

// openAIServer is an OpenAI-compatible server listing one model, coder,
// of which it says nothing more.
func openAIServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/models" {
			fmt.Fprint(w, `{"object":"list","data":[{"id":"coder","object":"model"}]}`)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// An OpenAI-compatible server is named as such, not as ollama with an
// unknown version.
func TestOpenAIServerLine(t *testing.T) {
	srv := openAIServer(t)
	out, errOut, _ := run(t, env{vars: map[string]string{"QUORUM_API": "openai", "QUORUM_HOST": srv.URL + "/v1"}, dir: gitRepo(t), meminfo: writeMeminfo(t, 64*gb, 48*gb)})
	if !strings.Contains(out, "ok    server      OpenAI-compatible API at ") || strings.Contains(out, "ollama      ") {
		t.Fatalf("stdout:\n%s\nstderr:\n%s", out, errOut)
	}
}

// A panel naming one model twice (a copy under another name, or a name
// and its :latest) fails, as review and the hook refuse it.
func TestPanelOneModelTwice(t *testing.T) {
	digest := "sha256:9a8b7c6d5e4f33221100aabbccddeeff00112233445566778899aabbccddeeff"
	srv := ollamatest.New(t, ollamatest.Config{Models: []ollamatest.Model{
		{Name: "coder:latest", Family: "qwen2", ContextLength: 32768, Capabilities: []string{"completion"}, Digest: digest},
		{Name: "coder-copy:latest", Family: "qwen2", ContextLength: 32768, Capabilities: []string{"completion"}, Digest: digest},
	}})
	out, _, code := run(t, env{vars: map[string]string{"OLLAMA_HOST": srv.Host}, dir: gitRepo(t), meminfo: writeMeminfo(t, 64*gb, 48*gb)},
		"--models", "coder,coder-copy")
	if code != 2 || !strings.Contains(out, "FAIL  panel       coder:latest and coder-copy:latest are one model (ID 9a8b7c6d5e4f): as two reviewers they would agree with themselves") ||
		!strings.Contains(out, "fix: list the model once in --models") || strings.Contains(out, "ok    panel") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

// A reviewer with a server of its own, and a judge that is that reviewer,
// are checked on that server: there they are installed, and this
// machine's memory is not asked to hold them; a server that does not
// answer is said as such, not as a model to pull.
func TestModelsOnTheirOwnServer(t *testing.T) {
	laptop := ollamatest.New(t, ollamatest.Config{Models: []ollamatest.Model{{Name: "gemma2:9b", Family: "gemma2", ParameterSize: "9.2B", Quantization: "Q4_0", Size: 5 * gb, ContextLength: 8192}}})
	team := ollamatest.New(t, ollamatest.Config{})
	for _, tt := range []struct {
		host       string
		want, lack []string
	}{
		{team.Host, []string{"ok    judge       llama3.1:8b groups the findings (merge.judge)", "ok    panel       gemma2:9b, llama3.1:8b (from the configuration)",
			"ok    memory      the panel fits: ~6.8 GB for gemma2:9b,"}, []string{"is not installed", "warn  "}},
		{"127.0.0.1:1", []string{"warn  panel       model llama3.1:8b: its server 127.0.0.1:1 cannot be asked: cannot reach ollama at 127.0.0.1:1",
			"warn  judge       llama3.1:8b: its server 127.0.0.1:1 cannot be asked, so quorum's rules will group the findings"}, []string{"is not installed"}},
	} {
		repo := gitRepo(t)
		yaml := "models:\n  - gemma2:9b\n  - name: llama3.1:8b\n    host: " + tt.host + "\nmerge:\n  judge: llama3.1:8b\n"
		if err := os.WriteFile(filepath.Join(repo, ".quorum.yaml"), []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		out, errOut, _ := run(t, env{dir: repo, meminfo: writeMeminfo(t, 64*gb, 48*gb), vars: map[string]string{"OLLAMA_HOST": laptop.Host}})
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("judge on %s: stdout lacks %q:\n%s%s", tt.host, w, out, errOut)
			}
		}
		for _, l := range tt.lack {
			if strings.Contains(out, l) {
				t.Errorf("judge on %s: stdout has %q:\n%s%s", tt.host, l, out, errOut)
			}
		}
	}
}

// TestLedgerThatDoesNotLoad: a dismissal ledger left with a merge's
// conflict markers stops every review and push; doctor says so, with what
// to do, and is not "ready to review". A ledger that reads is counted.
func TestLedgerThatDoesNotLoad(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{})
	dir := gitRepo(t)
	if err := os.MkdirAll(filepath.Join(dir, ".quorum"), 0o755); err != nil {
		t.Fatal(err)
	}
	ledger := filepath.Join(dir, ".quorum", "dismissed.yaml")
	good := "dismissed:\n  - fingerprint: 0123456789abcdef\n    reason: trusted input\n"
	if err := os.WriteFile(ledger, []byte(good), 0o644); err != nil {
		t.Fatal(err)
	}
	e := env{vars: map[string]string{"OLLAMA_HOST": srv.Host}, dir: dir, meminfo: writeMeminfo(t, 64*gb, 48*gb)}
	if out, _, code := run(t, e); code != 0 || !strings.Contains(out, "ok    dismissals  1 dismissal, readable\n") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	two := good + "  - fingerprint: 123456789abcdef0\n    reason: checked upstream\n"
	if err := os.WriteFile(ledger, []byte(two), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, _, code := run(t, e); code != 0 || !strings.Contains(out, "ok    dismissals  2 dismissals, readable\n") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if err := os.WriteFile(ledger, []byte("<<<<<<< HEAD\n"+good+"=======\n>>>>>>> other\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, e)
	if code != 2 || !strings.Contains(out, "FAIL  dismissals") || !strings.Contains(out, "line 1: has git merge conflict markers") ||
		!strings.Contains(out, "fix: edit .quorum/dismissed.yaml: keep the entries of both sides") || strings.Contains(out, "ready to review") ||
		!strings.Contains(errOut, "hint: fix the problems marked FAIL above") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestContextTheServerRuns: the context a review found the server runs a
// model at, under what quorum asks for (an OpenAI-compatible server sets
// its own), is the one doctor judges: a warning when a review fits, a
// failure naming the server when none does; never "ready" for a model
// whose every review reads nothing.
func TestContextTheServerRuns(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{})
	repo := gitRepo(t)
	sum := sha256.Sum256([]byte("gemma2:9b"))
	for _, tc := range []struct {
		serverCtx int
		models    string
		agreement string // review.min_agreement, "" for the default
		code      int
		lines     []string
	}{
		{2048, "gemma2:9b", "", 0, []string{"warn  context     gemma2:9b: the server runs it at 2048 tokens, under the num_ctx 8192 quorum asks for (a review measured it)",
			"fix: raise the context the server runs it at", "ready to review"}},
		{700, "gemma2:9b", "", 2, []string{"FAIL  context     gemma2:9b: num_ctx 700 holds quorum's prompt and an answer's room but not a one-line change",
			"fix: raise the context the server runs it at"}},
		// Beside a model that reads the change, the review rests on it: a
		// warning, not a problem that blocks a review (helper 234).
		{700, "gemma2:9b,llama3.1:8b", "", 0, []string{"warn  context     gemma2:9b: num_ctx 700 holds quorum's prompt and an answer's room but not a one-line change",
			"a review of it reads nothing; a review rests on the other models, and under the pre-push hook every push is partly reviewed", "ready to review"}},
		// Unless the others are fewer than min_agreement: then no finding
		// could trip the gate (helper 249).
		{700, "gemma2:9b,llama3.1:8b", "2", 2, []string{"FAIL  context     gemma2:9b: num_ctx 700 holds quorum's prompt and an answer's room but not a one-line change"}},
	} {
		cacheDir := filepath.Join(t.TempDir(), "cache")
		reviewrun.RecordCheckedContext(cache.New(cacheDir), "gemma2:9b", hex.EncodeToString(sum[:]), 8192, tc.serverCtx)
		vars := map[string]string{"OLLAMA_HOST": srv.Host, "QUORUM_CACHE_DIR": cacheDir}
		if tc.agreement != "" {
			vars["QUORUM_REVIEW_MIN_AGREEMENT"] = tc.agreement
		}
		out, errOut, code := run(t, env{dir: repo, meminfo: writeMeminfo(t, 64*gb, 48*gb), vars: vars}, "--models", tc.models)
		if code != tc.code {
			t.Errorf("server at %d: exit %d, want %d\n%s%s", tc.serverCtx, code, tc.code, out, errOut)
		}
		for _, l := range tc.lines {
			if !strings.Contains(out, l) {
				t.Errorf("server at %d: no %q in\n%s", tc.serverCtx, l, out)
			}
		}
	}
}

// TestContextTheUserSets: a server that reports no context length is
// warned about, with the num_ctx setting as the fix, until the user sets
// one; then the line says it is theirs and asks for nothing.
func TestContextTheUserSets(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{Models: []ollamatest.Model{{Name: "plain:latest", Family: "llama", ParameterSize: "7B", Quantization: "Q4_0", Size: 4 * gb}}})
	repo := gitRepo(t)
	e := env{dir: repo, meminfo: writeMeminfo(t, 64*gb, 48*gb), vars: map[string]string{"OLLAMA_HOST": srv.Host}}
	out, _, _ := run(t, e, "--models", "plain")
	if !strings.Contains(out, "warn  context     plain:latest: the server reports no context length; quorum will ask for 4096 tokens, what it sets on every request") {
		t.Errorf("no num_ctx set:\n%s", out)
	}
	if err := os.WriteFile(filepath.Join(repo, ".quorum.yaml"), []byte("models:\n  - name: plain\n    num_ctx: 8192\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, _ = run(t, e)
	if !strings.Contains(out, "ok    context     plain:latest: num_ctx 8192, yours (the server reports no context length)") {
		t.Errorf("num_ctx set:\n%s", out)
	}
}

// TestHookLineUsesThePushsConfig: a branch whose committed .quorum.yaml
// is laxer than the remote default branch's is described as the hook
// will review it (under origin/main's), with the note the hook gives.
func TestHookLineUsesThePushsConfig(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{})
	remote := t.TempDir()
	runGit(t, remote, "init", "-q", "--bare", "-b", "main", remote)
	dir := gitRepo(t)
	runGit(t, dir, "remote", "add", "origin", remote)
	runGit(t, dir, "push", "-q", "origin", "main")
	runGit(t, dir, "checkout", "-q", "-b", "feature")
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte("hook:\n  fail_on: suggestion\n  on_unavailable: block\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runGit(t, dir, "add", ".quorum.yaml")
	runGit(t, dir, "commit", "-q", "-m", "lax")
	out, _, _ := run(t, env{dir: dir, meminfo: writeMeminfo(t, 64*gb, 48*gb), vars: map[string]string{"OLLAMA_HOST": srv.Host}})
	for _, want := range []string{
		"info  hook        the push carries a .quorum.yaml other than origin/main's: it is reviewed under the defaults",
		"a push would be reviewed and blocked on critical findings; if ollama is down, a push is allowed with a warning",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

// TestGuidelinesAndAheadLines: doctor names the guideline files the models
// get, and a post-commit hook reviewing commits in the background (or
// hook.ahead: false stopping it).
func TestGuidelinesAndAheadLines(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{})
	dir := gitRepo(t)
	if err := os.WriteFile(filepath.Join(dir, "AGENTS.md"), []byte("be kind\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte("guidelines: [docs/STYL.md]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runGit(t, dir, "add", "AGENTS.md")
	runGit(t, dir, "commit", "-q", "-m", "agents")
	hooks := filepath.Join(dir, ".git", "hooks")
	if err := os.MkdirAll(hooks, 0o755); err != nil {
		t.Fatal(err)
	}
	f, _, _ := cmdtest.NewFactory(dir, map[string]string{"OLLAMA_HOST": srv.Host})
	if code := cmdtest.Execute(context.Background(), hookcmd.NewCmdInstall(f, nil), f.IOStreams, []string{"--ahead"}); code != 0 {
		t.Fatalf("hook install --ahead: exit %d", code)
	}
	e := env{dir: dir, meminfo: writeMeminfo(t, 64*gb, 48*gb), vars: map[string]string{"OLLAMA_HOST": srv.Host}}
	out, _, _ := run(t, e)
	for _, want := range []string{
		"info  guidelines  the repository's AGENTS.md (at HEAD; a review quotes them as its change's base has them)",
		"warn  guidelines  docs/STYL.md, named by guidelines: in .quorum.yaml, is neither at HEAD nor in the work tree: the models get nothing from it",
		"info  ahead       the post-commit hook is installed: each commit is reviewed in the background",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	e.vars["QUORUM_HOOK_AHEAD"] = "false"
	if out, _, _ := run(t, e); !strings.Contains(out, "info  ahead       the post-commit hook is installed, but hook.ahead is false (env QUORUM_HOOK_AHEAD)") {
		t.Errorf("hook.ahead false:\n%s", out)
	}
}

// TestOpenAIContextAsAReviewPlansIt: over the OpenAI-compatible API no
// num_ctx reaches the server, so doctor says the 2048 tokens a review
// plans for; once a review's tokenizer probe was cut there (the server
// runs the model at less than the probe takes), a review plans at one
// token a byte, and doctor judges the model so: it fails when nothing
// fits, naming the server's setting, where it said "ready" before.
func TestOpenAIContextAsAReviewPlansIt(t *testing.T) {
	srv := openAIServer(t)
	cacheDir := filepath.Join(t.TempDir(), "cache")
	e := env{vars: map[string]string{"QUORUM_API": "openai", "QUORUM_HOST": srv.URL + "/v1", "QUORUM_CACHE_DIR": cacheDir}, dir: gitRepo(t), meminfo: writeMeminfo(t, 64*gb, 48*gb)}
	out, errOut, code := run(t, e, "--models", "coder")
	if code != 0 || !strings.Contains(out, "warn  context     coder: the server reports no context length, and this API cannot set one; quorum plans for 2048 tokens") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	client, err := openai.New(openai.Config{BaseURL: srv.URL + "/v1"})
	if err != nil {
		t.Fatal(err)
	}
	models, err := client.List(context.Background())
	if err != nil || len(models) != 1 {
		t.Fatalf("list: %v %v", models, err)
	}
	reviewrun.RecordProbeCut(cache.New(cacheDir), "coder", models[0].Digest, 2048) // what a review records of its cut probe
	out, errOut, code = run(t, e, "--models", "coder")
	if code != 2 || !strings.Contains(out, "FAIL  context     coder: num_ctx 2048 holds quorum's prompt and an answer's room but not a one-line change (at one token a byte: the server cut quorum's tokenizer probe") ||
		!strings.Contains(out, "fix: raise the context the server runs it at") {
		t.Fatalf("after a cut probe: exit %d\n%s%s", code, out, errOut)
	}
}
