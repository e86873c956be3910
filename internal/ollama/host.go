package ollama

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/quorum-review/quorum/internal/loopback"
)

// DefaultHost is where Ollama listens when neither --ollama-host nor
// OLLAMA_HOST says otherwise.
const DefaultHost = "127.0.0.1:11434"

// Resolver turns a host name into addresses (the loopback guard's).
type Resolver = loopback.Resolver

// Hints of the host checks, in ollama's terms; the command line adds its flags.
const (
	hintRemote  = "use a loopback OLLAMA_HOST (e.g. 127.0.0.1:11434)"
	hintBadHost = "set OLLAMA_HOST to host:port or http://host:port"
)

func hostErr(kind Kind, host, hint, msg string, errs ...error) *Error {
	return &Error{Kind: kind, Host: host, Hint: hint, msg: msg, errs: errs}
}

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
		return nil, hostErr(BadHost, s, hintBadHost, fmt.Sprintf("invalid ollama host %q: scheme must be http or https", s))
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
		return nil, hostErr(BadHost, s, hintBadHost, fmt.Sprintf("invalid ollama host %q: bad port %q", s, port))
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
		return hostErr(Remote, re.Host, hintRemote, re.Error(), re)
	}
	var rs *loopback.ResolveError
	if errors.As(err, &rs) {
		if errors.Is(rs.Err, loopback.ErrNoAddress) {
			return hostErr(Unresolvable, rs.Host, "check OLLAMA_HOST", fmt.Sprintf("ollama host %q resolves to no address", rs.Host), rs)
		}
		return hostErr(Unresolvable, rs.Host, "check OLLAMA_HOST; quorum talks only to a local Ollama such as 127.0.0.1:11434",
			fmt.Sprintf("cannot resolve ollama host %q: %v", rs.Host, rs.Err), rs)
	}
	return err
}

// RemoteError is the guard's refusal: it names the host and the address the
// code would have gone to.
type RemoteError = loopback.RemoteError

// ErrRemote is matched by errors.Is for every refusal of a non-loopback host.
var ErrRemote = loopback.ErrRemote
