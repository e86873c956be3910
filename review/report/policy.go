package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
)

// Severity policies: how the votes of a finding's reviewers become its severity.
const (
	// PolicyUpperMedian takes the median vote, the higher of the two middle
	// votes when their number is even: one alarmist reviewer cannot raise a
	// finding alone, but a split panel leans to caution.
	PolicyUpperMedian = "upper-median"
	// PolicyMax takes the most severe vote.
	PolicyMax = "max"
	// PolicyMajority takes the most common vote; a tie goes to the more severe.
	PolicyMajority = "majority"
)

// FailOnNone is the FailOn that turns the gate off.
const FailOnNone = "none"

// Policy is how votes become severities and when the gate trips.
type Policy struct {
	Severity     string `json:"severity_policy"`
	FailOn       string `json:"fail_on"`
	MinAgreement int    `json:"min_agreement"`
}

// Defaults applied by Normalize.
const (
	DefaultSeverityPolicy = PolicyUpperMedian
	DefaultFailOn         = review.Important
)

// Normalize fills defaults and checks the values; its errors are usage errors.
func (p Policy) Normalize() (Policy, error) {
	p.Severity = strings.ToLower(strings.TrimSpace(p.Severity))
	p.FailOn = strings.ToLower(strings.TrimSpace(p.FailOn))
	if p.Severity == "" {
		p.Severity = DefaultSeverityPolicy
	}
	if p.FailOn == "" {
		p.FailOn = DefaultFailOn
	}
	switch p.Severity {
	case PolicyUpperMedian, PolicyMax, PolicyMajority:
	default:
		return p, fmt.Errorf("unknown severity policy %q (want upper-median, max or majority)", p.Severity)
	}
	if p.FailOn != FailOnNone && review.SeverityRank(p.FailOn) == 0 {
		return p, fmt.Errorf("unknown --fail-on level %q (want critical, important, suggestion or none)", p.FailOn)
	}
	if p.MinAgreement < 0 {
		return p, fmt.Errorf("--min-agreement must be at least 1, got %d", p.MinAgreement)
	}
	if p.MinAgreement == 0 {
		p.MinAgreement = 1
	}
	return p, nil
}

// Decide applies the severity policy to one finding's votes.
func (p Policy) Decide(votes []string) string {
	ranks := make([]int, 0, len(votes))
	for _, v := range votes {
		if r := review.SeverityRank(v); r > 0 {
			ranks = append(ranks, r)
		}
	}
	if len(ranks) == 0 {
		return review.Suggestion
	}
	slices.Sort(ranks)
	var r int
	switch p.Severity {
	case PolicyMax:
		r = ranks[len(ranks)-1]
	case PolicyMajority:
		count := map[int]int{}
		for _, x := range ranks {
			count[x]++
			if count[x] > count[r] || (count[x] == count[r] && x > r) {
				r = x
			}
		}
	default:
		r = ranks[len(ranks)/2]
	}
	return rankName(r)
}

func rankName(r int) string {
	switch r {
	case 3:
		return review.Critical
	case 2:
		return review.Important
	}
	return review.Suggestion
}

// Blocks reports whether a finding counts toward the gate.
func (p Policy) Blocks(f Finding) bool {
	if p.FailOn == FailOnNone {
		return false
	}
	return review.SeverityRank(f.Severity) >= review.SeverityRank(p.FailOn) && f.Support >= float64(max(p.MinAgreement, 1))
}

// blocksOnCount reports whether f would block if every finder counted 1,
// whatever its evidence: the findings the evidence rule alone held back.
func (p Policy) blocksOnCount(f Finding) bool {
	return p.FailOn != FailOnNone && review.SeverityRank(f.Severity) >= review.SeverityRank(p.FailOn) &&
		len(f.Reviewers) >= max(p.MinAgreement, 1)
}

