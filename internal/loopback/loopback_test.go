package loopback

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
)

// fakeResolver answers from a table, counts lookups and never touches DNS.
type fakeResolver struct {
	mu      sync.Mutex
	answers map[string][][]string // host -> answer per call (last one repeats)
	calls   map[string]int
}

func (r *fakeResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.calls == nil {
		r.calls = map[string]int{}
	}
	n := r.calls[host]
	r.calls[host]++
	seq, ok := r.answers[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	ans := seq[min(n, len(seq)-1)]
	var out []net.IPAddr
	for _, a := range ans {
		out = append(out, net.IPAddr{IP: net.ParseIP(a)})
	}
	return out, nil
}

func TestCheck(t *testing.T) {
	res := &fakeResolver{answers: map[string][][]string{
		"gpu-box.lan": {{"192.168.1.20"}},
		"localhost":   {{"127.0.0.1", "::1"}},
	}}
	// localhost whose hosts file also gives a public address.
	split := &fakeResolver{answers: map[string][][]string{"localhost": {{"127.0.0.1", "203.0.113.7"}}}}
	for _, tt := range []struct {
		res           *fakeResolver
		hostport, msg string
	}{
		{res, "203.0.113.5:8080", "refusing to send code to non-loopback host 203.0.113.5:8080"},
		{res, "gpu-box.lan:8000", "refusing to send code to non-loopback host gpu-box.lan:8000 (a name other than localhost is never looked up)"},
		{split, "localhost:1", "(203.0.113.7)"},
		{res, "[2001:db8::1]:80", "non-loopback host [2001:db8::1]:80"},
	} {
		_, err := Check(context.Background(), tt.res, tt.hostport)
		var re *RemoteError
		if !errors.Is(err, ErrRemote) || !errors.As(err, &re) {
			t.Fatalf("Check(%s) = %v, want a refusal", tt.hostport, err)
		}
		if !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Check(%s): %q lacks %q", tt.hostport, err, tt.msg)
		}
		re.Server = "ollama"
		if !strings.Contains(re.Error(), "non-loopback ollama host") {
			t.Errorf("labelled: %q", re)
		}
	}
	for _, hp := range []string{"localhost:1", "127.0.0.2:9", "[::1]:80", "::1"} {
		if _, err := Check(context.Background(), res, hp); err != nil {
			t.Errorf("Check(%s): %v", hp, err)
		}
	}
	// localhost that does not resolve, or resolves to nothing.
	for _, r := range []*fakeResolver{{}, {answers: map[string][][]string{"localhost": {{}}}}} {
		_, err := Check(context.Background(), r, "localhost:1")
		var rs *ResolveError
		if !errors.As(err, &rs) || rs.Host != "localhost:1" || errors.Is(err, ErrRemote) {
			t.Errorf("Check(localhost:1) = %v, want a ResolveError", err)
		}
	}
}

// The dialer refuses a non-loopback address without dialing anything, even
// for a name that resolved to loopback earlier (DNS rebinding).
func TestDialerRefusesWithoutDialing(t *testing.T) {
	res := &fakeResolver{answers: map[string][][]string{
		"pub.test":  {{"198.51.100.1"}},
		"localhost": {{"127.0.0.1"}, {"203.0.113.9"}},
	}}
	if _, err := Check(context.Background(), res, "localhost:80"); err != nil {
		t.Fatal(err)
	}
	d := NewDialer(res, false)
	var dials []string
	d.dial = func(_ context.Context, _, addr string) (net.Conn, error) {
		dials = append(dials, addr)
		return nil, errors.New("test dial")
	}
	for _, addr := range []string{"198.51.100.1:80", "pub.test:80", "[2001:db8::2]:80", "localhost:80"} {
		if _, err := d.DialContext(context.Background(), "tcp", addr); !errors.Is(err, ErrRemote) {
			t.Errorf("dial %s: %v, want refusal", addr, err)
		}
	}
	if len(dials) != 0 {
		t.Errorf("dialed %v", dials)
	}
	// A loopback name is dialed by the checked IP, not by name.
	res.answers["localhost"] = [][]string{{"127.0.0.1"}}
	_, err := d.DialContext(context.Background(), "tcp", "localhost:7")
	var de *DialError
	if !errors.As(err, &de) || len(dials) != 1 || dials[0] != "127.0.0.1:7" {
		t.Errorf("loopback dial: %v, dials %v", err, dials)
	}
}

