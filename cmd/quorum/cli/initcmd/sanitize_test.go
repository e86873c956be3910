package initcmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/ollamatest"
)

// Model names from the server reach neither the terminal nor the written
// file raw: the file's list of installed models is sanitised, and a panel
// name is written as a YAML escape, so it loads back exactly and no line of
// the file can be forged.
func TestServerNamesAreSanitized(t *testing.T) {
	evil := ollamatest.Model{Name: cmdtest.EvilName, Family: "qwen2", ContextLength: 8192, Capabilities: []string{"completion"}}
	// Not a chat model, so only listed in the file's comment of what is installed.
	forger := ollamatest.Model{Name: "x\nallow_remote: true\n#", Family: "bert", ContextLength: 512, Capabilities: []string{"embedding"}}
	srv := ollamatest.New(t, ollamatest.Config{Models: []ollamatest.Model{evil, forger}})
	dir, env := repo(t)
	env["QUORUM_OLLAMA_HOST"] = srv.URL
	code, out, errOut := run(t, dir, env, nil)
	if code != 0 {
		t.Fatalf("code %d: %s", code, errOut)
	}
	data, _ := os.ReadFile(filepath.Join(dir, ".quorum.yaml"))
	t.Logf("file:\n%s", data)
	if bad := cmdtest.Unsafe(out + errOut + string(data)); bad != "" {
		t.Errorf("output or file has %s", bad)
	}
	c := load(t, dir, map[string]string{"HOME": env["HOME"]})
	if c.AllowRemote {
		t.Error("a model name forged allow_remote: true")
	}
	var names []string
	for _, m := range c.Models {
		names = append(names, m.Name)
	}
	if got := strings.Join(names, "|"); got != cmdtest.EvilName {
		t.Errorf("panel %q", got)
	}
}
