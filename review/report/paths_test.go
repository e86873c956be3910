package report_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report"
	rt "github.com/quorum-review/quorum/review/report/reporttest"
)

// A file whose name is not UTF-8, or holds a control character, is still
// named exactly by the report's JSON: file_bytes / path_bytes carry its
// bytes beside the string shown to people, and reading the JSON back
// restores them. "<" and "&" stay as they are.
func TestReportJSONKeepsExactPaths(t *testing.T) {
	latin1 := "caf\xe9.go"    // Latin-1 é: not UTF-8
	escape := "a\x1b[31mb.go" // valid UTF-8, but a terminal escape
	skipped := "big\xff.go"
	set := &diff.Set{
		Files: []diff.File{
			rt.File(latin1, diff.StatusAdded, 0, 1, "+package cafe", "+// TODO: name < & >", "+func Open() { os.Open(\"x\") }"),
			rt.File(escape, diff.StatusAdded, 0, 1, "+package b"),
		},
		Skipped: []diff.Skipped{{Path: skipped, Reason: diff.SkipTooLarge}},
	}
	files := []string{latin1, escape}
	// The model names the file as the prompt quotes it, git's C escapes.
	f := rt.F(`"caf\351.go"`, 3, `os.Open("x")`, "important", "bug", "error of Open ignored: a < b && c", "The error is dropped.")
	raw := rt.Raw(rt.Result("alice", 0, rt.Chunk("c1", files, review.Answer{Findings: []review.RawFinding{f}})))
	r, err := pipeline.Consolidate(set, raw, report.Policy{}, report.Meta{GeneratedAt: rt.GeneratedAt})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 1 || r.Findings[0].File != latin1 {
		t.Fatalf("findings = %+v, rejected = %+v", r.Findings, r.Rejected)
	}

	var out bytes.Buffer
	if err := render.JSON(&out, r, render.Options{}); err != nil {
		t.Fatal(err)
	}
	js := out.String()
	b64 := func(s string) string { return `"` + base64.StdEncoding.EncodeToString([]byte(s)) + `"` }
	for _, want := range []string{
		`"file_bytes": ` + b64(latin1),  // the finding and the TODO
		`"path_bytes": ` + b64(latin1),  // its coverage row
		`"path_bytes": ` + b64(escape),  // the escape's row: shown sanitised, kept exact
		`"file_bytes": ` + b64(skipped), // the skipped file
		`a < b && c`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("JSON lacks %s:\n%s", want, js)
		}
	}
	if strings.Contains(js, `\u003c`) || strings.Contains(js, `\u0026`) {
		t.Errorf("JSON escapes HTML:\n%s", js)
	}
	if n := strings.Count(js, `"path_bytes"`) + strings.Count(js, `"file_bytes"`); n != 5 {
		t.Errorf("%d exact-path fields, want 5 (finding, TODO, two coverage rows, skipped); a UTF-8 name gains none:\n%s", n, js)
	}

	var back report.Report
	if err := json.Unmarshal(out.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if got := back.Findings[0].File; got != latin1 {
		t.Errorf("finding file read back = %q, want %q", got, latin1)
	}
	if len(back.TODOs) != 1 || back.TODOs[0].File != latin1 {
		t.Errorf("TODOs read back = %+v", back.TODOs)
	}
	exact := map[string]bool{}
	for _, c := range back.Coverage.Files {
		exact[diff.ExactPath(c.Path, c.PathBytes)] = true
	}
	if !exact[latin1] || !exact[escape] {
		t.Errorf("coverage paths read back = %v", exact)
	}
	if len(back.Skipped) != 1 || diff.ExactPath(back.Skipped[0].File, back.Skipped[0].FileBytes) != skipped {
		t.Errorf("skipped read back = %+v", back.Skipped)
	}
}

// A skipped file's name that holds a line break keeps the verdict one line:
// the break is written as its escape.
func TestSkippedNameStaysOnOneLine(t *testing.T) {
	set := &diff.Set{Files: []diff.File{}, Skipped: []diff.Skipped{{Path: "a\nb.go", Reason: diff.SkipIgnored}, {Path: "c\td.go", Reason: diff.SkipGenerated}}}
	r, err := pipeline.Consolidate(set, rt.Raw(), report.Policy{}, report.Meta{GeneratedAt: rt.GeneratedAt})
	if err != nil {
		t.Fatal(err)
	}
	want := `nothing reviewed: every changed file was skipped: a\nb.go (ignored), c\td.go (generated)`
	if r.Verdict.Status != report.VerdictEmpty || r.Verdict.Text != want {
		t.Errorf("verdict %q %q, want %q", r.Verdict.Status, r.Verdict.Text, want)
	}
}
