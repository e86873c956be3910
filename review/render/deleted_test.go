package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review/report"
)

// SARIF and rdjsonl place a finding on new-side lines only: a finding about
// deleted code says so, rather than reading as a finding about the added
// line that sits where the deletion was.
func TestLineFormatsSayCodeWasDeleted(t *testing.T) {
	r := &report.Report{Findings: []report.Finding{
		{ID: "q1", Title: "Check removed", Severity: "important", Category: "bug", File: "a.go", Line: 3, EndLine: 3,
			Deleted: true, OldLine: 3, OldEndLine: 4, Reviewers: []string{"x"}, SeenBy: 1},
		{ID: "q2", Title: "Plain", Severity: "important", Category: "bug", File: "a.go", Line: 9, EndLine: 9, Reviewers: []string{"x"}, SeenBy: 1},
	}}
	for name, out := range lineFormats(t, r) {
		if !strings.Contains(out, "Check removed [deleted code: old lines 3-4]") || strings.Contains(out, "Plain [deleted") {
			t.Errorf("%s:\n%s", name, out)
		}
	}
}

// lineFormats renders r in the formats that place findings on lines
// (SARIF and rdjsonl), by name.
func lineFormats(t *testing.T, r *report.Report) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, write := range map[string]Writer{"sarif": SARIF, "rdjsonl": RDJSONL} {
		var b bytes.Buffer
		if err := write(&b, r, Options{}); err != nil {
			t.Fatal(err)
		}
		out[name] = b.String()
	}
	return out
}

// A finding on unchanged lines of the diff is about code the change did not
// touch: every writer says so, the way it says a finding is about deleted
// code, and says nothing of the kind for a finding on an added line.
func TestWritersSayCodeWasUnchanged(t *testing.T) {
	r := &report.Report{Findings: []report.Finding{
		{ID: "q1", Title: "Old check", Severity: "important", Category: "bug", File: "a.go", Line: 5, EndLine: 5,
			LineKind: "context", Reviewers: []string{"x"}, SeenBy: 1},
		{ID: "q2", Title: "Old block", Severity: "important", Category: "bug", File: "a.go", Line: 7, EndLine: 8,
			LineKind: "context", Reviewers: []string{"x"}, SeenBy: 1},
		{ID: "q3", Title: "New code", Severity: "important", Category: "bug", File: "a.go", Line: 9, EndLine: 9,
			LineKind: "added", Reviewers: []string{"x"}, SeenBy: 1},
		{ID: "q4", Title: "Check removed", Severity: "important", Category: "bug", File: "a.go", Line: 3, EndLine: 3,
			LineKind: "deleted", Deleted: true, OldLine: 3, OldEndLine: 3, Reviewers: []string{"x"}, SeenBy: 1},
	}}
	out := map[string]string{}
	for _, format := range Formats {
		var b bytes.Buffer
		if err := Write(&b, format, r, Options{Width: 200}); err != nil {
			t.Fatal(err)
		}
		out[format] = b.String()
	}
	for _, format := range []string{"sarif", "rdjsonl"} {
		s := out[format]
		for _, want := range []string{
			"Old check [unchanged code: a line this change did not touch]",
			"Old block [unchanged code: lines this change did not touch]",
			"Check removed [deleted code: old line 3]",
		} {
			if !strings.Contains(s, want) {
				t.Errorf("%s: no %q:\n%s", format, want, s)
			}
		}
		if strings.Contains(s, "New code [") {
			t.Errorf("%s: a finding on an added line is noted:\n%s", format, s)
		}
	}
	if !strings.Contains(out["sarif"], `"line_kind": "context"`) {
		t.Errorf("sarif: no line_kind property:\n%s", out["sarif"])
	}
	if !strings.Contains(out["json"], `"line_kind": "context"`) || !strings.Contains(out["json"], `"line_kind": "added"`) {
		t.Errorf("json: no line_kind:\n%s", out["json"])
	}
	for _, format := range []string{"markdown", "text"} {
		s := out[format]
		for _, want := range []string{
			"a.go:5 (unchanged line)", "a.go:7-8 (unchanged lines)", "a.go:9`", "a.go:3 (deleted line 3)",
			"Unchanged code: this finding is on a line this change did not touch",
			"Unchanged code: this finding is on lines this change did not touch",
		} {
			if !strings.Contains(s, want) {
				t.Errorf("%s: no %q:\n%s", format, want, s)
			}
		}
		if n := strings.Count(s, "Unchanged code:"); n != 2 {
			t.Errorf("%s: %d findings noted as unchanged code, want 2:\n%s", format, n, s)
		}
	}
}

