package render_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report"
)

// A push of two refs is one review over both ranges: the header names
// each range with its refs, not the first range's base and head as if
// they were the whole review (the findings may be in the other's files).
func TestHeaderNamesEveryRangeOfAPush(t *testing.T) {
	b1 := report.Range{Base: diff.Ref{Commit: strings.Repeat("a", 40)}, Head: diff.Ref{Commit: strings.Repeat("b", 40)}, Refs: []string{"refs/heads/b1"}}
	b2 := report.Range{Base: diff.Ref{Commit: strings.Repeat("a", 40)}, Head: diff.Ref{Commit: strings.Repeat("c", 40)}, Refs: []string{"refs/heads/b2", "refs/heads/b3"}}
	r := &report.Report{
		Mode: diff.ModeCommits, Base: b1.Base, Head: b1.Head, Ranges: []report.Range{b1, b2},
		Commits: []report.Commit{{SHA: b1.Head.Commit, Subject: "b1"}, {SHA: b2.Head.Commit, Subject: "b2"}},
	}
	var md bytes.Buffer
	if err := render.Markdown(&md, r, render.Options{}); err != nil {
		t.Fatal(err)
	}
	want := "| Ranges | 2 ranges: aaaaaaa..bbbbbbb (`refs/heads/b1`), aaaaaaa..ccccccc (`refs/heads/b2`, `refs/heads/b3`) |\n" +
		"| Commits | 2 in the 2 ranges (see Commit structure) |\n"
	if !strings.Contains(md.String(), want) {
		t.Errorf("header lacks\n%s\n%s", want, md.String())
	}
	for _, row := range []string{"| Base |", "| Head |", "aaaaaaa..bbbbbbb (see"} {
		if strings.Contains(md.String(), row) {
			t.Errorf("header names the first range as the review's (%q):\n%s", row, md.String())
		}
	}

	var text bytes.Buffer
	if err := render.Text(&text, r, render.Options{Full: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "aaaaaaa..ccccccc") {
		t.Errorf("the text view lacks the second range:\n%s", text.String())
	}

	// One range keeps its Base and Head rows.
	r.Ranges = r.Ranges[:1]
	md.Reset()
	if err := render.Markdown(&md, r, render.Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| Base |") || strings.Contains(md.String(), "| Ranges |") {
		t.Errorf("one range's header:\n%s", md.String())
	}
}
