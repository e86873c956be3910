package config

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/quorum-review/quorum/internal/nearest"
	"github.com/quorum-review/quorum/internal/safetext"
)

// otherEnv are the QUORUM_ variables read outside the configuration keys.
var otherEnv = []string{
	"QUORUM_CACHE_DIR",      // where answers are cached
	"QUORUM_SKIP",           // skip the pre-push review once
	"QUORUM_AHEAD_DEBOUNCE", // the background review's wait after a commit
	"QUORUM_OLLAMA_BIN",     // the real-server tests' ollama binary
	"QUORUM_OLLAMA_VERSION", // scripts/ollama-server.sh's version to build
	// Measurements and gated tests (README "Tests", BENCHMARKS.md).
	"QUORUM_TIMING_TESTS", "QUORUM_MEASURE", "QUORUM_MEASURE_SCALE", "QUORUM_E2E_MEASURE",
	"QUORUM_BENCH_REPO", "QUORUM_CORPUS", "QUORUM_CORPUS_CHECK", "QUORUM_MEASURE_JUDGE", "QUORUM_MEASURE_JUDGE_HOST", "QUORUM_MEASURE_JUDGE_ANSWERS", "QUORUM_MEASURE_JUDGE_DIRS", "QUORUM_MEASURE_JUDGE_PROMPTS", "QUORUM_MISSES", "QUORUM_SKIP_CORPORA", "QUORUM_DUMP_PAIRS", "QUORUM_MERGE_LEARNED",
	"QUORUM_ALT", // BENCHMARKS.md's rerun of the subject rules, at their commit
}

// harnessPrefixes name the test harness's own variables (testscript fakes)
// and the end-to-end tests' switches.
var harnessPrefixes = []string{"QUORUM_TEST_", "QUORUM_FAKE_", "QUORUM_E2E_"}

// KnownEnv reports whether name is a variable quorum reads.
func KnownEnv(name string) bool {
	if slices.Contains(otherEnv, name) {
		return true
	}
	for _, f := range fields {
		if envName(f.key) == name {
			return true
		}
	}
	return false
}

// UnknownEnvHint says how a QUORUM_ variable is named: the hint of review's
// and the hook's warning, in the words doctor gives as its fix.
const UnknownEnvHint = "a setting's variable is its key in capitals, dots as underscores (hook.fail_on is QUORUM_HOOK_FAIL_ON; 'quorum config show' lists the keys)"

// unknownVar is a QUORUM_ variable quorum does not read, with the variables
// it may have meant (possibly none).
type unknownVar struct {
	name string
	near []string
}

// unknownVars lists the QUORUM_ variables set in environ ("NAME=value"
// entries) that quorum does not read, sorted, each once. It is what
// doctor, review and the pre-push hook all warn about (UnknownEnv,
// EnvWarnings). A variable's near ones are the settings it names without
// their section (QUORUM_FAIL_ON: QUORUM_REVIEW_FAIL_ON, QUORUM_HOOK_FAIL_ON),
// else the known variables one or two letters away (QUORUM_MODLES:
// QUORUM_MODELS).
func unknownVars(environ []string) []unknownVar {
	var names []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "QUORUM_") || KnownEnv(name) || slices.ContainsFunc(harnessPrefixes, func(p string) bool { return strings.HasPrefix(name, p) }) {
			continue
		}
		names = append(names, name)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	out := make([]unknownVar, 0, len(names))
	for _, name := range names {
		out = append(out, unknownVar{name: name, near: nearEnv(name)})
	}
	return out
}

// nearEnv are the known variables name may have meant, in fields order.
func nearEnv(name string) []string {
	var near []string
	rest := strings.TrimPrefix(name, "QUORUM_")
	for _, f := range fields {
		if n := envName(f.key); strings.HasSuffix(n, "_"+rest) {
			near = append(near, n)
		}
	}
	if len(near) > 0 {
		return near
	}
	known := slices.Clone(otherEnv)
	for _, f := range fields {
		known = append(known, envName(f.key))
	}
	return nearest.Names(name, known, 3) // at most two edits away
}

// UnknownEnv lists the QUORUM_ variables set in environ ("NAME=value"
// entries) that quorum does not read, each with the variables it may have
// meant ("QUORUM_FAIL_ON (QUORUM_REVIEW_FAIL_ON or QUORUM_HOOK_FAIL_ON?)"),
// sorted. A setting typed wrong is otherwise ignored without a word.
func UnknownEnv(environ []string) []string {
	var out []string
	for _, u := range unknownVars(environ) {
		s := u.name
		if len(u.near) > 0 {
			s += " (" + strings.Join(u.near, " or ") + "?)"
		}
		out = append(out, s)
	}
	return out
}

// EnvWarnings are the warnings command ("review" or "hook") prints about
// the QUORUM_ variables in environ that quorum does not read, one line
// each: "quorum: warning: unknown environment variable QUORUM_FAIL_ON (did
// you mean QUORUM_REVIEW_FAIL_ON?)", then one hint line; none when there
// are none. Of the settings a variable names without its section, only the
// command's own is suggested when it is one of them (the review gate is
// review.fail_on, the hook's hook.fail_on).
func EnvWarnings(environ []string, command string) []string {
	unknown := unknownVars(environ)
	if len(unknown) == 0 {
		return nil
	}
	own := "QUORUM_" + strings.ToUpper(command) + "_"
	var out []string
	for _, u := range unknown {
		near := u.near
		if i := slices.IndexFunc(near, func(n string) bool { return strings.HasPrefix(n, own) }); i >= 0 {
			near = near[i : i+1]
		}
		line := "quorum: warning: unknown environment variable " + safetext.Clip(safetext.OneLine(u.name), 100)
		if len(near) > 0 {
			line += " (did you mean " + strings.Join(near, " or ") + "?)"
		}
		out = append(out, line)
	}
	them := "it"
	if len(unknown) > 1 {
		them = "them"
	}
	return append(out, "hint: quorum ignores "+them+"; rename or unset "+them+": "+UnknownEnvHint)
}

// WarnUnknownEnv prints EnvWarnings on w: what `quorum review` and the
// pre-push hook say before they start, so a setting typed wrong does not
// pass in silence (it never fails the command). environ and getenv are the
// command's (cmdutil.Factory's); a nil environ is the process's, of which
// only the variables getenv sees are taken, so a test's own environment
// is not mixed with the shell's.
func WarnUnknownEnv(w io.Writer, environ func() []string, getenv func(string) string, command string) {
	var env []string
	if environ != nil {
		env = environ()
	} else {
		for _, kv := range os.Environ() {
			if name, v, _ := strings.Cut(kv, "="); getenv == nil || getenv(name) == v {
				env = append(env, kv)
			}
		}
	}
	for _, line := range EnvWarnings(env, command) {
		fmt.Fprintln(w, line)
	}
}
