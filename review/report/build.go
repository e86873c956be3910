package report

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/merge"
)

// Meta is what Build cannot learn from the diff or the raw answers.
type Meta struct {
	Branch        string
	ToolVersion   string
	PromptVersion string // defaults to raw.PromptVersion
	// GeneratedAt comes from the caller's clock, so tests pin it.
	GeneratedAt time.Time
	// Options are the settings the review ran with, shown in the header and JSON.
	Options map[string]string
}

// Input is what a report is built from: the diff, the raw answers, and the
// two consolidation stages that ran over them (anchoring, then clustering).
type Input struct {
	Set      *diff.Set
	Raw      *review.Raw
	Anchored anchor.Result
	Clusters []merge.Cluster
	// Grouping says what made Clusters (GroupingOf); zero means the rules.
	Grouping Grouping
	// Rules are the rules' clusters when a judge made Clusters: what the
	// gate and the dismissals hold a judge's grouping to (judged.go), so
	// a judge that groups a critical finding with two suggestions cannot
	// let it through.
	Rules []merge.Cluster
	// Dismiss says whether a finding is dismissed, and why; nil dismisses
	// nothing. It must be a pure function of the finding.
	Dismiss func(Finding) (Dismissal, bool)
	// WhyNot says why a dismissal at a kept finding's place does not cover
	// it ("" for none there); nil says nothing. A pure function too.
	WhyNot func(Finding) string
	// Copies are the lines of a finding's file that hold its code (its
	// fingerprint), in the reviewed diff, its own included; nil counts
	// none. A pure function too.
	Copies func(Finding) []int
}

// Build makes the report from consolidated findings. It neither anchors nor
// merges: the pipeline does, and passes their results in. It is a pure
// function: the same inputs give the same report, whatever the order of
// reviewers or of their findings.
func Build(in Input, policy Policy, meta Meta) (*Report, error) {
	set, raw := in.Set, in.Raw
	if set == nil {
		return nil, errors.New("build report: no diff")
	}
	if raw == nil {
		raw = &review.Raw{}
	}
	policy, err := policy.Normalize()
	if err != nil {
		return nil, err
	}
	r := &Report{
		Schema:        Schema,
		Tool:          "quorum",
		ToolVersion:   meta.ToolVersion,
		PromptVersion: cmp.Or(meta.PromptVersion, raw.PromptVersion),
		GeneratedAt:   meta.GeneratedAt.UTC(),
		Branch:        meta.Branch,
		Mode:          set.Mode,
		Base:          set.Base,
		Head:          set.Head,
		MergeBase:     set.MergeBase,
		Policy:        policy,
		Options:       maps.Clone(meta.Options),
		StartedAt:     raw.StartedAt.UTC(),
		WallMS:        raw.Wall.Milliseconds(),
		Interrupted:   raw.Interrupted,
		Rejected:      []anchor.Rejected{},
		Findings:      []Finding{},
		Dismissed:     []Finding{},
		Skipped:       skipped(set),
		Grouping:      in.Grouping,
	}
	if r.Grouping.By == "" {
		r.Grouping.By = GroupedByRules
	}
	r.Grouping.Judge, r.Grouping.JudgeDigest, r.Grouping.Note = safetext.Sanitize(r.Grouping.Judge), safetext.Sanitize(r.Grouping.JudgeDigest), safetext.Sanitize(r.Grouping.Note)
	reviewable := set.Reviewable()
	results := slices.Clone(raw.Results)
	slices.SortStableFunc(results, func(a, b review.RawResult) int { return strings.Compare(a.Reviewer.Name, b.Reviewer.Name) })

	rejectedBy := map[string]int{}
	for _, rej := range in.Anchored.Rejected {
		rej.File, rej.Title, rej.Reason = safetext.Sanitize(rej.File), safetext.Sanitize(rej.Title), safetext.Sanitize(rej.Reason)
		r.Rejected = append(r.Rejected, rej)
		rejectedBy[rej.Reviewer]++
	}
	slices.SortFunc(r.Rejected, func(a, b anchor.Rejected) int {
		return cmp.Or(strings.Compare(a.Reviewer, b.Reviewer), strings.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line), strings.Compare(a.Title, b.Title), strings.Compare(a.Reason, b.Reason))
	})

	// Who saw which file.
	seen, cover := coverage(results, reviewable)
	r.Coverage = cover

	// Score each cluster.
	clusters := in.Clusters
	byPath := map[string]*diff.File{}
	for i := range set.Files {
		byPath[set.Files[i].Path] = &set.Files[i]
	}
	var owed *rulesOwed
	if in.Rules != nil {
		owed = r.owedToRules(in.Rules, byPath, seen, in.Dismiss)
	}
	findings := make([]Finding, 0, len(clusters))
	decisions := make([]judgedDismissal, 0, len(clusters))
	for _, c := range clusters {
		f := r.finding(c, byPath, seen)
		var d judgedDismissal
		if owed != nil {
			d = owed.hold(&f, c, r.Policy)
		}
		findings = append(findings, f)
		decisions = append(decisions, d)
	}
	sortWith(findings, decisions)
	assignIDs(findings)
	if in.Copies != nil {
		for i := range findings {
			if lines := in.Copies(findings[i]); len(lines) > 1 {
				// The first lines only: 2,500 copies of `return nil, err`
				// made a report of megabytes.
				findings[i].Copies, findings[i].CopyLines = len(lines), lines[:min(len(lines), maxCopyLines)]
			}
		}
	}
	r.Findings, r.Dismissed = dismissed(findings, decisions, in.Dismiss, in.WhyNot)

	r.Reviewers = reviewers(results, clusters, rejectedBy)
	r.Strengths, r.Concerns, r.Docs, r.Untested, r.Summary.Reviewers = narrative(results)

	r.Commits = []Commit{}
	for _, c := range set.Commits {
		r.Commits = append(r.Commits, Commit{SHA: c.SHA, Subject: safetext.Sanitize(c.Subject), Notes: commitNotes(c)})
	}
	r.TODOs = todos(reviewable)
	if r.TODOs == nil {
		r.TODOs = []TODO{}
	}
	r.Checks = checks(reviewable)
	r.Totals = totals(set, reviewable, results, len(in.Anchored.Findings), r)
	r.Verdict = r.verdict(set.Empty())
	r.Summary.Text = r.summaryText()
	return r, nil
}

