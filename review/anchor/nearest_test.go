package anchor_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
)

// steps is n lines of a function body, "\tstepN()" for N from 1: a file
// to change a few lines of.
func steps(n int) []string {
	out := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprintf("\tstep%d()", i))
	}
	return out
}

// TestPartOfTheNamedLineBeatsACopyElsewhere: a model quotes the code of
// an added line and leaves off its comment; an unchanged line 32 lines up
// holds that code exactly. The finding is about the line the model named:
// anchored elsewhere it was on an unchanged line, counted half, and a
// critical finding let the push through. So with its line number copied
// from the prompt ("44+"), where it was rejected as not in the diff, and
// for a line the change rewrote with a comment added (the finding is on
// the new line, not the deleted one).
func TestPartOfTheNamedLineBeatsACopyElsewhere(t *testing.T) {
	old := steps(50)
	old[11] = "\tsafeExec(input)" // line 12, unchanged
	nw := append([]string(nil), old...)
	nw[12] = "\tstep13(changed)"                           // puts line 12 in a hunk
	nw[43] = "\tsafeExec(input) // run the user's command" // line 44, rewritten
	set := changeSet(t, "a.go", lines(old...), lines(nw...))
	ix := anchor.NewIndex(set)
	for _, q := range []string{"safeExec(input)", "44+\tsafeExec(input)", "44+safeExec(input)"} {
		f, rej := ix.Anchor("r", "c", 1, review.RawFinding{File: "a.go", Line: 44, Quote: q, Severity: "critical", Category: "security", Title: "t"})
		if rej != nil || f.Line != 44 || f.LineKind != diff.Added || f.Deleted {
			t.Errorf("quote %q: line %d kind %s deleted %v (%+v); want the added line 44", q, f.Line, f.LineKind, f.Deleted, rej)
		}
	}
	// With no line given, the exact copy on the unchanged line is as good a
	// reading as any, and the change's own line is preferred.
	if f, rej := ix.Anchor("r", "c", 1, review.RawFinding{File: "a.go", Quote: "safeExec(input)", Severity: "critical", Category: "security", Title: "t"}); rej != nil || f.Line != 44 {
		t.Errorf("no line: %d (%+v); want 44", f.Line, rej)
	}
	// The model naming the unchanged line gets it.
	if f, rej := ix.Anchor("r", "c", 1, review.RawFinding{File: "a.go", Line: 12, Quote: "safeExec(input)", Severity: "critical", Category: "security", Title: "t"}); rej != nil || f.Line != 12 || f.LineKind != diff.Context {
		t.Errorf("line 12: %d %s (%+v)", f.Line, f.LineKind, rej)
	}

	set = changeSet(t, "b.go", lines("package b", "", "func f() {", "\tcfg := load(path)", "}"), lines("package b", "", "func f() {", "\tcfg := load(path) // TODO: validate", "}"))
	if f, rej := anchor.NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: "b.go", Line: 4, Quote: "cfg := load(path)", Severity: "important", Category: "bug", Title: "t"}); rej != nil || f.Deleted || f.LineKind != diff.Added {
		t.Errorf("a line rewritten with a comment: deleted=%v kind %s (%+v); want the added line", f.Deleted, f.LineKind, rej)
	}
}

// TestWholeLineBeatsANearerPart: the model's line is off by two (they
// often are). An exact copy of the quote on an added line two lines off is
// the finding's place, not a part of an unchanged line one line off: only
// the named line itself wins with a part.
func TestWholeLineBeatsANearerPart(t *testing.T) {
	old := steps(60)
	old[46] = "\tif err := db.Exec(query); err != nil {" // line 47, unchanged
	nw := append([]string(nil), old...)
	nw[47] = "\tstep48(changed)" // puts line 47 in the hunk
	nw[49] = "\tdb.Exec(query)"  // line 50, added
	set := changeSet(t, "a.go", lines(old...), lines(nw...))
	f, rej := anchor.NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: "a.go", Line: 48, Quote: "db.Exec(query)", Severity: "important", Category: "bug", Title: "t"})
	if rej != nil || f.Line != 50 || f.LineKind != diff.Added {
		t.Errorf("line %d kind %s (%+v); want the added line 50", f.Line, f.LineKind, rej)
	}
}

