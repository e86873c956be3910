package render

import (
	"bufio"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
)

// A fix in words is a sentence, not a line of code to add; code, even
// without punctuation, stays a diff.
func TestProseFixIsNotShownAsCode(t *testing.T) {
	for fix, prose := range map[string]bool{
		"Check the error that os.Open returns.":             true,
		"check err":                                         true,
		"Use `db.Query(q, id)` with a placeholder instead.": true,
		"Close the file\nand return its error.":             true,
		"Return the error instead of discarding it.":        true,
		"If the open fails, log it and stop.":               true,
		"Pass the error up to the caller.":                  true,
		"Handle the error: log it and return early.":        true,
		"Check the error (and close the file).":             true,
		"assert f is not None":                              false,
		"rm -rf build":                                      false,
		"Close(f).":                                         false,
		"Return x[0] instead.":                              false,
		"Don't ignore the error.":                           true,
		"Use the caller's context instead.":                 true,
		"Note: check the error.":                            true,
		"They're closed twice; close once.":                 false, // ';' reads as code
		"m['k'] = v":                                        false,
		"fmt.Println(\"don't\")":                            false,
		"return err":                                        false,
		"defer f.Close()":                                   false,
		"if err != nil {\n\treturn err\n}":                  false,
		"wg.Wait()":                                         false,
		"x := 1":                                            false,
		"cancel":                                            false, // one word: ambiguous, kept as code
		"rows.Close()":                                      false,
		"const limit = 10":                                  false,
		"":                                                  false,
		"await writeFile(path, data)":                       false,
		"raise ValueError":                                  false,
		"Use a parameterized query: db.Query(\"... ?\", id)": false,
	} {
		if got := review.FixIsProse(fix); got != prose {
			t.Errorf("FixIsProse(%q) = %v, want %v", fix, got, prose)
		}
	}

	var b strings.Builder
	w := bufio.NewWriter(&b)
	m := md{w: w}
	m.finding(1, report.Finding{Title: "t", Severity: "important", File: "a.go", Line: 2, EndLine: 2, Fix: "Check the error\n  that Open returns."})
	w.Flush()
	if out := b.String(); !strings.Contains(out, "\nSuggested fix: Check the error that Open returns.\n") || strings.Contains(out, "```diff\n+Check") {
		t.Errorf("prose fix rendered as:\n%s", out)
	}
}

// A replacement fix keeps what it does not replace: the rest of a line a
// one-line fix of a partial quote sits in, the indentation of the lines it
// replaces, and an unchanged (context) line is replaced, not added to.
func TestFixDiffKeepsTheCodeAroundIt(t *testing.T) {
	line := func(kind string, n int, text string) report.CodeLine {
		return report.CodeLine{Kind: kind, New: n, Text: text}
	}
	for _, tc := range []struct {
		name string
		f    report.Finding
		want string
	}{
		{"partial quote, one-line fix: replaced in place",
			report.Finding{Line: 7, EndLine: 7, Fix: "json.loads(data)", FixQuote: "eval(data)",
				Code: []report.CodeLine{line("added", 7, "    return eval(data)")}},
			"-    return eval(data)\n+    return json.loads(data)\n"},
		{"the fix rewrites the whole line: indented like it",
			report.Finding{Line: 7, EndLine: 7, Fix: "return json.loads(data)", FixQuote: "eval(data)",
				Code: []report.CodeLine{line("added", 7, "    return eval(data)")}},
			"-    return eval(data)\n+    return json.loads(data)\n"},
		{"a block keeps its own indentation under the line's",
			report.Finding{Line: 3, EndLine: 3, Fix: "for i in range(len(xs)):\n    total += xs[i]",
				Code: []report.CodeLine{line("added", 3, "    for i in range(len(xs) + 1):")}},
			"-    for i in range(len(xs) + 1):\n+    for i in range(len(xs)):\n+        total += xs[i]\n"},
		{"an unchanged line is replaced, not added to",
			report.Finding{Line: 2, EndLine: 2, Fix: "return 0",
				Code: []report.CodeLine{line("context", 2, "    return 1")}},
			"-    return 1\n+    return 0\n"},
		{"later lines written with the file's indentation are not indented twice",
			report.Finding{Line: 4, EndLine: 5, Fix: "env:\n      LOG_LEVEL: info",
				Code: []report.CodeLine{line("added", 4, "    env:"), line("added", 5, "      LOG_LEVEL: debug")}},
			"-    env:\n-      LOG_LEVEL: debug\n+    env:\n+      LOG_LEVEL: info\n"},
		{"later lines written relative to the first get its indentation",
			report.Finding{Line: 4, EndLine: 5, Fix: "env:\n  LOG_LEVEL: info",
				Code: []report.CodeLine{line("added", 4, "    env:"), line("added", 5, "      LOG_LEVEL: debug")}},
			"-    env:\n-      LOG_LEVEL: debug\n+    env:\n+      LOG_LEVEL: info\n"},
		{"an indented fix is left as it is",
			report.Finding{Line: 2, EndLine: 2, Fix: "\tx := 2",
				Code: []report.CodeLine{line("added", 2, "\tx := 1")}},
			"-\tx := 1\n+\tx := 2\n"},
	} {
		if got := fixDiff(tc.f); got != tc.want {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", tc.name, got, tc.want)
		}
	}
}

