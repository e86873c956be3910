package run

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
)

// finding is one finding of an answer in the tests below, as JSON.
func findingJSON(title, sev, cat string) string {
	return fmt.Sprintf(`{"file":"db.go","line":6,"quote":"q := name","severity":%q,"category":%q,"kind":"other","title":%q,"explanation":"x"}`, sev, cat, title)
}

func answerJSON(findings ...string) string {
	return `{"summary":"s","findings":[` + strings.Join(findings, ",") + `]}`
}

func mustParse(t *testing.T, in string) (*review.Answer, []string) {
	t.Helper()
	a, notes, err := parseAnswer(in)
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, in)
	}
	return a, notes
}

func TestSchemaRules(t *testing.T) {
	r := rules()
	if r.maxFindings != 10 || len(r.severities) != 3 || len(r.categories) != 10 || len(r.risks) != 3 || len(r.kinds) < 10 || !r.kinds["sql-injection"] {
		t.Fatalf("rules not read from the schema: %+v", r)
	}
	for _, k := range []string{"strengths", "concerns", "untested", "docs"} {
		if r.maxItems[k] != 5 {
			t.Errorf("maxItems[%s] = %d", k, r.maxItems[k])
		}
	}
}

// TestEnumsReadInAnyCase: severity, category, kind and risk in another
// case, with spaces around or "_" inside, are the schema's values; nothing
// is noted. Values already as the schema spells them are left alone.
func TestEnumsReadInAnyCase(t *testing.T) {
	in := `{"summary":"s","findings":[
	  {"file":"a.go","line":1,"quote":"x","severity":" CRITICAL ","category":"Security","kind":"SQL_Injection","title":"t","explanation":"e"},
	  {"file":"a.go","line":2,"quote":"y","severity":"Important","category":" error handling ","kind":"Data-Race ","title":"t","explanation":"e"},
	  {"file":"a.go","line":3,"quote":"z","severity":"suggestion","category":"docs","kind":"other","title":"t","explanation":"e"}],
	  "untested":[{"scenario":"s","risk":" HIGH"},{"scenario":"t","risk":"low"}]}`
	a, notes := mustParse(t, in)
	var got []string
	for _, f := range a.Findings {
		got = append(got, f.Severity+"/"+f.Category+"/"+f.Kind)
	}
	want := []string{"critical/security/sql-injection", "important/error-handling/data-race", "suggestion/docs/other"}
	if !slices.Equal(got, want) {
		t.Errorf("findings read as %q, want %q", got, want)
	}
	if a.Untested[0].Risk != "high" || a.Untested[1].Risk != "low" {
		t.Errorf("risks %+v", a.Untested)
	}
	if len(notes) != 0 {
		t.Errorf("notes %q, want none for a change of case", notes)
	}
	// The other side: an answer as the schema spells it is read as is.
	if _, changed := normalize(decode(t, strings.Replace(okAnswer, `"title"`, `"kind":"off-by-one","title"`, 1))); changed {
		t.Errorf("a valid answer was changed")
	}
}

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestUnknownCategoryIsOther: a category the schema does not list costs
// neither the finding nor the answer: it is "other", and a note quotes the
// model's value. A listed one is kept; a missing or empty one is "other"
// with no note (there is nothing to quote).
func TestUnknownCategoryIsOther(t *testing.T) {
	a, notes := mustParse(t, answerJSON(
		findingJSON("SQL injection", "critical", "sql"),
		findingJSON("Listed", "important", "security"),
		findingJSON("Empty", "important", ""),
		strings.Replace(findingJSON("Missing", "important", "x"), `"category":"x",`, ``, 1),
		strings.Replace(findingJSON("Number", "important", "x"), `"category":"x"`, `"category":7`, 1),
	))
	var cats []string
	for _, f := range a.Findings {
		cats = append(cats, f.Category)
	}
	if want := []string{"other", "security", "other", "other", "other"}; !slices.Equal(cats, want) {
		t.Errorf("categories %q, want %q", cats, want)
	}
	if a.Findings[0].Severity != "critical" || a.Findings[0].Title != "SQL injection" {
		t.Errorf("the finding itself changed: %+v", a.Findings[0])
	}
	want := []string{
		`finding "SQL injection": category "sql" is not one of the schema's; read as "other"`,
		`finding "Number": category 7 is not one of the schema's; read as "other"`,
	}
	if !slices.Equal(notes, want) {
		t.Errorf("notes\n%q\nwant\n%q", notes, want)
	}
}

