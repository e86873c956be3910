package cmdutil

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestFromRoot(t *testing.T) {
	root := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", root).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v %s", err, out)
	}
	sub := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for dir, want := range map[string]string{root: "", sub: filepath.Join("a", "b"), t.TempDir(): ""} {
		if got := fromRoot(dir); got != want {
			t.Errorf("fromRoot(%s) = %q, want %q", dir, got, want)
		}
	}
}
