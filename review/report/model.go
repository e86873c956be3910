// Package report builds the consolidated review report from the diff and the reviewers' raw answers.
package report

import (
	"time"

	"github.com/quorum-review/quorum/review"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review/anchor"
)

// This file is the report model: everything every renderer shows, and the
// shape of report.json (schema quorum.report/v1). Renderers decide nothing;
// every count, order and sentence that is a judgement is made in Build.

// Schema names the JSON shape of a Report.
const Schema = "quorum.report/v1"

// Report is one consolidated review.
type Report struct {
	Schema        string            `json:"schema"`
	Tool          string            `json:"tool"`
	ToolVersion   string            `json:"tool_version"`
	PromptVersion string            `json:"prompt_version"`
	GeneratedAt   time.Time         `json:"generated_at"`
	Branch        string            `json:"branch"`
	Mode          string            `json:"mode"`
	Base          diff.Ref          `json:"base"`
	Head          diff.Ref          `json:"head"`
	MergeBase     string            `json:"merge_base,omitempty"`
	Ranges        []Range           `json:"ranges,omitempty"`
	Policy        Policy            `json:"policy"`
	Options       map[string]string `json:"options,omitempty"`
	StartedAt     time.Time         `json:"started_at"`
	WallMS        int64             `json:"wall_ms"`
	Interrupted   bool              `json:"interrupted,omitempty"`

	Verdict   Verdict    `json:"verdict"`
	Summary   Summary    `json:"summary"`
	Reviewers []Reviewer `json:"reviewers"`
	// Grouping says what grouped the reviewers' findings into Findings.
	Grouping Grouping  `json:"grouping"`
	Findings []Finding `json:"findings"`
	// Dismissed are findings a dismissal (the ledger or an inline
	// quorum:ignore) matched: listed with the reason, never counted by the gate.
	Dismissed []Finding         `json:"dismissed"`
	Rejected  []anchor.Rejected `json:"rejected"`
	Strengths []Note            `json:"strengths"`
	Concerns  []Note            `json:"concerns"`
	Untested  []UntestedNote    `json:"untested"`
	Docs      []Note            `json:"docs"`
	Commits   []Commit          `json:"commits"`
	TODOs     []TODO            `json:"todos"`
	Checks    Checks            `json:"checks"`
	Coverage  Coverage          `json:"coverage"`
	Skipped   []Skipped         `json:"skipped"`
	Totals    Totals            `json:"totals"`
}

// Range is one range of commits a review covers, base..head, with the
// refs a push points at its head. A push of several refs is reviewed as
// one over the union of their ranges (the hook): Report.Ranges lists
// them all, while Base and Head, kept for the readers of older reports,
// are only the first one's. quorum review names no refs and leaves
// Ranges empty.
type Range struct {
	Base diff.Ref `json:"base"`
	Head diff.Ref `json:"head"`
	Refs []string `json:"refs,omitempty"`
}

// Grouping says what grouped the reviewers' findings into issues: the
// judge model's answer (merge.judge), or quorum's rules of words, lines and
// kinds (merge.Clusters) when no judge is configured or its answer could
// not be used.
type Grouping struct {
	// By is GroupedByJudge or GroupedByRules.
	By string `json:"by"`
	// Judge is the configured judge model ("" for none), and JudgeDigest
	// its digest when the server gave one.
	Judge       string `json:"judge,omitempty"`
	JudgeDigest string `json:"judge_digest,omitempty"`
	// Note says why the judge was not asked (Skipped), or why its answer
	// was not used.
	Note    string `json:"note,omitempty"`
	Skipped bool   `json:"skipped,omitempty"`
	// The judge's request, when one was made or cached.
	DurationMS   int64 `json:"duration_ms,omitempty"`
	PromptTokens int   `json:"tokens_in,omitempty"`
	EvalTokens   int   `json:"tokens_out,omitempty"`
	Cached       bool  `json:"cached,omitempty"`
}

