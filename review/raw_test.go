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