func skipped(set *diff.Set) []Skipped {
	out := []Skipped{}
	have := map[string]bool{}
	for _, s := range set.Skipped {
		if !have[s.Path] {
			have[s.Path] = true
			shown := safetext.Path(s.Path)
			out = append(out, Skipped{File: shown, Reason: s.Reason, FileBytes: exactBytes(s.Path, shown)})
		}
	}
	for _, f := range set.Files {
		if f.Skip != "" && !have[f.Path] {
			have[f.Path] = true
			shown := safetext.Path(f.Path)
			out = append(out, Skipped{File: shown, Reason: f.Skip, FileBytes: exactBytes(f.Path, shown)})
		}
	}
	slices.SortFunc(out, func(a, b Skipped) int { return strings.Compare(a.File, b.File) })
	return out
}

// coverage records which reviewer saw which file: a file counts as seen when
// every chunk holding it was answered; its state is the worst over those
// chunks (truncated, then failed, then reviewed), so a large file split
// across chunks, one of which failed, is not reviewed. A file that did not
// fit the reviewer's context even one line at a time is truncated, whether
// the server cut the prompt (res.Truncated) or the plan could not fit it at
// all (res.NotCovered of a reviewer that answered every chunk it was given,
// or a file also shown in an answered chunk and covered): README's "What
// cannot fit even then is marked truncated". A file a stopped or failing
// reviewer never reached, in whole or in part, stays not-covered.
func coverage(results []review.RawResult, files []diff.File) (map[string]map[string]bool, Coverage) {
	seen := map[string]map[string]bool{}
	cov := Coverage{Reviewers: []string{}, Files: []FileCoverage{}}
	state := map[string]map[string]string{}
	for _, res := range results {
		name := res.Reviewer.Name
		cov.Reviewers = append(cov.Reviewers, name)
		st := map[string]string{}
		for _, ch := range res.Chunks {
			for _, p := range ch.Files {
				switch {
				case ch.Truncated || st[p] == CoverTruncated:
					// Part of it never reached the model: not reviewed in full.
					st[p] = CoverTruncated
				case ch.Answer == nil || st[p] == CoverFailed:
					// A part of it went unanswered: not reviewed in full.
					st[p] = CoverFailed
				default:
					st[p] = CoverReviewed
				}
			}
		}
		for _, p := range res.Truncated {
			st[p] = CoverTruncated
		}
		covered := map[string]bool{}
		for _, p := range res.Covered {
			covered[p] = true
		}
		for _, p := range res.NotCovered {
			switch {
			case st[p] == CoverReviewed && res.Status != review.StatusOK && !covered[p]:
				// Shown in an answered chunk, yet not covered by a reviewer
				// that did not finish: a chunk holding the rest of it was
				// never answered (the run stopped first).
				st[p] = CoverNotCovered
			case st[p] == CoverReviewed:
				// Only a file some line of which could not fit even alone
				// is both shown in an answered chunk and not covered: the
				// rest was read, that line never was.
				st[p] = CoverTruncated
			case st[p] == "" && res.Status == review.StatusOK:
				// The reviewer answered every chunk it was given and was
				// never given this file: nothing of it fitted its context.
				st[p] = CoverTruncated
			}
		}
		if len(res.Chunks) == 0 && res.Status == review.StatusOK {
			for _, p := range res.Covered {
				st[p] = CoverReviewed
			}
		}
		state[name] = st
	}
	for _, f := range files {
		shown := safetext.Path(f.Path)
		fc := FileCoverage{Path: shown, PathBytes: exactBytes(f.Path, shown), Status: string(f.Status), Added: f.Added, Deleted: f.Deleted, By: map[string]string{}}
		seen[f.Path] = map[string]bool{}
		for _, name := range cov.Reviewers {
			s := state[name][f.Path]
			if s == "" {
				s = CoverNotCovered
			}
			fc.By[name] = s
			if s == CoverReviewed {
				seen[f.Path][name] = true
			}
		}
		cov.Files = append(cov.Files, fc)
	}
	return seen, cov
}

