package reportcmd_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/exitcode"
)

// A saved report missing one of its files, or with one turned into
// something unreadable, is a setup error with a hint saying what to run,
// never an internal failure.
func TestDamagedSavedReport(t *testing.T) {
	const id = "20261127-100205-abc123e" // the newest of repo's two reports
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, rd string)
		args   string
		msg    string // the error line, up to the first path
		hint   string // the hint line, after the report's directory when it names one
	}{
		{"raw.json missing", func(t *testing.T, rd string) { remove(t, rd, "raw.json") },
			"review --replay latest",
			"error: report " + id + " has no raw.json: its reviewers' answers were not saved",
			"hint: run 'quorum review' again to make a report that can be replayed, or pick another one from 'quorum report list'"},
		{"raw.json missing, by id prefix", func(t *testing.T, rd string) { remove(t, rd, "raw.json") },
			"review --replay 20261127-10 --raw",
			"error: report " + id + " has no raw.json: its reviewers' answers were not saved",
			"hint: run 'quorum review' again to make a report that can be replayed, or pick another one from 'quorum report list'"},
		{"raw.json unreadable", func(t *testing.T, rd string) { remove(t, rd, "raw.json"); mkdir(t, rd, "raw.json") },
			"review --replay latest",
			"error: read raw results: read ",
			" aside (or delete it) and run 'quorum review' again, or pick another report from 'quorum report list'"},
		{"diff.json unreadable", func(t *testing.T, rd string) { mkdir(t, rd, "diff.json") },
			"review --replay latest",
			"error: read saved diff: read ",
			" aside (or delete it) and run 'quorum review' again, or pick another report from 'quorum report list'"},
		{"report.json missing", func(t *testing.T, rd string) { remove(t, rd, "report.json") },
			"report show",
			"error: read report " + id + ": open ",
			" aside (or delete it), or pick another report from 'quorum report list'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := repo(t)
			tc.damage(t, filepath.Join(dir, ".git", "quorum", "reports", id))
			code, _, stderr := run(t, dir, tc.args)
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if code != exitcode.Setup || len(lines) != 2 || !strings.HasPrefix(lines[0], tc.msg) ||
				!strings.HasPrefix(lines[1], "hint: ") || !strings.HasSuffix(lines[1], tc.hint) {
				t.Errorf("exit %d, stderr:\n%swant exit 2, %q..., hint ...%q", code, stderr, tc.msg, tc.hint)
			}
		})
	}
}

func remove(t *testing.T, dir, name string) {
	t.Helper()
	if err := os.Remove(filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
}

func mkdir(t *testing.T, dir, name string) {
	t.Helper()
	if err := os.Mkdir(filepath.Join(dir, name), 0o755); err != nil {
		t.Fatal(err)
	}
}
