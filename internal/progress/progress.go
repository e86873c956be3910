// Package progress shows reviewers' progress on stderr: bars on a terminal, plain lines otherwise.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/quorum-review/quorum/internal/crash"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
)

// Reporter receives a review's events (it satisfies run.Observer) and shows
// them: one mpb bar per reviewer when stderr is a terminal, redrawn in place;
// one plain line per step otherwise (planned, loaded, each chunk, finished;
// never one per token), nothing when quiet. Each reviewer's elapsed time
// runs from when it started (a reviewer waiting for another model's turn has
// not), and its estimate of the time left is the mean time of its finished
// chunks times the chunks left. Times come from the injected clock. Close it
// before writing the result.
type Reporter struct {
	mu    sync.Mutex
	w     io.Writer // plain mode; nil when quiet or on a TTY
	p     *mpb.Progress
	now   func() time.Time
	state map[string]*reviewer
	order []string
	err   io.Writer
	after []string // lines to print under the bars when they finish
	// box holds a panic of the code mpb runs on its own goroutines (the
	// bars' decorator, the console writer): Close throws it again on the
	// goroutine that closes the Reporter, for the command line's recover.
	box crash.Box
}

// testDraw, when set (by tests), runs on mpb's goroutines where quorum's
// code does (site "decorator" or "flush"): a panic there stands for a bug
// in that code.
var testDraw func(site string)

type reviewer struct {
	// mu guards the fields the bar's decorator reads while mpb renders; the
	// decorator must never take Reporter.mu, which is held around bar calls.
	mu            sync.Mutex
	name          string
	total, done   int
	tokens        int
	firstToken    time.Time
	lastToken     time.Time
	evalTokens    int
	evalDur       time.Duration
	bar           *mpb.Bar
	status, error string
	// start is when the reviewer started working; end when it finished.
	start, end time.Time
	// begun is set by its first load, token or chunk.
	begun bool
	// waiting counts the chunks waiting for another quorum process asking
	// the model the same chunk (Waiting): several may, with --parallel.
	waiting int
}

// New returns a Reporter writing to ios.ErrOut.
func New(ios *iostreams.IOStreams, quiet bool, now func() time.Time) *Reporter {
	if now == nil {
		now = time.Now
	}
	r := &Reporter{now: now, state: map[string]*reviewer{}, err: ios.ErrOut}
	switch {
	case quiet:
	case ios.StderrTTY:
		// The width is the bar's alone; name, counters and tokens/s come on
		// top, and a line longer than the terminal wraps and breaks redraws.
		// termWriter redraws in place (cursor up, erase below) and keeps
		// every row one column short of the terminal's width, so no row
		// wraps and leaves a copy of itself in the scrollback.
		tw := newTermWriter(ios)
		tw.box = &r.box
		r.p = mpb.New(mpb.WithConsoleWriter(tw), mpb.WithWidth(barWidth(ios.TerminalWidth)), mpb.WithRefreshRate(150*time.Millisecond))
	default:
		r.w = ios.ErrOut
	}
	return r
}

func (r *Reporter) get(name string) *reviewer {
	s, ok := r.state[name]
	if !ok {
		s = &reviewer{name: name}
		r.state[name] = s
		r.order = append(r.order, name)
	}
	return s
}

func (r *Reporter) printf(format string, args ...any) {
	if r.w != nil {
		fmt.Fprintln(r.w, "quorum: "+safetext.OneLine(fmt.Sprintf(format, args...)))
	}
}

// Planned announces a reviewer's chunks.
func (r *Reporter) Planned(name string, chunks int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.get(name)
	s.total = chunks
	s.mu.Lock()
	s.start = r.now()
	s.mu.Unlock()
	if r.p != nil {
		now := r.now
		s.bar = r.p.AddBar(int64(max(chunks, 1)),
			mpb.PrependDecorators(
				decor.Name(safetext.OneLine(name), decor.WC{C: decor.DindentRight | decor.DextraSpace}),
				decor.CountersNoUnit("%d/%d chunks", decor.WCSyncWidth),
			),
			mpb.AppendDecorators(decor.Any(func(decor.Statistics) string { return r.decorate(s, now) })),
			mpb.BarFillerClearOnComplete(),
		)
		return
	}
	r.printf("%s: %d %s to review", name, chunks, plural(chunks, "chunk", "chunks"))
}

