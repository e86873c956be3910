package ollama

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/loopback"
)

// DefaultHost is where Ollama listens when neither --ollama-host nor
// OLLAMA_HOST says otherwise.
const DefaultHost = "127.0.0.1:11434"

// Resolver turns a host name into addresses (the loopback guard's).
type Resolver = loopback.Resolver

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

// checkLoopback is loopback.Check with ollama's messages and hints: it
// requires every address of hostport to be loopback, before anything is dialed.
func checkLoopback(ctx context.Context, r Resolver, hostport string) ([]net.IP, error) {
	ips, err := loopback.Check(ctx, r, hostport)
	if err != nil {
		return nil, guardErr(err)
	}
	return ips, nil
}

// guardErr gives the guard's refusals (from New or from the dialer) ollama's
// wording and hints; any other error is returned as is.
func guardErr(err error) error {
	var re *loopback.RemoteError
	if errors.As(err, &re) {
		re.Server = "ollama"
		return exitcode.WithHint(re, hintRemote)
	}
	var rs *loopback.ResolveError
	if errors.As(err, &rs) {
		if errors.Is(rs.Err, loopback.ErrNoAddress) {
			return exitcode.Setupf("check OLLAMA_HOST (or --ollama-host)", "ollama host %q resolves to no address", rs.Host)
		}
		return exitcode.Setupf("check OLLAMA_HOST (or --ollama-host); quorum talks only to a local Ollama such as 127.0.0.1:11434",
			"cannot resolve ollama host %q: %v", rs.Host, rs.Err)
	}
	return err
}

// RemoteError is the guard's refusal: it names the host and the address the
// code would have gone to.
type RemoteError = loopback.RemoteError

// ErrRemote is matched by errors.Is for every refusal of a non-loopback host.
var ErrRemote = loopback.ErrRemote
