// Package ollamatest is a fake Ollama server on httptest for tests: scripted replies, load and generation time, faults, and a request log, over Ollama's API and its OpenAI-compatible /v1 endpoint.
package ollamatest

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Config scripts a fake server. The zero value serves DefaultModels with
// the default reply, instantly.
type Config struct {
	// Models installed; nil means DefaultModels(), an empty non-nil slice
	// means none.
	Models []Model
	// Rules pick a reply by model and prompt content; the first match wins.
	Rules []Rule
	// Reply answers when no rule matches; nil means DefaultReply.
	Reply func(model, prompt string) string
	// Faults make chosen requests fail.
	Faults []Fault

	// Version is what /api/version reports; "" means "0.32.15". Use "0.0.0"
	// to mimic an unstamped source build.
	Version string
	// OmitCapabilities mimics servers that report no capabilities in
	// /api/show and /api/tags.
	OmitCapabilities bool

	// TimeScale multiplies every simulated wait: 0 (the default) waits not at
	// all, 1 waits for real, 0.01 runs a hundred times faster. Reported
	// durations are always the unscaled simulated values.
	TimeScale float64
	// LoadTime is the time to load a model that is not resident (per model
	// override: Model.LoadTime).
	LoadTime time.Duration
	// TokensPerSecond is the generation speed of each request slot; 0 means 50.
	TokensPerSecond float64
	// PromptTokensPerSecond is the prompt processing speed; 0 means free.
	PromptTokensPerSecond float64
	// NumParallel is how many requests one loaded model serves at once
	// (OLLAMA_NUM_PARALLEL); others queue. 0 means 1.
	NumParallel int
	// MaxLoaded is how many models may be resident at once
	// (OLLAMA_MAX_LOADED_MODELS); 0 means 1, so each model switch is a load.
	MaxLoaded int
	// DefaultNumCtx is the context when a request sets no num_ctx; 0 means
	// 4096. It is the context of every request to the OpenAI-compatible
	// endpoint, which cannot set one: 2048 emulates Ollama v0.6.5's /v1.
	DefaultNumCtx int

	// BytesPerToken is the fake tokenizer's size of a token; 0 means 4 (see
	// EstimateTokens). 1 mimics a byte-level tokenizer such as the tiny
	// models' (internal/tinymodel).
	BytesPerToken float64
	// TruncatePrompts mimics ollama up to v0.12.5 (v0.6.5 included): a
	// prompt longer than num_ctx is cut silently, whatever "truncate" says.
	// Like its runner, the fake keeps the first TruncateKeep tokens and the
	// tail that fills num_ctx, reports prompt_eval_count = num_ctx, logs a
	// "truncating input prompt" line (TruncationLog), and replies (Rules) to
	// the text it kept.
	TruncatePrompts bool
	// NoPromptCount reports no prompt_eval_count (0, as a server sending
	// no usage does), whatever the prompt read.
	NoPromptCount bool
	// IgnoreNumPredict sends the whole reply whatever num_predict says, as a
	// misbehaving server would (the client must cut it).
	IgnoreNumPredict bool
	// HangPaths are paths ("/api/show", "/api/tags") whose requests are
	// accepted and never answered until the client gives up (or the server
	// closes): metadata calls that hang.
	HangPaths []string
}

// TruncateKeep is how many tokens a truncated prompt keeps from its start:
// ollama's default num_keep of 4, plus the BOS token.
const TruncateKeep = 5

// Model is one installed model.
type Model struct {
	Name          string // with tag, e.g. "qwen2.5-coder:7b"; no tag means ":latest"
	Family        string
	Families      []string
	Arch          string // general.architecture; "" means Family
	ParameterSize string // "7.6B"
	Quantization  string // "Q4_K_M"
	ContextLength int    // the trained context, <arch>.context_length
	Capabilities  []string
	Digest        string // "" means a hash of the name
	Size          int64  // bytes on disk and in memory

	LoadTime        time.Duration // overrides Config.LoadTime when > 0
	TokensPerSecond float64       // overrides Config.TokensPerSecond when > 0

	// NoPoolingType leaves "<arch>.pooling_type" out of an embedding
	// model's /api/show model_info, as for a converted BERT whose GGUF
	// records none: with OmitCapabilities only its family tells.
	NoPoolingType bool
}

