package ollama

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/quorum-review/quorum/internal/exitcode"
)

// DefaultHost is where Ollama listens when neither --ollama-host nor
// OLLAMA_HOST says otherwise.
const DefaultHost = "127.0.0.1:11434"

// Resolver turns a host name into addresses; net.DefaultResolver satisfies it
// and tests inject their own so the guard is proven without any lookup.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

var _ Resolver = (*net.Resolver)(nil)

// hintRemote is what a user does when the guard refuses a host.
const hintRemote = "use a loopback OLLAMA_HOST (e.g. 127.0.0.1:11434) or pass --allow-remote to send code to that host"

// ParseHost reads an OLLAMA_HOST-style value the way the ollama CLI does:
// "host", "host:port", "scheme://host:port/path"; an empty value means
// DefaultHost. Unspecified bind addresses (0.0.0.0, ::) mean this machine,
// as they do for the ollama CLI, so they become the matching loopback address.
func ParseHost(s string) (*url.URL, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		s = DefaultHost
	}
	defaultPort := "11434"
	scheme, hostport, ok := strings.Cut(s, "://")
	switch {
	case !ok:
		scheme, hostport = "http", s
	case scheme == "http":
		defaultPort = "80"
	case scheme == "https":
		defaultPort = "443"
	default:
		return nil, exitcode.Setupf("set OLLAMA_HOST (or --ollama-host) to host:port or http://host:port",
			"invalid ollama host %q: scheme must be http or https", s)
	}
	hostport, path, _ := strings.Cut(hostport, "/")
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = strings.Trim(hostport, "[]"), defaultPort
	}
	if host == "" {
		host = "127.0.0.1"
	}
	if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
		return nil, exitcode.Setupf("set OLLAMA_HOST (or --ollama-host) to host:port or http://host:port",
			"invalid ollama host %q: bad port %q", s, port)
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if ip.To4() != nil {
			host = "127.0.0.1"
		} else {
			host = "::1"
		}
	}
	u := &url.URL{Scheme: scheme, Host: net.JoinHostPort(host, port)}
	if path != "" {
		u.Path = "/" + path
	}
	return u, nil
}

// checkLoopback resolves host (an IP literal needs no lookup) and requires
// every address to be loopback, so a name that resolves to one loopback and
// one public address is refused too.
func checkLoopback(ctx context.Context, r Resolver, hostport string) ([]net.IP, error) {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	var ips []net.IP
	if ip := net.ParseIP(host); ip != nil {
		ips = []net.IP{ip}
	} else {
		addrs, err := r.LookupIPAddr(ctx, host)
		if err != nil {
			return nil, exitcode.Setupf("check OLLAMA_HOST (or --ollama-host); quorum talks only to a local Ollama such as 127.0.0.1:11434",
				"cannot resolve ollama host %q: %v", hostport, err)
		}
		if len(addrs) == 0 {
			return nil, exitcode.Setupf("check OLLAMA_HOST (or --ollama-host)", "ollama host %q resolves to no address", hostport)
		}
		for _, a := range addrs {
			ips = append(ips, a.IP)
		}
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return nil, exitcode.WithHint(&RemoteError{Host: hostport, Addr: ip.String()}, hintRemote)
		}
	}
	return ips, nil
}

// RemoteError is the guard's refusal: it names the host and the address the
// code would have gone to.
type RemoteError struct {
	Host string
	Addr string
}

func (e *RemoteError) Error() string {
	if e.Addr != "" && !strings.HasPrefix(e.Host, e.Addr) && !strings.HasPrefix(e.Host, "["+e.Addr) {
		return fmt.Sprintf("refusing to send code to non-loopback ollama host %s (%s)", e.Host, e.Addr)
	}
	return fmt.Sprintf("refusing to send code to non-loopback ollama host %s", e.Host)
}

// ErrRemote is matched by errors.Is for every refusal of a non-loopback host.
var ErrRemote = errors.New("non-loopback ollama host")

func (e *RemoteError) Is(target error) bool { return target == ErrRemote }

// guardedDialer dials only after checking the address it is about to dial,
// and dials the checked IP itself, so a second lookup (DNS rebinding) cannot
// send the connection elsewhere. It is the second line of defence behind New.
type guardedDialer struct {
	resolver    Resolver
	allowRemote bool
	dialer      net.Dialer
}

// dialError marks failures to open a connection, so they map to
// review.ErrUnreachable and never to a mid-stream failure.
type dialError struct{ err error }

func (e *dialError) Error() string { return e.err.Error() }
func (e *dialError) Unwrap() error { return e.err }

func (d *guardedDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if d.allowRemote {
		c, err := d.dialer.DialContext(ctx, network, addr)
		if err != nil {
			return nil, &dialError{err}
		}
		return c, nil
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ips, err := checkLoopback(ctx, d.resolver, addr)
	if err != nil {
		return nil, err
	}
	var last error
	for _, ip := range ips {
		c, err := d.dialer.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return c, nil
		}
		last = err
	}
	return nil, &dialError{last}
}

func newDialer(r Resolver, allowRemote bool) *guardedDialer {
	return &guardedDialer{
		resolver:    r,
		allowRemote: allowRemote,
		dialer:      net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second},
	}
}
