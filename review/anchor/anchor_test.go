package anchor_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

func index() *anchor.Index {
	set := reporttest.Set()
	set.Root = "/home/u/src/proj" // never read: paths resolve the same in any clone
	set.Files = append(set.Files,
		reporttest.File("web/api/handler.go", diff.StatusModified, 1, 1, "+package api"),
		reporttest.File("pkg/tail.go", diff.StatusModified, 8, 8, " \tkeep()", "-\tlastCall()"),
		reporttest.File("pkg/last.go", diff.StatusModified, 5, 5, "+\treturn xs[len(xs)-1], nil"),
		reporttest.File("pkg/dup.go", diff.StatusModified, 1, 1,
			"+\treturn nil",
			" \tx := 1",
			"+\treturn nil",
			"-\tobsolete()",
			" }"),
	)
	return anchor.NewIndex(set)
}

func TestAnchor(t *testing.T) {
	ix := index()
	for _, tt := range []struct {
		name       string
		f          review.RawFinding
		file       string
		line, end  int
		lineText   string
		evidence   string
		near       bool // matched only as a near copy
		wantReason string
	}{
		{name: "exact path and quote", f: reporttest.F("store/cache.go", 17, "f, _ := os.Open(c.path(key))", "important", "bug", "t", "e"),
			file: "store/cache.go", line: 17, end: 17, lineText: "\tf, _ := os.Open(c.path(key))"},
		{name: "quote beats a wrong line", f: reporttest.F("store/cache.go", 3, "f, _ := os.Open(c.path(key))", "important", "bug", "t", "e"),
			file: "store/cache.go", line: 17, end: 17},
		{name: "whitespace and diff marker in quote", f: reporttest.F("store/cache.go", 0, "+   data, _ :=    io.ReadAll(f)  ", "important", "bug", "t", "e"),
			file: "store/cache.go", line: 18, end: 18},
		{name: "multi-line quote", f: reporttest.F("store/cache.go", 0, "if !ok {\n  return nil, ErrMiss\n}", "important", "bug", "t", "e"),
			file: "store/cache.go", line: 14, end: 16},
		{name: "quote is part of a line", f: reporttest.F("api/handler.go", 0, `r.URL.Query().Get("name")`, "critical", "security", "t", "e"),
			file: "api/handler.go", line: 4, end: 4},
		{name: "duplicate quote nearest the line", f: reporttest.F("pkg/dup.go", 3, "return nil", "suggestion", "style", "t", "e"),
			file: "pkg/dup.go", line: 3, end: 3},
		{name: "deleted line", f: reporttest.F("pkg/dup.go", 0, "obsolete()", "suggestion", "style", "t", "e"),
			file: "pkg/dup.go", line: 4, end: 4, lineText: "\tobsolete()"},
		{name: "deleted last line of the file", f: reporttest.F("pkg/tail.go", 0, "lastCall()", "suggestion", "style", "t", "e"),
			file: "pkg/tail.go", line: 8, end: 8, lineText: "\tlastCall()"},
		{name: "line only, extended to end_line inside the hunk", f: review.RawFinding{File: "store/cache.go", Line: 19, EndLine: 40, Severity: "suggestion", Title: "t"},
			file: "store/cache.go", line: 19, end: 21},
		// A model quotes a range's first line and gives its end_line: the
		// range is the finding's, as far as the diff goes, moved with the
		// quote when the model's line number is off.
		{name: "quote of a range's first line keeps its end_line", f: review.RawFinding{File: "store/cache.go", Line: 17, EndLine: 19, Quote: "f, _ := os.Open(c.path(key))", Severity: "important", Title: "t"},
			file: "store/cache.go", line: 17, end: 19, evidence: anchor.EvidenceQuote},
		{name: "a range moves with its quote", f: review.RawFinding{File: "store/cache.go", Line: 3, EndLine: 5, Quote: "f, _ := os.Open(c.path(key))", Severity: "important", Title: "t"},
			file: "store/cache.go", line: 17, end: 19, evidence: anchor.EvidenceQuote},
		{name: "a quoted range stops at the diff's end", f: review.RawFinding{File: "store/cache.go", Line: 17, EndLine: 40, Quote: "f, _ := os.Open(c.path(key))", Severity: "important", Title: "t"},
			file: "store/cache.go", line: 17, end: 21, evidence: anchor.EvidenceQuote},
		{name: "a deleted quote's range is its own lines", f: review.RawFinding{File: "pkg/dup.go", Line: 4, EndLine: 5, Quote: "obsolete()", Severity: "suggestion", Title: "t"},
			file: "pkg/dup.go", line: 4, end: 4},
		{name: "a/ prefix", f: reporttest.F("b/store/cache.go", 13, "", "suggestion", "style", "t", "e"), file: "store/cache.go", line: 13, end: 13},
		{name: "unique suffix", f: reporttest.F("cache.go", 13, "", "suggestion", "style", "t", "e"), file: "store/cache.go", line: 13, end: 13},
		// Nothing in front of a changed file's path: the prompt shows none,
		// and one would anchor by where the clone sits.
		{name: "absolute path", f: reporttest.F("/home/u/src/proj/store/cache.go", 13, "", "suggestion", "style", "t", "e"), wantReason: "is not in the diff"},
		{name: "a file URI", f: reporttest.F("file:///home/u/src/proj/store/cache.go", 13, "", "suggestion", "style", "t", "e"), wantReason: "is not in the diff"},
		{name: "the repository's name in front", f: reporttest.F("proj/store/cache.go", 13, "", "suggestion", "style", "t", "e"), wantReason: "is not in the diff"},
		{name: "a longer path outside the repository", f: reporttest.F("/usr/lib/go/src/store/cache.go", 13, "", "suggestion", "style", "t", "e"), wantReason: "is not in the diff"},
		// A character that does not show is escaped in the reason, which
		// would otherwise name the changed file (helper 237).
		{name: "a zero-width space in the path", f: reporttest.F("store/cache\u200b.go", 13, "", "suggestion", "style", "t", "e"), wantReason: `file "store/cache\u200b.go" is not in the diff`},
		{name: "file level", f: reporttest.F("store/cache.go", 0, "", "suggestion", "docs", "t", "e"), file: "store/cache.go"},
		{name: "severity case", f: reporttest.F("store/cache.go", 0, "", "Critical", "", "t", "e"), file: "store/cache.go"},

		// Models copy the prompt's line-number prefix (issue 12's lean format).
		{name: "quote with the prompt's number and marker", f: reporttest.F("store/cache.go", 0, "17+\tf, _ := os.Open(c.path(key))", "important", "bug", "t", "e"),
			file: "store/cache.go", line: 17, end: 17, evidence: anchor.EvidenceQuote},
		{name: "multi-line quote with numbers", f: reporttest.F("store/cache.go", 0, "14 if !ok {\n15+  return nil, ErrMiss\n16 }", "important", "bug", "t", "e"),
			file: "store/cache.go", line: 14, end: 16},
		{name: "a number prefix never makes an invented quote match", f: reporttest.F("store/cache.go", 17, `17+os.RemoveAll("/")`, "critical", "bug", "t", "e"),
			wantReason: "quote not in the diff"},
		// A quote is evidence: a line inside a hunk never rescues one that is not in the diff.
		{name: "invented quote on a line inside a hunk", f: reporttest.F("store/cache.go", 17, `os.RemoveAll("/")`, "critical", "bug", "t", "e"),
			wantReason: "quote not in the diff"},
		{name: "stale quote after a fix lands nowhere", f: reporttest.F("store/cache.go", 19, "data := ioutil.ReadFile(c.path(key))", "important", "bug", "t", "e"),
			wantReason: "quote not in the diff"},
		{name: "one identifier different in a long line is similar enough", f: reporttest.F("store/cache.go", 0, "f, _ := os.Open(c.path(name))", "important", "bug", "t", "e"),
			file: "store/cache.go", line: 17, end: 17, evidence: anchor.EvidenceQuote, near: true},
		// A name in place of the blank identifier keeps the error the line
		// drops: the code the model imagines, not the code that is there.
		{name: "a name for the blank identifier is not a near copy", f: reporttest.F("store/cache.go", 17, "f, err := os.Open(c.path(key))", "important", "bug", "t", "e"),
			wantReason: "quote not in the diff"},
		// A substring must be at least MinSubstring (8) bytes: a short one is
		// in too many lines to be evidence. On the line the finding names
		// it places the finding as that line does, and weighs as a line;
		// anywhere else it places nothing, and the reason says so.
		{name: "3-byte substring of a line is no quote", f: reporttest.F("store/cache.go", 17, "key", "important", "bug", "t", "e"),
			file: "store/cache.go", line: 17, end: 17, evidence: anchor.EvidenceLine},
		{name: "7-byte substring of a line is no quote", f: reporttest.F("store/cache.go", 17, "os.Open", "important", "bug", "t", "e"),
			file: "store/cache.go", line: 17, end: 17, evidence: anchor.EvidenceLine},
		{name: "a short part in backticks on its line", f: reporttest.F("store/cache.go", 17, "`os.Open`", "important", "bug", "t", "e"),
			file: "store/cache.go", line: 17, end: 17, evidence: anchor.EvidenceLine},
		{name: "a short part of another line places nothing", f: reporttest.F("store/cache.go", 18, "os.Open", "important", "bug", "t", "e"),
			wantReason: "quote too short to place"},
		{name: "a short part with no line places nothing", f: reporttest.F("store/cache.go", 0, "os.Open", "important", "bug", "t", "e"),
			wantReason: "quote too short to place"},
		{name: "a short part cut inside a word is no part", f: reporttest.F("store/cache.go", 17, "s.Open", "important", "bug", "t", "e"),
			wantReason: "quote not in the diff"},
		{name: "a short quote of no line", f: reporttest.F("store/cache.go", 17, "a / b", "important", "bug", "t", "e"),
			wantReason: "quote not in the diff"},
		{name: "8-byte substring of a line is a quote", f: reporttest.F("store/cache.go", 0, "os.Open(", "important", "bug", "t", "e"),
			file: "store/cache.go", line: 17, end: 17, evidence: anchor.EvidenceQuote},
		// A near copy forgives a misspelt name, not a changed number: a
		// quote of the bug the model imagines is not the code that is there.
		{name: "near copy with a number missing is not a quote", f: reporttest.F("pkg/last.go", 5, "return xs[len(xs)], nil", "critical", "bug", "t", "e"),
			wantReason: "quote not in the diff"},
		{name: "near copy with a number changed is not a quote", f: reporttest.F("pkg/last.go", 5, "return xs[len(xs)-2], nil", "critical", "bug", "t", "e"),
			wantReason: "quote not in the diff"},
		{name: "near copy with its numbers and a name misspelt is a quote", f: reporttest.F("pkg/last.go", 0, "return ys[len(xs)-1], nil", "critical", "bug", "t", "e"),
			file: "pkg/last.go", line: 5, end: 5, evidence: anchor.EvidenceQuote, near: true},
		{name: "one identifier different in a short line is not", f: reporttest.F("store/cache.go", 0, "_ := io.ReadAll(r)", "important", "bug", "t", "e"),
			wantReason: "quote not in the diff"},
		{name: "multi-line quote with an ellipsis", f: reporttest.F("store/cache.go", 0, "if !ok {\n...\nreturn append(v, data...), nil", "important", "bug", "t", "e"),
			file: "store/cache.go", line: 14, end: 20, evidence: anchor.EvidenceQuote},
		{name: "multi-line quote with an invented line", f: reporttest.F("store/cache.go", 14, "if !ok {\n  panic(key)\n}", "important", "bug", "t", "e"),
			wantReason: "quote not in the diff"},
		{name: "quote only on a deleted line anchors to the deletion", f: reporttest.F("store/cache.go", 20, "defer c.mu.RUnlock()", "important", "concurrency", "t", "e"),
			file: "store/cache.go", line: 12, end: 12, lineText: "\tdefer c.mu.RUnlock()", evidence: anchor.EvidenceQuote},
		{name: "line only is weaker evidence", f: reporttest.F("store/cache.go", 13, "", "suggestion", "style", "t", "e"),
			file: "store/cache.go", line: 13, end: 13, evidence: anchor.EvidenceLine},
		{name: "neither is file-level evidence", f: reporttest.F("store/cache.go", 0, "", "suggestion", "docs", "t", "e"),
			file: "store/cache.go", evidence: anchor.EvidenceFile},

		{name: "hallucinated path", f: reporttest.F("store/disk.go", 3, "x", "critical", "bug", "t", "e"), wantReason: "file store/disk.go is not in the diff"},
		{name: "ambiguous suffix", f: reporttest.F("handler.go", 1, "", "critical", "bug", "t", "e"), wantReason: "ambiguous"},
		{name: "skipped file", f: reporttest.F("go.sum", 1, "", "critical", "bug", "t", "e"), wantReason: "not reviewed (lockfile)"},
		{name: "line outside the hunks", f: reporttest.F("store/cache.go", 40, "", "important", "bug", "t", "e"), wantReason: "line 40 is outside"},
		{name: "quote not in the diff, no line", f: reporttest.F("store/cache.go", 0, "c.evict(key)", "important", "bug", "t", "e"), wantReason: "quote not in the diff"},
		{name: "quote not in the diff, line outside", f: reporttest.F("store/cache.go", 99, "c.evict(key)", "important", "bug", "t", "e"), wantReason: "quote not in the diff"},
		{name: "unknown severity", f: reporttest.F("store/cache.go", 17, "", "blocker", "bug", "t", "e"), wantReason: `unknown severity "blocker"`},
		{name: "negative line", f: reporttest.F("store/cache.go", -5, "", "important", "bug", "t", "e"), wantReason: "line -5 is not a line number"},
		{name: "negative end line", f: review.RawFinding{File: "store/cache.go", Line: 17, EndLine: -1, Severity: "important", Title: "t"}, wantReason: "line -1 is not a line number"},
		{name: "negative line, blank quote", f: reporttest.F("store/cache.go", -5, " \n ", "important", "bug", "t", "e"), wantReason: "line -5 is not a line number"},
		// The line only breaks ties: one that is no line number is read as
		// none, and a quote still anchors the finding.
		{name: "negative line with a quote", f: reporttest.F("store/cache.go", -5, "f, _ := os.Open(c.path(key))", "important", "bug", "t", "e"),
			file: "store/cache.go", line: 17, end: 17, evidence: anchor.EvidenceQuote},
		{name: "negative end line with a quote", f: review.RawFinding{File: "store/cache.go", Line: 3, EndLine: -1, Quote: "if !ok {\n  return nil, ErrMiss", Severity: "important", Title: "t"},
			file: "store/cache.go", line: 14, end: 15, evidence: anchor.EvidenceQuote},
		{name: "negative line with a quote not in the diff", f: reporttest.F("store/cache.go", -5, `os.RemoveAll("/")`, "important", "bug", "t", "e"),
			wantReason: "quote not in the diff"},
		{name: "no file", f: reporttest.F("", 17, "", "important", "bug", "t", "e"), wantReason: "no file given"},
		{name: "no text", f: reporttest.F("store/cache.go", 17, "", "important", "bug", "", " "), wantReason: "neither title nor explanation"},
		{name: "only escape sequences", f: reporttest.F("store/cache.go", 17, "", "important", "bug", "\x1b[31m\x1b[0m", "\x1b[2J \u200b"), wantReason: "neither title nor explanation"},
		{name: "only blank-looking characters", f: reporttest.F("store/cache.go", 17, "", "important", "bug", "\u3164\u200d", "\u115f\u034f"), wantReason: "neither title nor explanation"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, rej := ix.Anchor("alice", "c1", 1, tt.f)
			if tt.wantReason != "" {
				if rej == nil {
					t.Fatalf("anchored to %s:%d, want rejection %q", got.File, got.Line, tt.wantReason)
				}
				if !strings.Contains(rej.Reason, tt.wantReason) || rej.Reviewer != "alice" {
					t.Errorf("rejection = %+v, want reason containing %q", rej, tt.wantReason)
				}
				return
			}
			if rej != nil {
				t.Fatalf("rejected: %s", rej.Reason)
			}
			if got.File != tt.file || got.Line != tt.line || got.EndLine != tt.end {
				t.Errorf("anchored to %s:%d-%d, want %s:%d-%d", got.File, got.Line, got.EndLine, tt.file, tt.line, tt.end)
			}
			if tt.evidence != "" && got.Evidence != tt.evidence {
				t.Errorf("evidence = %q, want %q", got.Evidence, tt.evidence)
			}
			if got.Near != tt.near {
				t.Errorf("near = %v, want %v", got.Near, tt.near)
			}
			if tt.lineText != "" && got.LineText != tt.lineText {
				t.Errorf("line text = %q, want %q", got.LineText, tt.lineText)
			}
			if got.Raw.File != got.File || review.SeverityRank(got.Raw.Severity) == 0 || got.Raw.Category == "" {
				t.Errorf("raw not normalised: %+v", got.Raw)
			}
		})
	}
}