func (r *Report) finding(c merge.Cluster, files map[string]*diff.File, seen map[string]map[string]bool) Finding {
	rep := c.Rep
	votes := make([]string, 0, len(c.Votes))
	for _, name := range c.Reviewers {
		votes = append(votes, c.Votes[name])
	}
	sees := maps.Clone(seen[rep.File])
	if sees == nil {
		sees = map[string]bool{}
	}
	for _, name := range c.Reviewers {
		sees[name] = true // a reviewer that found it saw it
	}
	f := Finding{
		Severity:    r.Policy.Decide(votes),
		Category:    safetext.Sanitize(c.Category),
		Title:       strings.TrimSpace(safetext.Sanitize(rep.Raw.Title)),
		File:        rep.File,
		Line:        rep.Line,
		EndLine:     rep.EndLine,
		Reviewers:   c.Reviewers,
		SeenBy:      len(sees),
		Votes:       map[string]string{},
		Explanation: strings.TrimSpace(safetext.Sanitize(rep.Raw.Explanation)),
		Fix:         safetext.Sanitize(strings.TrimRight(rep.Raw.Fix, " \n\t")),
		Code:        codeLines(files, rep.File, rep.Line, rep.EndLine),
		LineKind:    string(rep.LineKind),
	}
	if safetext.Blank(f.Title) {
		f.Title = firstSentence(f.Explanation)
	}
	if f.Fix != "" {
		f.FixQuote = safetext.Sanitize(strings.TrimSpace(rep.Raw.Quote))
	} else if m, ok := fixLender(c); ok {
		// The representative gave no fix; another finder's is shown, with
		// the lines it was written for: that finder's, which need not be
		// the representative's (a fix of the loop header is no fix of the
		// line in the loop's body).
		f.Fix = safetext.Sanitize(strings.TrimRight(m.Raw.Fix, " \n\t"))
		f.FixQuote = safetext.Sanitize(strings.TrimSpace(m.Raw.Quote))
		src := &FixSource{Reviewer: m.Reviewer, File: m.File, Line: m.Line, EndLine: m.EndLine}
		if m.Deleted {
			src.Deleted, src.OldLine, src.OldEndLine = true, m.OldLine, m.OldEndLine
			src.Code = deletedCodeLines(files, m.File, m.OldLine, m.OldEndLine)
		} else {
			src.Code = codeLines(files, m.File, m.Line, m.EndLine)
		}
		f.FixFrom = src
	}
	for name, v := range c.Votes {
		f.Votes[name] = v
		if v != votes[0] {
			f.Disputed = true
		}
	}
	if rep.Deleted {
		f.Deleted, f.OldLine, f.OldEndLine = true, rep.OldLine, rep.OldEndLine
		f.Code = deletedCodeLines(files, rep.File, rep.OldLine, rep.OldEndLine)
	}
	f.Evidence, f.Support = evidence(c)
	titled := map[string]bool{rep.Reviewer: true}
	for _, m := range c.Members {
		if titled[m.Reviewer] {
			continue
		}
		titled[m.Reviewer] = true
		f.Others = append(f.Others, Wording{Reviewer: m.Reviewer, Severity: m.Raw.Severity, Title: safetext.Sanitize(m.Raw.Title)})
	}
	slices.SortFunc(f.Others, func(a, b Wording) int { return strings.Compare(a.Reviewer, b.Reviewer) })
	f.Members = make([]Member, 0, len(c.Members))
	for i, m := range c.Members {
		mem := Member{Reviewer: m.Reviewer, Title: strings.TrimSpace(safetext.Sanitize(m.Raw.Title)),
			Severity: m.Raw.Severity, Category: safetext.Sanitize(m.Raw.Category), Line: m.Line, EndLine: m.EndLine,
			Quote: safetext.Sanitize(strings.TrimSpace(m.Raw.Quote)), Kinds: c.MemberKinds(i)}
		if m.File != rep.File {
			mem.File = m.File
		}
		if m.Deleted {
			mem.OldLine = m.OldLine
		}
		f.Members = append(f.Members, mem)
	}
	slices.SortStableFunc(f.Members, func(a, b Member) int {
		return cmp.Or(strings.Compare(a.Reviewer, b.Reviewer), strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.OldLine, b.OldLine), strings.Compare(a.Title, b.Title),
			strings.Compare(a.Severity, b.Severity), strings.Compare(a.Quote, b.Quote), slices.Compare(a.Kinds, b.Kinds))
	})
	f.ID = stableID(rep.File, rep.LineText, f.Category)
	line := rep.Line
	if rep.Deleted {
		// Deleted code is placed by its old line, also where no new-side
		// line holds it (a deleted file): it is no file-level finding.
		line = max(line, rep.OldLine)
	}
	f.Fingerprint = Fingerprint(rep.File, line, rep.Outer, rep.Section, rep.LineText, f.Category)
	// A v1 entry named no class: of a method inside one it cannot tell
	// which class's it was, so it no longer covers it (the finding comes
	// back once, to be dismissed again).
	if len(rep.Outer) == 0 {
		if legacy := LegacyFingerprint(rep.File, line, rep.Section, rep.LineText, f.Category); legacy != f.Fingerprint {
			f.LegacyFingerprint = legacy
		}
	}
	kinds := map[string]bool{}
	if c.Core != nil {
		// A judged cluster's kinds are those of the rules' cluster it is
		// named after.
		for i := range c.Core {
			for _, k := range c.CoreKinds(i) {
				kinds[k] = true
			}
		}
	} else {
		for _, m := range f.Members { // their kinds, read above
			for _, k := range m.Kinds {
				kinds[k] = true
			}
		}
	}
	f.Kinds = slices.Sorted(maps.Keys(kinds))
	return f
}