// TestUnknownSeverityIsNeverLost: a severity that is none of the three is
// read as the nearest one when models commonly write it ("high", "minor"),
// else (or missing, or not a string) as critical: the finding is kept, and
// a note quotes the model's value. Before, anchoring rejected such a
// finding, and a critical bug spelt "high" passed the gate.
func TestUnknownSeverityIsNeverLost(t *testing.T) {
	a, notes := mustParse(t, answerJSON(
		findingJSON("Real bug", "CRITICAL", "security"),
		findingJSON("Spelt high", "High", "security"),
		findingJSON("Spelt minor", "minor", "style"),
		findingJSON("Odd", "URGENTISH", "bug"),
		strings.Replace(findingJSON("None", "x", "bug"), `"severity":"x",`, ``, 1),
		strings.Replace(findingJSON("Number", "x", "bug"), `"severity":"x"`, `"severity":3`, 1),
	))
	var sevs []string
	for _, f := range a.Findings {
		sevs = append(sevs, f.Severity)
	}
	if want := []string{"critical", "critical", "suggestion", "critical", "critical", "critical"}; !slices.Equal(sevs, want) {
		t.Fatalf("severities %q, want %q", sevs, want)
	}
	want := []string{
		`finding "Spelt high": severity "High" is not one of the schema's; read as "critical"`,
		`finding "Spelt minor": severity "minor" is not one of the schema's; read as "suggestion"`,
		`finding "Odd": severity "URGENTISH" is not one of the schema's; read as "critical", the most severe, so the finding is not lost`,
		`finding "None": no severity; read as "critical", the most severe, so the finding is not lost`,
		`finding "Number": severity 3 is not one of the schema's; read as "critical", the most severe, so the finding is not lost`,
	}
	if !slices.Equal(notes, want) {
		t.Errorf("notes\n%q\nwant\n%q", notes, want)
	}
	set := &diff.Set{Files: []diff.File{{Path: "db.go", Status: diff.StatusAdded, Hunks: []diff.Hunk{{NewStart: 6, NewLines: 1,
		Lines: []diff.Line{{Kind: diff.Added, New: 6, Text: "q := name"}}}}}}}
	ix := anchor.NewIndex(set)
	for i, f := range a.Findings {
		if _, rej := ix.Anchor("a", "c1", i+1, f); rej != nil {
			t.Errorf("%s rejected: %s", rej.Title, rej.Reason)
		}
	}
}

// TestTooManyFindingsAreAllKept: over the schema's 10 findings, every one
// is kept and a note says so: a cut here comes before anchoring, so ten
// findings quoting invented code would push a real one out.
func TestTooManyFindingsAreAllKept(t *testing.T) {
	var fs []string
	for i := range 10 {
		fs = append(fs, findingJSON(fmt.Sprintf("nit %d", i), "suggestion", "style"))
	}
	t.Run("critical last", func(t *testing.T) {
		a, notes := mustParse(t, answerJSON(append(slices.Clone(fs), findingJSON("SQL injection", "critical", "security"))...))
		if len(a.Findings) != 11 || a.Findings[10].Title != "SQL injection" {
			t.Errorf("kept %+v", a.Findings)
		}
		wantNote := `11 findings, over the schema's limit of 10: all kept, each anchored on its own`
		if !slices.Equal(notes, []string{wantNote}) {
			t.Errorf("notes %q, want %q", notes, wantNote)
		}
	})
	t.Run("exactly ten", func(t *testing.T) {
		a, notes := mustParse(t, answerJSON(fs...))
		if len(a.Findings) != 10 || len(notes) != 0 {
			t.Errorf("%d findings, notes %q", len(a.Findings), notes)
		}
	})
}

