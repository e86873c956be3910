package anchor_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
)

// TestReflowedQuotes: a model quotes a wrapped statement on one line, or a
// long line broken in two. The code is in the diff laid out differently
// and anchors, to every line it covers; code the diff does not hold, a
// part cut inside a word, a statement pieced from a deleted line and the
// added one that replaced it, or one running from one hunk into the next
// are still "quote not in the diff".
func TestReflowedQuotes(t *testing.T) {
	wrapped := lines("package a", "", "func f() {",
		"\trows, err := db.Query(\"SELECT * FROM users WHERE name = '\" +", // line 4
		"\t\tname + \"'\") // user input",
		"\tif !isAdmin(user) &&",
		"\t\t!isOwner(user) {",
		"\t\treturn",
		"\t}",
		"}")
	long := lines("package a", "", "func f() {",
		"\tif err := validate(user.Email, user.Name, user.Age, user.Address); err != nil {", // line 4
		"\t}",
		"}")
	base := lines("package a", "", "func f() {", "}")
	cases := []struct {
		name, new, quote  string
		wantOK, wantNear  bool
		wantLine, wantEnd int
	}{
		{"joined on one line", wrapped, `rows, err := db.Query("SELECT * FROM users WHERE name = '" + name + "'")`, true, false, 4, 5},
		{"joined, a part", wrapped, `db.Query("SELECT * FROM users WHERE name = '" + name`, true, false, 4, 5},
		{"joined with a semicolon", wrapped, `db.Query("SELECT * FROM users WHERE name = '" + name + "'");`, true, false, 4, 5},
		{"broken elsewhere", wrapped, "rows, err := db.Query(\n\"SELECT * FROM users WHERE name = '\" + name + \"'\")", true, false, 4, 5},
		{"one line in two", long, "if err := validate(user.Email, user.Name,\n    user.Age, user.Address); err != nil {", true, false, 4, 4},
		{"spacing only", long, `if err := validate( user.Email,user.Name , user.Age,user.Address ); err != nil{`, true, false, 4, 4},
		{"operators pressed together: a near copy", long, `if err:=validate(user.Email, user.Name, user.Age, user.Address); err!=nil {`, true, true, 4, 4},
		{"leaves off a negation", wrapped, `isAdmin(user) && !isOwner(user) {`, true, true, 6, 7},
		{"invented", wrapped, `rows, err := db.Query("SELECT * FROM users WHERE id = " + id)`, false, false, 0, 0},
		{"glued words", wrapped, `db.Query("SELECT * FROM users WHERE name = '" + name + "'")return`, false, false, 0, 0},
		{"starts inside a word", wrapped, `ame + "'") if !isAdmin(user)`, false, false, 0, 0},
		{"too short", wrapped, `+ name`, false, false, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			set := changeSet(t, "a.go", base, tc.new)
			f, rej := anchor.NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: "a.go", Quote: tc.quote, Severity: "important", Category: "bug", Title: "t"})
			if ok := rej == nil; ok != tc.wantOK {
				t.Fatalf("anchored=%v (%+v), want %v", ok, rej, tc.wantOK)
			}
			if rej != nil {
				want := "quote not in the diff"
				if tc.name == "too short" {
					// `name` is a part of lines, too short to place one.
					want = "quote too short to place: a part of a line under 8 bytes counts only on the line the finding names"
				}
				if rej.Reason != want {
					t.Errorf("reason %q", rej.Reason)
				}
				return
			}
			if f.Near != tc.wantNear || f.Line != tc.wantLine || f.EndLine != tc.wantEnd || f.Evidence != anchor.EvidenceQuote {
				t.Errorf("near=%v lines %d-%d evidence %s; want near=%v lines %d-%d quote", f.Near, f.Line, f.EndLine, f.Evidence, tc.wantNear, tc.wantLine, tc.wantEnd)
			}
		})
	}
}