// GateTripped reports whether the review should fail (exit 1).
func (r *Report) GateTripped() bool { return r.Verdict.GateTripped }

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// verdict computes the verdict once findings and reviewers are final.
func (r *Report) verdict(empty bool) Verdict {
	v := Verdict{Panel: len(r.Reviewers)}
	for _, f := range r.Findings {
		v.Counts.add(f.Severity)
		if r.Policy.Blocks(f) {
			v.Blocking++
		} else if r.Policy.blocksOnCount(f) {
			v.WeakEvidence++
		}
	}
	var failed, partial []string
	nothingAsked := 0
	for _, rv := range r.Reviewers {
		switch {
		case !empty && rv.hadNothingToAsk():
			// Not a failure: every file was too long to show, and the
			// verdict names them. It read nothing, so min_agreement does
			// not count it (read, below).
			v.RestsOn++
			nothingAsked++
		case !rv.Answered() && r.Interrupted && rv.stopped:
			// The stop reached it first: not a failure of the model.
			failed = append(failed, rv.Name+" stopped before answering")
		case !rv.Answered():
			failed = append(failed, fmt.Sprintf("%s %s", rv.Name, rv.Status))
		case rv.FailedChunks > 0:
			v.RestsOn++
			what := fmt.Sprintf("%s: %d of %d chunks failed", rv.Name, rv.FailedChunks, rv.Chunks+rv.UnaskedChunks)
			if rv.TruncatedChunks > 0 {
				what += fmt.Sprintf(", %d truncated by the server", rv.TruncatedChunks)
			}
			if rv.UnaskedChunks > 0 {
				what += fmt.Sprintf(", %d not asked", rv.UnaskedChunks)
			}
			partial = append(partial, what)
		default:
			v.RestsOn++
		}
	}
	gate := "at or above " + r.Policy.FailOn
	if r.Policy.MinAgreement > 1 {
		gate += fmt.Sprintf(" found by at least %d reviewers", r.Policy.MinAgreement)
	}
	tooLarge := r.TooLarge()
	if !empty && !r.Interrupted && v.RestsOn > 0 {
		v.Unread = append(r.unread(), tooLarge...)
	}
	switch {
	case empty && len(tooLarge) > 0:
		// Every changed file was over the size limit: no model read any
		// of it, which is no pass (and no "nothing to review").
		v.Status, v.GateTripped = VerdictIncomplete, r.Policy.FailOn != FailOnNone
		v.Unread = tooLarge
		v.Text = "not reviewed: " + r.unreadText(tooLarge, tooLarge)
	case empty && len(r.skippedByRule()) > 0:
		// Files changed, and the rules (ignore:, generated, vendored,
		// lockfiles, binaries) left every one out: no finding, but no
		// "nothing to review" either.
		v.Status, v.Text = VerdictEmpty, "nothing reviewed: every changed file was skipped: "+FirstFew(r.skippedByRule())
	case empty:
		v.Status, v.Text = VerdictEmpty, "nothing to review: the diff has no reviewable changes"
	case v.RestsOn == 0:
		v.Status = VerdictIncomplete
		v.Text = "not reviewed: no reviewer answered"
		if len(failed) > 0 {
			v.Text += " (" + strings.Join(failed, ", ") + ")"
		}
		return v
	case r.Interrupted:
		// Interrupted or timed out: whatever was found, the rest was never
		// read, so this is never a pass. A blocking finding still trips the
		// gate (a push is not let through on half a review).
		v.Status, v.GateTripped = VerdictIncomplete, v.Blocking > 0
		v.Text = "incomplete: the review stopped before the end (interrupted or timed out); " + r.coverageReached()
		if n := v.Counts.Total(); n > 0 {
			v.Text += fmt.Sprintf("; %s so far", plural(n, "finding", "findings"))
			if v.Blocking > 0 {
				v.Text += fmt.Sprintf(", %d %s", v.Blocking, gate)
			}
		}
	case len(v.Unread) > 0:
		// Changed code no reviewer read is never a pass: a pass would vouch
		// for it. The gate trips (unless it is off), so neither an exit
		// code nor a pre-push hook lets it through as clean.
		v.Status, v.GateTripped = VerdictIncomplete, r.Policy.FailOn != FailOnNone
		v.Text = "incomplete: " + r.unreadText(v.Unread, tooLarge)
		switch {
		case v.Blocking > 0:
			v.Text += fmt.Sprintf("; %s %s in the rest", plural(v.Blocking, "finding", "findings"), gate)
		case r.Policy.FailOn == FailOnNone:
			v.Text += fmt.Sprintf("; the gate is off (%s in the rest)", plural(v.Counts.Total(), "finding", "findings"))
		default:
			v.Text += fmt.Sprintf("; no findings %s in the rest", gate)
		}
		if few := r.ReadByFewer(r.Policy.MinAgreement); len(few) > 0 && r.Policy.FailOn != FailOnNone {
			v.Text += fmt.Sprintf("; %s read in full by fewer reviewers than min agreement %d", FirstFew(ShownPaths(few)), r.Policy.MinAgreement)
		}
	case v.Blocking > 0:
		v.Status, v.GateTripped = VerdictFail, true
		v.Text = fmt.Sprintf("changes requested: %s %s", plural(v.Blocking, "finding", "findings"), gate)
		if v.WeakEvidence > 0 {
			v.Text += fmt.Sprintf("; %d more at the gate held back: no quoted code of the change, too few reviewers", v.WeakEvidence)
		}
	case r.Policy.FailOn == FailOnNone:
		v.Status = VerdictPass
		v.Text = fmt.Sprintf("passed: the gate is off (%s)", plural(v.Counts.Total(), "finding", "findings"))
	default:
		v.Status = VerdictPass
		v.Text = fmt.Sprintf("passed: no findings %s", gate)
		if below := v.Counts.Total() - v.WeakEvidence; below > 0 {
			v.Text += fmt.Sprintf(" (%s below the gate)", plural(below, "finding", "findings"))
		}
		if v.WeakEvidence > 0 {
			v.Text += fmt.Sprintf("; %s at the gate held back: no quoted code of the change, too few reviewers", plural(v.WeakEvidence, "finding", "findings"))
		}
	}
	// The reviewers that read some of the change: a finding's agreement
	// can come from no other.
	read := v.RestsOn - nothingAsked
	if r.Policy.MinAgreement > read && !empty && (read > 0 || r.Policy.MinAgreement > 1) {
		unmet := fmt.Sprintf("min agreement %d cannot be met by %s", r.Policy.MinAgreement, plural(read, "reviewer", "reviewers"))
		if v.Status == VerdictPass && r.Policy.FailOn != FailOnNone {
			// Too few reviewers answered for any finding to trip the gate:
			// the gate was not applied, so this is not a pass.
			v.Status = VerdictIncomplete
			at := 0
			for _, f := range r.Findings {
				if review.SeverityRank(f.Severity) >= review.SeverityRank(r.Policy.FailOn) {
					at++
				}
			}
			// What the gate would have judged, by severity alone: "below the
			// gate" would call a critical finding below it.
			judged := "no finding at or above " + r.Policy.FailOn
			if at > 0 {
				judged = plural(at, "finding", "findings") + " at or above " + r.Policy.FailOn + " left unjudged"
			}
			v.Text = "incomplete: " + unmet + ", so the gate was not applied (" + judged + ")"
		} else {
			v.Text += "; " + unmet
		}
	}
	if few := r.ReadByFewer(r.Policy.MinAgreement); len(few) > 0 && v.Status == VerdictPass && r.Policy.FailOn != FailOnNone {
		// Read, but by fewer reviewers than a finding needs to trip the
		// gate (the others failed on it or could not fit it): the gate
		// could not hold there, so this is no pass.
		v.Status = VerdictIncomplete
		v.Text = fmt.Sprintf("incomplete: %s read in full by fewer reviewers than min agreement %d, so the gate could not apply there (%s)",
			FirstFew(ShownPaths(few)), r.Policy.MinAgreement, strings.TrimPrefix(v.Text, "passed: "))
	}
	if len(failed) > 0 && v.Status != VerdictEmpty {
		v.Text += fmt.Sprintf("; rests on %d of %d reviewers (%s)", v.RestsOn, v.Panel, strings.Join(failed, ", "))
	}
	if len(partial) > 0 && v.Status != VerdictEmpty {
		v.Text += fmt.Sprintf("; partly reviewed (%s)", strings.Join(partial, ", "))
	}
	return v
}

