package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/loopback"
	"github.com/quorum-review/quorum/review"
)

// fake is an OpenAI-compatible server on 127.0.0.1 that answers from handler
// and records the chat requests it received.
type fake struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	Path   string
	Header http.Header
	Body   map[string]any
}

func newFake(t *testing.T, handler http.HandlerFunc) *fake {
	t.Helper()
	f := &fake{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := recorded{Path: r.URL.Path, Header: r.Header.Clone()}
		if b, _ := io.ReadAll(r.Body); len(b) > 0 {
			if err := json.Unmarshal(b, &rec.Body); err != nil {
				t.Errorf("request body is not JSON: %v", err)
			}
		}
		f.mu.Lock()
		f.reqs = append(f.reqs, rec)
		f.mu.Unlock()
		handler(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

// client builds a client for f whose clock and sleeps are fake: each call of
// now advances a second, and sleeps are recorded, never slept.
func (f *fake) client(t *testing.T, cfg Config) (*Client, *[]time.Duration) {
	t.Helper()
	cfg.BaseURL = f.srv.URL + "/v1"
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c.now = func() time.Time { clock = clock.Add(time.Second); return clock }
	var slept []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		slept = append(slept, d)
		return ctx.Err()
	}
	return c, &slept
}

// sse writes the given payloads as SSE data lines, then [DONE] when done.
func sse(w http.ResponseWriter, done bool, payloads ...string) {
	w.Header().Set("Content-Type", "text/event-stream")
	for _, p := range payloads {
		fmt.Fprintf(w, "data: %s\n\n", p)
	}
	if done {
		fmt.Fprint(w, "data: [DONE]\n\n")
	}
}

func piece(s string) string {
	b, _ := json.Marshal(s)
	return `{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":` + string(b) + `},"finish_reason":null}]}`
}

func finish(reason string) string {
	return `{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"` + reason + `"}]}`
}

func usageChunk(prompt, completion int) string {
	return fmt.Sprintf(`{"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}`,
		prompt, completion, prompt+completion)
}

var schema = json.RawMessage(`{"type":"object","properties":{"summary":{"type":"string"}},"required":["summary"]}`)

func chatReq() review.ChatRequest {
	return review.ChatRequest{
		Model: "qwen2.5-coder:7b", System: "You review code.", Prompt: "the diff", Format: schema,
		Options:   review.Options{NumCtx: 16384, NumPredict: 4096, Temperature: 0, Seed: 42},
		KeepAlive: time.Minute,
	}
}

func TestChatStreamWithUsage(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		// Ollama's shape: usage in its own chunk with no choices, after the finish.
		sse(w, true, piece(`{"summary":`), piece(`"ok"`), piece(`}`), finish("stop"), usageChunk(120, 5))
	})
	c, _ := f.client(t, Config{APIKey: "sk-test"})
	var progressed []int
	resp, err := c.Chat(context.Background(), chatReq(), func(n int) { progressed = append(progressed, n) })
	if err != nil {
		t.Fatal(err)
	}
	if resp.Content != `{"summary":"ok"}` || resp.DoneReason != "stop" || resp.PromptEvalCount != 120 || resp.EvalCount != 5 {
		t.Errorf("resp = %+v", resp)
	}
	if resp.TotalDuration != time.Second {
		t.Errorf("TotalDuration = %v, want the wall clock (1s on the fake clock)", resp.TotalDuration)
	}
	sum := 0
	for _, n := range progressed {
		sum += n
	}
	if len(progressed) != 4 || progressed[0] != 1 || sum != 5 {
		t.Errorf("progress %v: want one per piece, then the rest up to completion_tokens", progressed)
	}

	reqs := f.requests()
	if len(reqs) != 1 || reqs[0].Path != "/v1/chat/completions" {
		t.Fatalf("requests %+v", reqs)
	}
	if got := reqs[0].Header.Get("Authorization"); got != "Bearer sk-test" {
		t.Errorf("Authorization %q", got)
	}
	body, _ := json.Marshal(reqs[0].Body)
	want := `{"max_tokens":4096,"messages":[{"content":"You review code.","role":"system"},{"content":"the diff","role":"user"}],` +
		`"model":"qwen2.5-coder:7b","response_format":{"json_schema":{"name":"review","schema":` +
		`{"properties":{"summary":{"type":"string"}},"required":["summary"],"type":"object"}},"type":"json_schema"},` +
		`"seed":42,"stream":true,"stream_options":{"include_usage":true},"temperature":0}`
	if string(body) != want {
		t.Errorf("request body\n got %s\nwant %s", body, want)
	}
}

