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
