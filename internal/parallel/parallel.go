// Package parallel spreads independent per-item work over the cores.
package parallel

import (
	"runtime"
	"sync"
)

// Min is the fewest items worth starting goroutines for: a review's usual
// few dozen findings take microseconds on one core.
const Min = 256

// For calls do(i) for every i in [0, n), split over the cores when n is at
// least 2 × Min. do must write only what belongs to i (its own slot of a
// slice), so the result is the same whichever call runs first.
func For(n int, do func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n/Min)
	if workers < 2 {
		for i := range n {
			do(i)
		}
		return
	}
	var wg sync.WaitGroup
	per := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += per {
		hi := min(lo+per, n)
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				do(i)
			}
		})
	}
	wg.Wait()
}

// Memo holds values built once per key, safe for use by the goroutines of
// For: a key's value is built by the first caller that asks for it, while
// those asking for the same key wait for it, and other keys are built
// alongside. Its zero value is ready to use.
type Memo[K comparable, V any] struct {
	entries sync.Map // K → *memoEntry[V]; read without a lock once built
}

type memoEntry[V any] struct {
	once  sync.Once
	value V
}

// Get returns the value of key, calling build to make it the first time.
func (m *Memo[K, V]) Get(key K, build func() V) V {
	v, ok := m.entries.Load(key)
	if !ok {
		v, _ = m.entries.LoadOrStore(key, &memoEntry[V]{})
	}
	e := v.(*memoEntry[V])
	e.once.Do(func() { e.value = build() })
	return e.value
}
