package merge

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
)

// A judge is a model asked to group one review's findings into defects,
// with the code in front of it. The words, lines and kinds the merge reads
// cannot tell "one bug worded as its cause and as its symptom" from "two
// bugs of one kind a line apart"; reading the code can. The prompt and the
// answer's reading are pure functions of the findings, in canonical order,
// so a judged merge stays a function of the recorded answers.

// JudgeSchema is the JSON schema of a judge's answer.
var JudgeSchema = json.RawMessage(`{"type":"object","properties":{"groups":{"type":"array","items":{"type":"array","items":{"type":"string"}}}},"required":["groups"]}`)

// judgeIntro tells the judge what a group is. "Fixing one fixes the other"
// is the test the corpora's labels follow: a cause and its symptom are one
// defect, two bugs of one kind on one line are two.
const judgeIntro = `Several reviewers reviewed one code change independently. Below are the change and all of their findings. Some findings report the same defect in different words, or at different lines (one where the defect starts, another where it shows up).

Group the findings so that each group is exactly one defect:
- Two findings belong together only when one fix to the code would resolve both.
- Findings about different defects stay apart, even on the same line, of the same kind, or in the same function.
- A finding that matches no other finding is a group of its own.
- List every finding id exactly once.

Answer with JSON only: {"groups": [["F1", "F3"], ["F2"]]}
`

// judgeCodeBudget bounds the code a judge prompt shows (bytes): whole
// hunks while they fit, else the lines near a finding (judgeNear, then
// fewer), so a large diff with few findings still makes a small prompt.
const judgeCodeBudget = 24 << 10

var judgeNear = []int{12, 4}

// judgeTextLimit bounds each text field in the prompt: a long explanation
// adds tokens, not evidence.
const judgeTextLimit = 400

// JudgeOrder is the canonical order of findings in a judge prompt: by file,
// line, reviewer and texts, so no permutation of the input changes the
// prompt (and so its cache key) or which id names which finding.
func JudgeOrder(findings []anchor.Finding) []anchor.Finding {
	out := make([]anchor.Finding, 0, len(findings))
	for _, i := range judgeOrder(findings) {
		out = append(out, findings[i])
	}
	return out
}

// judgeOrder is the input indices of findings in JudgeOrder.
func judgeOrder(findings []anchor.Finding) []int {
	order := make([]int, len(findings))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := &findings[i], &findings[j]
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.EndLine, b.EndLine),
			cmp.Compare(a.Reviewer, b.Reviewer),
			cmp.Compare(a.Raw.Title, b.Raw.Title),
			cmp.Compare(a.Raw.Explanation, b.Raw.Explanation),
			cmp.Compare(a.Raw.Quote, b.Raw.Quote),
			cmp.Compare(a.Raw.Fix, b.Raw.Fix),
			cmp.Compare(a.Chunk, b.Chunk),
			compareFinding(a, b),
		)
	})
	return order
}