// TestBadLineNumberWithAQuote: a finding anchored by its quote despite a
// line that is no line number carries no such number on (the report and
// the merge read the raw finding), and one whose quote is not found is
// rejected as a finding without a line.
func TestBadLineNumberWithAQuote(t *testing.T) {
	ix := index()
	got, rej := ix.Anchor("r", "c", 1, review.RawFinding{File: "store/cache.go", Line: -5, EndLine: -9, Quote: "data, _ := io.ReadAll(f)", Severity: "important", Title: "t"})
	if rej != nil {
		t.Fatalf("rejected: %s", rej.Reason)
	}
	if got.Line != 18 || got.Raw.Line != 0 || got.Raw.EndLine != 0 {
		t.Errorf("line %d, raw line %d-%d; want 18, raw 0-0", got.Line, got.Raw.Line, got.Raw.EndLine)
	}
	_, rej = ix.Anchor("r", "c", 1, review.RawFinding{File: "store/cache.go", Line: -5, Quote: "c.evict(key)", Severity: "important", Title: "t"})
	if rej == nil || rej.Line != 0 || rej.Reason != "quote not in the diff" {
		t.Errorf("rejection %+v, want line 0, quote not in the diff", rej)
	}
}

// FuzzAnchor: no raw finding, however malformed, makes anchoring panic, and
// an anchored finding always points at a line the diff shows.
func FuzzAnchor(f *testing.F) {
	f.Add("store/cache.go", 17, 0, "f, _ := os.Open(c.path(key))", "important")
	f.Add("cache.go", 0, 3, "+\n-\n", "Critical")
	f.Add("../../etc/passwd", -1, -9, "\x1b[2J", "")
	f.Add("a/", 1<<30, 1<<31-1, strings.Repeat("x ", 100), "suggestion")
	ix := index()
	f.Fuzz(func(t *testing.T, file string, line, end int, quote, sev string) {
		got, rej := ix.Anchor("r", "c", 1, review.RawFinding{File: file, Line: line, EndLine: end, Quote: quote, Severity: sev, Title: "t"})
		if rej != nil {
			if rej.Reason == "" {
				t.Fatal("rejection without a reason")
			}
			return
		}
		if got.Line == 0 {
			return
		}
		if _, ok := ix.LineText(got.File, got.Line); !ok {
			t.Fatalf("anchored to %s:%d, which the diff does not show", got.File, got.Line)
		}
		if got.EndLine < got.Line {
			t.Fatalf("end %d before line %d", got.EndLine, got.Line)
		}
	})
}

