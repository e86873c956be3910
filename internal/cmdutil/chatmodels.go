package cmdutil

import (
	"context"
	"errors"
	"fmt"

	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/review/panel"
)

// ErrNotChat is wrapped by CheckChatModels' error: a named reviewer model
// cannot chat.
var ErrNotChat = errors.New("cannot chat")

// NotChatHint is the hint for a reviewer model that cannot chat.
const NotChatHint = "name a chat model in --models (or models: in .quorum.yaml); 'quorum models' lists the installed models and which can chat"

// CheckChatModels refuses a configured reviewer model that the server
// describes as an embedding model (nomic-embed-text): it cannot answer a
// chat, and without this check its review fails late with a misleading
// context-length error. tune sets what the pipeline would on each server's
// spec (resolver, backoff, metadata deadline); nil leaves it.
//
// Only a model the server describes is judged: a server that cannot be
// reached, or a model it does not have, is left for the review to report
// with its own error and hint, so the check stops at the first such error.
func CheckChatModels(ctx context.Context, cfg *config.Config, getenv func(string) string, tune func(*pipeline.Spec)) error {
	backends := map[pipeline.Spec]pipeline.Backend{}
	for _, m := range cfg.Models {
		spec := pipeline.SpecFor(cfg, m, getenv)
		b, ok := backends[spec]
		if !ok {
			open := spec
			if tune != nil {
				tune(&open)
			}
			var err error
			if b, err = pipeline.OpenBackend(open); err != nil {
				return nil
			}
			backends[spec] = b
		}
		info, err := b.Show(ctx, m.Name)
		if err != nil {
			return nil
		}
		if panel.EmbeddingOnly(info) {
			what := "an embedding model"
			if info.Family != "" {
				what = fmt.Sprintf("an embedding model (family %s)", info.Family)
			}
			return exitcode.New(exitcode.Setup, fmt.Errorf("%s is %s: it %w, so it cannot review", m.Name, what, ErrNotChat), NotChatHint)
		}
	}
	return nil
}
