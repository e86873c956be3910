package ollama_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/review"
)

var schema = json.RawMessage(`{"type":"object","properties":{"summary":{"type":"string"}},"required":["summary"]}`)

func newClient(t testing.TB, srv *ollamatest.Server) *ollama.Client {
	t.Helper()
	c, err := ollama.New(ollama.Config{Host: srv.Host, Busy: ollama.BackoffPolicy{Attempts: 3, Initial: time.Millisecond, Max: 2 * time.Millisecond}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func chatReq(model string) review.ChatRequest {
	return review.ChatRequest{
		Model: model, System: "you review code", Prompt: "review this diff: +x := 1",
		Format:    schema,
		Options:   review.Options{NumCtx: 8192, NumPredict: 512, Temperature: 0, Seed: 42},
		KeepAlive: 10 * time.Minute,
	}
}

func TestChatSendsOptionsAndStreams(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{
		Rules: []ollamatest.Rule{{Model: "llama3.1:8b", Contains: "+x := 1", Reply: `{"summary":"x is unused"}`}},
	})
	c := newClient(t, srv)
	tokens := 0
	resp, err := c.Chat(context.Background(), chatReq("llama3.1:8b"), func(n int) { tokens += n })
	if err != nil {
		t.Fatalf("Chat: %v", err)
	}
	if resp.Content != `{"summary":"x is unused"}` {
		t.Errorf("content %q", resp.Content)
	}
	if resp.DoneReason != "stop" || resp.EvalCount == 0 || tokens != resp.EvalCount {
		t.Errorf("done %q eval %d progress %d", resp.DoneReason, resp.EvalCount, tokens)
	}
	wantPrompt := ollamatest.EstimateTokens("you review code") + ollamatest.EstimateTokens("review this diff: +x := 1")
	if resp.PromptEvalCount != wantPrompt || resp.EvalDuration <= 0 || resp.TotalDuration < resp.EvalDuration {
		t.Errorf("metrics %+v", resp)
	}
	chats := srv.Chats()
	if len(chats) != 1 {
		t.Fatalf("%d chats", len(chats))
	}
	got := chats[0]
	for k, want := range map[string]float64{"num_ctx": 8192, "num_predict": 512, "temperature": 0, "seed": 42} {
		if v, ok := got.Options[k]; !ok || v != want {
			t.Errorf("option %s = %v (set %v), want %v", k, v, ok, want)
		}
	}
	if string(got.Format) != string(schema) || got.System != "you review code" || !got.Stream {
		t.Errorf("format %s system %q stream %v", got.Format, got.System, got.Stream)
	}
	if got.KeepAlive == nil || *got.KeepAlive != 10*time.Minute {
		t.Errorf("keep_alive %v", got.KeepAlive)
	}
	if got.Truncate == nil || *got.Truncate {
		t.Errorf("truncate %v, want false", got.Truncate)
	}
}

func TestChatTruncateByServerVersion(t *testing.T) {
	for version, want := range map[string]bool{"0.0.0": true, "0.12.6": true, "0.6.5": false} {
		srv := ollamatest.New(t, ollamatest.Config{Version: version})
		c := newClient(t, srv)
		if _, err := c.Chat(context.Background(), chatReq("gemma2:9b"), nil); err != nil {
			t.Fatalf("%s: %v", version, err)
		}
		if _, err := c.Chat(context.Background(), chatReq("gemma2:9b"), nil); err != nil {
			t.Fatalf("%s: %v", version, err)
		}
		if n := srv.Count("/api/version"); n != 1 {
			t.Errorf("%s: version asked %d times, want once per client", version, n)
		}
		got := srv.Chats()[0].Truncate
		if (got != nil) != want || (got != nil && *got) {
			t.Errorf("%s: truncate %v, want sent=%v", version, got, want)
		}
	}
}

// assertErr checks what the user sees: message, hint and exit code.
func assertErr(t *testing.T, err error, is error, msg, hint string, code int) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v", is)
	}
	if is != nil && !errors.Is(err, is) {
		t.Errorf("error %v is not %v", err, is)
	}
	if !strings.Contains(err.Error(), msg) {
		t.Errorf("message %q does not contain %q", err.Error(), msg)
	}
	if strings.ContainsRune(err.Error(), '\n') {
		t.Errorf("message %q is not one line", err.Error())
	}
	if h := ollama.HintOf(err); !strings.Contains(h, hint) || h == "" {
		t.Errorf("hint %q does not contain %q", h, hint)
	}
	if c := ollama.CodeOf(err); c != code {
		t.Errorf("exit code %d, want %d", c, code)
	}
}