// TestSimilarityThreshold pins both sides of the fuzzy quote rule: the
// figures in the Similarity doc comment, and a pair just above and just
// below SimilarThreshold.
func TestSimilarityThreshold(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want float64
	}{
		{`os.RemoveAll("/")`, `os.RemoveAll(dir)`, 2.0 / 3},
		{"f, _ := os.Open(c.path(key))", "f, _ := os.Open(c.path(name))", 12.0 / 14},
		{"a b c d e", "a b c d e", 1},
		{"x := compute(a, b, c, d)", "x := compute(a, b, c, e)", 10.0 / 12},     // 0.83: accepted
		{"x := compute(a, b, c)", "y := compute(a, b, d)", 6.0 / 10},            // 0.60: rejected
		{`log.Printf("user %s", name)`, `log.Printf("user %d", name)`, 6.0 / 8}, // 0.75: a changed literal is a changed word
		{"", "x", 0},
	} {
		got := anchor.Similarity(tt.a, tt.b)
		if diff := got - tt.want; diff > 1e-9 || diff < -1e-9 {
			t.Errorf("Similarity(%q, %q) = %.3f, want %.3f", tt.a, tt.b, got, tt.want)
		}
	}
	if !(anchor.Similarity("x := compute(a, b, c, d)", "x := compute(a, b, c, e)") >= anchor.SimilarThreshold) {
		t.Error("one word of six changed should pass the threshold")
	}
	if anchor.Similarity(`log.Printf("user %s", name)`, `log.Printf("user %d", name)`) >= anchor.SimilarThreshold {
		t.Error("one word of four changed should fail the threshold")
	}
}

