package doctorcmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/ollamatest"
)

// Model names and capabilities from the server, and the names the
// repository's configuration gives, reach the terminal sanitised: in the
// panel, context and memory lines, and in the fixes.
func TestServerTextIsSanitized(t *testing.T) {
	chat := ollamatest.Model{Name: cmdtest.EvilName, Family: "qwen2", ContextLength: 8192, Capabilities: []string{"completion"}, Size: 1 << 30}
	embed := ollamatest.Model{Name: "embed\x1b[2J:1b", Family: "bert", ContextLength: 512, Capabilities: []string{"embedding\x1b]0;x\x07"}, Size: 1 << 20}
	srv := ollamatest.New(t, ollamatest.Config{Models: []ollamatest.Model{chat, embed}, Version: "0.4.0\x1b[2J"})
	dir := gitRepo(t)
	yaml := `models: ["evil\e]0;pwned\a\e[2J\u009b31m\u202egnp.exe:7b", "embed\e[2J:1b", "gone\e[2J\u202e:1b"]` + "\n"
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, env{vars: map[string]string{"OLLAMA_HOST": srv.Host}, dir: dir, meminfo: writeMeminfo(t, 64*gb, 48*gb)})
	t.Logf("exit %d\n%s%s", code, out, errOut)
	if !strings.Contains(out, "gone") || !strings.Contains(out, "embed") {
		t.Fatalf("the panel lines are missing")
	}
	if bad := cmdtest.Unsafe(out + errOut); bad != "" {
		t.Errorf("output has %s", bad)
	}
}
