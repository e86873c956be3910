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
		// A report saved with sums.json: a file it lists that is gone or
		// changed is named as such.
		{"raw.json missing", func(t *testing.T, rd string) { remove(t, rd, "raw.json") },
			"review --replay latest",
			"error: saved review " + id + " lost its raw.json since it was saved",
			"hint: replay another saved review ('quorum report list'), or run 'quorum review' again on the same commits"},
		{"raw.json missing, by id prefix", func(t *testing.T, rd string) { remove(t, rd, "raw.json") },
			"review --replay 20261127-10 --raw",
			"error: saved review " + id + " lost its raw.json since it was saved",
			"hint: replay another saved review ('quorum report list'), or run 'quorum review' again on the same commits"},
		{"raw.json edited", func(t *testing.T, rd string) { write(t, rd, "raw.json", `{"schema":"quorum.raw/v1","results":[]}`) },
			"review --replay latest",
			"error: saved review " + id + ": raw.json changed since it was saved (its SHA-256 no longer matches sums.json)",
			"hint: replay another saved review ('quorum report list'), or run 'quorum review' again on the same commits"},
		{"raw.json unreadable", func(t *testing.T, rd string) { remove(t, rd, "raw.json"); mkdir(t, rd, "raw.json") },
			"review --replay latest",
			"error: read raw.json: read ",
			" aside (or delete it) and run 'quorum review' again, or pick another report from 'quorum report list'"},
		{"diff.json added since", func(t *testing.T, rd string) { mkdir(t, rd, "diff.json") },
			"review --replay latest",
			"error: saved review " + id + ": sums.json does not list its diff.json",
			"hint: replay another saved review ('quorum report list'), or run 'quorum review' again on the same commits"},
		{"diff.json unreadable, saved before sums.json", func(t *testing.T, rd string) { remove(t, rd, "sums.json"); mkdir(t, rd, "diff.json") },
			"review --replay latest",
			"error: read saved diff: read ",
			" aside (or delete it) and run 'quorum review' again, or pick another report from 'quorum report list'"},
		// A report saved before sums.json: the file's own errors.
		{"raw.json missing, saved before sums.json", func(t *testing.T, rd string) { remove(t, rd, "sums.json"); remove(t, rd, "raw.json") },
			"review --replay latest",
			"error: report " + id + " has no raw.json: its reviewers' answers were not saved",
			"hint: run 'quorum review' again to make a report that can be replayed, or pick another one from 'quorum report list'"},
		{"raw.json unreadable, saved before sums.json", func(t *testing.T, rd string) {
			remove(t, rd, "sums.json")
			remove(t, rd, "raw.json")
			mkdir(t, rd, "raw.json")
		},
			"review --replay latest",
			"error: read raw results: read ",
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

func write(t *testing.T, dir, name, body string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.Remove(p); err != nil { // a hard link: never edit the shared copy
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
