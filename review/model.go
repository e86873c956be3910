// Package review holds the types every review stage shares: the model-server interfaces, raw answers and their metrics, severities and fix forms.
package review

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// This file declares what review needs from a model server. internal/ollama
// and internal/openai satisfy these interfaces; internal/ollamatest fakes
// the server behind them.

// ChatRequest is one reviewer call: a system and user prompt, a JSON schema
// the answer must follow, and the options that make it reproducible.
type ChatRequest struct {
	Model     string
	System    string
	Prompt    string
	Format    json.RawMessage // the JSON schema sent as Ollama's `format`
	Options   Options
	KeepAlive time.Duration
}

// Options are the generation options set on every request (DESIGN §5).
type Options struct {
	NumCtx      int     `json:"num_ctx"`
	NumPredict  int     `json:"num_predict"`
	Temperature float64 `json:"temperature"`
	Seed        int     `json:"seed"`
}

// ChatResponse is the answer text plus the server's own metrics.
type ChatResponse struct {
	Content            string
	DoneReason         string // "stop", "length", ...
	PromptEvalCount    int
	EvalCount          int
	TotalDuration      time.Duration
	LoadDuration       time.Duration
	PromptEvalDuration time.Duration
	EvalDuration       time.Duration
}

// Progress is told about generated tokens as they stream, for progress bars.
type Progress func(tokens int)

// Chatter sends one chat request and returns the whole answer.
type Chatter interface {
	Chat(ctx context.Context, req ChatRequest, progress Progress) (ChatResponse, error)
}

// ModelInfo describes one installed model (from /api/tags and /api/show).
type ModelInfo struct {
	Name          string   `json:"name"`
	Digest        string   `json:"digest"`
	Family        string   `json:"family"`
	Families      []string `json:"families,omitempty"`
	ParameterSize string   `json:"parameter_size,omitempty"`
	Quantization  string   `json:"quantization,omitempty"`
	ContextLength int      `json:"context_length"`
	Capabilities  []string `json:"capabilities,omitempty"`
	SizeBytes     int64    `json:"size_bytes,omitempty"`
}

// Catalog lists and describes installed models.
type Catalog interface {
	List(ctx context.Context) ([]ModelInfo, error)
	Show(ctx context.Context, name string) (ModelInfo, error)
}

// Sentinel errors a model server adapter wraps, so review classifies failures
// without knowing the transport.
var (
	ErrUnreachable   = errors.New("model server unreachable")
	ErrModelNotFound = errors.New("model not found")
	ErrBusy          = errors.New("model server busy")
)

// Answer size caps, enforced by the clients while they read (see MaxAnswerBytes).
const (
	// BytesPerPredictedToken is the bytes allowed per num_predict token: a
	// token is about 4 bytes of text, so 16 leaves room for long tokens and
	// the escaping a JSON answer adds.
	BytesPerPredictedToken = 16
	// MinAnswerBytes is the least any answer may take (64 KiB).
	MinAnswerBytes = 64 << 10
	// UnboundedAnswerBytes caps an answer whose request sets no num_predict (16 MiB).
	UnboundedAnswerBytes = 16 << 20
)

// MaxAnswerBytes is the most answer text a client reads for a request with
// numPredict: numPredict × BytesPerPredictedToken, at least MinAnswerBytes,
// and UnboundedAnswerBytes when numPredict is not positive. A server that
// sends more (one that ignores num_predict, or streams forever) is cut there
// and the answer counts as truncated (DoneReason "length").
func MaxAnswerBytes(numPredict int) int {
	if numPredict <= 0 || numPredict > UnboundedAnswerBytes/BytesPerPredictedToken {
		return UnboundedAnswerBytes
	}
	return max(numPredict*BytesPerPredictedToken, MinAnswerBytes)
}

// ModelName is the one spelling of a model name as Ollama reads it:
// lower case, the default registry and namespace dropped
// ("registry.ollama.ai/library/x", "library/x" and "x" are one model), and
// ":latest" when no tag is given. Two names with one ModelName are one
// model whatever digest a server reports.
func ModelName(n string) string {
	n = strings.ToLower(strings.TrimSpace(n))
	n = strings.TrimPrefix(n, "registry.ollama.ai/")
	if rest, ok := strings.CutPrefix(n, "library/"); ok && !strings.Contains(rest, "/") {
		n = rest
	}
	if !strings.Contains(n[strings.LastIndexByte(n, '/')+1:], ":") {
		n += ":latest"
	}
	return n
}
