// Package parallel spreads independent per-item work over the cores.
package parallel

import (
	"runtime"
	"sync"

	"github.com/quorum-review/quorum/internal/crash"
)

// perWorker is the fewest items a worker goroutine is started for: a
// review's usual few dozen findings take microseconds on one core, and a
// goroutine is worth it only for hundreds.
const perWorker = 256

// For calls do(i) for every i in [0, n), split over the cores when each
// worker gets at least perWorker items. do must write only what belongs to
// i (its own slot of a slice), so the result is the same whichever call
// runs first. A panic in do reaches For's caller, as it would on one
// goroutine (internal/crash), so the command line reports it as a bug.
func For(n int, do func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n/perWorker)
	if workers < 2 {
		for i := range n {
			do(i)
		}
		return
	}
	var wg sync.WaitGroup
	var box crash.Box
	per := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += per {
		hi := min(lo+per, n)
		wg.Go(func() {
			defer box.Catch()
			for i := lo; i < hi; i++ {
				do(i)
			}
		})
	}
	wg.Wait()
	box.Rethrow()
}

// Memo holds values built once per key, safe for use by the goroutines of
// For: a key's value is built by the first caller that asks for it, while
// those asking for the same key wait for it, and other keys are built
// alongside. A build that panics panics again for every caller of its key.
// Its zero value is ready to use.
type Memo[K comparable, V any] struct {
	entries sync.Map // K → func() V (sync.OnceValue of the build)
}

// Get returns the value of key, calling build to make it the first time.
func (m *Memo[K, V]) Get(key K, build func() V) V {
	v, ok := m.entries.Load(key)
	if !ok {
		v, _ = m.entries.LoadOrStore(key, sync.OnceValue(build))
	}
	return v.(func() V)()
}