// llama-server's shape: usage and timings in the chunk that finishes.
func TestChatLlamaServerTimings(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, ": keep-alive comment\n\nevent: message\n")
		sse(w, true, piece("{}"),
			`{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":30,"completion_tokens":1},"timings":{"prompt_ms":12.5,"predicted_ms":250}}`)
	})
	c, _ := f.client(t, Config{})
	resp, err := c.Chat(context.Background(), chatReq(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Content != "{}" || resp.PromptEvalCount != 30 || resp.EvalCount != 1 ||
		resp.PromptEvalDuration != 12500*time.Microsecond || resp.EvalDuration != 250*time.Millisecond {
		t.Errorf("resp = %+v", resp)
	}
	if h := f.requests()[0].Header.Get("Authorization"); h != "" {
		t.Errorf("Authorization sent without a key: %q", h)
	}
}

func TestChatMissingUsage(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		sse(w, true, piece("{"), piece("}"), finish("stop"))
	})
	c, _ := f.client(t, Config{})
	calls := 0
	resp, err := c.Chat(context.Background(), chatReq(), func(n int) { calls += n })
	if err != nil {
		t.Fatal(err)
	}
	if resp.Content != "{}" || resp.PromptEvalCount != 0 || resp.EvalCount != 0 || resp.DoneReason != "stop" || calls != 2 {
		t.Errorf("resp = %+v, progress %d", resp, calls)
	}
}

func TestChatFinishLength(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		sse(w, true, piece(`{"summ`), finish("length"), usageChunk(10, 8))
	})
	c, _ := f.client(t, Config{})
	req := chatReq()
	req.Options.NumPredict = 8
	resp, err := c.Chat(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.DoneReason != "length" || resp.EvalCount != 8 || resp.Content != `{"summ` {
		t.Errorf("resp = %+v", resp)
	}
}

// A server that ignores stream:true and answers in one piece still works.
func TestChatNotStreamed(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		fmt.Fprint(w, `{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"{}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":7,"completion_tokens":2}}`)
	})
	c, _ := f.client(t, Config{})
	resp, err := c.Chat(context.Background(), chatReq(), nil)
	if err != nil || resp.Content != "{}" || resp.EvalCount != 2 || resp.DoneReason != "stop" {
		t.Errorf("resp = %+v, %v", resp, err)
	}
}

func TestChatUnauthorized(t *testing.T) {
	for _, key := range []string{"", "sk-secret-123"} {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"error":{"message":"Invalid API Key %s","type":"authentication_error"}}`, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		})
		c, _ := f.client(t, Config{APIKey: key})
		_, err := c.Chat(context.Background(), chatReq(), nil)
		var e *Error
		if !errors.Is(err, ErrUnauthorized) || !errors.As(err, &e) || e.Status != 401 {
			t.Fatalf("key %q: err = %v", key, err)
		}
		if key != "" && strings.Contains(err.Error(), key) {
			t.Errorf("the API key leaked into %q", err)
		}
		if !strings.Contains(err.Error(), "Invalid API Key") || !strings.Contains(c.Hint(err, "m"), "api_key_env") {
			t.Errorf("err %q hint %q", err, c.Hint(err, "m"))
		}
		if len(f.requests()) != 1 {
			t.Errorf("401 was retried")
		}
	}
}

func TestChatBusyRetries(t *testing.T) {
	var n int
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		n++
		switch n {
		case 1:
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"error":{"message":"rate limited"}}`)
		case 2:
			w.WriteHeader(http.StatusServiceUnavailable) // no Retry-After: the backoff
		default:
			sse(w, true, piece("{}"), finish("stop"), usageChunk(3, 1))
		}
	})
	c, slept := f.client(t, Config{Retry: BackoffPolicy{Initial: 100 * time.Millisecond}})
	resp, err := c.Chat(context.Background(), chatReq(), nil)
	if err != nil || resp.Content != "{}" {
		t.Fatalf("resp = %+v, %v", resp, err)
	}
	if fmt.Sprint(*slept) != "[2s 200ms]" {
		t.Errorf("slept %v, want Retry-After then the doubled backoff", *slept)
	}
	reqs := f.requests()
	if len(reqs) != 3 || reqs[2].Body["model"] != "qwen2.5-coder:7b" {
		t.Errorf("requests %d", len(reqs))
	}
}

