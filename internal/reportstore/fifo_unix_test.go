//go:build unix

package reportstore_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/reportstore"
)

// A saved report's file that is a FIFO is refused, never read: a read of
// it would wait for a writer forever.
func TestSavedFileThatIsAFIFO(t *testing.T) {
	dir := savedFull(t)
	for _, name := range []string{reportstore.SumsJSON, reportstore.RawJSON} {
		p := filepath.Join(dir, name)
		if err := os.Rename(p, p+".saved"); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		done := make(chan error, 1)
		go func() {
			if name == reportstore.SumsJSON {
				done <- reportstore.Verify(dir)
				return
			}
			_, err := reportstore.LoadRaw(dir)
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Fatalf("%s as a FIFO: %v", name, err)
			}
		case <-time.After(time.Minute): // a hang, not a slow machine
			t.Fatalf("%s as a FIFO: the read never returned", name)
		}
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(p+".saved", p); err != nil {
			t.Fatal(err)
		}
	}
}
