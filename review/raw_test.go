package review

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestMetricsJSONCarriesTokensPerSecondAndRoundTrips(t *testing.T) {
	m := Metrics{EvalTokens: 100, EvalDuration: 4 * time.Second, Requests: 2}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"tokens_per_sec":25`) || !strings.Contains(string(b), `"eval_tokens":100`) {
		t.Fatalf("json %s", b)
	}
	var back Metrics
	if err := json.Unmarshal(b, &back); err != nil || back != m {
		t.Fatalf("round trip: %v %+v", err, back)
	}
}

// TestModelName: every spelling ollama reads as one model is one name;
// another namespace, registry or tag is another model.
func TestModelName(t *testing.T) {
	for _, n := range []string{"qwen2.5-coder", "Qwen2.5-Coder:latest", " library/qwen2.5-coder ", "registry.ollama.ai/library/qwen2.5-coder:latest"} {
		if got := ModelName(n); got != "qwen2.5-coder:latest" {
			t.Errorf("ModelName(%q) = %q", n, got)
		}
	}
	for n, want := range map[string]string{
		"qwen2.5-coder:7b":                 "qwen2.5-coder:7b",
		"someone/coder":                    "someone/coder:latest",
		"registry.ollama.ai/someone/coder": "someone/coder:latest",
		"example.com:5000/library/coder":   "example.com:5000/library/coder:latest",
		"library/someone/coder":            "library/someone/coder:latest",
	} {
		if got := ModelName(n); got != want {
			t.Errorf("ModelName(%q) = %q, want %q", n, got, want)
		}
	}
}
