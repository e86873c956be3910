// Package e2e drives a real Ollama server with tiny local models; its tests skip unless QUORUM_OLLAMA_BIN names the server binary.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/tinymodel"
)

// EnvBin names the environment variable holding the path of the `ollama`
// binary (scripts/ollama-server.sh builds one and prints its path).
const EnvBin = "QUORUM_OLLAMA_BIN"

// Binary returns the server binary named by QUORUM_OLLAMA_BIN, skipping the
// test when the variable is unset and failing it when the file is unusable.
func Binary(t testing.TB) string {
	t.Helper()
	bin := os.Getenv(EnvBin)
	if bin == "" {
		t.Skipf("%s is not set; run scripts/ollama-server.sh and export %s=<its output>", EnvBin, EnvBin)
	}
	fi, err := os.Stat(bin)
	if err != nil {
		t.Fatalf("%s: %v", EnvBin, err)
	}
	if fi.IsDir() || fi.Mode()&0o111 == 0 {
		t.Fatalf("%s=%s is not an executable file", EnvBin, bin)
	}
	return bin
}

// Server is one `ollama serve` process on a free loopback port, with its own
// model store and home directory, stopped (with its runners) at test cleanup.
type Server struct {
	Bin    string
	Host   string // 127.0.0.1:port, the value for OLLAMA_HOST
	URL    *url.URL
	Models string // OLLAMA_MODELS
	Home   string
	Dir    string // scratch directory for model files
	log    *lockedBuffer
	cmd    *exec.Cmd
	done   chan struct{}
}

// Start launches `bin serve` and waits until /api/version answers.
func Start(t testing.TB, bin string) *Server { t.Helper(); return StartWith(t, bin) }

// StartWith is Start with extra environment for the server only, such as
// OLLAMA_CONTEXT_LENGTH for clients that cannot set num_ctx (the /v1 API).
func StartWith(t testing.TB, bin string, extraEnv ...string) *Server {
	t.Helper()
	dir := t.TempDir()
	s := &Server{
		Bin:    bin,
		Host:   freeLoopback(t),
		Models: filepath.Join(dir, "models"),
		Home:   filepath.Join(dir, "home"),
		Dir:    filepath.Join(dir, "files"),
		log:    &lockedBuffer{},
		done:   make(chan struct{}),
	}
	for _, d := range []string{s.Models, s.Home, s.Dir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s.URL = &url.URL{Scheme: "http", Host: s.Host}
	s.cmd = exec.Command(bin, "serve")
	s.cmd.Env = append(s.Env(), extraEnv...)
	s.cmd.Stdout = s.log
	s.cmd.Stderr = s.log
	// Its own process group, so Stop also ends the runner processes it forks.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start %s serve: %v", bin, err)
	}
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			// The whole log outlives the test's temp dir, for a post-mortem.
			keep := filepath.Join(os.TempDir(), "quorum-e2e-"+strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())+".log")
			if err := os.WriteFile(keep, []byte(s.Log()), 0o644); err == nil {
				t.Logf("ollama serve log: %s", keep)
			}
			t.Logf("ollama serve log (tail):\n%s", tail(s.Log(), 60))
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		if v, err := s.Version(); err == nil {
			t.Logf("ollama serve %s on %s (version %q)", bin, s.Host, v)
			return s
		}
		select {
		case <-s.done:
			t.Fatalf("ollama serve exited early:\n%s", tail(s.Log(), 40))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("ollama serve did not answer /api/version within 30s:\n%s", tail(s.Log(), 40))
		}
	}
}

// Env is the environment for the server and for clients (the ollama CLI,
// quorum) that should talk to it. Nothing is inherited but PATH, so a
// developer's own OLLAMA_* settings and ~/.ollama never leak in.
func (s *Server) Env() []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + s.Home,
		"OLLAMA_HOST=" + s.Host,
		"OLLAMA_MODELS=" + s.Models,
		"OLLAMA_NUM_PARALLEL=1",
		"OLLAMA_MAX_LOADED_MODELS=4",
		"OLLAMA_KEEP_ALIVE=5m",
		"OLLAMA_DEBUG=" + os.Getenv("OLLAMA_DEBUG"),
	}
}

// Version asks /api/version (v0.6.5 built with go install reports "0.0.0").
func (s *Server) Version() (string, error) {
	var v struct {
		Version string `json:"version"`
	}
	err := s.getJSON("/api/version", &v)
	return v.Version, err
}

func (s *Server) getJSON(path string, v any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL.String()+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// Create writes the tiny model cfg describes and installs it as name with
// `ollama create name -f Modelfile`, the way a user would.
func (s *Server) Create(t testing.TB, name string, cfg tinymodel.Config) {
	t.Helper()
	dir, err := os.MkdirTemp(s.Dir, "model-*")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Name == "" {
		cfg.Name = name
	}
	if err := tinymodel.Write(filepath.Join(dir, "model.gguf"), cfg); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Modelfile"), []byte(tinymodel.Modelfile("./model.gguf")), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(s.Bin, "create", name, "-f", "Modelfile")
	cmd.Dir = dir
	cmd.Env = s.Env()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ollama create %s: %v\n%s", name, err, out)
	}
}

