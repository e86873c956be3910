package render_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// TestRetroShowsHost: a reviewer that ran on a server of its own is shown
// with that server in the header and the retro.
func TestRetroShowsHost(t *testing.T) {
	sc := reporttest.Scenarios()[0]
	sc.Raw.Results[1].Reviewer.Host = "http://127.0.0.1:11500"
	r, err := pipeline.Consolidate(sc.Set, sc.Raw, report.Policy{}, report.Meta{GeneratedAt: reporttest.GeneratedAt})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := render.Write(&b, "markdown", r, render.Options{}); err != nil {
		t.Fatal(err)
	}
	name := sc.Raw.Results[1].Reviewer.Name
	if !strings.Contains(b.String(), "| "+name+" @ `http://127.0.0.1:11500` |") || !strings.Contains(b.String(), "on `http://127.0.0.1:11500`") {
		t.Errorf("the retro does not show %s's host:\n%s", name, b.String())
	}
}
