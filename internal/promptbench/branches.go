package promptbench

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Case is a branch made of two versions of a Go module: main holds From,
// feature holds To.
type Case struct {
	Name, Module, From, To string
}

// Cases are the small, medium and large branches of BENCHMARKS.md, from
// modules this repository's own build puts in the module cache.
var Cases = []Case{
	{"small", "golang.org/x/term", "v0.29.0", "v0.48.0"},
	{"medium", "github.com/spf13/cobra", "v1.7.0", "v1.10.2"},
	{"large", "golang.org/x/sys", "v0.30.0", "v0.50.0"},
}

// modDir is module@version in the local module cache; the test is skipped
// when it is not there (nothing is downloaded).
func modDir(t testing.TB, module, version string) string {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	d := filepath.Join(strings.TrimSpace(string(out)), module+"@"+version)
	if _, err := os.Stat(d); err != nil {
		t.Skipf("%s@%s is not in the module cache", module, version)
	}
	return d
}

// Git runs git in dir with a fixed identity and no user or system config.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=b", "GIT_AUTHOR_EMAIL=b@example.com", "GIT_COMMITTER_NAME=b", "GIT_COMMITTER_EMAIL=b@example.com", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// copyTree replaces dst's files (but .git) with src's.
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	entries, _ := os.ReadDir(dst)
	for _, e := range entries {
		if e.Name() != ".git" {
			os.RemoveAll(filepath.Join(dst, e.Name()))
		}
	}
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Branch builds a repository whose main holds c.From and feature c.To, and returns its directory.
func Branch(t testing.TB, c Case) string {
	a, b := modDir(t, c.Module, c.From), modDir(t, c.Module, c.To)
	dir := t.TempDir()
	Git(t, dir, "init", "-q", "-b", "main")
	copyTree(t, a, dir)
	Git(t, dir, "add", "-A")
	Git(t, dir, "commit", "-q", "-m", c.Module+" "+c.From)
	Git(t, dir, "checkout", "-q", "-b", "feature")
	copyTree(t, b, dir)
	Git(t, dir, "add", "-A")
	Git(t, dir, "commit", "-q", "-m", c.Module+" "+c.To)
	return dir
}