// Rule picks Reply for a chat whose model is Model ("" any) and whose system
// or user prompt contains Contains ("" any).
type Rule struct {
	Model    string
	Contains string
	Reply    string
}

// FaultKind is a failure the fake can produce.
type FaultKind int

const (
	FaultServerError FaultKind = iota + 1 // 500 before any byte of the answer
	FaultBusy                             // 503 "server busy" (queue full)
	FaultNotFound                         // 404 even though the model is installed
	FaultHang                             // no answer at all until the client gives up
	FaultStall                            // half of the answer, then silence until the client gives up
	FaultInvalidJSON                      // the answer's content is not JSON
	FaultLength                           // half of the answer, done_reason "length"
	FaultDrop                             // half of the answer, then the connection closes
	FaultErrorLine                        // half of the answer, then an {"error":...} line in the 200 stream
	FaultGarbageLine                      // half of the answer, then a line that is not JSON
	FaultCutShort                         // half of the answer, then the stream ends with no done line (ollama abandoning a repeating answer)
	FaultEndless                          // the answer's tokens over and over, never done, ignoring num_predict, until the client goes away (streamed requests only)
)

func (k FaultKind) String() string {
	switch k {
	case FaultServerError:
		return "500"
	case FaultBusy:
		return "503"
	case FaultNotFound:
		return "404"
	case FaultHang:
		return "hang"
	case FaultStall:
		return "stall"
	case FaultInvalidJSON:
		return "invalid-json"
	case FaultLength:
		return "length"
	case FaultDrop:
		return "drop"
	case FaultErrorLine:
		return "error-line"
	case FaultGarbageLine:
		return "garbage-line"
	case FaultCutShort:
		return "cut-short"
	case FaultEndless:
		return "endless"
	}
	return "none"
}

// Fault makes matching /api/chat (and /api/generate) requests fail.
type Fault struct {
	Kind FaultKind
	// Model limits the fault to one model ("" any).
	Model string
	// Request limits it to the Nth model request (1-based, counting /api/chat
	// and non-empty /api/generate together, or loads when Loads is set);
	// 0 means any.
	Request int
	// Times is how often it fires before the model behaves again (503 twice
	// then OK: Times 2); 0 means every time.
	Times int
	// Loads aims the fault at model loads (an /api/generate with an empty
	// prompt) instead of model requests; only 500, 503, 404 and hang apply.
	Loads bool
	// Message overrides the error text of 500, 503 and error-line faults.
	Message string
	// Status overrides the 500 of a server-error fault: 401, 429 or 502
	// are what an auth layer or a proxy in front of the server answers.
	Status int
}

// DefaultReply is a minimal answer that follows quorum's reviewer schema.
const DefaultReply = `{"summary":"No problems found in this change.","findings":[],"strengths":[],"concerns":[],"untested":[],"docs":[]}`

// DefaultModels are three chat models of distinct families, one of them a
// coder, and an embedding model.
func DefaultModels() []Model {
	return []Model{
		{Name: "qwen2.5-coder:7b", Family: "qwen2", ParameterSize: "7.6B", Quantization: "Q4_K_M",
			ContextLength: 32768, Capabilities: []string{"completion", "tools", "insert"}, Size: 4_683_087_332},
		{Name: "llama3.1:8b", Family: "llama", ParameterSize: "8.0B", Quantization: "Q4_K_M",
			ContextLength: 131072, Capabilities: []string{"completion", "tools"}, Size: 4_920_753_328},
		{Name: "gemma2:9b", Family: "gemma2", ParameterSize: "9.2B", Quantization: "Q4_0",
			ContextLength: 8192, Capabilities: []string{"completion"}, Size: 5_443_152_417},
		{Name: "nomic-embed-text:latest", Family: "nomic-bert", ParameterSize: "137M", Quantization: "F16",
			ContextLength: 2048, Capabilities: []string{"embedding"}, Size: 274_302_450},
	}
}

func (m Model) digest() string {
	if m.Digest != "" {
		return m.Digest
	}
	sum := sha256.Sum256([]byte(m.Name))
	return hex.EncodeToString(sum[:])
}

func (m Model) arch() string {
	if m.Arch != "" {
		return m.Arch
	}
	if m.Family != "" {
		return m.Family
	}
	return "llama"
}
