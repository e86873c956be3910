package dismiss_test

import (
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/dismiss"
)

// TestInlineIgnoreInMultiLineString: a quorum:ignore on a line inside a
// string that began on a line above (a Go raw string, a JS template
// literal, a Python triple-quoted string) is the program's data, not the
// author's comment: it dismisses nothing, or an injection on the next line
// of the query would be hidden by the query's own text. A comment after
// such a string has closed still dismisses, and a string delimiter inside
// a comment opens no string.
func TestInlineIgnoreInMultiLineString(t *testing.T) {
	for _, c := range []struct {
		name, file string
		lines      []string
		at         int // the finding's line, below the marker
		hidden     bool
	}{
		{"Go raw string, SQL comment (the report's case)", "db.go", []string{
			"+func ByName(db *sql.DB, name string) {",
			"+	q := `SELECT *",
			"+	      FROM users -- quorum:ignore sql-injection",
			"+	      WHERE name = '` + name + `'`",
			"+	db.Query(q)",
			"+}",
		}, 4, false},
		{"Go raw string, // inside it", "db.go", []string{
			"+func ByName(db *sql.DB, name string) {",
			"+	q := `SELECT *",
			"+	      FROM users // quorum:ignore sql-injection",
			"+	      WHERE name = '` + name + `'`",
			"+	db.Query(q)",
			"+}",
		}, 4, false},
		{"Go raw string opened on an unchanged line", "db.go", []string{
			" func ByName(db *sql.DB, name string) {",
			" 	q := `SELECT *",
			"+	      FROM users // quorum:ignore sql-injection",
			"+	      WHERE name = '` + name + `'`",
			" 	db.Query(q)",
			" }",
		}, 4, false},
		{"Go comment after a closed raw string", "db.go", []string{
			"+func ByName(db *sql.DB, name string) {",
			"+	q := `SELECT *",
			"+	      FROM users WHERE name = '`",
			"+	// quorum:ignore sql-injection: name is one of our enum's values",
			"+	db.Query(q + name + \"'\")",
			"+}",
		}, 5, true},
		{"Go backtick in a comment opens no string", "db.go", []string{
			"+func ByName(db *sql.DB, name string) {",
			"+	// the query is built like `SELECT * FROM users",
			"+	// quorum:ignore sql-injection: name is one of our enum's values",
			"+	db.Query(\"SELECT * FROM users WHERE name = '\" + name + \"'\")",
			"+}",
		}, 4, true},
		{"Go pointer write holding a marker in its string", "db.go", []string{
			"+func Wipe(p *string, name string) {",
			"+	*p = \"DELETE FROM t -- quorum:ignore sql-injection\"",
			"+	os.RemoveAll(name)",
			"+}",
		}, 3, false},
		{"Go doc comment opened above the hunk, continued with a star", "db.go", []string{
			" * ByName finds a user.",
			"+ * quorum:ignore sql-injection: name is one of our enum's values */",
			"+func ByName(db *sql.DB, name string) { db.Query(\"SELECT * FROM users WHERE name = '\" + name + \"'\") }",
		}, 3, true},
		{"Go block comment over two lines", "db.go", []string{
			"+func ByName(db *sql.DB, name string) {",
			"+	/* name is one of our enum's values:",
			"+	   quorum:ignore sql-injection */",
			"+	db.Query(\"SELECT * FROM users WHERE name = '\" + name + \"'\")",
			"+}",
		}, 4, true},
		{"Python triple double quotes", "db.py", []string{
			"+def by_name(db, name):",
			"+    q = \"\"\"SELECT *",
			"+           FROM users # quorum:ignore sql-injection",
			"+           WHERE name = '\"\"\" + name + \"'\"",
			"+    db.execute(q)",
		}, 4, false},
		{"Python triple single quotes", "db.py", []string{
			"+def by_name(db, name):",
			"+    q = '''SELECT *",
			"+           FROM users # quorum:ignore sql-injection",
			"+           WHERE name = ''' + \"'\" + name + \"'\"",
			"+    db.execute(q)",
		}, 4, false},
		{"Python comment after a closed triple-quoted string", "db.py", []string{
			"+def by_name(db, name):",
			"+    q = \"\"\"SELECT *",
			"+           FROM users WHERE name = '\"\"\"",
			"+    # quorum:ignore sql-injection: name is one of our enum's values",
			"+    db.execute(q + name + \"'\")",
		}, 5, true},
		{"Python triple quotes in a comment open no string", "db.py", []string{
			"+def by_name(db, name):",
			"+    # not a docstring: \"\"\"",
			"+    # quorum:ignore sql-injection: name is one of our enum's values",
			"+    db.execute(\"SELECT * FROM users WHERE name = '\" + name + \"'\")",
		}, 4, true},
		{"JS template literal", "db.js", []string{
			"+function byName(db, name) {",
			"+  const q = `SELECT ${cols}",
			"+    FROM users // quorum:ignore sql-injection",
			"+    WHERE name = '${name}'`;",
			"+  db.query(q);",
			"+}",
		}, 4, false},
		{"TS template literal inside a substitution", "db.ts", []string{
			"+function byName(db: DB, name: string) {",
			"+  const q = `SELECT ${cols.map((c) => `${c}",
			"+    // quorum:ignore sql-injection`)}",
			"+    FROM users WHERE name = '${name}'`;",
			"+  db.query(q);",
			"+}",
		}, 4, false},
		{"JS comment after a closed template literal", "db.js", []string{
			"+function byName(db, name) {",
			"+  const q = `SELECT * FROM ${table({ a: 1 })} WHERE x = ${`y`}",
			"+    AND name = '`;",
			"+  // quorum:ignore sql-injection: name is one of our enum's values",
			"+  db.query(q + name + \"'\");",
			"+}",
		}, 5, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := set(c.file, 1, c.lines...)
			f := review.RawFinding{Line: c.at, Quote: strings.TrimSpace(c.lines[c.at-1][1:]), Severity: review.Critical, Category: "security",
				Kind: "sql-injection", Title: "SQL injection", Explanation: "name is concatenated into the query."}
			r := consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": f}), nil)
			if len(r.Findings)+len(r.Dismissed) != 1 {
				t.Fatalf("want the one finding (what this test guards), got %d open, %d dismissed; rejected %+v", len(r.Findings), len(r.Dismissed), r.Rejected)
			}
			if got := len(r.Dismissed) == 1; got != c.hidden {
				t.Fatalf("dismissed = %v, want %v", got, c.hidden)
			}
			if c.hidden && r.Dismissed[0].Dismissal.Source != dismiss.SourceInline {
				t.Errorf("dismissal %+v", r.Dismissed[0].Dismissal)
			}
			if !c.hidden && !r.Verdict.GateTripped {
				t.Error("the critical finding did not trip the gate")
			}
		})
	}
}