// TestReflowedQuoteSides: a reflowed quote reads one side of one hunk. A
// wrapped statement the change deleted anchors to the deletion; one pieced
// from the deleted line and the added line after it, or from the last line
// of one hunk and the first of the next, is not in the diff.
func TestReflowedQuoteSides(t *testing.T) {
	old := lines("package a", "", "func f() {",
		"\tos.RemoveAll(filepath.Join(root,", // old line 4
		"\t\tname))",
		"}")
	nw := lines("package a", "", "func f() {",
		"\tsafeRemove(root, name)",
		"}")
	set := changeSet(t, "a.go", old, nw)
	ix := anchor.NewIndex(set)
	f, rej := ix.Anchor("r", "c", 1, review.RawFinding{File: "a.go", Quote: `os.RemoveAll(filepath.Join(root, name))`, Severity: "important", Category: "bug", Title: "t"})
	if rej != nil || !f.Deleted || f.OldLine != 4 || f.OldEndLine != 5 {
		t.Errorf("deleted wrapped statement: %+v %+v; want deleted old lines 4-5", f, rej)
	}
	if _, rej := ix.Anchor("r", "c", 1, review.RawFinding{File: "a.go", Quote: `os.RemoveAll(filepath.Join(root, safeRemove(root, name)`, Severity: "important", Category: "bug", Title: "t"}); rej == nil {
		t.Error("a deleted line and the added one after it anchored as one statement")
	}

	var long []string
	long = append(long, "package a", "", "func f() {", "\tcall(alpha,")
	for i := 0; i < 20; i++ {
		long = append(long, "\t\tkeep,")
	}
	long = append(long, "\tbeta)", "}")
	changed := append([]string(nil), long...)
	changed[3] = "\tcall(alphaX,"
	changed[24] = "\tbetaX)"
	set = changeSet(t, "a.go", lines(long...), lines(changed...))
	if len(set.Files[0].Hunks) != 2 {
		t.Fatalf("want two hunks, got %d", len(set.Files[0].Hunks))
	}
	if _, rej := anchor.NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: "a.go", Quote: "keep, keep, keep, betaX)", Severity: "important", Category: "bug", Title: "t"}); rej != nil {
		t.Errorf("lines of one hunk: %+v", rej)
	}
	if _, rej := anchor.NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: "a.go", Quote: "call(alphaX, keep, keep, keep, keep, betaX)", Severity: "important", Category: "bug", Title: "t"}); rej == nil {
		t.Error("a quote ran from one hunk into the next")
	}
}

// BenchmarkAnchorInvented anchors findings whose quotes are nowhere in a
// large diff: the path that reads every line, and then the diff's flowed
// code, before rejecting.
func BenchmarkAnchorInvented(b *testing.B) {
	var nw []string
	nw = append(nw, "package a", "")
	for i := 0; i < 5000; i++ {
		nw = append(nw, fmt.Sprintf("\tv%d := compute%d(ctx, item%d) // step %d", i, i%13, i, i))
	}
	set := changeSet(b, "a.go", lines("package a"), lines(nw...))
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		ix := anchor.NewIndex(set)
		for i := 0; i < 200; i++ {
			q := fmt.Sprintf("os.RemoveAll(compute%d(ctx, other%d))", i%13, i)
			if _, rej := ix.Anchor("r", "c", i, review.RawFinding{File: "a.go", Line: i*20 + 3, Quote: q, Severity: "important", Category: "bug", Title: "t"}); rej == nil {
				b.Fatal("an invented quote anchored")
			}
		}
	}
}

// BenchmarkAnchorRepeatedLines anchors a quote a model repeated 300 times,
// each line a near copy, in a diff of 20,000 equal lines (generated code):
// minutes once, when every quote line was read against every start.
func BenchmarkAnchorRepeatedLines(b *testing.B) {
	nw := []string{"package a"}
	for i := 0; i < 20000; i++ {
		nw = append(nw, "\tresult = compute(alpha, beta, gamma, delta)")
	}
	set := changeSet(b, "a.go", lines("package a"), lines(nw...))
	q := strings.Repeat("result = compute(alpha, beta, gamma, deltaX)\n", 300)
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		if _, rej := anchor.NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: "a.go", Line: 5, Quote: q, Severity: "important", Category: "bug", Title: "t"}); rej != nil {
			b.Fatal(rej.Reason)
		}
	}
}

// BenchmarkAnchorReflowedRepeated anchors a short quote a model joined
// onto one line, over 32,000 equal lines (a JSON array of zeros): it
// occurs at every line of the flowed text, and each occurrence's line was
// found by a scan from the start (quadratic: 0.4 s a finding).
func BenchmarkAnchorReflowedRepeated(b *testing.B) {
	nw := []string{"["}
	for i := 1; i < 32000; i++ {
		nw = append(nw, "  0,")
	}
	set := changeSet(b, "data.json", lines("[]"), lines(nw...))
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		anchor.NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: "data.json", Line: 5, Quote: "0, 0, 0, 0, 0, 0", Severity: "important", Category: "bug", Title: "t"})
	}
}

