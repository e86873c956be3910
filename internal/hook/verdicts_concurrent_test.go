package hook

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/filelock"
)

// Two pushes reviewed at once (two work trees share the file, or a second
// terminal) each load the verdicts before a review of minutes and record
// after it: neither verdict may be lost, and a pass forgets only its own
// commits' block.
func TestConcurrentPushesKeepEachVerdict(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatal(err, string(out))
	}
	ctx := context.Background()
	load := func() *Verdicts {
		t.Helper()
		v, err := LoadVerdicts(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	a, b := load(), load() // both pushes start their reviews
	if err := a.Record([]string{"aaaa"}, &Blocked{Report: "A"}); err != nil {
		t.Fatal(err)
	}
	if err := b.Record([]string{"bbbb"}, &Blocked{Report: "B"}); err != nil {
		t.Fatal(err)
	}
	if v := load(); v.Lookup("aaaa") == nil || v.Lookup("bbbb") == nil {
		t.Fatalf("a verdict was lost: %+v", v.Blocked)
	}
	// A stale copy that passes bbbb forgets B's block only.
	if err := a.Record([]string{"bbbb"}, nil); err != nil {
		t.Fatal(err)
	}
	if v := load(); v.Lookup("aaaa") == nil || v.Lookup("bbbb") != nil {
		t.Fatalf("after the pass: %+v", v.Blocked)
	}
	// Many at once: every block is kept.
	var wg sync.WaitGroup
	for _, c := range []string{"c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"} {
		v := load()
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := v.Record([]string{c}, &Blocked{Report: c}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	v := load()
	for _, c := range []string{"aaaa", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"} {
		if v.Lookup(c) == nil {
			t.Errorf("%s lost: %d verdicts", c, len(v.Blocked))
		}
	}
}

// A verdicts file another push keeps locked past verdictsLockWait is an
// error naming the file, not a hang past hook.timeout; once released, the
// record goes through and the lock file is gone.
func TestVerdictsLockWaitIsBounded(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatal(err, string(out))
	}
	v, err := LoadVerdicts(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	held, err := filelock.Acquire(t.Context(), v.path+".lock", 0)
	if err != nil {
		t.Fatal(err)
	}
	was := verdictsLockWait
	verdictsLockWait = 20 * time.Millisecond // the wait is not what is tested
	defer func() { verdictsLockWait = was }()
	err = v.Record([]string{"aaaa"}, &Blocked{Report: "A"})
	if err == nil || !strings.Contains(err.Error(), v.path+" stayed locked by another quorum process") {
		t.Fatalf("got %v", err)
	}
	if err := held.Release(); err != nil {
		t.Fatal(err)
	}
	if err := v.Record([]string{"aaaa"}, &Blocked{Report: "A"}); err != nil || v.Lookup("aaaa") == nil {
		t.Fatalf("after release: %v", err)
	}
	if _, err := os.Stat(v.path + ".lock"); !os.IsNotExist(err) {
		t.Errorf("lock file left: %v", err)
	}
}
