package run

import (
	"context"
	"fmt"
	"strings"

	"github.com/quorum-review/quorum/internal/cache"
)

// Over an OpenAI-compatible API quorum cannot set the context: the server
// runs the model at its own, which num_ctx (assumed, or the user's) may
// overstate. A prompt the server cuts there reads the server's context,
// which may be any number (a Modelfile's `PARAMETER num_ctx 4000`), and
// the signs cut.go reads from one reply miss a cut of a fifth of it. So
// before planning, the context is checked once: a prompt of the probe's
// text filling num_ctx (at the probe's figure) is sent. Read whole, it
// counts what its bytes over the probe's figure say; cut, it counts the
// server's context, and the reviewer is planned at that. What the check
// found is kept per model and num_ctx, so it costs one request per model
// ever, not per review.

// ctxCheckNS is the cache namespace of context checks.
const ctxCheckNS = "context-check"

// fillRatio: a check prompt counting less than this share of its estimate
// was cut. The check prompt and the probe are the same text, so an honest
// count comes within a few percent of the estimate (the chat template's
// tokens, counted in the probe, make the estimate a little high); a server
// whose context holds under nine tenths of num_ctx is caught.
const fillRatio = 0.9

// ctxCheck is what a context check found for a model and num_ctx.
type ctxCheck struct {
	// ServerCtx is the server's context when the check prompt was cut
	// (it read that much), 0 when it read it whole.
	ServerCtx int `json:"server_ctx"`
}

func ctxCheckKey(id string, numCtx int) string {
	return cache.Key("ctxcheck/v1", id, fmt.Sprint(numCtx))
}

// CheckedContext is the context a review's check found the server runs
// model (by digest, else its name) at, below the numCtx it asked for, when
// one did and left it in c: what 'quorum doctor' judges that model by.
func CheckedContext(c *cache.Cache, model, digest string, numCtx int) (int, bool) {
	var chk ctxCheck
	if ok, _ := c.Get(ctxCheckNS, ctxCheckKey(modelID(model, digest), numCtx), &chk); ok {
		// A check at this num_ctx: what it found stands (read whole, or cut).
		return chk.ServerCtx, chk.ServerCtx > 0 && chk.ServerCtx < numCtx
	}
	// A cut found at another num_ctx (a review with other settings) holds
	// at this one too when it is below it: the server's context is what
	// it is (until a check reads a larger prompt whole: recordCheck).
	if ok, _ := c.Get(ctxCheckNS, cutKey(modelID(model, digest)), &chk); ok && chk.ServerCtx > 0 && chk.ServerCtx < numCtx {
		return chk.ServerCtx, true
	}
	return 0, false
}

// ProbeWasCut reports whether a review's tokenizer probe of model was cut
// by its server (the context it runs the model at is smaller than the
// probe): with no tokenizer figure kept (MeasuredBytesPerToken), a review
// of the model plans it at one token a byte.
func ProbeWasCut(c *cache.Cache, model, digest string) bool {
	var chk ctxCheck
	ok, _ := c.Get(ctxCheckNS, probeCutKey(modelID(model, digest)), &chk)
	return ok && chk.ServerCtx > 0
}

// probeCutKey names the record of a model's cut probe.
func probeCutKey(id string) string { return cache.Key("probecut/v1", id) }

// RecordProbeCut keeps in c that a review's probe of model was cut after
// count tokens, as a review does: for tests of what 'quorum doctor' reads.
func RecordProbeCut(c *cache.Cache, model, digest string, count int) {
	_ = c.Put(ctxCheckNS, probeCutKey(modelID(model, digest)), ctxCheck{ServerCtx: count})
}

// recordProbeCut keeps that the server cut rr's probe after count tokens.
func (r *Runner) recordProbeCut(rr *reviewerRun, count int) {
	rr.probeCut = count
	_ = r.Cache.Put(ctxCheckNS, probeCutKey(rr.bpt.id), ctxCheck{ServerCtx: count}) // a lost record: doctor judges at any tokenizer's figure
}

// cutKey names the least server context any check of a model found, at
// whatever num_ctx it was asked.
func cutKey(id string) string { return cache.Key("ctxcut/v1", id) }

// RecordCheckedContext keeps in c what a context check of model (by
// digest, else its name) at numCtx found: serverCtx, the server's context
// when it cut the check prompt, or 0 when it read it whole.
func RecordCheckedContext(c *cache.Cache, model, digest string, numCtx, serverCtx int) {
	recordCheck(c, modelID(model, digest), numCtx, serverCtx)
}

