package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/tinymodel"
	"github.com/quorum-review/quorum/review"
)

// TestReviewOverOpenAIAPI: `quorum review --api openai --host URL/v1`
// reviews through the real server's OpenAI-compatible endpoint, and only
// through it.
func TestReviewOverOpenAIAPI(t *testing.T) {
	// /v1 cannot set num_ctx: the server runs every model at its own
	// default, and the user tells quorum that figure (num_ctx in models:).
	s := StartWith(t, Binary(t), "OLLAMA_CONTEXT_LENGTH=16384")
	s.Create(t, "tinyqwen", tinymodel.Config{Kind: tinymodel.Terse, Seed: 1, ContextLength: 16384})
	proxy := NewProxy(t, s)
	bin := quorum(t)
	fx := newFixture(t)
	cache := t.TempDir()
	conf := filepath.Join(cache, "config", "quorum")
	if err := os.MkdirAll(conf, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(conf, "config.yaml"), []byte("models:\n  - name: tinyqwen\n    num_ctx: 16384\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := fx.quorum(t, bin, "127.0.0.1:1", cache, "review", "--api", "openai", "--host", "http://"+proxy.Host+"/v1",
		"--format", "json", "--no-cache")
	if r.Code != 0 {
		t.Fatalf("exit %d, want 0\n%s", r.Code, r.Stderr)
	}
	rep := parseReport(t, r)
	if len(rep.Reviewers) != 1 || rep.Reviewers[0].Status != review.StatusOK || rep.Verdict.RestsOn != 1 {
		t.Fatalf("reviewers %+v, verdict %+v", rep.Reviewers, rep.Verdict)
	}
	if n := proxy.Hits("/v1/chat/completions"); n == 0 {
		t.Error("no request reached /v1/chat/completions")
	}
	if n := proxy.Hits("/api/chat") + proxy.Hits("/api/generate"); n != 0 {
		t.Errorf("%d requests went to Ollama's native API", n)
	}
	if rep.Reviewers[0].PromptTokens == 0 {
		t.Error("no prompt tokens read from the usage block")
	}
	if strings.Contains(s.Log(), "truncating input prompt") {
		t.Error("the server truncated a prompt")
	}
	for _, f := range rep.Coverage.Files {
		for name, st := range f.By {
			if st != "reviewed" {
				t.Errorf("%s: %s %s", f.Path, name, st)
			}
		}
	}
}

// TestPanelOnTwoServers: a panel split across two real servers on two
// loopback ports (per-reviewer host: in the user config). Each server sees
// only its own reviewer's requests, and the two reviewers' requests overlap
// in time. On 2 cores two CPU servers compete, so this checks the overlap,
// not a speed-up.
func TestPanelOnTwoServers(t *testing.T) {
	bin := quorum(t)
	laptop, gpu := Start(t, Binary(t)), Start(t, Binary(t))
	laptop.Create(t, "tinyqwen", tinymodel.Config{Kind: tinymodel.Terse, Seed: 1, ContextLength: 16384})
	gpu.Create(t, "tinygemma", tinymodel.Config{Kind: tinymodel.Terse, Seed: 2, ContextLength: 16384})
	pl, pg := NewProxy(t, laptop), NewProxy(t, gpu)
	fx := newFixture(t)
	cache := t.TempDir()
	conf := filepath.Join(cache, "config", "quorum")
	if err := os.MkdirAll(conf, 0o755); err != nil {
		t.Fatal(err)
	}
	user := "models:\n  - tinyqwen\n  - name: tinygemma\n    host: http://" + pg.Host + "\n"
	if err := os.WriteFile(filepath.Join(conf, "config.yaml"), []byte(user), 0o644); err != nil {
		t.Fatal(err)
	}
	r := fx.quorum(t, bin, pl.Host, cache, "review", "--format", "json", "--no-cache")
	if r.Code != 0 {
		t.Fatalf("exit %d, want 0\n%s", r.Code, r.Stderr)
	}
	rep := parseReport(t, r)
	if rep.Verdict.RestsOn != 2 {
		t.Fatalf("verdict %+v, want both reviewers", rep.Verdict)
	}
	for p, want := range map[*Proxy]string{pl: "tinyqwen", pg: "tinygemma"} {
		chats := p.Chats()
		if len(chats) == 0 {
			t.Errorf("the server of %s got no chat", want)
		}
		for _, c := range chats {
			if !sameModel(c.Model, want) {
				t.Errorf("the server of %s got a chat for %s", want, c.Model)
			}
		}
	}
	// Overlap: some chat of one server ran while one of the other did.
	overlap := false
	for _, a := range pl.Chats() {
		for _, b := range pg.Chats() {
			if a.Start.Before(b.End) && b.Start.Before(a.End) {
				overlap = true
			}
		}
	}
	if !overlap {
		t.Errorf("the two servers' requests never overlapped: %v / %v", spans(pl.Chats()), spans(pg.Chats()))
	}
	hosts := map[string]string{}
	for _, rv := range rep.Reviewers {
		hosts[rv.Name] = rv.Host
	}
	if !strings.Contains(hosts["tinygemma"], pg.Host) || !strings.Contains(hosts["tinyqwen"], pl.Host) {
		t.Errorf("retro hosts %v", hosts)
	}
}

func spans(cs []ChatRecord) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Start.Format("15:04:05.000")+"-"+c.End.Format("15:04:05.000"))
	}
	return out
}
