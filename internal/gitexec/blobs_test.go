package gitexec

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadBlobs: files found, missing (a name with spaces answers with
// spaces: still absent, and the reads after it stay in step), a directory
// (absent), a link out of the tree (unresolved, equal to nothing).
func TestReadBlobs(t *testing.T) {
	needGit(t)
	dir := t.TempDir()
	g := (&Git{}).In(dir)
	g.Env = append(g.Env, "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@x", "GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@x", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	run := func(args ...string) string {
		out, err := g.Output(context.Background(), args...)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(out))
	}
	run("init", "-q", "-b", "main")
	for name, body := range map[string]string{"docs/a b.md": "spaced\n", "AGENTS.md": "be kind\n"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("../../outside.md", filepath.Join(dir, "out.md")); err != nil {
		t.Fatal(err)
	}
	run("add", "-A")
	run("commit", "-q", "-m", "c")
	c := run("rev-parse", "HEAD")
	got, err := g.ReadBlobs(context.Background(), []string{c + ":docs/no such file.md", c + ":docs/a b.md", c + ":docs", c + ":out.md", c + ":AGENTS.md"})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].State != Absent || string(got[1].Data) != "spaced\n" || got[2].State != Absent || got[3].State != Unresolved || got[3].Same(got[3]) || string(got[4].Data) != "be kind\n" {
		t.Fatalf("%+v", got)
	}
	if _, err := g.ReadBlobs(context.Background(), []string{c + ":a\nb"}); err == nil {
		t.Error("a newline in a spec was sent")
	}
}
