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
