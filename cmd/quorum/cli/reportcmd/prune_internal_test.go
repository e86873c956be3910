package reportcmd

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/reportstore"
)

// A report that cannot be removed (a read-only git dir) is a setup error:
// what was removed is still listed, then one error line and a hint.
func TestPruneRemoveFails(t *testing.T) {
	ios, _, out, errOut := iostreams.Test()
	opts := &PruneOptions{
		IO:     ios,
		GitDir: func() (string, error) { return "/repo/.git", nil },
		Config: func() (*config.Config, error) { return config.Default(), nil },
		Keep:   1, KeepSet: true,
		Prune: func(string, reportstore.Limits, string, bool) (reportstore.PruneResult, error) {
			return reportstore.PruneResult{
				Removed: []reportstore.Removed{{Entry: reportstore.Entry{ID: "20261127-090205-abc1234", Verdict: "pass"}, Bytes: 2000, Reason: "keep"}},
				Kept:    2,
			}, fmt.Errorf("prune reports: %w", &fs.PathError{Op: "rename", Path: "/repo/.git/quorum/reports/20261127-090305-abc1234", Err: fs.ErrPermission})
		},
	}
	err := pruneRun(opts)
	if exitcode.Of(err) != exitcode.Setup || !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("err = %v (exit %d)", err, exitcode.Of(err))
	}
	if want := "removed 20261127-090205-abc1234 (pass, 0 findings; 2 KB; beyond the newest 1)\n"; out.String() != want {
		t.Errorf("stdout %q, want %q", out.String(), want)
	}
	code := errmap.Print(errOut, err)
	want := "error: prune reports: rename /repo/.git/quorum/reports/20261127-090305-abc1234: permission denied\n" +
		"hint: check that /repo/.git/quorum/reports is writable, then run 'quorum report prune' again\n"
	if code != 2 || errOut.String() != want {
		t.Errorf("exit %d, stderr\n%q\nwant\n%q", code, errOut.String(), want)
	}
}
