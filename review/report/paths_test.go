package report_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
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
// named exactly by the report's JSON: the path as the diff gives it (a
// control character as its JSON escape, a byte that is not UTF-8 as
// U+FFFD), and file_bytes / path_bytes with the bytes of a name that is
// not UTF-8; reading the JSON back restores them. "<" and "&" stay as
// they are.
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
		`"path": "a\u001b[31mb.go"`,     // the escape's row: exact, as JSON escapes it
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
	if n := strings.Count(js, `"path_bytes"`) + strings.Count(js, `"file_bytes"`); n != 4 {
		t.Errorf("%d exact-path fields, want 4 (finding, TODO, coverage row, skipped); a UTF-8 name gains none:\n%s", n, js)
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
		exact[c.Path] = true
	}
	if !exact[latin1] || !exact[escape] {
		t.Errorf("coverage paths read back = %v", exact)
	}
	if len(back.Skipped) != 1 || back.Skipped[0].File != skipped {
		t.Errorf("skipped read back = %+v", back.Skipped)
	}
}

// An older report.json named coverage rows and skipped files as printed
// (safetext.Path), with the exact bytes beside them: it reads back exact.
func TestOlderReportPathsReadBackExact(t *testing.T) {
	old := `{"coverage": {"reviewers": [], "files": [{"path": "caf\\xe9.go", "status": "added", "by": {}, "path_bytes": "Y2Fm6S5nbw=="}]},
		"skipped": [{"file": "a\\nb.go", "reason": "ignored", "file_bytes": "YQpiLmdv"}]}`
	var r report.Report
	if err := json.Unmarshal([]byte(old), &r); err != nil {
		t.Fatal(err)
	}
	if got := r.Coverage.Files[0].Path; got != "caf\xe9.go" {
		t.Errorf("coverage path = %q", got)
	}
	if got := r.Skipped[0].File; got != "a\nb.go" {
		t.Errorf("skipped file = %q", got)
	}
}

// A file whose name is not UTF-8, committed with real git, is spelled one
// way all through report.json, as quorum diff's JSON spells it (U+FFFD
// for the byte), so a tool can join the findings, the rejected ones, the
// coverage, the skipped files and the verdict's unread list on it; each
// place that names it has its exact bytes beside it.
func TestReportJSONSpellsANonUTF8FileOneWay(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs a file system that takes any bytes in a name")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@example.com", "GIT_COMMITTER_NAME=a",
			"GIT_COMMITTER_EMAIL=a@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cafe, lock := "caf\xe9.txt", "d\xe9ps.lock"
	git("init", "-q", "-b", "main")
	write("a.txt", "base\n")
	git("add", "-A")
	git("commit", "-q", "-m", "base")
	write(cafe, "BUG one\n")
	write("b.txt", "fine\n")
	git("add", "-A")
	git("commit", "-q", "-m", "latin")
	set, err := diff.Load(context.Background(), diff.Options{Dir: dir, Commits: "HEAD~1..HEAD"})
	if err != nil {
		t.Fatal(err)
	}
	set.Skipped = append(set.Skipped, diff.Skipped{Path: lock, Reason: diff.SkipTooLarge})

	// Alice reads both files: one finding is placed, one quotes code the
	// change does not have. The lock file, too large, is read by nobody.
	files := rt.Files(set)
	quoted := `"caf\351.txt"`
	raw := rt.Raw(rt.Result("alice", 0, rt.Chunk("c1", files, review.Answer{Findings: []review.RawFinding{
		rt.F(quoted, 1, "BUG one", "critical", "bug", "a bug", "It is one."),
		rt.F(quoted, 1, "no such code", "critical", "bug", "invented", "Not there."),
	}})))
	r, err := pipeline.Consolidate(set, raw, report.Policy{}, report.Meta{GeneratedAt: rt.GeneratedAt})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := render.JSON(&out, r, render.Options{}); err != nil {
		t.Fatal(err)
	}
	var js struct {
		Verdict struct {
			Unread []string `json:"unread"`
		} `json:"verdict"`
		Findings []struct {
			File      string `json:"file"`
			FileBytes []byte `json:"file_bytes"`
		} `json:"findings"`
		Rejected []struct {
			File      string `json:"file"`
			FileBytes []byte `json:"file_bytes"`
		} `json:"rejected"`
		Coverage struct {
			Files []struct {
				Path      string `json:"path"`
				PathBytes []byte `json:"path_bytes"`
			} `json:"files"`
		} `json:"coverage"`
		Skipped []struct {
			File      string `json:"file"`
			FileBytes []byte `json:"file_bytes"`
		} `json:"skipped"`
	}
	if err := json.Unmarshal(out.Bytes(), &js); err != nil {
		t.Fatal(err)
	}
	// quorum diff --format json: the diff's own spelling.
	var dj struct {
		Files []struct {
			Path string `json:"path"`
		} `json:"files"`
	}
	if err := json.NewDecoder(strings.NewReader(mustJSON(t, set))).Decode(&dj); err != nil {
		t.Fatal(err)
	}
	spelled := map[string]bool{}
	for _, f := range dj.Files {
		spelled[f.Path] = true
	}
	want := "caf\ufffd.txt"
	if !spelled[want] {
		t.Fatalf("the diff's JSON spells the files %v, want %q among them", spelled, want)
	}
	type named struct {
		where, name string
		exact       []byte
	}
	var got []named
	for _, f := range js.Findings {
		got = append(got, named{"finding", f.File, f.FileBytes})
	}
	for _, f := range js.Rejected {
		got = append(got, named{"rejected", f.File, f.FileBytes})
	}
	for _, f := range js.Coverage.Files {
		if f.Path != "b.txt" {
			got = append(got, named{"coverage", f.Path, f.PathBytes})
		}
	}
	if len(got) != 3 {
		t.Fatalf("want the file named by a finding, a rejected one and a coverage row, got %+v\n%s", got, out.String())
	}
	for _, g := range got {
		if g.name != want || string(g.exact) != cafe {
			t.Errorf("%s names the file %q (exact %q), want %q (exact %q)", g.where, g.name, g.exact, want, cafe)
		}
	}
	var skippedLock []string
	for _, s := range js.Skipped {
		if string(s.FileBytes) == lock {
			skippedLock = append(skippedLock, s.File)
		}
	}
	wantLock := "d\ufffdps.lock"
	if len(skippedLock) != 1 || skippedLock[0] != wantLock {
		t.Errorf("skipped names the lock file %q, want %q once", skippedLock, wantLock)
	}
	if !slices.Contains(js.Verdict.Unread, wantLock) {
		t.Errorf("the verdict's unread list %q lacks %q", js.Verdict.Unread, wantLock)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
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
