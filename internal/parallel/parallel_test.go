package parallel

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/crash"
)

// manyCores lets For split even on a one-core machine.
func manyCores(t *testing.T) {
	prev := runtime.GOMAXPROCS(4)
	t.Cleanup(func() { runtime.GOMAXPROCS(prev) })
}

func TestForCallsEachIndexOnceOverSeveralGoroutines(t *testing.T) {
	manyCores(t)
	for _, n := range []int{0, 1, perWorker - 1, 2 * perWorker, 5*perWorker + 3} {
		calls := make([]int, n)
		var mu sync.Mutex
		goroutines := map[string]bool{}
		For(n, func(i int) {
			calls[i]++
			mu.Lock()
			goroutines[goroutineID()] = true
			mu.Unlock()
		})
		for i, c := range calls {
			if c != 1 {
				t.Fatalf("n=%d: index %d called %d times", n, i, c)
			}
		}
		if n >= 2*perWorker && len(goroutines) < 2 {
			t.Errorf("n=%d: ran on %d goroutine(s), want the work split", n, len(goroutines))
		}
	}
}

// A panic in a worker reaches For's caller as a crash.Panic, so the
// command line's recover reports it; unrecovered in the worker it would
// end the process with Go's exit code 2.
func TestForCarriesAPanicToItsCaller(t *testing.T) {
	manyCores(t)
	var got any
	func() {
		defer func() { got = recover() }()
		For(4*perWorker, func(i int) {
			if i == 3*perWorker {
				panic("boom")
			}
		})
	}()
	p, ok := got.(*crash.Panic)
	if !ok || p.Value != "boom" {
		t.Fatalf("recovered %#v, want the worker's panic", got)
	}
}

func TestMemoBuildsEachKeyOnceAndKeysAlongside(t *testing.T) {
	manyCores(t)
	var m Memo[int, *int]
	var builds [8]atomic.Int32
	got := make([]*int, 4*perWorker)
	For(len(got), func(i int) {
		got[i] = m.Get(i%8, func() *int { builds[i%8].Add(1); v := i % 8; return &v })
	})
	for k := range builds {
		if n := builds[k].Load(); n != 1 {
			t.Errorf("key %d built %d times", k, n)
		}
	}
	for i, v := range got {
		if *v != i%8 || v != got[i%8] {
			t.Fatalf("Get(%d) = %d (%p), want the one value of key %d", i%8, *v, v, i%8)
		}
	}
	// Key 1 is built while key 0's build waits for it: one lock over all
	// builds would deadlock here.
	var n Memo[int, int]
	started := make(chan struct{})
	done := make(chan int)
	go func() {
		done <- n.Get(0, func() int {
			close(started)
			select {
			case v := <-done:
				return v
			case <-time.After(10 * time.Second):
				return -1
			}
		})
	}()
	<-started
	done <- n.Get(1, func() int { return 7 })
	if v := <-done; v != 7 {
		t.Fatalf("key 0 saw %d: key 1 was not built alongside", v)
	}
}

// A build that panics panics again for the next caller of its key, not
// handing it a zero value to carry on with.
func TestMemoBuildPanicIsEveryCallers(t *testing.T) {
	var m Memo[string, *int]
	for range 2 {
		func() {
			defer func() {
				if r := recover(); r != "broken" {
					t.Errorf("recovered %v, want the build's panic", r)
				}
			}()
			m.Get("k", func() *int { panic("broken") })
		}()
	}
}

// goroutineID is the calling goroutine's number, read from its stack's
// first line ("goroutine 7 [running]:").
func goroutineID() string {
	b := make([]byte, 64)
	b = b[:runtime.Stack(b, false)]
	return strings.Fields(string(b))[1]
}
