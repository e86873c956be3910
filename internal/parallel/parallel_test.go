package parallel

import (
	"runtime"
	"testing"
)

func TestForCallsEachIndexOnce(t *testing.T) {
	prev := runtime.GOMAXPROCS(4) // split even on a one-core machine
	defer runtime.GOMAXPROCS(prev)
	for _, n := range []int{0, 1, Min - 1, 2 * Min, 5*Min + 3} {
		calls := make([]int, n)
		For(n, func(i int) { calls[i]++ })
		for i, c := range calls {
			if c != 1 {
				t.Fatalf("n=%d: index %d called %d times", n, i, c)
			}
		}
	}
}

func TestMemoBuildsEachKeyOnce(t *testing.T) {
	prev := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(prev)
	var m Memo[int, *int]
	builds := make([]int, 8) // one slot a key: each key is built by one goroutine at a time
	got := make([]*int, 4*Min)
	For(len(got), func(i int) {
		got[i] = m.Get(i%8, func() *int { builds[i%8]++; v := i % 8; return &v })
	})
	for k, n := range builds {
		if n != 1 {
			t.Errorf("key %d built %d times", k, n)
		}
	}
	for i, v := range got {
		if *v != i%8 || v != got[i%8] {
			t.Fatalf("Get(%d) = %d (%p), want the one value of key %d", i%8, *v, v, i%8)
		}
	}
}