// A borrowed fix (Finding.FixFrom) is labelled with its author and place
// and shown against that place's lines, whatever the finding's own are: in
// another file, about deleted code, in words. When the lines it replaces
// are not all in the excerpt, it is shown as written, never as a diff
// that removes only some of them.
func TestBorrowedFixUsesItsOwnLines(t *testing.T) {
	line := func(kind string, n int, text string) report.CodeLine {
		return report.CodeLine{Kind: kind, New: n, Text: text}
	}
	own := []report.CodeLine{line("added", 25, "\t\tt += xs[i]")}
	for _, tc := range []struct {
		name string
		f    report.Finding
		want []string // in the Markdown, in order
	}{
		{"another file",
			report.Finding{File: "a.go", Line: 25, EndLine: 25, Code: own, Fix: "n := min(len(xs), cap)", FixQuote: "n := len(xs)",
				FixFrom: &report.FixSource{Reviewer: "z", File: "b.go", Line: 7, EndLine: 7, Code: []report.CodeLine{line("added", 7, "\tn := len(xs)")}}},
			[]string{"Suggested fix (by z, for `b.go:7`):\n\n```diff\n-\tn := len(xs)\n+\tn := min(len(xs), cap)\n```\n"}},
		{"a span of lines",
			report.Finding{File: "a.go", Line: 25, EndLine: 25, Code: own, Fix: "for _, x := range xs {\n\tt += x",
				FixFrom: &report.FixSource{Reviewer: "q", File: "a.go", Line: 24, EndLine: 25, Code: []report.CodeLine{
					line("added", 24, "\tfor i := 0; i <= len(xs); i++ {"), line("added", 25, "\t\tt += xs[i]")}}},
			[]string{"Suggested fix (by q, for `lines 24-25`):\n\n```diff\n-\tfor i := 0; i <= len(xs); i++ {\n-\t\tt += xs[i]\n+\tfor _, x := range xs {\n+\t\tt += x\n```\n"}},
		{"deleted code: only added, indented like it",
			report.Finding{File: "a.go", Line: 25, EndLine: 25, Code: own, Fix: "defer f.Close()",
				FixFrom: &report.FixSource{Reviewer: "d", File: "a.go", Line: 9, EndLine: 9, Deleted: true, OldLine: 8, OldEndLine: 8,
					Code: []report.CodeLine{{Kind: "deleted", Old: 8, Text: "\tdefer f.Close()"}, {Kind: "context", Old: 9, New: 9, Text: "\treturn nil"}}}},
			[]string{"Suggested fix (by d, for `deleted line 8`):\n\n```diff\n+\tdefer f.Close()\n```\n"}},
		{"words",
			report.Finding{File: "a.go", Line: 25, EndLine: 25, Code: own, Fix: "Stop the loop one element earlier.",
				FixFrom: &report.FixSource{Reviewer: "q", File: "a.go", Line: 24, EndLine: 24}},
			[]string{"Suggested fix (by q, for `line 24`): Stop the loop one element earlier.\n"}},
		{"lines missing from the excerpt: as written",
			report.Finding{File: "a.go", Line: 25, EndLine: 25, Code: own, Fix: "return nil",
				FixFrom: &report.FixSource{Reviewer: "q", File: "a.go", Line: 40, EndLine: 80, Code: []report.CodeLine{line("added", 40, "\treturn err")}}},
			[]string{"Suggested fix (by q, for `lines 40-80`), as written (not a diff: the lines it replaces are not all in the excerpt):\n\n```\nreturn nil\n```\n"}},
		{"its own lines missing too",
			report.Finding{File: "a.go", Line: 25, EndLine: 27, Code: own, Fix: "t += x"},
			[]string{"Suggested fix, as written (not a diff: the lines it replaces are not all in the excerpt):\n\n```\nt += x\n```\n"}},
		// Words beside code are never lines to add.
		{"words and two fenced blocks: as written",
			report.Finding{File: "a.go", Line: 25, EndLine: 25, Code: own, Fix: "Use the element:\n```go\nt += x\n```\nand stop early:\n```go\nbreak\n```"},
			[]string{"Suggested fix, as written (not a diff: it mixes words with code):\n\n````\nUse the element:\n```go\nt += x\n```\nand stop early:\n```go\nbreak\n```\n````\n"}},
		{"a lead-in and indented code: as written",
			report.Finding{File: "a.go", Line: 25, EndLine: 25, Code: own, Fix: "Replace with:\n\n    t += x\n\nThis avoids the overrun."},
			[]string{"Suggested fix, as written (not a diff: it mixes words with code):\n\n```\nReplace with:\n\n    t += x\n\nThis avoids the overrun.\n```\n"}},
	} {
		var b strings.Builder
		w := bufio.NewWriter(&b)
		m := md{w: w}
		tc.f.Title, tc.f.Severity = "t", "important"
		m.finding(1, tc.f)
		w.Flush()
		out := b.String()
		for _, want := range tc.want {
			if !strings.Contains(out, want) {
				t.Errorf("%s: no\n%s\nin\n%s", tc.name, want, out)
			}
		}
		if strings.Contains(out, "-\t\tt += xs[i]\n+") && tc.name != "a span of lines" {
			t.Errorf("%s: the fix replaces the finding's own line:\n%s", tc.name, out)
		}
	}
}
