package review

import (
	"encoding/json"
	"math"
	"strings"
	"time"
)

// This file is the hand-off from running reviewers (DESIGN §5) to
// consolidation (DESIGN §6): raw, validated answers plus metrics. It is saved
// as raw.json beside each report, and `quorum review --replay` reads it back,
// so its JSON shape is a contract.

// Answer is one reviewer's answer for one chunk: the reviewer output contract.
type Answer struct {
	Summary   string       `json:"summary"`
	Findings  []RawFinding `json:"findings"`
	Strengths []string     `json:"strengths"`
	Concerns  []string     `json:"concerns"`
	Untested  []Untested   `json:"untested"`
	Docs      []string     `json:"docs"`
}

// RawFinding is a finding exactly as the model gave it (after schema validation).
type RawFinding struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	EndLine  int    `json:"end_line,omitempty"`
	Quote    string `json:"quote"`
	Severity string `json:"severity"`
	Category string `json:"category"`
	// Kind is the kind from the reviewer schema's closed list
	// (merge's kinds, or "other"); optional: a missing or unknown kind is
	// inferred from the finding's words when merging.
	Kind        string `json:"kind,omitempty"`
	Title       string `json:"title"`
	Explanation string `json:"explanation"`
	Fix         string `json:"fix,omitempty"`
}

// Untested is a scenario the reviewer thinks no test covers.
type Untested struct {
	Scenario string `json:"scenario"`
	Risk     string `json:"risk"`
}

// Reviewer is one member of the panel: a model plus optional focus text.
type Reviewer struct {
	Name   string `json:"name"` // unique display name, usually the model name
	Model  string `json:"model"`
	Focus  string `json:"focus,omitempty"`
	NumCtx int    `json:"num_ctx,omitempty"` // per-reviewer override; 0 = derived
	// API and Host say which server this reviewer ran on ("" for the
	// default Ollama), for the retro.
	API  string `json:"api,omitempty"`
	Host string `json:"host,omitempty"`
}

// Reviewer statuses.
const (
	StatusOK      = "ok"      // every chunk answered
	StatusPartial = "partial" // some chunks failed
	StatusFailed  = "failed"  // no chunk answered
	StatusMissing = "missing" // model not installed
)

// Metrics are durations and token counts, the server's own where it reports them.
type Metrics struct {
	Wall               time.Duration `json:"wall_ns"`
	TotalDuration      time.Duration `json:"total_duration_ns"`
	LoadDuration       time.Duration `json:"load_duration_ns"`
	PromptEvalDuration time.Duration `json:"prompt_eval_duration_ns"`
	EvalDuration       time.Duration `json:"eval_duration_ns"`
	PromptTokens       int           `json:"prompt_tokens"`
	EvalTokens         int           `json:"eval_tokens"`
	Requests           int           `json:"requests"`
	Retries            int           `json:"retries"`
	CacheHits          int           `json:"cache_hits"`
}

// TokensPerSecond is generated tokens over generation time.
func (m Metrics) TokensPerSecond() float64 {
	if m.EvalDuration <= 0 {
		return 0
	}
	return float64(m.EvalTokens) / m.EvalDuration.Seconds()
}

// MarshalJSON adds the derived tokens_per_sec, so raw.json and
// `quorum review --raw --format json` show the rate without a calculator.
func (m Metrics) MarshalJSON() ([]byte, error) {
	type plain Metrics // no MarshalJSON: no recursion
	return json.Marshal(struct {
		plain
		TokensPerSec float64 `json:"tokens_per_sec"`
	}{plain(m), math.Round(m.TokensPerSecond()*10) / 10})
}

// Add accumulates o into m.
func (m *Metrics) Add(o Metrics) {
	m.Wall += o.Wall
	m.TotalDuration += o.TotalDuration
	m.LoadDuration += o.LoadDuration
	m.PromptEvalDuration += o.PromptEvalDuration
	m.EvalDuration += o.EvalDuration
	m.PromptTokens += o.PromptTokens
	m.EvalTokens += o.EvalTokens
	m.Requests += o.Requests
	m.Retries += o.Retries
	m.CacheHits += o.CacheHits
}

