package diff

import (
	"errors"
	"os/exec"
	"testing"

	"github.com/quorum-review/quorum/internal/gitexec"
)

// TestSHA256RepositoryIsNamed: go-git reads SHA-1 repositories only. A
// SHA-256 one is named as such (it was "cannot open git repository:
// unknown extension", with a hint to run git fsck), by Load and before it
// by UnsupportedAt, which doctor and hook install ask.
func TestSHA256RepositoryIsNamed(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", "--object-format=sha256", dir).CombinedOutput(); err != nil {
		t.Skipf("git cannot make a SHA-256 repository: %v %s", err, out)
	}
	e := UnsupportedAt(dir)
	if e == nil || e.Kind != UnsupportedFormat || e.Dir == "" {
		t.Fatalf("UnsupportedAt = %v", e)
	}
	for _, g := range []*gitexec.Git{{}, nil} {
		_, err := Load(t.Context(), Options{Dir: dir, Git: g})
		var de *Error
		if !errors.As(err, &de) || de.Kind != UnsupportedFormat || de.Error() != e.Error() {
			t.Errorf("git %v: Load: %v", g != nil, err)
		}
	}
	if e.Error() != dir+" is a SHA-256 repository (extensions.objectFormat), and quorum reads SHA-1 repositories only" {
		t.Errorf("message %q", e.Error())
	}
	if UnsupportedAt(t.TempDir()) != nil {
		t.Error("no repository is an unsupported one")
	}
}
