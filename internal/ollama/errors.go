package ollama

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/ollama/ollama/api"

	"github.com/quorum-review/quorum/internal/loopback"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
)

// Errors beyond review's sentinels. Each error Client returns is an *Error
// that also matches one of these or one of review.ErrUnreachable /
// ErrModelNotFound / ErrBusy / loopback.ErrRemote with errors.Is.
var (
	// ErrServer: the server failed the request (a 5xx other than 503, an
	// {"error":...} line inside a 200 stream, or a stream it cannot parse).
	ErrServer = errors.New("ollama server error")
	// ErrStreamDropped: the connection closed before the final (done) message.
	ErrStreamDropped = errors.New("ollama stream ended early")
	// ErrRejected: the server refused the request as invalid (400), e.g. a
	// model without chat support or a prompt over the context with truncate:false.
	ErrRejected = errors.New("ollama rejected the request")
	// ErrTimeout: the caller's deadline passed before the answer finished.
	ErrTimeout = errors.New("ollama did not answer in time")
)

// Kind says what went wrong; the command line picks its exit code and the
// hint it prints by it (cmd/quorum/cli/errmap).
type Kind int

const (
	_            Kind = iota
	Unreachable       // nothing answers at the host
	NotOllama         // something answers, but not like an ollama server
	ModelMissing      // 404 on a model
	Busy              // 503 after the bounded backoff
	Rejected          // 400: the model cannot chat, or the prompt is over its context
	Denied            // 401 / 403
	Remote            // the loopback guard refused the host
	BadHost           // the host setting does not parse
	Unresolvable      // the host name does not resolve
	Timeout           // the caller's deadline passed
	Canceled          // the caller canceled
	Failed            // the server failed: 5xx, an {"error"} line, a line that is not JSON
	Dropped           // the connection closed mid-answer
	Unfinished        // the stream ended without its final message (a stuck model, or a runner crash)
)

// Error is one failed operation of this package: a one-line message, the
// backend's own remedy, and the errors it matches (a sentinel and the cause).
type Error struct {
	Kind  Kind
	Op    string // "chat with MODEL", "list models"; "" for the host checks
	Host  string // host:port
	Model string // the model asked for, "" when none
	// Hint is what to run about it in ollama's terms (ollama commands and
	// environment variables); it names no quorum flag. The command line may
	// say more, by Kind.
	Hint string
	msg  string
	errs []error
}

func (e *Error) Error() string   { return e.msg }
func (e *Error) Unwrap() []error { return e.errs }

// Server reports whether the server itself failed mid-request (a 5xx, an
// {"error"} or unparsable line in the stream, a dropped connection, a stream
// that ended without done) rather than being absent or refusing: the remedy
// is in the server's log, not in quorum's settings. It is still a server
// problem quorum understood, not a fault of quorum: exit 2 at the command
// line, like every other Kind (exit 3 is for quorum's own bugs).
func (e *Error) Server() bool {
	switch e.Kind {
	case Failed, Dropped, Unfinished:
		return true
	}
	return false
}

// newErr builds an *Error for c's host.
func (c *Client) newErr(kind Kind, op, model, hint, msg string, errs ...error) *Error {
	return &Error{Kind: kind, Op: op, Host: c.base.Host, Model: model, Hint: hint, msg: msg, errs: errs}
}

const hintNotOllama = "check that OLLAMA_HOST points at an Ollama server"

// hintServerLog is the remedy for a server that failed mid-request. A 500
// "llama runner process has terminated: signal: killed" is usually the
// kernel's OOM killer, so the hint names memory too (without reading the
// message: the kind is chosen by status code, never by text).
const hintServerLog = "the ollama server failed; check its log (journalctl -u ollama, or ~/.ollama/logs/server.log) and its free memory (a runner killed mid-answer is usually out of memory: a smaller model or context needs less), then run again"

// hintDropped is the remedy for a connection closed mid-answer: the server
// crashed, restarted, or its runner was killed.
const hintDropped = "the server closed the connection mid-answer (crash or restart?); check its log (journalctl -u ollama, or ~/.ollama/logs/server.log) and its free memory (a runner killed mid-answer is usually out of memory), then run again"

func isBusy(err error) bool {
	var se api.StatusError
	return errors.As(err, &se) && se.StatusCode == http.StatusServiceUnavailable
}