// fixLender is the member whose fix a cluster whose representative gave
// none shows: the first (members are in canonical order) anchored where
// the representative is, so the fix replaces the lines the finding shows,
// else the first that gave a fix at all.
func fixLender(c merge.Cluster) (anchor.Finding, bool) {
	rep := c.Rep
	var first *anchor.Finding
	for i, m := range c.Members {
		if strings.TrimSpace(m.Raw.Fix) == "" {
			continue
		}
		if m.File == rep.File && m.Line == rep.Line && m.EndLine == rep.EndLine && m.Deleted == rep.Deleted &&
			(!m.Deleted || m.OldLine == rep.OldLine && m.OldEndLine == rep.OldEndLine) {
			return m, true
		}
		if first == nil {
			first = &c.Members[i]
		}
	}
	if first == nil {
		return anchor.Finding{}, false
	}
	return *first, true
}

// Fingerprint identifies a finding across runs: a hash of the enclosing
// section (function or class, from the diff) and the anchored code line,
// whitespace-normalised. It leaves out the line number (code added above
// moves it), the path (a rename), the wording, severity and category
// (rewording, another reviewer) and the commit (a rebase). It deliberately
// changes when the anchored code line or its function's definition line
// changes: a dismissal is about that code. A file-level finding (no line)
// hashes the file's base name and its category instead. The same code
// line in a function of the same name in another file has the same
// fingerprint; dismissals also compare kinds (Finding.Kinds), so a
// dismissal of one kind of issue never hides another kind there.
//
// v2 also hashes the definitions around the section (outer, outermost
// first: a method's class), so two classes' methods of one name are two
// places, and reads the code and definition lines with their layout left
// out (anchor.Flowed), so gofmt or prettier re-spacing a line keeps it.
func Fingerprint(file string, line int, outer []string, section, lineText, category string) string {
	code := anchor.Flowed(lineText)
	if code == "" && (section != "" || len(outer) > 0) {
		// A blank line in a definition (a finding that gave a line and no
		// quote) is placed by the definition, not the file: a dismissal of
		// one such finding in Admin must not hide one in Public.
		code = "\x00blank"
	}
	key := "code\x00" + anchor.Flowed(section) + "\x00" + code
	for _, o := range outer {
		key += "\x00in\x00" + anchor.Flowed(o)
	}
	return fingerprintHash("v2", file, line, code, category, key)
}

