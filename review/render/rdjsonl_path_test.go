package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review/report"
)

// TestRDJSONLPathsFromTheWorkingDirectory: reviewdog reads an rdjsonl path
// from the directory it runs in, so run from sub/ the paths lead back up
// to the repository's files; from the root they are the repository's.
func TestRDJSONLPathsFromTheWorkingDirectory(t *testing.T) {
	r := &report.Report{Findings: []report.Finding{
		{ID: "q1", Title: "T", Severity: "important", Category: "bug", File: "base.go", Line: 3, EndLine: 3, Reviewers: []string{"x"}, SeenBy: 1},
		{ID: "q2", Title: "U", Severity: "important", Category: "bug", File: "sub/in.go", Line: 4, EndLine: 4, Reviewers: []string{"x"}, SeenBy: 1},
	}}
	for from, want := range map[string][]string{
		"":    {`"path":"base.go"`, `"path":"sub/in.go"`},
		"sub": {`"path":"../base.go"`, `"path":"in.go"`},
	} {
		var b bytes.Buffer
		if err := RDJSONL(&b, r, Options{FromRoot: from}); err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("from %q: no %s in\n%s", from, w, b.String())
			}
		}
	}
}
