package run

import (
	"strings"
	"sync"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review/plan"
)

// ReadsASmallChange reports whether a review of a model run at numCtx,
// with answers of up to numPredict tokens, at bpt bytes a token as
// measured (a review plans with a safety share of it), can read the least
// change there is: one commit changing one line of one file, with git's
// context around it. It plans that change as a review would, so 'quorum
// doctor' fails a model exactly when a review of it would read nothing.
func ReadsASmallChange(numCtx, numPredict int, bpt float64) (bool, error) {
	answer := answerRoom(min(numPredict, numCtx/2), numCtx)
	pl, err := plan.Build(plan.Prepare(plan.Input{Set: smallChange()}), plan.Budget{NumCtx: numCtx, AnswerTokens: answer, BytesPerToken: bpt * safety})
	if err != nil {
		return false, err
	}
	return len(pl.Chunks) > 0, nil
}

// readsOneLine reports whether chunks of prep at budget b have room for
// the least change there is (ReadsASmallChange's) beside the prompt's fixed
// part: when they do, a file that fits no chunk has lines too long, not a
// context too small for any code. Unless the tokenizer is measured, at the
// most compact one quorum plans for (maxBPT): a plan made at one token a
// byte, or at any figure when no figure changes it, may have less room
// than the model does.
func readsOneLine(prep *plan.Prepared, b plan.Budget, measured bool) bool {
	if !measured {
		b.BytesPerToken = maxBPT
	}
	pl, err := plan.Build(prep, b)
	return err == nil && pl.Room >= smallChangeBytes()
}

// smallChangeBytes is what the least change takes of a chunk's room.
var smallChangeBytes = sync.OnceValue(func() int {
	pl, err := plan.Build(plan.Prepare(plan.Input{Set: smallChange()}), plan.Budget{NumCtx: 1 << 16, AnswerTokens: 1024, BytesPerToken: plan.DefaultBytesPerToken})
	if err != nil || len(pl.Chunks) == 0 {
		return 1 << 30 // never: ReadsASmallChange's plan always has a chunk
	}
	return pl.Chunks[0].Bytes - pl.Overhead
})

// LowerNumPredict is the --num-predict at which a review of a model run
// at numCtx reads the least change (ReadsASmallChange), when one lower
// than numPredict does; 0 when none does.
func LowerNumPredict(numCtx, numPredict int, bpt float64) int {
	floor := numCtx / minAnswerShare
	if numPredict <= floor {
		return 0
	}
	if reads, err := ReadsASmallChange(numCtx, floor, bpt); err != nil || !reads {
		return 0
	}
	return floor
}

// smallChange is one commit changing one line of a Go file, with three
// lines of context either side.
func smallChange() *diff.Set {
	h := diff.Hunk{OldStart: 10, OldLines: 7, NewStart: 10, NewLines: 7, Section: "func (s *Server) handle(w http.ResponseWriter, r *http.Request) {"}
	for i, text := range []string{"	id := r.URL.Query().Get(\"id\")", "	if id == \"\" {", "		http.Error(w, \"missing id\", http.StatusBadRequest)",
		"		return", "	}", "	item, err := s.store.Get(r.Context(), id)", "	if err != nil {"} {
		kind := diff.Context
		if i == 3 {
			kind = diff.Added
		}
		h.Lines = append(h.Lines, diff.Line{Kind: kind, Old: 10 + i, New: 10 + i, Text: text})
	}
	return &diff.Set{Mode: diff.ModeCommits, Head: diff.Ref{Commit: strings.Repeat("1", 40)},
		Commits: []diff.Commit{{SHA: strings.Repeat("1", 40), Subject: "Return after a missing id"}},
		Files:   []diff.File{{Path: "internal/server/handler.go", Status: diff.StatusModified, Added: 1, Hunks: []diff.Hunk{h}}}}
}

// minAnswerShare: at least this share of num_ctx is kept free of the
// prompt, whatever --num-predict. Over Ollama's API a prompt longer than
// num_ctx whose last message alone fits is not cut: the system prompt is
// dropped, silently, and the count (below num_ctx) shows nothing. Real
// chunks count up to about 1.3 times the probe's estimate (cut.go,
// lowRatio), 1.17 of the figure planned with (safety); a prompt planned
// to fill four fifths of num_ctx still fits at 1.25.
const minAnswerShare = 5

// answerRoom is the room a plan leaves beside the prompt for an answer of
// numPredict tokens at num_ctx numCtx: the answer and the margin that tells
// a cut prompt, and never less than a fifth of the context.
func answerRoom(numPredict, numCtx int) int {
	return max(numPredict, numCtx/minAnswerShare) + truncMargin(numCtx)
}

// OptimisticBytesPerToken is the most bytes a token of any tokenizer
// quorum plans with covers (maxBPT): a model judged by it that has no room
// has none whatever its tokenizer.
const OptimisticBytesPerToken = maxBPT

// ConservativeBytesPerToken is what a review plans a model with whose
// tokenizer it could not measure: one token a byte.
const ConservativeBytesPerToken = conservativeBPT