// TestDeletedAnchor: a quote of deleted code says so, with its old-side line,
// and an added line with the same text wins over the deletion.
func TestDeletedAnchor(t *testing.T) {
	ix := index()
	got, rej := ix.Anchor("r", "c", 1, reporttest.F("store/cache.go", 0, "defer c.mu.RUnlock()", "important", "bug", "t", "e"))
	if rej != nil {
		t.Fatal(rej.Reason)
	}
	if !got.Deleted || got.OldLine != 12 || got.OldEndLine != 12 {
		t.Errorf("deleted=%v old=%d-%d, want a deletion at old line 12", got.Deleted, got.OldLine, got.OldEndLine)
	}
	got, rej = ix.Anchor("r", "c", 1, reporttest.F("store/cache.go", 0, "c.mu.RUnlock()", "important", "bug", "t", "e"))
	if rej != nil {
		t.Fatal(rej.Reason)
	}
	if got.Deleted || got.Line != 13 {
		t.Errorf("anchored to line %d (deleted=%v), want the added line 13", got.Line, got.Deleted)
	}
}

// TestQuoteOfALineStartingWithAMarker: a line whose own code starts with
// "+ " or "- " (a diff kept in a file, a Markdown list) is quoted with that
// sign, and the quote is found; a quote that copies git's marker in front
// of ordinary code still is too.
func TestQuoteOfALineStartingWithAMarker(t *testing.T) {
	set := &diff.Set{Files: []diff.File{{Path: "fix.patch", Status: diff.StatusModified, Hunks: []diff.Hunk{{
		OldStart: 1, OldLines: 1, NewStart: 1, NewLines: 3,
		Lines: []diff.Line{
			{Kind: diff.Context, Old: 1, New: 1, Text: "@@ -1 +1 @@"},
			{Kind: diff.Added, New: 2, Text: "+    return;"},
			{Kind: diff.Added, New: 3, Text: "if (done) return;"},
			{Kind: diff.Added, New: 4, Text: "n := base + offset;"},
		},
	}}}}}
	ix := anchor.NewIndex(set)
	for _, tt := range []struct {
		quote string
		line  int
	}{
		{"+    return;", 2},        // the line's own text, sign included
		{"+ if (done) return;", 3}, // git's marker copied in front of the code
	} {
		got, rej := ix.Anchor("r", "c", 1, reporttest.F("fix.patch", 0, tt.quote, "important", "bug", "t", "e"))
		if rej != nil {
			t.Errorf("quote %q: rejected: %s", tt.quote, rej.Reason)
			continue
		}
		if got.Line != tt.line {
			t.Errorf("quote %q: anchored at %d, want %d", tt.quote, got.Line, tt.line)
		}
	}
	// The sign counts toward no minimum: "+ offset;" is 7 bytes of code, too
	// short to be evidence as part of a line.
	if got, rej := ix.Anchor("r", "c", 1, reporttest.F("fix.patch", 0, "+ offset;", "important", "bug", "t", "e")); rej == nil {
		t.Errorf("quote %q: anchored at %d, want rejected as too short a part of a line", "+ offset;", got.Line)
	}
}

