//go:build promptbench

package promptbench

// Measures for BENCHMARKS.md "Prompt size": branches built from two versions
// of a Go module found in the local module cache (no network), planned with
// the default budget, counted with the cl100k tokenizer as a stand-in for a
// code model's. Run:
//
//	go test -tags promptbench -count=1 -v ./internal/promptbench/

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tiktoken-go/tokenizer"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review/plan"
)

type measure struct {
	files, changed               int
	rawTokens                    int
	chunks                       int
	promptBytes, promptTokens    int
	minSharedPrefix, contextPart int
	ids                          map[string]bool
}

func load(t *testing.T, dir string) (*diff.Set, func(string) ([]byte, error)) {
	set, err := diff.Load(context.Background(), diff.Options{Dir: dir, Base: "main", Head: "feature"})
	if err != nil {
		t.Fatal(err)
	}
	return set, func(p string) ([]byte, error) { return diff.ReadNew(context.Background(), set, p) }
}

// guidelines stand in for a repository's AGENTS.md: every prompt carries them.
var guidelines = strings.Repeat("- Wrap errors with %w and say what failed; never drop an error.\n- Exported names get a doc comment that starts with the name.\n- Tests are table-driven and run in parallel where they can.\n- No global state; pass dependencies in.\n", 4)

func planOf(t *testing.T, set *diff.Set, readNew func(string) ([]byte, error)) *plan.Plan {
	return planCtx(t, set, readNew, 16384)
}

func planCtx(t *testing.T, set *diff.Set, readNew func(string) ([]byte, error), numCtx int) *plan.Plan {
	p := plan.Prepare(plan.Input{Set: set, ReadNew: readNew, Guidelines: guidelines})
	// The defaults of review/run: num_ctx 16384, num_predict 4096 plus the truncation margin.
	pl, err := plan.Build(p, plan.Budget{NumCtx: numCtx, AnswerTokens: min(4096, numCtx/2) + max(16, numCtx/100)})
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func measurePlan(t *testing.T, enc tokenizer.Codec, dir string, set *diff.Set, pl *plan.Plan) measure {
	m := measure{ids: map[string]bool{}, minSharedPrefix: -1}
	var paths []string
	for _, f := range set.Reviewable() {
		paths = append(paths, f.Path)
		for _, h := range f.Hunks {
			for _, l := range h.Lines {
				if l.Kind != diff.Context {
					m.changed++
				}
			}
		}
	}
	m.files = len(paths)
	raw := Git(t, dir, append([]string{"diff", "-U3", "main", "feature", "--"}, paths...)...)
	m.rawTokens = count(t, enc, raw)
	prev := ""
	for _, c := range pl.Chunks {
		sys, user, err := pl.Render(c)
		if err != nil {
			t.Fatal(err)
		}
		whole := sys + "\x00" + user
		m.promptBytes += len(whole)
		m.promptTokens += count(t, enc, sys) + count(t, enc, user)
		for _, f := range c.Files {
			m.contextPart += len(f.Context)
		}
		if prev != "" {
			if n := commonPrefix(prev, whole); m.minSharedPrefix < 0 || n < m.minSharedPrefix {
				m.minSharedPrefix = n
			}
		}
		prev = whole
		m.ids[c.ID] = true
	}
	m.chunks = len(pl.Chunks)
	return m
}

func count(t *testing.T, enc tokenizer.Codec, s string) int {
	ids, _, err := enc.Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	return len(ids)
}

// insertEarly adds a 300-line Go file that sorts first in path order on
// the feature branch, as a new commit.
func insertEarly(t *testing.T, dir string) { insertAt(t, dir, "aaa/aaa.go") }

func insertAt(t *testing.T, dir, rel string) {
	var b strings.Builder
	b.WriteString("package aaa\n\n")
	for i := 0; b.Len() < 1<<20 && i < 49; i++ {
		fmt.Fprintf(&b, "// Step%d doubles n and reports whether it grew past %d.\nfunc Step%d(n int) (int, bool) {\n\tm := n * 2\n\treturn m, m > %d\n}\n\n", i, i*10, i, i*10)
	}
	os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755)
	if err := os.WriteFile(filepath.Join(dir, rel), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	Git(t, dir, "add", "-A")
	Git(t, dir, "commit", "-q", "-m", "add "+rel)
}

// TestMeasureStability adds a 300-line file at the start, the middle and the
// end of path order, under two context sizes, and counts the chunks asked
// again beyond those that hold the new file.
func TestMeasureStability(t *testing.T) {
	fmt.Println("| branch | num_ctx | chunks | extra chunks re-asked (start, middle, end) |")
	fmt.Println("|---|---|---|---|")
	for _, c := range Cases {
		for _, numCtx := range []int{8192, 16384} {
			dir := Branch(t, c)
			set, readNew := load(t, dir)
			pl := planCtx(t, set, readNew, numCtx)
			old := map[string]bool{}
			for _, ch := range pl.Chunks {
				old[ch.ID] = true
			}
			files := set.Reviewable()
			mid := files[len(files)/2].Path
			var extras []string
			for _, rel := range []string{"aaa/aaa.go", strings.TrimSuffix(mid, ".go") + "_added.go", "zzz/zzz.go"} {
				d2 := Branch(t, c)
				insertAt(t, d2, rel)
				set2, readNew2 := load(t, d2)
				pl2 := planCtx(t, set2, readNew2, numCtx)
				extra := 0
				for _, ch := range pl2.Chunks {
					if old[ch.ID] || slices.Contains(ch.Paths, rel) {
						continue
					}
					extra++
				}
				extras = append(extras, fmt.Sprint(extra))
			}
			fmt.Printf("| %s | %d | %d | %s |\n", c.Name, numCtx, len(pl.Chunks), strings.Join(extras, ", "))
		}
	}
}

func TestMeasurePrompts(t *testing.T) {
	enc, err := tokenizer.Get(tokenizer.Cl100kBase)
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, c := range Cases {
		t.Run(c.Name, func(t *testing.T) {
			dir := Branch(t, c)
			set, readNew := load(t, dir)
			pl := planOf(t, set, readNew)
			m := measurePlan(t, enc, dir, set, pl)
			insertEarly(t, dir)
			set2, readNew2 := load(t, dir)
			pl2 := planOf(t, set2, readNew2)
			m2 := measurePlan(t, enc, dir, set2, pl2)
			reasked := 0
			for id := range m2.ids {
				if !m.ids[id] {
					reasked++
				}
			}
			// The chunks the new file itself needs, alone: what an ideal split re-asks.
			needed := 0
			for _, ch := range pl2.Chunks {
				for _, p := range ch.Paths {
					if p == "aaa/aaa.go" {
						needed++
						break
					}
				}
			}
			row := fmt.Sprintf("| %s | %d files, %d changed lines | %d | %d | %.2f× | %d | %.0f%% | %d | %d of %d (%d hold the new file) |",
				c.Name, m.files, m.changed, m.rawTokens, m.promptTokens, float64(m.promptTokens)/float64(m.rawTokens),
				m.chunks, 100*float64(m.contextPart)/float64(m.promptBytes), max(m.minSharedPrefix, 0), reasked, m2.chunks, needed)
			rows = append(rows, row)
		})
	}
	sort.SliceStable(rows, func(i, j int) bool { return false })
	fmt.Println("| branch | reviewed | raw diff tokens | prompt tokens | ratio | chunks | context share | shared prefix bytes (min) | re-asked after adding aaa/aaa.go |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Println(r)
	}
}
