package anchor_test

import (
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// TestMangledQuotes: a model shows the code it quotes as it would to a
// reader: fenced, in backticks, under a language tag, HTML- or
// JSON-escaped, with typographic quotes or invisible characters. Each is
// the diff's code and anchors; code the diff does not hold, however
// wrapped, is still not in the diff; a quote that is code with a backtick
// of its own (a Go raw string) matches as itself.
func TestMangledQuotes(t *testing.T) {
	line := `	if err := validate(user.Email, user.Name); err != nil && n < max {`
	logLine := `	log.Printf("user %s", name)`
	raw := "\tq := `SELECT * FROM t WHERE a < 1`"
	cases := []struct {
		name, code, quote string
		want              bool
	}{
		{"backticks", line, "`if err := validate(user.Email, user.Name); err != nil && n < max {`", true},
		{"fence with a tag", line, "```go\nif err := validate(user.Email, user.Name); err != nil && n < max {\n```", true},
		{"fence", line, "```\nif err := validate(user.Email, user.Name); err != nil && n < max {\n```", true},
		{"a tag line", line, "go\nif err := validate(user.Email, user.Name); err != nil && n < max {", true},
		{"HTML entities", line, "if err := validate(user.Email, user.Name); err != nil &amp;&amp; n &lt; max {", true},
		{"JSON escapes", logLine, `log.Printf(\"user %s\", name)`, true},
		{"typographic quotes", logLine, "log.Printf(\u201cuser %s\u201d, name)", true},
		{"a zero-width space", logLine, "log.Printf(\"user %s\",\u200b name)", true},
		{"a raw string as itself", raw, "q := `SELECT * FROM t WHERE a < 1`", true},
		{"invented, fenced", line, "```go\nos.RemoveAll(user.Home)\n```", false},
		{"invented, in backticks", logLine, "`log.Printf(\"admin %s\", name)`", false},
	}
	for _, tc := range cases {
		ok, _, why := tryQuote(t, "a.go", lines("package a", "", "x0", "x1"), lines("package a", "", "x0", tc.code, "x1"), tc.quote)
		if ok != tc.want {
			t.Errorf("%s: anchored=%v (%s), want %v", tc.name, ok, why, tc.want)
		}
	}
	// Two lines joined by a literal \n in the quote.
	two := lines("package a", "", "x0", "\tdata, err := os.ReadFile(path)", "\tif err != nil {", "x1")
	if ok, _, why := tryQuote(t, "a.go", lines("package a", "", "x0", "x1"), two, `data, err := os.ReadFile(path)\nif err != nil {`); !ok {
		t.Errorf("a literal \\n: %s", why)
	}
}

// TestLatin1LineQuotedAsThePromptShowsIt: a file's bytes that are no
// UTF-8 reach the model as U+FFFD (the prompt is JSON); its exact copy of
// the line it was shown matches.
func TestLatin1LineQuotedAsThePromptShowsIt(t *testing.T) {
	ok, near, why := tryQuote(t, "a.go", lines("package a", "", "x0", "x1"), lines("package a", "", "x0", "\ts := \"caf\xe9 cr\xe8me\"", "x1"), "s := \"caf\ufffd cr\ufffdme\"")
	if !ok || near {
		t.Errorf("anchored=%v near=%v (%s)", ok, near, why)
	}
}

// TestGitPrefixDroppedOnce: "a/b/x.go" is git's old-side name of b/x.go,
// not of x.go, when both are in the diff.
func TestGitPrefixDroppedOnce(t *testing.T) {
	f1 := changeSet(t, "b/x.go", "package b\n", "package b\n\nfunc f() { os.RemoveAll(dir) }\n").Files[0]
	f2 := changeSet(t, "x.go", "package x\n", "package x\n\nfunc g() { os.RemoveAll(dir) }\n").Files[0]
	ix := anchor.NewIndex(&diff.Set{Files: []diff.File{f1, f2}})
	if p, why := ix.ResolvePath("a/b/x.go"); p != "b/x.go" {
		t.Errorf("a/b/x.go resolved to %q (%s)", p, why)
	}
	f, rej := ix.Anchor("r", "c", 1, review.RawFinding{File: "a/b/x.go", Quote: "func f() { os.RemoveAll(dir) }", Severity: "important", Category: "bug", Title: "t"})
	if rej != nil || f.File != "b/x.go" {
		t.Errorf("anchored to %s (%+v)", f.File, rej)
	}
}

// TestWrappedWordlessQuoteWeighsAsALine: `}` in backticks or a fence is
// still a quote of nothing but punctuation: it places the finding and
// weighs as a line, as a bare `}` does.
func TestWrappedWordlessQuoteWeighsAsALine(t *testing.T) {
	set := changeSet(t, "a.go", lines("package a", "", "func f() {", "}"), lines("package a", "", "func f() {", "\tg()", "}"))
	for _, q := range []string{"}", "`}`", "```go\n}\n```"} {
		f, rej := anchor.NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: "a.go", Line: 5, Quote: q, Severity: "important", Category: "bug", Title: "t"})
		if rej != nil || f.Evidence != anchor.EvidenceLine {
			t.Errorf("%q: evidence %s (%+v); want line", q, f.Evidence, rej)
		}
	}
}