// sarifPlace is where one SARIF result points, and what it says.
type sarifPlace struct {
	URI                 string
	Region              *struct{ StartLine, EndLine int }
	Message             string
	OldLine, OldEndLine int
	HasOld              bool
}

// sarifPlaces reads every result's location, message and old-line
// properties from a SARIF log.
func sarifPlaces(t *testing.T, log []byte) []sarifPlace {
	t.Helper()
	var doc struct {
		Runs []struct {
			Results []struct {
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           *struct{ StartLine, EndLine int }
					}
				}
				Properties map[string]any
			}
		}
	}
	if err := json.Unmarshal(log, &doc); err != nil {
		t.Fatalf("sarif: %v\n%s", err, log)
	}
	var out []sarifPlace
	for _, res := range doc.Runs[0].Results {
		if len(res.Locations) != 1 {
			t.Fatalf("sarif: %d locations, want 1", len(res.Locations))
		}
		pl := res.Locations[0].PhysicalLocation
		p := sarifPlace{URI: pl.ArtifactLocation.URI, Region: pl.Region, Message: res.Message.Text}
		if v, ok := res.Properties["old_line"].(float64); ok {
			p.OldLine, p.HasOld = int(v), true
		}
		if v, ok := res.Properties["old_end_line"].(float64); ok {
			p.OldEndLine = int(v)
		}
		out = append(out, p)
	}
	return out
}

// rdPlace is where one rdjsonl diagnostic points, and what it says.
type rdPlace struct {
	Path    string
	Range   *struct{ Start, End *struct{ Line int } }
	Message string
}

func rdPlaces(t *testing.T, out []byte) []rdPlace {
	t.Helper()
	var places []rdPlace
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var d struct {
			Message  string
			Location struct {
				Path  string
				Range *struct{ Start, End *struct{ Line int } }
			}
		}
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("rdjsonl: %v\n%s", err, sc.Bytes())
		}
		places = append(places, rdPlace{Path: d.Location.Path, Range: d.Location.Range, Message: d.Message})
	}
	return places
}

