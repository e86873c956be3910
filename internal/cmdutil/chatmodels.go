package cmdutil

import (
	"context"
	"errors"
	"fmt"

	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/pipeline"
)

// ErrNotChat is wrapped by CheckChatModels' error: a named reviewer model
// cannot chat.
var ErrNotChat = errors.New("cannot chat")

// NotChatHint is the hint for a reviewer model that cannot chat.
const NotChatHint = "name a chat model in --models (or models: in .quorum.yaml); 'quorum models' lists the installed models and which can chat"

// CheckChatModels refuses a configured reviewer model that its server
// describes as an embedding model (pipeline.Session.EmbeddingModel): it
// cannot answer a chat.
func CheckChatModels(ctx context.Context, session *pipeline.Session) error {
	name, family := session.EmbeddingModel(ctx)
	if name == "" {
		return nil
	}
	what := "an embedding model"
	if family != "" {
		what = fmt.Sprintf("an embedding model (family %s)", family)
	}
	return exitcode.New(exitcode.Setup, fmt.Errorf("%s is %s: it %w, so it cannot review", name, what, ErrNotChat), NotChatHint)
}
