package pipeline

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

func session(t *testing.T, cfg *config.Config) (*Session, error) {
	t.Helper()
	cfg.Cache = false
	return Open(context.Background(), Options{Config: cfg})
}

func TestPanelConfiguredModelsKeepFocusAndContext(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{})
	cfg := config.Default()
	cfg.OllamaHost = srv.Host
	cfg.Models = []config.Model{{Name: "a:1b", Focus: "security", NumCtx: 8192}}
	s, err := session(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Reviewers) != 1 || s.Reviewers[0] != (review.Reviewer{Name: "a:1b", Model: "a:1b", Focus: "security", NumCtx: 8192}) {
		t.Fatalf("panel = %+v", s.Reviewers)
	}
}

func TestPanelWithNoChatModelIsAMissingModelWithAPullHint(t *testing.T) {
	embedOnly := []ollamatest.Model{{Name: "nomic-embed-text:latest", Family: "nomic-bert", ContextLength: 2048, Capabilities: []string{"embedding"}}}
	srv := ollamatest.New(t, ollamatest.Config{Models: embedOnly})
	cfg := config.Default()
	cfg.OllamaHost = srv.Host
	_, err := session(t, cfg)
	if err == nil {
		t.Fatal("no error with only an embedding model installed")
	}
	if !errors.Is(err, review.ErrModelNotFound) || !Unavailable(err) {
		t.Errorf("error %v is not a missing model", err)
	}
	if err.Error() != "none of the 1 installed models can chat; quorum needs at least one chat model" ||
		exitcode.HintOf(err) != "ollama pull qwen2.5-coder:7b" || exitcode.Of(err) != exitcode.Setup {
		t.Errorf("message %q, hint %q, code %d", err, exitcode.HintOf(err), exitcode.Of(err))
	}
}

// TestPanelAcrossTwoServers: each reviewer runs on the server its config
// entry names; each server sees only its own reviewer's requests; the two
// servers' reviewers run at the same time; the raw results keep panel order
// and name each reviewer's host.
func TestPanelAcrossTwoServers(t *testing.T) {
	// Each server's first chat waits (up to a minute) until the other has
	// received one: sequential servers would stall the test, not pass it.
	var mu sync.Mutex
	arrived := map[string]chan struct{}{"laptop": make(chan struct{}), "gpu": make(chan struct{})}
	var once [2]sync.Once
	overlap := true
	reply := func(self, other string, i int) func(model, prompt string) string {
		return func(model, prompt string) string {
			once[i].Do(func() { close(arrived[self]) })
			select {
			case <-arrived[other]:
			case <-time.After(time.Minute):
				mu.Lock()
				overlap = false
				mu.Unlock()
			}
			return `{"summary":"ok","findings":[]}`
		}
	}
	laptop := ollamatest.New(t, ollamatest.Config{Reply: reply("laptop", "gpu", 0)})
	gpu := ollamatest.New(t, ollamatest.Config{Reply: reply("gpu", "laptop", 1)})
	cfg := config.Default()
	cfg.OllamaHost = laptop.Host
	cfg.Models = []config.Model{
		{Name: "qwen2.5-coder:7b"},
		{Name: "llama3.1:8b", Host: gpu.Host},
	}
	s, err := session(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	set := reporttest.Set()
	raw, err := s.Run(context.Background(), s.Plan(set, func(string) ([]byte, error) { return nil, errors.New("no context") }))
	if err != nil {
		t.Fatal(err)
	}
	if !overlap {
		t.Error("the two servers' reviewers did not run at the same time")
	}
	for srv, want := range map[*ollamatest.Server]string{laptop: "qwen2.5-coder:7b", gpu: "llama3.1:8b"} {
		chats := srv.Chats()
		if len(chats) == 0 {
			t.Errorf("server of %s got no chat", want)
		}
		for _, c := range chats {
			if c.Model != want {
				t.Errorf("server of %s got a request for %s", want, c.Model)
			}
		}
	}
	if len(raw.Results) != 2 || raw.Results[0].Reviewer.Model != "qwen2.5-coder:7b" || raw.Results[1].Reviewer.Host != gpu.Host ||
		raw.Results[0].Reviewer.Host != laptop.Host {
		t.Fatalf("results %+v", raw.Results)
	}
	for _, r := range raw.Results {
		if r.Status != review.StatusOK {
			t.Errorf("%s: %s %s", r.Reviewer.Name, r.Status, r.Error)
		}
	}
}
