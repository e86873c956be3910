package run

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/quorum-review/quorum/prompts"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/plan"
)

// This file measures a model's tokenizer before its chunks are planned
// (DESIGN §5): one probe request of known bytes, whose prompt_eval_count the
// server reports. The figure is kept per model digest, so it is measured once
// per model, whatever name it is asked by.

// Calibration sources, as RawResult.Calibration reports them.
const (
	CalibratedProbe        = "probe"
	CalibratedCache        = "cache"
	CalibratedConservative = "conservative"
	CalibrationNotNeeded   = "not-needed"
)

// probeSample is code as quorum's prompts show it, in the languages
// reviews see most; the system prompt's English goes with it.
var probeSample = []string{
	"func (s *Store) Get(ctx context.Context, key string) ([]byte, error) {",
	"\ts.mu.RLock()",
	"\tdefer s.mu.RUnlock()",
	"\tif v, ok := s.items[key]; ok && time.Since(v.at) < s.ttl {",
	"\t\treturn append([]byte(nil), v.data...), nil",
	"\t}",
	"\tresp, err := s.client.Do(req.WithContext(ctx))",
	"\tif err != nil {",
	"\t\treturn nil, fmt.Errorf(\"fetch %q: %w\", key, err)",
	"\t}",
	"\tdefer resp.Body.Close()",
	"\tdata, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))",
	"\treturn data, err",
	"}",
	"def load_users(path: str, *, strict: bool = False) -> list[dict]:",
	"    \"\"\"Read users from a CSV file; skip malformed rows unless strict.\"\"\"",
	"    users = []",
	"    with open(path, newline=\"\", encoding=\"utf-8\") as fh:",
	"        for i, row in enumerate(csv.DictReader(fh)):",
	"            if not row.get(\"email\"):",
	"                if strict:",
	"                    raise ValueError(f\"row {i}: missing email\")",
	"                continue",
	"            users.append({\"id\": int(row[\"id\"]), \"email\": row[\"email\"].lower()})",
	"    return users",
	"export async function fetchOrders(userId: string, opts: { limit?: number } = {}): Promise<Order[]> {",
	"  const url = `${API_BASE}/users/${encodeURIComponent(userId)}/orders?limit=${opts.limit ?? 50}`;",
	"  const res = await fetch(url, { headers: { Authorization: `Bearer ${token()}` } });",
	"  if (!res.ok) throw new Error(`orders: ${res.status} ${res.statusText}`);",
	"  return (await res.json()).items.map((o: RawOrder) => ({ ...o, total: Number(o.total) }));",
	"}",
	"SELECT u.id, u.email, COUNT(o.id) AS orders FROM users u LEFT JOIN orders o ON o.user_id = u.id",
	"  WHERE u.created_at >= $1 GROUP BY u.id, u.email ORDER BY orders DESC LIMIT 100;",
}

// probeContext is the smallest context a server is taken to run a model
// at: Ollama v0.6.5's default, which its OpenAI-compatible endpoint always
// uses (that API cannot set one). Where num_ctx does not reach the server,
// the probe fits it whatever num_ctx quorum plans for, so a server whose
// real context is smaller than the user says cannot cut the probe of a
// real tokenizer and teach a wrong figure.
const probeContext = 2048

// probeSlack is the room left beside the probe's text for what the server
// adds around it: the chat template's role markers, a template's default
// system prompt (about 30 tokens for qwen2.5), BOS, the one answer token.
const probeSlack = 256

// probeBytes is the probe's size for a context of numCtx tokens.
//
// Where quorum sets num_ctx (unset false), num_ctx/3: the probe fits it
// even at three tokens a byte, which a byte-fallback tokenizer can spend
// (the test suite's tiny models spend 1.3 on average).
//
// Where it does not (an OpenAI-compatible server), min(num_ctx, 2048) less
// probeSlack: the probe is ASCII, on which no real tokenizer spends more
// than a token a byte, so it fits any server run at 2048 tokens or more.
// Not num_ctx/3: at 682 bytes a probe counts about 175 tokens, and the 10
// to 30 a chat template adds would skew its figure by up to 17%, which the
// check against the estimate (lowRatio) could not absorb; at 1768 bytes,
// about 460 tokens, by 6% at most. A tokenizer that spends more still
// (the tiny models) has its probe cut on a 2048-token server: probeFigure
// sees it, and nothing is learned.
func probeBytes(numCtx int, unset bool) int {
	if !unset {
		return numCtx / 3
	}
	n := min(numCtx, probeContext)
	return max(n-probeSlack, n/2)
}

