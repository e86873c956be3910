package eval

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review/panel"
)

// WriteMerge renders a merge measure as text (aligned tables), markdown or
// json (MergeSchema).
func WriteMerge(w io.Writer, format string, r *MergeResult) error {
	if format == "json" {
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(safetext.EscapeJSON(b), '\n'))
		return err
	}
	md := format == "markdown"
	var b bytes.Buffer
	heading(&b, md, 1, "quorum eval merge")
	what := "the built-in corpora"
	if r.Corpus != "built-in" {
		what = cell(r.Corpus, md)
	}
	fmt.Fprintf(&b, "%d labelled reviews, %d findings, from %s. A pair of findings is scored right when it is grouped exactly when its labels say one issue; quorum's goal is precision %.2f (no two issues merged) and recall %.2f or more.\n\n",
		r.Reviews, r.Findings, what, GoalPrecision, GoalRecall)
	fmt.Fprintf(&b, "Verdict: %s.\n\n", cell(r.Verdict.Text, false))

	head := []string{"pool", "reviews", "findings", "rules: precision", "recall"}
	if r.Judge != "" {
		head = append(head, "with "+cell(r.Judge, md)+": precision", "recall", "judge used")
	}
	t := table{head: head}
	for _, p := range r.Pools {
		row := []string{cell(p.Name, md), fmt.Sprint(p.Reviews), fmt.Sprint(p.Findings), score(p.Rules.Precision, p.Rules.MeetsGoal()), fmt.Sprintf("%.3f", p.Rules.Recall)}
		if p.WithJudge != nil {
			row = append(row, score(p.WithJudge.Precision, p.WithJudge.MeetsGoal()), fmt.Sprintf("%.3f", p.WithJudge.Recall), fmt.Sprintf("%d/%d", p.Judged, p.Reviews))
		}
		t.rows = append(t.rows, row)
	}
	t.write(&b, md)
	var legend []string
	if marked(r) {
		legend = append(legend, "A * marks a grouping that meets the goal on both counts.")
	}
	if r.Basis == PoolUnseen {
		legend = append(legend, fmt.Sprintf("%q: the reviews no rule of quorum's was tuned on.", PoolUnseen))
	}
	if len(legend) > 0 {
		fmt.Fprint(&b, strings.Join(legend, " ")+"\n\n")
	}

	if c := r.Cost; c != nil {
		heading(&b, md, 2, "The judge")
		digest := ""
		if r.JudgeDigest != "" {
			digest = " (ID " + panel.ShortID(r.JudgeDigest) + ")"
		}
		fmt.Fprintf(&b, "%s%s was asked about %d reviews (%d answers from the cache): %s in all, median %s per review; %d tokens in, %d out.\n\n",
			cell(r.Judge, md), digest, c.Asked, c.Cached, wallString(c.WallMS), wallString(c.MedianMS), c.TokensIn, c.TokensOut)
		if len(r.NotUsed) > 0 {
			fmt.Fprintln(&b, "Where its answer was not used, the rules grouped (as a review does):")
			for _, n := range r.NotUsed {
				fmt.Fprintf(&b, "- %d: %s\n", n.Reviews, cell(n.Reason, md))
			}
			fmt.Fprintln(&b)
		}
	}
	var errs []string
	for _, mr := range r.Results {
		errs = append(errs, mr.Errors...)
	}
	if len(errs) > 0 {
		heading(&b, md, 2, "Wrong pairs")
		for _, e := range errs {
			fmt.Fprintf(&b, "- %s\n", cell(e, md))
		}
		fmt.Fprintln(&b)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// score is a precision with a star when its grouping meets the goal.
func score(v float64, goal bool) string {
	s := fmt.Sprintf("%.3f", v)
	if goal {
		s += " *"
	}
	return s
}

// marked reports whether some row of r meets the goal (score marks it *).
func marked(r *MergeResult) bool {
	for _, p := range r.Pools {
		if p.Rules.MeetsGoal() || p.WithJudge != nil && p.WithJudge.MeetsGoal() {
			return true
		}
	}
	return false
}
