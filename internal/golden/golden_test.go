package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder captures failures instead of failing the enclosing test.
type recorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.msg = fmt.Sprintf(format, args...)
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	panic(r)
}
func (r *recorder) Fatal(args ...any) { r.failed = true; panic(r) }

func check(r *recorder, path string, got []byte) {
	defer func() {
		if p := recover(); p != nil && p != r {
			panic(p)
		}
	}()
	Check(r, path, got)
}

func TestCheck(t *testing.T) {
	saved := *update
	t.Cleanup(func() { *update = saved })
	*update = false
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "out.txt")

	r := &recorder{TB: t}
	check(r, path, []byte("a\n"))
	if !r.failed || !strings.Contains(r.msg, "-update") {
		t.Fatalf("missing golden: failed %v %q", r.failed, r.msg)
	}

	*update = true
	r = &recorder{TB: t}
	check(r, path, []byte("a\nb\n"))
	*update = false
	if r.failed {
		t.Fatalf("update failed: %s", r.msg)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "a\nb\n" {
		t.Fatalf("written %q %v", b, err)
	}

	r = &recorder{TB: t}
	check(r, path, []byte("a\nb\n"))
	if r.failed {
		t.Fatalf("same output failed: %s", r.msg)
	}

	r = &recorder{TB: t}
	check(r, path, []byte("a\nc\n"))
	if !r.failed || !strings.Contains(r.msg, "line 2:") || !strings.Contains(r.msg, `"c"`) || !strings.Contains(r.msg, "--- got ---\na\nc\n") {
		t.Fatalf("differing output: failed %v %q", r.failed, r.msg)
	}
}
