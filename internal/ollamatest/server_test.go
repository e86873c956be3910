package ollamatest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ollama/ollama/api"
)

func client(t *testing.T, s *Server) *api.Client {
	t.Helper()
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	return api.NewClient(u, &http.Client{})
}

func chat(t *testing.T, c *api.Client, model, prompt string) api.ChatResponse {
	t.Helper()
	return chatContext(t, context.Background(), c, model, prompt)
}

func chatContext(t *testing.T, ctx context.Context, c *api.Client, model, prompt string) api.ChatResponse {
	t.Helper()
	var final api.ChatResponse
	var content strings.Builder
	err := c.Chat(ctx, &api.ChatRequest{
		Model: model, Messages: []api.Message{{Role: "user", Content: prompt}},
	}, func(r api.ChatResponse) error {
		content.WriteString(r.Message.Content)
		if r.Done {
			final = r
		}
		return nil
	})
	if err != nil {
		t.Fatalf("chat %s: %v", model, err)
	}
	final.Message.Content = content.String()
	return final
}

func TestRulesAndReplies(t *testing.T) {
	s := New(t, Config{
		Rules: []Rule{
			{Model: "gemma2:9b", Contains: "secret", Reply: "gemma-secret"},
			{Contains: "secret", Reply: "any-secret"},
		},
		Reply: func(model, prompt string) string { return model + "|" + prompt },
	})
	c := client(t, s)
	if got := chat(t, c, "gemma2:9b", "a secret diff").Message.Content; got != "gemma-secret" {
		t.Errorf("model rule: %q", got)
	}
	if got := chat(t, c, "llama3.1:8b", "a secret diff").Message.Content; got != "any-secret" {
		t.Errorf("any-model rule: %q", got)
	}
	if got := chat(t, c, "llama3.1:8b", "plain").Message.Content; got != "llama3.1:8b|plain" {
		t.Errorf("reply func: %q", got)
	}
}

func TestDefaultReplyAndMetrics(t *testing.T) {
	s := New(t, Config{})
	r := chat(t, client(t, s), "gemma2:9b", "12345678")
	if r.Message.Content != DefaultReply || !json.Valid([]byte(r.Message.Content)) {
		t.Errorf("content %q", r.Message.Content)
	}
	if r.EvalCount != len(splitTokens(DefaultReply)) || r.PromptEvalCount != 2 || r.DoneReason != "stop" {
		t.Errorf("counts %+v", r.Metrics)
	}
	if r.EvalDuration != time.Duration(r.EvalCount)*(time.Second/50) {
		t.Errorf("eval duration %v for %d tokens at 50/s", r.EvalDuration, r.EvalCount)
	}
}

func TestNotInstalledIs404(t *testing.T) {
	s := New(t, Config{})
	err := client(t, s).Chat(context.Background(), &api.ChatRequest{Model: "llama3.1"}, func(api.ChatResponse) error { return nil })
	var se api.StatusError
	if !asStatus(err, &se) || se.StatusCode != 404 || !strings.Contains(se.ErrorMessage, "try pulling it first") {
		t.Errorf("err %v", err)
	}
}

func asStatus(err error, se *api.StatusError) bool {
	if e, ok := err.(api.StatusError); ok {
		*se = e
		return true
	}
	return false
}

