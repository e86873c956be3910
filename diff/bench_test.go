package diff

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"testing"

	godiff "github.com/sourcegraph/go-diff/diff"
)

// BenchmarkLoadJSON profiles Stream plus JSONStream on the repository named by
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

// syntheticPatch is a `git diff`-shaped patch of files files, each with a
// hunk per 40 lines in which every 4th line changed: the shape of
// scripts/bench-diff.sh's history, without a repository.
func syntheticPatch(files, lines int) []byte {
	var b bytes.Buffer
	for f := 0; f < files; f++ {
		fmt.Fprintf(&b, "diff --git a/src/file%04d.go b/src/file%04d.go\nindex 1111111..2222222 100644\n--- a/src/file%04d.go\n+++ b/src/file%04d.go\n", f, f, f, f)
		for start := 1; start+40 <= lines; start += 40 {
			fmt.Fprintf(&b, "@@ -%d,40 +%d,40 @@ func f%d() {\n", start, start, start)
			for i := start; i < start+40; i++ {
				if i%4 == 0 {
					fmt.Fprintf(&b, "-\tvalue%d := compute(%d, \"base\") // changed in base\n", i, i*f)
					fmt.Fprintf(&b, "+\tvalue%d := compute(%d, \"feature\") // changed in feature\n", i, i*f)
				} else {
					fmt.Fprintf(&b, " \tvalue%d := compute(%d, \"stable text for line %d\")\n", i, i*f, i)
				}
			}
		}
	}
	return b.Bytes()
}

// BenchmarkParsePatch compares quorum's parser with go-diff reading whole
// files, hunks included, on the same patch: go-diff allocates each body
// line and grows each hunk body by appending, which is why quorum reads
// hunk bodies itself (parse.go).
func BenchmarkParsePatch(b *testing.B) {
	patch := syntheticPatch(400, 500)
	b.Run("quorum", func(b *testing.B) {
		b.SetBytes(int64(len(patch)))
		b.ReportAllocs()
		for b.Loop() {
			if err := parseStream(bytes.NewReader(patch), func(File) error { return nil }); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("go-diff", func(b *testing.B) {
		b.SetBytes(int64(len(patch)))
		b.ReportAllocs()
		for b.Loop() {
			r := godiff.NewMultiFileDiffReaderOptions(bytes.NewReader(patch), godiff.ParseOptions{KeepCR: true})
			if _, err := r.ReadAllFiles(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
