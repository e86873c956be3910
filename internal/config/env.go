package config

import (
	"slices"
	"strings"
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
	"QUORUM_BENCH_REPO", "QUORUM_CORPUS", "QUORUM_MISSES", "QUORUM_SKIP_CORPORA", "QUORUM_DUMP_PAIRS", "QUORUM_MERGE_LEARNED",
}

// harnessPrefixes name the test harness's own variables (testscript fakes).
var harnessPrefixes = []string{"QUORUM_TEST_", "QUORUM_FAKE_"}

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

// UnknownEnv lists the QUORUM_ variables set in environ ("NAME=value"
// entries) that quorum does not read, each with the variables it may have
// meant ("QUORUM_FAIL_ON (QUORUM_REVIEW_FAIL_ON or QUORUM_HOOK_FAIL_ON?)"),
// sorted. A setting typed wrong is otherwise ignored without a word.
func UnknownEnv(environ []string) []string {
	var out []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "QUORUM_") || KnownEnv(name) || slices.ContainsFunc(harnessPrefixes, func(p string) bool { return strings.HasPrefix(name, p) }) {
			continue
		}
		var near []string
		rest := strings.TrimPrefix(name, "QUORUM_")
		for _, f := range fields {
			if n := envName(f.key); strings.HasSuffix(n, "_"+rest) {
				near = append(near, n)
			}
		}
		if len(near) > 0 {
			name += " (" + strings.Join(near, " or ") + "?)"
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
