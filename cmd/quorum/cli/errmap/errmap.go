package errmap

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/loopback"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/openai"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/run"
)

// A Rule maps the errors of one domain package to an exit code and a hint;
// ok is false when err is none of its errors. A package that returns typed
// errors plugs in by adding its rule to rules.
type Rule func(err error) (code int, hint string, ok bool)

// rules are tried in order; the first that matches decides. An
// *exitcode.Error comes first: it says its code and hint itself, and
// packages not yet converted to typed errors still return it.
var rules = []Rule{
	exitcodeRule,
	diffRule,
	ollamaRule,
	backendRule,
	runRule,
	ioRule,
}

// ioRule maps a write or read the system refused for want of room or a
// working device (a full disk, a quota, ulimit -f, a failing disk): exit 2,
// since the environment failed, not quorum, and the hint says what to
// check. It comes last so a rule that knows the error better decides.
func ioRule(err error) (int, string, bool) {
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return exitcode.Setup, "free disk space (or raise the quota), or check where the output goes", true
	case errors.Is(err, syscall.EFBIG):
		return exitcode.Setup, "the file grew past the size limit (ulimit -f): raise it, or check where the output goes", true
	case errors.Is(err, syscall.EIO):
		return exitcode.Setup, "the device failed (see dmesg): check the disk, or where the output goes", true
	}
	return 0, "", false
}

// ollamaRule maps the Ollama adapter's errors (see the package doc's
// table): exit 2 with OllamaHint, whatever the kind. A server that failed
// mid-answer (ollama.Error.Server: a 5xx, a runner killed for memory, a
// dropped connection) is a problem quorum understood and the hint says
// what to check; exit 3 would tell CI it met a bug in quorum.
// It comes before backendRule, which would only see the backend's own hint.
func ollamaRule(err error) (int, string, bool) {
	var e *ollama.Error
	if !errors.As(err, &e) {
		return 0, "", false
	}
	return exitcode.Setup, OllamaHint(e), true
}

// hostSetting names every place the server's address comes from, first
// wins: the one the user set is among them.
const hostSetting = "--host (or QUORUM_HOST, host: in .quorum.yaml, OLLAMA_HOST)"

// hostSettings is hostSetting as a plain list, for a hint that already
// has its own parentheses or clauses.
const hostSettings = "--host, QUORUM_HOST, host: in .quorum.yaml or OLLAMA_HOST"

// WithHostOrigin gives the error of an Ollama server that does not answer
// the hint that names the setting its address came from
// (config.HostOrigin), which the error alone cannot tell; any other error
// is returned as it is.
func WithHostOrigin(err error, cfg *config.Config) error {
	var e *ollama.Error
	if cfg == nil || !errors.As(err, &e) || e.Kind != ollama.Unreachable {
		return err
	}
	for _, m := range append([]config.Model{{}, cfg.JudgeEntry()}, cfg.Models...) {
		api, host := cfg.Server(m)
		if u, perr := ollama.ParseHost(host); api != config.APIOllama || perr != nil || u.Host != e.Host {
			continue
		}
		origin := cfg.HostOrigin(m)
		if origin == "" {
			return exitcode.New(exitcode.Setup, err, "start the server with `ollama serve`; no setting names a host, so quorum tried the default: if it listens elsewhere, set "+hostSettings)
		}
		return exitcode.New(exitcode.Setup, err, "start the server with `ollama serve`, or correct "+origin+", which set this address")
	}
	return err
}

