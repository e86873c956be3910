package pipeline

import (
	"context"
	"errors"
	"testing"

	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/review"
)

func client(t *testing.T, models []ollamatest.Model) *ollama.Client {
	t.Helper()
	srv := ollamatest.New(t, ollamatest.Config{Models: models})
	c, err := ollama.New(ollama.Config{Host: srv.Host})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPanelConfiguredModelsKeepFocusAndContext(t *testing.T) {
	got, err := Panel(context.Background(), client(t, nil), []config.Model{{Name: "a:1b", Focus: "security", NumCtx: 8192}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != (review.Reviewer{Name: "a:1b", Model: "a:1b", Focus: "security", NumCtx: 8192}) {
		t.Fatalf("panel = %+v", got)
	}
}

func TestPanelWithNoChatModelIsAMissingModelWithAPullHint(t *testing.T) {
	embedOnly := []ollamatest.Model{{Name: "nomic-embed-text:latest", Family: "nomic-bert", ContextLength: 2048, Capabilities: []string{"embedding"}}}
	_, err := Panel(context.Background(), client(t, embedOnly), nil)
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