// mapErr turns what the api package returned into quorum's error: chosen by
// type and status code, never by message text. op is a short lowercase verb
// phrase ("chat with qwen2.5-coder:7b") used as the message's start.
func (c *Client) mapErr(ctx context.Context, op, model string, err error) error {
	if err == nil {
		return nil
	}
	var ee *Error
	if errors.As(err, &ee) {
		// Already ours.
		return ee
	}
	var re *loopback.RemoteError
	var rs *loopback.ResolveError
	if errors.As(err, &re) || errors.As(err, &rs) {
		// The dialer's refusal of an address it was about to dial.
		return guardErr(err)
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return c.ctxError(op, model, ctxErr)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		// A metadata request's own deadline (Config.MetaTimeout).
		return c.ctxError(op, model, context.DeadlineExceeded)
	}
	var se api.StatusError
	if errors.As(err, &se) {
		return c.statusErr(op, model, se)
	}
	var ae api.AuthorizationError
	if errors.As(err, &ae) {
		// The client's own type for a 401 (a stream's or a sign-in's).
		return c.statusErr(op, model, api.StatusError{StatusCode: ae.StatusCode, Status: ae.Status})
	}
	var de *loopback.DialError
	if errors.As(err, &de) {
		return c.newErr(Unreachable, op, model, "start the server with `ollama serve` (or point OLLAMA_HOST at where it listens)",
			fmt.Sprintf("cannot reach ollama at %s: %s", c.base.Host, loopback.ShortNetErr(de.Err)),
			review.ErrUnreachable, de.Err)
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if errors.As(err, &syn) || errors.As(err, &typ) {
		return c.newErr(NotOllama, op, model, hintNotOllama,
			fmt.Sprintf("%s: %s does not answer like an ollama server: %s", op, c.base.Host, oneLine(err.Error())), ErrServer, err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || isNetErr(err) {
		return c.newErr(Dropped, op, model, hintDropped,
			fmt.Sprintf("%s: ollama closed the connection before the answer was complete", op),
			ErrStreamDropped, err)
	}
	// A line of the answer's stream that is an error (a runner's), or no
	// JSON at all (a server that does not speak Ollama's stream): the api
	// client gives both as text alone, so the hint names both.
	return c.newErr(Failed, op, model, hintStreamError,
		fmt.Sprintf("%s: ollama reported an error: %s", op, oneLine(err.Error())),
		ErrServer, err)
}

// hintStreamError is the remedy for an error read in the answer's stream.
const hintStreamError = "the server's log says why (journalctl -u ollama, or ~/.ollama/logs/server.log; a runner killed mid-answer is usually out of memory); if the text above is not an error, the host setting names a server that does not speak Ollama's API"

// oneLine keeps server text printable on one line of bounded length: its
// lines joined (a server's message may span several), sanitised, clipped.
func oneLine(s string) string {
	return safetext.Clip(safetext.OneLine(lineBreaks.Replace(s)), 200)
}

var lineBreaks = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ")

func (c *Client) statusErr(op, model string, se api.StatusError) error {
	msg := oneLine(se.ErrorMessage)
	if msg == "" {
		msg = http.StatusText(se.StatusCode)
	}
	switch se.StatusCode {
	case http.StatusNotFound:
		if model != "" {
			return c.newErr(ModelMissing, op, model, "ollama pull "+model,
				fmt.Sprintf("model %q is not installed in ollama at %s", model, c.base.Host),
				review.ErrModelNotFound, se)
		}
		return c.newErr(NotOllama, op, model, hintNotOllama,
			fmt.Sprintf("%s: %s answered 404; is it an ollama server?", op, c.base.Host), ErrServer, se)
	case http.StatusTooManyRequests:
		// Ollama queues, it does not rate-limit: a proxy or a gateway
		// before it does.
		return c.newErr(Busy, op, model,
			"the server (or a proxy before it) limits how often it is asked: run again later, or lower --parallel",
			fmt.Sprintf("%s: ollama is busy: %s", op, msg), review.ErrBusy, se)
	case http.StatusServiceUnavailable:
		return c.newErr(Busy, op, model,
			"ollama's queue is full; wait for its other clients to finish (or raise OLLAMA_MAX_QUEUE) and run again",
			fmt.Sprintf("%s: ollama is busy: %s", op, msg), review.ErrBusy, se)
	case http.StatusBadRequest:
		return c.newErr(Rejected, op, model,
			"check that the model can chat and that the prompt fits its context (a smaller context, or fewer files)",
			fmt.Sprintf("%s: ollama rejected the request: %s", op, msg), ErrRejected, se)
	case 499: // ollama's "request canceled"
		return c.ctxError(op, model, context.Canceled)
	case http.StatusUnauthorized, http.StatusForbidden:
		return c.newErr(Denied, op, model, "check the server's access settings; quorum expects a local ollama without authentication",
			fmt.Sprintf("%s: ollama at %s refused access (%d): %s", op, c.base.Host, se.StatusCode, msg), ErrRejected, se)
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		// Ollama answers neither: a proxy in front of it does.
		return c.newErr(Failed, op, model, "a proxy between quorum and ollama failed to reach it: check the proxy, or point the host setting at ollama itself (127.0.0.1:11434)",
			fmt.Sprintf("%s: the server at %s answered %d: %s", op, c.base.Host, se.StatusCode, msg), ErrServer, se)
	default:
		return c.newErr(Failed, op, model, hintServerLog,
			fmt.Sprintf("%s: ollama failed (%d): %s", op, se.StatusCode, msg), ErrServer, se)
	}
}

func (c *Client) ctxError(op, model string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return c.newErr(Timeout, op, model, "raise the timeout, or check `ollama ps` for a model stuck loading",
			fmt.Sprintf("%s: ollama did not answer in time", op), ErrTimeout, err)
	}
	return c.newErr(Canceled, op, model, "the run was interrupted; run the command again to finish (finished answers are cached)",
		fmt.Sprintf("%s: canceled", op), err)
}

func isNetErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne)
}
