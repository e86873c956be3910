package run

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path/filepath"
	"time"

	"github.com/quorum-review/quorum/internal/filelock"
)

// inflightDir holds a lock file per chunk being asked, under the cache
// directory: two quorum processes sharing a cache (a review in one
// terminal and a push's hook in another) ask a model for one chunk once.
const inflightDir = "inflight"

// inflightWait bounds how long a chunk waits for another process asking
// it when requests have no timeout of their own: past that it is asked
// here too (a holder stopped with Ctrl-Z keeps its lock).
const inflightWait = 15 * time.Minute

// WaitObserver is an Observer told when a reviewer's chunk starts
// waiting for another quorum process asking the model the same chunk
// (waiting true), and when the wait is over, so a wait does not look like
// a hang.
type WaitObserver interface {
	Waiting(reviewer, chunk string, waiting bool)
}

// claim takes the lock on asking chunk key, waiting while another process
// holds it, at most wait (a request's own timeout; inflightWait when 0;
// never more than half the time ctx has left),
// calling waiting(true) when it has to wait and waiting(false) when that
// is over: when it returns, no other
// process is asking that chunk, and one that did has cached its answer or
// its split marker (the caller looks again). It returns nil when the chunk
// is asked without the lock: no cache, a lock that cannot be made, the
// wait over; ctx's end stops the wait with nil too.
func (r *Runner) claim(ctx context.Context, key string, wait time.Duration, waiting func(bool)) *filelock.Lock {
	if r.Cache == nil || r.Cache.Dir == "" {
		return nil
	}
	if wait <= 0 {
		wait = inflightWait
	}
	if dl, ok := ctx.Deadline(); ok {
		// Half the time the review has left (a push's hook.timeout): a
		// holder that never answers must not use it all up.
		wait = min(wait, time.Until(dl)/2) // the deadline is the real clock's
	}
	sum := sha256.Sum256([]byte(key))
	path := filepath.Join(r.Cache.Dir, inflightDir, hex.EncodeToString(sum[:16])+".lock")
	lock, err := filelock.Acquire(ctx, path, 0)
	if errors.Is(err, filelock.ErrBusy) {
		if waiting != nil {
			waiting(true)
			defer waiting(false)
		}
		lock, err = filelock.Acquire(ctx, path, wait)
	}
	if err != nil {
		return nil
	}
	return lock
}
