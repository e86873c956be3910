package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "deeper", "f.txt")
	for _, tc := range []struct {
		data string
		perm os.FileMode
	}{
		{"first\n", 0o644},
		{"second, replacing the first\n", 0o755},
		{"", 0o600},
	} {
		if err := Write(path, []byte(tc.data), tc.perm); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != tc.data {
			t.Fatalf("content %q %v, want %q", got, err, tc.data)
		}
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != tc.perm {
			t.Fatalf("mode %v %v, want %v", fi.Mode().Perm(), err, tc.perm)
		}
		assertOnly(t, filepath.Dir(path), "f.txt")
	}
}

func TestWriteFailureLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.MkdirAll(filepath.Join(target, "child"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Renaming a file over a non-empty directory fails.
	if err := Write(target, []byte("x"), 0o644); err == nil {
		t.Fatal("writing over a directory succeeded")
	}
	assertOnly(t, dir, "target")
	if fi, err := os.Stat(target); err != nil || !fi.IsDir() {
		t.Fatalf("target changed: %v %v", fi, err)
	}
}

func TestWriteParentIsFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(filepath.Join(file, "x"), []byte("x"), 0o644); err == nil {
		t.Fatal("writing under a file succeeded")
	}
	assertOnly(t, dir, "file")
}

// assertOnly fails unless dir holds exactly the one entry name.
func assertOnly(t *testing.T, dir, name string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != name {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("%s holds %v, want only %s", dir, names, name)
	}
}
