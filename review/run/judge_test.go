package run

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/review"
)

// judgeFake is the in-test server with one model, "j", whose context is
// 8192 tokens; reply answers every request that is not a probe.
func judgeFake(reply func(req review.ChatRequest) review.ChatResponse) *fake {
	f := newFake("j")
	f.models["j"] = review.ModelInfo{Name: "j", Digest: "sha256:j", ContextLength: 8192}
	f.reply = func(_ string, _ int, req review.ChatRequest) (review.ChatResponse, error) {
		if strings.HasPrefix(req.Prompt, "Calibration ") {
			// A tokenizer of 4 bytes to a token.
			return review.ChatResponse{Content: "ok", DoneReason: "stop", PromptEvalCount: len(req.Prompt) / 4, EvalCount: 1}, nil
		}
		return reply(req), nil
	}
	return f
}

func answered(content string) func(review.ChatRequest) review.ChatResponse {
	return func(req review.ChatRequest) review.ChatResponse {
		return review.ChatResponse{Content: content, DoneReason: "stop", PromptEvalCount: len(req.Prompt) / 4, EvalCount: 10}
	}
}

func judgeRequests(f *fake) (judge, probes int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.requests {
		if strings.HasPrefix(r.Prompt, "Calibration ") {
			probes++
		} else {
			judge++
		}
	}
	return judge, probes
}

func judgeRequest(prompt string) JudgeRequest {
	return JudgeRequest{Model: "j", Prompt: prompt, Schema: []byte(`{"type":"object"}`), Findings: 3, MaxContext: 16384}
}

func TestJudgeSizesItsContextAndCachesAUsableAnswer(t *testing.T) {
	f := judgeFake(answered(`{"groups":[["F1","F2"],["F3"]]}`))
	r := &Runner{Chat: f, Catalog: f, Cache: cache.New(t.TempDir())}
	prompt := strings.Repeat("x", 3000)
	got := r.Judge(context.Background(), judgeRequest(prompt))
	if judge, probes := judgeRequests(f); got.Error != "" || got.Answer != `{"groups":[["F1","F2"],["F3"]]}` || got.Metrics.Requests != 2 || judge != 1 || probes != 1 {
		t.Fatalf("judge = %+v after %d requests and %d probes", got, judge, probes)
	}
	f.mu.Lock()
	req := f.requests[1]
	f.mu.Unlock()
	// The probe measured 4 bytes to a token.
	if want := judgeNumCtx(3000, 4, judgeAnswerTokens(3)); req.Options.NumCtx != want || req.Options.NumPredict != judgeAnswerTokens(3) ||
		req.Options.Seed != DefaultSeed || req.Options.Temperature != 0 || string(req.Format) != `{"type":"object"}` {
		t.Errorf("request options %+v, format %s; want num_ctx %d", req.Options, req.Format, want)
	}
	again := r.Judge(context.Background(), judgeRequest(prompt))
	if n, _ := judgeRequests(f); n != 1 || again.Answer != got.Answer || again.Metrics.CacheHits != 1 || again.Metrics.Requests != 0 {
		t.Fatalf("second judge = %+v after %d requests; want a cache hit", again, n)
	}
}

// The tokenizer is measured once per model; a prompt too large even then
// is not sent.
func TestJudgeMeasuresOnceAndRefusesAPromptTooLarge(t *testing.T) {
	f := judgeFake(answered(`{"groups":[]}`))
	r := &Runner{Chat: f, Catalog: f, Cache: cache.New(t.TempDir())}
	got := r.Judge(context.Background(), judgeRequest(strings.Repeat("x", 12000)))
	if judge, probes := judgeRequests(f); got.Error != "" || judge != 1 || probes != 1 {
		t.Fatalf("judge = %+v after %d requests and %d probes", got, judge, probes)
	}
	got = r.Judge(context.Background(), judgeRequest(strings.Repeat("y", 40000)))
	if judge, probes := judgeRequests(f); judge != 1 || probes != 1 ||
		!strings.Contains(got.Error, "does not fit j's context of 8192 tokens") {
		t.Fatalf("judge = %+v after %d requests and %d probes; want refused unsent", got, judge, probes)
	}
}

