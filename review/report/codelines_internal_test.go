package report

import (
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// TestCodeLinesShowControlCharacters: the code a finding shows keeps an
// escape or a bidi override in sight, escaped: dropping them showed
// `return "red evil"` for a line that holds a Trojan Source override.
func TestCodeLinesShowControlCharacters(t *testing.T) {
	f := reporttest.File("x.go", diff.StatusModified, 1, 1, "+return \"\x1b[31mred\x1b[0m \u202eevil\"")
	got := codeLines(map[string]*diff.File{"x.go": &f}, "x.go", 1, 1)
	if len(got) != 1 || got[0].Text != `return "\x1b[31mred\x1b[0m <U+202E>evil"` || !got[0].Altered {
		t.Fatalf("code %+v", got)
	}
}

// TestCodeLinesSayWhenShownOtherwise: a line shown otherwise than the file
// has it (a CRLF line's carriage return left out) says so, so no edit of
// the file is built from its text; a plain line does not.
func TestCodeLinesSayWhenShownOtherwise(t *testing.T) {
	f := reporttest.File("x.go", diff.StatusModified, 1, 1, "+x := 1\r", "+y := 2", "+z := 3 // cr\ufffd\ufffd")
	got := codeLines(map[string]*diff.File{"x.go": &f}, "x.go", 1, 3)
	// A U+FFFD may be bytes a saved diff's JSON could not keep (a replay).
	if len(got) != 3 || !got[0].Altered || got[1].Altered || !got[2].Altered {
		t.Fatalf("code %+v", got)
	}
}
