package render_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// Findings quoting deleted code, anchored and consolidated as a review
// does, land in SARIF and rdjsonl on the new-side line where the deletion
// sits, never on their old line in the new file: after a rename with lines
// added above, a deletion far down a file, a line replaced (where the
// deletion sits at the replacing line), and a deletion at the end of a file,
// where the position after the deletion is past the file's last line and
// the finding goes on that last line instead (with git's default context
// and with diff.context=0, whose hunk has no new-side line at all).
func TestDeletedCodeIsPlacedOnTheNewSide(t *testing.T) {
	renamed := reporttest.File("new/name.go", diff.StatusRenamed, 10, 20, " ctx a", "-gone 1", "-gone 2", " ctx b")
	renamed.OldPath = "old/name.go"
	set := reporttest.EmptySet()
	set.Files = []diff.File{
		renamed,
		reporttest.File("mid.go", diff.StatusModified, 30, 5, " keep 1", "-drop me", " keep 2"),
		reporttest.File("crlf.txt", diff.StatusModified, 1, 1, " line 1", "-line 2", "+line 2 changed here", " line 3"),
		// Old lines 1-6, new lines 1-4: the deletion is after new line 4.
		reporttest.File("eof.go", diff.StatusModified, 2, 2, " b", " c", " d", "-tail 1", "-tail 2"),
		// The same at zero context: "@@ -5,2 +4,0 @@".
		reporttest.File("eof0.go", diff.StatusModified, 5, 4, "-tail 1", "-tail 2"),
	}
	cases := []struct {
		file, quote string
		line        int // the new-side position
		note        string
	}{
		{"new/name.go", "gone 1\ngone 2", 21, "[deleted code: old lines 11-12]"},
		{"mid.go", "drop me", 6, "[deleted code: old line 31]"},
		{"crlf.txt", "line 2", 2, "[deleted code: old line 2]"},
		{"eof.go", "tail 2", 4, "[deleted code: old line 6]"},
		{"eof0.go", "tail 1", 4, "[deleted code: old line 5]"},
	}
	var raw []review.RawFinding
	for _, c := range cases {
		raw = append(raw, reporttest.F(c.file, 0, c.quote, review.Important, "bug", "about "+c.file, "Removed."))
	}
	r := build(t, reporttest.Scenario{
		Name: "deleted", Set: set, Severity: "max", FailOn: review.Critical,
		Raw: reporttest.Raw(reporttest.Result("m1", 0, reporttest.Chunk("c1", reporttest.Files(set), review.Answer{Summary: "s", Findings: raw}))),
	})
	byFile := map[string]report.Finding{}
	for _, f := range r.Findings {
		byFile[f.File] = f
	}
	if len(byFile) != len(cases) {
		t.Fatalf("%d findings, want %d: %+v (rejected %+v)", len(byFile), len(cases), r.Findings, r.Rejected)
	}
	for _, c := range cases {
		if f := byFile[c.file]; !f.Deleted || f.Line != c.line {
			t.Errorf("%s: anchored deleted=%v at line %d, want the deletion at %d", c.file, f.Deleted, f.Line, c.line)
		}
	}

	var b bytes.Buffer
	if err := render.Write(&b, "sarif", r, render.Options{}); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, EndLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	sarifAt := map[string][2]int{}
	sarifMsg := map[string]string{}
	for _, res := range log.Runs[0].Results {
		pl := res.Locations[0].PhysicalLocation
		sarifAt[pl.ArtifactLocation.URI] = [2]int{pl.Region.StartLine, pl.Region.EndLine}
		sarifMsg[pl.ArtifactLocation.URI] = res.Message.Text
	}

	b.Reset()
	if err := render.Write(&b, "rdjsonl", r, render.Options{}); err != nil {
		t.Fatal(err)
	}
	rdAt := map[string]int{}
	rdMsg := map[string]string{}
	sc := bufio.NewScanner(&b)
	for sc.Scan() {
		var d struct {
			Message  string
			Location struct {
				Path  string
				Range struct{ Start, End struct{ Line int } }
			}
		}
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		if d.Location.Range.End.Line != 0 {
			t.Errorf("%s: rdjsonl end line %d, want one line", d.Location.Path, d.Location.Range.End.Line)
		}
		rdAt[d.Location.Path] = d.Location.Range.Start.Line
		rdMsg[d.Location.Path] = d.Message
	}

	for _, c := range cases {
		if got := sarifAt[c.file]; got != [2]int{c.line, c.line} {
			t.Errorf("%s: SARIF region %d-%d, want %d-%d", c.file, got[0], got[1], c.line, c.line)
		}
		if got := rdAt[c.file]; got != c.line {
			t.Errorf("%s: rdjsonl line %d, want %d", c.file, got, c.line)
		}
		want := "about " + c.file + " " + c.note
		if !strings.HasPrefix(sarifMsg[c.file], want) || !strings.HasPrefix(rdMsg[c.file], want) {
			t.Errorf("%s: messages %q and %q, want both to start %q", c.file, sarifMsg[c.file], rdMsg[c.file], want)
		}
	}
}
