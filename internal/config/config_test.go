package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/quorum-review/quorum/internal/exitcode"
)

// fixture makes a repo dir (with .git) and a home dir, writes the given
// repo and user files, and returns the repo dir and a getenv over env+HOME.
func fixture(t *testing.T, repo, user string, env map[string]string) (string, func(string) string) {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "repo")
	home := filepath.Join(root, "home")
	must(t, os.MkdirAll(filepath.Join(dir, ".git"), 0o755))
	must(t, os.MkdirAll(filepath.Join(home, ".config", "quorum"), 0o755))
	if repo != "" {
		must(t, os.WriteFile(filepath.Join(dir, RepoFileName), []byte(repo), 0o644))
	}
	if user != "" {
		must(t, os.WriteFile(filepath.Join(home, ".config", "quorum", "config.yaml"), []byte(user), 0o644))
	}
	return dir, func(k string) string {
		if k == "HOME" {
			return home
		}
		return env[k]
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestDefaults(t *testing.T) {
	dir, getenv := fixture(t, "", "", nil)
	c, err := Load(dir, getenv)
	must(t, err)
	if c.Hook.FailOn != "critical" || c.Hook.MinAgreement != 1 || c.Hook.OnUnavailable != "allow" || c.Hook.Timeout != 10*time.Minute || !c.Hook.Tags {
		t.Errorf("hook defaults = %+v", c.Hook)
	}
	if !c.Cache || c.AllowRemote || c.OllamaHost != "http://127.0.0.1:11434" {
		t.Errorf("defaults = %+v", c)
	}
	for _, e := range c.Entries() {
		if e.Source.Kind != FromDefault || e.Source.String() != "default" {
			t.Errorf("%s from %v, want default", e.Key, e.Source)
		}
	}
}

func TestPrecedence(t *testing.T) {
	user := "hook:\n  fail_on: suggestion\n  min_agreement: 3\nparallel: 4\nbase: develop\n"
	repo := "# team settings\nhook:\n  fail_on: important\nparallel: 2\n"
	env := map[string]string{"QUORUM_PARALLEL": "3", "QUORUM_HOOK_TIMEOUT": "2m"}
	dir, getenv := fixture(t, repo, user, env)
	c, err := Load(filepath.Join(dir), getenv)
	must(t, err)

	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.String("fail-on", "critical", "")
	fs.Int("parallel", 1, "")
	fs.String("base", "main", "") // default left alone: must not override
	must(t, fs.Parse([]string{"--parallel", "5"}))
	must(t, c.ApplyFlags(fs, map[string]string{"fail-on": "hook.fail_on", "parallel": "parallel", "base": "base"}))

	want := map[string]struct{ value, source string }{
		"hook.min_agreement": {"3", "user " + filepath.Join(filepath.Dir(getenv("HOME")), "home", ".config", "quorum", "config.yaml") + ":3"},
		"base":               {"develop", ""},
		"hook.fail_on":       {"important", "repo .quorum.yaml:3"},
		"hook.timeout":       {"2m0s", "env QUORUM_HOOK_TIMEOUT"},
		"parallel":           {"5", "flag --parallel"},
		"cache":              {"true", "default"},
	}
	for _, e := range c.Entries() {
		w, ok := want[e.Key]
		if !ok {
			continue
		}
		if e.Value != w.value {
			t.Errorf("%s = %q, want %q", e.Key, e.Value, w.value)
		}
		if w.source != "" && e.Source.String() != w.source {
			t.Errorf("%s from %q, want %q", e.Key, e.Source, w.source)
		}
	}
	if c.Source("base").Kind != FromUser {
		t.Errorf("base from %v, want user file", c.Source("base"))
	}
}

func TestRepoFileFoundFromSubdir(t *testing.T) {
	dir, getenv := fixture(t, "base: trunk\n", "", nil)
	sub := filepath.Join(dir, "a", "b")
	must(t, os.MkdirAll(sub, 0o755))
	c, err := Load(sub, getenv)
	must(t, err)
	if c.Base != "trunk" || c.Root != dir {
		t.Errorf("base=%q root=%q", c.Base, c.Root)
	}
}

func TestXDGConfigHome(t *testing.T) {
	dir, getenv := fixture(t, "", "", nil)
	xdg := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(xdg, "quorum"), 0o755))
	must(t, os.WriteFile(filepath.Join(xdg, "quorum", "config.yaml"), []byte("cache: false\n"), 0o644))
	c, err := Load(dir, func(k string) string {
		if k == "XDG_CONFIG_HOME" {
			return xdg
		}
		return getenv(k)
	})
	must(t, err)
	if c.Cache || c.Source("cache").Kind != FromUser {
		t.Errorf("cache=%v from %v", c.Cache, c.Source("cache"))
	}
}

