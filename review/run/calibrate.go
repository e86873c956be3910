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

// probeText is the probe prompt for a context of numCtx tokens: the system
// prompt's text, then sample code rendered as hunks are (new-side line
// number, marker, code), at most numCtx/3 bytes so it fits even at three
// tokens to a byte, as byte-fallback tokenizers spend. A nonce leads, so no
// server can serve any of it from a cached prompt prefix and count less than
// it read.
func probeText(numCtx int, nonce string) string {
	var b strings.Builder
	b.WriteString("Calibration " + nonce + ". Reply with one word.\n\n")
	if sys, err := prompts.System(""); err == nil {
		b.WriteString(sys)
		b.WriteString("\n\n")
	}
	for i, l := range probeSample {
		marker := "+"
		if i%5 == 0 {
			marker = " "
		}
		fmt.Fprintf(&b, "%d%s%s\n", 40+i, marker, l)
	}
	s := b.String()
	if limit := numCtx / 3; len(s) > limit {
		s = s[:limit]
		if i := strings.LastIndexByte(s, '\n'); i > 0 {
			s = s[:i+1]
		}
	}
	return s
}

// calibrate sends rr's probe and keeps the measured figure. A model that is
// missing or a server that is unreachable stops the reviewer; any other
// failure leaves the figure unmeasured, and rr is planned conservatively.
func (r *Runner) calibrate(ctx context.Context, cfg Config, rr *reviewerRun) {
	if bpt, ok := r.measuredBPT(rr.bpt.id); ok {
		// Measured by another reviewer of the same model in this run.
		rr.bpt.prior, rr.calibration = bpt*safety, CalibratedProbe
		return
	}
	opts := rr.res.Options
	opts.NumPredict = 1
	prompt := probeText(opts.NumCtx, fmt.Sprintf("%x", r.now().UnixNano()))
	rctx, cancel := withTimeout(ctx, cfg.Timeout)
	resp, err := r.Chat.Chat(rctx, review.ChatRequest{Model: rr.res.Reviewer.Model, Prompt: prompt, Options: opts, KeepAlive: cfg.KeepAlive}, nil)
	cancel()
	rr.mu.Lock()
	addResponse(&rr.extra, resp)
	rr.mu.Unlock()
	switch {
	case ctx.Err() != nil:
		return
	case err != nil && (errors.Is(err, review.ErrModelNotFound) || errors.Is(err, review.ErrUnreachable)):
		rr.fatal = err
		return
	case err != nil, resp.PromptEvalCount <= 0, promptCut(resp, opts.NumCtx):
		rr.bpt.prior, rr.calibration = conservativeBPT, CalibratedConservative
		return
	}
	bpt := min(max(float64(len(prompt))/float64(resp.PromptEvalCount), minBPT), maxBPT)
	r.storeBPT(rr.bpt.id, bpt, "probe")
	rr.bpt.prior, rr.calibration = bpt*safety, CalibratedProbe
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