// What grouped the findings.
const (
	GroupedByJudge = "judge"
	GroupedByRules = "rules"
)

// GroupingOf is the report's account of the grouping: judge is the raw
// answers' judge request (nil when none was configured), judged and note
// what merge.Group made of it.
func GroupingOf(judge *review.JudgeRun, judged bool, note string) Grouping {
	g := Grouping{By: GroupedByRules}
	if judged {
		g.By = GroupedByJudge
	}
	if judge == nil {
		return g
	}
	g.Judge, g.JudgeDigest = judge.Model, judge.Digest
	g.Note = note
	if judge.Skipped != "" {
		g.Note, g.Skipped = judge.Skipped, true
	}
	g.DurationMS = judge.Metrics.Wall.Milliseconds()
	g.PromptTokens, g.EvalTokens = judge.Metrics.PromptTokens, judge.Metrics.EvalTokens
	g.Cached = judge.Metrics.CacheHits > 0
	return g
}

// Verdict statuses.
const (
	VerdictPass       = "pass"       // nothing at or above the gate
	VerdictFail       = "fail"       // the gate tripped
	VerdictEmpty      = "empty"      // nothing to review
	VerdictIncomplete = "incomplete" // no reviewer answered, the review was interrupted or timed out, or a changed file was read by no reviewer
)

// Verdict is the outcome of the gate policy over the findings.
type Verdict struct {
	Status string `json:"status"`
	// Text is the one-line verdict shown in the header.
	Text        string `json:"text"`
	GateTripped bool   `json:"gate_tripped"`
	// Blocking counts findings at or above the gate with enough agreement.
	Blocking int `json:"blocking"`
	// WeakEvidence counts findings at the gate's severity, found by enough
	// reviewers, that did not block because too few of them quoted code.
	WeakEvidence int `json:"weak_evidence,omitempty"`
	// RestsOn is how many reviewers answered; Panel how many were asked.
	RestsOn int    `json:"rests_on"`
	Panel   int    `json:"panel"`
	Counts  Counts `json:"counts"`
	// Unread lists the reviewable files no reviewer that answered read in
	// full (did not fit, failed or truncated chunks), named as the diff
	// names them (text escapes them: ShownPaths). Any makes the verdict
	// incomplete, never a pass, and trips the gate unless it is off; the
	// verdict text names them and says what to do.
	Unread []string `json:"unread,omitempty"`
}

// Counts are findings by severity.
type Counts struct {
	Critical   int `json:"critical"`
	Important  int `json:"important"`
	Suggestion int `json:"suggestion"`
}

// Total is the sum of all severities.
func (c Counts) Total() int { return c.Critical + c.Important + c.Suggestion }

func (c *Counts) add(sev string) {
	switch sev {
	case review.Critical:
		c.Critical++
	case review.Important:
		c.Important++
	case review.Suggestion:
		c.Suggestion++
	}
}

// Summary is the executive summary: a sentence computed from the findings
// and each reviewer's own summary paragraph.
type Summary struct {
	Text      string         `json:"text"`
	Reviewers []ReviewerNote `json:"reviewers"`
}

// ReviewerNote is one reviewer's narrative text.
type ReviewerNote struct {
	Reviewer string `json:"reviewer"`
	Text     string `json:"text"`
}

