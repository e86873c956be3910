package crash

import (
	"strings"
	"sync"
	"testing"
)

func TestBoxCarriesTheWorkersPanic(t *testing.T) {
	var box Box
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer box.Catch()
			if i == 1 {
				workerThatPanics()
			}
		}()
	}
	wg.Wait()
	defer func() {
		value, stack := Report(recover())
		if value != "boom in worker" {
			t.Errorf("value %q, want the worker's", value)
		}
		if !strings.Contains(string(stack), "workerThatPanics") {
			t.Errorf("the stack is not the worker's:\n%s", stack)
		}
	}()
	box.Rethrow()
	t.Fatal("Rethrow did not panic")
}

func workerThatPanics() { panic("boom in worker") }

func TestEmptyBoxDoesNothing(t *testing.T) {
	var box Box
	func() {
		defer box.Catch()
	}()
	box.Rethrow()
}

func TestReportOfAPlainPanic(t *testing.T) {
	value, stack := Report("plain")
	if value != "plain" || len(stack) == 0 {
		t.Errorf("Report(plain) = %q, %d bytes of stack", value, len(stack))
	}
}
