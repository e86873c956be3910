package render_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/report")

const goldenDir = "../../testdata/report"

func build(t testing.TB, sc reporttest.Scenario) *report.Report {
	t.Helper()
	r, err := report.Build(sc.Set, sc.Raw, report.Policy{Severity: sc.Severity, FailOn: sc.FailOn}, report.Meta{
		Branch: "cache-from-disk", ToolVersion: "v0.0.0-test", GeneratedAt: reporttest.GeneratedAt,
		Options: map[string]string{"base": "origin/main"},
	})
	if err != nil {
		t.Fatalf("build %s: %v", sc.Name, err)
	}
	return r
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(goldenDir, name)
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./review/render -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; rerun with -update and review the diff\n--- got ---\n%s", name, got)
	}
}

func TestGolden(t *testing.T) {
	for _, sc := range reporttest.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			r := build(t, sc)
			formats := []string{"markdown", "json"}
			if sc.Name == "full" {
				formats = append(formats, "sarif", "rdjsonl", "text")
			}
			for _, format := range formats {
				var buf bytes.Buffer
				if err := render.Write(&buf, format, r, render.Options{}); err != nil {
					t.Fatalf("%s: %v", format, err)
				}
				golden(t, sc.Name+"."+ext(format), buf.Bytes())
			}
		})
	}
}

func ext(format string) string {
	switch format {
	case "markdown":
		return "md"
	case "text":
		return "txt"
	}
	return format
}
