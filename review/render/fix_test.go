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