// Reviewer is one panel member's outcome and retro figures.
type Reviewer struct {
	Name   string `json:"name"`
	Model  string `json:"model"`
	Digest string `json:"digest,omitempty"`
	Focus  string `json:"focus,omitempty"`
	// API and Host are the server the reviewer ran on, when the panel
	// spans servers or uses an OpenAI-compatible one.
	API  string `json:"api,omitempty"`
	Host string `json:"host,omitempty"`
	// Options are the generation options every request of this reviewer set
	// (num_ctx, num_predict, temperature, seed), so a report says how it was made.
	Options review.Options `json:"options"`
	Status  string         `json:"status"`
	// Error is why the reviewer failed, in whole or in part. DESIGN §7
	// lists it among a report's fields; it is absent when the reviewer
	// succeeded (the schema and README say so).
	Error string `json:"error,omitempty"`
	Hint  string `json:"hint,omitempty"`
	// Calibration says where the bytes-per-token its chunks were planned
	// with came from (review.RawResult.Calibration): "conservative" is
	// one token a byte, for a tokenizer the server never measured.
	Calibration string `json:"calibration,omitempty"`
	// ProbeCut is why a "conservative" figure was not measured: the server
	// cut the tokenizer probe after this many tokens, its context for the
	// model (review.RawResult.ProbeCut).
	ProbeCut     int     `json:"probe_cut,omitempty"`
	DurationMS   int64   `json:"duration_ms"`
	LoadMS       int64   `json:"load_ms"`
	PromptTokens int     `json:"tokens_in"`
	EvalTokens   int     `json:"tokens_out"`
	TokensPerSec float64 `json:"tokens_per_sec"`
	Requests     int     `json:"requests"`
	Retries      int     `json:"retries"`
	CacheHits    int     `json:"cache_hits"`
	Chunks       int     `json:"chunks"`
	FailedChunks int     `json:"failed_chunks"`
	// TruncatedChunks counts failed chunks whose prompt the server cut.
	TruncatedChunks int `json:"truncated_chunks,omitempty"`
	// UnaskedChunks counts planned chunks the run stopped before asking
	// (not in Chunks).
	UnaskedChunks int `json:"unasked_chunks,omitempty"`
	// Findings counts consolidated findings this reviewer is part of.
	Findings     int    `json:"findings"`
	BySeverity   Counts `json:"by_severity"`
	Unique       int    `json:"unique"`
	Corroborated int    `json:"corroborated"`
	Rejected     int    `json:"rejected"`
	// Repeats counts this reviewer's duplicate findings collapsed into one.
	Repeats int `json:"repeats"`
	// Failures lists why chunks failed.
	Failures []string `json:"failures,omitempty"`
	// Notes list where its answers read differently from what it wrote
	// (a value outside the schema replaced, findings over the limit left
	// out), from raw.json's chunk notes, each once.
	Notes []string `json:"notes,omitempty"`
	// stopped: the run's interruption reached it before it answered
	// (review.RawResult.StoppedBeforeAnswering); the verdict words it so.
	stopped bool
}

// hadNothingToAsk reports whether the reviewer ran and its plan held no
// chunk: every file too long to show even one line at a time (its
// coverage says truncated).
func (r Reviewer) hadNothingToAsk() bool {
	return r.Chunks == 0 && r.FailedChunks == 0 && (r.Status == review.StatusOK || r.Status == review.StatusPartial)
}

// Answered reports whether the reviewer produced any answer.
func (r Reviewer) Answered() bool { return r.Chunks > r.FailedChunks }