// probeText is the probe prompt for a context of numCtx tokens (unset: one
// num_ctx does not reach): a nonce, then the system prompt's lines and
// sample code rendered as hunks are (new-side line number, marker, code)
// in turn, so that a probe cut to size still mixes the English and the
// code a chunk's prompt holds; at most probeBytes(numCtx, unset) bytes. The
// nonce leads, so no server can serve any of the text from a cached prompt
// prefix and count less than it read.
func probeText(numCtx int, unset bool, nonce string) string {
	s := "Calibration " + nonce + ". Reply with one word.\n\n" + probeBody()
	if limit := probeBytes(numCtx, unset); len(s) > limit {
		s = s[:limit]
		if i := strings.LastIndexByte(s, '\n'); i > 0 {
			s = s[:i+1]
		}
	}
	return s
}

// probeBody is the probe's text after its first line: the system prompt's
// lines and sample code rendered as hunks are, in turn.
func probeBody() string {
	var b strings.Builder
	var sys []string
	if s, err := prompts.System(""); err == nil {
		sys = strings.Split(strings.TrimSpace(s), "\n")
	}
	for i := range max(len(sys), len(probeSample)) {
		if i < len(sys) {
			b.WriteString(sys[i] + "\n")
		}
		if i < len(probeSample) {
			marker := "+"
			if i%5 == 0 {
				marker = " "
			}
			fmt.Fprintf(&b, "%d%s%s\n", 40+i, marker, probeSample[i])
		}
	}
	return b.String()
}

// calibrate sends rr's probe and keeps the measured figure. A model that is
// missing or a server that is unreachable stops the reviewer; any other
// failure, and a probe the server cut, leaves the figure unmeasured, and rr
// is planned conservatively.
func (r *Runner) calibrate(ctx context.Context, cfg Config, rr *reviewerRun) {
	if rr.calibration == CalibratedCache {
		// Measured before; only the server's context is to check.
		r.checkContext(ctx, cfg, rr, 0)
		return
	}
	if e, ok := r.measuredBPT(rr.bpt.id); ok {
		// Measured by another reviewer of the same model in this run.
		rr.bpt.prior, rr.estBPT, rr.calibration = e.BytesPerToken*safety, e.Probe, CalibratedProbe
		r.checkContext(ctx, cfg, rr, 0)
		return
	}
	opts := rr.res.Options
	prompt := probeText(opts.NumCtx, rr.ctxUnset, fmt.Sprintf("%x", r.now().UnixNano()))
	resp, err := r.measure(ctx, cfg, rr, prompt)
	switch {
	case ctx.Err() != nil:
		return
	case err != nil && (errors.Is(err, review.ErrModelNotFound) || errors.Is(err, review.ErrUnreachable)):
		rr.fatal = err
		return
	}
	bpt, ok := probeFigure(resp, err, len(prompt), opts.NumCtx, rr.ctxUnset)
	if !ok {
		if err == nil && resp.PromptEvalCount > 0 {
			// Cut: the server's context is at most what it read.
			r.recordProbeCut(rr, resp.PromptEvalCount)
			rr.sawCut(resp.PromptEvalCount)
			if rr.ctxUnset {
				// Over this API num_ctx is only assumed: plan at what the
				// server showed it holds. A prompt over it that Ollama
				// reads would lose its system prompt, silently. Kept as a
				// context check's finding: 'quorum doctor' judges the
				// model by it.
				recordCheck(r.Cache, rr.bpt.id, opts.NumCtx, resp.PromptEvalCount)
				rr.shrinkContext(resp.PromptEvalCount)
			}
		}
		rr.bpt.prior, rr.calibration = conservativeBPT, CalibratedConservative
		return
	}
	if rr.ctxUnset {
		// The server's context is checked before the figure is kept: a
		// probe the server cut at a context no typical size reads like one
		// it read whole.
		rr.estBPT = bpt
		if !r.checkContext(ctx, cfg, rr, resp.PromptEvalCount) {
			// The check read no more than the probe did: the server cut
			// the probe too.
			rr.estBPT, rr.bpt.prior, rr.calibration = 0, conservativeBPT, CalibratedConservative
			r.recordProbeCut(rr, resp.PromptEvalCount)
			return
		}
	}
	e := r.storeProbe(rr.bpt.id, bpt, resp.PromptEvalCount)
	rr.bpt.prior, rr.estBPT, rr.calibration = e.BytesPerToken*safety, e.Probe, CalibratedProbe
}

