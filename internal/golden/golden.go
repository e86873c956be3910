// Package golden compares test output with golden files and rewrites them when tests run with -update.
package golden

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// update is registered once here so every test package that checks golden
// files accepts `go test ./PKG -update`.
var update = flag.Bool("update", false, "rewrite the golden files instead of comparing with them")

// Check compares got with the file at path. With -update it writes got
// there instead (creating the directory), so the change shows in git diff
// for review.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (rerun go test with -update and review the diff)\n%s\n--- got ---\n%s", path, firstDiff(want, got), got)
	}
}

// firstDiff names the first line where want and got part, which is where
// to look in a long output.
func firstDiff(want, got []byte) string {
	w, g := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := 0; i < len(w) || i < len(g); i++ {
		switch {
		case i >= len(w):
			return fmt.Sprintf("line %d: golden ends, got %q", i+1, g[i])
		case i >= len(g):
			return fmt.Sprintf("line %d: got ends, golden has %q", i+1, w[i])
		case !bytes.Equal(w[i], g[i]):
			return fmt.Sprintf("line %d:\n  golden: %q\n  got:    %q", i+1, w[i], g[i])
		}
	}
	return ""
}
