package plan

import (
	"fmt"
	"strings"
	"testing"
)

// addedLines lists "path:line" of every added line the chunks show.
func addedLines(cs []Chunk) []string {
	var out []string
	for _, c := range cs {
		for _, f := range c.Files {
			for _, n := range addedNumbers(f.Diff) {
				out = append(out, f.Path+":"+n)
			}
		}
	}
	return out
}

// addedNumbers lists the new-side numbers of a rendered diff's added lines.
func addedNumbers(d string) []string {
	var out []string
	for _, l := range strings.Split(d, "\n") {
		i := 0
		for i < len(l) && l[i] >= '0' && l[i] <= '9' {
			i++
		}
		if i > 0 && i < len(l) && l[i] == '+' {
			out = append(out, l[:i])
		}
	}
	return out
}

// TestSplitHalvesDownToOneLine splits one chunk again and again, always
// taking the larger part: each step shows exactly what its parent showed,
// in two smaller chunks, until a single line cannot be split.
func TestSplitHalvesDownToOneLine(t *testing.T) {
	set := bigSet(3, 4, 30)
	pl, err := Build(Prepare(Input{Set: set}), Budget{NumCtx: 1 << 14, AnswerTokens: 512})
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.Chunks) != 1 {
		t.Fatalf("want one chunk, got %d", len(pl.Chunks))
	}
	c := pl.Chunks[0]
	var kinds []string
	for step := 0; ; step++ {
		parts, ok := pl.Split(c)
		if !ok {
			if len(c.Files) != 1 || len(addedLines([]Chunk{c})) != 1 {
				t.Fatalf("step %d: split refused a chunk of %d files, %d lines", step, len(c.Files), len(addedLines([]Chunk{c})))
			}
			break
		}
		if step > 40 {
			t.Fatal("split does not converge")
		}
		if got, want := strings.Join(addedLines(parts), ","), strings.Join(addedLines([]Chunk{c}), ","); got != want {
			t.Fatalf("step %d: the parts show %s, the chunk showed %s", step, got, want)
		}
		switch {
		case len(c.Files) > 1:
			kinds = append(kinds, "files")
		case len(parts) == 1:
			kinds = append(kinds, "context")
		case strings.Contains(parts[0].Files[0].Diff, "in this hunk)"):
			kinds = append(kinds, "lines")
		default:
			kinds = append(kinds, "hunks")
		}
		next := parts[0]
		for _, p := range parts {
			if p.Bytes >= c.Bytes {
				t.Fatalf("step %d: a part of %d bytes from a chunk of %d", step, p.Bytes, c.Bytes)
			}
			if p.Index != c.Index || p.Count != c.Count || p.ID == c.ID {
				t.Fatalf("step %d: part %+v of chunk %d/%d %s", step, p.ID, c.Index, c.Count, c.ID)
			}
			if p.Bytes > next.Bytes {
				next = p
			}
			if _, _, err := pl.Render(p); err != nil {
				t.Fatal(err)
			}
		}
		c = next
	}
	got := strings.Join(kinds, " ")
	for _, want := range []string{"files", "hunks", "lines"} {
		if !strings.Contains(got, want) {
			t.Errorf("splits went %s; none by %s", got, want)
		}
	}
}

// TestSplitDropsContextBeforeCuttingAHunk: a single hunk shown with its
// enclosing function loses the context first.
func TestSplitDropsContextBeforeCuttingAHunk(t *testing.T) {
	set, files := sampleSet()
	set.Files = set.Files[:1]
	pl, err := Build(Prepare(Input{Set: set, ReadNew: reader(files), Context: ContextFunction}), Budget{NumCtx: 4096, AnswerTokens: 512})
	if err != nil {
		t.Fatal(err)
	}
	c := pl.Chunks[0]
	if c.Files[0].Context == "" {
		t.Fatal("want context in the planned chunk")
	}
	parts, ok := pl.Split(c)
	if !ok || len(parts) != 1 || parts[0].Files[0].Context != "" || parts[0].Files[0].Diff != c.Files[0].Diff {
		t.Fatalf("split %v: %+v", ok, parts)
	}
	parts, ok = pl.Split(parts[0])
	if !ok || len(parts) != 2 || fmt.Sprint(parts[0].Files[0].Part, parts[0].Files[0].Parts) != "1 2" {
		t.Fatalf("split %v: %+v", ok, parts)
	}
}
