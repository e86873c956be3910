package reviewcmd

import (
	"context"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/ollamatest"
)

// faultCase is what `quorum review` prints and exits with when every chat
// meets one fault of the fake Ollama.
type faultCase struct {
	args  []string // beyond the one-model, quiet run
	error string   // a substring of the "error: " line
	hint  string   // the prefix of the "hint: " line
	also  string   // a further substring of the hint, "" for none
}

// serverLogHint is the start of the hint for a server that failed mid-answer.
const serverLogHint = "the ollama server failed; check its log (journalctl -u ollama, or ~/.ollama/logs/server.log)"

// faultCases covers every ollamatest.FaultKind (TestEveryFaultExitsTwo
// fails when a kind has no case). --request-timeout ends the hang and the
// stall; it is 1s so a loaded machine's healthy metadata calls, which the
// fake answers in milliseconds, stay far under it.
var faultCases = map[ollamatest.FaultKind]faultCase{
	// An OOM-killed runner: the server failed, quorum understood it.
	ollamatest.FaultServerError: {error: "chat with qwen2.5-coder:7b: ollama failed (500): llama runner process has terminated: signal: killed",
		hint: serverLogHint, also: "out of memory"},
	ollamatest.FaultBusy:     {error: "chat with qwen2.5-coder:7b: ollama is busy", hint: "ollama's queue is full"},
	ollamatest.FaultNotFound: {error: `model "qwen2.5-coder:7b" is not installed`, hint: "ollama pull qwen2.5-coder:7b"},
	ollamatest.FaultHang: {args: []string{"--request-timeout", "1s"}, error: "ollama did not answer in time",
		hint: "raise --request-timeout (now 1s)"},
	ollamatest.FaultStall: {args: []string{"--request-timeout", "1s"}, error: "ollama did not answer in time",
		hint: "raise --request-timeout (now 1s)"},
	ollamatest.FaultInvalidJSON: {error: "the model gave no usable answer: the answer holds no JSON object",
		hint: "the model could not give a valid review; try another model with --models"},
	ollamatest.FaultLength: {error: "the model gave no usable answer: the answer was cut off",
		hint: "the answer ran past its token limit (--num-predict, at most half the model's context): raise --num-predict (num_predict in .quorum.yaml) if it is below that, else try a model of a larger context or another model with --models"},
	ollamatest.FaultDrop: {error: "chat with qwen2.5-coder:7b: ollama closed the connection before the answer was complete",
		hint: "the server closed the connection mid-answer (crash or restart?); check its log", also: "out of memory"},
	ollamatest.FaultErrorLine: {error: "chat with qwen2.5-coder:7b: ollama reported an error: an error was encountered while running the model",
		hint: "the server's log says why", also: "does not speak Ollama's API"},
	ollamatest.FaultGarbageLine: {error: "chat with qwen2.5-coder:7b: ollama reported an error: <html>this is not json</html>",
		hint: "the server's log says why", also: "does not speak Ollama's API"},
	ollamatest.FaultCutShort: {error: "chat with qwen2.5-coder:7b: ollama ended the answer before it was complete",
		hint: "the model may be stuck repeating itself: try another model with --models", also: "server.log"},
	ollamatest.FaultEndless: {error: "the model gave no usable answer: the answer was cut off",
		hint: "the answer ran past its token limit (--num-predict, at most half the model's context): raise --num-predict (num_predict in .quorum.yaml) if it is below that, else try a model of a larger context or another model with --models"},
}

// TestEveryFaultExitsTwo: whatever the Ollama server does wrong, `quorum
// review` ends with one "error:" line, one "hint:" line saying what to do
// about that cause, and exit 2; exit 3 is for bugs in quorum, and a server
// that failed is not one. Only an unreachable server is told to start.
func TestEveryFaultExitsTwo(t *testing.T) {
	for k := ollamatest.FaultServerError; k.String() != "none"; k++ {
		tc, ok := faultCases[k]
		if !ok {
			t.Errorf("fault %s has no case in faultCases", k)
			continue
		}
		t.Run(k.String(), func(t *testing.T) {
			e := newEnv(t, ollamatest.Config{Faults: []ollamatest.Fault{{Kind: k}}})
			res := e.run(context.Background(), append([]string{"--models", "qwen2.5-coder:7b", "-q"}, tc.args...)...)
			t.Logf("exit %d, stderr:\n%s", res.code, res.stderr)
			checkErrorHint(t, res, exitcode.Setup, "error: no reviewer could answer: ", tc.error, tc.hint, tc.also)
			if startsServer(res.stderr) {
				t.Errorf("the hint tells to start a server that is running:\n%s", res.stderr)
			}
		})
	}
}

// TestServerFailureWholePanel: the 500 and the dropped connection with the
// default panel of three: the same exit code and hint as with one model.
func TestServerFailureWholePanel(t *testing.T) {
	for _, k := range []ollamatest.FaultKind{ollamatest.FaultServerError, ollamatest.FaultDrop} {
		t.Run(k.String(), func(t *testing.T) {
			e := newEnv(t, ollamatest.Config{Faults: []ollamatest.Fault{{Kind: k}}})
			res := e.run(context.Background(), "-q")
			t.Logf("exit %d, stderr:\n%s", res.code, res.stderr)
			tc := faultCases[k]
			checkErrorHint(t, res, exitcode.Setup, "error: no reviewer could answer: ", "", tc.hint, tc.also)
		})
	}
}

// checkErrorHint requires stderr to end in an "error:" line starting with
// prefix and containing msg, then a "hint:" line starting with hint and
// containing also, and the exit code to be code.
func checkErrorHint(t *testing.T, res result, code int, prefix, msg, hint, also string) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(res.stderr, "\n"), "\n")
	if len(lines) < 2 {
		t.Fatalf("exit %d; stderr has no error and hint lines:\n%s", res.code, res.stderr)
	}
	errLine, hintLine := lines[len(lines)-2], lines[len(lines)-1]
	if res.code != code {
		t.Errorf("exit %d, want %d", res.code, code)
	}
	if !strings.HasPrefix(errLine, prefix) || !strings.Contains(errLine, msg) {
		t.Errorf("error line %q, want %q...%q", errLine, prefix, msg)
	}
	if !strings.HasPrefix(hintLine, "hint: "+hint) || !strings.Contains(hintLine, also) {
		t.Errorf("hint line %q, want %q...%q", hintLine, "hint: "+hint, also)
	}
	if strings.Contains(res.stderr, "a bug in quorum") {
		t.Errorf("a server fault is reported as a bug in quorum:\n%s", res.stderr)
	}
}

// startsServer reports text that tells the user to start the server.
func startsServer(s string) bool {
	return strings.Contains(s, "ollama serve`") || strings.Contains(s, "ollama serve'") || strings.Contains(strings.ToLower(s), "start ollama")
}