func TestModelsForms(t *testing.T) {
	dir, getenv := fixture(t, "models:\n  - qwen2.5-coder:7b\n  - name: llama3.1:8b\n    focus: security and error handling\n    num_ctx: 16384\n", "", nil)
	c, err := Load(dir, getenv)
	must(t, err)
	want := []Model{{Name: "qwen2.5-coder:7b"}, {Name: "llama3.1:8b", Focus: "security and error handling", NumCtx: 16384}}
	if len(c.Models) != 2 || c.Models[0] != want[0] || c.Models[1] != want[1] {
		t.Errorf("models = %+v", c.Models)
	}
	c2, err := Load(dir, func(k string) string {
		if k == "QUORUM_MODELS" {
			return "a:1b, b:2b"
		}
		return getenv(k)
	})
	must(t, err)
	if len(c2.Models) != 2 || c2.Models[1].Name != "b:2b" || c2.Source("models").String() != "env QUORUM_MODELS" {
		t.Errorf("env models = %+v from %v", c2.Models, c2.Source("models"))
	}

	// "," names no model: an error, as --models , is, not the default panel.
	_, err = Load(dir, func(k string) string {
		if k == "QUORUM_MODELS" {
			return " , ,"
		}
		return getenv(k)
	})
	if err == nil || !strings.Contains(err.Error(), `no model name in " , ,"`) || !strings.Contains(err.Error(), "QUORUM_MODELS") {
		t.Errorf("QUORUM_MODELS=' , ,': %v", err)
	}
}

func TestGuidelinesResolved(t *testing.T) {
	dir, getenv := fixture(t, "guidelines: [docs/review.md]\nignore: ['vendor/**', '**/*.pb.go']\n", "", nil)
	must(t, os.MkdirAll(filepath.Join(dir, "docs"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "docs", "review.md"), []byte("be kind"), 0o644))
	c, err := Load(dir, getenv)
	must(t, err)
	if len(c.Guidelines) != 1 || c.Guidelines[0] != filepath.Join(dir, "docs", "review.md") {
		t.Errorf("guidelines = %v", c.Guidelines)
	}
	if len(c.Ignore) != 2 {
		t.Errorf("ignore = %v", c.Ignore)
	}
}

func TestOllamaHostEnv(t *testing.T) {
	dir, getenv := fixture(t, "", "", nil)
	c, err := Load(dir, func(k string) string {
		if k == "OLLAMA_HOST" {
			return "127.0.0.1:9999"
		}
		return getenv(k)
	})
	must(t, err)
	if c.OllamaHost != "127.0.0.1:9999" || c.Source("ollama_host").String() != "env OLLAMA_HOST" {
		t.Errorf("host %q from %v", c.OllamaHost, c.Source("ollama_host"))
	}
}

