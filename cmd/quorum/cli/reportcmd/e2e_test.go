package reportcmd_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/cmd/quorum/cli"
	"github.com/quorum-review/quorum/diff/difftest"
	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/internal/reportstore"
)

// Real reviews against the fake server: a cached re-run of the same review
// saves a new report whose diff.json is the first one's file, every save
// prunes to reports.keep, and 'report prune' and 'report show' work on what
// the reviews saved.
func TestReviewsShareDiffAndPrune(t *testing.T) {
	r := difftest.New(t)
	r.Write("calc.go", "package calc\n\nfunc Double(n int) int {\n\treturn n * 2\n}\n")
	r.Commit("initial")
	r.Git("checkout", "-q", "-b", "feature")
	r.Write("calc.go", "package calc\n\nfunc Double(n int) int {\n\treturn n * 3\n}\n")
	r.Commit("calc: fix Double")
	srv := ollamatest.New(t, ollamatest.Config{})
	vars := map[string]string{
		"OLLAMA_HOST":         srv.Host,
		"QUORUM_CACHE_DIR":    t.TempDir(),
		"HOME":                r.Home,
		"XDG_CONFIG_HOME":     filepath.Join(r.Home, ".config"),
		"QUORUM_REPORTS_KEEP": "2",
	}
	quorum := func(args ...string) (int, string, string) {
		t.Helper()
		f, out, errOut := cmdtest.NewFactory(r.Dir, vars)
		f.Now = time.Now
		return cli.Run(context.Background(), f, args), out.String(), errOut.String()
	}
	for i := 0; i < 3; i++ {
		if code, _, errOut := quorum("review", "-q"); code > 1 {
			t.Fatalf("review %d: exit %d\n%s", i, code, errOut)
		}
	}
	if calls := srv.ModelCalls(); calls == 0 {
		t.Fatal("no model call")
	}
	gd := filepath.Join(r.Dir, ".git")
	entries, err := reportstore.List(gd)
	if err != nil || len(entries) != 2 {
		t.Fatalf("after 3 reviews with reports.keep 2: %+v, %v", entries, err)
	}
	a, err := os.Stat(filepath.Join(entries[0].Dir, reportstore.DiffJSON))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.Stat(filepath.Join(entries[1].Dir, reportstore.DiffJSON))
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(a, b) {
		t.Error("the cached re-run saved a second copy of the same diff.json")
	}
	if blobs, _ := filepath.Glob(filepath.Join(reportstore.DiffsRoot(gd), "*")); len(blobs) != 1 {
		t.Errorf("diff blobs: %v", blobs)
	}

	code, out, errOut := quorum("report", "prune", "--keep", "1")
	if code != 0 || errOut != "" || !strings.HasPrefix(out, "removed "+entries[1].ID+" (") || !strings.Contains(out, "removed 1 report (") {
		t.Errorf("prune: exit %d, stderr %q\n%s", code, errOut, out)
	}
	code, out, _ = quorum("report", "show")
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if code != 0 || !strings.Contains(lines[len(lines)-1], " · saved in "+filepath.Join(".git", "quorum", "reports", entries[0].ID, "report.md")) {
		t.Errorf("show: exit %d\n%s", code, out)
	}
	if code, out, _ := quorum("review", "--replay", "latest", "-q"); code > 1 || out == "" {
		t.Errorf("replay of the kept report: exit %d\n%s", code, out)
	}
}
