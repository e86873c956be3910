package diffcmd

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/diff/difftest"
)

// TestJSONNonUTF8Path: `quorum diff --format json` names a file whose name
// is not UTF-8 by path (U+FFFD for people) and path_bytes (its exact
// bytes, base64), which opens the file; decoding the JSON as a diff.Set
// gives the exact path back.
func TestJSONNonUTF8Path(t *testing.T) {
	r := difftest.NewIsolated(t)
	r.Write("README", "hi\n")
	r.Commit("one")
	r.Git("checkout", "-q", "-b", "f")
	name := "f\xe9.py"
	r.Write(name, "print(1)\n")
	r.Commit("two")
	out, stderr, code := run(t, r.Dir, "--format json")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, `"path": "f\ufffd.py"`) || !strings.Contains(out, `"path_bytes": "`+base64.StdEncoding.EncodeToString([]byte(name))+`"`) {
		t.Errorf("no path_bytes:\n%s", out)
	}
	var raw struct {
		Files []struct {
			PathBytes []byte `json:"path_bytes"` // encoding/json decodes base64 into []byte
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil || len(raw.Files) != 1 {
		t.Fatalf("%v: %s", err, out)
	}
	if b, err := os.ReadFile(filepath.Join(r.Dir, string(raw.Files[0].PathBytes))); err != nil || string(b) != "print(1)\n" {
		t.Errorf("path_bytes does not open the file: %v", err)
	}
	var set diff.Set
	if err := json.Unmarshal([]byte(out), &set); err != nil || len(set.Files) != 1 || set.Files[0].Path != name {
		t.Errorf("decoded %v %+v", err, set.Files)
	}
	text, _, _ := run(t, r.Dir, "")
	if !strings.Contains(text, "  f\\xe9.py\n") { // the byte, not a '?' another name could have
		t.Errorf("text output:\n%s", text)
	}
}
