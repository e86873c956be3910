//go:build unix

package cli

import (
	"context"
	"syscall"
	"testing"
)

// SIGTERM and SIGHUP cancel the run's context like SIGINT (and the review
// then keeps and prints what finished) instead of killing quorum outright.
// Before the fix, SIGTERM killed the test binary.
func TestTermAndHupInterruptLikeCtrlC(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			ctx, stop := SignalContext(context.Background())
			defer stop()
			if err := syscall.Kill(syscall.Getpid(), sig); err != nil {
				t.Fatal(err)
			}
			<-ctx.Done() // delivered in-process; no clock involved
			if ctx.Err() != context.Canceled {
				t.Errorf("ctx.Err() = %v", ctx.Err())
			}
		})
	}
}