// TestResolveQuotedPaths: a file whose name holds a backslash, a newline or
// a space is found as its exact name, as git's quoted form (with or without
// the quotes), and a rejection names the path as the model gave it.
func TestResolveQuotedPaths(t *testing.T) {
	set := &diff.Set{Files: []diff.File{
		{Path: `back\slash.c`, Status: diff.StatusAdded},
		{Path: "new\nline.go", Status: diff.StatusAdded},
		{Path: "two words.go", Status: diff.StatusAdded},
		{Path: "caf\u00e9.go", Status: diff.StatusAdded},
	}}
	ix := anchor.NewIndex(set)
	for _, tt := range []struct{ given, want string }{
		{`back\slash.c`, `back\slash.c`},
		{`"back\\slash.c"`, `back\slash.c`},
		{`new\nline.go`, "new\nline.go"},
		{`"new\nline.go"`, "new\nline.go"},
		{`"two words.go"`, "two words.go"},
		{`"caf\303\251.go"`, "caf\u00e9.go"},
		{"b/two words.go", "two words.go"},
	} {
		if got, why := ix.ResolvePath(tt.given); got != tt.want {
			t.Errorf("ResolvePath(%q) = %q (%s), want %q", tt.given, got, why, tt.want)
		}
	}
	if _, why := ix.ResolvePath(`no\such.c`); why != `file no\such.c is not in the diff` {
		t.Errorf("rejection %q, want the path as given", why)
	}
}

