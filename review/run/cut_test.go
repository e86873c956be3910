package run

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/review"
)

// Where num_ctx reaches the server, the probe fits it at three tokens a
// byte, as before. Where it does not, the probe fits the smallest context in
// use (2048 tokens) at one token a byte, the most a real tokenizer spends on
// ASCII, with room for a chat template, whatever num_ctx quorum believes in;
// and a probe cut to size still mixes the system prompt's English and code.
func TestProbeFitsTheContext(t *testing.T) {
	for _, numCtx := range []int{512, 1024, 2048, 4096, 16384, 131072} {
		for _, unset := range []bool{false, true} {
			p := probeText(numCtx, unset, "0123456789abcdef")
			for i := range len(p) {
				if p[i] >= 0x80 {
					t.Fatalf("num_ctx %d: byte %d of the probe is not ASCII: a tokenizer may spend more than a token on it", numCtx, i)
				}
			}
			if len(p) > probeBytes(numCtx, unset) || !unset && 3*len(p) > numCtx {
				t.Errorf("num_ctx %d, unset %v: probe of %d bytes", numCtx, unset, len(p))
			}
			if room := min(numCtx, probeContext); unset && (room >= 2*probeSlack && len(p)+probeSlack > room || len(p) < room/3) {
				t.Errorf("num_ctx %d, unset: probe of %d bytes for %d tokens", numCtx, len(p), room)
			}
			if (unset && numCtx >= 2048 || numCtx >= 8192) && (!strings.Contains(p, "You are a senior software engineer") || !strings.Contains(p, "func (s *Store) Get") || !strings.Contains(p, "def load_users")) {
				t.Errorf("num_ctx %d, unset %v: the probe lacks English or code:\n%s", numCtx, unset, p)
			}
		}
	}
}

func TestAtTypicalContext(t *testing.T) {
	for count, want := range map[int]int{
		2048: 2048, 2028: 2048, 2027: 0, 2049: 0, 1024: 1024, 1008: 1024, 1007: 0,
		4096: 4096, 4056: 4096, 4055: 0, 3000: 0, 512: 0, 131072: 131072, 1 << 20: 1 << 20, 0: 0,
	} {
		if s, ok := atTypicalContext(count); s != want || ok != (want > 0) {
			t.Errorf("atTypicalContext(%d) = %d, %v; want %d", count, s, ok, want)
		}
	}
}

// A probe answer measures nothing when the server cut it: a count at
// num_ctx, or, where num_ctx does not reach the server, at a typical
// context the probe could fill; nor with an error or no count.
func TestProbeFigure(t *testing.T) {
	n := len(probeText(16384, true, "0123456789abcdef"))
	for _, tc := range []struct {
		name   string
		resp   review.ChatResponse
		err    error
		numCtx int
		unset  bool
		ok     bool
	}{
		{"measured", review.ChatResponse{PromptEvalCount: n / 4, EvalCount: 1}, nil, 16384, true, true},
		{"byte-level", review.ChatResponse{PromptEvalCount: n + 30, EvalCount: 1}, nil, 16384, true, true},
		{"cut at num_ctx", review.ChatResponse{PromptEvalCount: 1020, EvalCount: 1}, nil, 1024, false, false},
		{"cut at a smaller server's 1024", review.ChatResponse{PromptEvalCount: 1024, EvalCount: 1}, nil, 16384, true, false},
		{"cut at 2048 less the KV cache", review.ChatResponse{PromptEvalCount: 2043, EvalCount: 1}, nil, 4096, true, false},
		{"1024 where num_ctx is set", review.ChatResponse{PromptEvalCount: 1024, EvalCount: 1}, nil, 16384, false, true},
		{"no count", review.ChatResponse{EvalCount: 1}, nil, 16384, true, false},
		{"error", review.ChatResponse{PromptEvalCount: n / 4}, errors.New("boom"), 16384, true, false},
	} {
		bpt, ok := probeFigure(tc.resp, tc.err, n, tc.numCtx, tc.unset)
		if ok != tc.ok || ok && bpt != min(max(float64(n)/float64(tc.resp.PromptEvalCount), minBPT), maxBPT) {
			t.Errorf("%s: %v, %v; want ok %v", tc.name, bpt, ok, tc.ok)
		}
	}
}

