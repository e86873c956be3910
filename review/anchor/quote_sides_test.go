package anchor_test

import (
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// sidesIndex holds hunks where one side's code is interrupted by the other
// side's lines in the diff.
func sidesIndex() *anchor.Index {
	set := reporttest.Set()
	set.Files = append(set.Files,
		// New side, lines 10-13:
		//	if err != nil {
		//		return fmt.Errorf("open %s: %w", name, err)
		//	}
		//	defer f.Close()
		// Old side, lines 10-12: if err != nil { / return err / }
		reporttest.File("pkg/open.go", diff.StatusModified, 10, 10,
			" \tif err != nil {",
			"-\t\treturn err",
			"+\t\treturn fmt.Errorf(\"open %s: %w\", name, err)",
			" \t}",
			"+\tdefer f.Close()",
		),
		// Deleted code with an added line between its deleted lines.
		reporttest.File("pkg/run.go", diff.StatusModified, 20, 20,
			" func run() {",
			"-\tstart()",
			"+\tbegin()",
			"-\tfinish()",
			" }",
		),
		// A function inserted between two unchanged ones: the unchanged
		// lines around it stood together on the old side only.
		reporttest.File("util.py", diff.StatusModified, 3, 3,
			" def mean(xs):",
			"     return sum(xs) / len(xs)",
			" ",
			" ",
			"+def load(path):",
			"+    with open(path) as f:",
			"+        return f.read()",
			"+",
			"+",
			" def last(xs):",
		),
		// Short unindented lines, as the prompt shows them: "-code", "+code".
		reporttest.File("pkg/old.go", diff.StatusModified, 10, 10,
			"-func Legacy() {",
			"-\tlegacy()",
			"-}",
			"+func Modern(ctx context.Context) {",
		),
		// Lines whose own text starts with a sign.
		reporttest.File("flags.txt", diff.StatusModified, 1, 1,
			"+-verbose",
			"+verbose",
		),
	)
	set.Files = append(set.Files, reporttest.File("web/api/handler.go", diff.StatusModified, 1, 1, "+package api"))
	return anchor.NewIndex(set)
}

type sideCase struct {
	name           string
	file           string
	line           int // the finding's own line (the tie-break hint)
	quote          string
	reject         bool
	from, to       int // new-side Line..EndLine
	deleted        bool
	oldFrom, oldTo int // OldLine..OldEndLine when deleted
	// lineOnly: the quote places the finding but weighs as a line (a
	// quote with no word, such as `}`).
	lineOnly bool
}

func runSideCases(t *testing.T, cases []sideCase) {
	t.Helper()
	ix := sidesIndex()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			got, rej := ix.Anchor("m", "c", 1, reporttest.F(tt.file, tt.line, tt.quote, "important", "bug", "t", "e"))
			if tt.reject {
				if rej == nil {
					t.Fatalf("quote %q anchored to %d-%d (deleted=%v), want rejected", tt.quote, got.Line, got.EndLine, got.Deleted)
				}
				if rej.Reason != "quote not in the diff" {
					t.Errorf("reason %q, want %q", rej.Reason, "quote not in the diff")
				}
				return
			}
			if rej != nil {
				t.Fatalf("quote %q rejected: %s", tt.quote, rej.Reason)
			}
			evidence := anchor.EvidenceQuote
			if tt.lineOnly {
				evidence = anchor.EvidenceLine
			}
			if got.Evidence != evidence || got.Line != tt.from || got.EndLine != tt.to || got.Deleted != tt.deleted {
				t.Errorf("anchored to %d-%d (evidence %s, deleted=%v), want %d-%d (deleted=%v)",
					got.Line, got.EndLine, got.Evidence, got.Deleted, tt.from, tt.to, tt.deleted)
			}
			if tt.deleted && (got.OldLine != tt.oldFrom || got.OldEndLine != tt.oldTo) {
				t.Errorf("old lines %d-%d, want %d-%d", got.OldLine, got.OldEndLine, tt.oldFrom, tt.oldTo)
			}
			if !tt.deleted && (got.OldLine != 0 || got.OldEndLine != 0) {
				t.Errorf("old lines %d-%d set on a finding that is not a deletion", got.OldLine, got.OldEndLine)
			}
		})
	}
}

