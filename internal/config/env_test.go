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
	want := []string{"QUORUM_FAIL_ON (QUORUM_REVIEW_FAIL_ON or QUORUM_HOOK_FAIL_ON?)", "QUORUM_MODLES (QUORUM_MODELS?)"}
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

// Every QUORUM_ variable the repository names is one doctor, review and
// the hook know, so the list cannot fall behind: in Go code, a quoted
// name; in the scripts, testscripts and documents, any name (the typos are
// env_test's and doctor_test's own examples of what is reported).
func TestEveryNamedVariableIsKnown(t *testing.T) {
	root := filepath.Join("..", "..")
	quoted := regexp.MustCompile(`"(QUORUM_[A-Z0-9_]+)"`)
	bare := regexp.MustCompile(`\b(QUORUM_[A-Z0-9_]*[A-Z0-9])\b`)
	typos := []string{"QUORUM_FAIL_ON", "QUORUM_MODLES"}
	notVariables := []string{
		"QUORUM_BINARY", // scripts/check-history.py's argument, a path
	}
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		re := bare
		switch ext := filepath.Ext(p); {
		case ext == ".go":
			re = quoted
		case ext == ".md" || ext == ".sh" || ext == ".py" || ext == ".txtar" || ext == ".yaml" || ext == ".yml" || filepath.Base(filepath.Dir(p)) == ".ci":
		default:
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			name := m[1]
			seen[name] = true
			if KnownEnv(name) || slices.Contains(typos, name) || slices.Contains(notVariables, name) || slices.ContainsFunc(harnessPrefixes, func(pre string) bool { return strings.HasPrefix(name, pre) }) || name == "QUORUM_TEST_" {
				continue
			}
			t.Errorf("%s names %s, which doctor, review and the hook would call not a quorum setting", p, name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The walk saw the documents and scripts, not only the Go code.
	for _, name := range []string{"QUORUM_OLLAMA_VERSION", "QUORUM_ALT", "QUORUM_CORPUS_CHECK", "QUORUM_SKIP"} {
		if !seen[name] {
			t.Errorf("the walk never saw %s", name)
		}
	}
}

// Review and the hook warn about each unknown variable once, on its own
// line, suggesting their own setting when the name lacks its section, and
// end with one hint; known variables, other programs' and the test
// harness's are not named.
func TestEnvWarnings(t *testing.T) {
	environ := []string{
		"QUORUM_FAIL_ON=none", "QUORUM_FAIL_ON=again", "QUORUM_HOOK_FAIL_ONN=critical", "QUORUM_SKP=1",
		"QUORUM_REVIEW_FAIL_ON=none", "QUORUM_HOST=127.0.0.1:1", "QUORUM_OLLAMA_HOST=127.0.0.1:1", "QUORUM_SKIP=1",
		"QUORUM_CACHE_DIR=/c", "QUORUM_AHEAD_DEBOUNCE=1s", "QUORUM_OLLAMA_BIN=/o", "QUORUM_MERGE_LEARNED=1", "QUORUM_MISSES=1",
		"QUORUM_CORPUS_CHECK=/d", "QUORUM_E2E_MEASURE=1", "QUORUM_TEST_REVIEWER=fake", "QUORUM_FAKE_FINDINGS=x",
		"OLLAMA_HOST=127.0.0.1:1", "PATH=/bin", "QUORUMISH=1",
	}
	const hint = "hint: quorum ignores them; rename or unset them: " + UnknownEnvHint
	for _, tc := range []struct {
		command string
		want    []string
	}{
		{"review", []string{
			"quorum: warning: unknown environment variable QUORUM_FAIL_ON (did you mean QUORUM_REVIEW_FAIL_ON?)",
			"quorum: warning: unknown environment variable QUORUM_HOOK_FAIL_ONN (did you mean QUORUM_HOOK_FAIL_ON?)",
			"quorum: warning: unknown environment variable QUORUM_SKP (did you mean QUORUM_SKIP?)",
			hint,
		}},
		{"hook", []string{
			"quorum: warning: unknown environment variable QUORUM_FAIL_ON (did you mean QUORUM_HOOK_FAIL_ON?)",
			"quorum: warning: unknown environment variable QUORUM_HOOK_FAIL_ONN (did you mean QUORUM_HOOK_FAIL_ON?)",
			"quorum: warning: unknown environment variable QUORUM_SKP (did you mean QUORUM_SKIP?)",
			hint,
		}},
	} {
		if got := EnvWarnings(environ, tc.command); !slices.Equal(got, tc.want) {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.command, got, tc.want)
		}
	}
	// One variable: "it"; one with nothing near: no suggestion.
	got := EnvWarnings([]string{"QUORUM_WHATEVER=1", "QUORUM_SKIP=1"}, "review")
	want := []string{"quorum: warning: unknown environment variable QUORUM_WHATEVER", "hint: quorum ignores it; rename or unset it: " + UnknownEnvHint}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// A section's setting the command does not read is still suggested.
	got = EnvWarnings([]string{"QUORUM_ON_UNAVAILABLE=block"}, "review")
	if len(got) != 2 || got[0] != "quorum: warning: unknown environment variable QUORUM_ON_UNAVAILABLE (did you mean QUORUM_HOOK_ON_UNAVAILABLE?)" {
		t.Errorf("got %q", got)
	}
	if got := EnvWarnings([]string{"QUORUM_SKIP=1", "QUORUM_HOOK_FAIL_ON=none", "OLLAMA_HOST=x"}, "hook"); got != nil {
		t.Errorf("known variables warned about: %q", got)
	}
	// A name cannot drive the terminal, nor break the line.
	got = EnvWarnings([]string{"QUORUM_\x1b[31mRED\x1b[0m=1"}, "review")
	if len(got) != 2 || strings.ContainsAny(got[0], "\x1b\n") || !strings.Contains(got[0], "QUORUM_") {
		t.Errorf("got %q", got)
	}
}

// WarnUnknownEnv reads the factory's environment; without one, the
// process's, as the command's getenv sees it: a variable of the shell that
// a test's getenv does not give is not the command's.
func TestWarnUnknownEnv(t *testing.T) {
	var buf strings.Builder
	WarnUnknownEnv(&buf, func() []string { return []string{"QUORUM_FAIL_ON=none"} }, nil, "review")
	if want := "quorum: warning: unknown environment variable QUORUM_FAIL_ON (did you mean QUORUM_REVIEW_FAIL_ON?)\nhint: quorum ignores it; rename or unset it: " + UnknownEnvHint + "\n"; buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}

	t.Setenv("QUORUM_FAIL_ON", "none")
	buf.Reset()
	WarnUnknownEnv(&buf, nil, os.Getenv, "hook")
	if !strings.Contains(buf.String(), "quorum: warning: unknown environment variable QUORUM_FAIL_ON (did you mean QUORUM_HOOK_FAIL_ON?)\n") {
		t.Errorf("process environment: got %q", buf.String())
	}
	buf.Reset()
	WarnUnknownEnv(&buf, nil, func(string) string { return "" }, "hook")
	if buf.Len() != 0 {
		t.Errorf("a variable the command's getenv does not see was named: %q", buf.String())
	}
}