// TestErrors covers every kind of bad input: each must name file:line (or
// the env var / flag), carry a hint, and exit 2.
func TestErrors(t *testing.T) {
	tests := []struct {
		name, repo, user string
		env              map[string]string
		flag             []string
		wantMsg, hint    string
	}{
		{name: "unknown key", repo: "base: main\nmodles: [a]\n", wantMsg: `.quorum.yaml:2: unknown key "modles"`, hint: `did you mean "models"?`},
		{name: "unknown key, no near one", repo: "foo: 1\n", wantMsg: `.quorum.yaml:1: unknown key "foo"`, hint: `remove the key; the top-level keys are `},
		{name: "unknown section key", repo: "hook:\n  fail_onn: critical\n", wantMsg: `.quorum.yaml:2: unknown key "hook.fail_onn"`, hint: `did you mean "hook.fail_on"?`},
		{name: "key in wrong section", repo: "on_unavailable: block\n", wantMsg: `.quorum.yaml:1: unknown key "on_unavailable"`, hint: `it goes under 'hook:'`},
		{name: "far-off key", repo: "zzzzzzzzzz: 1\n", wantMsg: `.quorum.yaml:1: unknown key "zzzzzzzzzz"`, hint: "the top-level keys are models, base, "},
		{name: "bad severity", repo: "hook:\n  fail_on: severe\n", wantMsg: `.quorum.yaml:2: hook.fail_on: "severe" is not a valid severity`, hint: "critical, important, suggestion, none"},
		{name: "bad on_unavailable", repo: "hook:\n  on_unavailable: maybe\n", wantMsg: `.quorum.yaml:2: hook.on_unavailable: "maybe"`, hint: "allow, block"},
		{name: "bad int", repo: "parallel: two\n", wantMsg: `.quorum.yaml:1: parallel: "two" is not a whole number`, hint: "whole number"},
		{name: "quoted int", repo: "parallel: \"2\"\n", wantMsg: `.quorum.yaml:1: parallel: "2" is not a whole number`, hint: "without quotes"},
		{name: "int too small", repo: "\n\nhook:\n  min_agreement: 0\n", wantMsg: `.quorum.yaml:4: hook.min_agreement: 0 is below the minimum of 1`, hint: "at least 1"},
		{name: "bad duration", repo: "hook:\n  timeout: 10\n", wantMsg: `.quorum.yaml:2: hook.timeout: "10" is not a duration`, hint: "10m"},
		{name: "zero hook timeout", repo: "hook:\n  timeout: 0s\n", wantMsg: `hook.timeout: "0s" must be positive`, hint: "positive"},
		{name: "bad bool", repo: "cache: sometimes\n", wantMsg: `.quorum.yaml:1: cache: "sometimes" is not true or false`, hint: "true or false"},
		{name: "bad glob", repo: "ignore:\n  - 'src/[a'\n", wantMsg: `.quorum.yaml:2: ignore: "src/[a" is not a valid glob`, hint: "doublestar"},
		{name: "guidelines directory", repo: "guidelines: [.git]\n", wantMsg: `.quorum.yaml:1: guidelines: guidelines file ".git" is a directory`, hint: "name a file in the directory"},
		{name: "missing guidelines", user: "guidelines: [nope.md]\n", wantMsg: `config.yaml:1: guidelines: guidelines file "nope.md" not found`, hint: "create the file"},
		{name: "guidelines device", user: "guidelines: [/dev/null]\n", wantMsg: `config.yaml:1: guidelines: guidelines file "/dev/null" is not a regular file`, hint: "regular file"},
		{name: "bad host", repo: "ollama_host: 'ftp://x'\n", wantMsg: `.quorum.yaml:1: ollama_host: "ftp://x" is not a valid server address`, hint: "http://127.0.0.1:11434"},
		{name: "bad port", repo: "ollama_host: 'localhost:99999'\n", wantMsg: `has an invalid port`, hint: "http://"},
		{name: "repo allows remote", repo: "cache: true\nallow_remote: true\n", wantMsg: `.quorum.yaml:2: allow_remote: a repository's .quorum.yaml cannot allow a remote ollama host`, hint: "--allow-remote"},
		{name: "repo names remote host", repo: "ollama_host: 'http://10.0.0.5:11434'\n", wantMsg: `.quorum.yaml:1: ollama_host: a repository's .quorum.yaml can only name a loopback ollama host`, hint: "QUORUM_HOST"},
		{name: "repo names host by dns", repo: "ollama_host: 'gpu-box.lan:11434'\n", wantMsg: `can only name a loopback ollama host`, hint: "user config"},
		{name: "bad policy", repo: "severity_policy: mean\n", wantMsg: `severity_policy: "mean" is not a valid severity policy`, hint: "upper-median"},
		{name: "list for scalar", repo: "base: [a, b]\n", wantMsg: `.quorum.yaml:1: base: expected a single value, got a list`, hint: "single value"},
		{name: "mapping for scalar", repo: "base:\n  x: 1\n", wantMsg: `.quorum.yaml:2: base: expected a value, got a mapping`, hint: "single value"},
		{name: "null value", repo: "base:\n", wantMsg: `.quorum.yaml:1: base: no value`, hint: "give a value"},
		{name: "section not mapping", repo: "hook: yes\n", wantMsg: `.quorum.yaml:1: hook: expected a mapping`, hint: "indent"},
		{name: "duplicate key", repo: "base: a\ncache: true\nbase: b\n", wantMsg: `.quorum.yaml:3: key "base" repeats line 1`, hint: "keep one"},
		{name: "syntax", repo: "base: a\n  cache: [\n", wantMsg: `.quorum.yaml:`, hint: "YAML syntax"},
		// yaml.v3 names no line for an error on the first one, nor for a
		// byte its reader refuses or an unknown alias; nor ever a column.
		{name: "tab on first line", repo: "\t- bad\n", wantMsg: `.quorum.yaml:1:1: invalid YAML: found character that cannot start any token (a tab in the indentation: YAML indents with spaces)`, hint: "indent with spaces"},
		{name: "tab after a mark", repo: "\ufeff  \tbase: main\n", wantMsg: `.quorum.yaml:1:3: invalid YAML: found character that cannot start any token (a tab`, hint: "YAML syntax"},
		{name: "tab later", repo: "base: main\ncache: true\n\tparallel: 2\n", wantMsg: `.quorum.yaml:3:1: invalid YAML: found a tab character that violates indentation (a tab in the indentation`, hint: "indent with spaces"},
		{name: "tab in user file", user: "\t- bad\n", wantMsg: `config.yaml:1:1: invalid YAML: found character`, hint: "YAML syntax"},
		{name: "first line", repo: "base: a: b\n", wantMsg: `.quorum.yaml:1: invalid YAML: mapping values are not allowed in this context`, hint: "YAML syntax"},
		{name: "reserved character", repo: "base: @main\n", wantMsg: `.quorum.yaml:1: invalid YAML: found character that cannot start any token`, hint: "YAML syntax"},
		{name: "control character", repo: "base: main\ncache: tr\x01ue\n", wantMsg: `.quorum.yaml:2:10: invalid YAML: control characters are not allowed`, hint: "YAML syntax"},
		{name: "invalid UTF-8", repo: "base: main\nguidelines: [é\xff]\n", wantMsg: `.quorum.yaml:2:15: invalid YAML: invalid leading UTF-8 octet`, hint: "YAML syntax"},
		{name: "unknown alias", repo: "base: &yes_x main\ncache: *yes_x\nparallel: *yes\n", wantMsg: `.quorum.yaml:3:11: invalid YAML: unknown anchor 'yes' referenced`, hint: "YAML syntax"},
		// yaml.v3's parser (not its scanner) names the line before.
		{name: "parser error", repo: "base: a\nmodels: [a\n", wantMsg: `.quorum.yaml:2: invalid YAML: did not find expected ',' or ']'`, hint: "YAML syntax"},
		{name: "parser error later", repo: "base: a\ncache: true\nparallel: 2\n- x\n", wantMsg: `.quorum.yaml:4: invalid YAML: did not find expected key`, hint: "YAML syntax"},
		// yaml.v3 names the start of the enclosing block, not the bad line (4).
		{name: "parser error nested", repo: "ignore:\n  - x\n  - y\n  base: 1\n", wantMsg: `.quorum.yaml:2: invalid YAML: did not find expected '-' indicator (in the block that starts on line 2: the mistake is there or below it)`, hint: "YAML syntax"},
		{name: "scanner error later", repo: "base: a\ncache: true\nparallel: 2: 3\n", wantMsg: `.quorum.yaml:3: invalid YAML: mapping values are not allowed in this context`, hint: "YAML syntax"},
		{name: "top not mapping", repo: "- a\n- b\n", wantMsg: `.quorum.yaml:1: expected a mapping`, hint: "quorum init"},
		{name: "model unknown key", repo: "models:\n  - name: a\n    temp: 1\n", wantMsg: `.quorum.yaml:3: models: unknown key "temp"`, hint: "a model takes name, focus, num_ctx, api and host"},
		{name: "model key typo", repo: "models:\n  - name: a\n    nm_ctx: 100\n", wantMsg: `.quorum.yaml:3: models: unknown key "nm_ctx"`, hint: `did you mean "num_ctx"? a model takes name, focus, num_ctx, api and host`},
		{name: "model no name", repo: "models:\n  - focus: x\n", wantMsg: `.quorum.yaml:2: models: model without a name`, hint: "give each model a name"},
		{name: "model num_ctx", repo: "models:\n  - name: a\n    num_ctx: big\n", wantMsg: `.quorum.yaml:3: models: num_ctx "big"`, hint: "token count"},
		{name: "model small ctx", repo: "models:\n  - name: a\n    num_ctx: 100\n", wantMsg: `.quorum.yaml:2: models: num_ctx 100 is below`, hint: "at least 512"},
		{name: "model duplicate", repo: "models: [a, b, a]\n", wantMsg: `.quorum.yaml:1: models: model "a" is listed twice`, hint: "once"},
		{name: "model nested list", repo: "models:\n  - [a]\n", wantMsg: `.quorum.yaml:2: models: each item must be a name or a mapping`, hint: "- qwen"},
		{name: "list item mapping", repo: "ignore:\n  - a: b\n", wantMsg: `.quorum.yaml:2: ignore: list items must be plain values`, hint: "'- value'"},
		{name: "user file", user: "\nhook:\n  tags: 3\n", wantMsg: `config.yaml:3: hook.tags: "3" is not true or false`, hint: "true or false"},
		{name: "env", env: map[string]string{"QUORUM_HOOK_FAIL_ON": "blocker"}, wantMsg: `env QUORUM_HOOK_FAIL_ON: hook.fail_on: "blocker" is not a valid severity`, hint: "critical"},
		{name: "flag", flag: []string{"--fail-on", "high"}, wantMsg: `flag --fail-on: review.fail_on: "high" is not a valid severity`, hint: "critical"},
		// `--models "$MODELS"` with MODELS unset is a mistake, not the default panel.
		{name: "empty list flag", flag: []string{"--models", ""}, wantMsg: `flag --models: empty list`, hint: "leave it out for the default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, getenv := fixture(t, tt.repo, tt.user, tt.env)
			c, err := Load(dir, getenv)
			if err == nil && tt.flag != nil {
				fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
				fs.String("fail-on", "", "")
				fs.StringSlice("models", nil, "")
				must(t, fs.Parse(tt.flag))
				err = c.ApplyFlags(fs, map[string]string{"fail-on": "review.fail_on", "models": "models"})
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q, want it to contain %q", err, tt.wantMsg)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is not one line", err)
			}
			if h := exitcode.HintOf(err); !strings.Contains(h, tt.hint) {
				t.Errorf("hint %q, want it to contain %q", h, tt.hint)
			}
			if code := exitcode.Of(err); code != exitcode.Setup {
				t.Errorf("exit code %d, want 2", code)
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Errorf("error %T is not a *config.Error", err)
			}
		})
	}
}

func TestUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	dir, getenv := fixture(t, "base: a\n", "", nil)
	must(t, os.Chmod(filepath.Join(dir, RepoFileName), 0))
	_, err := Load(dir, getenv)
	if err == nil || exitcode.Of(err) != exitcode.Setup || exitcode.HintOf(err) == "" {
		t.Fatalf("err = %v", err)
	}
}

// A directory named .quorum.yaml is not a permissions problem: the hint
// says to move it aside.
func TestConfigThatIsADirectory(t *testing.T) {
	dir, getenv := fixture(t, "", "", nil)
	must(t, os.Mkdir(filepath.Join(dir, RepoFileName), 0o755))
	_, err := Load(dir, getenv)
	if err == nil || exitcode.Of(err) != exitcode.Setup || err.Error() != ".quorum.yaml: cannot read config: is a directory" ||
		exitcode.HintOf(err) != "move it aside: the configuration is a YAML file ('quorum init' writes one)" {
		t.Fatalf("err = %v, hint %q", err, exitcode.HintOf(err))
	}
}

// A .quorum.yaml (or user config) that is a link to nothing is not "no
// config": the team's settings would go unapplied without a word.
// TestRepoGuidelineMissingFromTheWorkTree: a guideline file the
// repository's .quorum.yaml names may be missing from the work tree (a
// branch that moves or deletes it): it is read at each change's base, so
// it is kept by name, not an error. One that leaves the repository is
// refused all the same.
func TestRepoGuidelineMissingFromTheWorkTree(t *testing.T) {
	dir, getenv := fixture(t, "guidelines: [docs/STYLE.md]\n", "", nil)
	c, err := Load(dir, getenv)
	if err != nil || len(c.Guidelines) != 1 || c.Guidelines[0] != filepath.Join(dir, "docs", "STYLE.md") {
		t.Fatalf("%v %v", c, err)
	}
	dir, getenv = fixture(t, "guidelines: [../elsewhere.md]\n", "", nil)
	if _, err := Load(dir, getenv); err == nil || !strings.Contains(err.Error(), "can only name files inside the repository") {
		t.Fatalf("a missing file outside: %v", err)
	}
}