func TestAllowRemoteSkipsCheck(t *testing.T) {
	res := &fakeResolver{}
	d := NewDialer(res, true)
	var dials []string
	d.dial = func(_ context.Context, _, addr string) (net.Conn, error) {
		dials = append(dials, addr)
		return nil, errors.New("test dial")
	}
	_, err := d.DialContext(context.Background(), "tcp", "gpu-box.lan:8000")
	var de *DialError
	if !errors.As(err, &de) || len(dials) != 1 || dials[0] != "gpu-box.lan:8000" || len(res.calls) != 0 {
		t.Errorf("allow remote: %v, dials %v, lookups %v", err, dials, res.calls)
	}
}

func TestTransportIgnoresProxy(t *testing.T) {
	t.Setenv("HTTP_PROXY", "http://198.51.100.3:3128")
	if tr := NewTransport(nil, false); tr.Proxy != nil || tr.DialContext == nil {
		t.Error("transport must dial through the guard and ignore proxies")
	}
}

// A name other than localhost is refused without a lookup: the lookup
// itself would send the name to the system's resolver, which may be
// another machine. Names under .localhost too: Go's resolver does not
// answer them locally. localhost itself is looked up (the hosts file
// answers it) and its addresses checked.
func TestNamesAreNotLookedUp(t *testing.T) {
	res := &fakeResolver{answers: map[string][][]string{
		"ollama.lan":          {{"127.0.0.1"}}, // even one that would resolve to loopback
		"localhost":           {{"127.0.0.1"}},
		"LocalHost.":          {{"::1"}},
		"box.localhost":       {{"::1"}},
		"localhost.evil.test": {{"127.0.0.1"}},
	}}
	refused := []string{"ollama.lan:11434", "localhost.evil.test:1", "gpu-box:80", "box.localhost:2"}
	for _, hp := range refused {
		_, err := Check(context.Background(), res, hp)
		var re *RemoteError
		if !errors.As(err, &re) || !re.Unresolved || !strings.Contains(err.Error(), "never looked up") {
			t.Errorf("Check(%s) = %v, want an unlooked-up refusal", hp, err)
		}
		if host, _, _ := net.SplitHostPort(hp); res.calls[host] != 0 {
			t.Errorf("%s was looked up", host)
		}
	}
	for _, hp := range []string{"localhost:1", "LocalHost.:2"} {
		if _, err := Check(context.Background(), res, hp); err != nil {
			t.Errorf("Check(%s): %v", hp, err)
		}
	}
}

// The default resolver answers from the hosts file and refuses, without
// dialing, every DNS query: a name the hosts file lacks fails on this
// machine instead of being sent to a DNS server.
func TestHostsFileResolverSendsNoDNSQuery(t *testing.T) {
	// Check and the dialer with no resolver use it.
	if HostsFile == nil || NewDialer(nil, false).resolver != HostsFile {
		t.Fatal("the dialer's default resolver is not HostsFile")
	}
	var refused []string
	r := hostsFileResolver(func(network, address string) { refused = append(refused, network+" "+address) })
	if _, err := r.LookupIPAddr(context.Background(), "quorum-no-such-host.invalid"); err == nil {
		t.Fatal("a name missing from the hosts file resolved")
	}
	if len(refused) == 0 {
		t.Skip("this machine's nsswitch.conf sends no name to DNS, so there was no query to refuse")
	}
}
