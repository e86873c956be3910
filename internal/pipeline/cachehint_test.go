package pipeline

import (
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"
)

// TestCacheWriteHint: a full disk asks for space, not for a writable
// directory (the directory is writable); any other failure asks for one.
func TestCacheWriteHint(t *testing.T) {
	full := fmt.Errorf("write cache: %w", &fs.PathError{Op: "write", Path: "/c/x", Err: syscall.ENOSPC})
	if h := cacheWriteHint("/c", full); !strings.HasPrefix(h, "free disk space where /c is") {
		t.Errorf("full disk: %q", h)
	}
	denied := fmt.Errorf("write cache: %w", &fs.PathError{Op: "open", Path: "/c/x", Err: syscall.EACCES})
	if h := cacheWriteHint("/c", denied); !strings.HasPrefix(h, "make /c a writable directory") {
		t.Errorf("read-only: %q", h)
	}
}