// JudgePrompt is the prompt asking a judge to group findings, which must be
// in JudgeOrder: finding i is "F<i+1>". files are the diff files the
// findings are in; only their hunks are shown. Reviewers are shown as
// letters (in order of name), so the judge weighs what was said, not who
// said it.
func JudgePrompt(files []diff.File, findings []anchor.Finding) string {
	var b strings.Builder
	b.WriteString(judgeIntro)
	b.WriteString("\nThe change:\n")
	b.WriteString(judgeCode(files, findings))
	names := make([]string, 0, len(findings))
	for _, f := range findings {
		names = append(names, f.Reviewer)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	b.WriteString("\nThe findings:\n")
	for i, f := range findings {
		letter := reviewerLetter(slices.Index(names, f.Reviewer))
		where := f.File
		if f.Line > 0 {
			where += ":" + strconv.Itoa(f.Line)
			if f.EndLine > f.Line {
				where += "-" + strconv.Itoa(f.EndLine)
			}
		}
		fmt.Fprintf(&b, "\n[F%d] reviewer %s, %s", i+1, letter, where)
		if f.Raw.Kind != "" {
			fmt.Fprintf(&b, ", kind %s", f.Raw.Kind)
		}
		if f.Raw.Severity != "" {
			fmt.Fprintf(&b, ", %s", f.Raw.Severity)
		}
		b.WriteString("\n")
		judgeField(&b, "Title", f.Raw.Title)
		judgeField(&b, "Explanation", f.Raw.Explanation)
		judgeField(&b, "Quoted code", f.Raw.Quote)
		judgeField(&b, "Suggested fix", f.Raw.Fix)
	}
	// As the saved diff.json and the JSON request carry it: a line's
	// invalid bytes as U+FFFD, so a replay rebuilds the same prompt.
	return strings.ToValidUTF8(b.String(), "\uFFFD")
}

// judgeCode lists the hunks of the files the findings are in, new-side
// line numbers first: whole while they fit judgeCodeBudget, else only the
// lines near a finding.
func judgeCode(files []diff.File, findings []anchor.Finding) string {
	code := codeListing(files, findings, -1)
	for _, near := range judgeNear {
		if len(code) <= judgeCodeBudget {
			break
		}
		code = codeListing(files, findings, near)
	}
	return code
}

// codeListing lists hunk lines: all of them when near < 0, else those
// within near lines of a finding's lines (a deleted line counts as the
// new-side line before it).
func codeListing(files []diff.File, findings []anchor.Finding, near int) string {
	spans := map[string][][2]int{}
	for _, f := range findings {
		if _, ok := spans[f.File]; !ok {
			spans[f.File] = nil // the file is listed, even for a file-level finding
		}
		if f.Line <= 0 {
			continue // a file-level finding shows no lines of its own
		}
		end := max(f.Line, f.EndLine)
		spans[f.File] = append(spans[f.File], [2]int{f.Line - near, end + near})
	}
	shown := func(path string, line int) bool {
		if near < 0 {
			return true
		}
		for _, sp := range spans[path] {
			if sp[0] <= line && line <= sp[1] {
				return true
			}
		}
		return false
	}
	var b strings.Builder
	for _, f := range files {
		if _, ok := spans[f.Path]; !ok {
			continue
		}
		fmt.Fprintf(&b, "\n=== %s\n", f.Path)
		gap := false
		wrote := false
		for _, h := range f.Hunks {
			gap = gap || wrote // a new hunk is always after a gap
			at := max(h.NewStart-1, 0)
			for _, l := range h.Lines {
				if l.New > 0 {
					at = l.New
				}
				if !shown(f.Path, at) {
					gap = true
					continue
				}
				if gap && wrote {
					b.WriteString("     ...\n")
				}
				gap, wrote = false, true
				switch l.Kind {
				case diff.Added:
					fmt.Fprintf(&b, "%5d +%s\n", l.New, l.Text)
				case diff.Deleted:
					fmt.Fprintf(&b, "%5s -%s\n", "", l.Text)
				default:
					fmt.Fprintf(&b, "%5d  %s\n", l.New, l.Text)
				}
			}
		}
	}
	return b.String()
}

func judgeField(b *strings.Builder, name, text string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return
	}
	if len(text) > judgeTextLimit {
		cut := judgeTextLimit
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut] + "…"
	}
	fmt.Fprintf(b, "%s: %s\n", name, strings.ReplaceAll(text, "\n", "\n    "))
}

// reviewerLetter names the i-th reviewer A, B, … Z, then R27, R28, ….
func reviewerLetter(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return "R" + strconv.Itoa(i+1)
}

// JudgeGroups reads a judge's answer about n findings: the group of each
// finding (an index into the answer's groups, renumbered from 0 in order of
// first member). A finding the answer leaves out is a group of its own; an
// id given twice keeps its first group; an id that names no finding is
// ignored. Problems counts those repairs, so a caller can refuse an answer
// that needed too many.
func JudgeGroups(answer []byte, n int) (groups []int, problems int, err error) {
	var a struct {
		Groups [][]string `json:"groups"`
	}
	if !json.Valid(answer) {
		// A server that does not enforce the schema lets a model wrap
		// its answer in a fence or a sentence: the object inside counts.
		if i, j := bytes.IndexByte(answer, '{'), bytes.LastIndexByte(answer, '}'); i >= 0 && j > i {
			answer = answer[i : j+1]
		}
	}
	if err := json.Unmarshal(answer, &a); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, 0, errors.New(`the judge's answer is not shaped as asked ({"groups": [["F1", "F3"], ["F2"]]})`)
		}
		return nil, 0, errors.New("the judge's answer is not JSON")
	}
	if a.Groups == nil {
		return nil, 0, errors.New("the judge's answer has no groups")
	}
	group := make([]int, n)
	for i := range group {
		group[i] = -1
	}
	for gi, g := range a.Groups {
		for _, id := range g {
			i, ok := judgeID(id, n)
			switch {
			case !ok:
				problems++
			case group[i] >= 0:
				problems++
			default:
				group[i] = gi
			}
		}
	}
	next := len(a.Groups)
	for i := range group {
		if group[i] < 0 {
			problems++
			group[i] = next
			next++
		}
	}
	// Renumber by first member so equal partitions read equal.
	renum := map[int]int{}
	for i, g := range group {
		if _, ok := renum[g]; !ok {
			renum[g] = len(renum)
		}
		group[i] = renum[g]
	}
	return group, problems, nil
}