// OllamaHint is the hint line for an Ollama error: the backend's own hint,
// with quorum's flags added where one is the remedy.
func OllamaHint(e *ollama.Error) string {
	switch e.Kind {
	case ollama.Unreachable:
		return "start the server with `ollama serve`, or set " + hostSettings + " to where it listens"
	case ollama.NotOllama:
		return "check that " + hostSetting + " points at an Ollama server"
	case ollama.Rejected:
		return "check that the model can chat (`quorum models`) and that the prompt fits its context (lower --max-context or review fewer files)"
	case ollama.Remote:
		return "use a loopback host (e.g. 127.0.0.1:11434) in " + hostSetting + ", or pass --allow-remote to send code to that host"
	case ollama.BadHost:
		return "set " + hostSetting + " to host:port or http://host:port"
	case ollama.Unresolvable:
		if errors.Is(e, loopback.ErrNoAddress) {
			return "check " + hostSetting
		}
		return "check " + hostSetting + "; quorum talks only to a local Ollama such as 127.0.0.1:11434"
	case ollama.Unfinished:
		return "the model may be stuck repeating itself: try another model with --models, or a lower --num-predict; if it happens with every model, check the server log (journalctl -u ollama, or ~/.ollama/logs/server.log)"
	}
	return e.Hint
}

// backendRule maps a model server's errors: the backend's own hint and
// exit 2, for everything the user can fix (a server to start, a model to
// load, a key to set, a host to allow) and for a server that failed (its
// log says why; not a bug in quorum).
func backendRule(err error) (int, string, bool) {
	var h *pipeline.HintedError
	known := errors.As(err, &h)
	switch {
	case errors.Is(err, openai.ErrServer):
		return exitcode.Setup, cmp.Or(hintOf(h), serverFailedHint), true
	case errors.Is(err, openai.ErrBadBaseURL):
		return exitcode.Setup, "give --host a URL like " + openai.DefaultBaseURL, true
	case known, errors.Is(err, review.ErrUnreachable), errors.Is(err, review.ErrModelNotFound), errors.Is(err, review.ErrBusy),
		errors.Is(err, openai.ErrUnauthorized), errors.Is(err, openai.ErrRejected), errors.Is(err, loopback.ErrRemote),
		errors.Is(err, loopback.ErrNoAddress):
		return exitcode.Setup, cmp.Or(hintOf(h), backendHint(err)), true
	}
	return 0, "", false
}

// backendHint is the hint for a model server's error whose backend gave
// none: every exit 2 says what to run.
func backendHint(err error) string {
	switch {
	case errors.Is(err, review.ErrUnreachable):
		return "start the model server (`ollama serve`), or point " + hostSetting + " at where it listens"
	case errors.Is(err, review.ErrModelNotFound):
		return "`quorum models` lists the models the server has; `ollama pull NAME` installs one"
	case errors.Is(err, review.ErrBusy):
		return "the server is busy with other requests: run again when it is free, or lower --parallel"
	case errors.Is(err, openai.ErrUnauthorized):
		return "set the API key in the variable api_key_env names in your user config (quorum config show)"
	case errors.Is(err, openai.ErrRejected):
		return "check that the model can chat (`quorum models`) and that the prompt fits its context (lower --max-context or review fewer files)"
	case errors.Is(err, loopback.ErrRemote):
		return "use a loopback host, or pass --allow-remote (allow_remote: true in your user config) if that server is yours"
	case errors.Is(err, loopback.ErrNoAddress):
		return "check " + hostSetting
	}
	return serverFailedHint
}

// serverFailedHint is the hint for a model server's failure whose backend
// gave none.
const serverFailedHint = "the model server failed; check its log (and its free memory: a model killed mid-answer is usually out of it), then run again"

// runRule maps the review runner's own failures, each a model's answer
// quorum could not use: exit 2 (another model or context helps), never 3.
// `quorum review` and the pre-push hook both print these hints.
func runRule(err error) (int, string, bool) {
	switch {
	case errors.Is(err, run.ErrCutOff):
		return exitcode.Setup, CutOffHint, true
	case errors.Is(err, run.ErrBadAnswer):
		return exitcode.Setup, BadAnswerHint, true
	case errors.Is(err, run.ErrPromptTruncated):
		return exitcode.Setup, PromptTruncatedHint, true
	case errors.Is(err, run.ErrOwnContext):
		return exitcode.Setup, run.OwnContextHintOf(err), true
	case errors.Is(err, run.ErrNothingFits):
		return exitcode.Setup, NothingFitsHint, true
	}
	return 0, "", false
}

