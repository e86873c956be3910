package modelscmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/golden"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/ollamatest"
)

// run executes `quorum models` as the root command would and returns
// stdout, stderr (error and hint lines) and the exit code.
func run(t *testing.T, env map[string]string, dir string, args ...string) (string, string, int) {
	t.Helper()
	f, out, errOut := cmdtest.NewFactory(dir, env)
	cmd := NewCmdModels(f, nil)
	code := cmdtest.Execute(context.Background(), cmd, f.IOStreams, args)
	return out.String(), errOut.String(), code
}

func TestFlags(t *testing.T) {
	tests := []struct {
		args    []string
		want    ModelsOptions
		wantErr string
	}{
		{args: nil, want: ModelsOptions{Format: "text", Timeout: time.Minute}},
		{args: []string{"--format", "json", "--ollama-host", "127.0.0.1:9", "--allow-remote", "--timeout", "5s"},
			want: ModelsOptions{Format: "json", Timeout: 5 * time.Second, Conn: cmdutil.Connection{Host: "127.0.0.1:9", AllowRemote: true}}},
		{args: []string{"--format", "yaml"}, wantErr: `unknown format "yaml"`},
		{args: []string{"--timeout", "0s"}, wantErr: "--timeout must be positive"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *ModelsOptions
			cmd := NewCmdModels(&cmdutil.Factory{IOStreams: ios}, func(o *ModelsOptions) error { got = o; return nil })
			cmd.SetArgs(append([]string{}, tt.args...))
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || exitcode.Of(err) != exitcode.Setup || exitcode.HintOf(err) == "" {
					t.Fatalf("err %v (exit %d, hint %q), want %q", err, exitcode.Of(err), exitcode.HintOf(err), tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Format != tt.want.Format || got.Timeout != tt.want.Timeout || got.Conn != tt.want.Conn {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestTextGolden(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{})
	out, errOut, code := run(t, map[string]string{"OLLAMA_HOST": srv.Host}, t.TempDir())
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	out = strings.ReplaceAll(out, srv.Host, "HOST")
	golden.Check(t, filepath.Join("testdata", "models.txt"), []byte(out))
}

func TestJSON(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{Version: "0.0.0", OmitCapabilities: true})
	// --ollama-host wins over OLLAMA_HOST.
	out, errOut, code := run(t, map[string]string{"OLLAMA_HOST": "127.0.0.1:1"}, t.TempDir(), "--format", "json", "--ollama-host", "http://"+srv.Host)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var l Listing
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if l.Version != "0.0.0" || l.Host != srv.Host || len(l.Models) != 4 || l.PanelSource != "default" {
		t.Errorf("listing %+v", l)
	}
	if strings.Join(l.Panel, ",") != "qwen2.5-coder:7b,gemma2:9b,llama3.1:8b" {
		t.Errorf("panel %v", l.Panel)
	}
	for _, m := range l.Models {
		wantPanel := m.Name != "nomic-embed-text:latest"
		if m.Panel != wantPanel || m.ContextLength == 0 || len(m.Capabilities) == 0 {
			t.Errorf("model %+v", m)
		}
	}
}

func TestConfiguredPanel(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte("models: [llama3.1:8b, absent:1b]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := run(t, map[string]string{"OLLAMA_HOST": srv.Host}, dir)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out, "* panel from the configuration (models): llama3.1:8b\n") ||
		!strings.Contains(out, "configured model absent:1b is not installed: run `ollama pull absent:1b`") {
		t.Errorf("output:\n%s", out)
	}
	// A bad config is the config package's error: file:line, exit 2.
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte("models: [a, a]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := run(t, map[string]string{"OLLAMA_HOST": srv.Host}, dir)
	if code != exitcode.Setup || !strings.Contains(errOut, ".quorum.yaml:1") {
		t.Errorf("bad config: exit %d %s", code, errOut)
	}
}

func TestErrors(t *testing.T) {
	closed := ollamatest.ClosedHost(t)
	empty := ollamatest.New(t, ollamatest.Config{Models: []ollamatest.Model{
		{Name: "nomic-embed-text", Family: "nomic-bert", Capabilities: []string{"embedding"}},
	}})
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		msg, hint  string
		wantStdout string
	}{
		{"unreachable", map[string]string{"OLLAMA_HOST": closed}, nil,
			"error: cannot reach ollama at " + closed + ": connection refused", "hint: start the server with `ollama serve`", ""},
		{"remote", nil, []string{"--ollama-host", "203.0.113.4:11434"},
			"error: refusing to send code to non-loopback ollama host 203.0.113.4:11434", "--allow-remote", ""},
		{"remote from env", map[string]string{"OLLAMA_HOST": "http://198.51.100.7"}, nil,
			"error: refusing to send code to non-loopback ollama host 198.51.100.7:80", "OLLAMA_HOST", ""},
		{"no chat model", map[string]string{"OLLAMA_HOST": empty.Host}, nil,
			"error: no chat-capable model is installed in ollama at " + empty.Host, "hint: ollama pull qwen2.5-coder:7b", "nomic-embed-text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, tt.env, t.TempDir(), tt.args...)
			if code != exitcode.Setup {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(errOut, tt.msg) || !strings.Contains(errOut, tt.hint) {
				t.Errorf("stderr %q, want %q and %q", errOut, tt.msg, tt.hint)
			}
			if !strings.Contains(out, tt.wantStdout) {
				t.Errorf("stdout %q", out)
			}
		})
	}
}

// A configured model with a host of its own is not "not installed" on the
// server listed: it is named as on its own server (the hint said to pull a
// model the user has).
func TestConfiguredModelOnItsOwnServer(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{})
	dir := t.TempDir()
	cfg := "models:\n  - llama3.1:8b\n  - name: team:70b\n    host: http://127.0.0.1:1\n"
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := run(t, map[string]string{"OLLAMA_HOST": srv.Host}, dir)
	if code != 0 || strings.Contains(out, "team:70b is not installed") ||
		!strings.Contains(out, "configured model team:70b at http://127.0.0.1:1, on its own server: not listed here ('quorum doctor' checks it there)") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
}
