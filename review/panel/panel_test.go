package panel

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review"
)

func m(name, family, size string, caps ...string) review.ModelInfo {
	return review.ModelInfo{Name: name, Family: family, ParameterSize: size, Capabilities: caps}
}

func names(ms []review.ModelInfo) string {
	var out []string
	for _, x := range ms {
		out = append(out, x.Name)
	}
	return strings.Join(out, ",")
}

func TestSelect(t *testing.T) {
	chat := "completion"
	installed := []review.ModelInfo{
		m("llama3.1:8b", "llama", "8.0B", chat, "tools"),
		m("llama3.2:3b", "llama", "3.2B", chat),
		m("nomic-embed-text:latest", "nomic-bert", "137M", "embedding"),
		m("qwen2.5-coder:7b", "qwen2", "7.6B", chat, "insert"),
		m("qwen2.5:14b", "qwen2", "14.8B", chat),
		m("gemma2:9b", "gemma2", "9.2B", chat),
		m("codellama:7b", "llama", "7B", chat),
		m("mistral:7b", "llama", "7.2B", chat),
		m("odd:1b", "odd", "1B", chat, "embedding"),
		m("vision-only:1b", "clip", "1B", "vision"),
		m("phi3:mini", "phi3", "3.8B", chat),
	}
	tests := []struct {
		max  int
		want string
	}{
		// coder models first (qwen2.5-coder beats the larger qwen2.5:14b for
		// qwen2; codellama takes llama), then the largest other family.
		{0, "qwen2.5-coder:7b,codellama:7b,gemma2:9b"},
		{3, "qwen2.5-coder:7b,codellama:7b,gemma2:9b"},
		{1, "qwen2.5-coder:7b"},
		{5, "qwen2.5-coder:7b,codellama:7b,gemma2:9b,phi3:mini"},
	}
	for _, tt := range tests {
		if got := names(Select(installed, tt.max)); got != tt.want {
			t.Errorf("Select(max=%d) = %s, want %s", tt.max, got, tt.want)
		}
	}
	// Deterministic: any input order gives the same panel.
	want := names(Select(installed, 3))
	r := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		sh := slices.Clone(installed)
		r.Shuffle(len(sh), func(i, j int) { sh[i], sh[j] = sh[j], sh[i] })
		if got := names(Select(sh, 3)); got != want {
			t.Fatalf("order-dependent: %s vs %s", got, want)
		}
	}
}

func TestSelectEdgeCases(t *testing.T) {
	if got := Select(nil, 3); len(got) != 0 {
		t.Errorf("nil: %v", got)
	}
	only := []review.ModelInfo{m("nomic-embed-text", "nomic-bert", "137M", "embedding"), m("x", "", "", "")}
	if got := Select(only, 3); len(got) != 0 {
		t.Errorf("no chat model: %v", got)
	}
	// No family: the name before the tag is the family.
	same := []review.ModelInfo{m("foo:1b", "", "1B", "completion"), m("foo:7b", "", "7B", "completion"), m("bar", "", "", "completion")}
	if got := names(Select(same, 3)); got != "foo:7b,bar" {
		t.Errorf("familyless: %s", got)
	}
	// Ties on size break by name.
	tie := []review.ModelInfo{m("b:7b", "b", "7B", "completion"), m("a:7b", "a", "7B", "completion")}
	if got := names(Select(tie, 3)); got != "a:7b,b:7b" {
		t.Errorf("tie: %s", got)
	}
}

func TestParameterCount(t *testing.T) {
	tests := map[string]float64{"7.6B": 7.6e9, "137M": 137e6, "8x7B": 56e9, "1.5T": 1.5e12, "500K": 5e5, "": 0, "big": 0, "12": 12, "-1B": 0}
	for in, want := range tests {
		if got := ParameterCount(in); got != want {
			t.Errorf("ParameterCount(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestEmbeddingOnly(t *testing.T) {
	for _, tc := range []struct {
		caps []string
		want bool
	}{
		{[]string{"embedding"}, true},
		{[]string{"completion"}, false},
		{[]string{"completion", "embedding"}, false},
		{nil, false},
	} {
		if got := EmbeddingOnly(review.ModelInfo{Name: "m", Capabilities: tc.caps}); got != tc.want {
			t.Errorf("EmbeddingOnly(%v) = %v, want %v", tc.caps, got, tc.want)
		}
	}
}

// Two models with one digest are a pair; models with none never are.
func TestSameWeights(t *testing.T) {
	ms := []review.ModelInfo{{Name: "a"}, {Name: "b", Digest: "sha256:1234567890abcdef"}, {Name: "c"}, {Name: "d", Digest: "sha256:1234567890abcdef"}}
	if i, j := SameWeights(ms); i != 1 || j != 3 {
		t.Fatalf("pair %d, %d; want 1, 3", i, j)
	}
	if i, j := SameWeights(ms[:3]); i != -1 || j != -1 {
		t.Fatalf("no pair: %d, %d", i, j)
	}
	if got := ShortID("sha256:1234567890abcdef"); got != "1234567890ab" {
		t.Fatalf("ShortID %q", got)
	}
}
