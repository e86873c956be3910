package run

import (
	"math"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review/plan"
)

// RoomForDiff is how many tokens of a diff a model run at numCtx can read
// beside the fixed part of quorum's prompt (no guidelines, no focus: the
// least it ever is), an answer of up to numPredict tokens and the margin
// that tells a cut prompt, at bpt bytes a token. Below MinRoom a review of
// that model reads nothing ('quorum doctor' says so before a review does).
func RoomForDiff(numCtx, numPredict int, bpt float64) (int, error) {
	answer := answerRoom(min(numPredict, numCtx/2), numCtx)
	pl, err := plan.Build(plan.Prepare(plan.Input{Set: &diff.Set{}}), plan.Budget{NumCtx: numCtx, AnswerTokens: answer, BytesPerToken: bpt})
	if err != nil {
		return 0, err
	}
	return numCtx - answer - int(math.Ceil(float64(pl.Overhead)/bpt)), nil
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

// MinRoom is the least room for a diff a review can use: a file header
// and a line or two.
const MinRoom = 64

// OptimisticBytesPerToken is the most bytes a token of any tokenizer
// quorum plans with covers (maxBPT): a model judged by it that has no room
// has none whatever its tokenizer.
const OptimisticBytesPerToken = maxBPT
