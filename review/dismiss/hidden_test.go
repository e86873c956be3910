package dismiss_test

import (
	"testing"
	"time"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/dismiss"
	rt "github.com/quorum-review/quorum/review/report/reporttest"
)

// TestDismissedErrorDoesNotHideAnInjection: an unchecked error and an
// injection in one call are two findings, so dismissing the error ("it
// surfaces in rows.Err()") leaves the injection, alone in a later review,
// standing.
func TestDismissedErrorDoesNotHideAnInjection(t *testing.T) {
	const quote = `rows, _ := db.Query("SELECT * FROM users WHERE name = '" + name + "'")`
	errF := kinded(rt.F("", 2, quote, review.Important, "error-handling", "Error from db.Query ignored",
		"The error returned by `db.Query` is discarded with `_`, so a failed query built from user input goes unnoticed and `rows` is nil."), "unchecked-error")
	sqli := kinded(rt.F("", 2, quote, review.Critical, "security", "SQL injection in db.Query",
		"`name` is user input concatenated into the query passed to `db.Query`; an attacker controls the SQL."), "sql-injection")
	s := set("db/find.go", 1,
		"+func Find(db *sql.DB, name string) (*sql.Rows, error) {",
		"+	rows, _ := db.Query(\"SELECT * FROM users WHERE name = '\" + name + \"'\")",
		"+	return rows, nil",
		"+}")
	r1 := consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": errF, "beta": sqli}), nil)
	if len(r1.Findings) != 2 {
		t.Fatalf("%d findings, want 2 (the unchecked error, the injection)", len(r1.Findings))
	}
	target := r1.Findings[0]
	for _, f := range r1.Findings {
		if f.Title == "Error from db.Query ignored" {
			target = f
		}
	}
	l := &dismiss.Ledger{Entries: []dismiss.Entry{dismiss.NewEntry(target, "errors surface in rows.Err()", "Ada", time.Time{})}}
	r2 := consolidate(t, s, raw(s, map[string]review.RawFinding{"beta": sqli}), l)
	if len(r2.Dismissed) != 0 || len(r2.Findings) != 1 {
		t.Fatalf("the unchecked error's dismissal hid the injection: %d dismissed, %d standing", len(r2.Dismissed), len(r2.Findings))
	}
}