func TestConfigThatIsADanglingLink(t *testing.T) {
	dir, getenv := fixture(t, "", "", nil)
	must(t, os.Symlink("../shared/quorum.yaml", filepath.Join(dir, RepoFileName)))
	_, err := Load(dir, getenv)
	if err == nil || exitcode.Of(err) != exitcode.Setup || err.Error() != `.quorum.yaml: a symlink to "../shared/quorum.yaml", which does not exist` ||
		exitcode.HintOf(err) != "restore the file it points to, or remove the link to use the defaults" {
		t.Fatalf("err = %v, hint %q", err, exitcode.HintOf(err))
	}
	dir, getenv = fixture(t, "", "", nil)
	user := filepath.Join(getenv("HOME"), ".config", "quorum", "config.yaml")
	must(t, os.Symlink("/nonexistent/quorum.yaml", user))
	if _, err := Load(dir, getenv); err == nil || exitcode.Of(err) != exitcode.Setup || !strings.Contains(err.Error(), "which does not exist") {
		t.Fatalf("user config: %v", err)
	}
}

func TestEmptyAndCommentOnlyFiles(t *testing.T) {
	for _, body := range []string{"\n", "# nothing yet\n", "hook:\n"} {
		dir, getenv := fixture(t, body, "", nil)
		if _, err := Load(dir, getenv); err != nil {
			t.Errorf("%q: %v", body, err)
		}
	}
}

