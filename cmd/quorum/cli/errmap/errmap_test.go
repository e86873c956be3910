package errmap_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/diff/difftest"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/gitexec"
	"github.com/quorum-review/quorum/internal/loopback"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/openai"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/run"
)

// TestDiffErrors pins, for every kind of diff error, the one-line message,
// the hint and the exit code the user sees. Errors come from diff.Load on
// real repositories where a test can make one cheaply; the rest are built
// as diff builds them.
func TestDiffErrors(t *testing.T) {
	load := func(t *testing.T, opts diff.Options) error {
		t.Helper()
		_, err := diff.Load(context.Background(), opts)
		if err == nil {
			t.Fatal("Load succeeded")
		}
		return err
	}
	committed := func(t *testing.T) *difftest.Repo {
		r := difftest.NewIsolated(t)
		r.Write("a", "1\n")
		r.Commit("one")
		return r
	}
	tests := []struct {
		kind       diff.Kind
		name       string
		err        func(t *testing.T) error
		msg, hint  string
		code       int
		wantFields func(e *diff.Error) bool
	}{
		{diff.Usage, "conflicting modes", func(t *testing.T) error {
			return diff.Options{Staged: true, Worktree: true}.Validate()
		}, "--staged and --worktree cannot be used together", "run 'quorum diff --help' for the flags", exitcode.Setup, nil},
		{diff.Usage, "bad commits range", func(t *testing.T) error {
			return diff.Options{Commits: "A...B"}.Validate()
		}, `--commits takes a range A..B, got "A...B": for the commits of B since it left A, use --base A --head B`, "run 'quorum diff --help' for the flags", exitcode.Setup, nil},
		{diff.BadPattern, "bad glob", func(t *testing.T) error {
			return load(t, diff.Options{Dir: t.TempDir(), Ignore: []string{"[x"}})
		}, `invalid --ignore pattern "[x"`, "fix the pattern; globs use doublestar syntax such as 'docs/**' or '*.pb.go'", exitcode.Setup,
			func(e *diff.Error) bool { return e.Pattern == "[x" }},
		{diff.NotRepo, "no repository", func(t *testing.T) error {
			return load(t, diff.Options{Dir: "/"})
		}, "not a git repository: /", "run quorum inside a git work tree, or 'git init' one", exitcode.Setup,
			func(e *diff.Error) bool { return e.Dir == "/" }},
		{diff.NotRepo, "GIT_DIR names no repository", func(t *testing.T) error {
			t.Chdir(t.TempDir())
			t.Setenv("GIT_DIR", "nope.git")
			t.Setenv("GIT_WORK_TREE", "")
			os.Unsetenv("GIT_WORK_TREE") // set to "" is an error of its own
			_, err := diff.GitDir(".")
			if err == nil {
				t.Fatal("GitDir succeeded")
			}
			return err
		}, "GIT_DIR=nope.git is not a git repository", "set GIT_DIR to a repository's git directory (such as /path/repo/.git), or unset it", exitcode.Setup,
			func(e *diff.Error) bool { return e.Env == "GIT_DIR" }},
		{diff.NotRepo, "GIT_WORK_TREE names no directory", func(t *testing.T) error {
			r := committed(t)
			t.Chdir(r.Dir)
			t.Setenv("GIT_DIR", ".git")
			t.Setenv("GIT_WORK_TREE", "nowhere")
			return load(t, diff.Options{})
		}, "GIT_WORK_TREE=nowhere is not a directory", "set GIT_WORK_TREE to the work tree's directory, or unset it", exitcode.Setup,
			func(e *diff.Error) bool { return e.Env == "GIT_WORK_TREE" }},
		{diff.Unmerged, "conflicts", func(t *testing.T) error {
			r := difftest.NewIsolated(t)
			r.Write("a.txt", "base\n")
			r.Commit("base")
			r.Git("checkout", "-q", "-b", "side")
			r.Write("a.txt", "side\n")
			r.Commit("side")
			r.Git("checkout", "-q", "-")
			r.Write("a.txt", "main\n")
			r.Commit("main")
			cmd := exec.Command("git", "-C", r.Dir, "merge", "-q", "side")
			cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@x", "GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@x")
			_ = cmd.Run() // stops on the conflict
			return load(t, diff.Options{Dir: r.Dir, Staged: true})
		}, "the index has unmerged paths (a.txt): the conflicts are not resolved", "resolve the conflicts and 'git add' the files (or abort the merge), then run quorum again", exitcode.Setup, nil},
		{diff.BareRepo, "bare repository", func(t *testing.T) error {
			// Detection is diff's TestGitDirBare; this is the mapping.
			return &diff.Error{Kind: diff.BareRepo, Dir: "/m.git", Err: errors.New("/m.git is a bare repository: it has no work tree to review")}
		}, "/m.git is a bare repository: it has no work tree to review", "run quorum in a clone with a work tree: git clone /m.git", exitcode.Setup, nil},
		{diff.UnsupportedFormat, "SHA-256 repository", func(t *testing.T) error {
			// Detection is diff's TestSHA256RepositoryIsNamed; this is the mapping.
			return &diff.Error{Kind: diff.UnsupportedFormat, Dir: "/r", Err: errors.New("/r is a SHA-256 repository (extensions.objectFormat), and quorum reads SHA-1 repositories only")}
		}, "/r is a SHA-256 repository (extensions.objectFormat), and quorum reads SHA-1 repositories only", "review the branch in a SHA-1 clone; a quorum hook installed here fails every push: 'quorum hook uninstall' removes it", exitcode.Setup, nil},
		{diff.NoCommits, "no commits", func(t *testing.T) error {
			return load(t, diff.Options{Dir: difftest.NewIsolated(t).Dir})
		}, "the repository has no commits yet", "make a first commit with 'git commit', or pass --staged to review what is staged", exitcode.Setup, nil},
		{diff.DetachedNoBase, "detached, no base branch", func(t *testing.T) error {
			r := difftest.NewIsolated(t)
			r.Git("checkout", "-q", "-b", "trunk")
			r.Commit("one")
			r.Git("checkout", "-q", "--detach")
			return load(t, diff.Options{Dir: r.Dir})
		}, "HEAD is detached at 4f7b3c580dbe and no base branch was found (no origin/HEAD, main or master)", "pass --base REF (for example --base origin/main), or check out a branch", exitcode.Setup, nil},
		{diff.NoBase, "no base", func(t *testing.T) error {
			r := difftest.NewIsolated(t)
			r.Git("checkout", "-q", "-b", "trunk")
			r.Commit("one")
			return load(t, diff.Options{Dir: r.Dir})
		}, "no base branch found (no upstream, origin/HEAD, main or master)", "pass --base REF (or set base: in .quorum.yaml), or set an upstream with 'git branch --set-upstream-to=REMOTE/BRANCH'", exitcode.Setup, nil},
		{diff.BadRev, "unknown base", func(t *testing.T) error {
			return load(t, diff.Options{Dir: committed(t).Dir, Base: "origin/nope"})
		}, `base or head "origin/nope" does not resolve to a commit`, "check the name with 'git rev-parse origin/nope' or 'git branch -a'; fetch it first if it is remote", exitcode.Setup,
			func(e *diff.Error) bool { return e.Rev == "origin/nope" }},
		{diff.BadRev, "unknown head, without git", func(t *testing.T) error {
			noGit(t)
			return load(t, diff.Options{Dir: committed(t).Dir, Base: "HEAD", Head: "nope"})
		}, `base or head "nope" does not resolve to a commit`, "check the name with 'git rev-parse nope' or 'git branch -a'; fetch it first if it is remote", exitcode.Setup, nil},
		{diff.Unrelated, "unrelated histories, named head", func(t *testing.T) error {
			r := committed(t)
			r.Git("checkout", "-q", "--orphan", "other")
			r.Write("b", "1\n")
			r.Commit("other")
			r.Git("checkout", "-q", "main")
			return load(t, diff.Options{Dir: r.Dir, Base: "main", Head: "other"})
		}, "main and other have no common history", "pass --base with a related branch, or --commits A..B", exitcode.Setup,
			func(e *diff.Error) bool { return e.Rev == "main" && e.Head == "other" }},
		{diff.Reversed, "--commits newer..older", func(t *testing.T) error {
			r := committed(t)
			r.Write("b", "1\n")
			r.Commit("second")
			return load(t, diff.Options{Dir: r.Dir, Commits: "HEAD..main~1"})
		}, "--commits HEAD..main~1: main~1 is an ancestor of HEAD, so the range has no commits", "give the older commit first: --commits main~1..HEAD", exitcode.Setup,
			func(e *diff.Error) bool { return e.Rev == "HEAD" && e.Head == "main~1" }},
		{diff.Reversed, "--commits newer..older, without git", func(t *testing.T) error {
			noGit(t)
			r := committed(t)
			r.Write("b", "1\n")
			r.Commit("second")
			return load(t, diff.Options{Dir: r.Dir, Commits: "HEAD..main~1"})
		}, "--commits HEAD..main~1: main~1 is an ancestor of HEAD, so the range has no commits", "give the older commit first: --commits main~1..HEAD", exitcode.Setup, nil},
		{diff.NeedsGit, "staged without git", func(t *testing.T) error {
			noGit(t)
			return load(t, diff.Options{Dir: committed(t).Dir, Staged: true})
		}, "--staged needs the git binary, which is not on PATH", "install git, or review commits with --base or --commits", exitcode.Setup,
			func(e *diff.Error) bool { return e.Mode == diff.ModeStaged }},
		{diff.Shallow, "shallow clone", func(t *testing.T) error {
			return &diff.Error{Kind: diff.Shallow, Err: errors.New("shallow clone: the merge-base of origin/main and HEAD is not in the fetched history")}
		}, "shallow clone: the merge-base of origin/main and HEAD is not in the fetched history", "run 'git fetch --unshallow', or pass --base with a commit inside the fetched history", exitcode.Setup, nil},
		{diff.Unreadable, "repository cannot be opened", func(t *testing.T) error {
			return &diff.Error{Kind: diff.Unreadable, Op: diff.OpOpen, Err: errors.New("cannot open git repository at /r: boom")}
		}, "cannot open git repository at /r: boom", "check the repository with 'git status' and 'git fsck'", exitcode.Setup, nil},
		{diff.Unreadable, "a git extension go-git cannot read", func(t *testing.T) error {
			return &diff.Error{Kind: diff.Unreadable, Op: diff.OpExtension, Err: errors.New("cannot open git repository at /r: it uses a git extension quorum cannot read (extensions.frob)")}
		}, "cannot open git repository at /r: it uses a git extension quorum cannot read (extensions.frob)", "'git config --get-regexp ^extensions' lists the repository's extensions; review the branch in a clone without it", exitcode.Setup, nil},
		{diff.Unreadable, "HEAD cannot be read", func(t *testing.T) error {
			return &diff.Error{Kind: diff.Unreadable, Op: diff.OpHead, Err: errors.New("cannot read HEAD: boom")}
		}, "cannot read HEAD: boom", "check the repository with 'git status'", exitcode.Setup, nil},
		{diff.Unreadable, "a revision cannot be read", func(t *testing.T) error {
			return &diff.Error{Kind: diff.Unreadable, Op: diff.OpResolve, Rev: "main", Err: fmt.Errorf("cannot resolve %q: %w", "main", &fs.PathError{Op: "open", Path: "x", Err: fs.ErrPermission})}
		}, `cannot resolve "main": open x: permission denied`, "check the repository with 'git fsck'", exitcode.Setup, nil},
		{diff.Unreadable, "a commit cannot be read", func(t *testing.T) error {
			return &diff.Error{Kind: diff.Unreadable, Op: diff.OpCommit, Err: errors.New("cannot read commit 0123456789ab: object not found")}
		}, "cannot read commit 0123456789ab: object not found", "check the repository with 'git fsck'", exitcode.Setup, nil},
		{diff.Unreadable, "git diff fails", func(t *testing.T) error {
			return &diff.Error{Kind: diff.Unreadable, Op: diff.OpDiff, Engine: diff.EngineGit, Err: errors.New("cannot read the diff: git diff failed: fatal: unable to read 0123abcd")}
		}, "cannot read the diff: git diff failed: fatal: unable to read 0123abcd", "run 'git fsck' to check the repository", exitcode.Setup, nil},
		{diff.Unreadable, "go-git cannot diff", func(t *testing.T) error {
			return &diff.Error{Kind: diff.Unreadable, Op: diff.OpDiff, Engine: diff.EngineGoGit, Err: errors.New("cannot diff 0123456789ab..ba9876543210: boom")}
		}, "cannot diff 0123456789ab..ba9876543210: boom", "check the repository with 'git fsck', or install git", exitcode.Setup, nil},
		{diff.Corrupt, "git's patch does not parse", func(t *testing.T) error {
			return &diff.Error{Kind: diff.Corrupt, Op: diff.OpDiff, Engine: diff.EngineGit, Err: fmt.Errorf("cannot read the diff: %w", diff.ErrCorruptPatch)}
		}, "cannot read the diff: " + diff.ErrCorruptPatch.Error(), "run 'git diff' on the same range to see the raw patch; if git prints it fine, report this", exitcode.Setup, nil},
		{diff.Corrupt, "go-git's patch does not parse", func(t *testing.T) error {
			return &diff.Error{Kind: diff.Corrupt, Op: diff.OpDiff, Engine: diff.EngineGoGit, Err: diff.ErrCorruptPatch}
		}, diff.ErrCorruptPatch.Error(), "install git; the go-git engine could not read this diff", exitcode.Setup, nil},
		{diff.Interrupted, "cancelled", func(t *testing.T) error {
			return &diff.Error{Kind: diff.Interrupted, Err: fmt.Errorf("interrupted while reading the diff: %w", context.Canceled)}
		}, "interrupted while reading the diff: context canceled", "run the command again", exitcode.Setup, nil},
	}
	seen := map[diff.Kind]bool{}
	for _, tt := range tests {
		t.Run(tt.kind.String()+"/"+tt.name, func(t *testing.T) {
			err := tt.err(t)
			var de *diff.Error
			if !errors.As(err, &de) || de.Kind != tt.kind {
				t.Fatalf("error %v (%T), want a diff.Error of kind %s", err, err, tt.kind)
			}
			seen[tt.kind] = true
			if tt.wantFields != nil && !tt.wantFields(de) {
				t.Errorf("fields of %+v", de)
			}
			msg := tt.msg
			var buf bytes.Buffer
			code := errmap.Print(&buf, err)
			want := "error: " + msg + "\nhint: " + tt.hint + "\n"
			if code != tt.code || buf.String() != want {
				t.Errorf("printed (exit %d):\n%swant (exit %d):\n%s", code, buf.String(), tt.code, want)
			}
			// A wrapped error maps the same way.
			if c, h := errmap.Map(fmt.Errorf("loading: %w", err)); c != tt.code || h != tt.hint {
				t.Errorf("wrapped: exit %d hint %q", c, h)
			}
		})
	}
	for k := diff.Kind(1); !strings.HasPrefix(k.String(), "Kind("); k++ {
		if !seen[k] {
			t.Errorf("kind %s has no case", k)
		}
		if errmap.DiffHint(&diff.Error{Kind: k}) == "" {
			t.Errorf("kind %s has no hint", k)
		}
	}
}

