package diffcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/diff/difftest"
	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/gitexec"
	"github.com/quorum-review/quorum/internal/golden"
	"github.com/quorum-review/quorum/internal/iostreams"
)

// run executes `quorum diff` in dir the way the root command does and
// returns stdout, stderr as the root would print it, and the exit code.
func run(t *testing.T, dir string, args string) (string, string, int) {
	t.Helper()
	f, out, errOut := cmdtest.NewFactory(dir, nil)
	f.Getenv = os.Getenv // the tests set HOME and GIT_CONFIG_* with t.Setenv for git
	code := cmdtest.Execute(context.Background(), NewCmdDiff(f, nil), f.IOStreams, splitArgs(args))
	return out.String(), errOut.String(), code
}

func TestFlags(t *testing.T) {
	tests := []struct {
		args    string
		want    diff.Options
		format  string
		wantErr string
	}{
		{args: "", format: "text"},
		{args: "--base origin/main --head topic --format json", want: diff.Options{Base: "origin/main", Head: "topic"}, format: "json"},
		{args: "--staged", want: diff.Options{Staged: true}, format: "text"},
		{args: "--worktree --ignore '*.md' --ignore docs/", want: diff.Options{Worktree: true, Ignore: []string{"*.md", "docs/"}}, format: "text"},
		{args: "--commits A..B", want: diff.Options{Commits: "A..B"}, format: "text"},
		{args: "--staged --worktree", wantErr: "--staged and --worktree cannot be used together"},
		{args: "--commits A..B --base x", wantErr: "--commits cannot be combined"},
		{args: "--staged --base x", wantErr: "cannot be combined with --base or --head"},
		{args: "--commits A", wantErr: `--commits takes a range A..B, got "A"`},
		{args: "--commits A...B", wantErr: "--commits takes a range A..B"},
		{args: "--format xml", wantErr: `unknown format "xml"`},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *DiffOptions
			cmd := NewCmdDiff(&cmdutil.Factory{IOStreams: ios, WorkDir: "/somewhere"}, func(o *DiffOptions) error { got = o; return nil })
			argv := splitArgs(tt.args)
			cmd.SetArgs(argv)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tt.wantErr != "" {
				if code, hint := errmap.Map(err); err == nil || !strings.Contains(err.Error(), tt.wantErr) || code != exitcode.Setup || hint == "" {
					t.Fatalf("err = %v (code %d, hint %q), want %q", err, code, hint, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Dir = "/somewhere"
			if got.Format != tt.format || !equalOpts(got.Load, tt.want) {
				t.Errorf("got %+v format %s, want %+v format %s", got.Load, got.Format, tt.want, tt.format)
			}
		})
	}
}

func equalOpts(a, b diff.Options) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func TestErrors(t *testing.T) {
	t.Run("not a repository", func(t *testing.T) {
		dir := t.TempDir()
		_, stderr, code := run(t, dir, "")
		assertErr(t, stderr, code, "error: not a git repository: "+dir, "hint: run quorum inside a git work tree, or 'git init' one")
	})
	t.Run("no commits", func(t *testing.T) {
		r := difftest.NewIsolated(t)
		_, stderr, code := run(t, r.Dir, "")
		assertErr(t, stderr, code, "error: the repository has no commits yet", "hint: make a first commit with 'git commit', or pass --staged to review what is staged")
		r.Write("a.go", "package a\n")
		r.Git("add", "a.go")
		stdout, stderr, code := run(t, r.Dir, "--staged")
		if code != 0 || !strings.Contains(stdout, "index vs the empty tree: no commit yet") || !strings.Contains(stdout, "A  +1 -0  a.go") {
			t.Errorf("--staged before the first commit: exit %d\n%s%s", code, stdout, stderr)
		}
	})
	t.Run("orphan branch", func(t *testing.T) {
		r := difftest.NewIsolated(t)
		r.Commit("one")
		r.Git("checkout", "-q", "--orphan", "fresh")
		_, stderr, code := run(t, r.Dir, "")
		assertErr(t, stderr, code, "error: branch fresh has no commits yet", "hint: make a first commit with 'git commit', or pass --staged to review what is staged")
	})
	t.Run("detached head without a base branch", func(t *testing.T) {
		// With main (or origin/HEAD, master) a detached HEAD is reviewed
		// against it: diff's TestDetachedHeadDefaultBase.
		r := difftest.NewIsolated(t)
		r.Git("checkout", "-q", "-b", "trunk")
		head := r.Commit("one")
		r.Git("checkout", "-q", "--detach")
		_, stderr, code := run(t, r.Dir, "")
		assertErr(t, stderr, code, "error: HEAD is detached at "+head[:12]+" and no base branch was found (no origin/HEAD, main or master)", "hint: pass --base REF (for example --base origin/main), or check out a branch")
	})
	t.Run("base does not resolve", func(t *testing.T) {
		r := difftest.NewIsolated(t)
		r.Commit("one")
		_, stderr, code := run(t, r.Dir, "--base origin/nope")
		assertErr(t, stderr, code, `error: base or head "origin/nope" does not resolve to a commit`,
			"hint: check the name with 'git rev-parse origin/nope' or 'git branch -a'; fetch it first if it is remote")
	})
	t.Run("no base branch", func(t *testing.T) {
		r := difftest.NewIsolated(t)
		r.Git("checkout", "-q", "-b", "trunk")
		r.Commit("one")
		_, stderr, code := run(t, r.Dir, "")
		assertErr(t, stderr, code, "error: no base branch found (no upstream, origin/HEAD, main or master)",
			"hint: pass --base REF (or set base: in .quorum.yaml), or set an upstream with 'git branch --set-upstream-to=REMOTE/BRANCH'")
	})
	t.Run("shallow clone without merge-base", func(t *testing.T) {
		r := difftest.NewIsolated(t)
		r.Write("a", "1\n")
		r.Commit("one")
		r.Write("a", "2\n")
		r.Commit("two")
		r.Git("checkout", "-q", "-b", "feature", "HEAD~1")
		r.Write("b", "1\n")
		r.Commit("feature")
		clone := filepath.Join(filepath.Dir(r.Dir), "clone")
		r.Git("clone", "-q", "--depth", "1", "--no-single-branch", "file://"+r.Dir, clone)
		c := r.At(clone)
		c.Git("checkout", "-q", "feature")
		_, stderr, code := run(t, clone, "--base origin/main")
		assertErr(t, stderr, code, "error: shallow clone: the merge-base of origin/main and HEAD is not in the fetched history",
			"hint: run 'git fetch --unshallow', or pass --base with a commit inside the fetched history")
	})
	t.Run("corrupt diff", func(t *testing.T) {
		r := oneChange(t)
		fakeGitDiff(t, `printf 'diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,5 +1,1 @@\n-1\n+2\n'; exit 0`)
		_, stderr, code := run(t, r.Dir, "")
		assertErr(t, stderr, code, "error: cannot read the diff: corrupt diff: hunk @@ -1,5 +1,1 @@ has 1 old and 1 new lines (in a)",
			"hint: run 'git diff' on the same range to see the raw patch; if git prints it fine, report this")
	})
	t.Run("unreadable diff", func(t *testing.T) {
		r := oneChange(t)
		fakeGitDiff(t, `echo 'fatal: unable to read 0123abcd' >&2; exit 128`)
		_, stderr, code := run(t, r.Dir, "--format json")
		if code != exitcode.Setup || stderr != "error: cannot read the diff: git diff failed: fatal: unable to read 0123abcd\nhint: run 'git fsck' to check the repository\n" {
			t.Errorf("exit %d, stderr:\n%s", code, stderr)
		}
	})
	t.Run("bad ignore glob", func(t *testing.T) {
		r := difftest.NewIsolated(t)
		r.Commit("one")
		_, stderr, code := run(t, r.Dir, "--ignore '[x'")
		assertErr(t, stderr, code, `error: invalid --ignore pattern "[x"`, "hint: fix the pattern; globs use doublestar syntax such as 'docs/**' or '*.pb.go'")
	})
	t.Run("conflicting flags", func(t *testing.T) {
		_, stderr, code := run(t, t.TempDir(), "--staged --worktree")
		assertErr(t, stderr, code, "error: --staged and --worktree cannot be used together", "hint: run 'quorum diff --help' for the flags")
	})
}

// oneChange is a repository whose branch f changes file a in one commit.
func oneChange(t *testing.T) *difftest.Repo {
	r := difftest.NewIsolated(t)
	r.Write("a", "1\n")
	r.Commit("one")
	r.Git("checkout", "-q", "-b", "f")
	r.Write("a", "2\n")
	r.Commit("two")
	return r
}

// fakeGitDiff makes gitexec.LookPath return a wrapper that runs the shell
// commands body in place of `git diff` and the real git for anything else.
func fakeGitDiff(t *testing.T, body string) {
	t.Helper()
	fake := filepath.Join(t.TempDir(), "git")
	real := gitexec.LookPath()
	script := "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = diff ] && { " + body + "; }; done\nexec " + real + " \"$@\"\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	old := gitexec.LookPath
	gitexec.LookPath = func() string { return fake }
	t.Cleanup(func() { gitexec.LookPath = old })
}

func assertErr(t *testing.T, stderr string, code int, msg, hint string) {
	t.Helper()
	want := msg + "\n" + hint + "\n"
	if stderr != want || code != exitcode.Setup {
		t.Errorf("stderr:\n%s(exit %d)\nwant:\n%s(exit 2)", stderr, code, want)
	}
}

func TestNothingToReview(t *testing.T) {
	r := difftest.NewIsolated(t)
	r.Commit("one")
	r.Git("checkout", "-q", "-b", "f")
	out, stderr, code := run(t, r.Dir, "")
	if code != 0 || stderr != "" || !strings.HasSuffix(out, "\nnothing to review\n") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	out, _, code = run(t, r.Dir, "--format json")
	var set diff.Set
	if err := json.Unmarshal([]byte(out), &set); err != nil || code != 0 || len(set.Files) != 0 || set.Files == nil && !strings.Contains(out, `"files": []`) {
		t.Errorf("json: %v %s", err, out)
	}
}

// goldenRepo builds the representative fixture: a feature branch with two
// commits touching modified, added, renamed, deleted, binary and lock files.
func goldenRepo(t *testing.T) *difftest.Repo {
	r := difftest.NewIsolated(t)
	r.Write("README.md", "# demo\n\nA demo project.\n")
	r.Write("main.go", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hello\")\n}\n")
	r.Write("old_name.go", difftest.Lines("// line", 12))
	r.Write("obsolete.txt", "bye\n")
	r.Commit("initial import")
	r.Git("checkout", "-q", "-b", "feature")
	r.Write("main.go", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hello, <world> & co\")\n\tfmt.Println(\"done\")\n}\n")
	r.Git("mv", "old_name.go", "new_name.go")
	r.Commit("greet the world\n\nAnd say when done.")
	r.Git("rm", "-q", "obsolete.txt")
	r.Write("go.sum", "example.com/x v1.0.0 h1:abc=\n")
	r.Write("logo.png", "\x89PNG\r\n\x1a\n\x00\x00")
	r.Write("docs/notes.md", "notes\n")
	r.Commit("add assets")
	return r
}

func TestGolden(t *testing.T) {
	r := goldenRepo(t)
	for _, tc := range []struct{ name, args string }{
		{"range.txt", "--ignore docs/"},
		{"range.json", "--format json --ignore docs/"},
		{"commits.txt", "--commits HEAD~1..HEAD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, code := run(t, r.Dir, tc.args)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			golden.Check(t, filepath.Join("..", "..", "..", "..", "testdata", "diff", tc.name), []byte(out))
		})
	}
}

