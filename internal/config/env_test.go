package config

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
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

// Every QUORUM_ variable the repository's code names is one doctor knows,
// so the list cannot fall behind (the two typos are env_test's and
// doctor_test's own examples of what doctor reports).
func TestEveryNamedVariableIsKnown(t *testing.T) {
	root := filepath.Join("..", "..")
	re := regexp.MustCompile(`"(QUORUM_[A-Z0-9_]+)"`)
	typos := []string{"QUORUM_FAIL_ON", "QUORUM_MODLES"}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			name := m[1]
			if KnownEnv(name) || slices.Contains(typos, name) || slices.ContainsFunc(harnessPrefixes, func(pre string) bool { return strings.HasPrefix(name, pre) }) || name == "QUORUM_TEST_" {
				continue
			}
			t.Errorf("%s names %s, which doctor would call not a quorum setting", p, name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
