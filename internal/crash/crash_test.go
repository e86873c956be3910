package crash

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestGroupCarriesTheWorkersPanic(t *testing.T) {
	g, ctx, cancel := NewGroup(context.Background())
	defer cancel()
	for i := range 3 {
		g.Go(func() {
			if i == 1 {
				workerThatPanics()
			}
			<-ctx.Done() // the others run until the panic cancels them
		})
	}
	defer func() {
		value, stack := Report(recover())
		if value != "boom in worker" {
			t.Errorf("value %q, want the worker's", value)
		}
		if !strings.Contains(string(stack), "workerThatPanics") {
			t.Errorf("the stack is not the worker's:\n%s", stack)
		}
	}()
	g.Wait()
	t.Fatal("Wait did not panic")
}

func workerThatPanics() { panic("boom in worker") }

// A worker that panics holding a lock leaves another blocked on it forever:
// Wait gives up on it after Grace rather than turn the bug into a hang.
func TestGroupDoesNotWaitForeverOnAWorkerStuckBehindAPanic(t *testing.T) {
	defer func(g time.Duration) { Grace = g }(Grace)
	Grace = 10 * time.Millisecond
	var mu sync.Mutex
	locked := make(chan struct{})
	g, _, cancel := NewGroup(context.Background())
	defer cancel()
	g.Go(func() {
		mu.Lock()
		close(locked)
		time.Sleep(5 * time.Millisecond) // let the other worker block on mu
		panic("boom holding the lock")
	})
	g.Go(func() {
		<-locked
		mu.Lock() // never returns
	})
	defer func() {
		if value, _ := Report(recover()); value != "boom holding the lock" {
			t.Errorf("recovered %q", value)
		}
	}()
	g.Wait()
	t.Fatal("Wait did not panic")
}

func TestGroupWithoutPanicJustWaits(t *testing.T) {
	g, ctx, cancel := NewGroup(context.Background())
	defer cancel()
	var n sync.WaitGroup
	n.Add(2)
	for range 2 {
		g.Go(func() { n.Done() })
	}
	g.Wait()
	n.Wait()
	if ctx.Err() != nil {
		t.Error("the group's context was cancelled without a panic")
	}
}

func TestBoxRethrowsOnlyWhatItCaught(t *testing.T) {
	var box Box
	func() {
		defer box.Catch()
	}()
	box.Rethrow()
	func() {
		defer box.Catch()
		panic("x")
	}()
	if p := box.Caught(); p == nil || p.String() != "x" {
		t.Fatalf("caught %v", p)
	}
}

func TestReportOfAPlainPanic(t *testing.T) {
	value, stack := Report("plain")
	if value != "plain" || len(stack) == 0 {
		t.Errorf("Report(plain) = %q, %d bytes of stack", value, len(stack))
	}
}

// Group.Catch, deferred last, cancels the group before the worker's other
// deferred calls run: a semaphore slot freed there is not taken by a worker
// that starts into a review already lost.
func TestGroupCatchCancelsBeforeOtherDefers(t *testing.T) {
	g, ctx, cancel := NewGroup(context.Background())
	defer cancel()
	cancelledAtRelease := make(chan bool, 1)
	g.Go(func() {
		defer func() { cancelledAtRelease <- ctx.Err() != nil }()
		defer g.Catch()
		panic("boom")
	})
	defer func() {
		recover()
		if !<-cancelledAtRelease {
			t.Error("the worker's release ran before the group was cancelled")
		}
	}()
	g.Wait()
}
