package openai

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/quorum-review/quorum/internal/ctxsleep"
	"github.com/quorum-review/quorum/internal/loopback"
	"github.com/quorum-review/quorum/review"
)

// DefaultBaseURL is llama-server's default address, used when Config.BaseURL is empty.
const DefaultBaseURL = "http://127.0.0.1:8080/v1"

// Config says where the server is and how careful to be with it.
type Config struct {
	// BaseURL is the API root, e.g. http://127.0.0.1:8080/v1; requests go to
	// BaseURL+"/chat/completions" and BaseURL+"/models". A URL with no path
	// gets "/v1"; one with no scheme gets "http://". Empty means DefaultBaseURL.
	BaseURL string
	// AllowRemote lets requests go to a non-loopback host (the user's opt-in).
	AllowRemote bool
	// Resolver resolves host names for the loopback guard; nil means
	// loopback.HostsFile.
	Resolver loopback.Resolver
	// APIKey, when set, is sent as "Authorization: Bearer <key>". The caller
	// reads it from the environment variable the user config names; this
	// package never reads the environment.
	APIKey string
	// HTTPClient is used as given except for its transport, which is always
	// the guarded one, and redirects, which are never followed; nil means a
	// client with no overall timeout (requests are bounded by their contexts).
	HTTPClient *http.Client
	// Retry bounds the retries when the server answers 429 or 503.
	Retry BackoffPolicy
	// MetaTimeout bounds each metadata request (GET /models), retries
	// included. 0 means DefaultMetaTimeout; a shorter deadline on the
	// caller's context still wins. Chats are bounded by their callers.
	MetaTimeout time.Duration
}

// DefaultMetaTimeout bounds a metadata request when Config.MetaTimeout is 0.
const DefaultMetaTimeout = 30 * time.Second

// BackoffPolicy is a bounded exponential backoff that honours Retry-After.
type BackoffPolicy struct {
	Attempts int           // tries in all, the first included; 0 means 4
	Initial  time.Duration // first wait without Retry-After; 0 means 500ms
	Max      time.Duration // cap on one wait without Retry-After; 0 means 4s
	// MaxRetryAfter is the longest Retry-After waited for; a server asking
	// for longer ends the retries at once. 0 means 30s.
	MaxRetryAfter time.Duration
}

func (p BackoffPolicy) withDefaults() BackoffPolicy {
	if p.Attempts <= 0 {
		p.Attempts = 4
	}
	if p.Initial <= 0 {
		p.Initial = 500 * time.Millisecond
	}
	if p.Max <= 0 {
		p.Max = 4 * time.Second
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 30 * time.Second
	}
	return p
}

// Client talks to one OpenAI-compatible server.
type Client struct {
	base   *url.URL
	apiKey string
	hc     *http.Client
	retry  BackoffPolicy
	meta   time.Duration
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error
}

var (
	_ review.Chatter = (*Client)(nil)
	_ review.Catalog = (*Client)(nil)
)

// ErrBadBaseURL is matched by a Config.BaseURL New cannot use.
var ErrBadBaseURL = errors.New("invalid base URL")

// New checks the base URL and its host and builds a client. A non-loopback
// host is refused here, before anything is dialed, unless AllowRemote is
// set; the refusal matches loopback.ErrRemote and names the host.
func New(cfg Config) (*Client, error) {
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if !cfg.AllowRemote {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := loopback.Check(ctx, cfg.Resolver, base.Host); err != nil {
			return nil, guardErr(err, base.Host)
		}
	}
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		hc = &c
	}
	hc.Transport = loopback.NewTransport(cfg.Resolver, cfg.AllowRemote)
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Client{
		base:   base,
		apiKey: cfg.APIKey,
		hc:     hc,
		retry:  cfg.Retry.withDefaults(),
		meta:   cmp.Or(max(cfg.MetaTimeout, 0), DefaultMetaTimeout),
		now:    time.Now,
		sleep:  ctxsleep.Sleep,
	}, nil
}

// ParseBaseURL reads a base URL: "host:port", "http://host:port",
// "https://host/prefix/v1". No scheme means http, no port means the
// scheme's, no path means "/v1"; a trailing slash is dropped. Unspecified
// bind addresses (0.0.0.0, ::) mean this machine and become loopback.
func ParseBaseURL(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		s = DefaultBaseURL
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrBadBaseURL, s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%w %q: scheme must be http or https", ErrBadBaseURL, s)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%w %q: no user, query or fragment allowed (put an API key in api_key_env)", ErrBadBaseURL, s)
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		return nil, fmt.Errorf("%w %q: no host", ErrBadBaseURL, s)
	}
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
		return nil, fmt.Errorf("%w %q: bad port %q", ErrBadBaseURL, s, port)
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
		if ip.To4() == nil {
			host = "::1"
		}
	}
	u.Host = net.JoinHostPort(host, port)
	u.Path = strings.TrimRight(u.Path, "/")
	if u.Path == "" {
		u.Path = "/v1"
	}
	u.RawPath = ""
	return u, nil
}

// Host is the host:port the client talks to, for messages.
func (c *Client) Host() string { return c.base.Host }

// BaseURL is the API root the client uses, e.g. http://127.0.0.1:8080/v1.
func (c *Client) BaseURL() string { return c.base.String() }

// SameModel reports whether two names mean one model on this server: the
// same id, or (as Ollama's /v1 lists "name:latest") a name without a tag and
// the same name with ":latest".
func (c *Client) SameModel(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	return a == b || a+":latest" == b || a == b+":latest"
}

// SetsContext reports false: this API has no num_ctx, so a request cannot
// set the context the server runs the model at, and the server's own
// applies (see the package doc). quorum's runner (review/run's
// ContextSetter) then plans for the user's num_ctx or 2048 tokens, and
// checks every prompt token count for a cut at the server's context.
func (c *Client) SetsContext() bool { return false }

// do sends the request newReq builds and returns a 2xx response; other
// statuses become errors. 429 and 503 are retried with the backoff,
// honouring Retry-After (seconds or an HTTP date).
func (c *Client) do(ctx context.Context, op, model string, newReq func() (*http.Request, error)) (*http.Response, error) {
	wait := c.retry.Initial
	for attempt := 1; ; attempt++ {
		req, err := newReq()
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/json, text/event-stream")
		if c.apiKey != "" {
			req.Header.Set("Authorization", "Bearer "+c.apiKey)
		}
		resp, err := c.hc.Do(req)
		if err != nil {
			return nil, c.transportErr(ctx, op, err)
		}
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			return resp, nil
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		statusErr := c.statusErr(op, model, resp.StatusCode, body)
		if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
			return nil, statusErr
		}
		if attempt >= c.retry.Attempts {
			return nil, statusErr
		}
		d := wait
		if ra, ok := retryAfter(resp.Header.Get("Retry-After"), c.now()); ok {
			if ra > c.retry.MaxRetryAfter {
				return nil, statusErr
			}
			d = ra
		}
		if err := c.sleep(ctx, d); err != nil {
			return nil, ctxErr(op, err)
		}
		wait = min(2*wait, c.retry.Max)
	}
}

// retryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
