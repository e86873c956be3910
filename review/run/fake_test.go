package run

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/plan"
)

// fake is an in-test model server: one resident model at a time, a load cost
// on every switch, a generation rate, and scripted replies per model.
type fake struct {
	mu       sync.Mutex
	models   map[string]review.ModelInfo
	reply    func(model string, n int, req review.ChatRequest) (review.ChatResponse, error)
	load     time.Duration
	perToken time.Duration
	answerTk int

	resident  string
	requests  []review.ChatRequest
	loads     []string
	inFlight  int
	maxFlight int
	perModel  map[string]int
	// showFails makes the next N Show calls fail with a server error.
	showFails int
	// fixedCtx: num_ctx does not reach this server, as over an
	// OpenAI-compatible API (SetsContext false).
	fixedCtx bool
	// overlap: see meet.
	overlap    int
	overlapped chan struct{}
	met        bool
}

// meet makes the first chunk request (a prompt showing one of diffSet's
// files, so not a calibration probe) wait until n requests are in flight at
// once, or a minute has passed. A test of parallel requests then sees them
// overlap however slowly a loaded machine starts the others, where a timed
// answer could end before the next request begins; a runner that never
// overlaps requests makes it wait out the minute and fail.
func (f *fake) meet(n int) {
	f.overlap, f.overlapped = n, make(chan struct{})
}

var chunkFile = regexp.MustCompile(`\bf\d{2}\.go\b`)

func newFake(models ...string) *fake {
	f := &fake{models: map[string]review.ModelInfo{}, perModel: map[string]int{}, answerTk: 20}
	for _, m := range models {
		f.models[m] = review.ModelInfo{Name: m, Digest: "sha256:" + m, ContextLength: 32768}
	}
	f.reply = func(string, int, review.ChatRequest) (review.ChatResponse, error) {
		return review.ChatResponse{Content: `{"summary":"ok","findings":[]}`, DoneReason: "stop"}, nil
	}
	return f
}

func (f *fake) Show(_ context.Context, name string) (review.ModelInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.showFails > 0 {
		f.showFails--
		return review.ModelInfo{}, errors.New("show: ollama failed (500)")
	}
	info, ok := f.models[name]
	if !ok {
		return review.ModelInfo{}, fmt.Errorf("model %q is not installed: %w", name, review.ErrModelNotFound)
	}
	return info, nil
}

func (f *fake) List(context.Context) ([]review.ModelInfo, error) { return nil, nil }

// SetsContext says whether num_ctx reaches the fake (ContextSetter).
func (f *fake) SetsContext() bool { return !f.fixedCtx }

// Hint is the fake backend's own remedy for a missing model.
func (f *fake) Hint(err error, model string) string {
	if errors.Is(err, review.ErrModelNotFound) {
		return "install " + model
	}
	return ""
}

// ensure makes model resident, paying the load cost on a switch; it holds
// the server while loading, like Ollama's scheduler swapping one model out.
func (f *fake) ensure(ctx context.Context, model string) (time.Duration, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.resident == model {
		return 0, nil
	}
	if f.load > 0 {
		select {
		case <-time.After(f.load):
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	f.resident = model
	f.loads = append(f.loads, model)
	return f.load, nil
}

func (f *fake) Chat(ctx context.Context, req review.ChatRequest, progress review.Progress) (review.ChatResponse, error) {
	f.mu.Lock()
	if _, ok := f.models[req.Model]; !ok {
		f.mu.Unlock()
		return review.ChatResponse{}, fmt.Errorf("model %q not found: %w", req.Model, review.ErrModelNotFound)
	}
	f.requests = append(f.requests, req)
	f.perModel[req.Model]++
	n := f.perModel[req.Model]
	f.inFlight++
	f.maxFlight = max(f.maxFlight, f.inFlight)
	wait := false
	if f.overlapped != nil {
		if f.inFlight >= f.overlap {
			select {
			case <-f.overlapped:
			default:
				close(f.overlapped)
			}
		}
		wait = !f.met && chunkFile.MatchString(req.Prompt)
		f.met = f.met || wait
	}
	f.mu.Unlock()
	defer func() { f.mu.Lock(); f.inFlight--; f.mu.Unlock() }()
	if wait {
		select {
		case <-f.overlapped:
		case <-time.After(time.Minute):
		case <-ctx.Done():
			return review.ChatResponse{}, ctx.Err()
		}
	}
	load, err := f.ensure(ctx, req.Model)
	if err != nil {
		return review.ChatResponse{}, err
	}
	resp, err := f.reply(req.Model, n, req)
	if err != nil {
		return resp, err
	}
	if resp.EvalCount == 0 {
		resp.EvalCount = f.answerTk
	}
	if resp.PromptEvalCount == 0 {
		resp.PromptEvalCount = (len(req.System) + len(req.Prompt)) / 3
	}
	gen := time.Duration(resp.EvalCount) * f.perToken
	if gen > 0 {
		select {
		case <-time.After(gen):
		case <-ctx.Done():
			return review.ChatResponse{}, ctx.Err()
		}
	}
	if progress != nil {
		progress(resp.EvalCount)
	}
	resp.LoadDuration = load
	resp.EvalDuration = max(gen, time.Millisecond)
	resp.TotalDuration = load + resp.EvalDuration
	return resp, nil
}

func (f *fake) count() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.requests) }

// loaderFake adds explicit loading.
type loaderFake struct{ *fake }

func (l loaderFake) Load(ctx context.Context, model string, _ review.Options, _ time.Duration) (time.Duration, error) {
	if _, err := l.Show(ctx, model); err != nil {
		return 0, err
	}
	return l.ensure(ctx, model)
}

var _ Loader = loaderFake{}

// diffSet builds n files, each with one added hunk.
func diffSet(n int) *diff.Set {
	set := &diff.Set{Commits: []diff.Commit{{Subject: "add things"}}}
	for i := range n {
		var lines []diff.Line
		for l := 1; l <= 40; l++ {
			lines = append(lines, diff.Line{Kind: diff.Added, New: l, Text: fmt.Sprintf("v%d_%d := f(%d) // %s", i, l, l, strings.Repeat("pad ", 8))})
		}
		set.Files = append(set.Files, diff.File{Path: fmt.Sprintf("f%02d.go", i), Status: diff.StatusAdded,
			Hunks: []diff.Hunk{{NewStart: 1, NewLines: 40, Lines: lines}}})
	}
	return set
}

func prepared(n int) *plan.Prepared { return plan.Prepare(plan.Input{Set: diffSet(n)}) }

func reviewers(models ...string) []review.Reviewer {
	var out []review.Reviewer
	for _, m := range models {
		out = append(out, review.Reviewer{Name: m, Model: m})
	}
	return out
}