// measure sends a prompt whose count is all that is wanted (the probe, the
// context check): one token of answer, its metrics the reviewer's.
func (r *Runner) measure(ctx context.Context, cfg Config, rr *reviewerRun, prompt string) (review.ChatResponse, error) {
	opts := rr.res.Options
	opts.NumPredict = 1
	rctx, cancel := withTimeout(ctx, cfg.Timeout)
	defer cancel()
	resp, err := r.Chat.Chat(rctx, review.ChatRequest{Model: rr.res.Reviewer.Model, Prompt: prompt, Options: opts, KeepAlive: cfg.KeepAlive}, nil)
	rr.mu.Lock()
	addResponse(&rr.extra, resp)
	rr.mu.Unlock()
	return resp, err
}

// probeFigure reads the answer to a probe of n bytes sent with num_ctx
// numCtx: the bytes per token it measured, or false when it measures
// nothing. That is an error, no count, or a probe the server cut: one that
// read about num_ctx tokens (promptCut), or, where num_ctx does not reach
// the server (unset), stopped at a typical context size the probe could
// fill (at four tokens a byte, minBPT, plus probeSlack): a server run at
// less than the probe takes.
func probeFigure(resp review.ChatResponse, err error, n, numCtx int, unset bool) (float64, bool) {
	count := resp.PromptEvalCount
	if err != nil || count <= 0 || promptCut(resp, numCtx) {
		return 0, false
	}
	if s, ok := atTypicalContext(count); unset && ok && float64(s) <= float64(n)/minBPT+probeSlack {
		return 0, false
	}
	return min(max(float64(n)/float64(count), minBPT), maxBPT), true
}

// truncMargin is how close to num_ctx a prompt_eval_count must come to
// count as cut: ollama reports exactly num_ctx for a prompt it truncated.
func truncMargin(numCtx int) int { return max(16, numCtx/100) }

// promptCut reports whether the server did not fit the request in num_ctx:
// it read (about) num_ctx tokens, which is what a truncated prompt reads,
// whatever quorum estimated; or prompt and answer together reached num_ctx,
// where ollama shifts the context and the model loses part of the prompt.
func promptCut(resp review.ChatResponse, numCtx int) bool {
	if numCtx <= 0 || resp.PromptEvalCount <= 0 {
		return false
	}
	return resp.PromptEvalCount >= numCtx-truncMargin(numCtx) || resp.PromptEvalCount+resp.EvalCount >= numCtx
}

// planIndependent reports whether prep plans to the same chunks at any
// bytes-per-token a real tokenizer has (from conservativeBPT up) for budget
// b: then no probe is needed, for the tokenizer cannot change what is asked.
// It returns that plan.
func planIndependent(prep *plan.Prepared, b plan.Budget) (*plan.Plan, bool) {
	b.BytesPerToken = conservativeBPT
	lo, err := plan.Build(prep, b)
	if err != nil {
		return nil, false
	}
	b.BytesPerToken = maxBPT
	hi, err := plan.Build(prep, b)
	if err != nil || lo.Guidelines != hi.Guidelines || len(lo.Chunks) != len(hi.Chunks) || len(lo.NotCovered) != len(hi.NotCovered) {
		return nil, false
	}
	for i := range lo.Chunks {
		if lo.Chunks[i].ID != hi.Chunks[i].ID {
			return nil, false
		}
	}
	return lo, true
}