// Finding is one consolidated issue.
type Finding struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Category string `json:"category"`
	Title    string `json:"title"`
	File     string `json:"file"`
	// Line is 0 for a file-level finding.
	Line    int `json:"line"`
	EndLine int `json:"end_line"`
	// Reviewers found it; SeenBy is how many reviewers saw the file.
	Reviewers []string `json:"reviewers"`
	SeenBy    int      `json:"seen_by"`
	// Deleted is set when the finding is about code the change deletes:
	// OldLine..OldEndLine are its old-side lines, and Line..EndLine the
	// new-side position of the deletion.
	Deleted    bool `json:"deleted,omitempty"`
	OldLine    int  `json:"old_line,omitempty"`
	OldEndLine int  `json:"old_end_line,omitempty"`
	// LineKind is how the change touched the lines the finding is anchored
	// to: "added" (one of them is an added line), "deleted" (none is added,
	// one is deleted: always so when Deleted is set) or "context" (every
	// one is an unchanged line of the diff: code this change did not
	// touch, there before it). Empty for a file-level finding, and in
	// reports saved before the field existed. A finder that quoted only
	// context lines counts ½ in Support.
	LineKind string `json:"line_kind,omitempty"`
	// Evidence is the strongest evidence among the finders: "quote" (code
	// found in the diff), "near-quote" (a near copy of a diff line, one word
	// changed: EvidenceNearQuote), "line" (a line in a hunk, no quote) or
	// "file".
	Evidence string `json:"evidence"`
	// Support is the gate's weighted agreement: each finder counts 1 when its
	// own finding quoted code of the change (an added or deleted line) found
	// in the diff as it is, ½ otherwise (a near copy too).
	Support float64 `json:"support"`
	// Votes is each finder's severity; Disputed is set when they differ.
	Votes    map[string]string `json:"votes"`
	Disputed bool              `json:"disputed"`
	// RulesFloor is set when a judge grouped the findings and its group
	// would have given this finding a lower severity or support than
	// quorum's rules give its members: the rules' are kept, so a judge
	// never makes the gate weaker.
	RulesFloor bool `json:"rules_floor,omitempty"`
	// Parts are the rules' findings a judge grouped into this one, when
	// there are several: 'quorum dismiss' records each, so the dismissal
	// holds whichever grouped the next review.
	Parts       []Part `json:"parts,omitempty"`
	Explanation string `json:"explanation"`
	Fix         string `json:"fix,omitempty"`
	// FixQuote is the code the fix's author quoted: what a one-line fix
	// replaces when it is part of a line (`eval(data)` in
	// `return eval(data)`).
	FixQuote string `json:"fix_quote,omitempty"`
	// FixFrom is set when the fix is another finder's: the representative
	// (whose title, explanation and Code the finding shows) gave none. The
	// fix replaces FixFrom's lines, which may be other lines than the
	// finding's (a finder of the same issue anchored a line above it, or
	// in another file): a renderer shows it against FixFrom.Code, never
	// against Code. Absent when the fix is the representative's own.
	FixFrom *FixSource `json:"fix_from,omitempty"`
	// OtherFixes names the finders whose own fix differs from Fix (each
	// in Members): the finding is then no one-click edit, since the
	// reviewers do not agree on the code (helper 248).
	OtherFixes []string `json:"other_fixes,omitempty"`
	// Code is the real diff lines the finding is anchored to.
	Code []CodeLine `json:"code,omitempty"`
	// Others are the other finders' own titles, when they worded it differently.
	Others []Wording `json:"others,omitempty"`
	// Members are every reviewer finding merged into this one, each with its
	// reviewer and own wording: by reviewer, then line, then title.
	Members []Member `json:"members"`
	// Fingerprint identifies the issue across runs for dismissals, SARIF
	// partialFingerprints and reviewdog (see Fingerprint); Kinds are its
	// issue kinds (merge's taxonomy), which a dismissal must not contradict.
	Fingerprint string   `json:"fingerprint"`
	Kinds       []string `json:"kinds,omitempty"`
	// LegacyFingerprint is the fingerprint quorum gave the finding before
	// fingerprints read its class and ignored layout (LegacyFingerprint):
	// a ledger entry written then still matches it. Omitted when the same.
	LegacyFingerprint string `json:"legacy_fingerprint,omitempty"`
	// Copies is how many lines of its file hold its code in the same
	// definitions (its fingerprint), when more than one: the same code at
	// two places of one function (two closures' bodies), which a
	// fingerprint cannot tell apart, whether or not a reviewer flagged
	// each. CopyLines are they (old-side lines for deleted code). A
	// dismissal made for fewer copies covers none of them.
	Copies    int   `json:"copies,omitempty"`
	CopyLines []int `json:"copy_lines,omitempty"`
	// Dismissal says why a dismissed finding does not count (Report.Dismissed only).
	Dismissal *Dismissal `json:"dismissal,omitempty"`
	// NotDismissed says why a dismissal at this finding's place (its
	// fingerprint) does not cover it: it is more severe than what was
	// dismissed there, or another kind of issue. Empty when none is there.
	NotDismissed string `json:"not_dismissed,omitempty"`
}

