package anchor_test

import (
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// TestQuoteWithAnotherComment: a quote whose code is a line's code is that
// line's quote whatever comment either carries; the comment is found only
// as the language writes one, outside strings; invented code with a
// comment is still not in the diff.
func TestQuoteWithAnotherComment(t *testing.T) {
	set := reporttest.Set()
	set.Files = append(set.Files,
		reporttest.File("svc/a.go", diff.StatusModified, 5, 5,
			"+const requestTimeout = 30 * time.Millisecond // per request",
			"+var home = \"http://localhost\" + path",
		),
		reporttest.File("svc/b.py", diff.StatusModified, 3, 3,
			"+    half = total // 2",
			"+    return sum(xs) / len(xs)",
		),
	)
	ix := anchor.NewIndex(set)
	for _, tc := range []struct {
		name, file, quote string
		line              int // 0: rejected
	}{
		{"its own comment for the line's", "svc/a.go", "const requestTimeout = 30 * time.Millisecond // too short", 5},
		{"a comment the line has not", "svc/b.py", "return sum(xs) / len(xs)  # fails on []", 4},
		{"the line's comment left off", "svc/a.go", "const requestTimeout = 30 * time.Millisecond", 5},
		{"// in a string is no comment", "svc/a.go", `var home = "http://example" + path // wrong host`, 0},
		{"Python's // is division", "svc/b.py", "half = total // 3", 0},
		{"invented code with a comment", "svc/a.go", `os.RemoveAll("/") // deletes everything`, 0},
		{"a changed number with a comment", "svc/a.go", "const requestTimeout = 30 * time.Second // too long", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, rej := ix.Anchor("m", "c", 1, reporttest.F(tc.file, 0, tc.quote, "important", "bug", "t", "e"))
			if tc.line == 0 {
				if rej == nil {
					t.Fatalf("anchored to %d, want rejected", got.Line)
				}
				return
			}
			if rej != nil {
				t.Fatalf("rejected: %s", rej.Reason)
			}
			if got.Line != tc.line || got.Evidence != anchor.EvidenceQuote || got.Near {
				t.Errorf("anchored to %d (evidence %s, near %v), want %d as a quote", got.Line, got.Evidence, got.Near, tc.line)
			}
		})
	}
}

// TestQuoteWithASemicolon: a model that ends a statement with ";" quotes
// the line that has none, exactly, not as a near copy; a control
// statement's head with ";" is another statement (the empty-statement
// bug), and so is a semicolon after other changed code.
func TestQuoteWithASemicolon(t *testing.T) {
	set := reporttest.Set()
	set.Files = append(set.Files,
		reporttest.File("svc/c.go", diff.StatusModified, 5, 5,
			"+err := db.Exec(query, name)",
			"+if ready(conn) {",
			"+}",
		),
		reporttest.File("web/d.php", diff.StatusModified, 1, 1,
			"+foreach ($rows as $row)",
		),
		reporttest.File("web/d.ts", diff.StatusModified, 3, 3,
			"+const total = items.reduce((a, b) => a + b, 0)",
			"+if (user.isAdmin)",
		),
	)
	ix := anchor.NewIndex(set)
	for _, tc := range []struct {
		name, file, quote string
		line              int  // 0: rejected
		near              bool // anchored only as a near copy
	}{
		{"a Go line with a semicolon", "svc/c.go", "err := db.Exec(query, name);", 5, false},
		{"part of a line with a semicolon", "svc/c.go", "db.Exec(query, name);", 5, false},
		{"a TS line with a semicolon", "web/d.ts", "const total = items.reduce((a, b) => a + b, 0);", 3, false},
		{"an if head with a semicolon", "web/d.ts", "if (user.isAdmin);", 0, false},
		{"a foreach head with a semicolon", "web/d.php", "foreach ($rows as $row);", 0, false},
		{"another name and a semicolon", "svc/c.go", "err := db.Exec(query, user);", 5, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, rej := ix.Anchor("m", "c", 1, reporttest.F(tc.file, 0, tc.quote, "important", "bug", "t", "e"))
			if tc.line == 0 {
				if rej == nil && !got.Near {
					t.Fatalf("anchored to %d as an exact quote, want rejected or a near copy", got.Line)
				}
				return
			}
			if rej != nil {
				t.Fatalf("rejected: %s", rej.Reason)
			}
			if got.Line != tc.line || got.Evidence != anchor.EvidenceQuote || got.Near != tc.near {
				t.Errorf("anchored to %d (evidence %s, near %v), want %d (near %v)", got.Line, got.Evidence, got.Near, tc.line, tc.near)
			}
		})
	}
}

