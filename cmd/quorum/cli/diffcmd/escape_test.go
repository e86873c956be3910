package diffcmd

import (
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff/difftest"
	"github.com/quorum-review/quorum/internal/cmdtest"
)

// File names and the branch come from the repository: the text output
// sanitises the branch and subjects ('?' for each unsafe character) and
// shows a file name whole, each unsafe character escaped (<U+202E>), so
// two names never print alike; the JSON keeps them exact with C1 and bidi
// characters as \u escapes.
func TestNamesAreSanitized(t *testing.T) {
	r := difftest.NewIsolated(t)
	r.Write("a", "1\n")
	r.Commit("one")
	r.Git("checkout", "-q", "-b", "f\u202e\u009b")
	r.Write("src/\u202egnp\u009b.go", "package src\n")
	r.Commit("two \u202e")
	out, errOut, code := run(t, r.Dir, "--base main")
	if code != 0 || !strings.Contains(out, "src/<U+202E>gnp<U+009B>.go") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if bad := cmdtest.Unsafe(out + errOut); bad != "" {
		t.Errorf("text has %s", bad)
	}
	out, _, code = run(t, r.Dir, "--base main --format json")
	if bad := cmdtest.Unsafe(out); code != 0 || bad != "" || !strings.Contains(out, `"src/\u202egnp\u009b.go"`) {
		t.Errorf("json: exit %d, %s\n%s", code, bad, out)
	}
}