// FixSource is the finder whose fix a finding borrowed, and the lines that
// fix was written for: where that finder's own finding was anchored.
type FixSource struct {
	Reviewer string `json:"reviewer"`
	// File is the finder's file (the finding's, unless a judge grouped
	// findings in two files).
	File string `json:"file"`
	// Line and EndLine are the new-side lines the fix replaces (0 for a
	// file-level finding); for code the change deletes, the position of the
	// deletion, with Deleted set and OldLine..OldEndLine its old-side lines.
	Line       int  `json:"line"`
	EndLine    int  `json:"end_line"`
	Deleted    bool `json:"deleted,omitempty"`
	OldLine    int  `json:"old_line,omitempty"`
	OldEndLine int  `json:"old_end_line,omitempty"`
	// Code is the real diff lines at Line..EndLine (as Finding.Code is at
	// the finding's lines).
	Code []CodeLine `json:"code,omitempty"`
}

// Dismissal is why a finding was dismissed.
type Dismissal struct {
	Reason string `json:"reason"`
	Who    string `json:"who,omitempty"`
	// When is RFC 3339, from the ledger; empty for an inline quorum:ignore.
	When string `json:"when,omitempty"`
	// Source is "ledger" (.quorum/dismissed.yaml), "local" (the git dir's
	// ledger) or "inline" (a quorum:ignore comment).
	Source string `json:"source"`
	// Line is an inline dismissal's comment's line, in the finding's file.
	Line int `json:"line,omitempty"`
}

// EvidenceNearQuote is a finding's Evidence when every quote among its
// finders matched only as a near copy of the diff's code.
const EvidenceNearQuote = "near-quote"