// Measured figures keep the probe's own beside the planning one: answers
// make the planning figure more cautious, never the estimate counts are
// judged by; a figure from answers alone plans, and judges by nothing
// (estBPT 0: the conservative check).
func TestAnswersNeverMoveTheProbesFigure(t *testing.T) {
	r := &Runner{Cache: cache.New(t.TempDir())}
	id := modelID("m", "sha256:m")
	rr := &reviewerRun{bpt: bptLearner{id: id, observed: 2.5}}
	r.saveBPT(rr)
	if e, ok := (&Runner{Cache: r.Cache}).measuredBPT(id); !ok || e.BytesPerToken != 2.5 || e.Probe != 0 {
		t.Fatalf("from answers alone: %+v, %v", e, ok)
	}
	if e := r.storeProbe(id, 3.8, 200); e.BytesPerToken != 2.5 || e.Probe != 0 {
		t.Fatalf("after a probe of 200 tokens: %+v", e)
	}
	if e := r.storeProbe(id, 3.8, 460); e.BytesPerToken != 2.5 || e.Probe != 3.8 {
		t.Fatalf("after the probe: %+v", e)
	}
	rr.bpt.observed = 2.0
	r.saveBPT(rr)
	if e, ok := (&Runner{Cache: r.Cache}).measuredBPT(id); !ok || e.BytesPerToken != 2.0 || e.Probe != 3.8 || e.Source != "answers" {
		t.Fatalf("from the cache: %+v, %v", e, ok)
	}
}

// Over an OpenAI-compatible API the judge's prompt is cut at the server's
// own context: a count at a typical context size below what the prompt
// takes is a cut, said as such, not cached, and not asked again with more
// room (num_ctx does not reach that server).
func TestJudgeOverOpenAISeesACut(t *testing.T) {
	f := judgeFake(func(req review.ChatRequest) review.ChatResponse {
		return review.ChatResponse{Content: `{"groups":[["F1"]]}`, DoneReason: "stop", PromptEvalCount: min(2048, len(req.Prompt)/4), EvalCount: 5}
	})
	f.fixedCtx = true
	r := &Runner{Chat: f, Catalog: f, Cache: cache.New(t.TempDir())}
	big := judgeRequest(strings.Repeat("F1 x := y\n", 1000)) // 10 KB: 2500 tokens
	got := r.Judge(context.Background(), big)
	if judge, _ := judgeRequests(f); got.Answer != "" || judge != 1 || !strings.Contains(got.Error, "the judge's prompt was cut") || !strings.Contains(got.Error, "2048-token context") {
		t.Fatalf("judge = %+v after %d requests", got, judge)
	}
	// Not cached: asked again, and cut again.
	if again := r.Judge(context.Background(), big); again.Metrics.CacheHits != 0 || again.Answer != "" {
		t.Fatalf("second judge = %+v", again)
	}
	// A prompt that fits is answered.
	if small := r.Judge(context.Background(), judgeRequest(strings.Repeat("F1 x := y\n", 300))); small.Error != "" || small.Answer == "" {
		t.Fatalf("small judge = %+v", small)
	}
}

// Over Ollama's API a judge count far below the probe's estimate is a cut
// (a server that ignored num_ctx), asked once more with more room.
func TestJudgeLowCountIsACut(t *testing.T) {
	var ctxs []int
	f := judgeFake(func(req review.ChatRequest) review.ChatResponse {
		ctxs = append(ctxs, req.Options.NumCtx)
		return review.ChatResponse{Content: `{"groups":[["F1"]]}`, DoneReason: "stop", PromptEvalCount: min(1500, len(req.Prompt)/4), EvalCount: 5}
	})
	r := &Runner{Chat: f, Catalog: f, Cache: cache.New(t.TempDir())}
	got := r.Judge(context.Background(), judgeRequest(strings.Repeat("F1 x := y\n", 1000)))
	if got.Answer != "" || len(ctxs) != 2 || !strings.Contains(got.Error, "read 1500 tokens of about 2") {
		t.Fatalf("judge = %+v with contexts %v", got, ctxs)
	}
}
