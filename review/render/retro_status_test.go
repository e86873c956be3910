package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review/report"
)

// TestRetroSaysPartlyAnswered: a reviewer that answered part of the diff
// before its server went away is "partly answered" in the retro, as its
// status says, not "failed".
func TestRetroSaysPartlyAnswered(t *testing.T) {
	r := &report.Report{Schema: report.Schema, Tool: "quorum", Reviewers: []report.Reviewer{
		{Name: "alpha", Status: "partial", Chunks: 4, FailedChunks: 1, Error: "cut off mid-answer (unexpected EOF)"},
		{Name: "beta", Status: "failed", Error: "model server unreachable"},
	}}
	var md bytes.Buffer
	if err := Markdown(&md, r, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"partly answered: cut off mid-answer (unexpected EOF)", "failed: model server unreachable"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("retro lacks %q:\n%s", want, md.String())
		}
	}
	if strings.Contains(md.String(), "failed: cut off") {
		t.Errorf("the partial reviewer is said to have failed:\n%s", md.String())
	}
}

// TestRetroSaysReadNothing: a reviewer whose context no changed file fit
// answered every chunk it was given, and it was given none. Its retro row
// must not read as a plain "ok", as if it had reviewed the change.
func TestRetroSaysReadNothing(t *testing.T) {
	r := &report.Report{Schema: report.Schema, Tool: "quorum", Reviewers: []report.Reviewer{
		{Name: "tiny", Status: "ok", Chunks: 0},
		{Name: "big", Status: "ok", Chunks: 2},
	}, Coverage: report.Coverage{Reviewers: []string{"tiny", "big"}, Files: []report.FileCoverage{
		{Path: "min.js", By: map[string]string{"tiny": report.CoverTruncated, "big": report.CoverReviewed}},
	}}}
	var md bytes.Buffer
	if err := Markdown(&md, r, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| tiny | ok, read nothing |", "**tiny**: read nothing: no changed file fit its context", "| big | ok |"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("retro lacks %q:\n%s", want, md.String())
		}
	}
	if strings.Contains(md.String(), "**big**: read nothing") {
		t.Errorf("a reviewer that read two chunks is said to have read nothing:\n%s", md.String())
	}
}
