package render

import (
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review/report"
)

// A fix becomes an edit tools apply (SARIF fixes, reviewdog suggestions)
// only when it is code replacing the finding's own lines at head, exactly
// as the Markdown diff shows it.
func TestFixReplacement(t *testing.T) {
	code := []report.CodeLine{
		{Kind: "context", New: 4, Old: 4, Text: "\tf, _ := os.Open(p)"},
		{Kind: "added", New: 5, Text: "\tdata, _ := io.ReadAll(f)"},
		{Kind: "added", New: 6, Text: "\treturn data"},
	}
	base := report.Finding{File: "a.go", Line: 5, EndLine: 6, Code: code, Evidence: "quote", FixQuote: "data, _ := io.ReadAll(f)\nreturn data"}
	with := func(change func(*report.Finding)) report.Finding {
		f := base
		change(&f)
		return f
	}
	for name, c := range map[string]struct {
		f    report.Finding
		ok   bool
		want replacement
	}{
		"code of the finding's lines": {f: with(func(f *report.Finding) {
			f.Fix = "data, err := io.ReadAll(f)\nif err != nil {\n\treturn nil\n}\nreturn data"
		}), ok: true,
			want: replacement{line: 5, endLine: 6, text: "\tdata, err := io.ReadAll(f)\n\tif err != nil {\n\t\treturn nil\n\t}\n\treturn data"}},
		"one line, the quote replaced in place": {f: with(func(f *report.Finding) { f.Line, f.EndLine, f.FixQuote, f.Fix = 5, 5, "data, _ :=", "data, err :=" }), ok: true,
			want: replacement{line: 5, endLine: 5, text: "\tdata, err := io.ReadAll(f)"}},
		// One click applies the edit: it may remove only lines the fix's
		// author quoted, not lines it only claimed.
		"lines past the quote (an end_line)": {f: with(func(f *report.Finding) { f.FixQuote, f.Fix = "data, _ := io.ReadAll(f)", "data, err := io.ReadAll(f)" })},
		"a line number, no quote":            {f: with(func(f *report.Finding) { f.Evidence, f.FixQuote, f.Fix = "line", "", "x := 1" })},
		"a near copy of the code":            {f: with(func(f *report.Finding) { f.Evidence, f.Fix = "near-quote", "x := 1" })},
		// A quote of part of a line, or ending mid-line, leaves code the
		// model never showed: a whole-line edit would replace it too.
		"a quote ending mid-line": {f: with(func(f *report.Finding) { f.FixQuote, f.Fix = "data, _ := io.ReadAll(f)\nreturn", "x := 1\ny := 2" })},
		"a quote found twice in its line": {f: with(func(f *report.Finding) {
			f.Line, f.EndLine, f.Code = 5, 5, []report.CodeLine{{Kind: "added", New: 5, Text: "\trows := db.Query(q); keep := db.Query(q)"}}
			f.FixQuote, f.Fix = "db.Query(q)", "mustQuery(q)"
		})},
		"the prompt's line numbers in the quote": {f: with(func(f *report.Finding) {
			f.FixQuote, f.Fix = "5+\tdata, _ := io.ReadAll(f)\n6+\treturn data", "return nil"
		}), ok: true,
			want: replacement{line: 5, endLine: 6, text: "\treturn nil"}},
		// A fix a tool would apply blind must fix, not hide, and write
		// nothing but code once (helper 250).
		"a fix that adds quorum:ignore": {f: with(func(f *report.Finding) {
			f.Fix = "data, _ := io.ReadAll(f) // quorum:ignore unchecked-error: fine\nreturn data"
		})},
		"a fix that copies the prompt's line numbers": {f: with(func(f *report.Finding) {
			f.Fix = "5+\tdata, err := io.ReadAll(f)\n6+\treturn data"
		})},
		"a fix that repeats the line before it": {f: with(func(f *report.Finding) {
			f.Fix = "f, _ := os.Open(p)\ndata, err := io.ReadAll(f)\nreturn data"
		})},
		// A line like one elsewhere in the excerpt is no repeat of the
		// lines next to the span: the common error check stays one click
		// (helper 251).
		"an error check like one above it": {f: with(func(f *report.Finding) {
			f.Line, f.EndLine, f.FixQuote = 7, 7, "data, _ := io.ReadAll(f)"
			f.Code = []report.CodeLine{
				{Kind: "context", New: 4, Old: 4, Text: "\tif err != nil {"},
				{Kind: "context", New: 5, Old: 5, Text: "\t\treturn nil, err"},
				{Kind: "context", New: 6, Old: 6, Text: "\t}"},
				{Kind: "added", New: 7, Text: "\tdata, _ := io.ReadAll(f)"},
				{Kind: "added", New: 8, Text: "\treturn data, nil"},
			}
			f.Fix = "data, err := io.ReadAll(f)\nif err != nil {\n\treturn nil, err\n}"
		}), ok: true,
			want: replacement{line: 7, endLine: 7, text: "\tdata, err := io.ReadAll(f)\n\tif err != nil {\n\t\treturn nil, err\n\t}"}},
		"a fix that goes on to write the line after it": {f: with(func(f *report.Finding) {
			f.Line, f.EndLine, f.FixQuote = 5, 5, "data, _ := io.ReadAll(f)"
			f.Fix = "data, err := io.ReadAll(f)\nreturn data"
		})},
		"a fix longer than one click": {f: with(func(f *report.Finding) {
			f.Fix = strings.Repeat("x++\n", maxOneClickLines) + "return data"
		})},
		// Finders that suggest different code: no blind edit (helper 248).
		"another finder's fix differs": {f: with(func(f *report.Finding) {
			f.Fix = "data, err := io.ReadAll(f)\nreturn data"
			f.OtherFixes = []string{"bob"}
		})},
		"a fix with spaces after the tabs it is given": {f: with(func(f *report.Finding) { f.Fix = "data, err := io.ReadAll(f)\nif err != nil {\n    return nil\n}" })},
		"a fix in spaces over tabs":                    {f: with(func(f *report.Finding) { f.Fix = "    data, err := io.ReadAll(f)\n    return data" })},
		// A line shown otherwise than the file has it (a CRLF line's \r left
		// out, escapes for invisible characters) would have the shown text
		// written over it.
		"a line shown altered": {f: with(func(f *report.Finding) {
			f.Line, f.EndLine, f.Code = 5, 5, []report.CodeLine{{Kind: "added", New: 5, Text: "\tdata, _ := io.ReadAll(f)", Altered: true}}
			f.FixQuote, f.Fix = "data, _ := io.ReadAll(f)", "data, err := io.ReadAll(f)"
		})},
		"an altered line, replaced inside": {f: with(func(f *report.Finding) {
			f.Line, f.EndLine, f.Code = 5, 5, []report.CodeLine{{Kind: "added", New: 5, Text: "\tnotify(\"a<U+200D>b\", db.Query(q))", Altered: true}}
			f.FixQuote, f.Fix = "db.Query(q)", "db.QueryContext(ctx, q)"
		})},
		"a quote stopping inside brackets": {f: with(func(f *report.Finding) {
			f.Line, f.EndLine, f.Code = 5, 5, []report.CodeLine{{Kind: "added", New: 5, Text: "\trows := db.Query(q) // list users"}}
			f.FixQuote, f.Fix = "db.Query(q", "db.QueryContext(ctx, q)"
		})},
		"no fix":         {f: base},
		"words":          {f: with(func(f *report.Finding) { f.Fix = "Check the error that ReadAll returns." })},
		"a model's diff": {f: with(func(f *report.Finding) { f.Fix = "--- a/a.go\n+++ b/a.go\n@@ -5 +5 @@\n-x\n+y" })},
		"deleted code":   {f: with(func(f *report.Finding) { f.Deleted, f.OldLine, f.Fix = true, 7, "cleanup()" })},
		"file level":     {f: with(func(f *report.Finding) { f.Line, f.EndLine, f.Fix = 0, 0, "x := 1" })},
		// The excerpt lacks a line the finding spans: the diff would not be
		// faithful, nor would the edit.
		"lines not all in the excerpt": {f: with(func(f *report.Finding) { f.EndLine, f.Fix = 8, "x := 1" })},
		"a fix borrowed from another place": {f: with(func(f *report.Finding) {
			f.Fix, f.FixFrom = "f.Close()", &report.FixSource{Reviewer: "b", File: "a.go", Line: 4, EndLine: 4, Code: code[:1]}
		})},
		"a fix borrowed from the same place": {f: with(func(f *report.Finding) {
			f.Fix, f.FixFrom = "return data, nil", &report.FixSource{Reviewer: "b", File: "a.go", Line: 5, EndLine: 6, Code: code[1:]}
			f.FixQuote = "data, _ := io.ReadAll(f)\n\treturn data"
		}), ok: true, want: replacement{line: 5, endLine: 6, text: "\treturn data, nil"}},
		// Words beside the code would be written into the file.
		"words and two fenced blocks": {f: with(func(f *report.Finding) {
			f.Fix = "Check the error:\n```go\ndata, err := io.ReadAll(f)\n```\nand return it:\n```go\nreturn data\n```"
		})},
		"code and a sentence": {f: with(func(f *report.Finding) { f.Fix = "data, err := io.ReadAll(f)\nreturn data\nThis keeps the error." })},
	} {
		got, ok := fixReplacement(c.f)
		if ok != c.ok || got != c.want {
			t.Errorf("%s: fixReplacement = %+v, %v; want %+v, %v", name, got, ok, c.want, c.ok)
		}
	}
}

// A finding whose finders suggest different fixes says so under the one
// it shows.
func TestOtherFixesAreNamed(t *testing.T) {
	f := report.Finding{File: "a.go", Line: 5, EndLine: 5, Evidence: "quote", FixQuote: "return data", Fix: "return data, nil",
		Code: []report.CodeLine{{Kind: "added", New: 5, Text: "\treturn data"}}, OtherFixes: []string{"bob"}}
	s, ok := showFix(f)
	if !ok || !strings.Contains(s.markdown(f), "\nbob suggested another fix (report.json, members' `fix`): check which is right; no tool applies either in one click.\n") {
		t.Fatalf("%q", s.markdown(f))
	}
}