// fingerprintHash is a fingerprint of version v: of key, or for a
// file-level finding (no line, or no code) of the file's base name and the
// category.
func fingerprintHash(v, file string, line int, code, category, key string) string {
	if line == 0 || code == "" {
		key = "file\x00" + path.Base(file) + "\x00" + strings.ToLower(category)
	}
	h := sha256.Sum256([]byte("quorum.fingerprint/" + v + "\x00" + key))
	return hex.EncodeToString(h[:])[:16]
}

// LegacyFingerprint is the v1 fingerprint, what ledgers written before v2
// name: the section and the code line whitespace-normalised, no outer
// definitions.
func LegacyFingerprint(file string, line int, section, lineText, category string) string {
	code := anchor.NormalizeV1(lineText)
	return fingerprintHash("v1", file, line, code, category, "code\x00"+anchor.NormalizeV1(section)+"\x00"+code)
}

// maxCopyLines is how many of a finding's copies the report lists.
const maxCopyLines = 20

// dismissed moves the findings dismiss matches out of fs, keeping order;
// fs itself becomes the kept findings.
func dismissed(fs []Finding, decisions []judgedDismissal, dismiss func(Finding) (Dismissal, bool), whyNot func(Finding) string) (kept, out []Finding) {
	// kept reuses fs's array: each finding is read before its slot is written.
	kept, out = fs[:0], []Finding{}
	for i, f := range fs {
		if d := decisions[i]; d.decided {
			// A judge's group: dismissed only when every part of it is
			// (judged.go).
			if d.dismissal != nil {
				f.Dismissal = d.dismissal
				out = append(out, f)
			} else {
				f.NotDismissed = d.whyNot
				if f.NotDismissed == "" && whyNot != nil {
					f.NotDismissed = whyNot(f)
				}
				kept = append(kept, f)
			}
			continue
		}
		if dismiss != nil {
			if d, ok := dismiss(f); ok {
				f.Dismissal = &d
				out = append(out, f)
				continue
			}
		}
		if whyNot != nil {
			f.NotDismissed = whyNot(f)
		}
		kept = append(kept, f)
	}
	return kept, out
}

// evidence returns a cluster's strongest evidence and its support: each
// reviewer counts 1 when any of its findings in the cluster quoted code found
// in the diff, and ½ when it only gave a line or a file.
func evidence(c merge.Cluster) (string, float64) {
	full := map[string]bool{} // the reviewer quoted code this change touches
	strongest := 0
	exact := false // a member's quote matched the diff's code, not a near copy
	for _, m := range c.Members {
		r := anchor.EvidenceRank(m.Evidence)
		// A near copy (one word changed) finds the place but not the code:
		// the changed word may be the bug the model imagined (IsAdmin for
		// IsActive, Second for Millisecond), so it counts ½ like no quote.
		if m.Evidence == anchor.EvidenceQuote && !m.Near && m.LineKind != diff.Context {
			full[m.Reviewer] = true
		}
		exact = exact || m.Evidence == anchor.EvidenceQuote && !m.Near
		strongest = max(strongest, r)
	}
	// A quote of unchanged lines only is code that was there before the
	// change: it may be a bug the change exposes, or a model that strayed
	// from the lines it was asked about, so it counts ½ like no quote.
	support := 0.0
	for _, name := range c.Reviewers {
		if full[name] {
			support++
		} else {
			support += 0.5
		}
	}
	ev := anchor.EvidenceFile
	switch strongest {
	case anchor.EvidenceRank(anchor.EvidenceQuote):
		ev = anchor.EvidenceQuote
		if !exact {
			ev = EvidenceNearQuote
		}
	case anchor.EvidenceRank(anchor.EvidenceLine):
		ev = anchor.EvidenceLine
	}
	return ev, support
}

