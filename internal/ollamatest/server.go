package ollamatest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
)

// Server is a running fake Ollama on a loopback port.
type Server struct {
	// URL is "http://127.0.0.1:PORT"; Host is "127.0.0.1:PORT" (an OLLAMA_HOST value).
	URL  string
	Host string

	cfg         Config
	models      []Model
	srv         *httptest.Server
	numParallel int
	maxLoaded   int
	done        chan struct{}

	mu          sync.Mutex
	changed     chan struct{}
	resident    []*slot
	loads       []LoadEvent
	log         []Request
	modelReqs   int // /api/chat plus generating /api/generate, for Fault.Request
	loadReqs    int // empty /api/generate, for Fault.Request with Loads
	fired       []int
	inFlight    int
	maxInFlight int
	truncations []string // Config.TruncatePrompts log lines
}

// Request is one logged request, in arrival order.
type Request struct {
	Seq       int // 1-based over all requests
	Method    string
	Path      string
	Model     string
	System    string
	Prompt    string // the user message (chat) or prompt (generate)
	Options   map[string]any
	Format    json.RawMessage
	KeepAlive *time.Duration
	Truncate  *bool
	Stream    bool
	// Loaded is true when this request made the fake load its model.
	Loaded bool
	Fault  FaultKind
	Status int
	// PromptEvalCount and EvalCount are what the fake reported.
	PromptEvalCount, EvalCount int
	// Start is arrival, Slot when it got its model slot (after any queueing
	// and load) and Released when it gave the slot back (both zero if it
	// never had one), End when the handler returned.
	Start, Slot, Released, End time.Time
}

// TB is the part of testing.TB New needs, so a *testing.T, *testing.B or an
// example's own cleanup list will do.
type TB interface {
	Helper()
	Cleanup(func())
}

var _ TB = (testing.TB)(nil)

// New starts a fake server and stops it when the test ends.
func New(tb TB, cfg Config) *Server {
	tb.Helper()
	s := &Server{
		cfg:     cfg,
		models:  cfg.Models,
		done:    make(chan struct{}),
		changed: make(chan struct{}),
		fired:   make([]int, len(cfg.Faults)),
	}
	if s.models == nil {
		s.models = DefaultModels()
	}
	s.numParallel = max(cfg.NumParallel, 1)
	s.maxLoaded = max(cfg.MaxLoaded, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/", s.handleRoot)
	mux.HandleFunc("GET /api/version", s.handleVersion)
	mux.HandleFunc("GET /api/tags", s.handleTags)
	mux.HandleFunc("POST /api/show", s.handleShow)
	mux.HandleFunc("GET /api/ps", s.handlePS)
	mux.HandleFunc("POST /api/chat", s.handleChat)
	mux.HandleFunc("POST /api/generate", s.handleGenerate)
	mux.HandleFunc("GET /v1/models", s.handleOpenAIModels)
	mux.HandleFunc("POST "+OpenAIChatPath, s.handleOpenAIChat)
	s.srv = httptest.NewServer(s.logged(mux))
	s.URL = s.srv.URL
	s.Host = strings.TrimPrefix(s.srv.URL, "http://")
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server, ending hung requests first. It is safe to call twice.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.done:
		s.mu.Unlock()
		return
	default:
	}
	close(s.done)
	s.mu.Unlock()
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// logged counts requests in flight.
func (s *Server) logged(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.inFlight++
		s.maxInFlight = max(s.maxInFlight, s.inFlight)
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			s.inFlight--
			s.mu.Unlock()
		}()
		if slices.Contains(s.cfg.HangPaths, r.URL.Path) {
			s.waitGone(r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// begin logs a request and returns its index in the log.
func (s *Server) begin(r *http.Request, entry Request) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	entry.Seq = len(s.log) + 1
	entry.Method = r.Method
	entry.Path = r.URL.Path
	entry.Start = time.Now()
	s.log = append(s.log, entry)
	return len(s.log) - 1
}

func (s *Server) finish(i, status int, update func(*Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log[i].Status = status
	s.log[i].End = time.Now()
	if update != nil {
		update(&s.log[i])
	}
}

// Requests returns the log of every request so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// Chats returns the logged /api/chat requests.
func (s *Server) Chats() []Request { return s.requestsTo("/api/chat") }

// OpenAIChats returns the logged /v1/chat/completions requests.
func (s *Server) OpenAIChats() []Request { return s.requestsTo(OpenAIChatPath) }

func (s *Server) requestsTo(path string) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// Count returns how many requests reached path.
func (s *Server) Count(path string) int { return len(s.requestsTo(path)) }

// ModelCalls counts requests that asked a model for an answer (chat, a
// non-empty generate, or an OpenAI-compatible chat): zero means "no model
// call".
func (s *Server) ModelCalls() int {
	n := 0
	for _, r := range s.Requests() {
		if r.Path == "/api/chat" || r.Path == OpenAIChatPath || (r.Path == "/api/generate" && r.Prompt != "") {
			n++
		}
	}
	return n
}

// Loads returns the model loads in order.
func (s *Server) Loads() []LoadEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]LoadEvent(nil), s.loads...)
}

// Resident returns the models loaded now, least recently used first.
func (s *Server) Resident() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, sl := range s.resident {
		out = append(out, sl.model)
	}
	return out
}