// TestResolveLongerPath: a path longer than a diff path names it only as
// a path on disk; a relative one with a directory in front (an unchanged
// file of the repository, other/util.go, beside the changed util.go) is
// another file, and so is one written from the root with a slash.
func TestResolveLongerPath(t *testing.T) {
	set := &diff.Set{Root: "/home/u/proj", Files: []diff.File{
		{Path: "util.go", Status: diff.StatusModified},
		{Path: "pkg/util.go", Status: diff.StatusModified},
	}}
	ix := anchor.NewIndex(set)
	for given, want := range map[string]string{
		"./pkg/util.go":  "pkg/util.go",
		"b/pkg/util.go":  "pkg/util.go",
		`pkg\util.go`:    "pkg/util.go",
		"pkg/../util.go": "util.go",
		"/util.go":       "util.go",
		"/pkg/util.go":   "pkg/util.go",
	} {
		if got, why := ix.ResolvePath(given); got != want {
			t.Errorf("ResolvePath(%q) = %q (%s), want %q", given, got, why, want)
		}
	}
	// Longer than a changed file's path: another file (an unchanged one,
	// or one the model made up), whatever its tail, and whatever the
	// clone's directory (the same answers anchor alike in any clone).
	for _, given := range []string{"other/util.go", "deep/pkg/util.go", "x/util.go", "/other/util.go",
		"/internal/other/util.go", "/home/u/proj/util.go", "/home/u/proj/other/util.go", "/app/other/util.go",
		"C:/x/other/util.go", `C:\src\proj\util.go`, "~/proj/util.go", "proj/pkg/util.go", "/usr/lib/go/src/x/util.go"} {
		if got, why := ix.ResolvePath(given); got != "" || why != "file "+given+" is not in the diff" {
			t.Errorf("ResolvePath(%q) = %q (%s), want it not in the diff", given, got, why)
		}
	}
}