// judgeID reads "F7" (or "f7", "7") as finding index 6.
func judgeID(id string, n int) (int, bool) {
	id = strings.TrimSpace(id)
	id = strings.TrimPrefix(strings.TrimPrefix(id, "F"), "f")
	v, err := strconv.Atoi(id)
	if err != nil || v < 1 || v > n {
		return 0, false
	}
	return v - 1, true
}

// Grouping is how a review's findings were grouped (Group).
type Grouping struct {
	Clusters []Cluster
	// Rules are the rules' clusters (Clusters) when a judge made
	// Clusters, nil otherwise: what the report holds a judge's grouping to.
	Rules []Cluster
	// Judged says the judge's answer made Clusters; Note says why a judge
	// that was asked was not used ("" when it was, or none was asked).
	Judged bool
	Note   string
}

// Group clusters a review's findings: as the judge's answer says when
// judge holds a usable answer about exactly these findings, else by
// Clusters (words, lines and kinds). Like Clusters it is a pure function
// of its input: a replay of the saved answer groups as the review did.
func Group(files []diff.File, findings []anchor.Finding, judge *review.JudgeRun) Grouping {
	rules := Clusters(findings)
	switch {
	case judge == nil || judge.Skipped != "":
		return Grouping{Clusters: rules}
	case judge.Error != "":
		return Grouping{Clusters: rules, Note: judge.Error}
	case JudgePromptSHA256(JudgePrompt(files, JudgeOrder(findings))) != judge.PromptSHA256:
		return Grouping{Clusters: rules, Note: "the judge's answer is about other findings than these"}
	}
	out, err := judged(findings, []byte(judge.Answer), rules)
	if err != nil {
		return Grouping{Clusters: rules, Note: err.Error()}
	}
	return Grouping{Clusters: out, Rules: rules, Judged: true}
}

// JudgePromptSHA256 is the hex SHA-256 of a judge prompt, which names the
// findings an answer is about.
func JudgePromptSHA256(prompt string) string {
	sum := sha256.Sum256([]byte(prompt))
	return hex.EncodeToString(sum[:])
}

// Judged clusters findings as a judge answered about them (ids as in
// JudgePrompt over JudgeOrder(findings)), one cluster per group. An
// answer that does not list
// every finding exactly once is refused: a judge that lost count of the
// findings is not trusted with which belong together.
func Judged(findings []anchor.Finding, answer []byte) ([]Cluster, error) {
	return judged(findings, answer, Clusters(findings))
}

// CheckJudgeAnswer says why a judge's answer about n findings cannot be
// used (nil: Judged would use it): not JSON of the asked shape, or not
// listing every finding exactly once.
func CheckJudgeAnswer(answer []byte, n int) error {
	_, err := strictGroups(answer, n)
	return err
}

// strictGroups is JudgeGroups refusing any answer that needed a repair.
func strictGroups(answer []byte, n int) ([]int, error) {
	groups, problems, err := JudgeGroups(answer, n)
	if err != nil {
		return nil, err
	}
	if problems > 0 {
		return nil, fmt.Errorf("the judge's answer did not list each of the %d findings exactly once", n)
	}
	return groups, nil
}