// InFlight is the number of requests being served now; MaxInFlight the most at once.
func (s *Server) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight
}

// MaxInFlight is the largest number of requests served at once so far.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

func (s *Server) model(name string) (Model, bool) {
	for _, m := range s.models {
		if sameModel(m.Name, name) {
			return m, true
		}
	}
	return Model{}, false
}

func sameModel(a, b string) bool { return normalize(a) == normalize(b) }

// normalize reads a name as ollama does: the default registry and the
// library namespace may be written or left out, and no tag is :latest.
func normalize(n string) string {
	n = strings.ToLower(strings.TrimSpace(n))
	if parts := strings.Split(n, "/"); len(parts) == 3 && parts[0] == "registry.ollama.ai" && parts[1] == "library" || len(parts) == 2 && parts[0] == "library" {
		n = parts[len(parts)-1]
	}
	if !strings.Contains(n[strings.LastIndexByte(n, '/')+1:], ":") {
		n += ":latest"
	}
	return n
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func (s *Server) handleRoot(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		i := s.begin(r, Request{})
		writeError(w, http.StatusNotFound, "404 page not found")
		s.finish(i, http.StatusNotFound, nil)
		return
	}
	_, _ = fmt.Fprint(w, "Ollama is running")
}

func (s *Server) handleVersion(w http.ResponseWriter, r *http.Request) {
	i := s.begin(r, Request{})
	v := s.cfg.Version
	if v == "" {
		v = "0.32.15"
	}
	writeJSON(w, http.StatusOK, map[string]string{"version": v})
	s.finish(i, http.StatusOK, nil)
}

var modifiedAt = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func (s *Server) details(m Model) map[string]any {
	fams := m.Families
	if fams == nil && m.Family != "" {
		fams = []string{m.Family}
	}
	return map[string]any{
		"parent_model": "", "format": "gguf", "family": m.Family, "families": fams,
		"parameter_size": m.ParameterSize, "quantization_level": m.Quantization,
	}
}

func (s *Server) capabilities(m Model) []string {
	if m.Capabilities == nil {
		return []string{"completion"}
	}
	return m.Capabilities
}

func (s *Server) handleTags(w http.ResponseWriter, r *http.Request) {
	i := s.begin(r, Request{})
	models := []map[string]any{}
	for _, m := range s.models {
		e := map[string]any{
			"name": m.Name, "model": m.Name, "modified_at": modifiedAt, "size": m.Size,
			"digest": m.digest(), "details": s.details(m),
		}
		if !s.cfg.OmitCapabilities {
			e["capabilities"] = s.capabilities(m)
		}
		models = append(models, e)
	}
	writeJSON(w, http.StatusOK, map[string]any{"models": models})
	s.finish(i, http.StatusOK, nil)
}

func (s *Server) handleShow(w http.ResponseWriter, r *http.Request) {
	var req api.ShowRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		i := s.begin(r, Request{})
		writeError(w, http.StatusBadRequest, err.Error())
		s.finish(i, http.StatusBadRequest, nil)
		return
	}
	name := req.Model
	if name == "" {
		// Clients before the model field sent only name.
		name = req.Name //lint:ignore SA1019 old clients' requests are still served
	}
	i := s.begin(r, Request{Model: name})
	m, ok := s.model(name)
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("model '%s' not found", name))
		s.finish(i, http.StatusNotFound, nil)
		return
	}
	arch := m.arch()
	info := map[string]any{
		"general.architecture":    arch,
		"general.parameter_count": paramCount(m.ParameterSize),
		arch + ".context_length":  m.ContextLength,
	}
	caps := s.capabilities(m)
	for _, c := range caps {
		if c == "embedding" && !m.NoPoolingType {
			info[arch+".pooling_type"] = 1
		}
	}
	resp := map[string]any{
		"modelfile":   "FROM " + m.Name,
		"parameters":  "",
		"template":    "{{ .Prompt }}",
		"details":     s.details(m),
		"model_info":  info,
		"modified_at": modifiedAt,
	}
	if !s.cfg.OmitCapabilities {
		resp["capabilities"] = caps
	}
	writeJSON(w, http.StatusOK, resp)
	s.finish(i, http.StatusOK, nil)
}

func paramCount(size string) int64 {
	var f float64
	var unit string
	if _, err := fmt.Sscanf(size, "%f%s", &f, &unit); err != nil {
		return 0
	}
	switch strings.ToUpper(unit) {
	case "K":
		f *= 1e3
	case "M":
		f *= 1e6
	case "B":
		f *= 1e9
	case "T":
		f *= 1e12
	}
	return int64(f)
}

func (s *Server) handlePS(w http.ResponseWriter, r *http.Request) {
	i := s.begin(r, Request{})
	s.mu.Lock()
	models := []map[string]any{}
	for _, sl := range s.resident {
		m, _ := s.model(sl.model)
		models = append(models, map[string]any{
			"name": sl.model, "model": sl.model, "size": sl.size, "digest": sl.digest,
			"details": s.details(m), "expires_at": sl.expires, "size_vram": 0, "context_length": sl.numCtx,
		})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"models": models})
	s.finish(i, http.StatusOK, nil)
}