// unreadText says which changed files no reviewer read in full, why, and
// what to do: a file that did not fit any reviewer's context even one line
// at a time (truncated) is left out by an ignore glob when it is generated
// or minified, else needs a larger context; any other (a failed chunk, a
// reviewer that stopped) needs the review run again.
func (r *Report) unreadText(unread, tooLarge []string) string {
	var big, other, huge []string
	for _, p := range unread {
		switch {
		case slices.Contains(tooLarge, p):
			huge = append(huge, p)
		case r.TruncatedFor(p):
			big = append(big, p)
		default:
			other = append(other, p)
		}
	}
	var parts []string
	if n := len(huge); n > 0 {
		it, is := "it", "it is"
		if n > 1 {
			it, is = "them", "they are"
		}
		parts = append(parts, fmt.Sprintf("%s over the size limit, so no reviewer read %s (%s; too-large in the skipped files); if %s generated, leave %s out with an ignore glob (ignore: in .quorum.yaml), else split %s",
			plural(n, "changed file is", "changed files are"), it, FirstFew(ShownPaths(huge)), is, it, it))
	}
	if n := len(big); n > 0 {
		it, is := "it", "it is"
		what := FirstFew(ShownPaths(big))
		if n > 1 {
			it, is = "them", "they are"
			what = fmt.Sprintf("%d files (%s)", n, what)
		}
		if at, model := r.ProbeCutAt(); at > 0 {
			// The server's context is smaller than quorum's probe: that
			// context, not the files, is what to raise.
			parts = append(parts, fmt.Sprintf("%s did not fit any reviewer's context, even one line at a time, so no reviewer read %s in full (truncated in the coverage table): the server runs %s at %d tokens, too few for quorum's tokenizer probe, so the chunks were planned at one token a byte; raise the context the server runs the models at",
				what, it, safetext.OneLine(model), at))
		} else if r.PlannedAtOneTokenAByte() {
			// Not the files: the tokenizer was never measured, so each
			// chunk held a quarter of the code it could.
			parts = append(parts, fmt.Sprintf("%s did not fit any reviewer's context, even one line at a time, so no reviewer read %s in full (truncated in the coverage table): their chunks were planned at one token a byte, the model's tokenizer unmeasured (the server gave no usable token count); give the reviewers a larger context (a model's num_ctx, or the server's own), or use a server that reports usage",
				what, it))
		} else {
			parts = append(parts, fmt.Sprintf("%s did not fit any reviewer's context, even one line at a time, so no reviewer read %s in full (truncated in the coverage table); if %s generated or minified, leave %s out with an ignore glob (ignore: in .quorum.yaml), else give the reviewers a larger context (max_context, a model's num_ctx)",
				what, it, is, it))
		}
	}
	if n := len(other); n > 0 {
		parts = append(parts, fmt.Sprintf("%s read by no reviewer (%s): see the coverage table, and run the review again",
			plural(n, "file", "files"), FirstFew(ShownPaths(other))))
	}
	return strings.Join(parts, "; ")
}