func firstSentence(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, ".\n"); i > 0 {
		s = s[:i]
	}
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80]) + "…"
	}
	return s
}

// stableID hashes what survives line drift: the path, the anchored line's
// text (whitespace-normalised) and the category.
func stableID(file, lineText, category string) string {
	h := sha256.Sum256([]byte(file + "\x00" + anchor.Normalize(lineText) + "\x00" + category))
	return "Q" + hex.EncodeToString(h[:])[:10]
}

// assignIDs makes ids unique: two issues of one category on one line get
// -2, -3 in report order.
func assignIDs(fs []Finding) {
	n := map[string]int{}
	for i := range fs {
		id := fs[i].ID
		n[id]++
		if n[id] > 1 {
			fs[i].ID = fmt.Sprintf("%s-%d", id, n[id])
		}
	}
}

// compareFindings is the report order: severity, agreement, path, line.
func compareFindings(a, b Finding) int {
	if c := cmp.Compare(review.SeverityRank(b.Severity), review.SeverityRank(a.Severity)); c != 0 {
		return c
	}
	// Higher agreement first: k_a/n_a > k_b/n_b, compared without division.
	ka, na := a.Agreement()
	kb, nb := b.Agreement()
	if c := cmp.Compare(kb*max(na, 1), ka*max(nb, 1)); c != 0 {
		return c
	}
	return cmp.Or(
		cmp.Compare(kb, ka),
		strings.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.EndLine, b.EndLine),
		strings.Compare(a.ID, b.ID),
		strings.Compare(a.Title, b.Title),
		strings.Compare(a.Explanation, b.Explanation),
	)
}

func reviewers(results []review.RawResult, clusters []merge.Cluster, rejected map[string]int) []Reviewer {
	out := []Reviewer{}
	for _, res := range results {
		m := res.Metrics
		if m == (review.Metrics{}) {
			for _, ch := range res.Chunks {
				m.Add(ch.Metrics)
			}
		}
		dur := m.Wall
		if dur == 0 {
			dur = m.TotalDuration
		}
		rv := Reviewer{
			Name: safetext.Sanitize(res.Reviewer.Name), Model: safetext.Sanitize(res.Reviewer.Model), Digest: res.Digest,
			Focus: safetext.Sanitize(res.Reviewer.Focus), API: res.Reviewer.API, Host: safetext.OneLine(res.Reviewer.Host), Options: res.Options, Status: res.Status, Error: safetext.Sanitize(res.Error), Hint: safetext.Sanitize(res.Hint),
			Calibration: res.Calibration,
			DurationMS:  dur.Milliseconds(), LoadMS: m.LoadDuration.Milliseconds(),
			PromptTokens: m.PromptTokens, EvalTokens: m.EvalTokens, TokensPerSec: roundTo(m.TokensPerSecond(), 1),
			Requests: m.Requests, Retries: m.Retries, CacheHits: m.CacheHits,
			Chunks: len(res.Chunks), UnaskedChunks: res.Unasked, Rejected: rejected[res.Reviewer.Name], stopped: res.StoppedBeforeAnswering(),
		}
		if rv.Status == "" {
			rv.Status = review.StatusOK
		}
		for _, ch := range res.Chunks {
			if ch.Truncated {
				rv.TruncatedChunks++
			}
			if ch.Answer == nil {
				rv.FailedChunks++
				if ch.Error != "" {
					rv.Failures = append(rv.Failures, safetext.Sanitize(ch.Error))
				}
			}
			for _, n := range ch.Notes {
				rv.Notes = append(rv.Notes, safetext.Sanitize(n))
			}
		}
		// Sorted: chunk order is not the same on every run.
		slices.Sort(rv.Failures)
		rv.Failures = slices.Compact(rv.Failures)
		slices.Sort(rv.Notes)
		rv.Notes = slices.Compact(rv.Notes)
		for _, c := range clusters {
			v, ok := c.Votes[res.Reviewer.Name]
			if !ok {
				continue
			}
			rv.Findings++
			rv.BySeverity.add(v)
			if len(c.Reviewers) == 1 {
				rv.Unique++
			} else {
				rv.Corroborated++
			}
			for _, m := range c.Members {
				if m.Reviewer == res.Reviewer.Name {
					rv.Repeats++
				}
			}
			rv.Repeats--
		}
		out = append(out, rv)
	}
	return out
}

