// Package difftest builds throwaway git repositories with the real git binary for tests.
package difftest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitLocationVars are the variables that point git, and quorum, at a
// repository other than the one a command runs in.
var gitLocationVars = []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR", "GIT_CEILING_DIRECTORIES"}

// init drops them from every test binary that builds fixtures here: a
// GIT_DIR exported by the shell (git rebase --exec, a hook running the
// tests) would otherwise point the code under test at the caller's
// repository instead of the fixture. Tests of those variables set them
// with t.Setenv.
func init() { unsetGitLocation() }

// unsetGitLocation removes gitLocationVars from the environment of a test
// binary (pkg.test); the other test-support packages (cmdtest, scripttest)
// import this one for it. The same binary re-run by testscript as the
// quorum command of a script keeps them: a script sets them on purpose.
func unsetGitLocation() {
	name := strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe")
	if !strings.HasSuffix(name, ".test") {
		return
	}
	for _, v := range gitLocationVars {
		os.Unsetenv(v)
	}
}

// Repo is a git work tree in a temp dir. Every git command runs with a
// private HOME, no system config, and fixed author and committer dates that
// advance one minute per commit, so hashes and orders are reproducible.
type Repo struct {
	T    testing.TB
	Dir  string
	Home string
	tick *int
}

// New runs `git init` (branch main) in a fresh temp dir.
func New(t testing.TB) *Repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
	base := t.TempDir()
	r := &Repo{T: t, Dir: filepath.Join(base, "repo"), Home: filepath.Join(base, "home"), tick: new(int)}
	for _, d := range []string{r.Dir, r.Home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	r.Git("init", "-q", "-b", "main")
	return r
}

// NewIsolated is New that also points this process's git configuration at
// the fixture's private HOME (with t.Setenv, so not for parallel tests):
// code under test that runs git itself then sees no user or system config.
func NewIsolated(t testing.TB) *Repo {
	t.Helper()
	r := New(t)
	t.Setenv("HOME", r.Home)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(r.Home, ".gitconfig"))
	return r
}

// At returns a Repo for another work tree (a linked worktree, a clone)
// sharing this one's environment and clock.
func (r *Repo) At(dir string) *Repo {
	return &Repo{T: r.T, Dir: dir, Home: r.Home, tick: r.tick}
}

// Env is the environment every git command of the fixture runs with.
func (r *Repo) Env() []string {
	env := []string{
		"HOME=" + r.Home,
		"PATH=" + os.Getenv("PATH"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + filepath.Join(r.Home, ".gitconfig"),
		"GIT_AUTHOR_NAME=Ada Tester", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada Tester", "GIT_COMMITTER_EMAIL=ada@example.com",
		"LC_ALL=C", "TZ=UTC",
	}
	date := fmt.Sprintf("2024-01-01T10:%02d:%02d+00:00", (*r.tick/60)%60, *r.tick%60)
	return append(env, "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
}

// Git runs git in the work tree and returns its stdout; it fails the test on error.
func (r *Repo) Git(args ...string) string {
	r.T.Helper()
	out, err := r.TryGit(args...)
	if err != nil {
		r.T.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// TryGit runs git and returns stdout, or an error carrying stderr.
func (r *Repo) TryGit(args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = r.Dir
	cmd.Env = r.Env()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("%v: %s", err, stderr.String())
	}
	return string(out), nil
}

// Write creates or replaces a file (parents included).
func (r *Repo) Write(path, content string) {
	r.T.Helper()
	full := filepath.Join(r.Dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		r.T.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		r.T.Fatal(err)
	}
}

// Commit stages everything and commits with msg; it returns the new HEAD.
func (r *Repo) Commit(msg string) string {
	r.T.Helper()
	r.Git("add", "-A")
	*r.tick++
	r.Git("commit", "-q", "--allow-empty", "-m", msg)
	return r.Head()
}

// Tick advances the fixture clock (for merges and other commits made with Git).
func (r *Repo) Tick() { *r.tick++ }

// Head returns the full hash of HEAD.
func (r *Repo) Head() string {
	return strings.TrimSpace(r.Git("rev-parse", "HEAD"))
}

// Lines returns n numbered lines "prefix i\n".
func Lines(prefix string, n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%s %d\n", prefix, i)
	}
	return b.String()
}