func TestChatFaults(t *testing.T) {
	const model = "qwen2.5-coder:7b"
	tests := []struct {
		name  string
		fault ollamatest.FaultKind
		is    error
		msg   string
		hint  string
		code  int
		// server: the server itself failed (Error.Server), which is still
		// exit 2, never 3: not a fault of quorum.
		server bool
		status int // of a FaultServerError: an auth layer's or a proxy's
	}{
		{"401", ollamatest.FaultServerError, ollama.ErrRejected, "chat with qwen2.5-coder:7b: ollama at 127.0.0.1:", "without authentication", ollama.CodeSetup, false, 401},
		{"429", ollamatest.FaultServerError, review.ErrBusy, "chat with qwen2.5-coder:7b: ollama is busy", "limits how often it is asked", ollama.CodeSetup, false, 429},
		{"502", ollamatest.FaultServerError, ollama.ErrServer, "chat with qwen2.5-coder:7b: the server at 127.0.0.1:", "a proxy between quorum and ollama", ollama.CodeSetup, true, 502},
		{"500", ollamatest.FaultServerError, ollama.ErrServer, "chat with qwen2.5-coder:7b: ollama failed (500): llama runner process has terminated", "out of memory", ollama.CodeSetup, true, 0},
		{"503", ollamatest.FaultBusy, review.ErrBusy, "chat with qwen2.5-coder:7b: ollama is busy", "OLLAMA_MAX_QUEUE", ollama.CodeSetup, false, 0},
		{"404", ollamatest.FaultNotFound, review.ErrModelNotFound, `model "qwen2.5-coder:7b" is not installed in ollama at 127.0.0.1:`, "ollama pull qwen2.5-coder:7b", ollama.CodeSetup, false, 0},
		{"drop", ollamatest.FaultDrop, ollama.ErrStreamDropped, "chat with qwen2.5-coder:7b: ollama closed the connection before the answer was complete", "crash or restart", ollama.CodeSetup, true, 0},
		{"cut short", ollamatest.FaultCutShort, ollama.ErrStreamDropped, "chat with qwen2.5-coder:7b: ollama ended the answer before it was complete", "stuck repeating itself", ollama.CodeSetup, true, 0},
		{"error line", ollamatest.FaultErrorLine, ollama.ErrServer, "ollama reported an error: an error was encountered while running the model", "server.log", ollama.CodeSetup, true, 0},
		{"garbage line", ollamatest.FaultGarbageLine, ollama.ErrServer, "ollama reported an error: <html>this is not json</html>", "server.log", ollama.CodeSetup, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ollamatest.New(t, ollamatest.Config{Faults: []ollamatest.Fault{{Kind: tt.fault, Model: model, Status: tt.status}}})
			c := newClient(t, srv)
			_, err := c.Chat(context.Background(), chatReq(model), nil)
			assertErr(t, err, tt.is, tt.msg, tt.hint, tt.code)
			if e := (*ollama.Error)(nil); !errors.As(err, &e) || e.Server() != tt.server {
				t.Errorf("Server() of %v: want %v", err, tt.server)
			}
			// The other models are unaffected.
			if _, err := c.Chat(context.Background(), chatReq("llama3.1:8b"), nil); err != nil {
				t.Errorf("other model: %v", err)
			}
		})
	}
}