func roundTo(x float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	return float64(int64(x*p+0.5)) / p
}

// narrative merges the reviewers' free text: identical items (after
// whitespace and case folding) become one, attributed to everyone who wrote it.
func narrative(results []review.RawResult) (strengths, concerns, docs []Note, untested []UntestedNote, summaries []ReviewerNote) {
	type acc struct {
		text string
		by   map[string]bool
		risk string
	}
	collect := func(m map[string]*acc, key, text, who, risk string) {
		a := m[key]
		if a == nil {
			a = &acc{text: text, by: map[string]bool{}, risk: risk}
			m[key] = a
		}
		a.by[who] = true
		if riskRank(risk) > riskRank(a.risk) {
			a.risk = risk
		}
		if text < a.text {
			a.text = text // the same item in any order keeps one wording
		}
	}
	st, co, do, un := map[string]*acc{}, map[string]*acc{}, map[string]*acc{}, map[string]*acc{}
	summaries = []ReviewerNote{}
	for _, res := range results {
		who := res.Reviewer.Name
		var sums []string
		for _, ch := range res.Chunks {
			a := ch.Answer
			if a == nil {
				continue
			}
			if s := safetext.Sanitize(strings.TrimSpace(a.Summary)); s != "" && !slices.Contains(sums, s) {
				sums = append(sums, s)
			}
			for _, s := range a.Strengths {
				if t := safetext.Sanitize(strings.TrimSpace(s)); t != "" {
					collect(st, foldKey(t), t, who, "")
				}
			}
			for _, s := range a.Concerns {
				if t := safetext.Sanitize(strings.TrimSpace(s)); t != "" {
					collect(co, foldKey(t), t, who, "")
				}
			}
			for _, s := range a.Docs {
				if t := safetext.Sanitize(strings.TrimSpace(s)); t != "" {
					collect(do, foldKey(t), t, who, "")
				}
			}
			for _, u := range a.Untested {
				if t := safetext.Sanitize(strings.TrimSpace(u.Scenario)); t != "" {
					risk := strings.ToLower(strings.TrimSpace(u.Risk))
					if riskRank(risk) == 0 {
						risk = "low"
					}
					collect(un, foldKey(t), t, who, risk)
				}
			}
		}
		slices.Sort(sums) // chunk order must not change the text
		if len(sums) > 0 {
			summaries = append(summaries, ReviewerNote{Reviewer: who, Text: strings.Join(sums, " ")})
		}
	}
	toNotes := func(m map[string]*acc) []Note {
		out := []Note{}
		for _, a := range m {
			out = append(out, Note{Text: a.text, Reviewers: slices.Sorted(maps.Keys(a.by))})
		}
		slices.SortFunc(out, func(x, y Note) int {
			return cmp.Or(cmp.Compare(len(y.Reviewers), len(x.Reviewers)), strings.Compare(x.Text, y.Text))
		})
		return out
	}
	untested = []UntestedNote{}
	for _, a := range un {
		untested = append(untested, UntestedNote{Scenario: a.text, Risk: a.risk, Reviewers: slices.Sorted(maps.Keys(a.by))})
	}
	slices.SortFunc(untested, func(x, y UntestedNote) int {
		return cmp.Or(cmp.Compare(riskRank(y.Risk), riskRank(x.Risk)), cmp.Compare(len(y.Reviewers), len(x.Reviewers)), strings.Compare(x.Scenario, y.Scenario))
	})
	return toNotes(st), toNotes(co), toNotes(do), untested, summaries
}

func foldKey(s string) string { return strings.ToLower(anchor.Normalize(s)) }

func riskRank(r string) int {
	switch r {
	case "high":
		return 3
	case "medium":
		return 2
	case "low":
		return 1
	}
	return 0
}