// TestTooManyNarrativeItems: the first items up to the schema's limit are
// kept, with a note; at the limit nothing is noted.
func TestTooManyNarrativeItems(t *testing.T) {
	items := func(n int) string {
		var s []string
		for i := range n {
			s = append(s, fmt.Sprintf("%q", fmt.Sprint("item ", i)))
		}
		return "[" + strings.Join(s, ",") + "]"
	}
	a, notes := mustParse(t, `{"summary":"s","findings":[],"strengths":`+items(7)+`,"docs":`+items(5)+`,
	  "untested":[{"scenario":"a","risk":"high"},{"scenario":"b","risk":"low"},{"scenario":"c","risk":"low"},{"scenario":"d","risk":"low"},{"scenario":"e","risk":"low"},{"scenario":"f","risk":"low"}]}`)
	if len(a.Strengths) != 5 || a.Strengths[4] != "item 4" || len(a.Docs) != 5 || len(a.Untested) != 5 || a.Untested[4].Scenario != "e" {
		t.Errorf("%+v", a)
	}
	want := []string{"7 strengths, over the schema's limit of 5: left out the last 2", "6 untested scenarios, over the schema's limit of 5: left out the last 1"}
	if !slices.Equal(notes, want) {
		t.Errorf("notes %q, want %q", notes, want)
	}
}

// TestOutOfBoundsTextIsKept: text longer than the schema's maxLength, an
// unknown risk and a negative line are not the answer's failure: the text
// is kept whole (a cut quote or fix would be wrong), the risk as written
// (the report reads it as "low"), the line for anchoring to reject.
func TestOutOfBoundsTextIsKept(t *testing.T) {
	long := strings.Repeat("word ", 200)
	in := `{"summary":"` + long + `","findings":[{"file":"a.go","line":-1,"quote":"x","severity":"important","category":"bug","title":"` + long + `","explanation":"e"}],
	  "untested":[{"scenario":"s","risk":"severe"},{"scenario":"t"}]}`
	a, notes := mustParse(t, in)
	if a.Summary != long || a.Findings[0].Title != long || a.Findings[0].Line != -1 || a.Untested[0].Risk != "severe" || a.Untested[1].Risk != "" || len(notes) != 0 {
		t.Errorf("%+v notes %q", a, notes)
	}
}

// TestParseIsPure: the same answer gives the same bytes and notes every
// time (consolidation after run is deterministic only if this is).
func TestParseIsPure(t *testing.T) {
	var fs []string
	for i := range 14 {
		sev := []string{"Suggestion", "CRITICAL", "important ", "urgent"}[i%4]
		fs = append(fs, findingJSON(fmt.Sprint("f", i), sev, []string{"sql", "Bug", "x y", "security"}[i%4]))
	}
	in := answerJSON(fs...)
	var first []byte
	for i := range 30 {
		a, notes := mustParse(t, in)
		b, _ := json.Marshal(struct {
			A *review.Answer
			N []string
		}{a, notes})
		if i == 0 {
			first = b
		} else if string(b) != string(first) {
			t.Fatalf("run %d differs:\n%s\n%s", i, b, first)
		}
	}
}

// TestOddValueTypes: objects and lists where the schema wants a name are
// read like any unknown value, never a panic or a lost answer.
func TestOddValueTypes(t *testing.T) {
	a, notes := mustParse(t, `{"summary":"s","findings":[{"file":"a.go","line":1,"quote":"x","severity":{"level":1},"category":[1,2],"kind":{"k":[]},"title":"t","explanation":"e"}],
	  "untested":[{"scenario":"s","risk":[1]}]}`)
	f := a.Findings[0]
	if f.Severity != "critical" || f.Category != "other" || f.Kind != "" || a.Untested[0].Risk != "[1]" {
		t.Errorf("%+v %+v", f, a.Untested)
	}
	if want := []string{`finding "t": severity {"level":1} is not one of the schema's; read as "critical", the most severe, so the finding is not lost; category [1,2] is not one of the schema's; read as "other"`}; !slices.Equal(notes, want) {
		t.Errorf("notes %q, want %q", notes, want)
	}
}

