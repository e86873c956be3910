package reportcmd_test

import (
	"context"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/cmd/quorum/cli"
)

// showOn runs `quorum report ARGS` in dir with stdout a terminal or not,
// and a pager that marks every line it pages.
func showOn(t *testing.T, dir string, tty bool, args string) (int, string, string) {
	t.Helper()
	f, out, errOut := factory(dir)
	f.IOStreams.StdoutTTY = tty
	f.IOStreams.Pager = "sed 's/^/paged: /'"
	code := cli.Run(context.Background(), f, strings.Fields(args))
	return code, out.String(), errOut.String()
}

// The text view of a saved report is the one 'quorum review' prints: the
// verdict first, metadata, retro, metrics and coverage only with --full,
// and a footer with the verdict, where the report is and how to dismiss.
func TestShowLeadsWithVerdict(t *testing.T) {
	dir := repo(t)
	code, out, errOut := run(t, dir, "report show 20261127-09")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "FAIL  ") {
		t.Errorf("first line %q, want the verdict", lines[0])
	}
	footer := lines[len(lines)-1]
	if want := `FAIL · saved in .git/quorum/reports/20261127-090205-abc123a/report.md · quorum dismiss ID --reason "..."`; footer != want {
		t.Errorf("footer\n%q\nwant\n%q", footer, want)
	}
	for _, hidden := range []string{"Metrics", "Coverage", "Retro"} {
		if strings.Contains(out, hidden) {
			t.Errorf("default view shows %s:\n%s", hidden, out)
		}
	}
	if !strings.Contains(out, "--full") {
		t.Errorf("default view does not say what --full adds:\n%s", out)
	}

	code, full, _ := run(t, dir, "report show 20261127-09 --full")
	if code != 0 || !strings.HasPrefix(full, "FAIL  ") || !strings.HasSuffix(full, footer+"\n") {
		t.Fatalf("--full: exit %d\n%s", code, full)
	}
	for _, shown := range []string{"Metrics", "Coverage", "Commit structure"} {
		if !strings.Contains(full, shown) {
			t.Errorf("--full does not show %s:\n%s", shown, full)
		}
	}
	// The empty report has no findings: no dismiss hint in its footer.
	_, out, _ = run(t, dir, "report show")
	if lines := strings.Split(strings.TrimRight(out, "\n"), "\n"); lines[len(lines)-1] != "EMPTY · saved in .git/quorum/reports/20261127-100205-abc123e/report.md" {
		t.Errorf("empty report's footer: %q", lines[len(lines)-1])
	}
}

// On a terminal the text view goes through $PAGER; --no-pager, a pipe or
// another format print it straight.
func TestShowPager(t *testing.T) {
	dir := repo(t)
	code, out, errOut := showOn(t, dir, true, "report show 20261127-09")
	if code != 0 || errOut != "" || !strings.HasPrefix(out, "paged: FAIL") || strings.Count(out, "paged: ") != strings.Count(out, "\n") {
		t.Errorf("terminal: exit %d, stderr %q\n%s", code, errOut, out)
	}
	for _, tt := range []struct {
		tty  bool
		args string
	}{
		{true, "report show 20261127-09 --no-pager"},
		{false, "report show 20261127-09"},
		{true, "report show 20261127-09 --format markdown"},
		{true, "report show 20261127-09 --format json"},
	} {
		code, out, _ := showOn(t, dir, tt.tty, tt.args)
		if code != 0 || out == "" || strings.Contains(out, "paged: ") {
			t.Errorf("%s (terminal %v): exit %d, paged:\n%s", tt.args, tt.tty, code, out)
		}
	}
}