// Loaded reports a model's load time.
func (r *Reporter) Loaded(name string, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.get(name).begin(r.now())
	r.printf("%s: model loaded in %s", name, round(d))
}

// Waiting says a chunk waits for another quorum process (a review and a
// push's hook at once) asking the model the same chunk, or (waiting false)
// that it no longer does: on a terminal the reviewer's bar says so while it
// waits, else a line does when it starts.
func (r *Reporter) Waiting(name, chunk string, waiting bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.get(name)
	s.mu.Lock()
	if waiting {
		s.waiting++
	} else if s.waiting > 0 {
		s.waiting--
	}
	s.mu.Unlock()
	if s.bar == nil && waiting {
		r.printf("%s: waiting for another quorum process, which is asking the model the same chunk (%s)", name, chunk)
	}
}

// Tokens counts streamed tokens, for the live rate on a terminal.
func (r *Reporter) Tokens(name string, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.get(name)
	t := r.now()
	s.begin(t)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.firstToken.IsZero() {
		s.firstToken = t
	}
	s.lastToken = t
	s.tokens += n
}

// ChunkDone reports a finished chunk.
func (r *Reporter) ChunkDone(name string, c review.ChunkResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.get(name)
	t := r.now()
	s.begin(t)
	s.mu.Lock()
	s.done++
	s.evalTokens += c.Metrics.EvalTokens
	s.evalDur += c.Metrics.EvalDuration
	timing := s.timing(t)
	s.mu.Unlock()
	if s.bar != nil {
		s.bar.Increment()
		return
	}
	what := "done"
	switch {
	case c.Cached:
		what = "from cache"
	case c.Answer == nil:
		what = "failed: " + safetext.OneLine(c.Error)
	}
	r.printf("%s: chunk %d/%d %s (%s)", safetext.OneLine(name), s.done, s.total, what, timing)
}

// Finished reports a reviewer's outcome.
func (r *Reporter) Finished(name string, res review.RawResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.get(name)
	t := r.now()
	s.mu.Lock()
	s.status, s.error = res.Status, res.Error
	s.end = t
	s.mu.Unlock()
	// The next model starts now: reviewers still waiting for their turn
	// have not been working so far.
	for _, o := range r.state {
		if o != s {
			o.wait(t)
		}
	}
	if s.bar != nil {
		if res.Status == review.StatusOK {
			s.bar.SetTotal(-1, true)
		} else {
			s.bar.Abort(false)
		}
	}
	status := res.Status
	if res.StoppedBeforeAnswering() {
		status = "stopped" // by Ctrl-C or a timeout, not a failure of the model
	}
	msg := fmt.Sprintf("%s: %s, %d/%d chunks in %s", name, status, answered(res), len(res.Chunks)+unfinished(res, s), round(res.Metrics.Wall))
	// A rate with no chunk answered would be the tokenizer probe's alone.
	if answered(res) > 0 && plausible(res.Metrics.EvalTokens, res.Metrics.EvalDuration) {
		msg += fmt.Sprintf(", %.1f tokens/s", res.Metrics.TokensPerSecond())
	}
	if res.Metrics.LoadDuration > 0 {
		msg += fmt.Sprintf(", load %s", round(res.Metrics.LoadDuration))
	}
	if res.Error != "" {
		msg += ": " + res.Error
	}
	if r.p != nil {
		if res.Status != review.StatusOK {
			// Printed once the bars are done: lines written into a
			// finishing mpb container can be lost.
			r.after = append(r.after, "quorum: "+safetext.OneLine(msg))
		}
		return
	}
	r.printf("%s", msg)
}

// decorate is the live part of s's bar, drawn on mpb's goroutine: a panic
// there goes to the box (the bar's text stays empty from then on), for
// Close to throw, instead of ending the process from mpb's goroutine.
func (r *Reporter) decorate(s *reviewer, now func() time.Time) string {
	if r.box.Caught() != nil {
		return ""
	}
	defer r.box.Catch()
	if testDraw != nil {
		testDraw("decorator")
	}
	return s.line(now())
}