// TestReflowKeepsTokensAndStatements: what reading a quote without its
// layout must not do. A space inside a string literal, or one between two
// operators, is part of the code (`"Bearer "` is no `"Bearer"`, `i + ++j`
// no `i++ + j`); two statements a line break ends are not one (`return`
// then `value`; `total = price` then `-discount`); code in a /* */ comment
// over several lines is no code; and unchanged lines that code was
// inserted between are unchanged code, up to the insertion.
func TestReflowKeepsTokensAndStatements(t *testing.T) {
	base := lines("package a", "", "x0", "x1")
	rejected := []struct{ path, code, quote string }{
		{"a.go", "\treq.Header.Set(\"Authorization\", \"Bearer \"+token)", `req.Header.Set("Authorization", "Bearer"+token)`},
		{"a.go", "\tout := strings.Join(parts, \" \")", `out := strings.Join(parts, "")`},
		{"a.c", "\tx = i + ++j;", `x = i++ + j;`},
		{"a.go", "\tif a <- b {", `if a < -b {`},
		{"a.c", "\ttotal = a - -b;", `total = a--b;`},
		{"a.py", "    if user.is_admin:\n        return\n    delete_everything(user)", `return delete_everything(user)`},
		{"a.py", "    total = price\n    -discount", `total = price - discount`},
		{"a.js", "  return\n  value;", `return value;`},
		{"a.go", "\t/*\n\tif !isAdmin(user) {\n\t\treturn errForbidden\n\t}\n\t*/", `if !isAdmin(user) { return errForbidden }`},
	}
	for _, tc := range rejected {
		code := strings.Split(tc.code, "\n")
		nw := lines(append(append([]string{"package a", "", "x0"}, code...), "x1")...)
		if ok, near, why := tryQuote(t, tc.path, base, nw, tc.quote); ok && !near {
			t.Errorf("%s: %q anchored as a quote of %q (%s)", tc.path, tc.quote, tc.code, why)
		}
	}
	// Still the same code: a call wrapped after its comma, a chain.
	accepted := []struct{ path, code, quote string }{
		{"a.py", "    rows = db.execute(\"SELECT * FROM t WHERE n = '%s'\" %\n        name)", `rows = db.execute("SELECT * FROM t WHERE n = '%s'" % name)`},
		{"a.ts", "  const out = items\n    .filter(isValid)\n    .map(render);", `const out = items.filter(isValid).map(render);`},
	}
	for _, tc := range accepted {
		code := strings.Split(tc.code, "\n")
		nw := lines(append(append([]string{"package a", "", "x0"}, code...), "x1")...)
		if ok, near, why := tryQuote(t, tc.path, base, nw, tc.quote); !ok || near {
			t.Errorf("%s: %q not a quote of %q: ok=%v near=%v (%s)", tc.path, tc.quote, tc.code, ok, near, why)
		}
	}

	// Unchanged lines with a call inserted between them, quoted re-spaced.
	set := changeSet(t, "a.go", lines("package a", "", "func f() {", "\tcfg := loadConfig(path,", "\t\tstrict)", "\trunServer(cfg)", "}"),
		lines("package a", "", "func f() {", "\tcfg := loadConfig(path,", "\t\textra,", "\t\tstrict)", "\trunServer(cfg)", "}"))
	f, rej := anchor.NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: "a.go", Quote: "cfg := loadConfig( path, strict )", Severity: "important", Category: "bug", Title: "t"})
	if rej == nil && f.LineKind == diff.Added {
		t.Errorf("old side re-spaced: lines %d-%d kind %s; want unchanged lines only", f.Line, f.EndLine, f.LineKind)
	}
}

// TestReflowWrapsAsFormattersDo: formatters wrap before an operator inside
// a statement (Google Java style, prettier's ternary) and inside brackets
// (black): quoted on one line, it is the same code. A formatter's
// re-spacing keeps a line's fingerprint form (anchor.Flowed).
func TestReflowWrapsAsFormattersDo(t *testing.T) {
	base := lines("package a", "", "x0", "x1")
	for _, tc := range []struct{ path, code, quote string }{
		{"A.java", "        boolean ok = user != null\n            && user.isAdmin();", "boolean ok = user != null && user.isAdmin();"},
		{"a.py", "    total = (\n        price\n        + tax\n        - discount\n    )", "total = (price + tax - discount)"},
		{"a.ts", "  const x = c\n    ? admin()\n    : guest();", "const x = c ? admin() : guest();"},
	} {
		code := strings.Split(tc.code, "\n")
		nw := lines(append(append([]string{"package a", "", "x0"}, code...), "x1")...)
		if ok, near, why := tryQuote(t, tc.path, base, nw, tc.quote); !ok || near {
			t.Errorf("%s: %q not a quote of %q: ok=%v near=%v (%s)", tc.path, tc.quote, tc.code, ok, near, why)
		}
	}
	for _, pair := range [][2]string{
		{"s:=&Server{}", "s := &Server{}"}, {"y:=-1", "y := -1"}, {"if x==-1 {", "if x == -1 {"},
		{"v:=<-ch", "v := <-ch"}, {"x := a * -b + c", "x := a*-b + c"},
	} {
		if a, b := anchor.Flowed(pair[0]), anchor.Flowed(pair[1]); a != b {
			t.Errorf("%q reads %q, %q reads %q", pair[0], a, pair[1], b)
		}
	}
	for _, pair := range [][2]string{{"x = i + ++j", "x = i++ + j"}, {"a - -b", "a--b"}, {`f(" ")`, `f("")`}, {"a < -b", "a <- b"}} {
		if anchor.Flowed(pair[0]) == anchor.Flowed(pair[1]) {
			t.Errorf("%q and %q read the same", pair[0], pair[1])
		}
	}
}
