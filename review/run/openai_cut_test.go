package run_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/internal/openai"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/plan"
	"github.com/quorum-review/quorum/review/run"
)

// This file checks that no answer to a prompt the server cut is taken over
// the OpenAI-compatible API, where quorum cannot set the context: the fake
// Ollama's /v1 endpoint runs every model at its own context, as Ollama
// v0.6.5's does at 2048 tokens, and cuts longer prompts silently.

var _ run.ContextSetter = (*openai.Client)(nil)

// bugLine is a bug at the top of the first file; the fake finds it only in
// a prompt that still holds it.
const bugLine = `rows, _ := db.Query("SELECT * FROM u WHERE n='" + name + "'")`

const bugReply = `{"summary":"injection","findings":[{"file":"pkg/big00.go","line":1,"quote":"rows, _ := db.Query(\"SELECT * FROM u WHERE n='\" + name + \"'\")","severity":"critical","category":"security","title":"SQL built from input","explanation":"injection"}]}`

// openaiRig is the fake's /v1 endpoint at a context of serverCtx tokens, 4
// bytes a token, cutting longer prompts as Ollama v0.6.5 does.
func openaiRig(t *testing.T, serverCtx int, bpt float64) (*ollamatest.Server, *run.Runner) {
	t.Helper()
	srv := ollamatest.New(t, ollamatest.Config{
		Models:          []ollamatest.Model{{Name: "coder:latest", Family: "qwen2", ContextLength: 32768}},
		DefaultNumCtx:   serverCtx,
		TruncatePrompts: true,
		BytesPerToken:   bpt,
		Rules:           []ollamatest.Rule{{Contains: bugLine, Reply: bugReply}},
	})
	c, err := openai.New(openai.Config{BaseURL: srv.URL + "/v1"})
	if err != nil {
		t.Fatal(err)
	}
	return srv, &run.Runner{Chat: c, Catalog: c, Cache: cache.New(t.TempDir())}
}

// bugFile is one added file of n lines of about 60 bytes, bugLine first.
func bugFile(n int) *diff.Set {
	set := &diff.Set{Commits: []diff.Commit{{SHA: strings.Repeat("1", 40), Subject: "feat: a large change"}}}
	var lines []diff.Line
	for l := 1; l <= n; l++ {
		lines = append(lines, diff.Line{Kind: diff.Added, New: l, Text: fmt.Sprintf("\tv%d := compute(%d, %q)", l, l, strings.Repeat("z", 30))})
	}
	lines[0].Text = bugLine
	set.Files = append(set.Files, diff.File{Path: "pkg/big00.go", Status: diff.StatusAdded,
		Hunks: []diff.Hunk{{NewStart: 1, NewLines: n, Lines: lines}}})
	return set
}

// reviewOpenAI runs one reviewer of model "coder" with the user's num_ctx
// (0: none) and --num-predict; wantErr: the run is to end with nobody
// answering.
func reviewOpenAI(t *testing.T, r *run.Runner, set *diff.Set, numCtx, numPredict int, wantErr bool) review.RawResult {
	t.Helper()
	raw, err := r.Run(context.Background(), plan.Prepare(plan.Input{Set: set}), run.Config{
		Reviewers: []review.Reviewer{{Name: "coder", Model: "coder", NumCtx: numCtx}}, NumPredict: numPredict,
	})
	if (err != nil) != wantErr || raw == nil {
		t.Fatalf("run: %v", err)
	}
	return raw.Results[0]
}

func sawBug(res review.RawResult) bool {
	for _, c := range res.Chunks {
		if c.Answer != nil && len(c.Answer.Findings) > 0 && c.Answer.Findings[0].Quote == bugLine {
			return true
		}
	}
	return false
}

// cutRequests counts the /v1 requests the server cut (it reports the
// context size for them), once every handler has logged its request: the
// client may read a whole answer before the handler's log entry is done.
func cutRequests(srv *ollamatest.Server, serverCtx int) int {
	for i := 0; srv.InFlight() > 0 && i < 10000; i++ {
		time.Sleep(time.Millisecond)
	}
	n := 0
	for _, r := range srv.OpenAIChats() {
		if r.PromptEvalCount >= serverCtx {
			n++
		}
	}
	return n
}

// The tester's case: `quorum review --api openai` against Ollama's own /v1
// (2048 tokens) with no num_ctx, a 10 KB file whose bug is at the top.
// quorum used to plan for 4096 tokens: the server cut the prompt of 2680
// tokens to 2048, dropping the bug, and the review passed, the file
// "reviewed". With no num_ctx quorum now plans for 2048 tokens, so nothing
// is cut, the probe included, and the bug is seen.
func TestOpenAIWithNoNumCtxPlansForTheSmallestContext(t *testing.T) {
	srv, r := openaiRig(t, 2048, 4)
	set := bugFile(170) // about 10 KB
	res := reviewOpenAI(t, r, set, 0, 1024, false)
	if log := srv.TruncationLog(); len(log) != 0 {
		t.Fatalf("the server cut %d prompts: %q", len(log), log)
	}
	if res.Options.NumCtx != 2048 || res.Options.NumPredict != 1024 || res.Calibration != run.CalibratedProbe {
		t.Fatalf("options %+v, calibration %s", res.Options, res.Calibration)
	}
	if res.Status != review.StatusOK || len(res.Covered) != len(set.Files) || !sawBug(res) {
		t.Fatalf("status %s, covered %v, bug seen %v: %s", res.Status, res.Covered, sawBug(res), res.Error)
	}
}