func TestChatBusyRetriesThenSucceeds(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{Faults: []ollamatest.Fault{{Kind: ollamatest.FaultBusy, Times: 2}}})
	c := newClient(t, srv)
	if _, err := c.Chat(context.Background(), chatReq("gemma2:9b"), nil); err != nil {
		t.Fatalf("Chat: %v", err)
	}
	chats := srv.Chats()
	if len(chats) != 3 || chats[0].Status != 503 || chats[1].Status != 503 || chats[2].Status != 200 {
		t.Errorf("requests: %+v", chats)
	}
	// Bounded: with 3 attempts, 3 busy answers give up.
	srv2 := ollamatest.New(t, ollamatest.Config{Faults: []ollamatest.Fault{{Kind: ollamatest.FaultBusy, Times: 5}}})
	_, err := newClient(t, srv2).Chat(context.Background(), chatReq("gemma2:9b"), nil)
	assertErr(t, err, review.ErrBusy, "ollama is busy", "OLLAMA_MAX_QUEUE", ollama.CodeSetup)
	if n := srv2.Count("/api/chat"); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

func TestChatNotInstalled(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{})
	_, err := newClient(t, srv).Chat(context.Background(), chatReq("mistral:7b"), nil)
	assertErr(t, err, review.ErrModelNotFound, `model "mistral:7b" is not installed`, "ollama pull mistral:7b", ollama.CodeSetup)
}

func TestChatEmbeddingModelRejected(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{})
	_, err := newClient(t, srv).Chat(context.Background(), chatReq("nomic-embed-text"), nil)
	assertErr(t, err, ollama.ErrRejected, "does not support chat", "can chat", ollama.CodeSetup)
}

func TestChatPromptOverContext(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{})
	req := chatReq("gemma2:9b")
	req.Options.NumCtx = 16
	req.Prompt = strings.Repeat("line of diff\n", 100)
	_, err := newClient(t, srv).Chat(context.Background(), req, nil)
	assertErr(t, err, ollama.ErrRejected, "the input length exceeds the context length", "fits its context", ollama.CodeSetup)

	// An old server truncates silently: prompt_eval_count shows it.
	old := ollamatest.New(t, ollamatest.Config{Version: "0.5.7"})
	resp, err := newClient(t, old).Chat(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.PromptEvalCount != 16 {
		t.Errorf("prompt_eval_count %d, want the truncated 16", resp.PromptEvalCount)
	}
}

func TestChatHangTimesOut(t *testing.T) {
	for _, kind := range []ollamatest.FaultKind{ollamatest.FaultHang, ollamatest.FaultStall} {
		t.Run(kind.String(), func(t *testing.T) {
			srv := ollamatest.New(t, ollamatest.Config{Faults: []ollamatest.Fault{{Kind: kind}}})
			c := newClient(t, srv)
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := c.Chat(ctx, chatReq("gemma2:9b"), nil)
			assertErr(t, err, ollama.ErrTimeout, "chat with gemma2:9b: ollama did not answer in time", "timeout", ollama.CodeSetup)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%v is not DeadlineExceeded", err)
			}
			// The fault never ends by itself: only the 100ms deadline ends
			// the call. A minute is orders of magnitude above what that
			// takes on any machine.
			if d := time.Since(start); d > time.Minute {
				t.Errorf("took %v", d)
			}
			waitIdle(t, srv)
		})
	}
}

func TestChatCanceled(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{Faults: []ollamatest.Fault{{Kind: ollamatest.FaultStall}}})
	c := newClient(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for srv.InFlight() == 0 {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond)
		cancel()
	}()
	_, err := c.Chat(ctx, chatReq("gemma2:9b"), nil)
	assertErr(t, err, context.Canceled, "chat with gemma2:9b: canceled", "run the command again", ollama.CodeSetup)
	waitIdle(t, srv)
}

