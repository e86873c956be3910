package diff

import (
	"os"
	"testing"
)

// TestMain drops git's location variables: the fixtures are repositories
// of their own, and a GIT_DIR exported by the shell (a rebase --exec, a
// hook) would point every test at the caller's repository instead.
func TestMain(m *testing.M) {
	for _, v := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR", "GIT_CEILING_DIRECTORIES"} {
		os.Unsetenv(v)
	}
	os.Exit(m.Run())
}