// TestLongQuoteIsReadWhole: a quote of more than 40 lines is placed by its
// first 40, and every line after them must still be code of the diff: an
// invented 41st line rejects it.
func TestLongQuoteIsReadWhole(t *testing.T) {
	var nw, quote []string
	nw = append(nw, "package a", "", "func f() {")
	for i := 1; i <= 50; i++ {
		nw = append(nw, fmt.Sprintf("\tstep%d(ctx)", i))
		quote = append(quote, fmt.Sprintf("step%d(ctx)", i))
	}
	nw = append(nw, "}")
	set := changeSet(t, "a.go", lines("package a"), lines(nw...))
	ix := anchor.NewIndex(set)
	if f, rej := ix.Anchor("r", "c", 1, review.RawFinding{File: "a.go", Quote: strings.Join(quote[:45], "\n"), Severity: "important", Category: "bug", Title: "t"}); rej != nil || f.Line != 4 || f.EndLine != 48 {
		t.Errorf("45 real lines: %d-%d (%+v)", f.Line, f.EndLine, rej)
	}
	invented := append(append([]string(nil), quote[:40]...), `os.RemoveAll("/")`)
	if _, rej := ix.Anchor("r", "c", 1, review.RawFinding{File: "a.go", Quote: strings.Join(invented, "\n"), Severity: "critical", Category: "security", Title: "t"}); rej == nil {
		t.Error("an invented 41st line anchored")
	}
}

// TestOffByOneKeepsTheAddedLine: the model's line is one past the added
// line its quote is part of; an exact copy sits on an unchanged line 31
// lines up. The finding stays on the added line: a whole line beats a
// nearer part only within a few lines.
func TestOffByOneKeepsTheAddedLine(t *testing.T) {
	old := steps(60)
	old[9] = "\tconn.Query(ctx)" // line 10, unchanged
	nw := append([]string(nil), old...)
	nw[10] = "\tstep11(changed)"              // puts line 10 in a hunk
	nw[40] = "\trows, err := conn.Query(ctx)" // line 41, added
	set := changeSet(t, "a.go", lines(old...), lines(nw...))
	f, rej := anchor.NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: "a.go", Line: 42, Quote: "conn.Query(ctx)", Severity: "critical", Category: "bug", Title: "t"})
	if rej != nil || f.Line != 41 || f.LineKind != diff.Added {
		t.Errorf("line %d kind %s (%+v); want the added line 41", f.Line, f.LineKind, rej)
	}
}

// TestRankingAfterReview: three places the ranking once moved a finding.
// A part of a deleted line at the model's number does not beat the whole
// added line next to it (a deleted line has no number of its own); an
// unchanged line four or five lines off, quoted whole, beats a part of an
// added line one off; and code quoted as it read, a deleted line and the
// unchanged line after it, is deleted code, not the added lines between.
func TestRankingAfterReview(t *testing.T) {
	set := changeSet(t, "a.py",
		lines("def run(cmd):", "    log(cmd)", "    return subprocess.run(cmd, check=True)"),
		lines("def run(cmd):", "    log(cmd)", "    return subprocess.run(cmd, shell=True,", "                          check=True)"))
	if f, rej := anchor.NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: "a.py", Line: 3, Quote: "check=True)", Severity: "critical", Category: "security", Title: "t"}); rej != nil || f.Deleted || f.Line != 4 {
		t.Errorf("part of a deleted line: line %d deleted %v (%+v); want the added line 4", f.Line, f.Deleted, rej)
	}

	old := lines("import x", "export interface User {", "  id: number;", "  name: string;", "}", "", "", "", "export function other() {}")
	nw := lines("import x", "export interface User {", "  id: number;", "  name: string;", "  email?: string;", "}", "", "export async function loadUser(id: number, token?: string): Promise<User> {", "}")
	set = changeSet(t, "api.ts", old, nw)
	for _, line := range []int{6, 7} {
		if f, rej := anchor.NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: "api.ts", Line: line, Quote: "id: number;", Severity: "important", Category: "bug", Title: "t"}); rej != nil || f.Line != 3 || f.LineKind != diff.Context {
			t.Errorf("line %d: anchored %d %s (%+v); want the unchanged line 3", line, f.Line, f.LineKind, rej)
		}
	}

	set = changeSet(t, "parser.rs",
		lines("fn count(ws: &[&str]) {", "    for w in ws {", "        *m.entry(w.to_string()).or_insert(0) += 1;", "    }", "}"),
		lines("fn count(ws: &[&str]) {", "    for w in ws {", "        let key = w.to_lowercase();", "        *m.entry(key).or_insert(0) += 1;", "    }", "}"))
	if f, rej := anchor.NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: "parser.rs", Line: 3, Quote: "*m.entry(w.to_string()).or_insert(0) += 1;\n}", Severity: "important", Category: "bug", Title: "t"}); rej != nil || f.LineKind == diff.Added {
		t.Errorf("old code across added lines: kind %s (%+v); want deleted", f.LineKind, rej)
	}
}