func TestChatBusyGivesUp(t *testing.T) {
	for _, tt := range []struct {
		retryAfter string
		requests   int
	}{
		{"", 2},    // attempts exhausted
		{"600", 1}, // asks for longer than MaxRetryAfter: no wait at all
	} {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			if tt.retryAfter != "" {
				w.Header().Set("Retry-After", tt.retryAfter)
			}
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"error":"queue full"}`)
		})
		c, _ := f.client(t, Config{Retry: BackoffPolicy{Attempts: 2}})
		_, err := c.Chat(context.Background(), chatReq(), nil)
		if !errors.Is(err, review.ErrBusy) || !strings.Contains(err.Error(), "queue full") {
			t.Errorf("Retry-After %q: err = %v", tt.retryAfter, err)
		}
		if got := len(f.requests()); got != tt.requests {
			t.Errorf("Retry-After %q: %d requests, want %d", tt.retryAfter, got, tt.requests)
		}
		if h := c.Hint(err, "m"); !strings.Contains(h, "busy") {
			t.Errorf("hint %q", h)
		}
	}
}

func TestRetryAfterDate(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if d, ok := retryAfter(now.Add(3*time.Second).Format(http.TimeFormat), now); !ok || d != 3*time.Second {
		t.Errorf("date: %v %v", d, ok)
	}
	if _, ok := retryAfter("soon", now); ok {
		t.Error("garbage accepted")
	}
}

func TestChatSchemaRejected(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":{"code":400,"message":"JSON schema conversion failed:\nUnrecognized schema: \u001b[31m{\"kind\"}","type":"invalid_request_error"}}`)
	})
	c, _ := f.client(t, Config{})
	_, err := c.Chat(context.Background(), chatReq(), nil)
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("err = %v", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, `JSON schema conversion failed: Unrecognized schema: {"kind"}`) || strings.ContainsAny(msg, "\n\x1b") {
		t.Errorf("message %q: want the server's text on one sanitised line", msg)
	}
	if !strings.Contains(c.Hint(err, "m"), "json_schema") {
		t.Errorf("hint %q", c.Hint(err, "m"))
	}
}

func TestChatModelNotFound(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		// vLLM's shape.
		fmt.Fprint(w, `{"object":"error","message":"The model `+"`nope`"+` does not exist.","type":"NotFoundError","code":404}`)
	})
	c, _ := f.client(t, Config{})
	req := chatReq()
	req.Model = "nope"
	_, err := c.Chat(context.Background(), req, nil)
	if !errors.Is(err, review.ErrModelNotFound) || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("err = %v", err)
	}
	if h := c.Hint(err, "nope"); !strings.Contains(h, "/v1/models") || !strings.Contains(h, `"nope"`) {
		t.Errorf("hint %q", h)
	}
	// A 404 on the list means the base URL is wrong, not a missing model.
	_, err = c.List(context.Background())
	if !errors.Is(err, ErrServer) || errors.Is(err, review.ErrModelNotFound) {
		t.Errorf("list: %v", err)
	}
}

func TestChatBrokenStreams(t *testing.T) {
	for name, tt := range map[string]struct {
		body string
		want string
	}{
		"error payload":  {"data: " + piece("{") + "\n\ndata: {\"error\":{\"message\":\"CUDA out of memory\"}}\n\n", "CUDA out of memory"},
		"error line":     {"data: " + piece("{") + "\n\nerror: {\"message\":\"slot crashed\",\"code\":500}\n\n", "slot crashed"},
		"not JSON":       {"data: <html>\n\n", "not OpenAI-compatible"},
		"no finish":      {"data: " + piece("{") + "\n\n", "before the answer was complete"},
		"done no finish": {"data: " + piece("{") + "\n\ndata: [DONE]\n\n", "sent [DONE] before"},
	} {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, tt.body)
		})
		c, _ := f.client(t, Config{})
		_, err := c.Chat(context.Background(), chatReq(), nil)
		if !errors.Is(err, ErrServer) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want ErrServer with %q", name, err, tt.want)
		}
	}
}