// waitIdle asserts the server sees the abandoned request end: nothing keeps
// running on the server after the client gave up. The faults used here never
// end by themselves, so a minute tells "ends" from "keeps running" on a
// machine of any load.
func waitIdle(t *testing.T, srv *ollamatest.Server) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for srv.InFlight() > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests still running on the server", srv.InFlight())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestChatContentFaultsAreNotErrors(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{Faults: []ollamatest.Fault{
		{Kind: ollamatest.FaultInvalidJSON, Request: 1},
		{Kind: ollamatest.FaultLength, Request: 2},
	}})
	c := newClient(t, srv)
	resp, err := c.Chat(context.Background(), chatReq("gemma2:9b"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if json.Valid([]byte(resp.Content)) || resp.DoneReason != "stop" {
		t.Errorf("invalid-json fault: %q %q", resp.Content, resp.DoneReason)
	}
	resp, err = c.Chat(context.Background(), chatReq("gemma2:9b"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.DoneReason != "length" || json.Valid([]byte(resp.Content)) || !strings.HasPrefix(ollamatest.DefaultReply, resp.Content) {
		t.Errorf("length fault: %q %q", resp.Content, resp.DoneReason)
	}
	// num_predict caps the answer the same way.
	req := chatReq("gemma2:9b")
	req.Options.NumPredict = 3
	resp, err = c.Chat(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.DoneReason != "length" || resp.EvalCount != 3 {
		t.Errorf("num_predict: %+v", resp)
	}
}

func TestUnreachable(t *testing.T) {
	addr := ollamatest.ClosedHost(t)
	c, err := ollama.New(ollama.Config{Host: addr})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	want := "cannot reach ollama at " + addr + ": connection refused"
	_, err = c.Chat(ctx, chatReq("gemma2:9b"), nil)
	assertErr(t, err, review.ErrUnreachable, want, "ollama serve", ollama.CodeSetup)
	_, err = c.List(ctx)
	assertErr(t, err, review.ErrUnreachable, want, "ollama serve", ollama.CodeSetup)
	_, err = c.Version(ctx)
	assertErr(t, err, review.ErrUnreachable, want, "ollama serve", ollama.CodeSetup)
	_, err = c.Load(ctx, "gemma2:9b", review.Options{NumCtx: 8192}, time.Minute)
	assertErr(t, err, review.ErrUnreachable, want, "ollama serve", ollama.CodeSetup)
}

func TestListAndShow(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{})
	c := newClient(t, srv)
	models, err := c.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(models) != 4 {
		t.Fatalf("%d models", len(models))
	}
	q := models[0]
	if q.Name != "qwen2.5-coder:7b" || q.Family != "qwen2" || q.ParameterSize != "7.6B" || q.Quantization != "Q4_K_M" ||
		q.ContextLength != 32768 || strings.Join(q.Capabilities, ",") != "completion,tools,insert" || len(q.Digest) != 64 || q.SizeBytes == 0 {
		t.Errorf("qwen: %+v", q)
	}
	if e := models[3]; strings.Join(e.Capabilities, ",") != "embedding" {
		t.Errorf("embedding model: %+v", e)
	}
	info, err := c.Show(context.Background(), "llama3.1:8b")
	if err != nil {
		t.Fatal(err)
	}
	if info.ContextLength != 131072 || info.Digest != models[1].Digest || info.Family != "llama" {
		t.Errorf("show: %+v", info)
	}
	_, err = c.Show(context.Background(), "nope:1b")
	assertErr(t, err, review.ErrModelNotFound, `model "nope:1b" is not installed`, "ollama pull nope:1b", ollama.CodeSetup)
}

func TestShowInfersCapabilitiesOnOldServers(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{OmitCapabilities: true, Version: "0.0.0"})
	models, err := newClient(t, srv).List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, m := range models {
		got[m.Name] = strings.Join(m.Capabilities, ",")
	}
	if got["qwen2.5-coder:7b"] != "completion" || got["nomic-embed-text:latest"] != "embedding" {
		t.Errorf("inferred %v", got)
	}
}

func TestLoadRunningUnload(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{LoadTime: 2 * time.Second})
	c := newClient(t, srv)
	ctx := context.Background()
	d, err := c.Load(ctx, "gemma2:9b", review.Options{NumCtx: 8192}, -1)
	if err != nil {
		t.Fatal(err)
	}
	if d != 2*time.Second {
		t.Errorf("load %v, want the server's 2s", d)
	}
	run, err := c.Running(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(run) != 1 || run[0].Name != "gemma2:9b" || run[0].Size == 0 || run[0].ExpiresAt.Year() < 2300 {
		t.Errorf("running %+v", run)
	}
	if err := c.Unload(ctx, "gemma2:9b"); err != nil {
		t.Fatal(err)
	}
	if run, _ := c.Running(ctx); len(run) != 0 {
		t.Errorf("still running: %+v", run)
	}
	_, err = c.Load(ctx, "absent:1b", review.Options{}, time.Minute)
	assertErr(t, err, review.ErrModelNotFound, `model "absent:1b" is not installed`, "ollama pull absent:1b", ollama.CodeSetup)
	v, err := c.Version(ctx)
	if err != nil || v != "0.32.15" {
		t.Errorf("version %q %v", v, err)
	}
}

func TestLoadBusyRetries(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{Faults: []ollamatest.Fault{{Kind: ollamatest.FaultBusy, Loads: true, Times: 1}}})
	if _, err := newClient(t, srv).Load(context.Background(), "gemma2:9b", review.Options{NumCtx: 8192}, time.Minute); err != nil {
		t.Fatal(err)
	}
	if n := srv.Count("/api/generate"); n != 2 {
		t.Errorf("%d load requests, want 2", n)
	}
}

// HTTP_PROXY must never route reviewed code elsewhere.
func TestIgnoresProxyEnvironment(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{})
	_, port, _ := net.SplitHostPort(srv.Host)
	t.Setenv("HTTP_PROXY", "http://203.0.113.50:3128")
	t.Setenv("http_proxy", "http://203.0.113.50:3128")
	res := resolverFunc(func(context.Context, string) ([]net.IPAddr, error) {
		return []net.IPAddr{{IP: net.ParseIP("127.0.0.1")}}, nil
	})
	c, err := ollama.New(ollama.Config{Host: "localhost:" + port, Resolver: res})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := c.Version(ctx); err != nil {
		t.Fatalf("went through the proxy? %v", err)
	}
}

