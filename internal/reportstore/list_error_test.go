package reportstore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/exitcode"
)

// A reports path that is not a directory is the user's setup to fix (exit
// 2 with a hint), not a bug in quorum.
func TestListUnreadableStoreIsASetupError(t *testing.T) {
	gitDir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(gitDir, "quorum"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(Root(gitDir), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func() error{
		"list": func() error { _, err := List(gitDir); return err },
		"find": func() error { _, err := Find(gitDir, "latest"); return err },
	} {
		err := f()
		if err == nil || !strings.HasPrefix(err.Error(), "cannot read the saved reports:") ||
			exitcode.Of(err) != exitcode.Setup || !strings.Contains(exitcode.HintOf(err), "must be a directory") {
			t.Errorf("%s: err %v, code %d, hint %q", name, err, exitcode.Of(err), exitcode.HintOf(err))
		}
	}
}