// Hints of the review runner's errors (runRule).
const (
	BadAnswerHint       = "the model could not give a valid review; try another model with --models (see `quorum models`)"
	CutOffHint          = run.CutOffHint
	PromptTruncatedHint = "the server ignored num_ctx; upgrade ollama, or lower --max-context"
	NothingFitsHint     = "give the model a larger context: num_ctx under its models: entry in .quorum.yaml (for an OpenAI-compatible server, start it with a larger context too), or raise --max-context"
)

func hintOf(h *pipeline.HintedError) string {
	if h == nil {
		return ""
	}
	return h.Hint
}

// Map returns the exit code and the hint for err: 0 and "" for nil, and
// exit 3 (internal failure) with no hint for an error no rule knows. A
// usage error (Usage) is exit 2 whatever it wraps.
func Map(err error) (code int, hint string) {
	if err == nil {
		return exitcode.OK, ""
	}
	code, hint, ok := Match(err)
	if !ok {
		code = exitcode.Internal
	}
	if isUsage(err) {
		code = exitcode.Setup
	}
	return code, hint
}

// Match is the code and hint of the first rule that knows err; ok is false
// when none does.
func Match(err error) (code int, hint string, ok bool) {
	for _, r := range rules {
		if code, hint, ok := r(err); ok {
			return code, hint, true
		}
	}
	return 0, "", false
}

// Code returns the exit code for err.
func Code(err error) int {
	c, _ := Map(err)
	return c
}

// Hint returns the hint for err, "" if it has none.
func Hint(err error) string {
	_, h := Map(err)
	return h
}

// HookHint is Hint for the git hooks, which take no flags: the server's
// address is set where a push reads it (QUORUM_HOST, the config).
func HookHint(err error) string {
	return hookWords.Replace(Hint(err))
}

// hookWords turn the flags of a hint into the settings a push reads.
var hookWords = strings.NewReplacer(
	hostSetting, "QUORUM_HOST (or host: in .quorum.yaml, OLLAMA_HOST)",
	hostSettings, "QUORUM_HOST, host: in .quorum.yaml or OLLAMA_HOST",
	"or pass --allow-remote to send", "or set allow_remote: true in your user config (or QUORUM_ALLOW_REMOTE=true; a repository's .quorum.yaml cannot) to send",
	"or pass --allow-remote (allow_remote: true in your user config)", "or set allow_remote: true in your user config",
	"lower --max-context", "lower max_context in .quorum.yaml",
	"try another model with --models", "try another model in models: (.quorum.yaml)",
	"a lower --num-predict", "a lower num_predict in .quorum.yaml",
	"lower --parallel", "lower parallel in .quorum.yaml",
	"raise --max-context", "raise max_context in .quorum.yaml",
)

// Hints of errors that carry none of their own.
const (
	usageHint    = "run 'quorum help' for usage"
	internalHint = "this is a bug in quorum; rerun with the same inputs and report it"
)

// Print writes err to w as "error: <first line of the message>" and a
// "hint: ..." line, and returns the exit code. Findings at the gate print
// nothing (the report was the output). The root command and
// internal/cmdtest both print through it.
func Print(w io.Writer, err error) int {
	if err == nil {
		return exitcode.OK
	}
	if errors.Is(err, exitcode.FindingsError) {
		return exitcode.Findings
	}
	code, hint := Map(err)
	fmt.Fprintf(w, "error: %s\n", safetext.OneLine(strings.TrimSpace(err.Error())))
	switch {
	case hint != "":
	case isUsage(err):
		hint = usageHint
	case code == exitcode.Internal:
		hint = internalHint
	}
	if hint != "" {
		// A hint can name a model or a path from a server or a repository.
		fmt.Fprintf(w, "hint: %s\n", safetext.Sanitize(hint))
	}
	return code
}

func exitcodeRule(err error) (int, string, bool) {
	var e *exitcode.Error
	if errors.As(err, &e) {
		return e.Code, e.Hint, true
	}
	return 0, "", false
}