func TestSliceFlag(t *testing.T) {
	dir, getenv := fixture(t, "models: [x]\n", "", nil)
	c, err := Load(dir, getenv)
	must(t, err)
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.StringSlice("model", nil, "")
	must(t, fs.Parse([]string{"--model", "a:1b", "--model", "b:2b"}))
	must(t, c.ApplyFlags(fs, map[string]string{"model": "models"}))
	if len(c.Models) != 2 || c.Models[0].Name != "a:1b" || c.Source("models").String() != "flag --model" {
		t.Errorf("models %+v from %v", c.Models, c.Source("models"))
	}
}

// The user file, the environment and flags may allow a remote host; a
// repository may only point at loopback addresses.
func TestRemoteHostOnlyFromTheUser(t *testing.T) {
	dir, getenv := fixture(t, "ollama_host: 'http://[::1]:11434'\n", "allow_remote: true\nollama_host: 'http://10.0.0.5:11434'\n", nil)
	c, err := Load(dir, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if !c.AllowRemote || c.OllamaHost != "http://[::1]:11434" {
		t.Errorf("allow_remote %v, host %q", c.AllowRemote, c.OllamaHost)
	}
	for _, host := range []string{"localhost:11434", "127.0.0.2:1", "http://[::1]:9"} {
		dir, getenv := fixture(t, "ollama_host: '"+host+"'\n", "", nil)
		if _, err := Load(dir, getenv); err != nil {
			t.Errorf("%s in .quorum.yaml: %v", host, err)
		}
	}
}

// A repository's .quorum.yaml may only name guideline files inside the
// repository, after resolving symlinks; the user's own config may name any.
func TestRepoGuidelinesStayInsideTheRepo(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.txt")
	must(t, os.WriteFile(outside, []byte("TOKEN=1"), 0o644))
	for _, tc := range []struct{ name, repo string }{
		{"dotdot", "guidelines: [../home/.config/quorum/config.yaml]\n"},
		{"absolute", "guidelines: ['" + outside + "']\n"},
		{"proc", "guidelines: [../../../../../../../../proc/self/environ]\n"},
		{"symlink", "guidelines: [docs/link.md]\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, getenv := fixture(t, tc.repo, "base: main\n", nil)
			must(t, os.MkdirAll(filepath.Join(dir, "docs"), 0o755))
			must(t, os.Symlink(outside, filepath.Join(dir, "docs", "link.md")))
			_, err := Load(dir, getenv)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), "guidelines: a repository's .quorum.yaml can only name files inside the repository") || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q", err)
			}
			if h := exitcode.HintOf(err); !strings.Contains(h, "user config") {
				t.Errorf("hint %q", h)
			}
			if code := exitcode.Of(err); code != exitcode.Setup {
				t.Errorf("exit code %d, want 2", code)
			}
		})
	}
	// a symlink that stays inside the repository is fine
	dir, getenv := fixture(t, "guidelines: [docs/in.md]\n", "", nil)
	must(t, os.MkdirAll(filepath.Join(dir, "docs"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "real.md"), []byte("x"), 0o644))
	must(t, os.Symlink("../real.md", filepath.Join(dir, "docs", "in.md")))
	if _, err := Load(dir, getenv); err != nil {
		t.Errorf("in-repo symlink: %v", err)
	}
	// the user's config may name anything
	dir, getenv = fixture(t, "", "guidelines: ['"+outside+"']\n", nil)
	c, err := Load(dir, getenv)
	if err != nil || len(c.Guidelines) != 1 || c.Guidelines[0] != outside {
		t.Errorf("user guidelines %v, %v", c, err)
	}
}

// The hint for an unknown key must not send the user to 'quorum config
// show', which loads the same file and fails the same way.
func TestUnknownKeyHintNeverPointsAtConfigShow(t *testing.T) {
	for _, key := range []string{"modles", "hook.fail_onn", "on_unavailable", "zzzzzzzzzz"} {
		if h := unknownKeyHint(key); strings.Contains(h, "config show") || h == "" {
			t.Errorf("unknownKeyHint(%q) = %q", key, h)
		}
	}
}

