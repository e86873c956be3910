// Package crash carries a panic out of a worker goroutine to the goroutine
// that waits for it, where the command line's one recover reports it as a bug.
package crash

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

// Why: a panic in a goroutine of its own ends the process at once, with
// Go's exit code 2, which a pre-push hook and CI read as a setup error, and
// without quorum's "this is a bug" line. Workers catch theirs, and the
// goroutine that waits for them panics again with it, so it reaches the
// recover in cmd/quorum/cli (exit 3) with the worker's own stack.

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
	// OnPanic, when set, runs once, on the first panic caught.
	OnPanic func()
}

// Catch recovers the calling goroutine's panic into the box. It must be
// deferred directly: `defer box.Catch()`.
func (b *Box) Catch() { b.catch(recover()) }

func (b *Box) catch(r any) {
	if r == nil {
		return
	}
	p, ok := r.(*Panic)
	if !ok {
		p = &Panic{Value: r, Stack: debug.Stack()}
	}
	b.mu.Lock()
	first := b.first == nil
	if first {
		b.first = p
	}
	b.mu.Unlock()
	if first && b.OnPanic != nil {
		b.OnPanic()
	}
}

// Caught returns the box's panic, or nil.
func (b *Box) Caught() *Panic {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.first
}

// Rethrow panics with the box's panic, if it holds one. Call it after every
// goroutine sharing the box has finished.
func (b *Box) Rethrow() {
	if p := b.Caught(); p != nil {
		panic(p)
	}
}

// Grace is how long Group.Wait waits for the other workers once one has
// panicked. A worker that panicked holding a lock leaves the others blocked
// on it, and a bug report must not become a hang.
var Grace = 3 * time.Second

// Group runs workers whose panics reach the goroutine that calls Wait.
type Group struct {
	wg       sync.WaitGroup
	box      Box
	panicked chan struct{}
}

// NewGroup returns a Group and a context derived from ctx that is
// cancelled on the first panic, so the other workers stop early instead of
// finishing a review whose result is thrown away.
func NewGroup(ctx context.Context) (*Group, context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	g := &Group{panicked: make(chan struct{})}
	g.box.OnPanic = func() { // once: only the box's first panic calls it
		cancel()
		close(g.panicked)
	}
	return g, ctx, cancel
}

// Go runs fn in a goroutine of the group.
func (g *Group) Go(fn func()) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		defer g.box.Catch()
		fn()
	}()
}

// Catch recovers the calling worker's panic into the group before the
// worker's other deferred calls run (Go catches it after them). Defer it
// directly, last: `defer g.Catch()`. A worker that releases a semaphore in
// a deferred call needs it, so the group is cancelled before the slot is
// free for another worker to start.
func (g *Group) Catch() { g.box.catch(recover()) }

// Wait waits for every worker and then panics again with the first panic
// one of them caught. Once a worker has panicked it waits at most Grace for
// the others.
func (g *Group) Wait() {
	done := make(chan struct{})
	go func() {
		g.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-g.panicked:
		select {
		case <-done:
		case <-time.After(Grace):
		}
	}
	g.box.Rethrow()
}

// Report is what to print for a recovered value: the worker's stack when it
// is a carried Panic, else the current goroutine's.
func Report(r any) (value string, stack []byte) {
	if p, ok := r.(*Panic); ok {
		return fmt.Sprint(p.Value), p.Stack
	}
	return fmt.Sprint(r), debug.Stack()
}