// ChunkResult is one reviewer's outcome on one chunk.
type ChunkResult struct {
	Chunk  string   `json:"chunk"` // chunk id (stable hash of its content)
	Files  []string `json:"files"` // files the chunk covered
	Answer *Answer  `json:"answer,omitempty"`
	// Notes say where Answer reads differently from what the model wrote
	// (a value outside the schema read as another, quoting the model's;
	// items over the schema's limits left out), one line each.
	Notes []string `json:"notes,omitempty"`
	Error string   `json:"error,omitempty"` // why the chunk failed, if it did
	// Truncated: the server cut the prompt and no smaller split fits; the
	// chunk's files are not reviewed.
	Truncated bool `json:"truncated,omitempty"`
	Cached    bool `json:"cached,omitempty"`
	// CacheKey is the answer's key in the cache, when it was read from
	// there or written there: 'quorum status' checks the answer is still
	// there before it says a push will not ask for it.
	CacheKey string  `json:"cache_key,omitempty"`
	Metrics  Metrics `json:"metrics"`
}

// Answered reports whether the reviewer answered at least part of the diff.
func (r RawResult) Answered() bool { return r.Status == StatusOK || r.Status == StatusPartial }

// StoppedBeforeAnswering reports a failed reviewer none of whose requests
// failed, whose only error is the run's interruption (Ctrl-C, a timeout).
// A model that answered badly, or could not load, failed on its own.
func (r RawResult) StoppedBeforeAnswering() bool {
	for _, c := range r.Chunks {
		if c.Answer == nil {
			return false
		}
	}
	return r.Status == StatusFailed && (r.Error == "" || strings.HasPrefix(r.Error, "interrupted"))
}

// RawResult is everything one reviewer produced in one review.
type RawResult struct {
	Reviewer Reviewer      `json:"reviewer"`
	Digest   string        `json:"digest,omitempty"`
	Options  Options       `json:"options"`
	Status   string        `json:"status"`
	Error    string        `json:"error,omitempty"`
	Hint     string        `json:"hint,omitempty"`
	Chunks   []ChunkResult `json:"chunks"`
	// Covered lists files this reviewer saw; NotCovered, files it could not
	// fit; Truncated, files some part of which the server cut even after
	// splitting again (not reviewed in full).
	Covered    []string `json:"covered"`
	NotCovered []string `json:"not_covered,omitempty"`
	Truncated  []string `json:"truncated,omitempty"`
	// BytesPerToken is what the chunks were planned with; Calibration says
	// where it came from: "probe" (measured now), "cache" (measured before),
	// "conservative" (unmeasured: the probe failed) or "not-needed" (the
	// diff plans the same at any figure).
	BytesPerToken float64 `json:"bytes_per_token,omitempty"`
	Calibration   string  `json:"calibration,omitempty"`
	// ProbeCut, with Calibration "conservative", is the prompt tokens the
	// server read of the tokenizer probe before it cut it: the context it
	// runs the model at is too small for the probe.
	ProbeCut int `json:"probe_cut,omitempty"`
	// Resplits counts prompts the server cut that were split and asked again.
	Resplits int `json:"resplits,omitempty"`
	// Unasked counts planned chunks with no result: the run stopped (the
	// server went away, Ctrl-C, a timeout) before it reached them, or, for
	// Ctrl-C and a timeout, while one was being asked. They are in no
	// entry of Chunks (which counts the parts of a split chunk each).
	Unasked int     `json:"unasked,omitempty"`
	Metrics Metrics `json:"metrics"`
}

// Raw is the saved outcome of the model-calling stage of one review.
type Raw struct {
	Schema        string        `json:"schema"` // "quorum.raw/v1"
	PromptVersion string        `json:"prompt_version"`
	StartedAt     time.Time     `json:"started_at"`
	Wall          time.Duration `json:"wall_ns"`
	Interrupted   bool          `json:"interrupted,omitempty"`
	Results       []RawResult   `json:"results"`
	// Judge is the judge's answer when merge.judge named one: kept with
	// the reviewers' answers so a replay groups the findings as the
	// review did, with no model call.
	Judge *JudgeRun `json:"judge,omitempty"`
}

// JudgeRun is one judge request: the model asked to group the review's
// findings into defects (merge.JudgePrompt), and what it answered.
type JudgeRun struct {
	Model string `json:"model"`
	// Digest is the model's digest, as the server reported it ("" when
	// it reported none): what the answer is cached under.
	Digest string `json:"digest,omitempty"`
	// PromptSHA256 is the hex SHA-256 of the prompt the judge saw: an
	// answer is only used for findings that give the same prompt.
	PromptSHA256 string `json:"prompt_sha256"`
	// Answer is the judge's answer text, as it came.
	Answer string `json:"answer,omitempty"`
	// Error says why the judge gave no usable answer (unreachable, model
	// missing, prompt too large, answer cut off); "" when it answered.
	Error string `json:"error,omitempty"`
	// Skipped says why the judge was not asked (fewer than two
	// reviewers' findings: nothing to group).
	Skipped string  `json:"skipped,omitempty"`
	Metrics Metrics `json:"metrics"`
}
