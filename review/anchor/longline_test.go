package anchor_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// seq writes n items, item(1) to item(n), joined by ", ".
func seq(n int, item func(int) string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = item(i + 1)
	}
	return strings.Join(parts, ", ")
}

// TestLongLineIsMatchedWholeOrInPart: a near copy is compared word for word
// and token for token only up to a cap (64 words, 128 tokens), so a line
// past it is matched exactly or in part, never as a near copy: a number
// changed after the cap would go unread. Under the cap a near copy still
// is one.
func TestLongLineIsMatchedWholeOrInPart(t *testing.T) {
	num := func(i int) string { return fmt.Sprint(i) }
	brace := func(i int) string { return fmt.Sprintf("{%d}", i) }
	words := "var table = []int{" + seq(80, num) + "}"  // 83 words
	tokens := "grid := [][]int{" + seq(40, brace) + "}" // 42 words, 170 tokens
	short := "var small = []int{" + seq(60, num) + "}"  // 63 words, 127 tokens
	set := &diff.Set{Files: []diff.File{reporttest.File("t.go", diff.StatusModified, 1, 1,
		"+"+words, "+"+tokens, "+"+short)}}
	ix := anchor.NewIndex(set)
	for _, tt := range []struct {
		name  string
		quote string
		line  int // 0: rejected as "quote not in the diff"
	}{
		{"past the word cap, a number changed after it", strings.Replace(words, "75", "76", 1), 0},
		{"past the word cap, a name misspelt", strings.Replace(words, "table", "tabel", 1), 0},
		{"past the word cap, exact", words, 1},
		{"past the word cap, its start", words[:60], 1},
		{"past the token cap, a number changed after it", strings.Replace(tokens, "{39}", "{93}", 1), 0},
		{"past the token cap, exact", tokens, 2},
		{"under both caps, a name misspelt", strings.Replace(short, "small", "smal", 1), 3},
		{"under both caps, a number changed", strings.Replace(short, "58", "85", 1), 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, rej := ix.Anchor("r", "c", 1, reporttest.F("t.go", 0, tt.quote, "important", "bug", "t", "e"))
			switch {
			case tt.line == 0 && (rej == nil || rej.Reason != "quote not in the diff"):
				t.Errorf("anchored at %d, want rejected", got.Line)
			case tt.line != 0 && rej != nil:
				t.Errorf("rejected (%s), want line %d", rej.Reason, tt.line)
			case tt.line != 0 && got.Line != tt.line:
				t.Errorf("anchored at %d, want %d", got.Line, tt.line)
			}
		})
	}
}