// Close waits for the bars to finish drawing. A panic in the drawing
// (caught on mpb's goroutines) is thrown again here, once the bars are
// done, with the stack where it happened.
func (r *Reporter) Close() {
	r.mu.Lock()
	p := r.p
	for _, s := range r.state {
		if s.bar != nil && !s.bar.AbortedOrCompleted() {
			s.bar.Abort(false)
		}
	}
	after := r.after
	r.after = nil
	r.mu.Unlock()
	if p != nil {
		p.Wait()
		for _, l := range after {
			fmt.Fprintln(r.err, l)
		}
	}
	r.box.Rethrow()
}

// begin marks the reviewer as working from t on, if it was not yet.
func (s *reviewer) begin(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.begun {
		s.begun = true
		if s.start.IsZero() {
			s.start = t
		}
	}
}

// Started is a reviewer's model getting its turn (run.StartObserver): its
// clock starts now, whatever it waited for before.
func (r *Reporter) Started(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.get(name)
	t := r.now()
	s.mu.Lock()
	s.start, s.begun = t, true
	// The generation rate is of this turn's tokens: a probe's before it
	// would spread them over another model's time.
	s.firstToken, s.lastToken = time.Time{}, time.Time{}
	s.mu.Unlock()
}

// wait restarts the clock of a reviewer that has not begun: it was
// waiting for another model's turn.
func (s *reviewer) wait(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.begun && s.end.IsZero() {
		s.start = t
	}
}

// timing is "12s, ~6s left, 1.2k tokens": elapsed time, the estimate left
// (the mean of the finished chunks times the chunks left) and the tokens
// generated so far. s.mu is held.
func (s *reviewer) timing(t time.Time) string {
	if !s.end.IsZero() {
		t = s.end
	}
	elapsed := max(t.Sub(s.start), 0)
	parts := []string{clock(elapsed)}
	if s.done > 0 && s.done < s.total && s.end.IsZero() {
		left := elapsed / time.Duration(s.done) * time.Duration(s.total-s.done)
		parts = append(parts, "~"+clock(left)+" left")
	}
	if n := max(s.tokens, s.evalTokens); n > 0 {
		parts = append(parts, count(n)+" tokens")
	}
	return strings.Join(parts, ", ")
}

// line is the live part of a bar: elapsed, estimate, tokens, tokens/s and status.
func (s *reviewer) line(t time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.status != "" {
		return safetext.OneLine(s.status)
	}
	out := s.timing(t)
	switch {
	case s.waiting > 0:
		out += ", waiting for another quorum process asking the same chunk"
	case plausible(s.evalTokens, s.evalDur):
		out += fmt.Sprintf(", %.1f tokens/s", float64(s.evalTokens)/s.evalDur.Seconds())
	case s.tokens > 0 && s.lastToken.After(s.firstToken):
		out += fmt.Sprintf(", %.1f tokens/s", float64(s.tokens)/s.lastToken.Sub(s.firstToken).Seconds())
	}
	return out
}

// clock is a duration in whole seconds: "12s", "3m05s", "1h02m".
func clock(d time.Duration) string {
	sec := int(d.Round(time.Second) / time.Second)
	switch {
	case sec < 60:
		return fmt.Sprintf("%ds", sec)
	case sec < 3600:
		return fmt.Sprintf("%dm%02ds", sec/60, sec%60)
	}
	return fmt.Sprintf("%dh%02dm", sec/3600, sec%3600/60)
}

// count is a token count: "850", "1.2k", "3.4M".
func count(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprint(n)
	case n < 1_000_000:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1fM", float64(n)/1e6)
}

func answered(res review.RawResult) int {
	n := 0
	for _, c := range res.Chunks {
		if c.Answer != nil {
			n++
		}
	}
	return n
}

// unfinished is the number of planned chunks that produced no result.
func unfinished(res review.RawResult, s *reviewer) int { return max(0, s.total-len(res.Chunks)) }

func round(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// barWidth leaves room on a terminal line of width columns for the
// decorators around the bar (about 60 columns with a long model name).
func barWidth(columns int) int {
	return max(10, min(40, columns-60))
}

// plausible reports whether n tokens written in d make a rate worth
// showing: a few tokens (a probe's one), or a duration under a
// millisecond (a server that reports none to speak of), read as millions
// a second.
func plausible(n int, d time.Duration) bool {
	return n >= 16 && d >= time.Millisecond
}