// Member is one reviewer's own finding inside a consolidated finding.
type Member struct {
	Reviewer string `json:"reviewer"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
	Category string `json:"category"`
	// File is the member's file when it is not the finding's: a judge
	// (merge.judge) may group a cause in one file with its symptom in
	// another. "" means the finding's file.
	File string `json:"file,omitempty"`
	// Line and EndLine are where it was anchored (0 for file-level).
	Line    int `json:"line"`
	EndLine int `json:"end_line"`
	// OldLine is the old-side line of a member about deleted code (0
	// otherwise): every deleted line of a hunk sits at one new-side line,
	// so two deletions far apart differ only here.
	OldLine int    `json:"old_line,omitempty"`
	Quote   string `json:"quote,omitempty"`
	// Kinds are this member's own issue kinds (merge's taxonomy, from its
	// words): an inline "quorum:ignore KIND" covers the member only when
	// KIND is one of them.
	Kinds []string `json:"kinds,omitempty"`
	// Fix is the member's own suggested fix, when it gave one: the
	// finding shows one (its Fix), and another finder's may differ.
	Fix string `json:"fix,omitempty"`
}

// Part is one rules finding inside a judged finding: what a dismissal of
// it records.
type Part struct {
	Fingerprint string `json:"fingerprint"`
	// LegacyFingerprint is Finding's: what an older ledger entry names.
	LegacyFingerprint string   `json:"legacy_fingerprint,omitempty"`
	Kinds             []string `json:"kinds,omitempty"`
	Severity          string   `json:"severity"`
	File              string   `json:"file"`
	Line              int      `json:"line"`
	Title             string   `json:"title"`
}

// Agreement is len(Reviewers) of SeenBy as "k of n".
func (f Finding) Agreement() (k, n int) { return len(f.Reviewers), f.SeenBy }

// CodeLine is one real line of the diff.
type CodeLine struct {
	Kind string `json:"kind"`
	Old  int    `json:"old,omitempty"`
	New  int    `json:"new,omitempty"`
	Text string `json:"text"`
	// Altered says Text is not the line's bytes as they are (a CRLF
	// line's carriage return left out, or escapes shown for control or
	// invisible characters and bytes that are no UTF-8): no edit of the
	// file is built from it.
	Altered bool `json:"altered,omitempty"`
}

// Wording is how another reviewer titled the same finding.
type Wording struct {
	Reviewer string `json:"reviewer"`
	Severity string `json:"severity"`
	Title    string `json:"title"`
}

// Note is a narrative item and the reviewers who wrote it.
type Note struct {
	Text      string   `json:"text"`
	Reviewers []string `json:"reviewers"`
}

// UntestedNote is a scenario reviewers think no test covers.
type UntestedNote struct {
	Scenario  string   `json:"scenario"`
	Risk      string   `json:"risk"` // "high", "medium", "low"; "" when the reviewers gave none of these
	Reviewers []string `json:"reviewers"`
}

// Commit is one reviewed commit and what code noticed about it.
type Commit struct {
	SHA     string   `json:"sha"`
	Subject string   `json:"subject"`
	Notes   []string `json:"notes,omitempty"`
}

// TODO is a TODO/FIXME/HACK/XXX marker on an added line.
type TODO struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Marker string `json:"marker"`
	Text   string `json:"text"`
}

// Checks are the code-computed observations about tests and docs.
type Checks struct {
	// SourceWithoutTests lists changed source files with no test change beside them.
	SourceWithoutTests []string `json:"source_without_tests"`
	TestsChanged       bool     `json:"tests_changed"`
	// APIWithoutDocs lists exported Go declarations changed with no doc change.
	APIWithoutDocs []APIChange `json:"api_without_docs"`
	DocsChanged    bool        `json:"docs_changed"`
}

// APIChange is an exported Go declaration added or removed.
type APIChange struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Change string `json:"change"` // "added" or "removed"
	Decl   string `json:"decl"`
}

// Coverage says which reviewer saw which file, and which files were skipped.
type Coverage struct {
	Reviewers []string       `json:"reviewers"`
	Files     []FileCoverage `json:"files"`
}

// Coverage cell values.
const (
	CoverReviewed   = "reviewed"
	CoverNotCovered = "not-covered"
	CoverFailed     = "failed"
	// CoverTruncated: part of the file did not fit the reviewer's context
	// even one line at a time: the plan could not fit it (it was never
	// sent), or the server cut a prompt with it even after quorum split it
	// again. The file was not reviewed in full.
	CoverTruncated = "truncated"
)

// FileCoverage is one row of the coverage table.
type FileCoverage struct {
	// Path is the path as the diff gives it, as in the findings:
	// renderers escape it (safetext.Path).
	Path    string `json:"path"`
	Status  string `json:"status"`
	Added   int    `json:"added"`
	Deleted int    `json:"deleted"`
	// By maps reviewer name to reviewed / truncated / failed / not-covered.
	By map[string]string `json:"by"`
}

// Skipped is a file left out of the review, and why.
type Skipped struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// Totals are the review-wide metrics.
type Totals struct {
	Files        int `json:"files"`
	Added        int `json:"added"`
	Deleted      int `json:"deleted"`
	Commits      int `json:"commits"`
	RawFindings  int `json:"raw_findings"`
	Findings     int `json:"findings"`
	Corroborated int `json:"corroborated"`
	Rejected     int `json:"rejected"`
	Dismissed    int `json:"dismissed"`
	PromptTokens int `json:"tokens_in"`
	EvalTokens   int `json:"tokens_out"`
	Requests     int `json:"requests"`
	CacheHits    int `json:"cache_hits"`
}

// CommitSpan is the range of commits the report reviewed, "base..head"
// with full ids (as the hook writes its ranges), or "" for a review of
// staged or work-tree changes, which are not commits, or when the report
// names none.
func (r *Report) CommitSpan() string {
	if r.Mode == diff.ModeStaged || r.Mode == diff.ModeWorktree {
		return ""
	}
	from := r.MergeBase
	if from == "" {
		from = r.Base.Commit
	}
	if from == "" || r.Head.Commit == "" {
		return ""
	}
	return from + ".." + r.Head.Commit
}
