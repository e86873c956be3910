package run

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"time"

	"github.com/quorum-review/quorum/internal/filelock"
)

// inflightDir holds a lock file per chunk being asked, under the cache
// directory: two quorum processes sharing a cache (a review in one
// terminal and a push's hook in another) ask a model for one chunk once.
const inflightDir = "inflight"

// inflightWait bounds how long a chunk waits for another process asking
// it: past that it is asked here too (a holder that hangs keeps its lock).
const inflightWait = 15 * time.Minute

// claim takes the lock on asking chunk key, waiting while another process
// holds it: when it returns, no other process is asking that chunk, and
// one that did has cached its answer (the caller looks again). It returns
// nil when the chunk is asked without the lock: no cache, a lock that
// cannot be made, the wait over; ctx's end stops the wait with nil too.
func (r *Runner) claim(ctx context.Context, key string) *filelock.Lock {
	if r.Cache == nil || r.Cache.Dir == "" {
		return nil
	}
	sum := sha256.Sum256([]byte(key))
	path := filepath.Join(r.Cache.Dir, inflightDir, hex.EncodeToString(sum[:16])+".lock")
	lock, err := filelock.Acquire(ctx, path, inflightWait)
	if err != nil {
		return nil
	}
	return lock
}
