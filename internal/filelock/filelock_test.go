package filelock

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Holders never overlap: each goroutine reads a counter and writes it back
// one higher under the lock, so a lost update shows as a short count.
func TestAcquireExcludes(t *testing.T) {
	dir := t.TempDir()
	lockPath, counter := filepath.Join(dir, "sub", "n.lock"), filepath.Join(dir, "n")
	if err := os.WriteFile(counter, []byte("0"), 0o644); err != nil {
		t.Fatal(err)
	}
	const workers, rounds = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*rounds)
	for range workers {
		wg.Go(func() {
			for range rounds {
				errs <- increment(t.Context(), lockPath, counter)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(counter)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != strconv.Itoa(workers*rounds) {
		t.Fatalf("counter %s, want %d: holders overlapped", b, workers*rounds)
	}
	if _, err := os.Stat(lockPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file left behind: %v", err)
	}
}

func increment(ctx context.Context, lockPath, counter string) error {
	l, err := Acquire(ctx, lockPath, time.Minute)
	if err != nil {
		return err
	}
	defer l.Release()
	b, err := os.ReadFile(counter)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(string(b))
	if err != nil {
		return err
	}
	return os.WriteFile(counter, []byte(strconv.Itoa(n+1)), 0o644)
}

// A lock held for the whole wait is ErrBusy, and free again once released.
func TestAcquireBusy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	held, err := Acquire(t.Context(), path, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, wait := range []time.Duration{0, 30 * time.Millisecond} {
		if l, err := Acquire(t.Context(), path, wait); !errors.Is(err, ErrBusy) {
			l.Release()
			t.Fatalf("wait %v: got %v, want ErrBusy", wait, err)
		}
	}
	if err := held.Release(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file still there after Release: %v", err)
	}
	again, err := Acquire(t.Context(), path, 0)
	if err != nil {
		t.Fatalf("after Release: %v", err)
	}
	if err := again.Release(); err != nil {
		t.Fatal(err)
	}
	if err := again.Release(); err != nil {
		t.Fatalf("second Release: %v", err)
	}
}

// A done context ends the wait with its error, not ErrBusy.
func TestAcquireCanceled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	held, err := Acquire(t.Context(), path, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Acquire(ctx, path, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

// A lock file whose holder was killed blocks nobody: the operating system
// dropped its lock.
func TestLeftBehindLockFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Acquire(t.Context(), path, 0)
	if err != nil {
		t.Fatalf("a lock file nobody holds blocks: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
}
