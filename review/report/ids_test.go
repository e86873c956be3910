package report_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// The same line in two functions: each finding's id names its own
// function's place, whichever comes first in the file and whichever
// findings the review has. Hashed from the line's text alone and numbered
// in report order, the id of Find's finding named AdminFind's once
// AdminFind was added above it (or once a model reported only it), and
// `quorum dismiss ID` dismissed the wrong one.
func TestIDsOfOneLineAtTwoPlaces(t *testing.T) {
	idsOf := func(first, second string, only ...string) map[string]string {
		lines := []string{
			"+func " + first + "(name string) {", "+\trows, _ := db.Query(\"SELECT \" + name)", "+}",
			"+func " + second + "(name string) {", "+\trows, _ := db.Query(\"SELECT \" + name)", "+}",
		}
		set := &diff.Set{Mode: "range", Files: []diff.File{reporttest.File("db.go", diff.StatusModified, 1, 1, lines...)}}
		quote := `rows, _ := db.Query("SELECT " + name)`
		var fs []review.RawFinding
		for i, name := range []string{first, second} {
			if len(only) == 0 || name == only[0] {
				fs = append(fs, reporttest.F("db.go", 2+3*i, quote, "critical", "security", "SQL injection in "+name, "`name` is concatenated into the query."))
			}
		}
		raw := reporttest.Raw(reporttest.Result("alice", 0, reporttest.Chunk("c1", []string{"db.go"}, review.Answer{Findings: fs})))
		r := build(t, reporttest.Scenario{Set: set, Raw: raw}, report.Policy{FailOn: "critical"})
		out := map[string]string{}
		for _, f := range r.Findings {
			out[strings.TrimPrefix(f.Title, "SQL injection in ")] = f.ID
		}
		return out
	}
	a, b := idsOf("AdminFind", "Find"), idsOf("Find", "AdminFind")
	if len(a) != 2 || a["Find"] == a["AdminFind"] {
		t.Fatalf("ids %v: want one for each function", a)
	}
	for name, id := range a {
		if !regexp.MustCompile(`^Q[0-9a-f]{10}$`).MatchString(id) {
			t.Errorf("%s's id %q: want Q and ten hex digits", name, id)
		}
		if b[name] != id {
			t.Errorf("%s's id is %q first in the file and %q second", name, id, b[name])
		}
		if alone := idsOf("AdminFind", "Find", name)[name]; alone != id {
			t.Errorf("%s's id is %q beside the other finding and %q alone", name, id, alone)
		}
	}
}

// Two issues of one line (an injection and a hard-coded secret, both
// security): each id names its issue, whichever is rated higher. Numbered
// in report order, the ids swapped when the models swapped the severities,
// and `quorum dismiss ID` dismissed the secret nobody had judged.
func TestIDsOfTwoIssuesOfOneLine(t *testing.T) {
	line := "+\trows, _ := db.Query(\"SELECT * FROM u WHERE n='\" + name + \"' AND p='hunter2'\")"
	set := &diff.Set{Mode: "range", Files: []diff.File{reporttest.File("app.go", diff.StatusModified, 1, 1, "+func Find(name string) {", line, "+}")}}
	quote := strings.TrimPrefix(line, "+\t")
	idsOf := func(injection, secret string) map[string]string {
		f1 := reporttest.F("app.go", 2, quote, injection, "security", "SQL injection via name", "`name` is concatenated into the query.")
		f1.Kind = "sql-injection"
		f2 := reporttest.F("app.go", 2, quote, secret, "security", "Hard-coded password", "The password hunter2 is in the source.")
		f2.Kind = "hardcoded-secret"
		raw := reporttest.Raw(reporttest.Result("alice", 0, reporttest.Chunk("c1", []string{"app.go"}, review.Answer{Findings: []review.RawFinding{f1}})),
			reporttest.Result("bob", 1, reporttest.Chunk("c1", []string{"app.go"}, review.Answer{Findings: []review.RawFinding{f2}})))
		r := build(t, reporttest.Scenario{Set: set, Raw: raw}, report.Policy{FailOn: "critical"})
		out := map[string]string{}
		for _, f := range r.Findings {
			out[f.Title] = f.ID
		}
		return out
	}
	a, b := idsOf("critical", "important"), idsOf("important", "critical")
	if len(a) != 2 || a["SQL injection via name"] == a["Hard-coded password"] {
		t.Fatalf("ids %v: want one for each issue", a)
	}
	for title, id := range a {
		if b[title] != id {
			t.Errorf("%s: id %q, then %q once the severities swapped", title, id, b[title])
		}
	}
}
