package openai

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"regexp"
	"strings"

	"github.com/quorum-review/quorum/review"
)

// modelEntry is one element of /v1/models' data, with the fields the
// servers add: vLLM's root, parent and max_model_len, llama-server's meta.
type modelEntry struct {
	ID          string         `json:"id"`
	OwnedBy     string         `json:"owned_by"`
	Root        string         `json:"root,omitempty"`
	Parent      string         `json:"parent,omitempty"`
	MaxModelLen int            `json:"max_model_len,omitempty"`
	ContextLen  int            `json:"context_length,omitempty"`
	MaxCtxLen   int            `json:"max_context_length,omitempty"`
	Meta        map[string]any `json:"meta,omitempty"`
	// Modified is Ollama's "created" (owned_by "library"): the model's
	// modification time, which re-creating it changes. Other servers
	// report the time of the request there, so it counts for Ollama only.
	Modified int64 `json:"modified,omitempty"`
}

// List returns the models the server serves, from GET {base}/models.
func (c *Client) List(ctx context.Context) ([]review.ModelInfo, error) {
	entries, err := c.models(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]review.ModelInfo, 0, len(entries))
	for _, e := range entries {
		out = append(out, c.info(e))
	}
	return out, nil
}

// Show describes one model the server lists (the servers have no common
// per-model endpoint, so it reads the list); a model not listed is
// review.ErrModelNotFound. A name without a tag matches "name:latest", as
// Ollama's /v1 lists its models.
func (c *Client) Show(ctx context.Context, name string) (review.ModelInfo, error) {
	entries, err := c.models(ctx)
	if err != nil {
		return review.ModelInfo{}, err
	}
	for _, e := range entries {
		if e.ID == name {
			return c.info(e), nil
		}
	}
	for _, e := range entries {
		if c.SameModel(e.ID, name) {
			return c.info(e), nil
		}
	}
	op := "describe " + name
	return review.ModelInfo{}, newErr(op, c.base.Host, 0,
		fmt.Sprintf("%s: the server at %s does not list model %q", op, c.base.Host, name), review.ErrModelNotFound)
}

func (c *Client) models(ctx context.Context) ([]modelEntry, error) {
	const op = "list models"
	// A metadata request has its own deadline (Config.MetaTimeout), retries
	// included: a server that accepts and never answers cannot hold us.
	ctx, cancel := context.WithTimeout(ctx, c.meta)
	defer cancel()
	resp, err := c.do(ctx, op, "", func() (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, c.endpoint("models"), nil)
	})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var list struct {
		Data []json.RawMessage `json:"data"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 32<<20)).Decode(&list); err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, ctxErr(op, cerr)
		}
		return nil, newErr(op, c.base.Host, 0,
			fmt.Sprintf("%s: %s%s does not answer like an OpenAI-compatible server", op, c.base.Host, c.base.Path), ErrServer, err)
	}
	out := make([]modelEntry, 0, len(list.Data))
	for _, raw := range list.Data {
		var e modelEntry
		var created struct {
			Created int64 `json:"created"`
		}
		if err := json.Unmarshal(raw, &e); err == nil && e.OwnedBy == "library" && json.Unmarshal(raw, &created) == nil {
			e.Modified = created.Created
		}
		if err := json.Unmarshal(raw, &e); err != nil || e.ID == "" {
			// One odd entry (a field of another type) must not hide the others.
			var id struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(raw, &id) != nil || id.ID == "" {
				continue
			}
			e = modelEntry{ID: id.ID}
		}
		out = append(out, e)
	}
	return out, nil
}

func (c *Client) info(e modelEntry) review.ModelInfo {
	return review.ModelInfo{
		Name:          e.ID,
		Digest:        c.digest(e),
		Family:        Family(e.ID),
		ContextLength: contextLength(e),
		Capabilities:  []string{"completion"},
	}
}

// contextLength is the first context size the server gives: vLLM's
// max_model_len, llama-server's meta.n_ctx (the server's) or meta.n_ctx_train
// (the model's), or a context_length field; 0 when none (unknown).
func contextLength(e modelEntry) int {
	for _, n := range []int{e.MaxModelLen, intValue(e.Meta["n_ctx"]), intValue(e.Meta["n_ctx_train"]), e.ContextLen, e.MaxCtxLen} {
		if n > 0 {
			return n
		}
	}
	return 0
}

func intValue(v any) int {
	if f, ok := v.(float64); ok && f > 0 && f < 1<<31 {
		return int(f)
	}
	return 0
}

// digest is the stable substitute for a model digest; see the package doc.
func (c *Client) digest(e modelEntry) string {
	// encoding/json sorts map keys, so the same answer hashes the same.
	b, _ := json.Marshal(struct {
		Base string `json:"base"`
		modelEntry
	}{c.base.String(), e})
	sum := sha256.Sum256(b)
	return "openai:" + hex.EncodeToString(sum[:])[:16]
}

var (
	// sizeSuffix is a parameter-size component: "-7b", "-0.5B", "-8x7b", "-135m", "_1.5b".
	sizeSuffix = regexp.MustCompile(`(?i)[-_](\d+x)?\d+(\.\d+)?[bm]([-_.].*)?$`)
	ggufSuffix = regexp.MustCompile(`(?i)\.gguf$`)
)

// Family guesses a model's family from its id: the last path element,
// lowercased, without ".gguf", a ":tag" or a "-<size>" component and what
// follows it ("Qwen/Qwen2.5-Coder-7B-Instruct" → "qwen2.5-coder",
// "qwen2.5-coder:7b" → "qwen2.5-coder").
func Family(id string) string {
	f := strings.ToLower(path.Base(strings.TrimSpace(id)))
	f = ggufSuffix.ReplaceAllString(f, "")
	if i := strings.IndexByte(f, ':'); i > 0 {
		f = f[:i]
	}
	if loc := sizeSuffix.FindStringIndex(f); loc != nil && loc[0] > 0 {
		f = f[:loc[0]]
	}
	return f
}
