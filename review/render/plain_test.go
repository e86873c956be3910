package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/quorum-review/quorum/review/report"
)

// Without color (NO_COLOR, or piped) inline code keeps its backticks: they
// are all that tells an identifier from the prose around it.
func TestPlainKeepsCodeSpans(t *testing.T) {
	r := &report.Report{Verdict: report.Verdict{Status: report.VerdictFail, Text: "changes requested"},
		Findings: []report.Finding{{ID: "Q0123456789", Title: "`a` and `b` differ", Severity: "important", Category: "bug",
			File: "a.go", Line: 3, EndLine: 3, Reviewers: []string{"x"}, SeenBy: 1, Support: 1,
			Explanation: "Call `f.Close()` after `os.Open`; ``s[`i`]`` and `` `q` `` are code too."}}}
	for name, opts := range map[string]Options{
		"piped":    {},
		"NO_COLOR": {TTY: true, NoColor: true, Width: 200},
	} {
		var b bytes.Buffer
		if err := Text(&b, r, opts); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, want := range []string{
			"▸ 1. `a` and `b` differ",
			"Call `f.Close()` after `os.Open`; ``s[`i`]`` and `` `q` `` are code too.",
			"`a.go:3`", "`Q0123456789`",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: no %q:\n%s", name, want, out)
			}
		}
		if strings.Contains(out, "a and b differ") || strings.Contains(out, "\x1b") {
			t.Errorf("%s: code spans lost their backticks, or styling without color:\n%s", name, out)
		}
	}
}

// Keeping the backticks keeps model text escaped (escape.go): a hostile
// text is shown line for line as written, code spans included, and makes
// no heading, list, table, fence or emphasis; an unbalanced backtick stays
// a character and does not turn quorum's text after it into code.
func TestPlainCodeSpansStayEscaped(t *testing.T) {
	for _, lines := range [][]string{
		{"`x`", "## Fake `heading`", "- `item`", "| `a` | b |", "|---|---|", "```go", "`y`", "```"},
		{"unclosed `code then **bold** and `real` span"},
		{"`` ` `` and ``a`b`` and `` `q` ``"},
		{"# `PASS`", "> `quoted`", "1. `one`", "***", "<b>`x`</b>", "[`l`](https://evil.example)"},
	} {
		in := strings.Join(lines, "\n")
		md := mdBlock(in)
		if s := without(structure([]byte(md+"\n")), "HardLineBreak"); len(s) > 0 {
			t.Errorf("%q makes %v", in, s)
		}
		want := strings.ReplaceAll(in, "(https://evil.example)", "(`https://evil.example`)")
		if got := plainText(md); got != want {
			t.Errorf("%q is shown as\n%s\nwant\n%s", in, got, want)
		}
	}

	// An unbalanced backtick in a title: quorum's text after it stays text.
	md := "### 1. " + mdText("stray ` tick") + "\n\nimportant · " + code("a.go:3") + "\n"
	if got, want := plainText(md), "▸ 1. stray ` tick\n\nimportant · `a.go:3`"; got != want {
		t.Errorf("shown as\n%s\nwant\n%s", got, want)
	}
	// Control sequences inside a code span are gone, backticks or not.
	if got := plainText(mdText("`\x1b[31mred\x1b[0m` and `\x1b]0;title\x07`")); strings.ContainsAny(got, "\x1b\x07") || !strings.HasPrefix(got, "`red` and ") {
		t.Errorf("shown as %q", got)
	}
}

// A line of model text that GitHub Actions would read as a workflow command
// ("::error file=h.go::x", leading space trimmed) is escaped in the text
// view, whether it is an explanation, a line it wraps to or a fix's code.
func TestTextWritesNoWorkflowCommand(t *testing.T) {
	r := &report.Report{Verdict: report.Verdict{Status: report.VerdictFail, Text: "changes requested"},
		Findings: []report.Finding{{ID: "Q0123456789", Title: "see ##[error]forged title", Severity: "important", Category: "bug",
			File: "a.go", Line: 3, EndLine: 5, Reviewers: []string{"x"}, SeenBy: 1, Support: 1,
			Explanation: "line1\n::error file=h.go::gh annotation\n##[stop-commands]tok\n" + strings.Repeat("word ", 15) + "::warning::wrapped",
			Fix:         "::notice::in the code"}}}
	for name, opts := range map[string]Options{
		"piped": {Width: 80},
		"color": {TTY: true, Width: 80},
	} {
		var b bytes.Buffer
		if err := Text(&b, r, opts); err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(ansi.Strip(b.String()), "\n") {
			if l := strings.TrimSpace(l); strings.HasPrefix(l, "::") || strings.Contains(l, "##[") {
				t.Errorf("%s: a line reads as a workflow command: %q\n%s", name, l, b.String())
			}
		}
		if !strings.Contains(ansi.Strip(b.String()), `\::error file=h.go::gh annotation`) {
			t.Errorf("%s: the explanation's line is not shown escaped:\n%s", name, b.String())
		}
	}
}
