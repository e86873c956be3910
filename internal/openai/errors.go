package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/quorum-review/quorum/internal/loopback"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
)

// Errors beyond review's sentinels; every error Client returns is an *Error
// that matches one of these, one of review's or loopback.ErrRemote.
var (
	// ErrUnauthorized: the server refused the API key, or wants one (401/403).
	ErrUnauthorized = errors.New("model server refused access")
	// ErrRejected: the server refused the request as invalid (400, 413, 422),
	// e.g. a response_format it does not support or a prompt over its context.
	ErrRejected = errors.New("model server rejected the request")
	// ErrServer: the server failed (5xx), sent an error inside the stream, a
	// stream that is not SSE JSON, or ended the stream before the answer did.
	ErrServer = errors.New("model server error")
)

// Error is one failed operation: a one-line message (server text sanitised,
// the API key never in it) and the errors it matches.
type Error struct {
	Op     string // "chat with MODEL", "list models"
	Host   string // host:port
	Status int    // HTTP status, 0 when there was none
	msg    string
	errs   []error
}

func (e *Error) Error() string   { return e.msg }
func (e *Error) Unwrap() []error { return e.errs }

func newErr(op, host string, status int, msg string, errs ...error) *Error {
	return &Error{Op: op, Host: host, Status: status, msg: msg, errs: errs}
}

// clean makes server text safe for one line of bounded length.
func (c *Client) clean(s string) string {
	if c.apiKey != "" {
		s = strings.ReplaceAll(s, c.apiKey, "***")
	}
	s = strings.Join(strings.Fields(safetext.Sanitize(s)), " ")
	return safetext.Clip(safetext.OneLine(s), 300)
}

// serverMessage finds the error text in a body: OpenAI's, Ollama's and
// llama-server's {"error":{"message":...}}, {"error":"..."}, vLLM's
// {"message":...}, FastAPI's {"detail":...}, else the body itself.
func serverMessage(body []byte) string {
	var v struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
		Detail  json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(body, &v) == nil {
		var obj struct {
			Message string `json:"message"`
		}
		var str string
		switch {
		case len(v.Error) > 0 && json.Unmarshal(v.Error, &obj) == nil && obj.Message != "":
			return obj.Message
		case len(v.Error) > 0 && json.Unmarshal(v.Error, &str) == nil && str != "":
			return str
		case v.Message != "":
			return v.Message
		case len(v.Detail) > 0:
			if json.Unmarshal(v.Detail, &str) == nil {
				return str
			}
			return string(v.Detail)
		}
	}
	return string(body)
}

func (c *Client) statusErr(op, model string, status int, body []byte) error {
	msg := c.clean(serverMessage(body))
	if msg == "" {
		msg = http.StatusText(status)
	}
	host := c.base.Host
	switch {
	case status == http.StatusNotFound && model != "":
		return newErr(op, host, status, fmt.Sprintf("%s: the server at %s does not serve model %q: %s", op, host, model, msg), review.ErrModelNotFound)
	case status == http.StatusNotFound:
		return newErr(op, host, status, fmt.Sprintf("%s: %s answered 404 for %s; is it an OpenAI-compatible server?", op, host, c.base.Path), ErrServer)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return newErr(op, host, status, fmt.Sprintf("%s: the server at %s refused access (%d): %s", op, host, status, msg), ErrUnauthorized)
	case status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable:
		return newErr(op, host, status, fmt.Sprintf("%s: the server at %s is busy (%d): %s", op, host, status, msg), review.ErrBusy)
	case status == http.StatusBadRequest || status == http.StatusRequestEntityTooLarge || status == http.StatusUnprocessableEntity:
		return newErr(op, host, status, fmt.Sprintf("%s: the server at %s rejected the request (%d): %s", op, host, status, msg), ErrRejected)
	case status >= 300 && status < 400:
		return newErr(op, host, status, fmt.Sprintf("%s: the server at %s redirected (%d); quorum does not follow redirects", op, host, status), ErrServer)
	default:
		return newErr(op, host, status, fmt.Sprintf("%s: the server at %s failed (%d): %s", op, host, status, msg), ErrServer)
	}
}

// transportErr maps an error from the HTTP client before a response.
func (c *Client) transportErr(ctx context.Context, op string, err error) error {
	if g := guardErr(err, c.base.Host); g != err {
		return g
	}
	if cerr := ctx.Err(); cerr != nil {
		return ctxErr(op, cerr)
	}
	var de *loopback.DialError
	if errors.As(err, &de) {
		return newErr(op, c.base.Host, 0, fmt.Sprintf("%s: cannot reach the server at %s: %s", op, c.base.Host, loopback.ShortNetErr(de.Err)), review.ErrUnreachable, de.Err)
	}
	return newErr(op, c.base.Host, 0, fmt.Sprintf("%s: the server at %s failed: %s", op, c.base.Host, c.clean(err.Error())), ErrServer, err)
}

// guardErr turns the loopback guard's refusals into this package's errors;
// any other error is returned as is.
func guardErr(err error, host string) error {
	var re *loopback.RemoteError
	if errors.As(err, &re) {
		return newErr("connect", host, 0, re.Error(), re)
	}
	var rs *loopback.ResolveError
	if errors.As(err, &rs) {
		return newErr("connect", host, 0, rs.Error(), review.ErrUnreachable, rs)
	}
	return err
}

// ctxErr reports a cancelled or expired context; it matches the context's error.
func ctxErr(op string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return newErr(op, "", 0, op+": the server did not answer in time", err)
	}
	return newErr(op, "", 0, op+": canceled", err)
}

// Hint says what the user can do about err, an error of this client about
// model; "" when there is nothing better than running again.
func (c *Client) Hint(err error, model string) string {
	host := c.base.Host
	switch {
	case err == nil:
		return ""
	case errors.Is(err, loopback.ErrRemote):
		return fmt.Sprintf("use a loopback host (e.g. %s), or set allow_remote: true in your user config to send code to %s", DefaultBaseURL, host)
	case errors.Is(err, review.ErrUnreachable):
		return fmt.Sprintf("start the model server (llama-server, vllm serve, LM Studio, ollama serve) and check that %s/models answers", c.BaseURL())
	case errors.Is(err, review.ErrModelNotFound):
		if model != "" {
			return fmt.Sprintf("check that the server at %s serves /v1/models and lists %q (load it there, or use a listed id)", host, model)
		}
		return fmt.Sprintf("check that the server at %s serves /v1/models", host)
	case errors.Is(err, ErrUnauthorized):
		if c.apiKey == "" {
			return "the server wants an API key: put it in an environment variable and name that variable in api_key_env in your user config"
		}
		return "the server refused the API key: check the environment variable named in api_key_env"
	case errors.Is(err, review.ErrBusy):
		return fmt.Sprintf("the server at %s is busy; wait for its other clients to finish and run again", host)
	case errors.Is(err, ErrRejected):
		return "check that the server supports response_format json_schema, and that the prompt fits the context it was started with (llama-server -c, vllm --max-model-len, OLLAMA_CONTEXT_LENGTH)"
	case errors.Is(err, context.DeadlineExceeded):
		return "raise the timeout, or check that the server is not stuck loading the model"
	case errors.Is(err, context.Canceled):
		return ""
	case errors.Is(err, ErrServer):
		return fmt.Sprintf("the server at %s failed; check its log and run again", host)
	}
	return ""
}
