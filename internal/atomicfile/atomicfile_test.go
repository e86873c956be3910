package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
	"time"
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

// old makes path look written two StaleAges ago, as a temp file a SIGKILL
// left behind in an earlier run would.
func old(t *testing.T, path string) {
	t.Helper()
	then := time.Now().Add(-2 * StaleAge)
	if err := os.Chtimes(path, then, then); err != nil {
		t.Fatal(err)
	}
}

// A temp file left by a killed Write is removed by the next Write to the
// same path once it is older than StaleAge; a fresh one (perhaps another
// process's write in progress) and other files are left alone.
func TestWriteRemovesStaleTempFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.json")
	stale := filepath.Join(dir, ".f.json.tmp123456")
	fresh := filepath.Join(dir, ".f.json.tmp999999")
	other := filepath.Join(dir, ".g.json.tmp111")
	for _, p := range []string{stale, fresh, other} {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old(t, stale)
	old(t, other)
	if err := Write(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temp file still there (%v)", err)
	}
	for _, p := range []string{fresh, other} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed: %v", filepath.Base(p), err)
		}
	}
}

func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{".a.tmp1", ".b.tmp2", "keep.json"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		old(t, filepath.Join(dir, n))
	}
	if err := os.WriteFile(filepath.Join(dir, ".c.tmp3"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	n, err := RemoveStale(dir, IsTemp, time.Now().Add(-StaleAge))
	if err != nil || n != 2 {
		t.Fatalf("removed %d, %v; want 2", n, err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	hidden, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(left) != 2 || len(hidden) != 1 || filepath.Base(hidden[0]) != ".c.tmp3" {
		t.Errorf("left %v %v", left, hidden)
	}
	if n, err := RemoveStale(filepath.Join(dir, "missing"), IsTemp, time.Now()); n != 0 || err != nil {
		t.Errorf("missing dir: %d, %v", n, err)
	}
}
