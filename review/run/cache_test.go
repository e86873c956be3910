package run_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/plan"
	"github.com/quorum-review/quorum/review/run"
)

// This file checks what the answer cache is keyed on: a chunk's own content,
// never the commit subjects, the chunk numbering or the fence boundary, so a
// re-push after a fix asks the models only about what changed (issue 5).

// pushSet is a change of files small enough that several share a chunk at
// num_ctx 4096, and large enough that the change takes several chunks.
// fixed files get one line changed, as a fix commit would.
func pushSet(files int, commits []string, fixed ...int) *diff.Set {
	set := &diff.Set{}
	for _, s := range commits {
		set.Commits = append(set.Commits, diff.Commit{SHA: fmt.Sprintf("%040x", len(set.Commits)+1), Subject: s})
	}
	for i := range files {
		var lines []diff.Line
		for l := 1; l <= 40; l++ {
			text := fmt.Sprintf("\tv%d := compute(%d, %q)", l, i, strings.Repeat("y", 24))
			if l == 20 && contains(fixed, i) {
				text = fmt.Sprintf("\tv%d := computeChecked(%d, %q)", l, i, strings.Repeat("y", 24))
			}
			lines = append(lines, diff.Line{Kind: diff.Added, New: l, Text: text})
		}
		set.Files = append(set.Files, diff.File{Path: fmt.Sprintf("pkg/file%02d.go", i), Status: diff.StatusAdded,
			Hunks: []diff.Hunk{{NewStart: 1, NewLines: len(lines), Lines: lines}}})
	}
	return set
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// pushRig is a fake Ollama and a cache shared by successive runs.
type pushRig struct {
	t      *testing.T
	srv    *ollamatest.Server
	runner *run.Runner
}

func newPushRig(t *testing.T) *pushRig {
	t.Helper()
	srv := ollamatest.New(t, ollamatest.Config{Models: measureModels[:2]})
	client, err := ollama.New(ollama.Config{Host: srv.Host})
	if err != nil {
		t.Fatal(err)
	}
	return &pushRig{t: t, srv: srv, runner: &run.Runner{Chat: client, Catalog: client, Cache: cache.New(t.TempDir())}}
}

// review runs both reviewers over set and returns the raw result and the
// number of model calls it made.
func (p *pushRig) review(set *diff.Set) (*review.Raw, int) {
	p.t.Helper()
	before := p.srv.Count("/api/chat")
	raw, err := p.runner.Run(context.Background(), plan.Prepare(plan.Input{Set: set}),
		run.Config{Reviewers: measureReviewers()[:2], MaxContext: 4096, NumPredict: 1024})
	if err != nil {
		p.t.Fatal(err)
	}
	for _, res := range raw.Results {
		if res.Status != review.StatusOK {
			p.t.Fatalf("%s: %s %s", res.Reviewer.Name, res.Status, res.Error)
		}
	}
	return raw, p.srv.Count("/api/chat") - before
}

// newChunks counts the chunks of after whose content no chunk of before had.
func newChunks(before, after *review.Raw) int {
	seen := map[string]bool{}
	for _, res := range before.Results {
		for _, c := range res.Chunks {
			seen[res.Reviewer.Name+"/"+c.Chunk] = true
		}
	}
	n := 0
	for _, res := range after.Results {
		for _, c := range res.Chunks {
			if !seen[res.Reviewer.Name+"/"+c.Chunk] {
				n++
			}
		}
	}
	return n
}

func chunkCount(raw *review.Raw) int { return len(raw.Results[0].Chunks) }

func TestEmptyCommitKeepsEveryAnswerCached(t *testing.T) {
	p := newPushRig(t)
	first, calls := p.review(pushSet(10, []string{"feat: compute things"}))
	// One probe per model measures its tokenizer, then every chunk.
	if chunkCount(first) < 3 || calls != 2*chunkCount(first)+2 {
		t.Fatalf("want a multi-chunk review asked in full: %d chunks, %d calls", chunkCount(first), calls)
	}
	// An empty commit, and one that only touches a skipped lockfile: the
	// prompts now list more commits (so their text and fences differ), yet
	// no chunk's content changed.
	set := pushSet(10, []string{"feat: compute things", "chore: empty", "build: bump go.sum"})
	set.Files = append(set.Files, diff.File{Path: "go.sum", Status: diff.StatusModified, Skip: diff.SkipLockfile})
	second, calls := p.review(set)
	if calls != 0 {
		t.Fatalf("re-run after an empty commit made %d model calls, want 0", calls)
	}
	for _, res := range second.Results {
		if res.Metrics.CacheHits != len(res.Chunks) || res.Metrics.Requests != 0 {
			t.Fatalf("%s: %+v", res.Reviewer.Name, res.Metrics)
		}
	}
}

func TestFixCommitReasksOnlyChangedChunks(t *testing.T) {
	p := newPushRig(t)
	first, _ := p.review(pushSet(10, []string{"feat: compute things"}))
	n := chunkCount(first)
	if n < 3 || len(first.Results[0].Chunks[0].Files) < 2 {
		t.Fatalf("want several chunks of several files: %+v", first.Results[0].Chunks)
	}

	// A fix to one file changes one chunk; every other chunk is served from
	// the cache although its prompt lists one more commit.
	fixed, calls := p.review(pushSet(10, []string{"feat: compute things", "fix: check file05"}, 5))
	if chunkCount(fixed) != n {
		t.Fatalf("a same-size fix re-packed the change: %d chunks, was %d", chunkCount(fixed), n)
	}
	if changed := newChunks(first, fixed); changed != 2 || calls != changed {
		t.Fatalf("fix of one file: %d new chunks (want 1 per reviewer), %d model calls", changed, calls)
	}
	for _, res := range fixed.Results {
		if res.Metrics.CacheHits != n-1 {
			t.Fatalf("%s: %d cache hits, want %d", res.Reviewer.Name, res.Metrics.CacheHits, n-1)
		}
	}

	// A fix that adds a file changes the number of chunks, and so the
	// "part i of N" line of every prompt; still only new content is asked.
	grown, calls := p.review(pushSet(13, []string{"feat: compute things", "fix: check file05", "test: more files"}, 5))
	if chunkCount(grown) <= n {
		t.Fatalf("three more files did not add a chunk: %d chunks", chunkCount(grown))
	}
	changed := newChunks(fixed, grown)
	if changed == 0 || calls != changed || calls >= 2*chunkCount(grown) {
		t.Fatalf("grown change: %d new chunks, %d model calls of %d chunks", changed, calls, 2*chunkCount(grown))
	}
}

// TestCachedReviewWritesNothing: a review answered wholly from the cache
// leaves every cache file as it was. It rewrote the two plan memos each
// run: on a read-only cache that warned "new answers are not kept" after a
// review that had nothing new to keep, and two reviews of different diffs
// took turns overwriting the latest plan's figure.
func TestCachedReviewWritesNothing(t *testing.T) {
	p := newPushRig(t)
	set := pushSet(6, []string{"feat: compute things"})
	p.review(set)
	before := cacheFiles(t, p.runner.Cache.Dir)
	if _, calls := p.review(set); calls != 0 {
		t.Fatalf("the second review asked the models %d times", calls)
	}
	after := cacheFiles(t, p.runner.Cache.Dir)
	if len(after) != len(before) {
		t.Errorf("cache files: %d before, %d after", len(before), len(after))
	}
	for path, fi := range before {
		if fa, ok := after[path]; !ok || !os.SameFile(fi, fa) {
			t.Errorf("%s was written again", path)
		}
	}
}

func cacheFiles(t *testing.T, dir string) map[string]os.FileInfo {
	t.Helper()
	out := map[string]os.FileInfo{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		out[path] = fi
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestConcurrentReviewsAskOnce: two reviews of one diff at once, sharing
// the cache (a review in a terminal while a push's hook runs), ask the
// model once per chunk: the second waits for the first one's answer. They
// asked every chunk twice, doubling the model time.
func TestConcurrentReviewsAskOnce(t *testing.T) {
	slow := func(model, prompt string) string {
		if strings.Contains(prompt, "file: ") {
			time.Sleep(200 * time.Millisecond) // both reviews look the chunk up before it is answered
		}
		return ollamatest.DefaultReply
	}
	srv := ollamatest.New(t, ollamatest.Config{Models: measureModels[:1], Reply: slow})
	client, err := ollama.New(ollama.Config{Host: srv.Host})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	newRunner := func() *run.Runner { return &run.Runner{Chat: client, Catalog: client, Cache: cache.New(dir)} }
	cfg := run.Config{Reviewers: measureReviewers()[:1], MaxContext: 4096, NumPredict: 1024}
	// The tokenizer probe first, alone: its own request is not a chunk's.
	if _, err := newRunner().Run(t.Context(), plan.Prepare(plan.Input{Set: pushSet(1, []string{"warm"})}), cfg); err != nil {
		t.Fatal(err)
	}
	set := pushSet(8, []string{"feat: compute things"})
	before := srv.Count("/api/chat")
	var wg sync.WaitGroup
	raws := make([]*review.Raw, 2)
	for i := range raws {
		wg.Go(func() {
			raw, err := newRunner().Run(t.Context(), plan.Prepare(plan.Input{Set: set}), cfg)
			if err != nil {
				t.Error(err)
			}
			raws[i] = raw
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	chunks := chunkCount(raws[0])
	if got := srv.Count("/api/chat") - before; got != chunks {
		t.Fatalf("%d chats for %d chunks asked by two reviews at once, want one each", got, chunks)
	}
	for _, raw := range raws {
		if res := raw.Results[0]; res.Status != review.StatusOK || len(res.Chunks) != chunks {
			t.Fatalf("%s: %s, %d chunks", res.Reviewer.Name, res.Status, len(res.Chunks))
		}
	}
}
