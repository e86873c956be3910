package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/crash"
)

func TestUsageErrorsExitTwoWithHint(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"unknown command", []string{"nope"}, `error: unknown command "nope" for "quorum"`},
		{"unknown subcommand", []string{"hook", "nope"}, `error: unknown command "nope" for "quorum hook"`},
		{"a typo of a command", []string{"revew"}, `error: unknown command "revew" for "quorum"`},
		{"an argument to a command that takes none", []string{"review", "main.go"}, `error: quorum review takes no arguments, got "main.go"`},
		{"unknown flag", []string{"diff", "--nope"}, "error: unknown flag: --nope"},
		{"too many args", []string{"report", "show", "a", "b"}, "error: accepts at most 1 arg(s), received 2"},
		// Every command gets cmdutil.PlainFlagValues from the root.
		{"bad eval seed", []string{"eval", "--seed", "x"}, `error: invalid argument "x" for "--seed" flag: not a whole number`},
		{"bad doctor max-context", []string{"doctor", "--max-context", "8k"}, `error: invalid argument "8k" for "--max-context" flag: not a whole number`},
		{"bad doctor timeout", []string{"doctor", "--timeout", "30"}, `error: invalid argument "30" for "--timeout" flag: not a duration`},
		{"bad models timeout", []string{"models", "--timeout", "30"}, `error: invalid argument "30" for "--timeout" flag: not a duration`},
		{"bad hook debounce", []string{"hook", "ahead-run", "--debounce", "soon"}, `error: invalid argument "soon" for "--debounce" flag: not a duration`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _, stderr := cmdtest.NewFactory(t.TempDir(), nil)
			code := Run(context.Background(), f, tc.args)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr:\n%s", code, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if len(lines) != 2 || lines[0] != tc.msg || !strings.HasPrefix(lines[1], "hint: ") {
				t.Fatalf("stderr = %q, want %q and a hint line", stderr, tc.msg)
			}
		})
	}
}

// TestUnknownCommandHints: a typo of a command's name is met with the
// name it is nearest to; a word like none with where the commands are
// listed; an argument to a command that takes none with its help.
func TestUnknownCommandHints(t *testing.T) {
	for _, tc := range []struct {
		args []string
		hint string
	}{
		{[]string{"revew"}, "hint: did you mean 'quorum review'? 'quorum --help' lists its commands"},
		{[]string{"hook", "instal"}, "hint: did you mean 'quorum hook install'? 'quorum hook --help' lists its commands"},
		{[]string{"config", "shwo"}, "hint: did you mean 'quorum config show'? 'quorum config --help' lists its commands"},
		{[]string{"zzzzzz"}, "hint: 'quorum --help' lists its commands"},
		{[]string{"review", "main.go"}, "hint: run 'quorum review --help' for the flags"},
	} {
		f, _, stderr := cmdtest.NewFactory(t.TempDir(), nil)
		if code := Run(context.Background(), f, tc.args); code != 2 || !strings.HasSuffix(strings.TrimSpace(stderr.String()), tc.hint) {
			t.Errorf("%v: exit %d, stderr %q; want %q", tc.args, code, stderr, tc.hint)
		}
	}
}

// A panic is a bug in quorum: exit 3 with an error and a hint line first
// (the stack follows, for the report), never Go's exit 2, which the
// pre-push hook and CI read as a setup error.
func TestPanicIsAnInternalFailure(t *testing.T) {
	f, _, stderr := cmdtest.NewFactory(t.TempDir(), nil)
	f.Getenv = func(string) string { panic("boom") }
	code := Run(context.Background(), f, []string{"config", "show"})
	lines := strings.Split(stderr.String(), "\n")
	if code != 3 || len(lines) < 3 || lines[0] != "error: internal failure: boom" ||
		lines[1] != "hint: this is a bug in quorum; report it with the command you ran and the lines below" || !strings.Contains(stderr.String(), "goroutine") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
}

// A worker goroutine's panic arrives carried (internal/crash): the same
// exit 3 and lines, with the worker's stack rather than the recover's.
func TestCarriedPanicShowsTheWorkersStack(t *testing.T) {
	f, _, stderr := cmdtest.NewFactory(t.TempDir(), nil)
	f.Getenv = func(string) string {
		panic(&crash.Panic{Value: "boom in a worker", Stack: []byte("goroutine 42 [running]:\nworker.frame()\n")})
	}
	code := Run(context.Background(), f, []string{"config", "show"})
	lines := strings.Split(stderr.String(), "\n")
	if code != 3 || len(lines) < 4 || lines[0] != "error: internal failure: boom in a worker" ||
		!strings.HasPrefix(lines[1], "hint: this is a bug in quorum") || lines[2] != "goroutine 42 [running]:" || lines[3] != "worker.frame()" {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
}
