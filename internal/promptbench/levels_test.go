//go:build promptbench

package promptbench

import (
	"fmt"
	"testing"

	"github.com/tiktoken-go/tokenizer"

	"github.com/quorum-review/quorum/review/plan"
)

// TestMeasureLevels is what each --context level sends, as prompt tokens
// per model over the raw diff's tokens.
func TestMeasureLevels(t *testing.T) {
	enc, err := tokenizer.Get(tokenizer.Cl100kBase)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("| branch | none | signature | function |")
	fmt.Println("|---|---|---|---|")
	for _, c := range Cases {
		dir := Branch(t, c)
		set, readNew := load(t, dir)
		row := "| " + c.Name
		for _, level := range plan.Contexts() {
			p := plan.Prepare(plan.Input{Set: set, ReadNew: readNew, Guidelines: guidelines, Context: level})
			pl, err := plan.Build(p, plan.Budget{NumCtx: 16384, AnswerTokens: 4096 + 163})
			if err != nil {
				t.Fatal(err)
			}
			m := measurePlan(t, enc, dir, set, pl)
			row += fmt.Sprintf(" | %.2f× (%d chunks)", float64(m.promptTokens)/float64(m.rawTokens), m.chunks)
		}
		fmt.Println(row + " |")
	}
}
