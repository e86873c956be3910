package diff

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff/difftest"
	"github.com/quorum-review/quorum/internal/crash"
)

// A panic in the emitter goroutine (the caller's each, or the skip rules)
// reaches Stream's caller as a carried panic, in its own goroutine, for the
// command line's recover (exit 3); before, it ended the process from the
// emitter with Go's exit 2. The parser stops at its next batch and asks for
// no more head blobs, so a diff of many modified files (each wanting its
// head blob, whose answers nobody reads once the emitter is gone) does not
// hang; and the parser's own recover, which turns go-diff's panics into a
// corrupt-diff error, lets the carried panic through.
func TestStreamCarriesAnEmitterPanic(t *testing.T) {
	for _, modified := range []bool{false, true} {
		t.Run(fmt.Sprintf("modified=%v", modified), func(t *testing.T) {
			r := difftest.NewIsolated(t)
			r.Write("README", "readme\n")
			const n = 2500
			body := func(v string) string {
				return "package f\n\n" + strings.Repeat("// a line of the file, long enough that blobs fill pipes\n", 60) + "var V = " + v + "\n"
			}
			if modified {
				for i := range n {
					r.Write(fmt.Sprintf("f%04d.go", i), body("1"))
				}
			}
			r.Commit("base")
			r.Git("checkout", "-q", "-b", "feature")
			for i := range n {
				r.Write(fmt.Sprintf("f%04d.go", i), body("2"))
			}
			r.Commit("change")
			defer func() {
				value, stack := crash.Report(recover())
				if value != "bug in each" || !strings.Contains(string(stack), "eachThatPanics") {
					t.Fatalf("recovered %q, with a stack not the emitter's:\n%s", value, stack)
				}
			}()
			_, _ = Stream(context.Background(), Options{Dir: r.Dir}, nil, eachThatPanics)
			t.Fatal("Stream returned after its each panicked")
		})
	}
}

func eachThatPanics(f *File) error {
	if f.Path == "f0000.go" {
		panic("bug in each")
	}
	return nil
}

// modifiedRepo is a repository whose feature branch changes the last line
// of n Go files: each wants its head blob from cat-file (the generated-code
// check reads a file's first lines, which the patch does not show).
func modifiedRepo(t *testing.T, n int) string {
	t.Helper()
	r := difftest.NewIsolated(t)
	body := func(v string) string {
		return "package f\n\n" + strings.Repeat("// a line the patch leaves out of its context\n", 20) + "var V = " + v + "\n"
	}
	for i := range n {
		r.Write(fmt.Sprintf("f%02d.go", i), body("1"))
	}
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "feature")
	for i := range n {
		r.Write(fmt.Sprintf("f%02d.go", i), body("2"))
	}
	r.Commit("change")
	return r.Dir
}

// streamMustCarry runs Stream on dir and requires that it panics, on the
// calling goroutine, with value and a stack holding frame: the panic of a
// worker goroutine, carried, not one that ended the process from there.
func streamMustCarry(t *testing.T, dir, value, frame string) {
	t.Helper()
	defer func() {
		p, ok := recover().(*crash.Panic)
		if !ok {
			t.Fatalf("Stream did not throw a carried panic (a *crash.Panic)")
		}
		if v, stack := crash.Report(p); v != value || !strings.Contains(string(stack), frame) {
			t.Fatalf("recovered %q, want %q, with a stack holding %s:\n%s", v, value, frame, stack)
		}
	}()
	_, _ = Stream(context.Background(), Options{Dir: dir}, nil, func(*File) error { return nil })
	t.Fatal("Stream returned after a worker goroutine panicked")
}

// A panic in the goroutine that reads cat-file's answers reaches Stream's
// caller, whether the emitter was waiting for an answer (next throws it) or
// had every answer already (close throws it).
func TestStreamCarriesABlobReaderPanic(t *testing.T) {
	const n = 5
	dir := modifiedRepo(t, n)
	defer func() { testBlobRead = nil }()
	for _, tc := range []struct {
		name  string
		after int // answers read before the panic
	}{
		{"waited for", 0},
		{"after the last answer", n},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			testBlobRead = func() {
				if calls == tc.after {
					blobReaderThatPanics()
				}
				calls++
			}
			streamMustCarry(t, dir, "bug in the blob reader", "blobReaderThatPanics")
		})
	}
	// Without the hook the same diff streams as before.
	testBlobRead = nil
	set, err := Load(context.Background(), Options{Dir: dir})
	if err != nil || len(set.Files) != n {
		t.Fatalf("after the panics: %v, %d files", err, len(set.Files))
	}
}

func blobReaderThatPanics() { panic("bug in the blob reader") }

// A panic in the goroutine that writes paths to check-attr reaches Stream's
// caller; check-attr is ended, so the reads of its answers do not wait for
// paths that were never written.
func TestStreamCarriesAnAttrWriterPanic(t *testing.T) {
	dir := modifiedRepo(t, 3)
	defer func() { testAttrWrite = nil }()
	testAttrWrite = attrWriterThatPanics
	streamMustCarry(t, dir, "bug in the check-attr writer", "attrWriterThatPanics")
}

func attrWriterThatPanics() { panic("bug in the check-attr writer") }