// The user's num_ctx claims 16384 tokens; the server runs the model at
// 2048. The context check (after the probe, a prompt filling num_ctx) is
// the one prompt the server cuts: it reads 2048 tokens of about 16000, and
// the reviewer is planned at 2048. No chunk's prompt is cut, the bug is
// seen, and a second run takes everything from the cache, the check
// included.
func TestOpenAIServerSmallerThanNumCtxIsCaught(t *testing.T) {
	srv, r := openaiRig(t, 2048, 4)
	set := bugFile(400) // about 24 KB: planned at the probe's figure
	res := reviewOpenAI(t, r, set, 16384, 1024, false)
	cut := cutRequests(srv, 2048)
	if check := srv.OpenAIChats()[1]; cut != 1 || !strings.HasPrefix(check.Prompt, "Context check ") || check.PromptEvalCount != 2048 || res.Resplits != 0 || res.Options.NumCtx != 2048 {
		t.Fatalf("the server cut %d prompts, the run split %d again, num_ctx %d", cut, res.Resplits, res.Options.NumCtx)
	}
	if res.Calibration != run.CalibratedProbe || res.Status != review.StatusOK || len(res.Covered) != len(set.Files) || len(res.Truncated) != 0 || !sawBug(res) {
		t.Fatalf("calibration %s, status %s, covered %v, truncated %v, bug seen %v: %s", res.Calibration, res.Status, res.Covered, res.Truncated, sawBug(res), res.Error)
	}
	if res.Metrics.Requests != len(srv.OpenAIChats()) || len(res.Chunks)+2 != res.Metrics.Requests {
		t.Fatalf("%d requests counted, %d sent, %d chunks", res.Metrics.Requests, len(srv.OpenAIChats()), len(res.Chunks))
	}
	before := srv.ModelCalls()
	again := reviewOpenAI(t, r, set, 16384, 1024, false)
	if srv.ModelCalls() != before || again.Status != review.StatusOK || !sawBug(again) || again.Metrics.CacheHits != len(again.Chunks) {
		t.Fatalf("second run: %d calls, status %s, bug seen %v", srv.ModelCalls()-before, again.Status, sawBug(again))
	}
}

// A server smaller than the probe (1024 tokens, one token a byte) cuts it:
// the cut probe is recognised (it read a typical context's worth), nothing
// is learned from it, and the reviewer is planned at what the server
// showed it holds, 1024 tokens, where nothing fits beside quorum's prompt:
// it fails saying so, and no chunk is sent for the server to cut (Ollama
// would drop its system prompt and answer as if whole). No file is covered.
func TestOpenAICutProbeTeachesNothing(t *testing.T) {
	srv, r := openaiRig(t, 1024, 1)
	set := bugFile(40)
	res := reviewOpenAI(t, r, set, 4096, 1024, true)
	if cut := cutRequests(srv, 1024); cut != 1 { // waits for the handlers' log
		t.Fatalf("%d requests cut", cut)
	}
	probe := srv.OpenAIChats()[0]
	if !strings.HasPrefix(probe.Prompt, "Calibration ") || probe.PromptEvalCount != 1024 || res.Calibration != run.CalibratedConservative || res.ProbeCut != 1024 {
		t.Fatalf("probe read %d tokens; calibration %s, probe cut at %d", probe.PromptEvalCount, res.Calibration, res.ProbeCut)
	}
	if !run.ProbeWasCut(r.Cache, res.Reviewer.Model, res.Digest) {
		t.Error("the cut probe is not kept for 'quorum doctor'")
	}
	var e map[string]any
	if ok, _ := r.Cache.Get("bytes-per-token", cache.Key("bpt/v4", "digest:"+res.Digest), &e); ok {
		t.Fatalf("learned %v from a cut probe", e)
	}
	if res.Status != review.StatusFailed || res.Options.NumCtx != 1024 || len(res.Covered) != 0 || sawBug(res) || !strings.Contains(res.Error, "no part of the diff fits") {
		t.Fatalf("status %s, num_ctx %d, covered %v: %s (hint %q)", res.Status, res.Options.NumCtx, res.Covered, res.Error, res.Hint)
	}
	if n := len(srv.OpenAIChats()); n != 1 {
		t.Fatalf("%d requests after the cut probe", n-1)
	}
	// What the cut probe showed of the server is kept as a context check's
	// finding, for 'quorum doctor' (run.CheckedContext).
	if at, ok := run.CheckedContext(r.Cache, "coder", res.Digest, 4096); !ok || at != 1024 {
		t.Fatalf("checked context %d, %v; want 1024 kept", at, ok)
	}
	// It holds at any num_ctx above it (a doctor run with other settings),
	// until a check there reads a prompt whole (the server's context raised).
	if at, ok := run.CheckedContext(r.Cache, "coder", res.Digest, 8192); !ok || at != 1024 {
		t.Fatalf("checked context at 8192: %d, %v; want 1024", at, ok)
	}
	run.RecordCheckedContext(r.Cache, "coder", res.Digest, 16384, 0)
	if at, ok := run.CheckedContext(r.Cache, "coder", res.Digest, 16384); ok {
		t.Fatalf("read whole at 16384, still cut at %d", at)
	}
	if at, ok := run.CheckedContext(r.Cache, "coder", res.Digest, 8192); ok {
		t.Fatalf("read whole at 16384, still cut at %d at 8192", at)
	}
}

