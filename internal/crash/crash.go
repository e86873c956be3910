// Package crash carries a panic out of a worker goroutine to the goroutine that waits for it, where the command line's one recover reports it as a bug.
package crash

import (
	"fmt"
	"runtime/debug"
	"sync"
)

// Why: a panic in a goroutine of its own ends the process at once, with
// Go's exit code 2, which a pre-push hook and CI read as a setup error, and
// without quorum's "this is a bug" line. Workers catch theirs in a Box, and
// the goroutine that waits for them panics again with it once they are all
// done, so it reaches the recover in cmd/quorum/cli (exit 3) with the
// worker's own stack.

// Panic is a worker's panic: what it panicked with and where.
type Panic struct {
	Value any
	Stack []byte
}

func (p *Panic) String() string { return fmt.Sprint(p.Value) }

// Box holds the first panic of any of the goroutines that share it. The
// zero value is ready to use.
type Box struct {
	mu    sync.Mutex
	first *Panic
}

// Catch recovers the calling goroutine's panic into the box. It must be
// deferred directly: `defer box.Catch()`.
func (b *Box) Catch() {
	r := recover()
	if r == nil {
		return
	}
	p, ok := r.(*Panic)
	if !ok {
		p = &Panic{Value: r, Stack: debug.Stack()}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.first == nil {
		b.first = p
	}
}

// Rethrow panics with the box's panic, if it holds one. Call it after every
// goroutine sharing the box has finished.
func (b *Box) Rethrow() {
	b.mu.Lock()
	p := b.first
	b.mu.Unlock()
	if p != nil {
		panic(p)
	}
}

// Report is what to print for a recovered value: the worker's stack when it
// is a carried Panic, else the current goroutine's.
func Report(r any) (value string, stack []byte) {
	if p, ok := r.(*Panic); ok {
		return fmt.Sprint(p.Value), p.Stack
	}
	return fmt.Sprint(r), debug.Stack()
}