// TestUnknownKindIsNoted: an unlisted kind is read as no kind, and a note
// quotes it; a missing kind is no kind without a note (nothing was lost).
func TestUnknownKindIsNoted(t *testing.T) {
	a, notes := mustParse(t, `{"summary":"s","findings":[{"file":"a.go","line":1,"quote":"x","severity":"important","category":"bug","kind":"Made Up","title":"t","explanation":"e"},{"file":"a.go","line":2,"quote":"y","severity":"important","category":"bug","title":"u","explanation":"e"}]}`)
	if a.Findings[0].Kind != "" || a.Findings[1].Kind != "" {
		t.Errorf("kinds %q, %q; want both empty", a.Findings[0].Kind, a.Findings[1].Kind)
	}
	if want := []string{`finding "t": kind "Made Up" is not one of the schema's; read as no kind`}; !slices.Equal(notes, want) {
		t.Errorf("notes %q, want %q", notes, want)
	}
}

// A note names its finding by title, never by its place in the answer: the
// same findings in another order give the same notes (the report sorts
// them), so the retro is a function of what the model said, not its order.
func TestNotesDoNotDependOnFindingOrder(t *testing.T) {
	one, two := findingJSON("Spelt high", "High", "security"), findingJSON("Odd", "URGENTISH", "bug")
	_, a := mustParse(t, answerJSON(one, two))
	_, b := mustParse(t, answerJSON(two, one))
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) {
		t.Errorf("notes depend on the order of the findings:\n%q\n%q", a, b)
	}
}

// A line number no file has (past an int, or not whole) loses neither the
// answer nor the finding: it is read as none, the quote places the
// finding, and a note quotes the model's number. 12.0 is 12.
func TestOutlandishLineNumbers(t *testing.T) {
	big := strings.Replace(findingJSON("Big", "critical", "bug"), `"line":6`, `"line":99999999999999999999`, 1)
	frac := strings.Replace(findingJSON("Frac", "critical", "bug"), `"line":6`, `"line":6.5,"end_line":1e300`, 1)
	whole := strings.Replace(findingJSON("Whole", "critical", "bug"), `"line":6`, `"line":12.0`, 1)
	a, notes := mustParse(t, answerJSON(big, frac, whole, findingJSON("Plain", "critical", "bug")))
	var lines []int
	for _, f := range a.Findings {
		lines = append(lines, f.Line, f.EndLine)
	}
	if want := []int{0, 0, 0, 0, 12, 0, 6, 0}; !slices.Equal(lines, want) {
		t.Errorf("lines %v, want %v", lines, want)
	}
	want := []string{
		`finding "Big": line 99999999999999999999 is not a line number; read as none`,
		`finding "Frac": line 6.5 is not a line number; read as none; end_line 1e300 is not a line number; read as none`,
	}
	if !slices.Equal(notes, want) {
		t.Errorf("notes\n%q\nwant\n%q", notes, want)
	}
}

// A fix wrapped in a Markdown fence is read without it: shown as code, the
// fence lines would be code to add. Anything else is left as written.
func TestFixFenceDropped(t *testing.T) {
	for in, want := range map[string]string{
		"```diff\n-a := 1\n+a := 2\n```":                     "-a := 1\n+a := 2",
		"```\nreturn err\n```\n":                             "return err",
		"```go\nx := f()\n\ny := g()\n```":                   "x := f()\n\ny := g()",
		"return err":                                         "return err",
		"use ``` fences ```":                                 "use ``` fences ```",
		"```a```\nb\n```c```":                                "```a```\nb\n```c```",
		"````go\nx := `raw`\n````":                           "x := `raw`",
		"~~~python\nreturn False\n~~~":                       "return False",
		"```python\nreturn None\n```\nThis avoids the leak.": "return None",
		"Use a placeholder:\n```go\ndb.Query(q, name)\n```":  "db.Query(q, name)",
		"```go\na()\n```\nor\n```go\nb()\n```":               "```go\na()\n```\nor\n```go\nb()\n```",
		"```go\nunclosed()":                                  "```go\nunclosed()",
	} {
		f := strings.Replace(findingJSON("T", "critical", "bug"), `"title"`, `"fix":`+strconv.Quote(in)+`,"title"`, 1)
		a, _ := mustParse(t, answerJSON(f))
		if a.Findings[0].Fix != want {
			t.Errorf("fix %q read as %q, want %q", in, a.Findings[0].Fix, want)
		}
	}
}
