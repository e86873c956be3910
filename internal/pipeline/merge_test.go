package pipeline

import (
	"context"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/diff/difftest"
)

// Two branches off main: both change shared.txt, each adds its own file,
// and a.txt is a lockfile-like skip on one side only.
func TestMergeTwoRanges(t *testing.T) {
	ctx := context.Background()
	r := difftest.New(t)
	r.Write("shared.txt", "base\n")
	base := r.Commit("base")
	r.Write("shared.txt", "one\n")
	r.Write("one.txt", "only on one\n")
	r.Write("go.sum", "x h1:abc\n")
	one := r.Commit("one")
	r.Git("checkout", "-q", "-b", "two", base)
	r.Write("shared.txt", "two\n")
	r.Write("two.txt", "only on two\n")
	r.Write("go.sum", "y h1:def\n")
	two := r.Commit("two")

	load := func(head string) *diff.Set {
		t.Helper()
		s, err := diff.Load(ctx, diff.Options{Dir: r.Dir, Commits: base + ".." + head})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// two first: it is preferred for shared paths.
	m, err := Merge(load(two), load(one))
	if err != nil {
		t.Fatal(err)
	}
	s := m.Set
	if s.Mode != diff.ModeCommits || s.Head.Commit != two || s.Base.Commit != base {
		t.Errorf("mode %q base %q head %q", s.Mode, s.Base.Commit, s.Head.Commit)
	}
	var paths []string
	for _, f := range s.Files {
		paths = append(paths, f.Path)
	}
	// Patch order within each set, the preferred set first, shared paths once.
	want := []string{"go.sum", "shared.txt", "two.txt", "one.txt"}
	if len(paths) != len(want) {
		t.Fatalf("files %v, want %v", paths, want)
	}
	for i := range want {
		if paths[i] != want[i] {
			t.Fatalf("files %v, want %v", paths, want)
		}
	}
	if len(s.Skipped) != 1 || s.Skipped[0].Path != "go.sum" {
		t.Errorf("skipped %+v, want go.sum once", s.Skipped)
	}
	if len(s.Commits) != 2 || s.Commits[0].SHA != two || s.Commits[1].SHA != one {
		t.Errorf("commits %+v", s.Commits)
	}
	// Each file's head side comes from its own range's head.
	for p, want := range map[string]string{"one.txt": "only on one\n", "two.txt": "only on two\n", "shared.txt": "two\n"} {
		got, err := m.ReadNew(ctx, p)
		if err != nil || string(got) != want {
			t.Errorf("ReadNew(%s) = %q, %v; want %q", p, got, err, want)
		}
	}
	// The same commits twice are listed once.
	m, err = Merge(load(one), load(one))
	if err != nil || len(m.Set.Commits) != 1 || len(m.Set.Files) != 3 {
		t.Fatalf("self merge: %v %+v", err, m.Set)
	}
}

func TestMergeOneSetIsUnchanged(t *testing.T) {
	set := &diff.Set{Mode: diff.ModeCommits, Files: []diff.File{{Path: "a"}}}
	m, err := Merge(set)
	if err != nil || m.Set != set {
		t.Fatalf("%v %p", err, m)
	}
}

func TestMergeRefusesTwoRepositories(t *testing.T) {
	if _, err := Merge(&diff.Set{Root: "/a"}, &diff.Set{Root: "/b"}); err == nil {
		t.Fatal("merged diffs of two repositories")
	}
	if _, err := Merge(); err == nil {
		t.Fatal("merged nothing")
	}
}