// PlannedAtOneTokenAByte reports whether every reviewer that answered (or
// had nothing it could ask) planned its chunks at one token a byte: no
// measured tokenizer, so a context holds a quarter of the code it would.
func (r *Report) PlannedAtOneTokenAByte() bool {
	n := 0
	for _, rv := range r.Reviewers {
		if !rv.Answered() && !rv.hadNothingToAsk() {
			continue
		}
		if rv.Calibration != "conservative" {
			return false
		}
		n++
	}
	return n > 0
}

// ProbeCutAt is, when PlannedAtOneTokenAByte, the least context a server
// cut a reviewer's tokenizer probe at (Reviewer.ProbeCut), and that
// reviewer's model: the reason the figure went unmeasured is a context
// too small, not a server that counts nothing. 0 when none was cut.
func (r *Report) ProbeCutAt() (int, string) {
	at, model := 0, ""
	if !r.PlannedAtOneTokenAByte() {
		return 0, ""
	}
	for _, rv := range r.Reviewers {
		if rv.ProbeCut > 0 && (at == 0 || rv.ProbeCut < at) {
			at, model = rv.ProbeCut, rv.Model
		}
	}
	return at, model
}

// TruncatedFor reports whether some reviewer that answered marked file p
// truncated: it did not fit that reviewer's context, even split.
func (r *Report) TruncatedFor(p string) bool {
	answered := r.answering()
	for _, f := range r.Coverage.Files {
		if f.Path != p {
			continue
		}
		for name, s := range f.By {
			if answered[safetext.Sanitize(name)] && s == CoverTruncated {
				return true
			}
		}
	}
	return false
}