func TestChatServerError(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"error":{"message":"boom"}}`)
	})
	c, _ := f.client(t, Config{})
	_, err := c.Chat(context.Background(), chatReq(), nil)
	if !errors.Is(err, ErrServer) || !strings.Contains(err.Error(), "(500): boom") || !strings.Contains(c.Hint(err, ""), "log") {
		t.Errorf("err = %v", err)
	}
}

func TestChatCancelMidStream(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		sse(w, false, piece("{"))
		w.(http.Flusher).Flush()
		select { // hold the stream open until the client goes away
		case <-r.Context().Done():
		case <-release:
		}
	})
	c, _ := f.client(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pieces := 0
	_, err := c.Chat(ctx, chatReq(), func(int) { pieces++; cancel() })
	if !errors.Is(err, context.Canceled) || pieces != 1 {
		t.Fatalf("err = %v after %d pieces, want context.Canceled", err, pieces)
	}
	if c.Hint(err, "m") != "" {
		t.Errorf("hint for a cancel: %q", c.Hint(err, "m"))
	}
}

func TestUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	c, err := New(Config{BaseURL: "http://" + addr + "/v1"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.List(context.Background())
	if !errors.Is(err, review.ErrUnreachable) || !strings.Contains(err.Error(), "cannot reach the server at "+addr) {
		t.Fatalf("err = %v", err)
	}
	if h := c.Hint(err, ""); !strings.Contains(h, "http://"+addr+"/v1/models") {
		t.Errorf("hint %q", h)
	}
}

// resolver answers from a table, in turn per call; it never touches DNS.
type resolver struct {
	mu      sync.Mutex
	answers map[string][]string
	calls   int
}

func (r *resolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	seq, ok := r.answers[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	ip := seq[min(r.calls-1, len(seq)-1)]
	return []net.IPAddr{{IP: net.ParseIP(ip)}}, nil
}

// A non-loopback base URL is refused by New, before any connection: there
// is no server here to dial, and no client comes back to dial with.
func TestRemoteRefusedWithoutDialing(t *testing.T) {
	res := &resolver{answers: map[string][]string{"gpu-box.lan": {"192.168.1.20"}}}
	for _, base := range []string{"http://203.0.113.5:8000/v1", "https://gpu-box.lan/v1", "[2001:db8::1]:8080"} {
		c, err := New(Config{BaseURL: base, Resolver: res})
		if c != nil || !errors.Is(err, loopback.ErrRemote) || !strings.HasPrefix(err.Error(), "refusing to send code to non-loopback host") {
			t.Fatalf("New(%s) = %v, %v", base, c, err)
		}
		if h := (&Client{base: &urlHost}).Hint(err, ""); !strings.Contains(h, "allow_remote") {
			t.Errorf("hint %q", h)
		}
	}
	if _, err := New(Config{BaseURL: "http://gpu-box.lan:8000/v1", Resolver: res, AllowRemote: true}); err != nil {
		t.Errorf("allow remote: %v", err)
	}
	if _, err := New(Config{BaseURL: "http://localhost:1/v1", Resolver: res}); !errors.Is(err, review.ErrUnreachable) {
		t.Errorf("unresolvable: %v", err)
	}
}

// A name that resolved to loopback in New and to a public address at dial
// time (DNS rebinding) is refused by the transport.
func TestRebindingRefused(t *testing.T) {
	res := &resolver{answers: map[string][]string{"localhost": {"127.0.0.1", "203.0.113.9"}}}
	c, err := New(Config{BaseURL: "http://localhost:8080/v1", Resolver: res})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Chat(context.Background(), chatReq(), nil)
	if !errors.Is(err, loopback.ErrRemote) || !strings.Contains(err.Error(), "203.0.113.9") {
		t.Fatalf("err = %v", err)
	}
}

func TestParseBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"":                             "http://127.0.0.1:8080/v1",
		"127.0.0.1:8000":               "http://127.0.0.1:8000/v1",
		"http://localhost:1234/v1/":    "http://localhost:1234/v1",
		"http://127.0.0.1:11434":       "http://127.0.0.1:11434/v1",
		"https://box/prefix/v1":        "https://box:443/prefix/v1",
		"http://0.0.0.0:8080/v1":       "http://127.0.0.1:8080/v1",
		"http://[::]:8080":             "http://[::1]:8080/v1",
		"  http://[::1]:9/openai/v1  ": "http://[::1]:9/openai/v1",
	} {
		u, err := ParseBaseURL(in)
		if err != nil || u.String() != want {
			t.Errorf("ParseBaseURL(%q) = %v, %v; want %s", in, u, err, want)
		}
	}
	for _, in := range []string{"ftp://h:1", "http://h:99999", "http://user:pw@h:1/v1", "http://h:1/v1?key=x", "http://:8080"} {
		if _, err := ParseBaseURL(in); !errors.Is(err, ErrBadBaseURL) {
			t.Errorf("ParseBaseURL(%q): %v", in, err)
		}
	}
}
