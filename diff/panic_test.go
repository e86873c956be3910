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
// emitter with Go's exit 2. The parser keeps draining meanwhile, so a diff
// of many files does not hang.
func TestStreamCarriesAnEmitterPanic(t *testing.T) {
	r := difftest.NewIsolated(t)
	r.Write("README", "readme\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "feature")
	for i := range 200 {
		r.Write(fmt.Sprintf("f%03d.go", i), "package f\n")
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
}

func eachThatPanics(f *File) error {
	if f.Path == "f000.go" {
		panic("bug in each")
	}
	return nil
}
