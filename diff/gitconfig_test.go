package diff

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/quorum-review/quorum/diff/difftest"
	"github.com/quorum-review/quorum/internal/gitexec"
)

// TestGitConfigDoesNotChangeThePatch: a user's git config that reshapes
// `git diff` (more or less context, another algorithm, paths relative to
// the current directory, hunks fused across a gap) leaves quorum's diff as
// it is with no config: teammates get the same hunks, so the same
// findings, fingerprints, dismissals and cached answers.
func TestGitConfigDoesNotChangeThePatch(t *testing.T) {
	r := difftest.NewIsolated(t)
	var base, change string
	for i := range 40 {
		base += "line " + string(rune('a'+i%26)) + "\n"
	}
	change = "func added() {\n\treturn\n}\n" + base[:63] + "CHANGED\n" + base[63:210] + "{\n}\nMOVED\n" + base[210:]
	r.Write("sub/a.go", base)
	r.Write("b.go", "package b\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "feature")
	r.Write("sub/a.go", change)
	r.Write("b.go", "package b\n\nfunc B() {}\n")
	r.Commit("feature")

	patch := func() string {
		t.Helper()
		set, err := Load(t.Context(), Options{Dir: filepath.Join(r.Dir, "sub"), Git: &gitexec.Git{}})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(set.Files)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	want := patch()
	for _, kv := range [][2]string{
		{"diff.context", "0"}, {"diff.interHunkContext", "20"}, {"diff.algorithm", "patience"},
		{"diff.indentHeuristic", "false"}, {"diff.relative", "true"},
	} {
		r.Git("config", kv[0], kv[1])
	}
	if got := patch(); got != want {
		t.Fatalf("the patch depends on git config:\nwith it: %s\nwithout: %s", got, want)
	}
	if os.Getenv("QUORUM_DIFF_SHOW") != "" {
		t.Log(want)
	}
}
