// Package ahead keeps the state of quorum's background review (the post-commit hook's "review ahead of the push"): one run per repository under a lock, its owner, its last outcome and its log, all under the git dir.
package ahead

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/quorum-review/quorum/internal/safetext"

	"github.com/quorum-review/quorum/internal/atomicfile"
)

// Files under the git dir.
const (
	// DirName is the directory, under <git dir>/quorum, of the lock and the state.
	DirName   = "ahead"
	LockName  = "lock"       // flock'd by the run in flight; holds its Owner as JSON
	StateName = "state.json" // the last background run's outcome
	// LogName is the background runs' log, <git dir>/quorum/ahead.log.
	LogName = "ahead.log"
	// MaxLog bounds the log: past it, the next run starts a new one and
	// keeps the previous as ahead.log.1 (so at most about twice this).
	MaxLog = 256 << 10
)

// Triggers: who holds the lock.
const (
	TriggerAhead   = "ahead"    // a background review started by the post-commit hook
	TriggerPrePush = "pre-push" // the pre-push hook's own review
)

// Statuses of State.
const (
	StatusRunning     = "running"
	StatusDone        = "done"
	StatusUnavailable = "unavailable" // Ollama down or a model missing: nothing was done
	StatusFailed      = "failed"
	StatusCancelled   = "cancelled" // stopped by a newer commit or a push of other commits
)

// ErrLocked is returned by TryLock while another process holds the lock.
var ErrLocked = errors.New("another quorum review holds the lock")

// Dir is <git dir>/quorum/ahead.
func Dir(gitDir string) string { return filepath.Join(gitDir, "quorum", DirName) }

// LogPath is <git dir>/quorum/ahead.log.
func LogPath(gitDir string) string { return filepath.Join(gitDir, "quorum", LogName) }

// Key names the commits under review: the ranges "base..head", in any
// order. The background run and the pre-push hook compare keys to tell
// whether they review the same commits.
func Key(spans []string) string {
	s := slices.Clone(spans)
	slices.Sort(s)
	return strings.Join(slices.Compact(s), " ")
}

// Owner describes the process holding the lock.
type Owner struct {
	PID     int       `json:"pid"`
	Trigger string    `json:"trigger"`
	Head    string    `json:"head,omitempty"`
	Branch  string    `json:"branch,omitempty"`
	Key     string    `json:"key,omitempty"`
	Since   time.Time `json:"since"`
	// LogOffset is where this run's lines start in the log, so a pre-push
	// hook that joins it can show its progress from the beginning.
	LogOffset int64 `json:"log_offset"`
}

// Lock is the repository's review lock, held until Unlock (or the
// process's death: the kernel releases it, so a killed run never leaves a
// stale lock behind).
type Lock struct {
	f *os.File
}

// TryLock takes the lock without waiting; ErrLocked when it is held.
func TryLock(gitDir string) (*Lock, error) {
	if err := os.MkdirAll(Dir(gitDir), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(Dir(gitDir), LockName), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := flock(f); err != nil {
		f.Close()
		return nil, err
	}
	return &Lock{f: f}, nil
}

// WaitLock takes the lock, polling every poll until ctx is done (then ctx's error).
func WaitLock(ctx context.Context, gitDir string, poll time.Duration) (*Lock, error) {
	for {
		l, err := TryLock(gitDir)
		if !errors.Is(err, ErrLocked) {
			return l, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(poll):
		}
	}
}

// SetOwner records who holds the lock, for Held.
func (l *Lock) SetOwner(o Owner) error {
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	if err := l.f.Truncate(0); err != nil {
		return err
	}
	_, err = l.f.WriteAt(append(b, '\n'), 0)
	return err
}

// Unlock clears the owner and releases the lock.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	err := funlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

// Held reports the lock's owner when a process holds it (nil, nil when
// free). An owner that has not written itself yet reads as an Owner with
// only what is known (PID 0).
func Held(gitDir string) (*Owner, error) {
	path := filepath.Join(Dir(gitDir), LockName)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := flock(f); err == nil {
		_ = funlock(f) // free: nobody holds it
		return nil, nil
	} else if !errors.Is(err, ErrLocked) {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, 64<<10))
	if err != nil {
		return nil, err
	}
	var o Owner
	if len(strings.TrimSpace(string(b))) > 0 {
		if err := json.Unmarshal(b, &o); err != nil {
			return &Owner{}, nil // being written; the caller asks again
		}
	}
	return &o, nil
}

// State is the outcome of the last background run, for `quorum status`.
type State struct {
	Status   string    `json:"status"`
	PID      int       `json:"pid,omitempty"`
	Head     string    `json:"head"`
	Branch   string    `json:"branch,omitempty"`
	Key      string    `json:"key,omitempty"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	Verdict  string    `json:"verdict,omitempty"`
	Report   string    `json:"report,omitempty"` // the saved report's directory
	Reason   string    `json:"reason,omitempty"`
}

// ReadState reads the last run's state; nil, nil when there was none.
func ReadState(gitDir string) (*State, error) {
	b, err := os.ReadFile(filepath.Join(Dir(gitDir), StateName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(Dir(gitDir), StateName), err)
	}
	return &s, nil
}

// WriteState replaces the state atomically.
func WriteState(gitDir string, s State) error {
	if err := os.MkdirAll(Dir(gitDir), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(Dir(gitDir), StateName), append(safetext.EscapeJSON(b), '\n'), 0o644)
}

// InProgress names a git operation under way in the work tree whose git
// dir is gitDir (a rebase, a merge, a cherry-pick, a revert, a bisect), or
// "" when there is none: no background review starts during one, since
// its commits are not the branch's yet.
func InProgress(gitDir string) string {
	for _, c := range []struct{ path, what string }{
		{"rebase-merge", "a rebase"},
		{"rebase-apply", "a rebase or git am"},
		{"MERGE_HEAD", "a merge"},
		{"CHERRY_PICK_HEAD", "a cherry-pick"},
		{"REVERT_HEAD", "a revert"},
		{"sequencer", "a cherry-pick or revert"},
		{"BISECT_LOG", "a bisect"},
	} {
		if _, err := os.Lstat(filepath.Join(gitDir, c.path)); err == nil {
			return c.what
		}
	}
	return ""
}

// OpenLog opens the log for appending, first moving a log past MaxLog to
// ahead.log.1 (replacing the one before). It returns the file and its size,
// where the new lines start.
func OpenLog(gitDir string) (*os.File, int64, error) {
	path := LogPath(gitDir)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, 0, err
	}
	if st, err := os.Stat(path); err == nil && st.Size() > MaxLog {
		_ = os.Rename(path, path+".1")
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}
