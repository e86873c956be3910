// Package ctxsleep waits for a duration or until a context is done, whichever comes first.
package ctxsleep

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx is done; it returns ctx's error in that case,
// and at once when d is not positive and ctx is already done.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
