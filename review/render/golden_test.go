package render_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/quorum-review/quorum/internal/pipeline"

	"github.com/quorum-review/quorum/internal/golden"
	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

const goldenDir = "../../testdata/report"

func build(t testing.TB, sc reporttest.Scenario) *report.Report {
	t.Helper()
	r, err := pipeline.Consolidate(sc.Set, sc.Raw, report.Policy{Severity: sc.Severity, FailOn: sc.FailOn}, report.Meta{
		Branch: "cache-from-disk", ToolVersion: "v0.0.0-test", GeneratedAt: reporttest.GeneratedAt,
		Options: map[string]string{"base": "origin/main"},
	})
	if err != nil {
		t.Fatalf("build %s: %v", sc.Name, err)
	}
	return r
}

func TestGolden(t *testing.T) {
	for _, sc := range reporttest.Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			r := build(t, sc)
			formats := []string{"markdown", "json"}
			if sc.Name == "full" || sc.Name == "unchanged" {
				formats = append(formats, "sarif", "rdjsonl", "text")
			}
			for _, format := range formats {
				var buf bytes.Buffer
				if err := render.Write(&buf, format, r, render.Options{}); err != nil {
					t.Fatalf("%s: %v", format, err)
				}
				golden.Check(t, filepath.Join(goldenDir, sc.Name+"."+ext(format)), buf.Bytes())
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

// TestTerminalViewGolden fixes the text format's layout at 80 columns:
// without color, with color, and with --full; the footer names where the
// report was saved.
func TestTerminalViewGolden(t *testing.T) {
	r := build(t, scenarioByName(t, "full"))
	for _, c := range []struct {
		name string
		opts render.Options
	}{
		{"full.view.txt", render.Options{TTY: true, NoColor: true, Width: 80, SavedIn: ".git/quorum/reports/20261127-0902-abc1234"}},
		{"full.view.color.txt", render.Options{TTY: true, Width: 80, SavedIn: ".git/quorum/reports/20261127-0902-abc1234"}},
		{"full.view-full.txt", render.Options{TTY: true, NoColor: true, Width: 80, Full: true}},
	} {
		var buf bytes.Buffer
		if err := render.Write(&buf, "text", r, c.opts); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join(goldenDir, c.name), buf.Bytes())
	}
}