// TestBadRevReadFailure: a revision that cannot be read is not "does not
// resolve": the cause is kept and the hint points at the repository.
func TestBadRevReadFailure(t *testing.T) {
	for _, engine := range []string{diff.EngineGit, diff.EngineGoGit} {
		t.Run(engine, func(t *testing.T) {
			if engine == diff.EngineGoGit {
				noGit(t)
			}
			r := difftest.NewIsolated(t)
			r.Write("a", "1\n")
			r.Commit("one")
			r.Git("checkout", "-q", "-b", "f")
			r.Write("a", "2\n")
			r.Commit("two")
			// Make the main branch's commit unreadable: corrupt its loose object.
			sha := strings.TrimSpace(r.Git("rev-parse", "main"))
			obj := filepath.Join(r.Dir, ".git", "objects", sha[:2], sha[2:])
			if err := os.Chmod(obj, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(obj, []byte("not zlib"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := diff.Load(context.Background(), diff.Options{Dir: r.Dir, Base: "main"})
			var de *diff.Error
			if !errors.As(err, &de) || de.Kind != diff.Unreadable || de.Op != diff.OpResolve || de.Rev != "main" ||
				!strings.HasPrefix(err.Error(), `cannot resolve "main": `) || errors.Unwrap(de.Err) == nil {
				t.Fatalf("error %v (%+v), want an unreadable revision with its cause", err, de)
			}
			if code, hint := errmap.Map(err); code != exitcode.Setup || hint != "check the repository with 'git fsck'" {
				t.Errorf("exit %d hint %q", code, hint)
			}
		})
	}
}

// TestPassThrough: errors of packages not converted yet keep their own
// code and hint; unknown errors are internal failures with the bug hint;
// usage errors are exit 2 with the help hint; findings print nothing.
func TestPassThrough(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		code int
		out  string
	}{
		{"nil", nil, exitcode.OK, ""},
		{"findings", exitcode.FindingsError, exitcode.Findings, ""},
		{"exitcode error", exitcode.Setupf("ollama serve", "cannot reach ollama"), exitcode.Setup, "error: cannot reach ollama\nhint: ollama serve\n"},
		{"exitcode error wrapping a diff error keeps its own hint", exitcode.New(exitcode.Internal, &diff.Error{Kind: diff.NoBase, Err: errors.New("no base")}, "outer"), exitcode.Internal, "error: no base\nhint: outer\n"},
		{"unknown", errors.New("boom\nsecond line"), exitcode.Internal, "error: boom\nhint: this is a bug in quorum; rerun with the same inputs and report it\n"},
		{"usage", errmap.Usage(errors.New("unknown flag: --nope")), exitcode.Setup, "error: unknown flag: --nope\nhint: run 'quorum help' for usage\n"},
		{"usage wrapping a hint", errmap.Usage(exitcode.Setupf("read the help", "bad")), exitcode.Setup, "error: bad\nhint: read the help\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if code := errmap.Print(&buf, tt.err); code != tt.code || buf.String() != tt.out {
				t.Errorf("exit %d, printed %q; want %d, %q", code, buf.String(), tt.code, tt.out)
			}
		})
	}
}

