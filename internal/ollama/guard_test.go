package ollama

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/quorum-review/quorum/review"
)

func TestParseHost(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", "http://127.0.0.1:11434"},
		{"127.0.0.1", "http://127.0.0.1:11434"},
		{"localhost:1234", "http://localhost:1234"},
		{"http://localhost", "http://localhost:80"},
		{"https://example.com", "https://example.com:443"},
		{"0.0.0.0", "http://127.0.0.1:11434"},
		{"[::]:8080", "http://[::1]:8080"},
		{"[::1]", "http://[::1]:11434"},
		{"::1", "http://[::1]:11434"},
		{"http://127.0.0.1:11434/prefix", "http://127.0.0.1:11434/prefix"},
		{"  127.0.0.1:5  ", "http://127.0.0.1:5"},
	}
	for _, tt := range tests {
		u, err := ParseHost(tt.in)
		if err != nil {
			t.Errorf("ParseHost(%q): %v", tt.in, err)
			continue
		}
		if u.String() != tt.want {
			t.Errorf("ParseHost(%q) = %q, want %q", tt.in, u.String(), tt.want)
		}
	}
}

func TestParseHostErrors(t *testing.T) {
	for _, in := range []string{"ftp://host:1", "127.0.0.1:99999", "127.0.0.1:abc"} {
		_, err := ParseHost(in)
		if err == nil {
			t.Errorf("ParseHost(%q): no error", in)
			continue
		}
		if CodeOf(err) != CodeSetup || !strings.Contains(HintOf(err), "OLLAMA_HOST") {
			t.Errorf("ParseHost(%q): code %d hint %q", in, CodeOf(err), HintOf(err))
		}
		if !strings.Contains(err.Error(), "invalid ollama host") {
			t.Errorf("ParseHost(%q): message %q", in, err)
		}
	}
}

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

func TestNewRefusesRemoteHostBeforeDialing(t *testing.T) {
	res := &fakeResolver{answers: map[string][][]string{
		"gpu-box.lan": {{"192.168.1.20"}},
		"localhost":   {{"127.0.0.1", "::1"}},
		"LOCALHOST.":  {{"::1"}},
	}}
	// localhost whose hosts file also gives a public address.
	split := &fakeResolver{answers: map[string][][]string{"localhost": {{"127.0.0.1", "203.0.113.7"}}}}
	refused := []struct {
		res                      *fakeResolver
		host, wantHost, wantAddr string
	}{
		{res, "203.0.113.5", "203.0.113.5:11434", ""},
		{res, "http://203.0.113.5:8080", "203.0.113.5:8080", ""},
		{res, "gpu-box.lan:11434", "gpu-box.lan:11434", "never looked up"},
		{res, "ollama.localhost:9", "ollama.localhost:9", "never looked up"},
		{split, "localhost", "localhost:11434", "203.0.113.7"},
		{res, "[2001:db8::1]:11434", "[2001:db8::1]:11434", ""},
	}
	for _, tt := range refused {
		_, err := New(Config{Host: tt.host, Resolver: tt.res})
		if err == nil {
			t.Fatalf("New(%q) accepted a non-loopback host", tt.host)
		}
		if !errors.Is(err, ErrRemote) {
			t.Errorf("New(%q): %v is not ErrRemote", tt.host, err)
		}
		if CodeOf(err) != CodeSetup {
			t.Errorf("New(%q): exit %d, want 2", tt.host, CodeOf(err))
		}
		msg := err.Error()
		if !strings.Contains(msg, tt.wantHost) || !strings.Contains(msg, tt.wantAddr) || !strings.HasPrefix(msg, "refusing to send code to non-loopback ollama host") {
			t.Errorf("New(%q): message %q should name %s %s", tt.host, msg, tt.wantHost, tt.wantAddr)
		}
		if h := HintOf(err); h != hintRemote {
			t.Errorf("New(%q): hint %q", tt.host, h)
		}
	}
	for _, host := range []string{"localhost", "LOCALHOST.:9", "127.0.0.2", "[::1]:11434", "0.0.0.0"} {
		if _, err := New(Config{Host: host, Resolver: res}); err != nil {
			t.Errorf("New(%q): %v", host, err)
		}
	}
	// With --allow-remote the name is not even resolved by New.
	before := res.calls["gpu-box.lan"]
	if _, err := New(Config{Host: "gpu-box.lan", Resolver: res, AllowRemote: true}); err != nil {
		t.Fatalf("allow remote: %v", err)
	}
	if res.calls["gpu-box.lan"] != before {
		t.Errorf("allow remote resolved the host")
	}
}

func TestNewUnresolvableHost(t *testing.T) {
	_, err := New(Config{Host: "localhost", Resolver: &fakeResolver{}})
	if err == nil {
		t.Fatal("no error")
	}
	if CodeOf(err) != CodeSetup || !strings.Contains(err.Error(), `cannot resolve ollama host "localhost:11434"`) ||
		!strings.Contains(HintOf(err), "OLLAMA_HOST") {
		t.Errorf("got %v / %q / %d", err, HintOf(err), CodeOf(err))
	}
}

// The dialer re-checks what it dials: a name that resolved to loopback in New
// and to a public address later (DNS rebinding) is refused without a connection.
func TestDialerRefusesRebinding(t *testing.T) {
	res := &fakeResolver{answers: map[string][][]string{
		"localhost": {{"127.0.0.1"}, {"203.0.113.9"}},
	}}
	c, err := New(Config{Host: "localhost:11434", Resolver: res})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	_, err = c.Chat(context.Background(), review.ChatRequest{Model: "m", Prompt: "p"}, nil)
	if !errors.Is(err, ErrRemote) || CodeOf(err) != CodeSetup {
		t.Fatalf("Chat after rebinding: %v (exit %d)", err, CodeOf(err))
	}
	if !strings.Contains(err.Error(), "203.0.113.9") {
		t.Errorf("message %q does not name the address", err)
	}
}

func TestSupportsTruncate(t *testing.T) {
	tests := map[string]bool{
		"0.12.6": true, "0.12.5": false, "v0.12.6": true, "0.13.0": true, "1.0.0": true, "0.32.15": true,
		"0.6.5": false, "0.12": false, "0.12.6-rc0": true, "0.11.10": false,
		"0.0.0": true, "": true, "dev": true, "garbage.1": true, "0.0.0-dirty": true,
	}
	for v, want := range tests {
		if got := SupportsTruncate(v); got != want {
			t.Errorf("SupportsTruncate(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestSameModel(t *testing.T) {
	if !SameModel("llama3", "llama3:latest") || !SameModel("hf.co/u/m", "hf.co/u/m:latest") || SameModel("a:1b", "a:7b") {
		t.Error("SameModel")
	}
}

func TestInferCapabilities(t *testing.T) {
	tests := []struct {
		arch, family string
		mi           map[string]any
		want         string
	}{
		{"llama", "llama", nil, "completion"},
		{"nomic-bert", "nomic-bert", nil, "embedding"},
		{"bert", "bert", nil, "embedding"},
		{"qwen3", "qwen3", map[string]any{"qwen3.pooling_type": 1.0}, "embedding"},
		{"gemma3", "gemma3", map[string]any{"gemma3.context_length": 8192.0}, "completion"},
		{"", "mxbai-embed", nil, "embedding"},
	}
	for _, tt := range tests {
		got := inferCapabilities(tt.arch, tt.family, nil, tt.mi)
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("inferCapabilities(%s, %s) = %v, want %s", tt.arch, tt.family, got, tt.want)
		}
	}
}
