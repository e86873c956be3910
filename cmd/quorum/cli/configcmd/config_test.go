package configcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/iostreams"
)

func run(t *testing.T, dir string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	f, out, errOut := cmdtest.NewFactory(dir, env)
	code := cmdtest.Execute(context.Background(), NewCmdConfig(f), f.IOStreams, args)
	return code, out.String(), errOut.String()
}

func repo(t *testing.T, body string) (string, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if body != "" {
		if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, map[string]string{"HOME": t.TempDir()}
}

func TestShow(t *testing.T) {
	dir, env := repo(t, "# team\nhook:\n  fail_on: important\n")
	env["QUORUM_PARALLEL"] = "3"
	code, out, errOut := run(t, dir, env, "show")
	if code != 0 || errOut != "" {
		t.Fatalf("code %d stderr %q", code, errOut)
	}
	for _, re := range []string{
		`(?m)^repo file: .*\.quorum\.yaml$`,
		`(?m)^user file: .*config\.yaml \(not present\)$`,
		`(?m)^hook\.fail_on\s+important\s+repo \.quorum\.yaml:3$`,
		`(?m)^parallel\s+3\s+env QUORUM_PARALLEL$`,
		`(?m)^hook\.min_agreement\s+1\s+default$`,
		`(?m)^hook\.timeout\s+10m0s\s+default$`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("output lacks %s:\n%s", re, out)
		}
	}
}

func TestShowJSON(t *testing.T) {
	dir, env := repo(t, "cache: false\n")
	code, out, _ := run(t, dir, env, "show", "--json")
	if code != 0 {
		t.Fatal(code)
	}
	var got struct {
		Entries []struct{ Key, Value, Source string }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range got.Entries {
		if e.Key == "cache" {
			found = e.Value == "false" && e.Source == "repo .quorum.yaml:1"
		}
	}
	if !found {
		t.Errorf("cache entry wrong:\n%s", out)
	}
}

func TestShowBadConfig(t *testing.T) {
	dir, env := repo(t, "timeout: soon\n")
	code, out, errOut := run(t, dir, env, "show")
	if code != exitcode.Setup || out != "" {
		t.Fatalf("code %d out %q", code, out)
	}
	want := "error: .quorum.yaml:1: timeout: \"soon\" is not a duration\nhint: use a duration with a unit, like 90s, 10m or 1h\n"
	if errOut != want {
		t.Errorf("stderr %q, want %q", errOut, want)
	}
}

func TestShowArgs(t *testing.T) {
	dir, env := repo(t, "")
	code, _, errOut := run(t, dir, env, "show", "extra")
	if code != exitcode.Setup || !strings.Contains(errOut, "unexpected argument") || !bytes.Contains([]byte(errOut), []byte("hint:")) {
		t.Errorf("code %d stderr %q", code, errOut)
	}
	called := false
	ios, _, _, _ := iostreams.Test()
	cmd := NewCmdShow(&cmdutil.Factory{IOStreams: ios, WorkDir: dir}, func(o *ShowOptions) error {
		called = o.JSON && o.Dir == dir
		return nil
	})
	cmd.SetArgs([]string{"--json"})
	if err := cmd.Execute(); err != nil || !called {
		t.Errorf("runF not called with --json: %v", err)
	}
}

// The tester's repro: OLLAMA_HOST no longer beats the host of the
// repository's .quorum.yaml or of the user file, nor QUORUM_HOST; it
// shows only when nothing else sets the host.
func TestShowHostOverOllamaHost(t *testing.T) {
	hostLine := func(out string) string {
		m := regexp.MustCompile(`(?m)^host\s+(\S+)\s+(.*)$`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no host line:\n%s", out)
		}
		return m[1] + " from " + m[2]
	}
	for _, tc := range []struct {
		name, repo, user string
		env              map[string]string
		want             string
	}{
		{"repo file", "host: 127.0.0.1:1\n", "", map[string]string{"OLLAMA_HOST": "127.0.0.1:5"}, "127.0.0.1:1 from repo .quorum.yaml:1"},
		{"user file", "", "host: 127.0.0.1:2\n", map[string]string{"OLLAMA_HOST": "127.0.0.1:5"}, "127.0.0.1:2 from user "},
		{"QUORUM_HOST", "host: 127.0.0.1:1\n", "", map[string]string{"OLLAMA_HOST": "127.0.0.1:5", "QUORUM_HOST": "127.0.0.1:3"}, "127.0.0.1:3 from env QUORUM_HOST"},
		{"QUORUM_HOST over QUORUM_OLLAMA_HOST", "", "", map[string]string{"QUORUM_OLLAMA_HOST": "127.0.0.1:4", "QUORUM_HOST": "127.0.0.1:3"}, "127.0.0.1:3 from env QUORUM_HOST"},
		{"OLLAMA_HOST alone", "", "", map[string]string{"OLLAMA_HOST": "127.0.0.1:5"}, "127.0.0.1:5 from env OLLAMA_HOST"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, env := repo(t, tc.repo)
			if tc.user != "" {
				p := filepath.Join(env["HOME"], ".config", "quorum", "config.yaml")
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(tc.user), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for k, v := range tc.env {
				env[k] = v
			}
			code, out, errOut := run(t, dir, env, "show")
			if code != 0 || errOut != "" {
				t.Fatalf("code %d stderr %q", code, errOut)
			}
			if got := hostLine(out); !strings.HasPrefix(got, tc.want) {
				t.Errorf("host %q, want %q", got, tc.want)
			}
		})
	}
}

// Outside a repository no .quorum.yaml applies: one in the current
// directory is neither read nor shown as the repository's.
func TestShowOutsideARepository(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte("hook:\n  fail_on: suggestion\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, dir, map[string]string{"HOME": t.TempDir()}, "show")
	if code != 0 || errOut != "" || !strings.Contains(out, "repo file: none (not in a git repository)\n") ||
		!regexp.MustCompile(`(?m)^hook\.fail_on\s+critical\s+default$`).MatchString(out) || strings.Contains(out, "repo .quorum.yaml") {
		t.Fatalf("exit %d, stderr %q:\n%s", code, errOut, out)
	}
}

// TestShowWarnsOfAVariableThatIsNoSetting: config show is where people
// check their settings, so a QUORUM_ variable that is none is named, with
// the setting it was likely meant to be, as review and the hook do.
func TestShowWarnsOfAVariableThatIsNoSetting(t *testing.T) {
	dir, env := repo(t, "")
	env["QUORUM_FAIL_ON"] = "critical"
	code, out, errOut := run(t, dir, env, "show")
	if code != 0 || !strings.Contains(errOut, "quorum: warning: unknown environment variable QUORUM_FAIL_ON (did you mean ") || !strings.Contains(errOut, "hint: quorum ignores it") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out, "review.fail_on") {
		t.Fatalf("the settings are still shown:\n%s", out)
	}
}
