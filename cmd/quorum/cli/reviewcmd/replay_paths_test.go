package reviewcmd

import (
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
)

// TestReplayReadsNonUTF8NamesExactly: raw.json can only spell a name that
// is not UTF-8 with U+FFFD; the saved diff keeps its bytes. A replay reads
// the reviewers' file lists as the diff's names, so their findings on such
// a file are not rejected as "not shown".
func TestReplayReadsNonUTF8NamesExactly(t *testing.T) {
	name := "caf\xe9.go"
	set := &diff.Set{Files: []diff.File{{Path: name}, {Path: "ok.go"}}}
	raw := &review.Raw{Results: []review.RawResult{{
		Covered: []string{"caf\uFFFD.go", "ok.go"},
		Chunks:  []review.ChunkResult{{Files: []string{"caf\uFFFD.go"}}},
	}}}
	exactPaths(raw, set)
	res := raw.Results[0]
	if res.Covered[0] != name || res.Covered[1] != "ok.go" || res.Chunks[0].Files[0] != name {
		t.Fatalf("covered %q, chunk files %q", res.Covered, res.Chunks[0].Files)
	}

	// Two names that read alike are left as written: neither is known.
	set = &diff.Set{Files: []diff.File{{Path: "caf\xe9.go"}, {Path: "caf\xe8.go"}}}
	raw = &review.Raw{Results: []review.RawResult{{Covered: []string{"caf\uFFFD.go"}}}}
	exactPaths(raw, set)
	if raw.Results[0].Covered[0] != "caf\uFFFD.go" {
		t.Fatalf("an ambiguous name became %q", raw.Results[0].Covered[0])
	}
	// Each invalid byte is its own U+FFFD in raw.json: one bad byte and a
	// run of two are two names.
	set = &diff.Set{Files: []diff.File{{Path: "x_\xd6\xd0.go"}, {Path: "x_\xe9.go"}}}
	raw = &review.Raw{Results: []review.RawResult{{Covered: []string{"x_\uFFFD.go", "x_\uFFFD\uFFFD.go"}}}}
	exactPaths(raw, set)
	if got := raw.Results[0].Covered; got[0] != "x_\xe9.go" || got[1] != "x_\xd6\xd0.go" {
		t.Fatalf("covered %q", got)
	}
}
