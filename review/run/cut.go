package run

import (
	"fmt"

	"github.com/quorum-review/quorum/review"
)

// This file tells from a reply's prompt token count whether the server read
// the whole prompt. Where quorum sets num_ctx (Ollama's API), a count at
// num_ctx (promptCut) is the sign of a cut; over an OpenAI-compatible API
// the server's own context applies, which quorum may not know. So three
// more signs count:
//
//   - a count clearly below what the chunk's own files take (lowRatio), on
//     either API (a server that ignores num_ctx);
//   - a count at what the server read of a prompt it cut before (sawCut),
//     on either API;
//   - over the OpenAI-compatible API, a count at a typical context size
//     below num_ctx (atTypicalContext) that the prompt may well exceed:
//     there num_ctx is only what quorum assumes (assumedContext) or the
//     user says, and either may be more than the server runs the model at.
//
// A reply that shows any is a cut: never an answer, never cached, never
// learned from; the chunk is split and its parts asked again, and a part
// that cannot be split is reported truncated.

// lowRatio: once a model's tokenizer is measured, a first reply whose
// prompt_eval_count is below lowRatio × the estimated tokens of the chunk's
// own files (their bytes over the probe's figure, estBPT) read less than it
// was sent. Only the files count, because a server may have the prompt's
// shared start (system prompt, commits) in its KV cache and not count it.
//
// The figure comes from the estimator's measured error. Chunks rendered by
// plan.Build from 521 real diffs (this repository's last 400 commits, and
// 121 new files in Go, Python, JavaScript, TypeScript, C, Markdown, HTML,
// JSON and YAML), 10,883 distinct chunks at num_ctx 2048 and 16384, were
// counted with real tokenizers (Llama 3's, which agreed with OpenAI's
// cl100k on all of them; Llama 2's SentencePiece; OpenAI's o200k) and
// compared with their files' bytes over each tokenizer's figure for the
// 2048-context probe. Counted/estimated tokens of the files: median 1.21
// to 1.29 (code is denser than the probe's mix of English and code), 0.1st
// percentile 0.885 to 0.931, lowest 0.788 (prose-heavy Go and a C header
// under Llama 3; 0.791 under o200k; 0.843, Markdown, under Llama 2). A chat
// template's own tokens in the probe's count (about 30 for qwen2.5's
// default system prompt, on a probe of about 460) lower the probe's figure
// by up to ~6%, so an honest reply may come to about 0.74 of the estimate;
// 0.65 leaves a further ~12% below that. Chunks under 300 bytes never came
// below 1.15: their file header lines are dense. What it catches: a server
// that read less than 0.65 of the files' estimate, about half of what they
// really take at the median; smaller cuts are left to the other signs.
const lowRatio = 0.65

// minTypicalContext and maxTypicalContext bound the typical context sizes:
// every power of two between, as servers are run (Ollama's 2048 and 4096
// defaults, llama-server's 4096, LM Studio's 4096, models' 8192 to 131072).
const minTypicalContext, maxTypicalContext = 1024, 1 << 20

// atTypicalContext returns the typical context size count sits at: within
// truncMargin below a power of two, as a server that cut a prompt to its
// context counts it (Ollama: exactly its context, less the few tokens it
// kept in its KV cache).
func atTypicalContext(count int) (int, bool) {
	for s := minTypicalContext; s <= maxTypicalContext; s *= 2 {
		if count <= s && count >= s-truncMargin(s) {
			return s, true
		}
	}
	return 0, false
}

// cutBy says how the reply to a prompt of wholeBytes bytes (system prompt
// and user prompt) shows the server did not fit it ("" when nothing does):
// it read (about) num_ctx tokens, or the answer ran into num_ctx; it read
// as much as a reply the server cut before (or its answer reached that);
// or, num_ctx not reaching the server (rr.ctxUnset), it read a typical
// context size's worth, smaller than num_ctx, of a prompt estimated (at
// the planning figure) at no less than lowRatio of that: the server's own
// context is smaller than assumed. An honest prompt that happens to count
// just under a power of two is split needlessly: a request more, nothing
// worse.
// Any reply is checked, a repair prompt's too: it is longer than the
// first, and a server may cut it where it did not cut the first.
func (rr *reviewerRun) cutBy(resp review.ChatResponse, wholeBytes int) string {
	numCtx, n := rr.res.Options.NumCtx, resp.PromptEvalCount
	if promptCut(resp, numCtx) {
		return fmt.Sprintf("it read %d tokens and wrote %d with num_ctx %d", n, resp.EvalCount, numCtx)
	}
	if n <= 0 {
		return ""
	}
	rr.mu.Lock()
	seen := rr.serverCtx
	rr.mu.Unlock()
	if seen > 0 && promptCut(resp, seen) {
		return fmt.Sprintf("it read %d tokens and wrote %d, where the server cut an earlier prompt at %d", n, resp.EvalCount, seen)
	}
	if !rr.ctxUnset || rr.ctxChecked {
		return ""
	}
	s, ok := atTypicalContext(n)
	est := rr.plan.Budget.Tokens(wholeBytes)
	if ok && s < numCtx && float64(est) >= lowRatio*float64(n) {
		return fmt.Sprintf("it read %d tokens, a %d-token context's worth, of about %d (quorum cannot set the context over this API: set num_ctx in the model's entry to the server's)", n, s, est)
	}
	return ""
}

// sawCut remembers the count of a reply the server cut below num_ctx: the
// server's real context is at most that, so a later reply that reads as
// much (or whose answer reaches it) is cut too (cutBy). Splitting a cut
// chunk makes parts near that size, where the loss is too small for
// lowRatio to see; this is what sees it. Counts under minTypicalContext/2
// are left out: a prompt the server had whole in its KV cache counts a few
// tokens, and says nothing of its context.
func (rr *reviewerRun) sawCut(count int) {
	if count < minTypicalContext/2 || count >= rr.res.Options.NumCtx-truncMargin(rr.res.Options.NumCtx) {
		return
	}
	rr.mu.Lock()
	if rr.serverCtx == 0 || count < rr.serverCtx {
		rr.serverCtx = count
	}
	rr.mu.Unlock()
}

// filesFloor is the fewest prompt tokens a first reply may count and still
// have read the chunk's files (filesBytes) whole, and the estimate of their
// tokens it is drawn from. Measured (estBPT): lowRatio of the probe's
// estimate. Unmeasured: truncationRatio of the fewest tokens any tokenizer
// spends on them (maxBPT bytes a token).
func (rr *reviewerRun) filesFloor(filesBytes int) (floor, about int) {
	if rr.estBPT > 0 {
		about = int(float64(filesBytes) / rr.estBPT)
		return int(lowRatio * float64(about)), about
	}
	about = int(float64(filesBytes) / maxBPT)
	return int(truncationRatio * float64(about)), about
}
