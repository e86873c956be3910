package initcmd

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/review"
)

type fakeLister struct {
	models []review.ModelInfo
	err    error
}

func (f fakeLister) List(context.Context) ([]review.ModelInfo, error) { return f.models, f.err }

func repo(t *testing.T) (string, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, map[string]string{"HOME": t.TempDir()}
}

func run(t *testing.T, dir string, env map[string]string, lister func(*config.Config) (ModelLister, error), args ...string) (int, string, string) {
	t.Helper()
	f, out, errOut := cmdtest.NewFactory(dir, env)
	cmd := NewCmdInit(f, func(o *InitOptions) error {
		if lister != nil {
			o.Lister = lister
		}
		return initRun(o)
	})
	code := cmdtest.Execute(context.Background(), cmd, f.IOStreams, args)
	return code, out.String(), errOut.String()
}

func load(t *testing.T, dir string, env map[string]string) *config.Config {
	t.Helper()
	c, err := config.Load(dir, func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("written file does not load: %v", err)
	}
	return c
}

// TestInitWithRealClient runs the real Ollama client against the fake
// server: the panel is picked from what the server lists.
func TestInitWithRealClient(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{})
	dir, env := repo(t)
	env["QUORUM_OLLAMA_HOST"] = srv.URL
	code, out, errOut := run(t, dir, env, nil)
	if code != 0 {
		t.Fatalf("code %d: %s", code, errOut)
	}
	if !strings.Contains(out, "wrote "+filepath.Join(dir, ".quorum.yaml")) {
		t.Errorf("stdout %q", out)
	}
	c := load(t, dir, map[string]string{"HOME": env["HOME"]})
	var names []string
	for _, m := range c.Models {
		names = append(names, m.Name)
	}
	if got := strings.Join(names, ","); got != "qwen2.5-coder:7b,gemma2:9b,llama3.1:8b" {
		t.Errorf("panel %s", got)
	}
	data, _ := os.ReadFile(filepath.Join(dir, ".quorum.yaml"))
	if !strings.Contains(string(data), "# Installed when this file was written: qwen2.5-coder:7b, llama3.1:8b, gemma2:9b, nomic-embed-text:latest") {
		t.Errorf("file:\n%s", data)
	}
}

func TestInitUnreachable(t *testing.T) {
	addr := ollamatest.ClosedHost(t)
	dir, env := repo(t)
	env["QUORUM_OLLAMA_HOST"] = "http://" + addr
	code, _, errOut := run(t, dir, env, nil)
	if code != 0 || !strings.HasPrefix(errOut, "quorum: warning: could not list Ollama's models") ||
		!strings.HasSuffix(errOut, "\nhint: start Ollama ('ollama serve'), then 'quorum init --force' picks the panel from its models\n") {
		t.Fatalf("code %d stderr %q", code, errOut)
	}
	data, _ := os.ReadFile(filepath.Join(dir, ".quorum.yaml"))
	if !strings.Contains(string(data), "# Ollama could not be reached at http://"+addr) {
		t.Errorf("file:\n%s", data)
	}
	if c := load(t, dir, env); len(c.Models) != 0 || c.Hook.FailOn != "critical" {
		t.Errorf("defaults not kept: %+v", c)
	}
}