// judged is Judged with the rules' clusters of findings at hand.
func judged(findings []anchor.Finding, answer []byte, rules []Cluster) ([]Cluster, error) {
	groups, err := strictGroups(answer, len(findings))
	if err != nil {
		return nil, err
	}
	inJudge := make([]int, len(findings)) // input index -> group
	order := judgeOrder(findings)
	for pos, i := range order {
		inJudge[i] = groups[pos]
	}
	if err := oneDefectEach(findings, order, groups, rules); err != nil {
		return nil, err
	}
	// Unlike the rules, a judge may group findings in two files (a cause
	// in one, its symptom in another): the report names each member's file.
	nodes := newNodes(findings)
	members := map[int][]int{}
	var firsts []int
	for n, i := range canonicalOrder(findings) {
		g := inJudge[i]
		if _, ok := members[g]; !ok {
			firsts = append(firsts, g)
		}
		members[g] = append(members[g], n)
	}
	out := make([]Cluster, 0, len(firsts))
	for _, g := range firsts {
		out = append(out, build(nodes, members[g]))
	}
	nameAfterRules(out, rules)
	sortClusters(out)
	return out, nil
}

// oneDefectEach refuses a grouping that puts two findings of one reviewer
// in one group when the rules did not see them as that reviewer's repeat:
// a reviewer reports a defect once, so such a group joins two defects. A
// judge that lumps findings together (every finding in one group) is
// refused by it, and the rules group instead. On the 96 corpus reviews the
// recorded answers never do it.
func oneDefectEach(findings []anchor.Finding, order, groups []int, rules []Cluster) error {
	rulesOf := map[string]int{}
	for ci, c := range rules {
		for _, m := range c.Members {
			rulesOf[MemberID(m)] = ci
		}
	}
	type seat struct {
		group    int
		reviewer string
	}
	first := map[seat]int{} // the first position of a reviewer's finding in a group
	for pos, i := range order {
		f := findings[i]
		k := seat{groups[pos], f.Reviewer}
		prev, ok := first[k]
		if !ok {
			first[k] = pos
			continue
		}
		if rulesOf[MemberID(findings[order[prev]])] != rulesOf[MemberID(f)] {
			return fmt.Errorf("the judge's answer groups F%d and F%d, two findings of one reviewer, as one defect", prev+1, pos+1)
		}
	}
	return nil
}

// nameAfterRules names each judged cluster after the rules' cluster it
// wholly holds that ranks highest (outranks): its Rep, Category and Core.
// A judged cluster that holds no rules cluster whole keeps its own Rep
// (build's: the best-placed, most central member).
func nameAfterRules(judged, rules []Cluster) {
	type ref struct{ cluster, size int }
	of := map[string]ref{} // a finding's rules cluster
	for ri, r := range rules {
		for _, m := range r.Members {
			of[MemberID(m)] = ref{ri, len(r.Members)}
		}
	}
	for ji := range judged {
		j := &judged[ji]
		inside := map[int]int{} // rules cluster -> its members in j
		for _, m := range j.Members {
			if r, ok := of[MemberID(m)]; ok {
				inside[r.cluster]++
			}
		}
		best := -1
		for ri, n := range inside {
			if n != len(rules[ri].Members) {
				continue // split by the judge: not this cluster's name
			}
			if best < 0 || outranks(rules[ri], rules[best], ri, best) {
				best = ri
			}
		}
		if best >= 0 {
			j.Rep, j.Category, j.Core, j.coreKinds = rules[best].Rep, rules[best].Category, rules[best].Members, rules[best].kinds
		}
	}
}

// outranks orders rules clusters for naming: the surer place of its Rep
// (placement: a judged cluster is shown where a reviewer quoted it, as a
// rules cluster is), then the most severe member, then more reviewers,
// then the earlier in the rules' order.
func outranks(a, b Cluster, ai, bi int) bool {
	return cmp.Or(
		cmp.Compare(placement(&b.Rep), placement(&a.Rep)),
		cmp.Compare(topSeverity(b), topSeverity(a)),
		cmp.Compare(len(b.Reviewers), len(a.Reviewers)),
		cmp.Compare(ai, bi),
	) < 0
}

func topSeverity(c Cluster) int {
	top := 0
	for _, m := range c.Members {
		top = max(top, review.SeverityRank(m.Raw.Severity))
	}
	return top
}

// MemberID names one anchored finding within a review: its reviewer,
// chunk and place in that reviewer's answers.
func MemberID(f anchor.Finding) string {
	return f.Reviewer + "\x00" + f.Chunk + "\x00" + strconv.Itoa(f.Seq)
}