// TestUnwrappingKeepsTheCodesMeaning: undoing a reader's dressing must not
// change what a string holds or which kind of string it is. A `\t` or a
// `\\n` in a quote's string is the code's (no tab, no newline); backticks
// around a template literal's text are not a reader's (`${dir}`
// interpolates); in an HTML file `&amp;amp;` is not `&amp;`.
func TestUnwrappingKeepsTheCodesMeaning(t *testing.T) {
	base := lines("package a", "", "x0", "x1")
	for _, tc := range []struct{ path, code, quote string }{
		{"a.go", "\tparts := strings.Split(line, \" \")", `parts := strings.Split(line, "\t")`},
		{"a.go", "\tparts := strings.Split(body, \"\\n\")", `parts := strings.Split(body, "\\n")`},
		{"a.js", "  exec('rm -rf ${dir}/cache');", "`rm -rf ${dir}/cache`"},
		{"a.html", "  <a href=\"/x?a=1&amp;b=2\">next</a>", `<a href="/x?a=1&amp;amp;b=2">next</a>`},
	} {
		nw := lines("package a", "", "x0", tc.code, "x1")
		if ok, near, why := tryQuote(t, tc.path, base, nw, tc.quote); ok && !near {
			t.Errorf("%s: %q anchored as a quote of %q (%s)", tc.path, tc.quote, tc.code, why)
		}
	}
}

// TestUnwrappingByLanguage: a backtick is a reader's only where it opens
// no string (a shell command with ${DIR} in backticks is the command); an
// escaped tab after an escaped line break is the indent; entities in TSX
// are a reader's too (only HTML-like files hold them as code).
func TestUnwrappingByLanguage(t *testing.T) {
	base := lines("package a", "", "x0", "x1")
	for _, tc := range []struct{ path, code, quote string }{
		{"a.sh", `  rm -rf "${DIR}/build"`, "`rm -rf \"${DIR}/build\"`"},
		{"a.go", "\tif err := g(); err != nil {\n\t\treturn err\n\t}", `if err := g(); err != nil {\n\t\treturn err\n\t}`},
		{"a.tsx", "  if (a && b) {", "if (a &amp;&amp; b) {"},
	} {
		code := strings.Split(tc.code, "\n")
		nw := lines(append(append([]string{"package a", "", "x0"}, code...), "x1")...)
		if ok, near, why := tryQuote(t, tc.path, base, nw, tc.quote); !ok || near {
			t.Errorf("%s: %q not a quote of %q: ok=%v near=%v (%s)", tc.path, tc.quote, tc.code, ok, near, why)
		}
	}
}

// TestEmptyQuoteShapesNeverPanic: an empty fenced block, bare backticks or
// a lone language tag as the quote is rejected or anchored by its line,
// never a panic (an empty fence sliced an empty string).
func TestEmptyQuoteShapesNeverPanic(t *testing.T) {
	set := &diff.Set{Files: []diff.File{reporttest.File("a.go", diff.StatusModified, 1, 1, "+x := 1")}}
	ix := anchor.NewIndex(set)
	for _, q := range []string{"```\n```", "```go\n```", "```\n\n```", "``", "`", "go\n", "```"} {
		f, rej := ix.Anchor("r", "c", 1, review.RawFinding{File: "a.go", Line: 1, Quote: q, Severity: "important", Category: "bug", Title: "t"})
		// Nothing of the code is quoted: never quote evidence, and if kept,
		// placed by its line.
		if rej == nil && (f.Evidence == anchor.EvidenceQuote || f.Line != 1) {
			t.Errorf("%q: anchored at line %d with %s evidence", q, f.Line, f.Evidence)
		}
	}
}
