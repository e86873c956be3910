package ollamatest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ollama/ollama/api"
)

// genRequest is what /api/chat and a generating /api/generate have in common.
type genRequest struct {
	chat      bool
	model     string
	system    string
	prompt    string
	options   map[string]any
	format    json.RawMessage
	keepAlive *time.Duration
	truncate  *bool
	stream    bool
	// openai: the request came to /v1/chat/completions and is answered in
	// OpenAI's format; usage: its stream ends with a usage chunk.
	openai bool
	usage  bool
}

// writeErr answers with an error in the request's API's format.
func (g genRequest) writeErr(w http.ResponseWriter, status int, msg string) {
	if g.openai {
		writeOpenAIError(w, status, msg)
		return
	}
	writeError(w, status, msg)
}

func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	var req api.ChatRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		i := s.begin(r, Request{})
		writeError(w, http.StatusBadRequest, err.Error())
		s.finish(i, http.StatusBadRequest, nil)
		return
	}
	g := genRequest{chat: true, model: req.Model, options: req.Options, format: req.Format,
		truncate: req.Truncate, stream: req.Stream == nil || *req.Stream, keepAlive: duration(req.KeepAlive)}
	var sys, user []string
	for _, m := range req.Messages {
		switch m.Role {
		case "system":
			sys = append(sys, m.Content)
		default:
			user = append(user, m.Content)
		}
	}
	g.system, g.prompt = strings.Join(sys, "\n"), strings.Join(user, "\n")
	s.generate(w, r, g)
}

func duration(d *api.Duration) *time.Duration {
	if d == nil {
		return nil
	}
	v := d.Duration
	return &v
}

func (s *Server) handleGenerate(w http.ResponseWriter, r *http.Request) {
	var req api.GenerateRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		i := s.begin(r, Request{})
		writeError(w, http.StatusBadRequest, err.Error())
		s.finish(i, http.StatusBadRequest, nil)
		return
	}
	if req.Prompt == "" {
		s.loadOrUnload(w, r, req)
		return
	}
	s.generate(w, r, genRequest{model: req.Model, system: req.System, prompt: req.Prompt, options: req.Options,
		format: req.Format, truncate: req.Truncate, stream: req.Stream == nil || *req.Stream, keepAlive: duration(req.KeepAlive)})
}

// pickFaultLocked returns the first fault that applies to the nth request
// for model and counts its firing.
func (s *Server) pickFaultLocked(model string, n int, load bool) Fault {
	for i, f := range s.cfg.Faults {
		if f.Loads != load || (f.Model != "" && !sameModel(f.Model, model)) ||
			(f.Request != 0 && f.Request != n) || (f.Times > 0 && s.fired[i] >= f.Times) {
			continue
		}
		s.fired[i]++
		return f
	}
	return Fault{}
}

func faultMessage(f Fault, def string) string {
	if f.Message != "" {
		return f.Message
	}
	return def
}

// answerFault answers the faults that replace a whole response (500, 503,
// 404, or a hang until the client gives up, recorded as 499) and returns
// the status; true when it answered.
func (s *Server) answerFault(w http.ResponseWriter, r *http.Request, f Fault, model string, writeErr func(http.ResponseWriter, int, string)) (int, bool) {
	switch f.Kind {
	case FaultServerError:
		status := cmp.Or(f.Status, http.StatusInternalServerError)
		writeErr(w, status, faultMessage(f, "llama runner process has terminated: signal: killed"))
		return status, true
	case FaultBusy:
		writeErr(w, http.StatusServiceUnavailable, faultMessage(f, "server busy, please try again.  maximum pending requests exceeded"))
		return http.StatusServiceUnavailable, true
	case FaultNotFound:
		writeErr(w, http.StatusNotFound, notFound(model))
		return http.StatusNotFound, true
	case FaultHang:
		s.waitGone(r)
		return 499, true
	}
	return 0, false
}

func notFound(model string) string {
	return fmt.Sprintf("model %q not found, try pulling it first", model)
}

// waitGone blocks until the client gives up or the server closes.
func (s *Server) waitGone(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-s.done:
	}
}

