package merge

import (
	"testing"

	"github.com/quorum-review/quorum/review/anchor"
)

// quoted is a finding whose quote found lineText, in section sec.
func quoted(rev, file string, line int, kind, sev, cat, title, expl, lineText, sec string) anchor.Finding {
	f := fnd(rev, file, line, sev, cat, title, expl)
	f.Raw.Kind, f.Evidence, f.LineText, f.Raw.Quote, f.Section = kind, anchor.EvidenceQuote, lineText, lineText, sec
	return f
}

// TestTwoIssuesOfOneStatementStayTwo: two reviewers' findings of two
// issues on one statement, or of one kind at two statements, are two
// findings. Merged, dismissing one would hide the other.
func TestTwoIssuesOfOneStatementStayTwo(t *testing.T) {
	query := `rows, _ := db.Query("SELECT * FROM users WHERE name = '" + name + "'")`
	find := "func Find(db *sql.DB, name string) (*User, error) {"
	read := "body, err := io.ReadAll(resp.Body)"
	fetch := "func fetch(url string) ([]byte, error) {"
	purge := "func Purge(db *sql.DB, user, table string) error {"
	for _, tc := range []struct {
		name string
		a, b anchor.Finding
	}{
		{
			// The error's words name the query's user input, which made
			// them read as an injection's: a declared kind that its own
			// words name too is no slip.
			"unchecked error and injection on one line",
			quoted("a", "db.go", 10, "unchecked-error", "important", "error-handling", "Error from db.Query ignored",
				"The error returned by `db.Query` is discarded with `_`, so a failed query built from user input goes unnoticed and `rows` is nil.", query, find),
			quoted("b", "db.go", 10, "sql-injection", "critical", "security", "SQL injection in db.Query",
				"`name` is user input concatenated into the query passed to `db.Query`; an attacker controls the SQL.", query, find),
		},
		{
			// Related kinds, but each text holds to its own: two fixes.
			"leak and unbounded read on one line",
			quoted("a", "f.go", 20, "resource-leak", "important", "bug", "resp.Body is never closed",
				"`resp.Body` from `http.Get` is read with `io.ReadAll` but never closed, leaking the connection.", read, fetch),
			quoted("b", "f.go", 20, "resource-exhaustion", "important", "bug", "Unbounded io.ReadAll of resp.Body",
				"`io.ReadAll(resp.Body)` reads the whole response into memory; a huge response exhausts memory. Wrap `resp.Body` in `io.LimitReader`.", read, fetch),
		},
		{
			// One kind in one function, each quote naming its own statement.
			"two injections in one function",
			quoted("a", "p.go", 10, "sql-injection", "critical", "security", "SQL injection in the DELETE",
				"`user` is concatenated into the DELETE passed to `db.Exec`.", `	_, err := db.Exec("DELETE FROM sessions WHERE user = '" + user + "'")`, purge),
			quoted("b", "p.go", 30, "sql-injection", "critical", "security", "Table name spliced into DROP TABLE",
				"`table` is pasted into `DROP TABLE` with fmt.Sprintf; a caller can drop any table.", `	_, err = db.Exec(fmt.Sprintf("DROP TABLE %s", table))`, purge),
		},
	} {
		if c := Clusters([]anchor.Finding{tc.a, tc.b}); len(c) != 2 {
			t.Errorf("%s: merged:\n%s", tc.name, signature(c))
		}
		if c := Clusters([]anchor.Finding{tc.b, tc.a}); len(c) != 2 {
			t.Errorf("%s, the other order: merged:\n%s", tc.name, signature(c))
		}
	}
}

// TestOneReviewersTwoDeclaredKindsOfOneLineStayTwo: a reviewer that
// reports two issues of one query, each with its kind, made two findings.
// Read as a repeat of one finding (one hunk seen in two chunks), they were
// merged, and the report showed one issue under one id.
func TestOneReviewersTwoDeclaredKindsOfOneLineStayTwo(t *testing.T) {
	query := `rows, _ := db.Query("SELECT * FROM u WHERE n='" + name + "' AND p='hunter2'")`
	find := "func Find(name string) {"
	injection := quoted("a", "app.go", 2, "sql-injection", "critical", "security", "SQL injection via name", "`name` is concatenated into the query.", query, find)
	secret := quoted("a", "app.go", 2, "hardcoded-secret", "important", "security", "Hard-coded password", "The password hunter2 is in the source.", query, find)
	if n := len(Clusters([]anchor.Finding{injection, secret})); n != 2 {
		t.Fatalf("%d clusters, want 2", n)
	}
	// A repeat (the same words from two chunks) still collapses.
	again := injection
	again.Chunk = "c2"
	if n := len(Clusters([]anchor.Finding{injection, again})); n != 1 {
		t.Fatalf("a repeat: %d clusters, want 1", n)
	}
}