// TestQuoteAcrossAChangedLine: a multi-line quote is read against the new
// side (deleted lines skipped) and the old side (added lines skipped) as
// well as the diff as shown; code that never stood together on one side is
// still not in the diff, and code found only on deleted lines still anchors
// as a deletion.
func TestQuoteAcrossAChangedLine(t *testing.T) {
	runSideCases(t, []sideCase{
		{name: "new code as the file now reads, across a deleted line", file: "pkg/open.go", line: 10,
			quote: "if err != nil {\n\treturn fmt.Errorf(\"open %s: %w\", name, err)\n}\ndefer f.Close()",
			from:  10, to: 13},
		{name: "new code with an ellipsis across a deleted line", file: "pkg/open.go",
			quote: "if err != nil {\n...\ndefer f.Close()",
			from:  10, to: 13},
		{name: "old code as the file read, across an added line", file: "pkg/open.go",
			quote: "if err != nil {\n\treturn err\n}",
			from:  10, to: 12},
		{name: "old and new mixed is code that never existed", file: "pkg/open.go", line: 10,
			quote: "if err != nil {\n\treturn err\n}\ndefer f.Close()", reject: true},
		{name: "an invented line between real ones", file: "pkg/open.go", line: 10,
			quote: "if err != nil {\n\tpanic(err)\n}", reject: true},
		{name: "real lines in the wrong order", file: "pkg/open.go", line: 10,
			quote: "}\nif err != nil {", reject: true},
		{name: "deleted code across an added line anchors as a deletion", file: "pkg/run.go",
			quote: "start()\nfinish()",
			from:  21, to: 22, deleted: true, oldFrom: 21, oldTo: 22},
		{name: "old code through context is no deletion", file: "pkg/run.go",
			quote: "func run() {\nstart()\nfinish()\n}",
			from:  20, to: 22},
		{name: "new code across deleted lines", file: "pkg/run.go",
			quote: "func run() {\nbegin()\n}",
			from:  20, to: 22},
		{name: "lines of both sides out of their order", file: "pkg/run.go",
			quote: "finish()\nbegin()", reject: true},
	})
}

// TestQuoteOfUnchangedLinesAcrossAnInsertion: unchanged lines that were
// adjacent before the change, quoted together, are a finding on those
// unchanged lines: never one on the code inserted between them (which
// would show it as the evidence, count the finding as on the change and
// let one reviewer block on code the change never touched).
func TestQuoteOfUnchangedLinesAcrossAnInsertion(t *testing.T) {
	ix := sidesIndex()
	got, rej := ix.Anchor("m", "c", 1, reporttest.F("util.py", 4, "return sum(xs) / len(xs)\n\n\ndef last(xs):", "critical", "bug", "t", "e"))
	if rej != nil {
		t.Fatalf("rejected: %s", rej.Reason)
	}
	if got.Line != 4 || got.EndLine != 4 || got.LineKind != diff.Context || got.Deleted || got.Evidence != anchor.EvidenceQuote {
		t.Errorf("anchored to %d-%d as %q (deleted=%v, evidence %s), want 4-4 as context", got.Line, got.EndLine, got.LineKind, got.Deleted, got.Evidence)
	}
	// The inserted code itself, quoted, is still on the change.
	got, rej = ix.Anchor("m", "c", 1, reporttest.F("util.py", 0, "def load(path):\nwith open(path) as f:", "critical", "bug", "t", "e"))
	if rej != nil || got.LineKind != diff.Added || got.Line != 7 || got.EndLine != 8 {
		t.Errorf("inserted code: %+v %v", got, rej)
	}
}

