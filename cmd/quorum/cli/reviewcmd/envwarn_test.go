package reviewcmd

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/cmd/quorum/cli/hookcmd"
	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/ollamatest"
)

// envFindingReply answers every review with one finding of severity.
func envFindingReply(severity string) func(model, prompt string) string {
	return func(model, prompt string) string {
		return `{"summary":"Double changed.","findings":[{"file":"calc.go","line":4,"quote":"return n * 3","severity":"` + severity + `","category":"bug","title":"Double triples","explanation":"n*3 is not double"}]}`
	}
}

const envHint = "hint: quorum ignores it; rename or unset it: a setting's variable is its key in capitals, dots as underscores (hook.fail_on is QUORUM_HOOK_FAIL_ON; 'quorum config show' lists the keys)"

// A misspelled QUORUM_ variable is named on stderr, once, with the setting
// meant, and the review still runs: here its gate is the default one the
// misspelling did not change (exit 1 on an important finding, not 2).
// Spelled right, the same run passes without a warning.
func TestReviewWarnsUnknownEnv(t *testing.T) {
	e := newEnv(t, ollamatest.Config{Reply: envFindingReply("important")})
	e.vars["QUORUM_FAIL_ON"] = "none"
	res := e.run(context.Background(), "--models", "qwen2.5-coder:7b", "-q")
	t.Logf("exit %d, stderr:\n%s", res.code, res.stderr)
	const warning = "quorum: warning: unknown environment variable QUORUM_FAIL_ON (did you mean QUORUM_REVIEW_FAIL_ON?)\n"
	if res.code != exitcode.Findings || !strings.Contains(res.stdout, "Double triples") {
		t.Fatalf("exit %d, stdout:\n%s\nwant exit 1 with the finding: the review runs", res.code, res.stdout)
	}
	if !strings.HasPrefix(res.stderr, warning+envHint+"\n") || strings.Count(res.stderr, "QUORUM_FAIL_ON") != 1 || strings.Count(res.stderr, "hint:") != 1 {
		t.Errorf("stderr %q, want the warning once, then its hint", res.stderr)
	}
	if e.srv.ModelCalls() == 0 {
		t.Error("no model was asked")
	}

	delete(e.vars, "QUORUM_FAIL_ON")
	e.vars["QUORUM_REVIEW_FAIL_ON"] = "none"
	res = e.run(context.Background(), "--models", "qwen2.5-coder:7b", "-q")
	if res.code != exitcode.OK || strings.Contains(res.stderr, "warning") {
		t.Errorf("spelled right: exit %d, stderr %q; want 0 and no warning", res.code, res.stderr)
	}
}

// The warning never fails a review: a run that passes still passes, and a
// typo with no setting of the same name gets the closest one.
func TestReviewWarnsUnknownEnvAndPasses(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	e.vars["QUORUM_MODLES"] = "qwen2.5-coder:7b"
	e.vars["QUORUM_TEST_WHATEVER"] = "1" // the harness's own: never named
	res := e.run(context.Background(), "--raw", "--format", "json", "-q")
	if res.code != exitcode.OK {
		t.Fatalf("exit %d, stderr:\n%s", res.code, res.stderr)
	}
	if want := "quorum: warning: unknown environment variable QUORUM_MODLES (did you mean QUORUM_MODELS?)\n" + envHint + "\n"; res.stderr != want {
		t.Errorf("stderr %q, want %q", res.stderr, want)
	}
	if len(rawOf(t, res.stdout).Results) != 3 {
		t.Errorf("the misspelled panel was used: %s", res.stdout)
	}
}

// The pre-push hook says the same, suggesting its own setting
// (hook.fail_on), and still reviews and gates the push: a critical finding
// blocks it although QUORUM_FAIL_ON=none was meant to let it through.
func TestHookWarnsUnknownEnv(t *testing.T) {
	e := newEnv(t, ollamatest.Config{Reply: envFindingReply("critical")})
	head := strings.TrimSpace(e.repo.Git("rev-parse", "HEAD"))
	f, _, errOut := cmdtest.NewFactory(e.repo.Dir, map[string]string{
		"OLLAMA_HOST":      e.srv.Host,
		"QUORUM_CACHE_DIR": e.cache,
		"HOME":             e.repo.Home,
		"XDG_CONFIG_HOME":  e.repo.Home + "/.config",
		"QUORUM_FAIL_ON":   "none",
	})
	f.Now = time.Now
	f.IOStreams.In.(interface{ WriteString(string) (int, error) }).WriteString("refs/heads/feature " + head + " refs/heads/feature " + strings.Repeat("0", 40) + "\n")
	code := cmdtest.Execute(context.Background(), hookcmd.NewCmdRun(f, nil), f.IOStreams, []string{"origin", "u"})
	stderr := errOut.String()
	t.Logf("exit %d, stderr:\n%s", code, stderr)
	const warning = "quorum: warning: unknown environment variable QUORUM_FAIL_ON (did you mean QUORUM_HOOK_FAIL_ON?)\n"
	if !strings.HasPrefix(stderr, warning+envHint+"\n") || strings.Count(stderr, "QUORUM_FAIL_ON") != 1 {
		t.Errorf("stderr %q, want the warning once, first", stderr)
	}
	if code != exitcode.Findings || !strings.Contains(stderr, "Double triples") || e.srv.ModelCalls() == 0 {
		t.Errorf("exit %d, want 1: the push reviewed and blocked by the default gate", code)
	}
}