// A server at a context no typical size (3000 tokens) that the user's
// num_ctx overstates: the context check reads 3000 tokens, and the
// reviewer is planned at that. Every answer comes from a prompt the server
// read whole.
func TestOpenAIServerAtAnOddContextIsCaughtByTheCheck(t *testing.T) {
	srv, r := openaiRig(t, 3000, 4)
	set := bugFile(400)
	res := reviewOpenAI(t, r, set, 16384, 1024, false)
	cut := cutRequests(srv, 3000)
	if cut != 1 || res.Resplits != 0 || res.Options.NumCtx != 3000 || res.Calibration != run.CalibratedProbe {
		t.Fatalf("the server cut %d prompts, the run split %d again; num_ctx %d, calibration %s", cut, res.Resplits, res.Options.NumCtx, res.Calibration)
	}
	if res.Status != review.StatusOK || len(res.Covered) != 1 || !sawBug(res) {
		t.Fatalf("status %s, covered %v, bug seen %v: %s", res.Status, res.Covered, sawBug(res), res.Error)
	}
}

// A server that cuts a fifth of a prompt (the model's Modelfile sets
// num_ctx 7000; the user's entry says 8192): too little below the
// estimate for a reply's count to show it, and no typical size. The
// context check reads 7000 tokens: the reviewer is planned at that, no
// chunk's prompt is cut, and the bug at the top of the file is seen. A
// second run takes the check from the cache and asks only for chunks it
// has no answer to. One of its chunks counts 4066 tokens, near the typical
// 4096: with the server's context measured, that is no sign of a cut, and
// the chunk is not split again.
func TestOpenAIServerCuttingAFifthIsCaughtByTheCheck(t *testing.T) {
	srv, r := openaiRig(t, 7000, 1)
	set := bugFile(200) // about 12 KB at a byte a token: chunks near 8192 before
	res := reviewOpenAI(t, r, set, 8192, 1024, false)
	if cut := cutRequests(srv, 7000); cut != 1 || res.Options.NumCtx != 7000 || res.Resplits != 0 {
		t.Fatalf("the server cut %d prompts; num_ctx %d, %d split again", cut, res.Options.NumCtx, res.Resplits)
	}
	if res.Status != review.StatusOK || len(res.Covered) != 1 || !sawBug(res) {
		t.Fatalf("status %s, covered %v, bug seen %v: %s", res.Status, res.Covered, sawBug(res), res.Error)
	}
	before := len(srv.OpenAIChats())
	again := reviewOpenAI(t, r, set, 8192, 1024, false)
	if sent := len(srv.OpenAIChats()) - before; sent != 0 || again.Options.NumCtx != 7000 || again.Calibration != run.CalibratedCache || !sawBug(again) {
		t.Fatalf("second run sent %d requests; num_ctx %d, calibration %s", sent, again.Options.NumCtx, again.Calibration)
	}
}

// A server at 700 tokens, no typical size, smaller than the probe: the
// probe reads 700 tokens and looks whole. The context check reads 700
// too, so the probe was cut as well: nothing is learned from it, and the
// reviewer, planned at 700 tokens, fits nothing and says so; no file is
// reported reviewed.
func TestOpenAIProbeCutAtAnOddContextTeachesNothing(t *testing.T) {
	srv, r := openaiRig(t, 700, 1)
	set := bugFile(40)
	res := reviewOpenAI(t, r, set, 0, 1024, true)
	cutRequests(srv, 700) // waits for the handlers' log
	chats := srv.OpenAIChats()
	if len(chats) < 2 || chats[0].PromptEvalCount != 700 || !strings.HasPrefix(chats[1].Prompt, "Context check ") || chats[1].PromptEvalCount != 700 {
		t.Fatalf("requests %d; probe read %d", len(chats), chats[0].PromptEvalCount)
	}
	var e map[string]any
	if ok, _ := r.Cache.Get("bytes-per-token", cache.Key("bpt/v4", "digest:"+res.Digest), &e); ok {
		t.Fatalf("learned %v from a cut probe", e)
	}
	if res.Calibration != run.CalibratedConservative || res.ProbeCut != 700 || res.Options.NumCtx != 700 || len(res.Covered) != 0 || sawBug(res) {
		t.Fatalf("calibration %s, probe cut at %d, num_ctx %d, covered %v: %s", res.Calibration, res.ProbeCut, res.Options.NumCtx, res.Covered, res.Error)
	}
}
