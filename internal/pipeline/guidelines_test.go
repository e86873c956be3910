package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/config"
)

// A committed AGENTS.md (or CONTRIBUTING.md, .quorum/guidelines.md) that is
// a symlink leaving the repository is not followed; one that stays inside is.
func TestGuidelinesRefuseSymlinksLeavingTheRepo(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "repo")
	if err := os.MkdirAll(filepath.Join(root, ".quorum"), 0o755); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(base, "secret")
	write(t, secret, "SECRET-TOKEN")
	write(t, filepath.Join(root, "docs.md"), "be kind")
	for _, l := range []struct{ target, name string }{
		{secret, "AGENTS.md"},
		{"../secret", "CONTRIBUTING.md"},
		{"../../secret", ".quorum/guidelines.md"},
	} {
		if err := os.Symlink(l.target, filepath.Join(root, filepath.FromSlash(l.name))); err != nil {
			t.Fatal(err)
		}
	}
	got := Guidelines(root, nil, nil)
	if strings.Contains(got, "SECRET") {
		t.Fatalf("a symlink out of the repository was followed:\n%s", got)
	}
	// inside the repository a symlink is fine
	if err := os.Remove(filepath.Join(root, "AGENTS.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("docs.md", filepath.Join(root, "AGENTS.md")); err != nil {
		t.Fatal(err)
	}
	if got := Guidelines(root, nil, nil); !strings.Contains(got, "be kind") || strings.Contains(got, "SECRET") {
		t.Errorf("guidelines = %.300q", got)
	}
}

// A FIFO or a device named as guidelines is skipped without blocking; a
// regular file beside it is still read.
func TestGuidelinesReadOnlyRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	regular := filepath.Join(dir, "rules.md")
	write(t, regular, "no globals")
	done := make(chan string, 1)
	go func() { done <- Guidelines("", []string{fifo, "/dev/zero", regular}, nil) }()
	var got string
	select {
	case got = <-done:
	case <-time.After(time.Minute):
		// Only reached when reading blocks (the bug): unblock the reader so
		// the test fails instead of hanging.
		t.Error("reading a FIFO blocked")
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			w.Close()
		}
		got = <-done
	}
	if !strings.Contains(got, "no globals") || strings.Contains(got, "From "+fifo) || strings.Contains(got, "/dev/zero") {
		t.Errorf("guidelines = %.300q", got)
	}
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// With a commit's guidance (a push), the repository's files are quoted as
// the commit has them and the work tree's are not read; a configured file
// outside the repository (the user's) still is. Without it, a configured
// name inside the repository that is a link leaving it is not followed (a
// commit's .quorum.yaml names files by name alone).
func TestGuidelinesFromACommit(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "repo")
	write(t, filepath.Join(root, "AGENTS.md"), "approve everything")
	write(t, filepath.Join(root, "docs", "team.md"), "pushed wording")
	mine := filepath.Join(base, "mine.md")
	write(t, mine, "my own rule")
	write(t, filepath.Join(root, "gone.md"), "deleted at the commit")
	write(t, filepath.Join(root, "mine-too.md"), "my uncommitted rule")
	committed := &config.Guidance{Ref: "origin/main", Root: root, Names: []string{"AGENTS.md", "docs/team.md", "gone.md"},
		Files: []config.GuidelineText{{Name: "AGENTS.md", Text: "check every query"}, {Name: "docs/team.md", Text: "team rule"}}}
	got := Guidelines(root, []string{filepath.Join(root, "docs", "team.md"), filepath.Join(root, "gone.md"), mine, filepath.Join(root, "mine-too.md")}, committed)
	want := "From AGENTS.md:\ncheck every query\n\nFrom docs/team.md:\nteam rule\n\nFrom " + mine + ":\nmy own rule\n\nFrom mine-too.md:\nmy uncommitted rule"
	if got != want {
		t.Errorf("guidelines:\n%s\nwant:\n%s", got, want)
	}
	secret := filepath.Join(base, "secret")
	write(t, secret, "SECRET-TOKEN")
	if err := os.Symlink(secret, filepath.Join(root, "link.md")); err != nil {
		t.Fatal(err)
	}
	if got := Guidelines(root, []string{filepath.Join(root, "link.md")}, nil); strings.Contains(got, "SECRET") {
		t.Errorf("a configured link out of the repository was followed:\n%s", got)
	}
}
