// Package loopback keeps model traffic on this machine: it refuses hosts that do not resolve to loopback and dials only addresses it has checked.
package loopback

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/quorum-review/quorum/internal/safetext"
)

// Resolver turns a host name into addresses; HostsFile satisfies it and
// tests inject their own so the guard is proven without any lookup.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

var _ Resolver = (*net.Resolver)(nil)

// errNoDNS is what HostsFile's resolver gets when it tries to reach a DNS
// server.
var errNoDNS = errors.New("the loopback guard sends no DNS query")

// HostsFile is the resolver used when none is injected: Go's own resolver,
// whatever cgo would choose, with its Dial refusing. The Go resolver dials
// only to reach a DNS server, so "localhost" is answered from the hosts file
// or not at all; net.DefaultResolver would ask DNS when the hosts file lacks
// it, and that query could leave the machine.
var HostsFile Resolver = hostsFileResolver(func(string, string) {})

// hostsFileResolver is HostsFile with a hook told of every refused dial, so
// a test proves the refusal.
func hostsFileResolver(refused func(network, address string)) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(_ context.Context, network, address string) (net.Conn, error) {
		refused(network, address)
		return nil, errNoDNS
	}}
}

// ErrRemote is matched by errors.Is for every refusal of a non-loopback host.
var ErrRemote = errors.New("non-loopback host")

// RemoteError is the guard's refusal: it names the host and the address the
// code would have gone to.
type RemoteError struct {
	Host string // host:port as configured
	Addr string // the non-loopback address it resolved to ("" for an IP literal)
	// Server names the kind of server in the message ("ollama" reads
	// "non-loopback ollama host"); callers set it, the guard leaves it empty.
	Server string
	// Unresolved is set for a host name the guard did not look up (not
	// localhost): its lookup could itself leave the machine.
	Unresolved bool
}

// LocalName reports whether host is "localhost" (any case, a trailing dot
// allowed): the one name the guard looks up. Names under ".localhost",
// which RFC 6761 also reserves, are not: Go's resolver does not answer them
// locally, so their lookup could reach a DNS server.
func LocalName(host string) bool {
	return strings.EqualFold(strings.TrimSuffix(host, "."), "localhost")
}

func (e *RemoteError) Error() string {
	what := "host"
	if e.Server != "" {
		what = e.Server + " host"
	}
	if e.Unresolved {
		return fmt.Sprintf("refusing to send code to non-loopback %s %s (a name other than localhost is never looked up)", what, e.Host)
	}
	if e.Addr != "" && !strings.HasPrefix(e.Host, e.Addr) && !strings.HasPrefix(e.Host, "["+e.Addr) {
		return fmt.Sprintf("refusing to send code to non-loopback %s %s (%s)", what, e.Host, e.Addr)
	}
	return fmt.Sprintf("refusing to send code to non-loopback %s %s", what, e.Host)
}

// Is makes errors.Is(err, ErrRemote) true.
func (e *RemoteError) Is(target error) bool { return target == ErrRemote }

// ResolveError says a host name could not be resolved, or resolved to no
// address (Err is then ErrNoAddress).
type ResolveError struct {
	Host string // host:port as configured
	Err  error
}

// ErrNoAddress is a ResolveError's cause when a lookup succeeded with no address.
var ErrNoAddress = errors.New("resolves to no address")

func (e *ResolveError) Error() string {
	if errors.Is(e.Err, ErrNoAddress) {
		return fmt.Sprintf("host %q resolves to no address", e.Host)
	}
	return fmt.Sprintf("cannot resolve host %q: %v", e.Host, e.Err)
}

func (e *ResolveError) Unwrap() error { return e.Err }

// DialError marks a failure to open a connection to a checked address, so
// callers can tell "cannot connect" apart from a failure mid-answer.
type DialError struct{ Err error }

func (e *DialError) Error() string { return e.Err.Error() }
func (e *DialError) Unwrap() error { return e.Err }

// Check resolves hostport's host (an IP literal needs no lookup; a name
// other than localhost is refused unlooked-up, see LocalName) and requires
// every address to be loopback, so a name that resolves to one loopback and
// one public address is refused too. It returns the checked addresses, a
// *RemoteError, or a *ResolveError; it never dials.
func Check(ctx context.Context, r Resolver, hostport string) ([]net.IP, error) {
	if r == nil {
		r = HostsFile
	}
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	var ips []net.IP
	if ip := net.ParseIP(host); ip != nil {
		ips = []net.IP{ip}
	} else if !LocalName(host) {
		// Looking the name up would send it to the system's resolver,
		// which may be another machine: only "localhost" is looked up,
		// in the hosts file alone (HostsFile), and its addresses are
		// checked as any others.
		return nil, &RemoteError{Host: hostport, Unresolved: true}
	} else {
		// As "localhost" exactly: the hosts file holds it so, and a
		// trailing dot or other case could send the query on to DNS.
		addrs, err := r.LookupIPAddr(ctx, "localhost")
		if err != nil {
			return nil, &ResolveError{Host: hostport, Err: err}
		}
		if len(addrs) == 0 {
			return nil, &ResolveError{Host: hostport, Err: ErrNoAddress}
		}
		for _, a := range addrs {
			ips = append(ips, a.IP)
		}
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return nil, &RemoteError{Host: hostport, Addr: ip.String()}
		}
	}
	return ips, nil
}

// Dialer dials only after checking the address it is about to dial, and
// dials the checked IP itself, so a second lookup (DNS rebinding) cannot send
// the connection elsewhere. It is the second line of defence behind a check
// of the configured host when a client is built.
type Dialer struct {
	resolver    Resolver
	allowRemote bool
	dialer      net.Dialer
	// dial is the last step, replaced in tests to prove a refusal dials nothing.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// NewDialer returns a guarded dialer; allowRemote lifts the check (the
// user's explicit opt-in), and a nil resolver means HostsFile.
func NewDialer(r Resolver, allowRemote bool) *Dialer {
	if r == nil {
		r = HostsFile
	}
	d := &Dialer{
		resolver:    r,
		allowRemote: allowRemote,
		dialer:      net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second},
	}
	d.dial = d.dialer.DialContext
	return d
}

// DialContext checks addr and dials it; see Dialer. Connection failures are
// *DialError; refusals are *RemoteError or *ResolveError.
func (d *Dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if d.allowRemote {
		c, err := d.dial(ctx, network, addr)
		if err != nil {
			return nil, &DialError{err}
		}
		return c, nil
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ips, err := Check(ctx, d.resolver, addr)
	if err != nil {
		return nil, err
	}
	var last error
	for _, ip := range ips {
		c, err := d.dial(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return c, nil
		}
		last = err
	}
	return nil, &DialError{last}
}

// NewTransport returns an HTTP transport that dials through NewDialer and
// ignores proxy variables (Proxy is nil on purpose: HTTP_PROXY must not route
// reviewed code through another machine). It sets no response-header
// timeout: a model load can take minutes before the first byte, so requests
// are bounded by their contexts.
func NewTransport(r Resolver, allowRemote bool) *http.Transport {
	return &http.Transport{
		Proxy:                 nil,
		DialContext:           NewDialer(r, allowRemote).DialContext,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: 0,
		TLSHandshakeTimeout:   10 * time.Second,
	}
}

// ShortNetErr is a dial or connection error in a few words ("connection
// refused", "host unreachable", "connection timed out"), else its own text
// on one line; nil is a dial with no address to try.
func ShortNetErr(err error) string {
	switch {
	case err == nil:
		return "no address to dial"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "host unreachable"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "connection timed out"
	}
	return safetext.OneLine(err.Error())
}