// reports.keep and reports.max_mb bound the saved reports: defaults 50 and
// 200, 0 turns a limit off, a negative number is refused with a hint.
func TestReportsKeys(t *testing.T) {
	dir, getenv := fixture(t, "", "", nil)
	c, err := Load(dir, getenv)
	must(t, err)
	if c.Reports != (Reports{Keep: 50, MaxMB: 200}) {
		t.Errorf("defaults = %+v", c.Reports)
	}
	dir, getenv = fixture(t, "reports:\n  keep: 0\n  max_mb: 10\n", "", map[string]string{"QUORUM_REPORTS_KEEP": "7"})
	c, err = Load(dir, getenv)
	must(t, err)
	if c.Reports != (Reports{Keep: 7, MaxMB: 10}) || c.Source("reports.max_mb").Kind != FromRepo {
		t.Errorf("reports = %+v", c.Reports)
	}
	dir, getenv = fixture(t, "reports:\n  keep: -1\n", "", nil)
	_, err = Load(dir, getenv)
	if err == nil || !strings.Contains(err.Error(), ".quorum.yaml:2: reports.keep: -1 is below the minimum of 0") || exitcode.HintOf(err) != "use a whole number of at least 0" || exitcode.Of(err) != exitcode.Setup {
		t.Errorf("negative keep: %v (hint %q)", err, exitcode.HintOf(err))
	}
}

func TestReportsSectionHint(t *testing.T) {
	dir, getenv := fixture(t, "reports: 5\n", "", nil)
	_, err := Load(dir, getenv)
	if err == nil || !strings.Contains(err.Error(), "reports: expected a mapping of keys") || exitcode.HintOf(err) != "indent the reports settings under 'reports:', like '  keep: 50'" {
		t.Errorf("%v (hint %q)", err, exitcode.HintOf(err))
	}
}

// TestFlagErrorsNameTheFlagOnce: a flag that sets the key of its own name
// is named once ("flag --parallel: ..."), one that sets another key names
// it too ("flag --fail-on: review.fail_on: ..."), through ApplyFlags and Set
// alike; with two bad flags the first by name is reported, every run.
func TestFlagErrorsNameTheFlagOnce(t *testing.T) {
	dir, getenv := fixture(t, "", "", nil)
	c, err := Load(dir, getenv)
	must(t, err)
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.String("parallel", "", "")
	fs.String("fail-on", "", "")
	must(t, fs.Parse([]string{"--parallel", "two", "--fail-on", "high"}))
	for range 20 {
		err := c.ApplyFlags(fs, map[string]string{"parallel": "parallel", "fail-on": "review.fail_on"})
		if err == nil || err.Error() != `flag --fail-on: review.fail_on: "high" is not a valid severity` {
			t.Fatalf("two bad flags: %v, want the --fail-on error (first by name)", err)
		}
	}
	err = c.Set("parallel", "two", Source{Kind: FromFlag, Name: "parallel"})
	if err == nil || err.Error() != `flag --parallel: "two" is not a whole number` {
		t.Errorf("Set from a flag of the key's own name: %v", err)
	}
}

