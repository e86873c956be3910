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
// function's place, whichever comes first in the file. Numbered in report
// order, the id of Find's finding named AdminFind's once AdminFind was
// added above it, and `quorum dismiss ID` dismissed the wrong one.
func TestIDsOfOneLineAtTwoPlaces(t *testing.T) {
	idsOf := func(first, second string) map[string]string {
		lines := []string{
			"+func " + first + "(name string) {", "+\trows, _ := db.Query(\"SELECT \" + name)", "+}",
			"+func " + second + "(name string) {", "+\trows, _ := db.Query(\"SELECT \" + name)", "+}",
		}
		set := &diff.Set{Mode: "range", Files: []diff.File{reporttest.File("db.go", diff.StatusModified, 1, 1, lines...)}}
		quote := `rows, _ := db.Query("SELECT " + name)`
		raw := reporttest.Raw(reporttest.Result("alice", 0, reporttest.Chunk("c1", []string{"db.go"}, review.Answer{Findings: []review.RawFinding{
			reporttest.F("db.go", 2, quote, "critical", "security", "SQL injection in "+first, "`name` is concatenated into the query."),
			reporttest.F("db.go", 5, quote, "critical", "security", "SQL injection in "+second, "`name` is concatenated into the query."),
		}})))
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
		if !regexp.MustCompile(`^Q[0-9a-f]{10}-[0-9a-f]{4}$`).MatchString(id) {
			t.Errorf("%s's id %q: want the line's id and its place's fingerprint", name, id)
		}
		if b[name] != id {
			t.Errorf("%s's id is %q first in the file and %q second", name, id, b[name])
		}
	}
}