// usageError marks cobra's own usage errors (unknown flag, bad argument
// count) as exit 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// Usage marks err, one of cobra's flag or argument errors, as a usage
// error: exit 2 with a hint to read the help.
func Usage(err error) error { return &usageError{err} }

func isUsage(err error) bool {
	var u *usageError
	return errors.As(err, &u)
}

// diffRule maps the diff package's errors: every kind is a usage or setup
// problem the user can fix (exit 2).
func diffRule(err error) (int, string, bool) {
	var e *diff.Error
	if !errors.As(err, &e) {
		return 0, "", false
	}
	return exitcode.Setup, DiffHint(e), true
}

// NotRepoHint is the hint of "not a git repository: DIR", whichever
// command says it.
const NotRepoHint = "run quorum inside a git work tree, or 'git init' one"

// DiffHint is the hint line for a diff error: what to run or pass.
func DiffHint(e *diff.Error) string {
	switch e.Kind {
	case diff.Usage:
		return "run 'quorum diff --help' for the flags"
	case diff.BadPattern:
		return "fix the pattern; globs use doublestar syntax such as 'docs/**' or '*.pb.go'"
	case diff.NotRepo:
		if e.Env == "GIT_DIR" {
			return "set GIT_DIR to a repository's git directory (such as /path/repo/.git), or unset it"
		} else if e.Env != "" {
			return "set " + e.Env + " to the work tree's directory, or unset it"
		}
		return NotRepoHint
	case diff.Unmerged:
		return "resolve the conflicts and 'git add' the files (or abort the merge), then run quorum again"
	case diff.BareRepo:
		return "run quorum in a clone with a work tree: git clone " + e.Dir
	case diff.UnsupportedFormat:
		return "review the branch in a SHA-1 clone; a quorum hook installed here fails every push: 'quorum hook uninstall' removes it"
	case diff.Unreadable:
		switch e.Op {
		case diff.OpOpen:
			return "check the repository with 'git status' and 'git fsck'"
		case diff.OpExtension:
			return "'git config --get-regexp ^extensions' lists the repository's extensions; review the branch in a clone without it"
		case diff.OpHead:
			return "check the repository with 'git status'"
		case diff.OpDiff:
			if e.Engine == diff.EngineGoGit {
				return "check the repository with 'git fsck', or install git"
			}
			return "run 'git fsck' to check the repository"
		}
		return "check the repository with 'git fsck'"
	case diff.NoCommits:
		return "make a first commit with 'git commit', or pass --staged to review what is staged"
	case diff.DetachedNoBase:
		return "pass --base REF (for example --base origin/main), or check out a branch"
	case diff.NoBase:
		return "pass --base REF (or set base: in .quorum.yaml), or set an upstream with 'git branch --set-upstream-to=REMOTE/BRANCH'"
	case diff.BadRev:
		if strings.HasPrefix(e.Rev, "-") {
			return "name the commit by branch, tag or hash; a revision cannot start with '-'"
		}
		return "check the name with 'git rev-parse " + e.Rev + "' or 'git branch -a'; fetch it first if it is remote"
	case diff.Unrelated:
		return "pass --base with a related branch, or --commits A..B"
	case diff.Shallow:
		return "run 'git fetch --unshallow', or pass --base with a commit inside the fetched history"
	case diff.NeedsGit:
		if e.Rev != "" {
			return "install git, or name the commit by branch, tag or hash (with ~N or ^N steps)"
		}
		return "install git, or review commits with --base or --commits"
	case diff.Corrupt:
		if e.Engine == diff.EngineGoGit {
			return "install git; the go-git engine could not read this diff"
		}
		return "run 'git diff' on the same range to see the raw patch; if git prints it fine, report this"
	case diff.Interrupted:
		return "run the command again"
	case diff.Reversed:
		return "give the older commit first: --commits " + e.Head + ".." + e.Rev
	}
	return ""
}
