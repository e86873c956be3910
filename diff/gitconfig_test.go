package diff

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff/difftest"
	"github.com/quorum-review/quorum/internal/gitexec"
)

// TestGitConfigDoesNotChangeThePatch: a user's git config that reshapes
// `git diff` (less context, hunks fused across a gap, the patience
// algorithm) leaves quorum's diff as it is with no config: teammates get
// the same hunks, so the same findings, fingerprints, dismissals and cached
// answers. (diff.indentHeuristic and diff.relative are pinned too; this
// input does not tell them apart: the heuristic moves no hunk here, and
// quorum runs git at the work tree's root, where relative paths are full.)
func TestGitConfigDoesNotChangeThePatch(t *testing.T) {
	r := difftest.NewIsolated(t)
	var base, change string
	for i := range 40 {
		base += "line " + string(rune('a'+i%26)) + "\n"
	}
	change = "func added() {\n\treturn\n}\n" + base[:63] + "CHANGED\n" + base[63:210] + "{\n}\nMOVED\n" + base[210:]
	r.Write("sub/a.go", base)
	r.Write("b.go", "package b\n")
	r.Write("frob.c", frobOld)
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "feature")
	r.Write("sub/a.go", change)
	r.Write("b.go", "package b\n\nfunc B() {}\n")
	r.Write("frob.c", frobNew)
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
}

// frobOld and frobNew are the classic pair on which the patience and
// Myers algorithms give different hunks.
const frobOld = `#include <stdio.h>

// Frobs foo heartily
int frobnitz(int foo)
{
    int i;
    for(i = 0; i < 10; i++)
    {
        printf("Your answer is: ");
        printf("%d\n", foo);
    }
}

int fact(int n)
{
    if(n > 1)
    {
        return fact(n-1) * n;
    }
    return 1;
}

int main(int argc, char **argv)
{
    frobnitz(fact(10));
}
`

const frobNew = `#include <stdio.h>

int fib(int n)
{
    if(n > 2)
    {
        return fib(n-1) + fib(n-2);
    }
    return 1;
}

// Frobs foo heartily
int frobnitz(int foo)
{
    int i;
    for(i = 0; i < 10; i++)
    {
        printf("%d\n", foo);
    }
}

int main(int argc, char **argv)
{
    frobnitz(fib(10));
}
`

// TestSparseCheckoutIsReadable: 'git sparse-checkout' (and 'git config
// --worktree') set extensions.worktreeConfig, which go-git refuses to
// open; it changes nothing quorum reads, so the change is reviewed as
// without it, files outside the sparse cone included. An extension that
// does change what is read still stops the open with a clear error.
func TestSparseCheckoutIsReadable(t *testing.T) {
	r := difftest.NewIsolated(t)
	r.Write("app/a.go", "package app\n")
	r.Write("docs/d.md", "# d\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "feature")
	r.Write("app/a.go", "package app\n\nfunc A() {}\n")
	r.Write("docs/d.md", "# d\n\nmore\n")
	r.Commit("feature")
	load := func() (*Set, error) {
		return Load(t.Context(), Options{Dir: r.Dir, Base: "main", Git: &gitexec.Git{}})
	}
	want, err := load()
	if err != nil {
		t.Fatal(err)
	}
	r.Git("sparse-checkout", "set", "app")
	got, err := load()
	if err != nil {
		t.Fatalf("sparse checkout: %v", err)
	}
	a, _ := json.Marshal(want.Files)
	b, _ := json.Marshal(got.Files)
	if string(a) != string(b) || len(got.Files) != 2 {
		t.Fatalf("sparse checkout changed the diff:\n%s\n%s", b, a)
	}
	r.Git("config", "extensions.frobnicate", "true")
	r.Git("config", "core.repositoryFormatVersion", "1")
	_, err = load()
	var de *Error
	if !errors.As(err, &de) || de.Op != OpExtension || !strings.Contains(err.Error(), "it uses a git extension quorum cannot read (extensions.frobnicate)") {
		t.Fatalf("an unknown extension: %v", err)
	}
}