func TestNonStreaming(t *testing.T) {
	s := New(t, Config{Rules: []Rule{{Reply: "hello world"}}})
	body := `{"model":"gemma2:9b","stream":false,"messages":[{"role":"user","content":"hi"}]}`
	resp, err := http.Post(s.URL+"/api/chat", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if bytes.Count(bytes.TrimSpace(raw), []byte("\n")) != 0 {
		t.Errorf("non-streaming answer has several lines: %s", raw)
	}
	var r api.ChatResponse
	if err := json.Unmarshal(raw, &r); err != nil || !r.Done || r.Message.Content != "hello world" || r.EvalCount != 3 {
		t.Errorf("%s %v", raw, err)
	}
	if s.Chats()[0].Stream {
		t.Error("logged as streaming")
	}
}

func TestStreamingIsNDJSON(t *testing.T) {
	s := New(t, Config{Rules: []Rule{{Reply: "abcdefgh"}}})
	resp, err := http.Post(s.URL+"/api/chat", "application/json",
		strings.NewReader(`{"model":"gemma2:9b","messages":[{"role":"user","content":"hi"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-ndjson" {
		t.Errorf("content type %q", ct)
	}
	raw, _ := io.ReadAll(resp.Body)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(lines) != 3 { // two tokens and the final message
		t.Fatalf("lines: %q", lines)
	}
	var last api.ChatResponse
	if err := json.Unmarshal([]byte(lines[2]), &last); err != nil || !last.Done || last.EvalCount != 2 {
		t.Errorf("final %s", lines[2])
	}
}

// One model resident at a time: every switch is a load, and no two models
// generate at the same time.
func TestOneModelResidentAtATime(t *testing.T) {
	s := New(t, Config{LoadTime: 2 * time.Second, TimeScale: 0.005})
	c := client(t, s)
	for _, m := range []string{"gemma2:9b", "gemma2:9b", "llama3.1:8b", "gemma2:9b"} {
		r := chat(t, c, m, "x")
		_ = r
	}
	loads := s.Loads()
	var names []string
	for _, l := range loads {
		names = append(names, l.Model)
		if d := l.End.Sub(l.Start); d < 10*time.Millisecond {
			t.Errorf("load of %s took %v, want ~10ms (2s scaled by 0.005)", l.Model, d)
		}
	}
	if strings.Join(names, ",") != "gemma2:9b,llama3.1:8b,gemma2:9b" {
		t.Errorf("loads %v", names)
	}
	chats := s.Chats()
	if !chats[0].Loaded || chats[1].Loaded || !chats[2].Loaded || !chats[3].Loaded {
		t.Errorf("loaded flags %v %v %v %v", chats[0].Loaded, chats[1].Loaded, chats[2].Loaded, chats[3].Loaded)
	}
	if got := s.Resident(); len(got) != 1 || got[0] != "gemma2:9b" {
		t.Errorf("resident %v", got)
	}

	// Concurrent requests for two models never overlap.
	s2 := New(t, Config{LoadTime: time.Second, TimeScale: 0.005})
	c2 := client(t, s2)
	var wg sync.WaitGroup
	for i := range 6 {
		m := []string{"gemma2:9b", "llama3.1:8b"}[i%2]
		wg.Go(func() { chat(t, c2, m, "x") })
	}
	wg.Wait()
	cs := s2.Chats()
	for i := range cs {
		for j := range cs {
			a, b := cs[i], cs[j]
			if a.Model != b.Model && a.Slot.Before(b.Released) && b.Slot.Before(a.Released) {
				t.Errorf("%s and %s generated at the same time", a.Model, b.Model)
			}
		}
	}
	if n := len(s2.Loads()); n < 2 {
		t.Errorf("%d loads", n)
	}
}

// mostAtOnce is the largest number of logged chats that held a slot at once.
func mostAtOnce(cs []Request) int {
	most := 0
	for _, a := range cs {
		n := 0
		for _, b := range cs {
			if !b.Slot.After(a.Slot) && b.Released.After(a.Slot) {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}

// eventually waits until cond holds. The minute is orders of magnitude above
// what any wait here takes, so only a fake that never gets there fails.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still not %s after a minute", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestParallelSlots(t *testing.T) {
	// Two slots: two requests generate at once, and a third waits until one
	// of them gives its slot back. Every answer stalls halfway until its
	// client gives up, so the test, not the clock, says when a slot frees:
	// the outcome cannot depend on how fast the machine runs the requests.
	s := New(t, Config{Rules: []Rule{{Reply: strings.Repeat("abcd", 20)}}, NumParallel: 2, Faults: []Fault{{Kind: FaultStall}}})
	c := client(t, s)
	started := make(chan int, 3) // a request's first token: it has a slot
	var cancels []context.CancelFunc
	var wg sync.WaitGroup
	for i := range 3 {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		cancels = append(cancels, cancel)
		var once sync.Once
		wg.Go(func() {
			_ = c.Chat(ctx, &api.ChatRequest{Model: "gemma2:9b", Messages: []api.Message{{Role: "user", Content: "x"}}},
				func(api.ChatResponse) error { once.Do(func() { started <- i }); return nil })
		})
	}
	next := func() int {
		t.Helper()
		select {
		case i := <-started:
			return i
		case <-time.After(time.Minute):
			t.Fatal("no request got a slot within a minute")
			return -1
		}
	}
	a, b := next(), next()
	eventually(t, "3 requests in flight", func() bool { return s.InFlight() == 3 })
	cancels[a]()
	third := next()
	if third == a || third == b {
		t.Fatalf("request %d started twice", third)
	}
	for _, cancel := range cancels {
		cancel()
	}
	wg.Wait()
	eventually(t, "idle", func() bool { return s.InFlight() == 0 })
	if s.MaxInFlight() != 3 {
		t.Errorf("max in flight %d, want 3", s.MaxInFlight())
	}
	// The third got its slot only once the first gave it back.
	if most := mostAtOnce(s.Chats()); most != 2 {
		t.Errorf("%d requests generated at once, want 2", most)
	}

	// With timed answers: 20 tokens at 100/s = 200ms of generation each,
	// scaled by 0.25 = 50ms. Four requests on two slots take two rounds at
	// least, and never more than two generate at once. (Lower bounds only:
	// a loaded machine can only make it slower.)
	s = New(t, Config{Rules: []Rule{{Reply: strings.Repeat("abcd", 20)}}, TokensPerSecond: 100, NumParallel: 2, TimeScale: 0.25})
	c = client(t, s)
	start := time.Now()
	for range 4 {
		wg.Go(func() { chat(t, c, "gemma2:9b", "x") })
	}
	wg.Wait()
	if el := time.Since(start); el < 100*time.Millisecond {
		t.Errorf("4 requests on 2 slots took %v, want at least 100ms", el)
	}
	if most := mostAtOnce(s.Chats()); most > 2 {
		t.Errorf("%d requests generated at once, want at most 2", most)
	}
	// The client has its answer a moment before the handler returns.
	eventually(t, "idle", func() bool { return s.InFlight() == 0 })
}

func TestTimeScale(t *testing.T) {
	// Unscaled (TimeScale 0) an hour-long load is reported but not waited
	// for: were it waited for, the minute's deadline would fail the chat.
	s := New(t, Config{LoadTime: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r := chatContext(t, ctx, client(t, s), "gemma2:9b", "x")
	if r.LoadDuration != time.Hour || r.TotalDuration < time.Hour {
		t.Errorf("reported load %v total %v", r.LoadDuration, r.TotalDuration)
	}
	// Real time for a short load.
	s = New(t, Config{LoadTime: 150 * time.Millisecond, TimeScale: 1, Rules: []Rule{{Reply: "abcdefgh"}}, TokensPerSecond: 20})
	start := time.Now()
	r = chat(t, client(t, s), "gemma2:9b", "x")
	if d := time.Since(start); d < 250*time.Millisecond { // 150ms load + 2 tokens at 20/s; a lower bound, load cannot break it
		t.Errorf("TimeScale 1 took only %v", d)
	}
	if r.EvalDuration != 100*time.Millisecond {
		t.Errorf("eval duration %v", r.EvalDuration)
	}
}

func TestFaultSelectors(t *testing.T) {
	s := New(t, Config{Faults: []Fault{
		{Kind: FaultServerError, Request: 2},
		{Kind: FaultBusy, Model: "llama3.1:8b", Times: 1},
	}})
	c := client(t, s)
	chat(t, c, "gemma2:9b", "1")
	err := c.Chat(context.Background(), &api.ChatRequest{Model: "gemma2:9b"}, func(api.ChatResponse) error { return nil })
	var se api.StatusError
	if !asStatus(err, &se) || se.StatusCode != 500 {
		t.Errorf("request 2: %v", err)
	}
	err = c.Chat(context.Background(), &api.ChatRequest{Model: "llama3.1:8b"}, func(api.ChatResponse) error { return nil })
	if !asStatus(err, &se) || se.StatusCode != 503 {
		t.Errorf("first llama: %v", err)
	}
	chat(t, c, "llama3.1:8b", "again")
	var kinds []string
	for _, r := range s.Chats() {
		kinds = append(kinds, r.Fault.String())
	}
	if strings.Join(kinds, ",") != "none,500,503,none" {
		t.Errorf("faults %v", kinds)
	}
}

func TestHangEndsWithClientAndServer(t *testing.T) {
	s := New(t, Config{Faults: []Fault{{Kind: FaultHang}}})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := client(t, s).Chat(ctx, &api.ChatRequest{Model: "gemma2:9b"}, func(api.ChatResponse) error { return nil })
	if err == nil {
		t.Fatal("hang answered")
	}
	// The hang never ends by itself: only noticing the client left does.
	eventually(t, "idle after the client gave up", func() bool { return s.InFlight() == 0 })
	if st := s.Chats()[0].Status; st != 499 {
		t.Errorf("status %d", st)
	}
	// A hang the client never abandons ends when the server closes.
	s2 := New(t, Config{Faults: []Fault{{Kind: FaultHang}}})
	done := make(chan error)
	go func() {
		done <- client(t, s2).Chat(context.Background(), &api.ChatRequest{Model: "gemma2:9b"}, func(api.ChatResponse) error { return nil })
	}()
	for s2.InFlight() == 0 {
		time.Sleep(time.Millisecond)
	}
	s2.Close()
	select {
	case <-done:
	case <-time.After(time.Minute): // the hang would last forever
		t.Fatal("Close did not end a hung request")
	}
}

func TestLogAndCounters(t *testing.T) {
	s := New(t, Config{})
	c := client(t, s)
	if _, err := c.List(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Show(context.Background(), &api.ShowRequest{Model: "gemma2:9b"}); err != nil {
		t.Fatal(err)
	}
	if s.ModelCalls() != 0 {
		t.Errorf("model calls %d after tags and show", s.ModelCalls())
	}
	ka := api.Duration{Duration: 0}
	if err := c.Generate(context.Background(), &api.GenerateRequest{Model: "gemma2:9b"}, func(api.GenerateResponse) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got := s.Resident(); len(got) != 1 {
		t.Errorf("after load: %v", got)
	}
	if err := c.Generate(context.Background(), &api.GenerateRequest{Model: "gemma2:9b", KeepAlive: &ka}, func(api.GenerateResponse) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if got := s.Resident(); len(got) != 0 {
		t.Errorf("after unload: %v", got)
	}
	if s.ModelCalls() != 0 {
		t.Errorf("load and unload counted as model calls")
	}
	var paths []string
	for i, r := range s.Requests() {
		if r.Seq != i+1 || r.End.Before(r.Start) {
			t.Errorf("entry %d: %+v", i, r)
		}
		paths = append(paths, r.Path)
	}
	if strings.Join(paths, " ") != "/api/tags /api/show /api/generate /api/generate" {
		t.Errorf("paths %v", paths)
	}
}

func TestShowAndTagsShape(t *testing.T) {
	s := New(t, Config{Models: []Model{{Name: "tiny", Family: "llama", ContextLength: 256, ParameterSize: "1M", Capabilities: []string{"completion"}}}})
	c := client(t, s)
	show, err := c.Show(context.Background(), &api.ShowRequest{Model: "tiny:latest"})
	if err != nil {
		t.Fatal(err)
	}
	if show.ModelInfo["general.architecture"] != "llama" || show.ModelInfo["llama.context_length"] != float64(256) ||
		len(show.Capabilities) != 1 || show.Details.ParameterSize != "1M" {
		t.Errorf("show %+v", show)
	}
	tags, err := c.List(context.Background())
	if err != nil || len(tags.Models) != 1 || len(tags.Models[0].Digest) != 64 {
		t.Errorf("tags %+v %v", tags, err)
	}
	ps, err := c.ListRunning(context.Background())
	if err != nil || len(ps.Models) != 0 {
		t.Errorf("ps %+v %v", ps, err)
	}
	if _, err := c.Show(context.Background(), &api.ShowRequest{Model: "other"}); err == nil {
		t.Error("show of a missing model succeeded")
	}
}

func TestSplitTokens(t *testing.T) {
	got := splitTokens("héllo wörld!")
	if strings.Join(got, "") != "héllo wörld!" {
		t.Errorf("%q", got)
	}
	for _, tok := range got {
		if !utf8.ValidString(tok) || tok == "" || len(tok) > 5 {
			t.Errorf("token %q", tok)
		}
	}
}

// The fake's timing is what scheduling benchmarks rest on: 3 models with
// 2 s loads, 50 tokens/s, 12 chunks of 100 tokens, scaled by 0.04. Model by
// model takes at least the lower bound (3 loads + 12 answers) and an
// interleaved order pays a load per request: lower bounds, which hold on any
// machine. That model by model comes within 10% of the bound is a timing
// check a loaded machine fails; it runs with QUORUM_TIMING_TESTS=1.
func TestSchedulingTiming(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	timing := os.Getenv("QUORUM_TIMING_TESTS") != ""
	const scale = 0.04
	reply := strings.Repeat("abcd", 100) // 100 tokens: 2 s at 50/s
	models := []string{"qwen2.5-coder:7b", "llama3.1:8b", "gemma2:9b"}
	bound := time.Duration(float64(3*2*time.Second+12*2*time.Second) * scale)
	measure := func(order []string) time.Duration {
		s := New(t, Config{LoadTime: 2 * time.Second, TokensPerSecond: 50, TimeScale: scale, Rules: []Rule{{Reply: reply}}})
		c := client(t, s)
		start := time.Now()
		for _, m := range order {
			chat(t, c, m, "chunk")
		}
		return time.Since(start)
	}
	var byModel, interleaved []string
	for _, m := range models {
		for range 4 {
			byModel = append(byModel, m)
		}
	}
	for i := range 12 {
		interleaved = append(interleaved, models[i%3])
	}
	mb, il := measure(byModel), measure(interleaved)
	t.Logf("lower bound %v, model by model %v (%.3fx), interleaved %v (%.3fx)", bound, mb, float64(mb)/float64(bound), il, float64(il)/float64(bound))
	if mb < bound || (timing && float64(mb) > 1.10*float64(bound)) {
		t.Errorf("model by model took %v, want within [1, 1.10] x %v", mb, bound)
	}
	if il < bound+time.Duration(float64(9*2*time.Second)*scale) {
		t.Errorf("interleaved took %v, want at least 9 more loads than the bound", il)
	}
}