func TestInitRefusesOverwrite(t *testing.T) {
	dir, env := repo(t)
	path := filepath.Join(dir, ".quorum.yaml")
	if err := os.WriteFile(path, []byte("base: mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lister := func(*config.Config) (ModelLister, error) {
		return fakeLister{models: []review.ModelInfo{{Name: "a:1b", Family: "a", Capabilities: []string{"completion"}}}}, nil
	}
	code, _, errOut := run(t, dir, env, lister)
	if code != exitcode.Setup || errOut != "error: "+path+" already exists\nhint: edit it, or rerun with --force to replace it\n" {
		t.Fatalf("code %d stderr %q", code, errOut)
	}
	if data, _ := os.ReadFile(path); string(data) != "base: mine\n" {
		t.Fatal("file changed")
	}
	// --force replaces it, also when the old file is broken.
	if err := os.WriteFile(path, []byte("bogus: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The environment still applies without the broken file.
	env["OLLAMA_HOST"] = "127.0.0.1:11999"
	var host string
	code, _, errOut = run(t, dir, env, func(c *config.Config) (ModelLister, error) {
		host = c.OllamaHost
		return lister(c)
	}, "--force")
	if code != 0 || !strings.HasPrefix(errOut, "quorum: warning: ignoring the current configuration: ") || !strings.Contains(host, "11999") {
		t.Fatalf("code %d, lister asked %q, stderr %q", code, host, errOut)
	}
	delete(env, "OLLAMA_HOST")
	if c := load(t, dir, env); len(c.Models) != 1 || c.Models[0].Name != "a:1b" {
		t.Errorf("models %+v", c.Models)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, ".quorum.yaml.tmp*"))
	if len(matches) != 0 {
		t.Errorf("temp files left: %v", matches)
	}
}

func TestInitFromSubdirWritesAtRoot(t *testing.T) {
	dir, env := repo(t)
	sub := filepath.Join(dir, "pkg", "x")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	code, _, _ := run(t, sub, env, func(*config.Config) (ModelLister, error) { return fakeLister{err: review.ErrUnreachable}, nil })
	if _, err := os.Stat(filepath.Join(dir, ".quorum.yaml")); code != 0 || err != nil {
		t.Fatalf("code %d: %v", code, err)
	}
}

func TestInitRemoteHostRefused(t *testing.T) {
	dir, env := repo(t)
	env["QUORUM_OLLAMA_HOST"] = "http://192.0.2.1:11434"
	code, _, errOut := run(t, dir, env, nil)
	if code != exitcode.Setup || !strings.Contains(errOut, "hint:") {
		t.Fatalf("code %d stderr %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, ".quorum.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Error("file written despite refusal")
	}
}

func TestPickPanelIsReviewDefault(t *testing.T) {
	chat := []string{"completion"}
	got := pickPanel([]review.ModelInfo{
		{Name: "llama3.1:8b", Family: "llama", Capabilities: chat, ParameterSize: "8.0B"},
		{Name: "llama3.2:3b", Family: "llama", Capabilities: chat, ParameterSize: "3.2B"},
		{Name: "nomic-embed-text", Family: "nomic-bert", Capabilities: []string{"embedding"}},
		{Name: "deepseek-coder-v2:16b", Family: "deepseek2", Capabilities: chat},
		{Name: "phi3:mini", Family: "phi3", Capabilities: chat},
		{Name: "mistral:7b", Family: "mistral", Capabilities: chat},
	})
	if strings.Join(got, ",") != "deepseek-coder-v2:16b,llama3.1:8b,mistral:7b" {
		t.Errorf("panel %v", got)
	}
	if pickPanel(nil) != nil {
		t.Error("panel from nothing")
	}
}

func TestStarterLoadsInEveryShape(t *testing.T) {
	chat := []string{"completion"}
	for name, in := range map[string]StarterInput{
		"models":     {Installed: []review.ModelInfo{{Name: "a:1b", Capabilities: chat}, {Name: "odd#name", Capabilities: chat}}},
		"none":       {Installed: []review.ModelInfo{}},
		"unreachabl": {ListErr: review.ErrUnreachable, Host: "127.0.0.1:11434"},
	} {
		dir, env := repo(t)
		if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), Starter(in), 0o644); err != nil {
			t.Fatal(err)
		}
		c := load(t, dir, env)
		if name == "models" && (len(c.Models) != 2 || c.Models[1].Name != "odd#name") {
			t.Errorf("%s: %+v", name, c.Models)
		}
		if name != "models" && len(c.Models) != 0 {
			t.Errorf("%s: %+v", name, c.Models)
		}
	}
}

// Outside a repository nothing is written: the file would configure no
// review there.
func TestInitOutsideARepository(t *testing.T) {
	dir := t.TempDir()
	home := t.TempDir()
	code, out, errOut := run(t, dir, map[string]string{"HOME": home, "XDG_CONFIG_HOME": filepath.Join(home, ".config")}, func(*config.Config) (ModelLister, error) {
		t.Fatal("models listed outside a repository")
		return nil, nil
	})
	want := "error: not a git repository: " + dir + "\nhint: cd into the repository to configure (or 'git init' one); settings for every repository go in " + filepath.Join(home, ".config", "quorum", "config.yaml") + "\n"
	if code != exitcode.Setup || out != "" || errOut != want {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, ".quorum.yaml")); err == nil {
		t.Fatal(".quorum.yaml written outside a repository")
	}
}

// Every setting the starter file shows commented out is one a repository
// file may set: uncommented all at once, the file still loads (a key the
// repository may not set, such as allow_remote, would be an error).
func TestStarterSettingsAllLoad(t *testing.T) {
	commented := regexp.MustCompile(`^# ( +- .*| *[a-z_]+:( .*)?)$`)
	var b strings.Builder
	n := 0
	for _, line := range strings.Split(string(Starter(StarterInput{Installed: []review.ModelInfo{}})), "\n") {
		if m := commented.FindStringSubmatch(line); m != nil {
			line = m[1]
			n++
		}
		b.WriteString(line + "\n")
	}
	if n < 20 {
		t.Fatalf("only %d commented settings found:\n%s", n, b.String())
	}
	dir, env := repo(t)
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// The guidelines file the example names.
	if err := os.WriteFile(filepath.Join(dir, "CONTRIBUTING.md"), []byte("Wrap errors.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := load(t, dir, env)
	if c.Hook.Ahead {
		t.Errorf("hook.ahead shown as false loads as true")
	}
}