// TestPartOfALineThatTurnsItAround: a quote that is part of a line but
// leaves off what turns the quoted code around (`!`, not, defer, go) is
// only a near copy: `u.IsAdmin() {` of `if !u.IsAdmin() {` is
// the claim the check is there. Leaving off anything else is rule 2, and
// a quote of punctuation alone (`}`) places a finding as its line does.
func TestPartOfALineThatTurnsItAround(t *testing.T) {
	set := reporttest.Set()
	set.Files = append(set.Files,
		reporttest.File("svc/e.go", diff.StatusModified, 5, 5,
			"+if !u.IsAdmin() {",
			"+defer f.Close()",
			"+go worker.Run(ctx)",
			"+return u.IsAdmin() && ok",
			"+}",
			"+if !(u.IsOwner() || u.IsAdmin()) {",
		),
		reporttest.File("src/g.rs", diff.StatusModified, 1, 1,
			"+    assert!(x.len() > 0);",
		),
		reporttest.File("svc/f.py", diff.StatusModified, 3, 3,
			"+    if not user.is_admin:",
			"+    data = await client.fetch(url)",
			"+    if not (user.is_admin or user.is_owner):",
		),
	)
	ix := anchor.NewIndex(set)
	for _, tc := range []struct {
		name, file, quote string
		line              int
		evidence          string
		near              bool
	}{
		{"negation left off", "svc/e.go", "u.IsAdmin() {", 5, anchor.EvidenceQuote, true},
		{"defer left off", "svc/e.go", "f.Close()", 6, anchor.EvidenceQuote, true},
		{"go left off", "svc/e.go", "worker.Run(ctx)", 7, anchor.EvidenceQuote, true},
		{"return left off", "svc/e.go", "u.IsAdmin() && ok", 8, anchor.EvidenceQuote, false},
		{"the negation kept", "svc/e.go", "!u.IsAdmin()", 5, anchor.EvidenceQuote, false},
		{"Python not left off", "svc/f.py", "user.is_admin:", 3, anchor.EvidenceQuote, true},
		{"await left off, as models do", "svc/f.py", "client.fetch(url)", 4, anchor.EvidenceQuote, false},
		{"the assignment left off", "svc/f.py", "await client.fetch(url)", 4, anchor.EvidenceQuote, false},
		{"a brace", "svc/e.go", "}", 9, anchor.EvidenceLine, false},
		{"a negated parenthesis left off", "svc/e.go", "u.IsOwner() || u.IsAdmin()", 10, anchor.EvidenceQuote, true},
		{"Python not ( left off", "svc/f.py", "user.is_admin or user.is_owner", 5, anchor.EvidenceQuote, true},
		{"a call's parenthesis is no negation", "svc/e.go", "u.IsAdmin() && ok", 8, anchor.EvidenceQuote, false},
		{"a Rust macro's ! is no negation", "src/g.rs", "x.len() > 0", 1, anchor.EvidenceQuote, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, rej := ix.Anchor("m", "c", 1, reporttest.F(tc.file, tc.line, tc.quote, "important", "bug", "t", "e"))
			if rej != nil {
				t.Fatalf("rejected: %s", rej.Reason)
			}
			if got.Line != tc.line || got.Evidence != tc.evidence || got.Near != tc.near {
				t.Errorf("anchored to %d (evidence %s, near %v), want %d (evidence %s, near %v)", got.Line, got.Evidence, got.Near, tc.line, tc.evidence, tc.near)
			}
		})
	}
}

// TestBaseNameTheQuotePlaces: a file named by a base name two changed
// files share is the one whose diff holds the quote; with the quote in
// both, or in neither, or no quote, it stays ambiguous.
func TestBaseNameTheQuotePlaces(t *testing.T) {
	set := reporttest.Set()
	set.Files = append(set.Files,
		reporttest.File("a/util.go", diff.StatusModified, 3, 3, "+	return x + y", "+	return 0"),
		reporttest.File("b/util.go", diff.StatusModified, 5, 5, "+	return x - y - 1", "+	return 0"),
	)
	ix := anchor.NewIndex(set)
	got, rej := ix.Anchor("m", "c", 1, reporttest.F("util.go", 5, "return x - y - 1", "important", "bug", "t", "e"))
	if rej != nil || got.File != "b/util.go" || got.Line != 5 {
		t.Fatalf("anchored to %s:%d (%v), want b/util.go:5", got.File, got.Line, rej)
	}
	for _, quote := range []string{"return 0", "return x * y", ""} {
		_, rej := ix.Anchor("m", "c", 1, reporttest.F("util.go", 5, quote, "important", "bug", "t", "e"))
		if rej == nil || !strings.Contains(rej.Reason, "ambiguous") {
			t.Errorf("quote %q: %+v, want rejected as ambiguous", quote, rej)
		}
	}
}
