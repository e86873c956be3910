package openai

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/quorum-review/quorum/review"
)

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type jsonSchema struct {
	Name   string          `json:"name"`
	Schema json.RawMessage `json:"schema"`
}

type responseFormat struct {
	Type       string      `json:"type"`
	JSONSchema *jsonSchema `json:"json_schema,omitempty"`
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

type chatRequest struct {
	Model          string          `json:"model"`
	Messages       []message       `json:"messages"`
	ResponseFormat *responseFormat `json:"response_format,omitempty"`
	Temperature    float64         `json:"temperature"`
	Seed           int             `json:"seed"`
	MaxTokens      int             `json:"max_tokens,omitempty"`
	Stream         bool            `json:"stream"`
	StreamOptions  *streamOptions  `json:"stream_options,omitempty"`
}

type usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

// timings is llama-server's own account of a request, in milliseconds.
type timings struct {
	PromptMS    float64 `json:"prompt_ms"`
	PredictedMS float64 `json:"predicted_ms"`
}

// chunk is one SSE data payload, or a whole non-streamed answer (message
// instead of delta).
type chunk struct {
	Choices []struct {
		Index        int     `json:"index"`
		Delta        *delta  `json:"delta"`
		Message      *delta  `json:"message"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage   *usage          `json:"usage"`
	Timings *timings        `json:"timings"`
	Error   json.RawMessage `json:"error"`
}

type delta struct {
	Content *string `json:"content"`
}

// Chat sends one streamed chat request and returns the whole answer.
//
// The request carries temperature and seed from req.Options, max_tokens
// when NumPredict > 0, and req.Format as a json_schema response_format.
// NumCtx and KeepAlive cannot be sent over this API: the server's own context
// applies (see the package doc).
//
// progress, when not nil, is called with 1 for each piece of content the
// server streams (about one token each) and, once the usage block arrives,
// with what the pieces fell short of completion_tokens, so the deltas sum to
// EvalCount when the server reports it. A missing usage block is not an
// error: PromptEvalCount and EvalCount stay 0 (unknown). TotalDuration is
// the wall-clock time of the call; llama-server's timings fill
// PromptEvalDuration and EvalDuration.
//
// 429 and 503 before the stream starts are retried with the backoff.
// finish_reason "length" is not an error: DoneReason says it.
//
// The client enforces max_tokens and review.MaxAnswerBytes itself, so a
// server that ignores them (or streams forever) cannot grow memory without
// bound: past either limit Chat stops reading, cancels the request and
// returns what it has with DoneReason "length", as if the server had cut it.
// A non-streamed answer is read up to a bound derived from the same cap
// before it is decoded.
func (c *Client) Chat(ctx context.Context, req review.ChatRequest, progress review.Progress) (review.ChatResponse, error) {
	op := "chat with " + req.Model
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := c.now()
	body, err := json.Marshal(c.chatRequest(req))
	if err != nil {
		return review.ChatResponse{}, newErr(op, c.base.Host, 0, fmt.Sprintf("%s: %v", op, err), err)
	}
	resp, err := c.do(ctx, op, req.Model, func() (*http.Request, error) {
		r, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint("chat/completions"), bytes.NewReader(body))
		if err == nil {
			r.Header.Set("Content-Type", "application/json")
		}
		return r, err
	})
	if err != nil {
		return review.ChatResponse{}, err
	}
	defer resp.Body.Close()

	out := review.ChatResponse{}
	a := &answer{limit: review.MaxAnswerBytes(req.Options.NumPredict), maxPieces: req.Options.NumPredict}
	if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct == "application/json" {
		// A server that ignores stream:true answers in one piece.
		out, err = c.readWhole(ctx, op, resp.Body, a, progress)
	} else {
		out, err = c.readStream(ctx, op, resp.Body, a, progress)
	}
	if errors.Is(err, errAnswerCap) {
		// Stop reading now: cancel closes the connection, so a server that
		// streams forever is not read any further.
		cancel()
		out, err = review.ChatResponse{Content: a.content.String(), DoneReason: "length", EvalCount: a.counted}, nil
	}
	if err != nil {
		return review.ChatResponse{}, err
	}
	out.TotalDuration = c.now().Sub(start)
	return out, nil
}

func (c *Client) chatRequest(req review.ChatRequest) chatRequest {
	var msgs []message
	if req.System != "" {
		msgs = append(msgs, message{Role: "system", Content: req.System})
	}
	msgs = append(msgs, message{Role: "user", Content: req.Prompt})
	cr := chatRequest{
		Model:         req.Model,
		Messages:      msgs,
		Temperature:   req.Options.Temperature,
		Seed:          req.Options.Seed,
		Stream:        true,
		StreamOptions: &streamOptions{IncludeUsage: true},
	}
	if req.Options.NumPredict > 0 {
		cr.MaxTokens = req.Options.NumPredict
	}
	if len(req.Format) > 0 {
		cr.ResponseFormat = &responseFormat{Type: "json_schema", JSONSchema: &jsonSchema{Name: "review", Schema: req.Format}}
	}
	return cr
}

func (c *Client) endpoint(path string) string {
	return c.base.String() + "/" + path
}

// errAnswerCap stops reading an answer at its limit.
var errAnswerCap = errors.New("answer over its limit")

// answer accumulates the pieces of one answer, up to limit bytes and
// maxPieces pieces (0: no piece limit).
type answer struct {
	limit     int
	maxPieces int
	content   strings.Builder
	counted   int
	finish    string
	finished  bool
	usage     *usage
	timings   *timings
}

// add takes one payload; it returns an error for a payload that is an error.
func (c *Client) add(a *answer, op string, ch *chunk, progress review.Progress) error {
	if len(ch.Error) > 0 && string(ch.Error) != "null" {
		return newErr(op, c.base.Host, 0, fmt.Sprintf("%s: the server at %s failed mid-answer: %s", op, c.base.Host,
			c.clean(serverMessage(append(append([]byte(`{"error":`), ch.Error...), '}')))), ErrServer)
	}
	for _, choice := range ch.Choices {
		if choice.Index != 0 {
			continue
		}
		d := choice.Delta
		if d == nil {
			d = choice.Message
		}
		if d != nil && d.Content != nil && *d.Content != "" {
			if a.content.Len()+len(*d.Content) > a.limit || (a.maxPieces > 0 && a.counted >= a.maxPieces && choice.Delta != nil && (choice.FinishReason == nil || *choice.FinishReason == "")) {
				return errAnswerCap
			}
			a.content.WriteString(*d.Content)
			a.counted++
			if progress != nil {
				progress(1)
			}
		}
		if choice.FinishReason != nil && *choice.FinishReason != "" {
			a.finish, a.finished = *choice.FinishReason, true
		}
	}
	if ch.Usage != nil {
		a.usage = ch.Usage
	}
	if ch.Timings != nil {
		a.timings = ch.Timings
	}
	return nil
}

func (a *answer) response(progress review.Progress) review.ChatResponse {
	out := review.ChatResponse{Content: a.content.String(), DoneReason: a.finish}
	if a.usage != nil {
		out.PromptEvalCount = a.usage.PromptTokens
		out.EvalCount = a.usage.CompletionTokens
		if progress != nil && out.EvalCount > a.counted {
			progress(out.EvalCount - a.counted)
		}
	}
	if a.timings != nil {
		out.PromptEvalDuration = time.Duration(a.timings.PromptMS * float64(time.Millisecond))
		out.EvalDuration = time.Duration(a.timings.PredictedMS * float64(time.Millisecond))
	}
	return out
}

// readStream reads SSE: "data:" lines carry JSON chunks until "data: [DONE]";
// comments, event names and ids are skipped.
func (c *Client) readStream(ctx context.Context, op string, r io.Reader, a *answer, progress review.Progress) (review.ChatResponse, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), encodedLimit(a.limit))
	done := false
	for sc.Scan() {
		line := sc.Text()
		if msg, ok := strings.CutPrefix(line, "error:"); ok {
			// llama-server reports a failure inside the stream this way.
			return review.ChatResponse{}, newErr(op, c.base.Host, 0, fmt.Sprintf("%s: the server at %s failed mid-answer: %s",
				op, c.base.Host, c.clean(serverMessage([]byte(`{"error":`+strings.TrimSpace(msg)+`}`)))), ErrServer)
		}
		data, ok := strings.CutPrefix(line, "data:")
		if !ok {
			continue
		}
		data = strings.TrimSpace(data)
		if data == "[DONE]" {
			done = true
			break
		}
		if data == "" {
			continue
		}
		var ch chunk
		if err := json.Unmarshal([]byte(data), &ch); err != nil {
			return review.ChatResponse{}, newErr(op, c.base.Host, 0,
				fmt.Sprintf("%s: the server at %s sent a stream that is not OpenAI-compatible: %s", op, c.base.Host, c.clean(data)), ErrServer, err)
		}
		if err := c.add(a, op, &ch, progress); err != nil {
			return review.ChatResponse{}, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) && ctx.Err() == nil {
			return review.ChatResponse{}, errAnswerCap // one line over the cap: not read, not decoded
		}
		if cerr := ctx.Err(); cerr != nil {
			return review.ChatResponse{}, ctxErr(op, cerr)
		}
		return review.ChatResponse{}, newErr(op, c.base.Host, 0,
			fmt.Sprintf("%s: the server at %s closed the connection before the answer was complete", op, c.base.Host), ErrServer, err)
	}
	if cerr := ctx.Err(); cerr != nil {
		return review.ChatResponse{}, ctxErr(op, cerr)
	}
	if !a.finished {
		why := "ended the stream"
		if done {
			why = "sent [DONE]"
		}
		return review.ChatResponse{}, newErr(op, c.base.Host, 0,
			fmt.Sprintf("%s: the server at %s %s before the answer was complete (no finish_reason)", op, c.base.Host, why), ErrServer)
	}
	return a.response(progress), nil
}

// readWhole reads a non-streamed chat.completion.
func (c *Client) readWhole(ctx context.Context, op string, r io.Reader, a *answer, progress review.Progress) (review.ChatResponse, error) {
	// Read at most the encoded cap before decoding anything: a body over it
	// is an answer over the cap.
	limit := encodedLimit(a.limit)
	body, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err == nil && len(body) > limit {
		return review.ChatResponse{}, errAnswerCap
	}
	var ch chunk
	if err == nil {
		err = json.Unmarshal(body, &ch)
	}
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return review.ChatResponse{}, ctxErr(op, cerr)
		}
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		if !errors.As(err, &syn) && !errors.As(err, &typ) {
			return review.ChatResponse{}, newErr(op, c.base.Host, 0,
				fmt.Sprintf("%s: the server at %s closed the connection before the answer was complete", op, c.base.Host), ErrServer, err)
		}
		return review.ChatResponse{}, newErr(op, c.base.Host, 0,
			fmt.Sprintf("%s: the server at %s does not answer like an OpenAI-compatible server", op, c.base.Host), ErrServer, err)
	}
	if err := c.add(a, op, &ch, progress); err != nil {
		return review.ChatResponse{}, err
	}
	if !a.finished {
		return review.ChatResponse{}, newErr(op, c.base.Host, 0,
			fmt.Sprintf("%s: the server at %s answered without a finish_reason", op, c.base.Host), ErrServer)
	}
	return a.response(progress), nil
}

// encodedLimit bounds the bytes read for one JSON payload carrying up to
// limit bytes of answer text: JSON escaping can take six bytes for one
// (\u0000), and the envelope (usage, timings) takes some more.
func encodedLimit(limit int) int {
	return 6*limit + 64<<10
}