// A renamed file named by its old path (the prompt shows "old -> new") is
// the file as it is now, unless another file of the diff has that path.
func TestResolveRenamedFileByItsOldPath(t *testing.T) {
	set := &diff.Set{Files: []diff.File{
		{Path: "db.go", OldPath: "store.go", Status: diff.StatusRenamed},
		{Path: "b.go", OldPath: "a.go", Status: diff.StatusRenamed},
		{Path: "a.go", Status: diff.StatusAdded}, // a new a.go took the old name
	}}
	ix := anchor.NewIndex(set)
	for given, want := range map[string]string{"store.go": "db.go", "b/store.go": "db.go", "db.go": "db.go", "a.go": "a.go"} {
		if got, why := ix.ResolvePath(given); got != want {
			t.Errorf("ResolvePath(%q) = %q (%s), want %q", given, got, why, want)
		}
	}
}

// A quote of another file of the diff is still rejected (which file the
// model meant is not known), but the reason names where the code is: the
// model did not invent it.
func TestQuoteInAnotherFile(t *testing.T) {
	ix := index()
	_, rej := ix.Anchor("alice", "c1", 1, reporttest.F("api/handler.go", 0, "f, _ := os.Open(c.path(key))", "important", "bug", "t", "e"))
	if rej == nil || rej.Reason != "quote not in the diff of api/handler.go (it is in store/cache.go:17)" {
		t.Fatalf("got %+v", rej)
	}
	// Deleted code elsewhere names its old line, not a new-side one.
	_, rej = ix.Anchor("alice", "c1", 1, reporttest.F("api/handler.go", 0, "lastCall()", "important", "bug", "t", "e"))
	if rej == nil || rej.Reason != "quote not in the diff of api/handler.go (it is in pkg/tail.go, deleted from line 9)" {
		t.Fatalf("deleted code elsewhere: %+v", rej)
	}
	_, rej = ix.Anchor("alice", "c1", 1, reporttest.F("api/handler.go", 0, `os.RemoveAll("/")`, "important", "bug", "t", "e"))
	if rej == nil || rej.Reason != "quote not in the diff" {
		t.Fatalf("invented code: %+v", rej)
	}
}

