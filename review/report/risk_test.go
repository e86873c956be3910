package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report"
)

// An untested scenario's risk is read in any case and spacing, control
// sequences dropped; any other value (or none) is unrated, never shown as
// a low risk the reviewer did not give, and sorts after the rated ones.
func TestUntestedRiskUnknownIsUnrated(t *testing.T) {
	sc := scenario(t, "agree")
	res := &sc.Raw.Results[0]
	if len(res.Chunks) == 0 || res.Chunks[0].Answer == nil {
		t.Fatal("scenario has no answer")
	}
	res.Chunks[0].Answer.Untested = []review.Untested{
		{Scenario: "A escaped", Risk: "high\x1b[31m"},
		{Scenario: "B spaced", Risk: " Medium "},
		{Scenario: "C severe", Risk: "severe"},
		{Scenario: "D none", Risk: ""},
		{Scenario: "E low", Risk: "LOW"},
	}
	r := build(t, sc, report.Policy{})
	var got []string
	for _, u := range r.Untested {
		got = append(got, u.Scenario+"="+u.Risk)
	}
	if want := "A escaped=high B spaced=medium E low=low C severe= D none="; strings.Join(got, " ") != want {
		t.Errorf("untested = %q, want %q", strings.Join(got, " "), want)
	}
	var b bytes.Buffer
	if err := render.Markdown(&b, r, render.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"**high** — A escaped", "**low** — E low", "**unrated** — C severe", "**unrated** — D none"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the Markdown does not hold %q", want)
		}
	}
}
