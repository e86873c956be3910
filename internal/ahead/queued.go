package ahead

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/quorum-review/quorum/internal/atomicfile"
)

// QueuedName is the marker of a background run that was started and has
// not yet taken the lock: it is waiting out its debounce. Without it,
// 'quorum status' right after a commit would say nothing reviews it.
const QueuedName = "queued.json"

// QueuedGrace bounds how long after it was started a queued run is
// believed: past its debounce and this, a marker left behind (a run
// killed in its debounce, a pid reused) is ignored.
const QueuedGrace = time.Minute

// Queued is a background run started by the post-commit hook, still in
// its debounce.
type Queued struct {
	PID      int           `json:"pid"`
	Head     string        `json:"head"`
	Since    time.Time     `json:"since"`
	Debounce time.Duration `json:"debounce_ns"`
}

func queuedPath(gitDir string) string { return filepath.Join(Dir(gitDir), QueuedName) }

// WriteQueued records q, replacing the marker of any run queued before
// (that one gives way to q's commit at the end of its debounce).
func WriteQueued(gitDir string, q Queued) error {
	if err := os.MkdirAll(Dir(gitDir), 0o755); err != nil {
		return err
	}
	b, err := json.Marshal(q)
	if err != nil {
		return err
	}
	return atomicfile.Write(queuedPath(gitDir), append(b, '\n'), 0o644)
}

// ReadQueued returns the queued run, or nil when none is queued (no
// marker, or one that cannot be read: it only ever informs status).
func ReadQueued(gitDir string) *Queued {
	b, err := os.ReadFile(queuedPath(gitDir))
	if err != nil {
		return nil
	}
	var q Queued
	if json.Unmarshal(b, &q) != nil || q.PID <= 0 || q.Head == "" {
		return nil
	}
	return &q
}

// Pending reports whether q is still waiting out its debounce at now: its
// process is alive and it was started no longer ago than its debounce and
// QueuedGrace.
func (q *Queued) Pending(now time.Time) bool {
	if q == nil {
		return false
	}
	age := now.Sub(q.Since)
	return age >= -QueuedGrace && age <= q.Debounce+QueuedGrace && alive(q.PID)
}

// ClearQueued removes the marker when it is pid's: a run done waiting
// (it took the lock, gave way or stopped) must not remove the marker of a
// newer run queued meanwhile. One written between the read and the
// removal is lost; status then says "not reviewed" for that run's
// debounce, and the push is right either way.
func ClearQueued(gitDir string, pid int) error {
	q := ReadQueued(gitDir)
	if q != nil && q.PID != pid {
		return nil
	}
	err := os.Remove(queuedPath(gitDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing %s: %w", queuedPath(gitDir), err)
	}
	return nil
}
