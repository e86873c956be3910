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
	answer := min(numPredict, numCtx/2) + truncMargin(numCtx)
	pl, err := plan.Build(plan.Prepare(plan.Input{Set: &diff.Set{}}), plan.Budget{NumCtx: numCtx, AnswerTokens: answer, BytesPerToken: bpt})
	if err != nil {
		return 0, err
	}
	return numCtx - answer - int(math.Ceil(float64(pl.Overhead)/bpt)), nil
}

// MinRoom is the least room for a diff a review can use: a file header
// and a line or two.
const MinRoom = 64

// OptimisticBytesPerToken is the most bytes a token of any tokenizer
// quorum plans with covers (maxBPT): a model judged by it that has no room
// has none whatever its tokenizer.
const OptimisticBytesPerToken = maxBPT