// TestJSONStreamMatchesEncoder proves JSONStream's output is
// byte-identical to encoding the whole Set at once.
func TestJSONStreamMatchesEncoder(t *testing.T) {
	r := goldenRepo(t)
	set, err := diff.Load(context.Background(), diff.Options{Dir: r.Dir})
	if err != nil {
		t.Fatal(err)
	}
	var streamed, whole bytes.Buffer
	js := diff.NewJSONStream(&streamed)
	if err := js.Begin(set); err != nil {
		t.Fatal(err)
	}
	for i := range set.Files {
		if err := js.File(&set.Files[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := js.End(set); err != nil {
		t.Fatal(err)
	}
	enc := json.NewEncoder(&whole)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(set); err != nil {
		t.Fatal(err)
	}
	if streamed.String() != whole.String() {
		t.Errorf("streamed JSON differs:\n%s\n---\n%s", streamed.String(), whole.String())
	}
	var back diff.Set
	if err := json.Unmarshal(streamed.Bytes(), &back); err != nil || len(back.Files) != len(set.Files) {
		t.Errorf("round trip: %v", err)
	}
}

// splitArgs splits a command line on spaces, honouring single quotes.
func splitArgs(s string) []string {
	out := []string{}
	var cur strings.Builder
	inQ, have := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			inQ, have = !inQ, true
		case r == ' ' && !inQ:
			if have {
				out = append(out, cur.String())
			}
			cur.Reset()
			have = false
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if have {
		out = append(out, cur.String())
	}
	return out
}

// Ctrl-C while git prints the patch is the user's doing: exit 2, not a bug.
func TestInterruptedIsAUsageExit(t *testing.T) {
	r := goldenRepo(t)
	f, _, errOut := cmdtest.NewFactory(r.Dir, nil)
	f.Getenv = os.Getenv
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code := cmdtest.Execute(ctx, NewCmdDiff(f, nil), f.IOStreams, []string{"--format", "json"})
	want := "error: interrupted while reading the diff: context canceled\nhint: run the command again\n"
	if code != 2 || errOut.String() != want {
		t.Fatalf("exit %d, stderr %q; want 2 and %q", code, errOut.String(), want)
	}
}

// git diff leaves untracked files out; --worktree says so instead of
// pretending there is nothing uncommitted.
func TestWorktreeListsUntrackedFiles(t *testing.T) {
	r := difftest.NewIsolated(t)
	r.Write("a.go", "package a\n")
	r.Write(".gitignore", "*.log\n")
	r.Commit("one")
	r.Write("new.go", "package a\n\nfunc New() {}\n")
	r.Write("debug.log", "ignored\n")
	out, stderr, code := run(t, r.Dir, "--worktree")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"skipped (1)\n  new.go  untracked\n", "'git add -N PATH'", "\nnothing to review\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "debug.log") {
		t.Errorf("an ignored file is listed:\n%s", out)
	}
	r.Git("add", "-N", "new.go")
	out, _, _ = run(t, r.Dir, "--worktree --format json")
	var set diff.Set
	if err := json.Unmarshal([]byte(out), &set); err != nil || len(set.Reviewable()) != 1 || set.Reviewable()[0].Path != "new.go" {
		t.Errorf("after git add -N: %v\n%s", err, out)
	}
}

func TestSingleP(t *testing.T) {
	t.Cleanup(runtime.SetDefaultGOMAXPROCS)
	runtime.SetDefaultGOMAXPROCS()
	before := runtime.GOMAXPROCS(0)
	restore := singleP(func(string) string { return "" })
	if got := runtime.GOMAXPROCS(0); got != 1 {
		t.Errorf("while streaming GOMAXPROCS = %d, want 1", got)
	}
	restore()
	if got := runtime.GOMAXPROCS(0); got != before {
		t.Errorf("after streaming GOMAXPROCS = %d, want %d restored", got, before)
	}
	restore = singleP(func(k string) string {
		if k == "GOMAXPROCS" {
			return "4"
		}
		return ""
	})
	defer restore()
	if got := runtime.GOMAXPROCS(0); got != before {
		t.Errorf("with GOMAXPROCS in the environment it was changed to %d", got)
	}
}

// TestConfigApplies: quorum diff shows what quorum review would review, so
// the config's ignore: leaves files out the same way, and a bad config is
// the same error.
func TestConfigApplies(t *testing.T) {
	r := oneChange(t)
	if err := os.WriteFile(filepath.Join(r.Dir, ".quorum.yaml"), []byte("ignore: [a]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := run(t, r.Dir, "")
	if code != 0 || stderr != "" || !strings.Contains(out, "  a  ignored\n") || !strings.HasSuffix(out, "\nnothing to review: every changed file is skipped (above)\n") {
		t.Errorf("ignore: exit %d, stderr %q\n%s", code, stderr, out)
	}
	if err := os.WriteFile(filepath.Join(r.Dir, ".quorum.yaml"), []byte("ignre: [a]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = run(t, r.Dir, "")
	assertErr(t, stderr, code, `error: .quorum.yaml:1: unknown key "ignre"`, `hint: did you mean "ignore"? remove or rename the key`)
}