// FirstFew lists up to three items, and how many more there are:
// "a, b, c and 2 more".
func FirstFew(items []string) string {
	s := strings.Join(items[:min(len(items), 3)], ", ")
	if len(items) > 3 {
		s += fmt.Sprintf(" and %d more", len(items)-3)
	}
	return s
}

// TooLarge lists the changed files left out for their size (in the
// skipped list's order): changed code no model read.
func (r *Report) TooLarge() []string {
	var out []string
	for _, sk := range r.Skipped {
		if sk.Reason == diff.SkipTooLarge {
			out = append(out, sk.File)
		}
	}
	return out
}

// Readers is how many reviewers read some of the change: those the
// verdict rests on, less those no changed file fit. Agreement can come
// from no other. It reads only what a saved report.json keeps.
func (r *Report) Readers() int { return r.Verdict.RestsOn - len(r.NothingAsked()) }

// NothingAsked lists the reviewers that ran and could ask nothing: there
// were changed files, and none fit their context even a line at a time. It reads only
// what a saved report.json keeps.
func (r *Report) NothingAsked() []string {
	if len(r.Coverage.Files) == 0 {
		return nil // nothing changed: no file for it to read
	}
	var out []string
	for _, rv := range r.Reviewers {
		if rv.hadNothingToAsk() {
			out = append(out, rv.Name)
		}
	}
	return out
}

// ReadByFewer lists the covered files (in coverage order) some reviewer
// read in full, but fewer than need reviewers, when need is over 1: where
// a gate of min agreement need could not apply. It reads only what a
// saved report.json keeps.
func (r *Report) ReadByFewer(need int) []string {
	if need <= 1 {
		return nil
	}
	var out []string
	for i, n := range r.readers() {
		if n > 0 && n < need {
			out = append(out, r.Coverage.Files[i].Path)
		}
	}
	return out
}

// unread lists the covered files (in coverage order) that no answering
// reviewer read in full.
func (r *Report) unread() []string {
	var out []string
	for i, n := range r.readers() {
		if n == 0 {
			out = append(out, r.Coverage.Files[i].Path)
		}
	}
	return out
}

// answering are the reviewers whose coverage counts: those that answered,
// and those that had nothing they could ask.
func (r *Report) answering() map[string]bool {
	answered := map[string]bool{}
	for _, rv := range r.Reviewers {
		if rv.Answered() || rv.hadNothingToAsk() {
			answered[rv.Name] = true
		}
	}
	return answered
}

// readers counts, for each covered file (in coverage order), the
// answering reviewers that read it in full. The retro's names are
// sanitised, the coverage table's are not: they are compared sanitised.
func (r *Report) readers() []int {
	answered := r.answering()
	out := make([]int, len(r.Coverage.Files))
	for i, f := range r.Coverage.Files {
		for name, s := range f.By {
			if answered[safetext.Sanitize(name)] && s == CoverReviewed {
				out[i]++
			}
		}
	}
	return out
}

// coverageReached says how much of the diff an interrupted review got
// through: the files at least one reviewer read in full.
func (r *Report) coverageReached() string {
	total, any := len(r.Coverage.Files), 0
	for _, f := range r.Coverage.Files {
		for _, s := range f.By {
			if s == CoverReviewed {
				any++
				break
			}
		}
	}
	if any == total {
		// Every file was read by someone; a reviewer was cut off, so not
		// every file had the whole panel.
		what := fmt.Sprintf("all %d files", total)
		if total == 1 {
			what = "the one file"
		}
		return what + " reviewed by at least one reviewer, not by the whole panel"
	}
	return fmt.Sprintf("%d of %d files reviewed, the rest not reviewed", any, total)
}

// skippedByRule lists the changed files the rules left out, "path
// (reason)": not the untracked files --worktree names, which are no change
// of the diff.
func (r *Report) skippedByRule() []string {
	var out []string
	for _, s := range r.Skipped {
		if s.Reason != diff.SkipUntracked {
			out = append(out, SkippedItem(s.File, s.Reason))
		}
	}
	return out
}

// SkippedItem is a skipped file as one-line lists name it, "path (reason)",
// the path kept on one line (safetext.Path): the verdict, quorum review's
// "nothing reviewed" and the hook's say it alike.
func SkippedItem(path, reason string) string {
	return safetext.Path(path) + " (" + reason + ")"
}