// A finding about deleted code is placed on the new-side line where the
// deletion sits (Finding.Line), in SARIF and rdjsonl alike: code scanning
// shows a region of the file at head, and reviewdog keeps and comments on
// new-side diff lines only, so the old lines (which in the new file are
// other code, or past its end) must never be the region. The old lines are
// in the message, and in SARIF's properties. The cases have Line and
// OldLine apart, so a writer using the old line cannot pass.
func TestDeletedFindingIsPlacedWhereTheDeletionSits(t *testing.T) {
	r := &report.Report{Findings: []report.Finding{
		// Old lines 11-12 of a renamed file, removed; the new file has
		// three lines more above, so the deletion sits before new line 14.
		{ID: "q1", Title: "Guard removed", Severity: "important", Category: "bug", File: "new/name.go", Line: 14, EndLine: 14,
			LineKind: "deleted", Deleted: true, OldLine: 11, OldEndLine: 12, Reviewers: []string{"x"}, SeenBy: 1},
		// One old line far below where it now sits.
		{ID: "q2", Title: "Close removed", Severity: "critical", Category: "bug", File: "mid.go", Line: 6, EndLine: 6,
			LineKind: "deleted", Deleted: true, OldLine: 31, OldEndLine: 31, Reviewers: []string{"x"}, SeenBy: 1},
		// The whole file deleted: no new-side line at all.
		{ID: "q3", Title: "Only caller removed", Severity: "suggestion", Category: "bug", File: "gone.go", Line: 0, EndLine: 0,
			LineKind: "deleted", Deleted: true, OldLine: 2, OldEndLine: 2, Reviewers: []string{"x"}, SeenBy: 1},
		{ID: "q4", Title: "Plain", Severity: "important", Category: "bug", File: "a.go", Line: 9, EndLine: 10,
			LineKind: "added", Reviewers: []string{"x"}, SeenBy: 1},
	}}
	type want struct {
		path       string
		line, end  int // 0: no region
		note       string
		old, oldTo int
	}
	wants := []want{
		{"new/name.go", 14, 14, "Guard removed [deleted code: old lines 11-12]", 11, 12},
		{"mid.go", 6, 6, "Close removed [deleted code: old line 31]", 31, 31},
		{"gone.go", 0, 0, "Only caller removed [deleted code: old line 2]", 2, 2},
		{"a.go", 9, 10, "Plain", 0, 0},
	}

	var b bytes.Buffer
	if err := SARIF(&b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	got := sarifPlaces(t, b.Bytes())
	if len(got) != len(wants) {
		t.Fatalf("sarif: %d results, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		g := got[i]
		switch {
		case g.URI != w.path:
			t.Errorf("sarif %d: uri %q, want %q", i, g.URI, w.path)
		case w.line == 0 && g.Region != nil:
			t.Errorf("sarif %d: region %+v for a deletion with no new-side line, want none", i, *g.Region)
		case w.line > 0 && (g.Region == nil || g.Region.StartLine != w.line || g.Region.EndLine != w.end):
			t.Errorf("sarif %d: region %+v, want lines %d-%d (the new-side position)", i, g.Region, w.line, w.end)
		case !strings.HasPrefix(g.Message, w.note):
			t.Errorf("sarif %d: message %q, want it to start %q", i, g.Message, w.note)
		case w.old > 0 && (!g.HasOld || g.OldLine != w.old || g.OldEndLine != w.oldTo):
			t.Errorf("sarif %d: old_line %d..%d (set %v), want %d..%d", i, g.OldLine, g.OldEndLine, g.HasOld, w.old, w.oldTo)
		case w.old == 0 && g.HasOld:
			t.Errorf("sarif %d: old_line on a finding about added code", i)
		}
	}

	b.Reset()
	if err := RDJSONL(&b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	rd := rdPlaces(t, b.Bytes())
	if len(rd) != len(wants) {
		t.Fatalf("rdjsonl: %d diagnostics, want %d", len(rd), len(wants))
	}
	for i, w := range wants {
		g := rd[i]
		start := 0
		if g.Range != nil && g.Range.Start != nil {
			start = g.Range.Start.Line
		}
		switch {
		case g.Path != w.path:
			t.Errorf("rdjsonl %d: path %q, want %q", i, g.Path, w.path)
		case w.line == 0 && g.Range != nil:
			t.Errorf("rdjsonl %d: a range for a deletion with no new-side line, want none", i)
		case w.line > 0 && start != w.line:
			t.Errorf("rdjsonl %d: start line %d, want %d (the new-side position)", i, start, w.line)
		case w.line > 0 && w.end == w.line && g.Range.End != nil:
			t.Errorf("rdjsonl %d: end line %d, want none for one line", i, g.Range.End.Line)
		case w.end > w.line && (g.Range.End == nil || g.Range.End.Line != w.end):
			t.Errorf("rdjsonl %d: end %+v, want line %d", i, g.Range.End, w.end)
		case !strings.HasPrefix(g.Message, w.note):
			t.Errorf("rdjsonl %d: message %q, want it to start %q", i, g.Message, w.note)
		}
	}

	// Markdown and the terminal name the same new-side line and the old
	// lines, and never a line 0.
	for _, format := range []string{"markdown", "text"} {
		b.Reset()
		if err := Write(&b, format, r, Options{Width: 200}); err != nil {
			t.Fatal(err)
		}
		s := b.String()
		for _, want := range []string{
			"new/name.go:14 (deleted lines 11-12)", "mid.go:6 (deleted line 31)", "gone.go (deleted line 2)", "a.go:9-10`",
		} {
			if !strings.Contains(s, want) {
				t.Errorf("%s: no %q:\n%s", format, want, s)
			}
		}
		if strings.Contains(s, "gone.go:0") {
			t.Errorf("%s: a line 0:\n%s", format, s)
		}
	}
}

// A fix for deleted code is code to add where the deletion sits: the kept
// line there (Finding.Line) is other code, never shown as removed by it.
// It takes the indentation of the deleted code it is about.
func TestFixForDeletedCodeRemovesNoKeptLine(t *testing.T) {
	f := report.Finding{File: "mid.go", Line: 6, EndLine: 6, Deleted: true, OldLine: 31, OldEndLine: 31, LineKind: "deleted",
		Fix: "defer f.Close()",
		Code: []report.CodeLine{
			{Kind: "context", Old: 30, New: 5, Text: "\tf, err := os.Open(p)"},
			{Kind: "deleted", Old: 31, Text: "\tdefer f.Close()"},
			{Kind: "context", Old: 32, New: 6, Text: "\treturn read(f)"},
		}}
	if got, want := fixDiff(f), "+\tdefer f.Close()\n"; got != want {
		t.Errorf("fix diff %q, want %q", got, want)
	}
	// The same lines about an added line still replace it.
	g := report.Finding{File: "a.go", Line: 6, EndLine: 6, LineKind: "added", Fix: "return read(f, n)",
		Code: []report.CodeLine{{Kind: "added", New: 6, Text: "\treturn read(f)"}}}
	if got, want := fixDiff(g), "-\treturn read(f)\n+\treturn read(f, n)\n"; got != want {
		t.Errorf("fix diff %q, want %q", got, want)
	}
}
