package report_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report"
)

// TestReviewerNotes: where an answer was read differently from what the
// model wrote (raw.json's chunk notes), the reviewer's retro says so, each
// note once, in one order whatever the chunks' order.
func TestReviewerNotes(t *testing.T) {
	sc := scenario(t, "agree")
	res := &sc.Raw.Results[0]
	if len(res.Chunks) == 0 {
		t.Fatal("scenario has no chunks")
	}
	res.Chunks[0].Notes = []string{`category "sql" is not in the schema: read as "other"`, `11 findings: kept the 10 most severe, left out "Name x better"`}
	res.Chunks = append(res.Chunks, res.Chunks[0])
	res.Chunks[len(res.Chunks)-1].Notes = []string{`11 findings: kept the 10 most severe, left out "Name x better"`}
	r := build(t, sc, report.Policy{})
	var rv *report.Reviewer
	for i := range r.Reviewers {
		if r.Reviewers[i].Name == res.Reviewer.Name {
			rv = &r.Reviewers[i]
		}
	}
	want := []string{`11 findings: kept the 10 most severe, left out "Name x better"`, `category "sql" is not in the schema: read as "other"`}
	if rv == nil || !slices.Equal(rv.Notes, want) {
		t.Fatalf("notes = %q, want %q", rv.Notes, want)
	}
	for _, other := range r.Reviewers {
		if other.Name != res.Reviewer.Name && len(other.Notes) > 0 {
			t.Errorf("%s has notes %q", other.Name, other.Notes)
		}
	}
	var b bytes.Buffer
	if err := render.Markdown(&b, r, render.Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `answer read differently: category "sql" is not in the schema: read as "other"`) {
		t.Errorf("the retro does not give the note:\n%s", b.String())
	}
}