func TestMergeJudgeKey(t *testing.T) {
	for _, tc := range []struct {
		yaml, want string
		msg, hint  string
	}{
		{"merge:\n  judge: qwen2.5-coder:14b\n", "qwen2.5-coder:14b", "", ""},
		{"merge:\n  judge: none\n", "", "", ""},
		{"merge:\n  judge: \"a\\nb\"\n", "", `merge.judge: "a\nb" is not a model name`, "name one model, like qwen2.5-coder:14b, or none"},
		{"merge:\n  judge: \"\"\n", "", `merge.judge: empty judge name`, "name one model, like qwen2.5-coder:14b, or none"},
		{"merge: qwen\n", "", "merge: expected a mapping of keys", "indent the merge settings under 'merge:', like '  judge: qwen2.5-coder:14b'"},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte(tc.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Load(dir, func(string) string { return "" })
		if tc.msg != "" {
			var ce *Error
			if !errors.As(err, &ce) || !strings.HasSuffix(ce.Msg, tc.msg) || ce.Hint != tc.hint {
				t.Errorf("%q: err %v (hint %q); want %q, hint %q", tc.yaml, err, exitcode.HintOf(err), tc.msg, tc.hint)
			}
			continue
		}
		if err != nil || c.JudgeModel() != tc.want {
			t.Errorf("%q: judge %q, err %v", tc.yaml, c.JudgeModel(), err)
		}
	}
}

// TestLoadWithRepoData: a commit's .quorum.yaml stands for the work
// tree's (the hook reviews a push that changes the file under the
// remote's); none at all is the defaults; errors name the commit's file.
func TestLoadWithRepoData(t *testing.T) {
	dir := t.TempDir()
	must(t, os.Mkdir(filepath.Join(dir, ".git"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, RepoFileName), []byte("hook:\n  fail_on: none\nignore: [\"evil/**\"]\n"), 0o644))
	getenv := func(string) string { return "" }
	c, err := LoadWithRepoData(dir, getenv, RepoData{Data: []byte("hook:\n  fail_on: important\n"), Name: "abc123:.quorum.yaml"})
	if err != nil || c.Hook.FailOn != "important" || len(c.Ignore) != 0 {
		t.Fatalf("the commit's file: %v %+v %v", err, c.Hook, c.Ignore)
	}
	if c, err := LoadWithRepoData(dir, getenv, RepoData{Name: "abc123:.quorum.yaml"}); err != nil || c.Hook.FailOn != Default().Hook.FailOn || len(c.Ignore) != 0 {
		t.Fatalf("no file in the commit: %v %+v", err, c.Hook)
	}
	// Guideline files are the commit's (teamconfig reads them there): one
	// the work tree lacks, or has as a link to a device, is kept by name,
	// and the work tree cannot make the file fail. A name leaving the
	// repository is refused all the same.
	must(t, os.Symlink("/dev/null", filepath.Join(dir, "dev.md")))
	c, err = LoadWithRepoData(dir, getenv, RepoData{Data: []byte("guidelines: [gone.md, dev.md]\nhook:\n  fail_on: important\n"), Name: "abc123:.quorum.yaml"})
	want := []string{filepath.Join(dir, "gone.md"), filepath.Join(dir, "dev.md")}
	if err != nil || c.Hook.FailOn != "important" || !slices.Equal(c.Guidelines, want) {
		t.Fatalf("guidelines a push removed: %v %+v %v", err, c.Hook, c.Guidelines)
	}
	for _, name := range []string{"../out.md", "/etc/passwd", "docs/../../out.md"} {
		_, err = LoadWithRepoData(dir, getenv, RepoData{Data: []byte("guidelines: ['" + name + "']\n"), Name: "abc123:.quorum.yaml"})
		if err == nil || !strings.Contains(err.Error(), "can only name files inside the repository") {
			t.Errorf("guideline %s: %v", name, err)
		}
	}
	_, err = LoadWithRepoData(dir, getenv, RepoData{Data: []byte("hook:\n  fail_on: sometimes\n"), Name: "abc123:.quorum.yaml"})
	if err == nil || !strings.Contains(err.Error(), "abc123:.quorum.yaml") {
		t.Fatalf("a bad file's error names it: %v", err)
	}
}

// XDG_CONFIG_HOME naming a file makes the user config unreadable ("not a
// directory"): not a permissions problem, the hint names the variable; a
// file where a directory of the path should be is named too.
func TestUserConfigThroughAFile(t *testing.T) {
	dir, getenv := fixture(t, "", "", nil)
	file := filepath.Join(t.TempDir(), "xdg")
	must(t, os.WriteFile(file, nil, 0o644))
	env := func(xdg string) func(string) string {
		return func(k string) string {
			if k == "XDG_CONFIG_HOME" {
				return xdg
			}
			return getenv(k)
		}
	}
	_, err := Load(dir, env(file))
	want := filepath.Join(file, "quorum", "config.yaml") + ": cannot read config: not a directory"
	hint := "XDG_CONFIG_HOME=" + file + " is a file, not a directory: point XDG_CONFIG_HOME at a directory, or unset it to use ~/.config"
	if err == nil || exitcode.Of(err) != exitcode.Setup || err.Error() != want || exitcode.HintOf(err) != hint {
		t.Errorf("err = %v, hint %q; want %q, %q", err, exitcode.HintOf(err), want, hint)
	}

	xdg := t.TempDir()
	must(t, os.WriteFile(filepath.Join(xdg, "quorum"), nil, 0o644))
	_, err = Load(dir, env(xdg))
	if hint := filepath.Join(xdg, "quorum") + " is a file, not a directory: move it aside"; exitcode.HintOf(err) != hint {
		t.Errorf("err = %v, hint %q; want %q", err, exitcode.HintOf(err), hint)
	}
}
