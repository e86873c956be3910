package render

import (
	"os"
	"strings"
	"testing"
	"time"
)

// TestMDTextIsLinear: escaping a long run of word characters and dashes
// (kebab-case, a base64 blob) costs in proportion to its length: each
// link or reference tried at a dash reads a bounded stretch (it reread the
// rest of the run: 80K characters took 1.5 s). Wall-clock, so it runs only
// with QUORUM_TIMING_TESTS=1; BenchmarkMDTextDashRun measures it anywhere.
func TestMDTextIsLinear(t *testing.T) {
	if os.Getenv("QUORUM_TIMING_TESTS") == "" {
		t.Skip("set QUORUM_TIMING_TESTS=1 to time it")
	}
	var ds []time.Duration
	for _, n := range []int{20000, 80000} {
		s := strings.Repeat("a-", n/2)
		start := time.Now()
		mdText(s)
		ds = append(ds, time.Since(start))
	}
	if ds[1] > 8*ds[0] && ds[1] > 50*time.Millisecond {
		t.Fatalf("quadratic: 20K %v, 80K %v", ds[0], ds[1])
	}
}

func BenchmarkMDTextDashRun(b *testing.B) {
	s := strings.Repeat("a-", 40000)
	for b.Loop() {
		mdText(s)
	}
}
