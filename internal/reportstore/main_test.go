package reportstore_test

import (
	"os"
	"testing"

	"github.com/quorum-review/quorum/diff/difftest"
)

// TestMain drops a GIT_DIR exported by the shell: the tests build their own
// repositories and must not be pointed at the caller's.
func TestMain(m *testing.M) {
	difftest.UnsetGitLocation()
	os.Exit(m.Run())
}