type resolverFunc func(context.Context, string) ([]net.IPAddr, error)

func (f resolverFunc) LookupIPAddr(ctx context.Context, h string) ([]net.IPAddr, error) {
	return f(ctx, h)
}

func TestNotAnOllamaServer(t *testing.T) {
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>welcome</html>"))
	}))
	defer web.Close()
	c, err := ollama.New(ollama.Config{Host: web.Listener.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Version(context.Background())
	assertErr(t, err, ollama.ErrServer, "ask ollama its version: "+web.Listener.Addr().String()+" does not answer like an ollama server", "points at an Ollama server", ollama.CodeSetup)
	_, err = c.List(context.Background())
	assertErr(t, err, ollama.ErrServer, "does not answer like an ollama server", "points at an Ollama server", ollama.CodeSetup)
}

// A preload with the chat's own num_ctx keeps the model resident for the
// chat; with another num_ctx the server (real and fake) loads it again.
func TestLoadWithTheChatsContextLoadsOnce(t *testing.T) {
	for _, tc := range []struct {
		name      string
		loadCtx   int
		wantLoads int
	}{
		{"same num_ctx", 8192, 1},
		{"other num_ctx", 2048, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := ollamatest.New(t, ollamatest.Config{})
			c := newClient(t, srv)
			ctx := context.Background()
			if _, err := c.Load(ctx, "gemma2:9b", review.Options{NumCtx: tc.loadCtx}, time.Minute); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Chat(ctx, chatReq("gemma2:9b"), nil); err != nil {
				t.Fatal(err)
			}
			if got := len(srv.Loads()); got != tc.wantLoads {
				t.Fatalf("%d loads, want %d", got, tc.wantLoads)
			}
		})
	}
}
