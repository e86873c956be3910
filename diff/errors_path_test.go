package diff

import (
	"strings"
	"testing"
)

// A directory whose name holds a line break or a control byte is named
// escaped: the message is one line, and names that directory, not a
// shorter one.
func TestNotRepoErrorEscapesTheDirectory(t *testing.T) {
	msg := notRepoError("/tmp/nr\x1b[31mX\nY").Error()
	if strings.ContainsAny(msg, "\n\x1b") || !strings.Contains(msg, `nr\x1b[31mX\nY`) {
		t.Fatalf("%q", msg)
	}
}
