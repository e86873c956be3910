package anchor_test

import (
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

func index() *anchor.Index {
	set := reporttest.Set()
	set.Files = append(set.Files,
		reporttest.File("web/api/handler.go", diff.StatusModified, 1, 1, "+package api"),
		reporttest.File("pkg/tail.go", diff.StatusModified, 8, 8, " \tkeep()", "-\tlastCall()"),
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
		{name: "a/ prefix", f: reporttest.F("b/store/cache.go", 13, "", "suggestion", "style", "t", "e"), file: "store/cache.go", line: 13, end: 13},
		{name: "unique suffix", f: reporttest.F("cache.go", 13, "", "suggestion", "style", "t", "e"), file: "store/cache.go", line: 13, end: 13},
		{name: "absolute path", f: reporttest.F("/home/u/src/proj/store/cache.go", 13, "", "suggestion", "style", "t", "e"), file: "store/cache.go", line: 13, end: 13},
		{name: "file level", f: reporttest.F("store/cache.go", 0, "", "suggestion", "docs", "t", "e"), file: "store/cache.go"},
		{name: "severity case", f: reporttest.F("store/cache.go", 0, "", "Critical", "", "t", "e"), file: "store/cache.go"},

		{name: "hallucinated path", f: reporttest.F("store/disk.go", 3, "x", "critical", "bug", "t", "e"), wantReason: "file store/disk.go is not in the diff"},
		{name: "ambiguous suffix", f: reporttest.F("handler.go", 1, "", "critical", "bug", "t", "e"), wantReason: "ambiguous"},
		{name: "skipped file", f: reporttest.F("go.sum", 1, "", "critical", "bug", "t", "e"), wantReason: "not reviewed (lockfile)"},
		{name: "line outside the hunks", f: reporttest.F("store/cache.go", 40, "", "important", "bug", "t", "e"), wantReason: "line 40 is outside"},
		{name: "quote not in the diff, no line", f: reporttest.F("store/cache.go", 0, "c.evict(key)", "important", "bug", "t", "e"), wantReason: "quote not found"},
		{name: "quote not in the diff, line outside", f: reporttest.F("store/cache.go", 99, "c.evict(key)", "important", "bug", "t", "e"), wantReason: "quote not found in the diff and line 99"},
		{name: "unknown severity", f: reporttest.F("store/cache.go", 17, "", "blocker", "bug", "t", "e"), wantReason: `unknown severity "blocker"`},
		{name: "negative line", f: reporttest.F("store/cache.go", -5, "", "important", "bug", "t", "e"), wantReason: "line -5 is not a line number"},
		{name: "no file", f: reporttest.F("", 17, "", "important", "bug", "t", "e"), wantReason: "no file given"},
		{name: "no text", f: reporttest.F("store/cache.go", 17, "", "important", "bug", "", " "), wantReason: "neither title nor explanation"},
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
			if tt.lineText != "" && got.LineText != tt.lineText {
				t.Errorf("line text = %q, want %q", got.LineText, tt.lineText)
			}
			if got.Raw.File != got.File || anchor.SeverityRank(got.Raw.Severity) == 0 || got.Raw.Category == "" {
				t.Errorf("raw not normalised: %+v", got.Raw)
			}
		})
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