// A prompt the server cut (it read num_ctx tokens) is asked once more with
// more room; its answer is never read.
func TestJudgeAsksAgainWithMoreRoomAfterACut(t *testing.T) {
	var ctxs []int
	f := judgeFake(func(req review.ChatRequest) review.ChatResponse {
		ctxs = append(ctxs, req.Options.NumCtx)
		if len(ctxs) == 1 {
			return review.ChatResponse{Content: `{"groups":[["F9"]]}`, DoneReason: "stop", PromptEvalCount: req.Options.NumCtx, EvalCount: 5}
		}
		return review.ChatResponse{Content: `{"groups":[["F1","F2","F3"]]}`, DoneReason: "stop", PromptEvalCount: 100, EvalCount: 5}
	})
	r := &Runner{Chat: f, Catalog: f, Cache: cache.New(t.TempDir())}
	got := r.Judge(context.Background(), judgeRequest("group these"))
	if got.Error != "" || got.Answer != `{"groups":[["F1","F2","F3"]]}` || len(ctxs) != 2 || ctxs[1] <= ctxs[0] {
		t.Fatalf("judge = %+v with contexts %v", got, ctxs)
	}
}

func TestJudgeFailuresAreSaidAndNotCached(t *testing.T) {
	for _, tc := range []struct {
		name  string
		model string
		reply func(review.ChatRequest) review.ChatResponse
		valid func(string) error
		want  string
	}{
		{"prompt cut twice", "j", func(req review.ChatRequest) review.ChatResponse {
			return review.ChatResponse{Content: `{"groups":[]}`, DoneReason: "stop", PromptEvalCount: req.Options.NumCtx, EvalCount: 5}
		}, nil, "the judge's prompt was cut: j read"},
		{"answer cut", "j", func(req review.ChatRequest) review.ChatResponse {
			return review.ChatResponse{Content: `{"groups":[["F1"`, DoneReason: "length", PromptEvalCount: 100, EvalCount: 100}
		}, nil, "the judge's answer was cut off at 100 tokens (its budget 100)"},
		{"unusable", "j", answered(`{"groups":[]}`), func(string) error { return errors.New("lost count") }, "lost count"},
		{"missing", "nobody", answered(`{"groups":[]}`), nil, "the judge model nobody is not installed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := judgeFake(tc.reply)
			r := &Runner{Chat: f, Catalog: f, Cache: cache.New(t.TempDir())}
			req := judgeRequest("group these")
			req.Model, req.Valid = tc.model, tc.valid
			for range 2 {
				got := r.Judge(context.Background(), req)
				if !strings.HasPrefix(got.Error, tc.want) || got.Metrics.CacheHits != 0 {
					t.Fatalf("judge = %+v, want error %q and no cache hit", got, tc.want)
				}
			}
		})
	}
}

// hangingJudge is a server whose every chat waits until its request is
// given up; it counts the calls that arrive with time still left.
type hangingJudge struct {
	calls, live int
}

func (h *hangingJudge) Chat(ctx context.Context, _ review.ChatRequest, _ review.Progress) (review.ChatResponse, error) {
	h.calls++
	if ctx.Err() == nil {
		h.live++
	}
	<-ctx.Done()
	return review.ChatResponse{}, ctx.Err()
}

func (h *hangingJudge) Show(context.Context, string) (review.ModelInfo, error) {
	return review.ModelInfo{Name: "j", Digest: "sha256:j", ContextLength: 8192}, nil
}

func (h *hangingJudge) List(context.Context) ([]review.ModelInfo, error) { return nil, nil }

// One --request-timeout bounds the whole judge: the probe and the request
// share it, so a hung server costs it once, and the error names it.
func TestAHungJudgeCostsOneRequestTimeout(t *testing.T) {
	h := &hangingJudge{}
	r := &Runner{Chat: h, Catalog: h}
	req := judgeRequest("group these")
	req.Timeout = 50 * time.Millisecond
	got := r.Judge(context.Background(), req)
	if got.Error != "the judge did not answer within --request-timeout (50ms)" || h.live != 1 {
		t.Fatalf("judge = %+v; %d calls, %d with time left", got, h.calls, h.live)
	}
	// The review's own time limit is said, with what to raise.
	ended, stop := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer stop()
	if got := r.Judge(ended, judgeRequest("group these")); got.Error != ReviewTimeUp || got.Skipped != "" {
		t.Fatalf("review time up: %+v", got)
	}
	// Ctrl-C skips the judge: not its failure, nothing to warn about.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := r.Judge(ctx, judgeRequest("group these")); got.Skipped != "the review was stopped before the judge answered" || got.Error != "" {
		t.Fatalf("stopped review: %+v", got)
	}
}