// TestOneReviewersHoleAndNitOfOneLineStayTwo: a reviewer's critical SQL
// injection and its naming nits of the same line, in overlapping words,
// are apart: the injection is a finding of its own (the two nits, one
// category, may be one). Taken for repeats, the injection was shown under a
// nit's title and category, and dismissing the nit hid it (helper 237).
func TestOneReviewersHoleAndNitOfOneLineStayTwo(t *testing.T) {
	line := `query := "SELECT * FROM users WHERE id = " + userID`
	fn := "func Get(userID string) {"
	hole := quoted("m1", "a.go", 16, "sql-injection", "critical", "security", "SQL query built from userID", "userID is concatenated into the SQL query: injection.", line, fn)
	nit := quoted("m1", "a.go", 16, "other", "suggestion", "style", "SQL query built from userID (naming)", "style: the SQL query built from userID uses a vague variable name.", line, fn)
	nit2 := quoted("m1", "a.go", 16, "other", "suggestion", "style", "SQL query built from userID (naming, again)", "style: the SQL query variable built from userID has a vague name.", line, fn)
	for _, order := range [][]anchor.Finding{{hole, nit, nit2}, {nit2, nit, hole}} {
		cs := Clusters(order)
		var holeAlone bool
		for _, c := range cs {
			holeAlone = holeAlone || len(c.Members) == 1 && c.Rep.Raw.Category == "security"
		}
		if !holeAlone {
			t.Fatalf("the injection is not its own finding:\n%s", signature(cs))
		}
	}
}

// TestOneReviewersOneKindInFourCategories: one declared kind of the
// taxonomy, quoted and titled alike, filed under four categories, is one
// finding: four would count four times at the gate (helper 250).
func TestOneReviewersOneKindInFourCategories(t *testing.T) {
	line := `rows, _ := db.Query("SELECT * FROM users WHERE name = '" + name + "'")`
	fn := "func Find(name string) {"
	var fs []anchor.Finding
	for _, cat := range []string{"security", "bug", "error-handling", "api"} {
		fs = append(fs, quoted("m1", "h.go", 12, "sql-injection", "critical", cat, "SQL injection", "name is concatenated into the query.", line, fn))
	}
	if cs := Clusters(fs); len(cs) != 1 {
		t.Fatalf("%d clusters, want 1:\n%s", len(cs), signature(cs))
	}
	// Its repeats do not outvote its own other category: one vote per
	// reviewer and category (a tie goes to the first name).
	fs = append(fs[:1], fs[1], fs[1])
	fs[1].Raw.Category, fs[2].Raw.Category = "style", "style"
	fs[2].Chunk = "c2"
	if cs := Clusters(fs); len(cs) != 1 || cs[0].Category != "security" {
		t.Fatalf("category %q of %d clusters, want security", cs[0].Category, len(cs))
	}
}

// TestOneReviewerSayingOneIssueFiveWays: a reviewer that quotes one line
// five times with one declared kind, in five wordings, found one issue. It
// is one finding: five would count five times at the gate, under ids that
// cannot tell them apart. Its finding at another line (the cause) stays its
// own, and a quote of the same line with another category is another issue.
func TestOneReviewerSayingOneIssueFiveWays(t *testing.T) {
	line := "result := divide(10, 0)"
	tail := "func Tail() {"
	fs := []anchor.Finding{
		quoted("m1", "a.go", 37, "division-by-zero", "critical", "bug", "Division by zero in Tail", "divide(10, 0) divides by zero and panics at runtime.", line, tail),
		quoted("m1", "a.go", 37, "division-by-zero", "critical", "bug", "Integer divide by zero panics", "Calling divide with b=0 causes a runtime panic: integer divide by zero.", line, tail),
		quoted("m1", "a.go", 37, "division-by-zero", "critical", "bug", "Zero divisor passed to divide", "The second argument is 0 so a / b panics.", line, tail),
		quoted("m1", "a.go", 37, "division-by-zero", "critical", "bug", "Runtime panic: division by zero", "This will crash with divide by zero.", line, tail),
		quoted("m1", "a.go", 37, "", "critical", "bug", "divide(10, 0) crashes the program", "Passing 0 as divisor crashes.", line, tail),
		quoted("m1", "a.go", 41, "division-by-zero", "critical", "bug", "Division by zero", "divide does not check b for zero; divide(10, 0) panics.", "func divide(a, b int) int { return a / b }", ""),
	}
	for i := range fs {
		fs[i].Chunk, fs[i].Seq = "c1", i
	}
	cs := Clusters(fs)
	if len(cs) != 2 || len(cs[0].Members) != 5 || cs[1].Rep.Line != 41 {
		for _, c := range cs {
			t.Logf("%d %q: %d members", c.Rep.Line, c.Rep.Raw.Title, len(c.Members))
		}
		t.Fatalf("%d clusters, want the five quotes of line 37 as one and line 41 alone", len(cs))
	}
	// One piece of the line cut two ways (overlapping quotes) is one
	// place, not two parts.
	cut, other := fs[0], fs[1]
	cut.Raw.Quote, other.Raw.Quote = "result := divide(10, 0", "divide(10, 0)"
	if n := len(Clusters([]anchor.Finding{cut, other})); n != 1 {
		t.Errorf("overlapping quotes: %d clusters, want 1", n)
	}
	perf := quoted("m1", "a.go", 37, "division-by-zero", "suggestion", "performance", "Division in a hot loop", "Integer division is slow here.", line, tail)
	if n := len(Clusters([]anchor.Finding{fs[0], perf})); n != 2 {
		t.Errorf("another category: %d clusters, want 2", n)
	}
}