// TestQuoteWithUnspacedMarker: a quote that copies the prompt's "-code" or
// git's "+code" is found with the marker dropped, on any line however
// short, but only after the quote as written: a line whose own text starts
// with a sign matches as itself, and a dropped marker never makes invented
// code match.
func TestQuoteWithUnspacedMarker(t *testing.T) {
	runSideCases(t, []sideCase{
		{name: "short deleted line", file: "pkg/old.go", quote: "-func Legacy() {",
			from: 10, to: 10, deleted: true, oldFrom: 10, oldTo: 10},
		{name: "deleted brace", file: "pkg/old.go", quote: "-}",
			from: 10, to: 10, deleted: true, oldFrom: 12, oldTo: 12, lineOnly: true},
		{name: "deleted function, every line marked", file: "pkg/old.go", quote: "-func Legacy() {\n-\tlegacy()\n-}",
			from: 10, to: 10, deleted: true, oldFrom: 10, oldTo: 12},
		{name: "added line", file: "web/api/handler.go", quote: "+package api", from: 1, to: 1},
		{name: "long added line", file: "pkg/old.go", quote: "+func Modern(ctx context.Context) {", from: 10, to: 10},
		{name: "markers and the prompt's line numbers together", file: "pkg/old.go",
			quote: "-func Legacy() {\n-\tlegacy()\n-}\n10+func Modern(ctx context.Context) {",
			from:  10, to: 10},
		{name: "a line's own sign matches first", file: "flags.txt", line: 2, quote: "-verbose", from: 1, to: 1},
		{name: "and without it the plain line", file: "flags.txt", line: 1, quote: "verbose", from: 2, to: 2},
		{name: "invented code with a marker", file: "pkg/old.go", quote: "-func Invented() {", reject: true},
		{name: "invented short line with a marker", file: "web/api/handler.go", quote: "+package main", reject: true},
		{name: "only one marker is dropped", file: "pkg/old.go", quote: "--}", reject: true},
		{name: "a marker alone is no quote of a brace", file: "web/api/handler.go", quote: "-}", reject: true},
	})
}

// TestQuoteWithItsCommentIsTheLineWithThatComment: a rewrite that changed
// only a line's comment, quoted with its old comment at the number the
// prompt showed (the new line's), is the deleted line: the quote's comment
// is evidence the new line does not hold. Quoted without a comment, the
// new line keeps it (a line rewritten to add a comment).
func TestQuoteWithItsCommentIsTheLineWithThatComment(t *testing.T) {
	old := lines("package a", "", "func f() {", "\tx := 1", "\twriteLedger(t, dir) // the work tree's, empty: it decides", "\ty := 2", "}")
	nw := lines("package a", "", "func f() {", "\tx := 1", "\twriteLedger(t, dir) // this checkout's own, empty: not the pushed commits'", "\ty := 2", "}")
	ix := anchor.NewIndex(changeSet(t, "a.go", old, nw))
	f, rej := ix.Anchor("r", "c", 1, review.RawFinding{File: "a.go", Line: 5, Quote: "\twriteLedger(t, dir) // the work tree's, empty: it decides", Severity: "important", Title: "t"})
	if rej != nil || !f.Deleted {
		t.Errorf("the old comment quoted: %+v %+v, want the deleted line", f, rej)
	}
	added := anchor.NewIndex(changeSet(t, "a.go", lines("package a", "", "func f() {", "\trunMigrations(ctx, db)", "}"), lines("package a", "", "func f() {", "\trunMigrations(ctx, db) // must run first", "}")))
	f, rej = added.Anchor("r", "c", 1, review.RawFinding{File: "a.go", Line: 4, Quote: "runMigrations(ctx, db)", Severity: "important", Title: "t"})
	if rej != nil || f.Deleted || f.Line != 4 {
		t.Errorf("no comment quoted: %+v %+v, want the new line", f, rej)
	}
}
