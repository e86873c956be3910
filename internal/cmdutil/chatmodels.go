package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/panel"
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

// SameWeightsHint is the hint for two reviewer names of one model.
const SameWeightsHint = "list the model once in --models (or models: in .quorum.yaml); 'ollama list' shows each name's ID"

// CheckDistinctModels refuses a panel that names one set of weights twice
// on one server (pipeline.Session.SameWeights): its answers would agree
// with themselves and meet any --min-agreement alone.
func CheckDistinctModels(ctx context.Context, session *pipeline.Session) error {
	a, b, digest := session.SameWeights(ctx)
	if a == "" {
		return nil
	}
	return exitcode.New(exitcode.Setup,
		fmt.Errorf("%s and %s are one model (ID %s): as two reviewers they would agree with themselves", a, b, panel.ShortID(digest)), SameWeightsHint)
}

// MissingTypos is "did you mean X instead of Y? ..." for the reviewers of
// raw whose model the server does not have and whose name is a typo's
// distance from an installed model's (pipeline.Session.NearModels); ""
// when none is.
func MissingTypos(ctx context.Context, session *pipeline.Session, raw *review.Raw) string {
	if raw == nil {
		return ""
	}
	var missing []string
	for _, r := range raw.Results {
		if r.Status == review.StatusMissing {
			missing = append(missing, r.Reviewer.Model)
		}
	}
	return ModelTypos(ctx, session, missing...)
}

// ModelTypos is MissingTypos for reviewer models named outright, such as
// the one pipeline.Session.MissingModel found.
func ModelTypos(ctx context.Context, session *pipeline.Session, models ...string) string {
	var means []string
	for _, m := range models {
		if near := session.NearModels(ctx, m); len(near) > 0 {
			means = append(means, fmt.Sprintf("%s instead of %s", strings.Join(near, " or "), safetext.OneLine(m)))
		}
	}
	if len(means) == 0 {
		return ""
	}
	return "did you mean " + strings.Join(means, ", ") + "? ('quorum models' lists the installed models)"
}

// WithTypos puts typos (MissingTypos) in hint: before the pull it asks for,
// whose typo of an installed model fails or fetches a model nobody meant;
// after any other remedy, for the model missing beside that cause.
func WithTypos(hint, typos string) string {
	switch {
	case typos == "":
		return hint
	case strings.HasPrefix(hint, "ollama pull "):
		return typos + "; else " + hint
	}
	return hint + "; also, " + typos
}