func totals(set *diff.Set, files []diff.File, results []review.RawResult, raw int, r *Report) Totals {
	t := Totals{Files: len(files), Commits: len(set.Commits), RawFindings: raw + len(r.Rejected),
		Findings: len(r.Findings), Rejected: len(r.Rejected), Dismissed: len(r.Dismissed)}
	for _, f := range files {
		t.Added += f.Added
		t.Deleted += f.Deleted
	}
	for _, f := range r.Findings {
		if len(f.Reviewers) > 1 {
			t.Corroborated++
		}
	}
	for _, rv := range r.Reviewers {
		t.PromptTokens += rv.PromptTokens
		t.EvalTokens += rv.EvalTokens
		t.Requests += rv.Requests
		t.CacheHits += rv.CacheHits
	}
	return t
}

// where says where the diff's changes are: its commits, or the work
// tree's or the index's uncommitted changes ("in 0 commits" says nothing).
func (r *Report) where() string {
	switch {
	case r.Totals.Commits > 0:
		return "in " + plural(r.Totals.Commits, "commit", "commits")
	case r.Mode == diff.ModeWorktree:
		return "in the work tree"
	case r.Mode == diff.ModeStaged:
		return "in the index"
	}
	return "in " + plural(r.Totals.Commits, "commit", "commits")
}

func (r *Report) summaryText() string {
	v := r.Verdict
	if v.Status == VerdictEmpty {
		if left := r.skippedByRule(); len(left) > 0 {
			return fmt.Sprintf("Nothing was reviewed: the rules left out every changed file (%d, listed under skipped).", len(left))
		}
		return "There was nothing to review: the diff has no reviewable changes."
	}
	t := r.Totals
	var b strings.Builder
	if v.RestsOn == 0 {
		who := fmt.Sprintf("None of the %d reviewers answered", v.Panel)
		if v.Panel == 1 {
			who = "The reviewer did not answer"
		}
		fmt.Fprintf(&b, "The diff has %s (+%d −%d) %s. %s, so there are no findings.",
			plural(t.Files, "file", "files"), t.Added, t.Deleted, r.where(), who)
		return b.String()
	}
	unread := v.Unread
	read := plural(t.Files-len(unread), "file", "files")
	if r.Interrupted {
		// The verdict lists no unread files then; count what was read.
		unread = r.unread()
		read = fmt.Sprintf("%d of %s", t.Files-len(unread), plural(t.Files, "file", "files"))
	}
	// Lines count as reviewed only in files some reviewer read in full.
	added, deleted := t.Added, t.Deleted
	for _, f := range r.Coverage.Files {
		if slices.Contains(unread, f.Path) {
			added, deleted = added-f.Added, deleted-f.Deleted
		}
	}
	fmt.Fprintf(&b, "%d of %s reviewed %s (+%d −%d) %s",
		v.RestsOn, plural(v.Panel, "reviewer", "reviewers"), read, added, deleted, r.where())
	if r.Interrupted {
		b.WriteString(" before the review stopped")
	}
	b.WriteString(".")
	if n := len(v.Unread); n > 0 {
		fmt.Fprintf(&b, " %s no reviewer read: %s.", plural(n, "file", "files"), strings.Join(v.Unread, ", "))
	}
	c, d := v.Counts, len(r.Dismissed)
	switch {
	case c.Total() == 0 && d > 0:
		// Dismissed findings were raised: say so, so "no findings" never
		// reads as the reviewers finding nothing.
		fmt.Fprintf(&b, " They raised %s, all dismissed (see Dismissed).", plural(d, "finding", "findings"))
	case c.Total() == 0:
		b.WriteString(" They raised no findings.")
	default:
		fmt.Fprintf(&b, " They raised %s (%d critical, %d important, %s)", plural(c.Total(), "finding", "findings"),
			c.Critical, c.Important, plural(c.Suggestion, "suggestion", "suggestions"))
		if d > 0 {
			fmt.Fprintf(&b, " besides %d dismissed", d)
		}
		if t.Corroborated > 0 {
			fmt.Fprintf(&b, "; %d found by more than one reviewer", t.Corroborated)
		}
		b.WriteString(".")
	}
	if t.Rejected > 0 {
		fmt.Fprintf(&b, " %s could not be anchored in the diff and %s rejected.", plural(t.Rejected, "finding", "findings"), map[bool]string{true: "was", false: "were"}[t.Rejected == 1])
	}
	return b.String()
}
