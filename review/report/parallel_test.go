package report_test

import (
	"bytes"
	"encoding/json"
	"runtime"
	"testing"

	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/review/report"
)

// TestConsolidationOverTheCoresIsConsolidationOnOne: a review large enough
// that anchoring, the merge's per-finding work and the report's findings
// are spread over the cores gives the report one core gives, byte for
// byte. (The permutation tests run below the size that splits the work.)
func TestConsolidationOverTheCoresIsConsolidationOnOne(t *testing.T) {
	set, raw := synthetic(600) // 3 × 600 findings
	reportOn := func(procs int) []byte {
		prev := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(prev)
		r, err := pipeline.Consolidate(set, raw, report.Policy{FailOn: "important"}, report.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	one := reportOn(1)
	if many := reportOn(4); !bytes.Equal(one, many) {
		t.Fatal("the report made over 4 cores differs from the one made on 1")
	}
}
