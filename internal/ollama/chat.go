package ollama

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ollama/ollama/api"

	"github.com/quorum-review/quorum/review"
)

// Chat sends one streamed chat request and returns the whole answer with the
// server's metrics. Every request carries num_ctx, num_predict, temperature
// and seed from req.Options, the schema as format, keep_alive (when set:
// 0 leaves the server default, a negative value keeps the model loaded), and
// truncate:false when SupportsTruncate says the server knows the field.
//
// progress, when not nil, is called with the number of tokens generated since
// its previous call (a delta, so parallel requests can add into one bar); the
// deltas of one request sum to the server's eval_count.
//
// A 503 before the stream starts is retried with the client's backoff.
// done_reason "length" is not an error: it is returned in DoneReason and the
// caller decides (review treats it as a truncated answer).
//
// The client enforces num_predict and MaxAnswerBytes itself, so a server
// that ignores them (or streams forever) cannot grow memory without bound:
// past either limit Chat stops reading, cancels the request and returns
// what it has with DoneReason "length", as if the server had cut it.
func (c *Client) Chat(ctx context.Context, req review.ChatRequest, progress review.Progress) (review.ChatResponse, error) {
	areq := c.chatRequest(ctx, req)
	op := "chat with " + req.Model
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	limit := review.MaxAnswerBytes(req.Options.NumPredict)

	var (
		out     review.ChatResponse
		content strings.Builder
		counted int
		done    bool
	)
	err := c.retryBusy(ctx, func() error {
		return c.api.Chat(ctx, areq, func(r api.ChatResponse) error {
			if done {
				return nil // nothing follows the final message on a real server
			}
			if r.Message.Content != "" {
				if content.Len()+len(r.Message.Content) > limit ||
					(!r.Done && req.Options.NumPredict > 0 && counted >= req.Options.NumPredict) {
					return errAnswerCap
				}
				content.WriteString(r.Message.Content)
				if !r.Done {
					// Ollama streams about one token per message.
					counted++
					if progress != nil {
						progress(1)
					}
				}
			}
			if r.Done {
				done = true
				out.DoneReason = r.DoneReason
				out.PromptEvalCount = r.PromptEvalCount
				out.EvalCount = r.EvalCount
				out.TotalDuration = r.TotalDuration
				out.LoadDuration = r.LoadDuration
				out.PromptEvalDuration = r.PromptEvalDuration
				out.EvalDuration = r.EvalDuration
				if progress != nil && r.EvalCount > counted {
					progress(r.EvalCount - counted)
				}
			}
			return nil
		})
	})
	if errors.Is(err, errAnswerCap) {
		// Stop reading now: cancel closes the connection, so a server that
		// streams forever is not read any further.
		cancel()
		return review.ChatResponse{Content: content.String(), DoneReason: "length", EvalCount: counted}, nil
	}
	if err != nil {
		// After the 200 the api package returns an {"error":...} line or a
		// line that is not JSON as a plain error; mapErr tells a dropped
		// connection apart from those by type.
		return review.ChatResponse{}, c.mapErr(ctx, op, req.Model, err)
	}
	if !done {
		// A clean end with no done:true is how ollama's runner abandons an
		// answer that keeps repeating itself (v0.6.5 stops after 31
		// identical pieces), and also what a runner crash looks like.
		return review.ChatResponse{}, c.newErr(Unfinished, op, req.Model,
			"the model may be stuck repeating itself: try another model, or a lower num_predict; if it happens with every model, check the server log (journalctl -u ollama, or ~/.ollama/logs/server.log)",
			fmt.Sprintf("%s: ollama ended the answer before it was complete", op), ErrStreamDropped)
	}
	out.Content = content.String()
	return out, nil
}

// errAnswerCap stops the stream at the answer's limit (num_predict pieces or
// review.MaxAnswerBytes).
var errAnswerCap = errors.New("answer over its limit")

func (c *Client) chatRequest(ctx context.Context, req review.ChatRequest) *api.ChatRequest {
	var msgs []api.Message
	if req.System != "" {
		msgs = append(msgs, api.Message{Role: "system", Content: req.System})
	}
	msgs = append(msgs, api.Message{Role: "user", Content: req.Prompt})
	areq := &api.ChatRequest{
		Model:    req.Model,
		Messages: msgs,
		Stream:   new(true),
		Options: map[string]any{
			"num_predict": req.Options.NumPredict,
			"temperature": req.Options.Temperature,
			"seed":        req.Options.Seed,
		},
	}
	// num_ctx 0 would be a bug upstream; leaving it out at least keeps the
	// server's own default instead of asking for an empty context.
	if req.Options.NumCtx > 0 {
		areq.Options["num_ctx"] = req.Options.NumCtx
	}
	if len(req.Format) > 0 {
		areq.Format = req.Format
	}
	if req.KeepAlive != 0 {
		areq.KeepAlive = &api.Duration{Duration: req.KeepAlive}
	}
	if SupportsTruncate(c.cachedVersion(ctx)) {
		areq.Truncate = new(false)
	}
	return areq
}
