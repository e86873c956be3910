package render_test

import (
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// A file left out for its size is code nobody read: the short view names
// it; files left out by rule (binary, generated, ignored) are not listed.
func TestTerminalViewNamesTooLargeFiles(t *testing.T) {
	r := build(t, reporttest.Scenarios()[0])
	r.Skipped = []report.Skipped{{File: "huge.go", Reason: diff.SkipTooLarge}, {File: "logo.png", Reason: diff.SkipBinary}}
	var b strings.Builder
	if err := render.Text(&b, r, render.Options{Width: 100}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "Not reviewed, too large: `huge.go`.") || strings.Contains(b.String(), "logo.png") {
		t.Fatalf("view:\n%s", b.String())
	}
}

// A reviewer with no measured rate (answered from the cache, or a server
// that reports no eval time) shows "–" in the retro, not 0.0 tokens/s.
func TestRetroUnknownRate(t *testing.T) {
	r := build(t, reporttest.Scenarios()[0])
	r.Reviewers[0].TokensPerSec = 0
	var b strings.Builder
	if err := render.Markdown(&b, r, render.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(l, "| "+r.Reviewers[0].Name+" |") && strings.Contains(l, "| 0.0 |") {
			t.Fatalf("retro row %q", l)
		}
	}
	if !strings.Contains(b.String(), " | – | ") {
		t.Fatalf("no '–' rate:\n%s", b.String())
	}
}
