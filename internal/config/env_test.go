package config

import (
	"slices"
	"testing"
)

// A QUORUM_ variable quorum does not read is named, with the ones it may
// have meant; known ones, other programs' and test harness ones are not.
func TestUnknownEnv(t *testing.T) {
	got := UnknownEnv([]string{
		"QUORUM_FAIL_ON=critical", "QUORUM_HOOK_FAIL_ON=critical", "QUORUM_MODELS=a", "QUORUM_CACHE_DIR=/c",
		"QUORUM_SKIP=1", "QUORUM_MODLES=a", "OLLAMA_HOST=x", "PATH=/bin", "QUORUM_TEST_REVIEWER=fake", "QUORUM_FAIL_ON=again",
	})
	want := []string{"QUORUM_FAIL_ON (QUORUM_REVIEW_FAIL_ON or QUORUM_HOOK_FAIL_ON?)", "QUORUM_MODLES"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for _, f := range fields {
		if !KnownEnv(envName(f.key)) {
			t.Errorf("%s not known", envName(f.key))
		}
	}
}

// host and ollama_host set one value: both name where it came from.
func TestHostAliasSource(t *testing.T) {
	dir, getenv := fixture(t, "", "", nil)
	c, err := Load(dir, func(k string) string {
		if k == "OLLAMA_HOST" {
			return "127.0.0.1:11499"
		}
		return getenv(k)
	})
	must(t, err)
	for _, key := range []string{"host", "ollama_host"} {
		if got := c.Source(key).String(); got != "env OLLAMA_HOST" {
			t.Errorf("%s from %q, want env OLLAMA_HOST", key, got)
		}
	}
}
