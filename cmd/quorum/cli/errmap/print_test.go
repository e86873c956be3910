package errmap_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"syscall"
	"testing"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/internal/exitcode"
)

// TestPrintFirstLine: Print shows only the first line of a multi-line
// message (after leading blank lines), whatever the line ends are, and the
// hint still follows it.
func TestPrintFirstLine(t *testing.T) {
	for in, want := range map[string]string{
		"boom\nsecond line":                   "error: boom\n",
		"boom\r\nsecond line\nthird":          "error: boom\n",
		"\n\n  boom\nsecond":                  "error: boom\n",
		"git failed: exit 128\nfatal: nope\n": "error: git failed: exit 128\n",
	} {
		var buf bytes.Buffer
		errmap.Print(&buf, exitcode.Setupf("do this", "%s", in))
		if got := buf.String(); got != want+"hint: do this\n" {
			t.Errorf("Print(%q) printed %q, want %q", in, got, want+"hint: do this\n")
		}
	}
}

// TestEnvironmentIOErrors: stdout on a full disk (or past ulimit -f, or on
// a failing device) is the environment failing, not quorum: exit 2 with a
// hint saying what to check, never the bug hint of exit 3.
func TestEnvironmentIOErrors(t *testing.T) {
	for _, tt := range []struct {
		errno syscall.Errno
		hint  string
	}{
		{syscall.ENOSPC, "free disk space (or raise the quota), or check where the output goes"},
		{syscall.EDQUOT, "free disk space (or raise the quota), or check where the output goes"},
		{syscall.EFBIG, "the file grew past the size limit (ulimit -f): raise it, or check where the output goes"},
		{syscall.EIO, "the device failed (see dmesg): check the disk, or where the output goes"},
	} {
		t.Run(tt.errno.Error(), func(t *testing.T) {
			err := fmt.Errorf("print report: %w", &fs.PathError{Op: "write", Path: "/dev/stdout", Err: tt.errno})
			var buf bytes.Buffer
			code := errmap.Print(&buf, err)
			want := "error: print report: write /dev/stdout: " + tt.errno.Error() + "\nhint: " + tt.hint + "\n"
			if code != exitcode.Setup || buf.String() != want {
				t.Errorf("exit %d, printed %q; want %d, %q", code, buf.String(), exitcode.Setup, want)
			}
		})
	}
}