// noGit makes the diff package run without the git binary (the go-git
// engine) for the rest of the test.
func noGit(t *testing.T) {
	old := gitexec.LookPath
	gitexec.LookPath = func() string { return "" }
	t.Cleanup(func() { gitexec.LookPath = old })
}

// TestBackendErrors: a model server's errors exit 2 with the backend's own
// hint, a server failure too (it is not a bug in quorum).
func TestBackendErrors(t *testing.T) {
	for _, tt := range []struct {
		err  error
		code int
		hint string
	}{
		{&pipeline.HintedError{Err: fmt.Errorf("list models: %w", openai.ErrUnauthorized), Hint: "set api_key_env"}, exitcode.Setup, "set api_key_env"},
		{&pipeline.HintedError{Err: fmt.Errorf("chat: %w", review.ErrUnreachable), Hint: "start the server"}, exitcode.Setup, "start the server"},
		{fmt.Errorf("no reviewer could answer: %w", &pipeline.HintedError{Err: openai.ErrServer, Hint: "check its log"}), exitcode.Setup, "check its log"},
		{fmt.Errorf("chat: %w", openai.ErrServer), exitcode.Setup, "the model server failed; check its log (and its free memory: a model killed mid-answer is usually out of it), then run again"},
		{fmt.Errorf("x: %w", openai.ErrRejected), exitcode.Setup, "check that the model can chat (`quorum models`) and that the prompt fits its context (lower --max-context or review fewer files)"},
		{fmt.Errorf("refusing: %w", loopback.ErrRemote), exitcode.Setup, "use a loopback host, or pass --allow-remote (allow_remote: true in your user config) if that server is yours"},
		{fmt.Errorf("host: %w", openai.ErrBadBaseURL), exitcode.Setup, "give --host a URL like " + openai.DefaultBaseURL},
	} {
		code, hint := errmap.Map(tt.err)
		if code != tt.code || hint != tt.hint {
			t.Errorf("%v: code %d hint %q, want %d %q", tt.err, code, hint, tt.code, tt.hint)
		}
	}
	// Without a backend's hint, every one of them still says what to run.
	for _, err := range []error{review.ErrUnreachable, review.ErrModelNotFound, review.ErrBusy, openai.ErrUnauthorized,
		openai.ErrRejected, loopback.ErrRemote, loopback.ErrNoAddress, openai.ErrServer} {
		code, hint := errmap.Map(fmt.Errorf("chat: %w", err))
		if code != exitcode.Setup || hint == "" {
			t.Errorf("%v: code %d hint %q, want exit 2 with a hint", err, code, hint)
		}
	}
}