// Log returns what the server has written so far.
func (s *Server) Log() string { return s.log.String() }

// Stop ends the server and its runners: SIGTERM to the process group, then
// SIGKILL if it has not exited within 5 seconds. Safe to call twice.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	pgid := s.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-s.done
	}
	// Runners may outlive the server by a moment; the group kill reaches them.
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}

// Proxy is a reverse proxy on loopback in front of a Server. It counts
// requests by path, tracks requests in flight, and records the final message
// of every /api/chat answer, so a test can prove a run made no model call,
// left nothing running, and reported the server's own figures.
type Proxy struct {
	Host     string // 127.0.0.1:port, the value for OLLAMA_HOST
	mu       sync.Mutex
	hits     map[string]int
	inflight int
	chats    []ChatRecord
}

// ChatRecord is the server's own account of one /api/chat or /api/generate
// answer: its final NDJSON message.
type ChatRecord struct {
	Path               string        `json:"-"`
	Model              string        `json:"model"`
	Done               bool          `json:"done"`
	DoneReason         string        `json:"done_reason"`
	PromptEvalCount    int           `json:"prompt_eval_count"`
	EvalCount          int           `json:"eval_count"`
	TotalDuration      time.Duration `json:"total_duration"`
	LoadDuration       time.Duration `json:"load_duration"`
	PromptEvalDuration time.Duration `json:"prompt_eval_duration"`
	EvalDuration       time.Duration `json:"eval_duration"`
	Status             int           `json:"-"`
	Start, End         time.Time     `json:"-"`
}

// NewProxy starts a counting proxy to s, closed at test cleanup.
func NewProxy(t testing.TB, s *Server) *Proxy {
	t.Helper()
	p := &Proxy{hits: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(s.URL)
	rp.FlushInterval = -1 // stream NDJSON as it comes
	rp.ModifyResponse = func(resp *http.Response) error {
		if path := resp.Request.URL.Path; path == "/api/chat" || path == "/api/generate" {
			start, _ := resp.Request.Context().Value(startKey{}).(time.Time)
			resp.Body = &recordingBody{ReadCloser: resp.Body, p: p, path: path, status: resp.StatusCode, start: start}
		}
		return nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.Host = ln.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.hits[r.URL.Path]++
		p.inflight++
		p.mu.Unlock()
		defer func() {
			p.mu.Lock()
			p.inflight--
			p.mu.Unlock()
		}()
		rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), startKey{}, time.Now())))
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return p
}

// startKey carries when the proxy received a request, for its record.
type startKey struct{}

// recordingBody keeps the last NDJSON line of a chat answer and records it on Close.
type recordingBody struct {
	io.ReadCloser
	p      *Proxy
	path   string
	status int
	start  time.Time
	buf    bytes.Buffer
	closed bool
}

func (b *recordingBody) Read(q []byte) (int, error) {
	n, err := b.ReadCloser.Read(q)
	b.buf.Write(q[:n])
	return n, err
}

func (b *recordingBody) Close() error {
	if !b.closed {
		b.closed = true
		rec := ChatRecord{Path: b.path, Status: b.status, Start: b.start, End: time.Now()}
		lines := strings.Split(strings.TrimSpace(b.buf.String()), "\n")
		_ = json.Unmarshal([]byte(lines[len(lines)-1]), &rec)
		b.p.mu.Lock()
		b.p.chats = append(b.p.chats, rec)
		b.p.mu.Unlock()
	}
	return b.ReadCloser.Close()
}

// Hits returns how many requests reached path.
func (p *Proxy) Hits(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hits[path]
}

// ModelCalls counts the requests that make a model generate.
func (p *Proxy) ModelCalls() int { return p.Hits("/api/chat") + p.Hits("/api/generate") }

// InFlight is the number of requests the proxy is still serving.
func (p *Proxy) InFlight() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.inflight
}

// Chats returns the recorded /api/chat answers, in the order they ended.
func (p *Proxy) Chats() []ChatRecord { return p.Records("/api/chat") }

// Records returns the recorded answers from path, in the order they ended.
func (p *Proxy) Records(path string) []ChatRecord {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []ChatRecord
	for _, r := range p.chats {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// Reset forgets the counts and records so far.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hits = map[string]int{}
	p.chats = nil
}

// Summary lists the counts, for failure messages.
func (p *Proxy) Summary() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return fmt.Sprint(p.hits)
}

func freeLoopback(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// lockedBuffer collects process output written from several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
