package ollamatest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// The fake also serves Ollama's OpenAI-compatible endpoint, as Ollama does:
// GET /v1/models and POST /v1/chat/completions. That API cannot set a
// context size, so every /v1 request runs at the server's default context,
// DefaultNumCtx (Ollama's OLLAMA_CONTEXT_LENGTH: 2048 in v0.6.5, the value
// to emulate it with; 0 means 4096), capped by the model's own length. A
// longer prompt is cut as on /api/chat (with TruncatePrompts: its first
// tokens and its tail kept, a "truncating input prompt" line logged,
// prompt_tokens the context size), and the reply (Rules) is to what was
// kept. Rules, Reply, Faults, the scheduler and the request log apply
// unchanged; a logged /v1 request has the Options Ollama derives from it
// (num_predict from max_tokens, temperature, seed) and never num_ctx.

// OpenAIChatPath is the path of the fake's OpenAI-compatible chat endpoint.
const OpenAIChatPath = "/v1/chat/completions"

type oaiMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// text reads a message's content: a string, or OpenAI's array of parts.
func (m oaiMessage) text() string {
	var s string
	if json.Unmarshal(m.Content, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	_ = json.Unmarshal(m.Content, &parts)
	for _, p := range parts {
		if p.Type == "text" {
			s += p.Text
		}
	}
	return s
}

type oaiRequest struct {
	Model         string       `json:"model"`
	Messages      []oaiMessage `json:"messages"`
	Stream        bool         `json:"stream"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
	MaxTokens      *int     `json:"max_tokens"`
	Temperature    *float64 `json:"temperature"`
	Seed           *int     `json:"seed"`
	ResponseFormat *struct {
		Type       string `json:"type"`
		JSONSchema *struct {
			Schema json.RawMessage `json:"schema"`
		} `json:"json_schema"`
	} `json:"response_format"`
}

func (s *Server) handleOpenAIModels(w http.ResponseWriter, r *http.Request) {
	i := s.begin(r, Request{})
	data := []map[string]any{}
	for _, m := range s.models {
		data = append(data, map[string]any{"id": normalize(m.Name), "object": "model", "created": modifiedAt.Unix(), "owned_by": "library"})
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data})
	s.finish(i, http.StatusOK, nil)
}

func (s *Server) handleOpenAIChat(w http.ResponseWriter, r *http.Request) {
	var req oaiRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		i := s.begin(r, Request{})
		writeOpenAIError(w, http.StatusBadRequest, err.Error())
		s.finish(i, http.StatusBadRequest, nil)
		return
	}
	opts := map[string]any{}
	if req.MaxTokens != nil {
		opts["num_predict"] = float64(*req.MaxTokens)
	}
	if req.Temperature != nil {
		opts["temperature"] = *req.Temperature
	}
	if req.Seed != nil {
		opts["seed"] = float64(*req.Seed)
	}
	g := genRequest{chat: true, openai: true, model: req.Model, options: opts, stream: req.Stream,
		usage: req.StreamOptions != nil && req.StreamOptions.IncludeUsage}
	if f := req.ResponseFormat; f != nil {
		switch {
		case f.Type == "json_schema" && f.JSONSchema != nil:
			g.format = f.JSONSchema.Schema
		case f.Type == "json_object":
			g.format = json.RawMessage(`"json"`)
		}
	}
	var sys, user string
	for _, m := range req.Messages {
		switch m.Role {
		case "system":
			sys += m.text()
		default:
			if user != "" {
				user += "\n"
			}
			user += m.text()
		}
	}
	g.system, g.prompt = sys, user
	s.generate(w, r, g)
}

// writeOpenAIError answers with the error body Ollama's OpenAI middleware writes.
func writeOpenAIError(w http.ResponseWriter, status int, msg string) {
	kind := "api_error"
	switch status {
	case http.StatusBadRequest:
		kind = "invalid_request_error"
	case http.StatusNotFound:
		kind = "not_found_error"
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": kind, "param": nil, "code": nil}})
}

// oaiChunk is one streamed chat.completion.chunk: a piece of content, or
// (reason set) the finishing one.
func oaiChunk(model, content, reason string) map[string]any {
	var finish any
	if reason != "" {
		finish = reason
	}
	return map[string]any{
		"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": time.Now().Unix(), "model": model,
		"system_fingerprint": "fp_ollama",
		"choices":            []any{map[string]any{"index": 0, "delta": map[string]any{"role": "assistant", "content": content}, "finish_reason": finish}},
	}
}

func oaiUsage(prompt, completion int) map[string]any {
	return map[string]any{"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
}

// oaiWhole is a non-streamed chat.completion.
func oaiWhole(model, content, reason string, prompt, completion int) map[string]any {
	return map[string]any{
		"id": "chatcmpl-fake", "object": "chat.completion", "created": time.Now().Unix(), "model": model,
		"system_fingerprint": "fp_ollama",
		"choices":            []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": content}, "finish_reason": reason}},
		"usage":              oaiUsage(prompt, completion),
	}
}

// sseData is one server-sent event carrying v as JSON.
func sseData(v any) string {
	b, _ := json.Marshal(v)
	return fmt.Sprintf("data: %s\n\n", b)
}
