package ollama

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/quorum-review/quorum/internal/ctxsleep"
	"github.com/quorum-review/quorum/internal/loopback"
	"github.com/quorum-review/quorum/review"
)

// Config says where the server is and how careful to be with it.
type Config struct {
	// Host is --ollama-host, else the OLLAMA_HOST value the caller read
	// (through cmdutil.Factory.Getenv; this package never reads the
	// environment), else DefaultHost.
	Host string
	// AllowRemote lets requests go to a non-loopback host (--allow-remote).
	AllowRemote bool
	// Resolver resolves host names for the loopback guard; nil means
	// loopback.HostsFile.
	Resolver Resolver
	// HTTPClient is used as given except for its transport, which is always
	// the guarded one; nil means a client with no overall timeout (requests
	// are bounded by their contexts, since a review can stream for minutes).
	HTTPClient *http.Client
	// Busy bounds the retries when the server answers 503 (queue full).
	Busy BackoffPolicy
	// MetaTimeout bounds each metadata request (/api/tags, /api/show,
	// /api/version, /api/ps, an unload): a server that accepts and never
	// answers cannot hold a command longer. 0 means DefaultMetaTimeout; a
	// shorter deadline on the caller's context still wins. Chats and loads
	// are bounded by their callers (--request-timeout).
	MetaTimeout time.Duration
}

// DefaultMetaTimeout bounds a metadata request when Config.MetaTimeout is 0.
const DefaultMetaTimeout = 30 * time.Second

// BackoffPolicy is a bounded exponential backoff.
type BackoffPolicy struct {
	Attempts int           // tries in all, the first included; 0 means 4
	Initial  time.Duration // first wait; 0 means 500ms
	Max      time.Duration // cap on one wait; 0 means 4s
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
	return p
}

// Client talks to one Ollama server.
type Client struct {
	api  *api.Client
	base *url.URL
	busy BackoffPolicy
	meta time.Duration

	versionMu sync.Mutex
	version   string // "" until a version request succeeded
}

var (
	_ review.Chatter = (*Client)(nil)
	_ review.Catalog = (*Client)(nil)
)

// New checks the host and builds a client. A non-loopback host is refused
// here, before anything is dialed, unless AllowRemote is set; the refusal
// names the host and exits 2.
func New(cfg Config) (*Client, error) {
	base, err := ParseHost(cfg.Host)
	if err != nil {
		return nil, err
	}
	resolver := cfg.Resolver
	if resolver == nil {
		resolver = loopback.HostsFile
	}
	if !cfg.AllowRemote {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := checkLoopback(ctx, resolver, base.Host); err != nil {
			return nil, err
		}
	}
	// The guarded transport ignores HTTP_PROXY and re-checks each dial.
	transport := loopback.NewTransport(resolver, cfg.AllowRemote)
	hc := &http.Client{Transport: transport}
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		c.Transport = transport
		hc = &c
	}
	meta := cfg.MetaTimeout
	if meta <= 0 {
		meta = DefaultMetaTimeout
	}
	return &Client{api: api.NewClient(base, hc), base: base, busy: cfg.Busy.withDefaults(), meta: meta}, nil
}

// metaCtx is ctx with the metadata deadline: every request gets one.
func (c *Client) metaCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.meta)
}

// Host is the host:port the client talks to, for messages.
func (c *Client) Host() string { return c.base.Host }

// Version returns the server's version string ("0.0.0" for unstamped builds).
func (c *Client) Version(ctx context.Context) (string, error) {
	ctx, cancel := c.metaCtx(ctx)
	defer cancel()
	v, err := c.api.Version(ctx)
	if err != nil {
		return "", c.mapErr(ctx, "ask ollama its version", "", err)
	}
	return v, nil
}

// cachedVersion asks the version until one request succeeds; chat requests
// need it to decide on truncate:false. A failed request (a passing error, or
// the first chat's context cancelled) counts as an unknown version for that
// request only, and the next one asks again.
func (c *Client) cachedVersion(ctx context.Context) string {
	c.versionMu.Lock()
	defer c.versionMu.Unlock()
	if c.version == "" {
		vctx, cancel := c.metaCtx(ctx)
		if v, err := c.api.Version(vctx); err == nil {
			c.version = v
		}
		cancel()
	}
	return c.version
}

// RunningModel is one model loaded in the server's memory (/api/ps).
type RunningModel struct {
	Name          string    `json:"name"`
	Digest        string    `json:"digest,omitempty"`
	Size          int64     `json:"size"`
	SizeVRAM      int64     `json:"size_vram"`
	ContextLength int       `json:"context_length,omitempty"`
	ExpiresAt     time.Time `json:"expires_at"`
}

// Running lists the models loaded right now.
func (c *Client) Running(ctx context.Context) ([]RunningModel, error) {
	ctx, cancel := c.metaCtx(ctx)
	defer cancel()
	resp, err := c.api.ListRunning(ctx)
	if err != nil {
		return nil, c.mapErr(ctx, "list running models", "", err)
	}
	out := make([]RunningModel, 0, len(resp.Models))
	for _, m := range resp.Models {
		out = append(out, RunningModel{
			Name: m.Name, Digest: m.Digest, Size: m.Size, SizeVRAM: m.SizeVRAM,
			ContextLength: m.ContextLength, ExpiresAt: m.ExpiresAt,
		})
	}
	return out, nil
}

// Load preloads model (an empty /api/generate) and keeps it for keepAlive;
// it returns the load time the server reports, or the wall-clock time of the
// call when the server reports none (an already-loaded model loads in ~0).
func (c *Client) Load(ctx context.Context, model string, opts review.Options, keepAlive time.Duration) (time.Duration, error) {
	start := time.Now()
	var load time.Duration
	// The server loads a model for one context size: preloading with other
	// options than the chats use would make the first chat load it again.
	options := map[string]any{}
	if opts.NumCtx > 0 {
		options["num_ctx"] = opts.NumCtx
	}
	err := c.retryBusy(ctx, func() error {
		return c.api.Generate(ctx, &api.GenerateRequest{
			Model:     model,
			KeepAlive: &api.Duration{Duration: keepAlive},
			Options:   options,
			Stream:    new(false),
		}, func(r api.GenerateResponse) error {
			load = r.LoadDuration
			return nil
		})
	})
	if err != nil {
		return 0, c.mapErr(ctx, "load "+model, model, err)
	}
	if load == 0 {
		load = time.Since(start)
	}
	return load, nil
}

// Unload asks the server to free model now (keep_alive 0).
func (c *Client) Unload(ctx context.Context, model string) error {
	ctx, cancel := c.metaCtx(ctx)
	defer cancel()
	err := c.api.Generate(ctx, &api.GenerateRequest{
		Model:     model,
		KeepAlive: &api.Duration{Duration: 0},
		Stream:    new(false),
	}, func(api.GenerateResponse) error { return nil })
	if err != nil {
		return c.mapErr(ctx, "unload "+model, model, err)
	}
	return nil
}

// retryBusy runs call again while the server answers 503, with a bounded
// exponential backoff; the last error is returned as is.
func (c *Client) retryBusy(ctx context.Context, call func() error) error {
	wait := c.busy.Initial
	for attempt := 1; ; attempt++ {
		err := call()
		if err == nil || !isBusy(err) || attempt >= c.busy.Attempts {
			return err
		}
		if err := ctxsleep.Sleep(ctx, wait); err != nil {
			return err
		}
		wait = min(2*wait, c.busy.Max)
	}
}
