package modelscmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/ollamatest"
)

// Model names, families, quantizations and capabilities come from the
// server: none of them reaches the terminal raw, in the table, the panel
// line, or the lines about configured models that are not installed.
func TestServerTextIsSanitized(t *testing.T) {
	evil := ollamatest.Model{Name: cmdtest.EvilName, Family: "qwen2\x1b[2J", ParameterSize: "7B\u009b", Quantization: "Q4\u202e",
		ContextLength: 8192, Capabilities: []string{"completion", "tools\x07"}}
	srv := ollamatest.New(t, ollamatest.Config{Models: []ollamatest.Model{evil}})
	configured := t.TempDir()
	// The repository's configuration names the evil model and a missing one
	// (YAML escapes: the file itself holds no control characters).
	yaml := `models: ["evil\e]0;pwned\a\e[2J\u009b31m\u202egnp.exe:7b", "gone\e[2J\u202e:1b"]` + "\n"
	if err := os.WriteFile(filepath.Join(configured, ".quorum.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	// Only a missing model: the error's hint names it.
	missing := t.TempDir()
	if err := os.WriteFile(filepath.Join(missing, ".quorum.yaml"), []byte(`models: ["gone\e[2J\u202e:1b"]`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{t.TempDir(), configured, missing} {
		out, errOut, code := run(t, map[string]string{"OLLAMA_HOST": srv.Host}, dir)
		t.Logf("exit %d\n%s%s", code, out, errOut)
		if dir == missing {
			if code != 2 || !strings.Contains(errOut, "hint: ollama pull gone") {
				t.Errorf("exit %d, want 2 with a hint", code)
			}
		} else if code != 0 || !strings.Contains(out, "evil") {
			t.Errorf("exit %d", code)
		}
		if bad := cmdtest.Unsafe(out + errOut); bad != "" {
			t.Errorf("output has %s", bad)
		}
	}
	// JSON keeps the names exact, C1 and bidi characters as \u escapes.
	out, _, code := run(t, map[string]string{"OLLAMA_HOST": srv.Host}, configured, "--format", "json")
	if bad := cmdtest.Unsafe(out); code != 0 || bad != "" || !strings.Contains(out, `\u009b31m\u202egnp.exe:7b`) {
		t.Errorf("--format json: exit %d, %s\n%s", code, bad, out)
	}
}
