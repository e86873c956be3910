package diff

import (
	"context"
	"io"
	"os"
	"testing"
)

// BenchmarkLoadJSON profiles Load plus WriteJSON on the repository named by
// QUORUM_BENCH_REPO (scripts/bench-diff.sh builds one and measures the
// binary against git; this benchmark is for pprof).
func BenchmarkLoadJSON(b *testing.B) {
	dir := os.Getenv("QUORUM_BENCH_REPO")
	if dir == "" {
		b.Skip("set QUORUM_BENCH_REPO to a repository with a feature branch checked out")
	}
	for b.Loop() {
		js := NewJSONStream(io.Discard)
		set, err := Stream(context.Background(), Options{Dir: dir}, js.Begin, js.File)
		if err != nil {
			b.Fatal(err)
		}
		if err := js.End(set); err != nil {
			b.Fatal(err)
		}
	}
}