// TestAThirdAgreeingReviewerDoesNotSplitTheIssue: three reviewers quote
// one division by an empty parameter's length, as a division by zero, a
// panic and a missing input check. Missing validation and the panic it
// lets through are cause and symptom, not two issues: one finding, found
// by three, never two (which would lower the agreement a third reviewer
// adds).
func TestAThirdAgreeingReviewerDoesNotSplitTheIssue(t *testing.T) {
	line := `total := 100 / len(r.URL.Query().Get("n"))`
	handle := "func Handle(w http.ResponseWriter, r *http.Request) {"
	fs := []anchor.Finding{
		quoted("m1", "h.go", 13, "division-by-zero", "critical", "bug", "Division by zero when n is empty", `len("") is 0 so 100/0 panics.`, line, handle),
		quoted("m2", "h.go", 13, "panic", "critical", "bug", "Runtime panic when n parameter is empty", "An empty n makes len zero and the division panics.", line, handle),
		quoted("m3", "h.go", 13, "input-validation", "critical", "bug", "n parameter is not validated", "Missing check that n is non-empty; empty n causes a division by zero.", line, handle),
	}
	cs := Clusters(fs)
	if len(cs) != 1 || len(cs[0].Reviewers) != 3 {
		for _, c := range cs {
			t.Logf("%q: %v", c.Rep.Raw.Title, c.Reviewers)
		}
		t.Fatalf("%d clusters, want one found by three", len(cs))
	}
}

// TestOneReviewersTwoPartsOfOneLineStayTwo: one reviewer quoting two
// different parts of one line, each holding what the other does not, with
// one kind and category (an injection through the table name and another
// through the value), reported two issues, not one twice: two findings,
// each with its own words. A quote of more or less of the same code is
// still a repeat.
func TestOneReviewersTwoPartsOfOneLineStayTwo(t *testing.T) {
	line := `rows, _ := db.Query("SELECT * FROM " + r.FormValue("table") + " WHERE name = '" + r.FormValue("name") + "'")`
	handle := "func Handle(w http.ResponseWriter, r *http.Request) {"
	table := quoted("m1", "h.go", 13, "sql-injection", "critical", "security", "Identifier injection through table", "The table name comes from the request; it needs an allowlist.", line, handle)
	table.Raw.Quote = `r.FormValue("table")`
	name := quoted("m1", "h.go", 13, "sql-injection", "critical", "security", "Quote breakout in WHERE literal", "The name value breaks out of the quotes; use a placeholder.", line, handle)
	name.Raw.Quote = `r.FormValue("name")`
	name.Seq = 1
	if n := len(Clusters([]anchor.Finding{table, name})); n != 2 {
		t.Fatalf("%d clusters, want 2", n)
	}
	// As models copy them: in backticks, or with the prompt's line number.
	for _, wrap := range []func(string) string{
		func(q string) string { return "`" + q + "`" },
		func(q string) string { return "13+" + q },
	} {
		a, b := table, name
		a.Raw.Quote, b.Raw.Quote = wrap(table.Raw.Quote), wrap(name.Raw.Quote)
		if n := len(Clusters([]anchor.Finding{a, b})); n != 2 {
			t.Fatalf("quoted as %q: %d clusters, want 2", a.Raw.Quote, n)
		}
	}
	more := table
	more.Raw.Quote, more.Seq, more.Raw.Title = `"SELECT * FROM " + r.FormValue("table")`, 2, "Table name injected"
	if n := len(Clusters([]anchor.Finding{table, more})); n != 1 {
		t.Fatalf("more of the same code: %d clusters, want 1", n)
	}
}