// TestFindingOnAFileItsRequestDidNotShow: a chunk's answer about a file
// that chunk did not show is rejected, though the code is in the change
// (the model did not read it there); an answer with no file list (older
// quorum's raw.json) is not held to one.
func TestFindingOnAFileItsRequestDidNotShow(t *testing.T) {
	finding := reporttest.F("pkg/last.go", 5, "return xs[len(xs)-1], nil", "important", "bug", "Off by one", "e")
	for _, tc := range []struct {
		files  []string
		reason string
	}{
		{[]string{"pkg/last.go"}, ""},
		{nil, ""},
		{[]string{"pkg/tail.go"}, "file not in the part of the change its reviewer was shown (pkg/tail.go)"},
		{[]string{"a.go", "b.go", "c.go", "d.go"}, "file not in the part of the change its reviewer was shown (a.go, b.go, c.go and 1 more)"},
	} {
		raw := reporttest.Raw(reporttest.Result("alice", 0, reporttest.Chunk("c1", tc.files, review.Answer{Findings: []review.RawFinding{finding}})))
		res := index().All(raw)
		switch {
		case tc.reason == "" && (len(res.Findings) != 1 || len(res.Rejected) != 0):
			t.Errorf("shown %v: %+v", tc.files, res)
		case tc.reason != "" && (len(res.Findings) != 0 || len(res.Rejected) != 1 || res.Rejected[0].Reason != tc.reason || res.Rejected[0].File != "pkg/last.go"):
			t.Errorf("shown %v: %+v, want rejected: %s", tc.files, res, tc.reason)
		}
	}
}

// TestShortQuoteOfItsLine: a real part of the named line under 8 bytes
// (`a / b` of `return a / b }`) is not "not in the diff": it places the
// finding as its line does, weighing as one; of no line it is.
func TestShortQuoteOfItsLine(t *testing.T) {
	set := &diff.Set{Files: []diff.File{reporttest.File("calc.go", diff.StatusModified, 3, 3, "+func div(a, b int) int { return a / b }")}}
	ix := anchor.NewIndex(set)
	f, rej := ix.Anchor("r", "c", 1, reporttest.F("calc.go", 3, "a / b", "critical", "bug", "Division by zero", "e"))
	if rej != nil || f.Line != 3 || f.Evidence != anchor.EvidenceLine || f.LineKind != diff.Added {
		t.Fatalf("got %+v, %+v; want line 3, line evidence", f, rej)
	}
	if _, rej := ix.Anchor("r", "c", 1, reporttest.F("calc.go", 3, "a % b", "critical", "bug", "t", "e")); rej == nil || rej.Reason != "quote not in the diff" {
		t.Fatalf("a short quote of no line: %+v", rej)
	}
}

// TestDecoratedPaths: what models copy around a path (backticks, the line,
// the prompt header's status) is read past once, before every rule: a
// base name two files share is still told apart by the quote, a skipped
// file still gets its reason, and a path padded without end costs no more
// than a long one.
func TestDecoratedPaths(t *testing.T) {
	set := &diff.Set{
		Files: []diff.File{
			reporttest.File("api/handler.go", diff.StatusModified, 1, 1, "+func A() { serve() }"),
			reporttest.File("web/api/handler.go", diff.StatusModified, 1, 1, "+func W() { render() }"),
		},
		Skipped: []diff.Skipped{{Path: "go.sum", Reason: "lockfile"}},
	}
	ix := anchor.NewIndex(set)
	for _, file := range []string{"handler.go", "`handler.go`", "handler.go:1", "handler.go:1:5", "handler.go (modified)", "`web/api/handler.go:1`",
		"handler.go:1-2", "handler.go#L1", "handler.go#L1-L2", "'handler.go'", "**handler.go**", "file: web/api/handler.go"} {
		got, rej := ix.Anchor("r", "c", 1, review.RawFinding{File: file, Line: 1, Quote: "func W() { render() }", Severity: "important", Title: "t"})
		if rej != nil || got.File != "web/api/handler.go" {
			t.Errorf("%q: %+v %+v", file, got.File, rej)
		}
	}
	_, rej := ix.Anchor("r", "c", 1, review.RawFinding{File: "go.sum:3", Line: 3, Severity: "important", Title: "t"})
	if rej == nil || !strings.Contains(rej.Reason, "was not reviewed (lockfile)") {
		t.Errorf("a skipped file's line: %+v", rej)
	}
	start := time.Now()
	_, rej = ix.Anchor("r", "c", 1, review.RawFinding{File: "nope.go" + strings.Repeat(":1", 16000), Line: 1, Severity: "important", Title: "t"})
	if rej == nil {
		t.Error("a padded path that names no file was anchored")
	}
	if took := time.Since(start); os.Getenv("QUORUM_TIMING_TESTS") != "" && took > time.Second {
		t.Errorf("a padded path took %s", took)
	}
}
