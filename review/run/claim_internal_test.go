package run

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/filelock"
)

// TestClaimWaitsAndSaysSo: a chunk another process is asking waits for
// its lock, saying when the wait starts and ends, and gets the lock once
// the other lets it go; a wait over its bound asks without one.
func TestClaimWaitsAndSaysSo(t *testing.T) {
	r := &Runner{Cache: cache.New(t.TempDir())}
	sum := sha256.Sum256([]byte("key"))
	path := filepath.Join(r.Cache.Dir, inflightDir, hex.EncodeToString(sum[:16])+".lock")
	other, err := filelock.Acquire(context.Background(), path, 0)
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan bool, 2)
	got := make(chan *filelock.Lock)
	go func() { got <- r.claim(context.Background(), "key", time.Hour, func(on bool) { events <- on }) }()
	if on := <-events; !on {
		t.Fatal("the wait's start was not said first")
	}
	if err := other.Release(); err != nil {
		t.Fatal(err)
	}
	lock := <-got
	if lock == nil {
		t.Fatal("no lock once the other process let it go")
	}
	if on := <-events; on {
		t.Fatal("the wait's end was not said")
	}
	lock.Release()

	// A holder that never lets go: the wait ends at its bound, unlocked.
	other, err = filelock.Acquire(context.Background(), path, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Release()
	if l := r.claim(context.Background(), "key", time.Millisecond, nil); l != nil {
		t.Fatal("a lock while another process holds it")
	}
}
