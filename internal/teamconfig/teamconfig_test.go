package teamconfig

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/gitexec"
)

// repo makes a repository in a temp dir with files (a value starting "->"
// is a symlink to the rest) committed, and returns it and the commit.
func repo(t *testing.T, files map[string]string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@x", "GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@x", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("init", "-q", "-b", "main")
	for p, content := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if target, ok := strings.CutPrefix(content, "->"); ok {
			if err := os.Symlink(target, full); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run("add", "-A")
	run("commit", "-q", "-m", "c")
	return dir, run("rev-parse", "HEAD")
}

// TestRepoFileFollowsLinks: a commit's .quorum.yaml is read through every
// symlink on its path as the file system reads it, a directory's too
// ("conf -> shared", "d/.." where d is a link); a link out of the tree, to
// nothing or round in a loop is unresolved, which no other commit's file
// equals.
func TestRepoFileFollowsLinks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		state gitexec.BlobState
		data  string
	}{
		{"a file", map[string]string{".quorum.yaml": "a: 1\n"}, gitexec.Found, "a: 1\n"},
		{"none", map[string]string{"x": "x\n"}, gitexec.Absent, ""},
		{"a link to a file", map[string]string{".quorum.yaml": "->conf/q.yaml", "conf/q.yaml": "b: 2\n"}, gitexec.Found, "b: 2\n"},
		{"through a linked directory", map[string]string{".quorum.yaml": "->conf/q.yaml", "conf": "->shared", "shared/q.yaml": "c: 3\n"}, gitexec.Found, "c: 3\n"},
		{"a chain of links", map[string]string{".quorum.yaml": "->a", "a": "->b/c", "b/c": "d: 4\n"}, gitexec.Found, "d: 4\n"},
		{"out of the tree", map[string]string{".quorum.yaml": "->../lax.yaml"}, gitexec.Unresolved, ""},
		{"absolute", map[string]string{".quorum.yaml": "->/etc/lax.yaml"}, gitexec.Unresolved, ""},
		{"a loop", map[string]string{".quorum.yaml": "->a", "a": "->.quorum.yaml"}, gitexec.Unresolved, ""},
		{"dangling", map[string]string{".quorum.yaml": "->missing.yaml"}, gitexec.Unresolved, ""},
		{"dot-dot through a linked directory", map[string]string{".quorum.yaml": "->d/../q.yaml", "d": "->sub/deep", "sub/deep/x": "x\n", "sub/q.yaml": "lax: 1\n", "q.yaml": "strict: 1\n"}, gitexec.Found, "lax: 1\n"},
		{"a link to the root", map[string]string{".quorum.yaml": "->d/q.yaml", "d": "->.", "q.yaml": "e: 5\n"}, gitexec.Unresolved, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, commit := repo(t, tc.files)
			files, err := repoFiles(context.Background(), &gitexec.Git{Dir: dir}, []string{commit})
			if err != nil {
				t.Fatal(err)
			}
			got := files[commit]
			if got.State != tc.state || string(got.Data) != tc.data {
				t.Errorf("state %d data %q, want %d %q", got.State, got.Data, tc.state, tc.data)
			}
			if got.State == gitexec.Unresolved && got.Same(got) {
				t.Error("an unresolved file equals itself")
			}
		})
	}
}