// TestRunErrors: a model's answer quorum could not use is exit 2 with a hint
// naming another model or context, never exit 3, wherever it is printed
// (quorum review, the pre-push hook).
func TestRunErrors(t *testing.T) {
	for _, tt := range []struct {
		err  error
		hint string
	}{
		{&run.NoAnswerError{Cause: fmt.Errorf("%w: the answer holds no JSON object", run.ErrBadAnswer)}, errmap.BadAnswerHint},
		{&run.NoAnswerError{Cause: fmt.Errorf("%w: 9000 tokens kept of 12000", run.ErrPromptTruncated)}, errmap.PromptTruncatedHint},
		{&run.NoAnswerError{Cause: fmt.Errorf("%w: 2 files, num_ctx 2048", run.ErrNothingFits)}, errmap.NothingFitsHint},
	} {
		var buf bytes.Buffer
		code := errmap.Print(&buf, tt.err)
		want := "error: " + tt.err.Error() + "\nhint: " + tt.hint + "\n"
		if code != exitcode.Setup || buf.String() != want || tt.hint == "" {
			t.Errorf("printed (exit %d):\n%swant (exit 2):\n%s", code, buf.String(), want)
		}
	}
}

// TestHookHintNamesNoFlag: the git hooks take no flags, so their hints
// name where a push reads the server's address instead of --host.
func TestHookHintNamesNoFlag(t *testing.T) {
	errs := []error{}
	for _, kind := range []ollama.Kind{ollama.Unreachable, ollama.Remote, ollama.Rejected, ollama.Unfinished} {
		errs = append(errs, fmt.Errorf("chat: %w", &ollama.Error{Kind: kind}))
	}
	// A server that rate-limits (429) names --parallel.
	errs = append(errs, fmt.Errorf("chat: %w", &ollama.Error{Kind: ollama.Busy, Hint: "the server (or a proxy before it) limits how often it is asked: run again later, or lower --parallel"}))
	for _, err := range errs {
		if h := errmap.Hint(err); !strings.Contains(h, " --") {
			t.Fatalf("review's hint %q names no flag: this test checks nothing", h)
		}
		h := errmap.HookHint(err)
		if strings.Contains(h, " --") {
			t.Errorf("hook hint %q names a flag", h)
		}
		// A repository's .quorum.yaml refuses allow_remote: the hint must
		// not send the user there.
		if strings.Contains(h, "allow_remote") && !strings.Contains(h, "user config") {
			t.Errorf("hook hint %q puts allow_remote where the config refuses it", h)
		}
	}
}