func (s *Server) loadOrUnload(w http.ResponseWriter, r *http.Request, req api.GenerateRequest) {
	ka := duration(req.KeepAlive)
	i := s.begin(r, Request{Model: req.Model, Options: req.Options, KeepAlive: ka, Stream: req.Stream == nil || *req.Stream})
	status, loaded := http.StatusOK, false
	defer func() { s.finish(i, status, func(rq *Request) { rq.Loaded = loaded }) }()

	s.mu.Lock()
	s.loadReqs++
	f := s.pickFaultLocked(req.Model, s.loadReqs, true)
	s.mu.Unlock()

	m, ok := s.model(req.Model)
	if !ok {
		status = http.StatusNotFound
		writeError(w, status, notFound(req.Model))
		return
	}
	if code, done := s.answerFault(w, r, f, req.Model, writeError); done {
		status = code
		return
	}
	now := time.Now().UTC()
	if ka != nil && *ka == 0 {
		s.unload(m.Name)
		writeJSON(w, http.StatusOK, api.GenerateResponse{Model: m.Name, CreatedAt: now, Done: true, DoneReason: "unload"})
		return
	}
	keep := keepAliveDefault
	if ka != nil {
		keep = *ka
	}
	didLoad, load, release, err := s.acquire(r.Context(), m, s.numCtx(req.Options, m), keep)
	if err != nil {
		status = 499
		return
	}
	release()
	loaded = didLoad
	writeJSON(w, http.StatusOK, api.GenerateResponse{Model: m.Name, CreatedAt: now, Done: true, DoneReason: "load",
		Metrics: api.Metrics{LoadDuration: load, TotalDuration: load}})
}

func (s *Server) numCtx(opts map[string]any, m Model) int {
	n := s.cfg.DefaultNumCtx
	if n <= 0 {
		n = 4096
	}
	if v, ok := opts["num_ctx"].(float64); ok && v > 0 {
		n = int(v)
	}
	if m.ContextLength > 0 && n > m.ContextLength {
		n = m.ContextLength
	}
	return n
}

func intOption(opts map[string]any, key string) int {
	if v, ok := opts[key].(float64); ok {
		return int(v)
	}
	return 0
}

// EstimateTokens is the fake's tokenizer: one token per 4 bytes, rounded up.
func EstimateTokens(s string) int { return (len(s) + 3) / 4 }

// tokens counts text with the configured tokenizer (Config.BytesPerToken).
func (s *Server) tokens(text string) int {
	bpt := s.cfg.BytesPerToken
	if bpt <= 0 {
		return EstimateTokens(text)
	}
	return int(math.Ceil(float64(len(text)) / bpt))
}

// cut keeps TruncateKeep tokens of text's start and the tail that makes
// numCtx tokens in all.
func (s *Server) cut(text string, numCtx int) string {
	bpt := s.cfg.BytesPerToken
	if bpt <= 0 {
		bpt = 4
	}
	head := min(len(text), int(float64(TruncateKeep)*bpt))
	tail := min(len(text)-head, int(float64(numCtx-TruncateKeep)*bpt))
	return text[:head] + text[len(text)-tail:]
}

// TruncationLog returns the "truncating input prompt" lines the server
// logged (Config.TruncatePrompts), as ollama's log has them.
func (s *Server) TruncationLog() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.truncations...)
}

