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
