package doctorcmd

import (
	"fmt"

	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/panel"
)

// judgeTypicalCtx is the num_ctx a typical review's judge prompt asks for
// (tokens). The judge's request is sized to its prompt (review/run
// judgeNumCtx: the prompt's tokens planned at 0.9 of the bytes per token,
// the answer's 64 + 12 tokens a finding, a 1% margin, rounded up to 1024),
// so the threshold is measured, not guessed. TestJudgePromptSize
// (review/merge/judge_size_test.go) builds merge.JudgePrompt for the 96
// corpus reviews (review/merge/corpus/sets; 7–37 findings, median 28):
// prompts of 3.8–27.4 KB, median 14.9 KB, 90th percentile 22.7 KB (about
// 3 KB of instructions and code, then 435 bytes a finding). Counted at
// plan.DefaultBytesPerToken, 3.5 bytes a token (cl100k, counted once with
// github.com/tiktoken-go/tokenizer, reads these prompts at 3.49–4.39, median
// 3.94: 3.5 is its densest), the median prompt asks for 6144, the 90th
// percentile 8192 and the largest 10240. run.Judge measures the judge's
// tokenizer before it sizes the request; at its figure for a tokenizer the
// probe could not measure (one byte a token) the median would ask for 17408,
// more than the default max_context, which only a failed probe makes true.
// The corpus reviews hold more findings than most, so a judge below this
// still answers a small review, and misses a typical one.
const judgeTypicalCtx = 6144

// judgeCtx is the most the judge may ask for: max_context, capped by the
// model's own context length, as run.Judge caps it. A model entry's
// num_ctx does not apply: that is the reviewer's.
func (d *doctor) judgeCtx(m review.ModelInfo) int {
	n := d.cfg.MaxContext
	if m.ContextLength > 0 && (n <= 0 || m.ContextLength < n) {
		n = m.ContextLength
	}
	return n
}

// checkJudgeContext says how much context the judge gets, and warns when
// a typical review's judge prompt does not fit it: the judge then is not
// asked, and quorum's rules group the findings.
func (d *doctor) checkJudgeContext(m review.ModelInfo) {
	name := safetext.OneLine(d.cfg.JudgeModel())
	n := d.judgeCtx(m)
	own := fmt.Sprintf("model max %d", m.ContextLength)
	if m.ContextLength == 0 {
		own = "max_context; the server reports no context length"
	}
	switch {
	case n <= 0: // no max_context and no model max: nothing caps it
		d.r.add("judge", OK, fmt.Sprintf("%s: num_ctx sized to each prompt, with no cap; a typical review's judge prompt needs ~%d tokens",
			name, judgeTypicalCtx), "")
		return
	case n >= judgeTypicalCtx:
		d.r.add("judge", OK, fmt.Sprintf("%s: num_ctx up to %d (%s), sized to each prompt; a typical review's judge prompt needs ~%d tokens",
			name, n, own, judgeTypicalCtx), "")
		return
	}
	fix := "name a judge with a longer context in merge.judge (`quorum models`), or merge.judge: none"
	if d.cfg.MaxContext > 0 && (m.ContextLength == 0 || m.ContextLength > d.cfg.MaxContext) {
		fix = fmt.Sprintf("raise max_context to %d or more (max_context: in .quorum.yaml, or --max-context), or merge.judge: none", judgeTypicalCtx)
	}
	d.r.add("judge", Warn, fmt.Sprintf("%s: num_ctx up to %d (%s); a typical review's judge prompt (~28 findings) needs ~%d tokens, so quorum's rules, not the judge, will group such a review's findings",
		name, n, own, judgeTypicalCtx), fix)
}

// checkJudgeMemory says whether the judge fits in memory when it is asked,
// after the reviewers (JudgeFit).
func (d *doctor) checkJudgeMemory(m review.ModelInfo, chosen []review.ModelInfo) {
	mem, err := d.meminfo()
	if err != nil {
		return // the memory line says why
	}
	var models []review.ModelInfo
	for _, c := range chosen {
		if panel.ChatCapable(c) {
			models = append(models, c)
		}
	}
	fit := JudgeFit(m, safetext.OneLine(d.cfg.JudgeModel()), d.judgeCtx(m), models, mem, d.numCtx)
	d.r.add("judge", fit.Status, fit.Detail, fit.Fix)
}
