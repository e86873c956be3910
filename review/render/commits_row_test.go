package render_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report"
)

var commitsRow = regexp.MustCompile(`(?m)^\| Commits \| (\d+), (\S+)(?: [^|]*)? \|$`)

// TestCommitsRowIsARangeGitReads: the header's Commits row names the
// reviewed commits so that git reads them as the review did: one commit as
// itself (its "X..X" was an empty range to git), several as base..head,
// which `git rev-list` lists as exactly the reviewed commits (its
// "first..last" left the first one out). Histories made by real git: a
// branch off main, main moving on after it (the base is the merge-base,
// not main), and --commits A..B.
func TestCommitsRowIsARangeGitReads(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@example.com", "GIT_COMMITTER_NAME=a",
			"GIT_COMMITTER_EMAIL=a@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	commit := func(file, text string) string {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, file), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		git("add", file)
		git("commit", "-q", "-m", "change "+file)
		return git("rev-parse", "HEAD")
	}
	git("init", "-q", "-b", "main")
	commit("a.go", "package a\n")
	git("checkout", "-q", "-b", "feat")
	one := commit("a.go", "package a\n\nfunc A() {}\n")

	row := func(opts diff.Options) (n, rng string) {
		t.Helper()
		opts.Dir = dir
		set, err := diff.Load(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		r, err := pipeline.Consolidate(set, &review.Raw{Schema: "quorum.raw/v1"}, report.Policy{}, report.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := render.Write(&buf, "markdown", r, render.Options{}); err != nil {
			t.Fatal(err)
		}
		m := commitsRow.FindStringSubmatch(buf.String())
		if m == nil {
			t.Fatalf("no Commits row:\n%s", buf.String())
		}
		return m[1], m[2]
	}
	// revList is what git reads the row's range as, newest first.
	revList := func(rng string) string { return git("rev-list", rng) }

	t.Run("one commit", func(t *testing.T) {
		n, rng := row(diff.Options{Base: "main"})
		if n != "1" || rng != one[:7] {
			t.Errorf("row %s, %s; want 1, %s", n, rng, one[:7])
		}
	})

	two := commit("b.go", "package a\n")
	git("checkout", "-q", "main")
	commit("c.go", "package a\n") // main moves on: the base is the merge-base
	git("checkout", "-q", "feat")
	t.Run("two commits", func(t *testing.T) {
		n, rng := row(diff.Options{Base: "main"})
		if n != "2" || !strings.Contains(rng, "..") {
			t.Fatalf("row %s, %s", n, rng)
		}
		if got, want := revList(rng), two+"\n"+one; got != want {
			t.Errorf("git reads %s as\n%s\nwant the reviewed commits\n%s", rng, got, want)
		}
	})
	three := commit("d.go", "package a\n")
	t.Run("commits A..B", func(t *testing.T) {
		n, rng := row(diff.Options{Commits: one + ".." + three})
		if n != "2" || rng != one[:7]+".."+three[:7] {
			t.Fatalf("row %s, %s", n, rng)
		}
		if got, want := revList(rng), three+"\n"+two; got != want {
			t.Errorf("git reads %s as\n%s\nwant\n%s", rng, got, want)
		}
	})
	// From the empty tree (a first push, an orphan branch): git cannot
	// resolve the empty tree's short name, which it has not stored.
	t.Run("from the empty tree", func(t *testing.T) {
		n, rng := row(diff.Options{Commits: diff.EmptyTree + ".." + three})
		if n != "4" || rng != diff.EmptyTree+".."+three[:7] {
			t.Fatalf("row %s, %s", n, rng)
		}
		if got := strings.Count(revList(rng), "\n") + 1; got != 4 {
			t.Errorf("git reads %s as %d commits, want 4", rng, got)
		}
	})
}

// TestCommitsRowWithoutBase: a report that names no base commit (made by
// hand, or before the field existed) names the oldest and newest commit in
// words, never as a range git would read as one commit short.
func TestCommitsRowWithoutBase(t *testing.T) {
	r := &report.Report{Commits: []report.Commit{{SHA: strings.Repeat("a", 40)}, {SHA: strings.Repeat("b", 40)}}}
	var buf bytes.Buffer
	if err := render.Write(&buf, "markdown", r, render.Options{}); err != nil {
		t.Fatal(err)
	}
	if want := "| Commits | 2, oldest aaaaaaa, newest bbbbbbb (see Commit structure) |\n"; !strings.Contains(buf.String(), want) {
		t.Errorf("want %q in\n%s", want, buf.String())
	}
}
