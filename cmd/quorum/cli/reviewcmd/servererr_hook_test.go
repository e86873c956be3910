package reviewcmd

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/cmd/quorum/cli/hookcmd"
	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/ollamatest"
)

// hookGenericHint is the pre-push hook's fallback hint for an unavailable
// server, right only when the server is not running.
const hookGenericHint = "start Ollama ('ollama serve') and pull the panel's models"

// runHook pushes e's branch through `quorum hook run` (the real review
// pipeline against e's fake Ollama) with hook.on_unavailable set to
// onUnavailable, and returns what the hook printed and its exit code.
func runHook(t *testing.T, e *env, onUnavailable string) result {
	t.Helper()
	head := strings.TrimSpace(e.repo.Git("rev-parse", "HEAD"))
	vars := map[string]string{ // nothing else: no QUORUM_SKIP, no pre-commit variables
		"OLLAMA_HOST":                e.srv.Host,
		"QUORUM_CACHE_DIR":           e.cache,
		"HOME":                       e.repo.Home,
		"XDG_CONFIG_HOME":            e.repo.Home + "/.config",
		"QUORUM_HOOK_ON_UNAVAILABLE": onUnavailable,
	}
	ios, in, out, errOut := iostreams.Test()
	in.WriteString("refs/heads/feature " + head + " refs/heads/feature " + strings.Repeat("0", 40) + "\n")
	f := &cmdutil.Factory{IOStreams: ios, WorkDir: e.repo.Dir, Now: time.Now, Getenv: func(k string) string { return vars[k] }}
	code := cmdtest.Execute(context.Background(), hookcmd.NewCmdRun(f, nil), ios, []string{"origin", "u"})
	return result{code, out.String(), errOut.String()}
}

// TestHookServerFailureHint: a server that fails mid-answer (an OOM-killed
// runner's 500, a dropped connection, an error or garbage line in the
// stream) is not a server to start. The pre-push hook lets the push through
// (hook.on_unavailable: allow) or blocks it with exit 2 (block), never exit
// 3, and its hint says to check the server's log and memory, not to start
// Ollama, which is running with every model installed.
func TestHookServerFailureHint(t *testing.T) {
	for _, k := range []ollamatest.FaultKind{ollamatest.FaultServerError, ollamatest.FaultDrop, ollamatest.FaultErrorLine, ollamatest.FaultGarbageLine} {
		tc := faultCases[k]
		t.Run(k.String(), func(t *testing.T) {
			e := newEnv(t, ollamatest.Config{Faults: []ollamatest.Fault{{Kind: k}}})

			allow := runHook(t, e, "allow")
			t.Logf("allow: exit %d, stderr:\n%s", allow.code, allow.stderr)
			if allow.code != exitcode.OK || !strings.Contains(allow.stderr, "push not reviewed (hook.on_unavailable: allow)") {
				t.Fatalf("allow: exit %d, want 0 with a warning", allow.code)
			}

			block := runHook(t, e, "block")
			t.Logf("block: exit %d, stderr:\n%s", block.code, block.stderr)
			lines := strings.Split(strings.TrimRight(block.stderr, "\n"), "\n")
			if block.code != exitcode.Setup || len(lines) < 2 || !strings.HasPrefix(lines[len(lines)-2], "error: push blocked: ") ||
				!strings.HasPrefix(lines[len(lines)-1], "hint: ") {
				t.Fatalf("block: exit %d, want 2 with an error and a hint line", block.code)
			}
			if strings.Contains(block.stderr, "a bug in quorum") {
				t.Errorf("block: a server failure reported as a bug in quorum")
			}

			if strings.Contains(allow.stderr, hookGenericHint) || strings.Contains(block.stderr, hookGenericHint) {
				t.Errorf("the hook prints its generic %q for a server failure", hookGenericHint)
			}
			for name, res := range map[string]result{"allow": allow, "block": block} {
				if startsServer(res.stderr) {
					t.Errorf("%s: the hint tells to start a server that is running", name)
				}
				if !strings.Contains(res.stderr, "\nhint: "+tc.hint) || !strings.Contains(res.stderr, tc.also) {
					t.Errorf("%s: no hint %q...%q", name, tc.hint, tc.also)
				}
			}
		})
	}
}
