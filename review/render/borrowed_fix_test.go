package render_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// borrowedFix is the review an adversarial pass found the defect with: one
// reviewer quotes the loop header (line 24) and fixes it; two quote the
// loop body (line 25), the same bug, with no fix. They merge into one
// finding represented by a line-25 finder, whose fix is borrowed.
func borrowedFix() reporttest.Scenario {
	set := reporttest.EmptySet()
	set.Files = []diff.File{reporttest.File("h.go", diff.StatusModified, 21, 22,
		"+func Sum(xs []int) int {",
		"+\tt := 0",
		"+\tfor i := 0; i <= len(xs); i++ {",
		"+\t\tt += xs[i]",
		"+\t}",
		"+\treturn t",
		"+}",
	)}
	files := reporttest.Files(set)
	body := func(title, expl string) review.RawFinding {
		f := reporttest.F("h.go", 25, "t += xs[i]", review.Important, "bug", title, expl)
		f.Kind = "bounds"
		return f
	}
	header := reporttest.F("h.go", 24, "for i := 0; i <= len(xs); i++ {", review.Critical, "bug", "Loop reads past the end", "i <= len(xs) indexes xs[len(xs)]")
	header.Kind, header.Fix = "off-by-one", "for i := 0; i < len(xs); i++ {"
	answer := func(f review.RawFinding) review.Answer {
		return review.Answer{Summary: "review", Findings: []review.RawFinding{f}}
	}
	return reporttest.Scenario{
		Name: "borrowed-fix", Set: set, Severity: "upper-median", FailOn: review.Critical,
		Raw: reporttest.Raw(
			reporttest.Result("gemma2:9b", 0, reporttest.Chunk("c1", files, answer(body("Index out of range in Sum", "xs[i] with i == len(xs) panics")))),
			reporttest.Result("llama3.1:8b", 1, reporttest.Chunk("c1", files, answer(body("Out of bounds read", "i reaches len(xs)")))),
			reporttest.Result("qwen2.5-coder:7b", 2, reporttest.Chunk("c1", files, answer(header))),
		),
	}
}

// A finding whose representative gave no fix shows another finder's fix
// against the lines that finder anchored it to, never against the
// representative's: the header's fix replaces the header (line 24), not
// the loop body (line 25), in every format that shows it. The JSON says
// whose fix it is and carries the lines it replaces (fix_from); SARIF and
// rdjsonl carry no fix, so no replacement region can be wrong there.
func TestBorrowedFixIsShownAgainstItsOwnLines(t *testing.T) {
	sc := borrowedFix()
	r := build(t, sc)
	if len(r.Findings) != 1 {
		t.Fatalf("%d findings, want the three merged into one: %+v", len(r.Findings), r.Findings)
	}
	f := r.Findings[0]
	if f.Line != 25 || f.FixFrom == nil {
		t.Fatalf("finding at line %d, fix_from %+v: the scenario no longer borrows a fix from another line", f.Line, f.FixFrom)
	}
	const (
		header  = "\tfor i := 0; i <= len(xs); i++ {"
		fixed   = "\tfor i := 0; i < len(xs); i++ {"
		body    = "\t\tt += xs[i]"
		wrong   = "-" + body + "\n+"
		label   = "Suggested fix (by qwen2.5-coder:7b, for `line 24`):"
		fixDiff = "-" + header + "\n+" + fixed + "\n"
	)

	out := func(format string, opts render.Options) string {
		var b bytes.Buffer
		if err := render.Write(&b, format, r, opts); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}

	md := out("markdown", render.Options{})
	if !strings.Contains(md, label+"\n\n```diff\n"+fixDiff+"```\n") || strings.Contains(md, wrong) {
		t.Errorf("markdown fix not against line 24:\n%s", md)
	}

	// The terminal view folds tabs to four spaces.
	txt := out("text", render.Options{Width: 100})
	tab := func(s string) string { return strings.ReplaceAll(s, "\t", "    ") }
	if !strings.Contains(txt, label+"\n\n  -"+tab(header)+"\n  +"+tab(fixed)+"\n") || strings.Contains(txt, "-"+tab(body)) {
		t.Errorf("text fix not against line 24:\n%s", txt)
	}

	var js struct {
		Findings []struct {
			Line    int    `json:"line"`
			Fix     string `json:"fix"`
			FixFrom *struct {
				Reviewer string            `json:"reviewer"`
				File     string            `json:"file"`
				Line     int               `json:"line"`
				EndLine  int               `json:"end_line"`
				Code     []report.CodeLine `json:"code"`
			} `json:"fix_from"`
		} `json:"findings"`
	}
	jsonOut := []byte(out("json", render.Options{}))
	if err := validate(t, compile(t, "report.json", report.JSONSchema), jsonOut); err != nil {
		t.Errorf("json: %v", err)
	}
	if err := json.Unmarshal(jsonOut, &js); err != nil {
		t.Fatal(err)
	}
	jf := js.Findings[0]
	if ff := jf.FixFrom; ff == nil || ff.Reviewer != "qwen2.5-coder:7b" || ff.File != "h.go" || ff.Line != 24 || ff.EndLine != 24 ||
		!hasLine(ff.Code, 24, header) || jf.Line != 25 || jf.Fix != strings.TrimSpace(fixed) {
		t.Errorf("json finding: line %d, fix %q, fix_from %+v", jf.Line, jf.Fix, ff)
	}

	// No fix, hence no replacement region, in SARIF or rdjsonl: should
	// one be added, it must replace fix_from's lines. The message shows
	// the fix, named after its author and lines, as the Markdown does.
	for _, format := range []string{"sarif", "rdjsonl"} {
		s := out(format, render.Options{})
		for _, no := range []string{`"fixes"`, `"suggestions"`, "replacement"} {
			if strings.Contains(s, no) {
				t.Errorf("%s carries %q: check that its region is fix_from's lines (24), not the finding's (25):\n%s", format, no, s)
			}
		}
		if !strings.Contains(s, "qwen2.5-coder:7b") || !strings.Contains(s, "line 24") || !strings.Contains(s, "+\\tfor i := 0; i ") {
			t.Errorf("%s message does not show the fix for line 24:\n%s", format, s)
		}
	}

	// Whose fix is borrowed does not depend on the order of the answers.
	want := renderAll(t, sc)
	for seed := range 50 {
		fresh := borrowedFix()
		shuffle(rand.New(rand.NewPCG(uint64(seed), 7)), fresh.Raw)
		if got := renderAll(t, fresh); !bytes.Equal(got, want) {
			t.Fatalf("seed %d: the output changed with the order of the answers", seed)
		}
	}
}

func hasLine(code []report.CodeLine, n int, text string) bool {
	for _, l := range code {
		if l.New == n && l.Text == text {
			return true
		}
	}
	return false
}