func recordCheck(c *cache.Cache, id string, numCtx, serverCtx int) {
	_ = c.Put(ctxCheckNS, ctxCheckKey(id, numCtx), ctxCheck{ServerCtx: serverCtx}) // a lost record costs one check next time
	var least ctxCheck
	had, _ := c.Get(ctxCheckNS, cutKey(id), &least)
	switch {
	case serverCtx > 0 && (!had || least.ServerCtx <= 0 || serverCtx < least.ServerCtx):
		_ = c.Put(ctxCheckNS, cutKey(id), ctxCheck{ServerCtx: serverCtx})
	case serverCtx == 0 && had && least.ServerCtx > 0 && least.ServerCtx < numCtx:
		// A prompt over the cut read whole: the server has been given a
		// larger context since.
		_ = c.Put(ctxCheckNS, cutKey(id), ctxCheck{})
	}
}

// knownContext applies a context check already made for rr's model and
// num_ctx, and reports whether there was one.
func (r *Runner) knownContext(rr *reviewerRun) bool {
	var c ctxCheck
	if ok, _ := r.Cache.Get(ctxCheckNS, ctxCheckKey(rr.bpt.id, rr.res.Options.NumCtx), &c); !ok || c.ServerCtx < 0 {
		return false
	}
	if c.ServerCtx > 0 {
		rr.shrinkContext(c.ServerCtx)
	}
	// Not ctxChecked: the server's context may have been lowered since
	// (OLLAMA_CONTEXT_LENGTH, with the same model digest), and only a
	// check made now rules a count near a typical size out as a cut.
	return true
}

// checkContext sends the check prompt for rr (see above) when its num_ctx
// does not reach the server and its tokenizer is measured. probeCount is
// what the probe of this run read (0: none sent); a probe that read as
// much as the cut check prompt was cut too, and its figure is dropped.
// It reports whether the probe's figure stands.
func (r *Runner) checkContext(ctx context.Context, cfg Config, rr *reviewerRun, probeCount int) bool {
	if !rr.ctxUnset || rr.estBPT <= 0 || r.knownContext(rr) {
		return true
	}
	numCtx := rr.res.Options.NumCtx
	want := int(float64(numCtx-truncMargin(numCtx)-probeSlack) * rr.estBPT)
	if want <= 2*len(probeText(numCtx, true, "0")) {
		// Hardly larger than the probe, which the server read whole.
		return true
	}
	prompt := fillText(want, fmt.Sprintf("%x", r.now().UnixNano()))
	resp, err := r.measure(ctx, cfg, rr, prompt)
	n := resp.PromptEvalCount
	if err != nil || n <= 0 {
		return true // nothing learned; the replies' own signs stay
	}
	rr.ctxChecked = true
	if float64(n) >= fillRatio*float64(len(prompt))/rr.estBPT {
		recordCheck(r.Cache, rr.bpt.id, numCtx, 0)
		return true
	}
	recordCheck(r.Cache, rr.bpt.id, numCtx, n)
	rr.shrinkContext(n)
	// A probe that read as much was cut at the same place: its figure is
	// the server's context over the probe's bytes, nothing of the model.
	return probeCount == 0 || probeCount < n-truncMargin(n)
}

// shrinkContext plans rr at the server's context n, below its num_ctx:
// the answer budget and the plan's room shrink with it, and a reply that
// reads n tokens is a cut (promptCut).
func (rr *reviewerRun) shrinkContext(n int) {
	if n >= rr.res.Options.NumCtx {
		return
	}
	rr.sawCut(n)
	rr.res.Options.NumCtx = n
	rr.res.Options.NumPredict = min(rr.res.Options.NumPredict, n/2)
	rr.budget.NumCtx = n
	rr.budget.AnswerTokens = answerRoom(rr.res.Options.NumPredict, n)
}

// fillText is the probe's text repeated to about n bytes, after a nonce
// (no server can serve any of it from a cached prompt prefix).
func fillText(n int, nonce string) string {
	body := probeBody()
	var b strings.Builder
	b.WriteString("Context check " + nonce + ". Reply with one word.\n\n")
	for b.Len() < n {
		b.WriteString(body)
	}
	s := b.String()[:n]
	if i := strings.LastIndexByte(s, '\n'); i > 0 {
		s = s[:i+1]
	}
	return s
}