// splitTokens cuts a reply into the pieces the fake streams, one "token" of
// up to 4 bytes each, never splitting a UTF-8 sequence.
func splitTokens(s string) []string {
	var out []string
	for len(s) > 0 {
		n := min(4, len(s))
		for n < len(s) && !utf8.RuneStart(s[n]) {
			n++
		}
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

func (s *Server) reply(model, system, prompt string) string {
	text := system + "\n" + prompt
	for _, r := range s.cfg.Rules {
		if (r.Model == "" || sameModel(r.Model, model)) && strings.Contains(text, r.Contains) {
			return r.Reply
		}
	}
	if s.cfg.Reply != nil {
		return s.cfg.Reply(model, prompt)
	}
	return DefaultReply
}

// invalidReply is what a model that ignores the format sends.
const invalidReply = "Sure! Here is my review of the change:\n{\"summary\": \"looks fine\", \"findings\": ["

var midStreamFaults = []FaultKind{FaultStall, FaultDrop, FaultErrorLine, FaultGarbageLine, FaultCutShort}

func (s *Server) generate(w http.ResponseWriter, r *http.Request, g genRequest) {
	i := s.begin(r, Request{Model: g.model, System: g.system, Prompt: g.prompt, Options: g.options,
		Format: g.format, KeepAlive: g.keepAlive, Truncate: g.truncate, Stream: g.stream})
	var (
		status       = http.StatusOK
		loaded       bool
		fault        Fault
		promptTokens int
		evalTokens   int
	)
	defer func() {
		s.finish(i, status, func(rq *Request) {
			rq.Loaded, rq.Fault, rq.PromptEvalCount, rq.EvalCount = loaded, fault.Kind, promptTokens, evalTokens
		})
	}()

	s.mu.Lock()
	s.modelReqs++
	fault = s.pickFaultLocked(g.model, s.modelReqs, false)
	s.mu.Unlock()

	m, ok := s.model(g.model)
	if !ok {
		status = http.StatusNotFound
		g.writeErr(w, status, notFound(g.model))
		return
	}
	if !slices.Contains(s.capabilities(m), "completion") {
		status = http.StatusBadRequest
		what := "generate"
		if g.chat {
			what = "chat"
		}
		g.writeErr(w, status, fmt.Sprintf("%q does not support %s", m.Name, what))
		return
	}
	if code, done := s.answerFault(w, r, fault, g.model, g.writeErr); done {
		status = code
		return
	}

	numCtx := s.numCtx(g.options, m)
	promptTokens = s.tokens(g.system) + s.tokens(g.prompt)
	if promptTokens > numCtx && s.cfg.TruncatePrompts {
		// What ollama's runner does: keep the first tokens and the tail.
		s.mu.Lock()
		s.truncations = append(s.truncations, fmt.Sprintf("truncating input prompt limit=%d prompt=%d keep=%d new=%d", numCtx, promptTokens, TruncateKeep, numCtx))
		s.mu.Unlock()
		g.system, g.prompt = "", s.cut(g.system+"\n"+g.prompt, numCtx)
		promptTokens = numCtx
	}
	if promptTokens > numCtx {
		if g.truncate != nil && !*g.truncate {
			status = http.StatusBadRequest
			g.writeErr(w, status, "the input length exceeds the context length")
			return
		}
		// What older servers do silently: keep only what fits.
		promptTokens = numCtx
	}
	keep := keepAliveDefault
	if g.keepAlive != nil {
		keep = *g.keepAlive
	}
	didLoad, load, release, err := s.acquire(r.Context(), m, numCtx, keep)
	if err != nil {
		status = 499
		return
	}
	defer release()
	loaded = didLoad
	slotAt := time.Now()
	defer func() {
		s.mu.Lock()
		s.log[i].Slot, s.log[i].Released = slotAt, time.Now()
		s.mu.Unlock()
	}()

	reply := s.reply(m.Name, g.system, g.prompt)
	if fault.Kind == FaultInvalidJSON {
		reply = invalidReply
	}
	toks := splitTokens(reply)
	doneReason := "stop"
	if fault.Kind == FaultLength {
		toks, doneReason = toks[:len(toks)/2], "length"
	}
	if np := intOption(g.options, "num_predict"); np > 0 && len(toks) > np && !s.cfg.IgnoreNumPredict {
		toks, doneReason = toks[:np], "length"
	}

	tps := m.TokensPerSecond
	if tps <= 0 {
		tps = s.cfg.TokensPerSecond
	}
	if tps <= 0 {
		tps = 50
	}
	var promptDur time.Duration
	if s.cfg.PromptTokensPerSecond > 0 {
		promptDur = time.Duration(float64(promptTokens) / s.cfg.PromptTokensPerSecond * float64(time.Second))
	}
	if err := s.sleep(r.Context(), promptDur); err != nil {
		status = 499
		return
	}
	reported := promptTokens // what the replies say it read
	if s.cfg.NoPromptCount {
		reported = 0
	}
	perToken := time.Duration(float64(time.Second) / tps)
	metrics := func(n int) api.Metrics {
		eval := time.Duration(n) * perToken
		return api.Metrics{
			TotalDuration: load + promptDur + eval, LoadDuration: load,
			PromptEvalCount: reported, PromptEvalDuration: promptDur,
			EvalCount: n, EvalDuration: eval,
		}
	}
	chunk := func(content string, done bool, reason string, met api.Metrics) any {
		now := time.Now().UTC()
		if g.chat {
			return api.ChatResponse{Model: m.Name, CreatedAt: now, Message: api.Message{Role: "assistant", Content: content},
				Done: done, DoneReason: reason, Metrics: met}
		}
		return api.GenerateResponse{Model: m.Name, CreatedAt: now, Response: content, Done: done, DoneReason: reason, Metrics: met}
	}
	midFault := slices.Contains(midStreamFaults, fault.Kind)

	if !g.stream {
		if err := s.sleep(r.Context(), time.Duration(len(toks))*perToken); err != nil {
			status = 499
			return
		}
		switch {
		case fault.Kind == FaultStall:
			s.waitGone(r)
			status = 499
		case fault.Kind == FaultDrop:
			status = 499
			panic(http.ErrAbortHandler)
		case fault.Kind == FaultErrorLine:
			status = http.StatusInternalServerError
			g.writeErr(w, status, faultMessage(fault, "an error was encountered while running the model: unexpected EOF"))
		case fault.Kind == FaultGarbageLine:
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			_, _ = fmt.Fprintln(w, "<html>this is not json</html>")
		case g.openai:
			evalTokens = len(toks)
			writeJSON(w, http.StatusOK, oaiWhole(m.Name, strings.Join(toks, ""), doneReason, reported, len(toks)))
		default:
			evalTokens = len(toks)
			writeJSON(w, http.StatusOK, chunk(strings.Join(toks, ""), true, doneReason, metrics(len(toks))))
		}
		return
	}

	contentType := "application/x-ndjson"
	if g.openai {
		contentType = "text/event-stream"
		// OpenAI's stream: a chunk per piece, the finishing chunk, the
		// usage when asked for, and [DONE]; an error as a data event.
		chunk = func(content string, _ bool, reason string, _ api.Metrics) any {
			return oaiChunk(m.Name, content, reason)
		}
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	enc := json.NewEncoder(w)
	send := func(v any) {
		if g.openai {
			_, _ = fmt.Fprint(w, sseData(v))
		} else {
			_ = enc.Encode(v)
		}
		if flusher != nil {
			flusher.Flush()
		}
	}
	cut := len(toks) / 2
	start := time.Now()
	scaledPer := s.scaled(perToken)
	if fault.Kind == FaultEndless && len(toks) > 0 {
		for k := 0; ; k++ {
			select {
			case <-r.Context().Done():
				status, evalTokens = 499, k
				return
			case <-s.done:
				status, evalTokens = 499, k
				return
			default:
			}
			if scaledPer > 0 {
				if err := s.sleepUntil(r.Context(), start.Add(time.Duration(k+1)*scaledPer)); err != nil {
					status, evalTokens = 499, k
					return
				}
			}
			send(chunk(toks[k%len(toks)], false, "", api.Metrics{}))
		}
	}
	for k := 0; k <= len(toks); k++ {
		if midFault && k == cut {
			switch fault.Kind {
			case FaultStall:
				s.waitGone(r)
				status = 499
			case FaultDrop:
				status = 499
				panic(http.ErrAbortHandler) // closes the connection mid-stream
			case FaultErrorLine:
				msg := faultMessage(fault, "an error was encountered while running the model: unexpected EOF")
				if g.openai {
					send(map[string]any{"error": map[string]any{"message": msg, "type": "api_error"}})
				} else {
					send(map[string]string{"error": msg})
				}
			case FaultGarbageLine:
				if g.openai {
					_, _ = fmt.Fprint(w, "data: ")
				}
				_, _ = fmt.Fprintln(w, "<html>this is not json</html>")
				if flusher != nil {
					flusher.Flush()
				}
			}
			evalTokens = k
			return
		}
		if k == len(toks) {
			break
		}
		if err := s.sleepUntil(r.Context(), start.Add(time.Duration(k+1)*scaledPer)); err != nil {
			status = 499
			evalTokens = k
			return
		}
		send(chunk(toks[k], false, "", api.Metrics{}))
	}
	evalTokens = len(toks)
	send(chunk("", true, doneReason, metrics(len(toks))))
	if g.openai {
		if g.usage {
			send(map[string]any{"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": time.Now().Unix(),
				"model": m.Name, "choices": []any{}, "usage": oaiUsage(reported, len(toks))})
		}
		_, _ = fmt.Fprint(w, "data: [DONE]\n\n")
		if flusher != nil {
			flusher.Flush()
		}
	}
}
