package ollama

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ollama/ollama/api"

	"github.com/quorum-review/quorum/review"
)

// List returns the installed models, each described as Show does (context
// length and capabilities need /api/show; /api/tags alone lacks them).
//
// Each request has its own deadline (Config.MetaTimeout).
func (c *Client) List(ctx context.Context) ([]review.ModelInfo, error) {
	tags, err := c.tags(ctx)
	if err != nil {
		return nil, c.mapErr(ctx, "list models", "", err)
	}
	out := make([]review.ModelInfo, 0, len(tags.Models))
	for _, t := range tags.Models {
		info := fromTag(t)
		show, err := c.show(ctx, t.Name)
		if err != nil {
			return nil, c.mapErr(ctx, "describe "+t.Name, t.Name, err)
		}
		merge(&info, show)
		out = append(out, info)
	}
	return out, nil
}

// Show describes one installed model. The digest comes from /api/tags, since
// /api/show does not report it; a model missing there is ErrModelNotFound.
func (c *Client) Show(ctx context.Context, name string) (review.ModelInfo, error) {
	show, err := c.show(ctx, name)
	if err != nil {
		return review.ModelInfo{}, c.mapErr(ctx, "describe "+name, name, err)
	}
	info := review.ModelInfo{Name: name}
	tags, err := c.tags(ctx)
	if err != nil {
		return review.ModelInfo{}, c.mapErr(ctx, "list models", "", err)
	}
	for _, t := range tags.Models {
		if SameModel(t.Name, name) || SameModel(t.Model, name) {
			info = fromTag(t)
			break
		}
	}
	merge(&info, show)
	return info, nil
}

// tags is /api/tags under the metadata deadline.
func (c *Client) tags(ctx context.Context) (*api.ListResponse, error) {
	ctx, cancel := c.metaCtx(ctx)
	defer cancel()
	return c.api.List(ctx)
}

// show is /api/show under the metadata deadline.
func (c *Client) show(ctx context.Context, name string) (*api.ShowResponse, error) {
	ctx, cancel := c.metaCtx(ctx)
	defer cancel()
	return c.api.Show(ctx, &api.ShowRequest{Model: name})
}

// SameModel reports whether two model names mean the same model, as
// ollama reads them (review.ModelName): a name without a tag means
// ":latest", and "library/" and "registry.ollama.ai/library/" are the
// default namespace.
func SameModel(a, b string) bool {
	return review.ModelName(a) == review.ModelName(b)
}

func fromTag(t api.ListModelResponse) review.ModelInfo {
	info := review.ModelInfo{
		Name:          t.Name,
		Digest:        t.Digest,
		Family:        t.Details.Family,
		Families:      t.Details.Families,
		ParameterSize: t.Details.ParameterSize,
		Quantization:  t.Details.QuantizationLevel,
		SizeBytes:     t.Size,
		ContextLength: t.Details.ContextLength,
	}
	for _, cp := range t.Capabilities {
		info.Capabilities = append(info.Capabilities, string(cp))
	}
	return info
}

// merge adds what /api/show knows: details the tags lacked, the context
// length from model_info "<arch>.context_length", and capabilities (inferred
// when an older server reports none).
func merge(info *review.ModelInfo, s *api.ShowResponse) {
	d := s.Details
	if info.Family == "" {
		info.Family = d.Family
	}
	if len(info.Families) == 0 {
		info.Families = d.Families
	}
	if info.ParameterSize == "" {
		info.ParameterSize = d.ParameterSize
	}
	if info.Quantization == "" {
		info.Quantization = d.QuantizationLevel
	}
	arch, _ := s.ModelInfo["general.architecture"].(string)
	if n := intValue(s.ModelInfo[arch+".context_length"]); arch != "" && n > 0 {
		info.ContextLength = n
	} else if info.ContextLength == 0 && d.ContextLength > 0 {
		info.ContextLength = d.ContextLength
	}
	if len(s.Capabilities) > 0 {
		info.Capabilities = info.Capabilities[:0]
		for _, cp := range s.Capabilities {
			info.Capabilities = append(info.Capabilities, string(cp))
		}
	}
	if len(info.Capabilities) == 0 {
		info.Capabilities = inferCapabilities(arch, info.Family, info.Families, s.ModelInfo)
	}
}

// embeddingArchs are architectures that only embed; older servers report no
// capabilities in /api/show, so these names are all we have to go on.
var embeddingArchs = []string{"bert", "nomic-bert", "nomic-bert-moe", "jina-bert-v2", "xlm-roberta", "roberta", "t5encoder"}

// inferCapabilities follows the server's own rule: a model whose GGUF has a
// pooling type embeds, anything else completes; known embedding
// architectures and families count as embedding even without that key.
func inferCapabilities(arch, family string, families []string, mi map[string]any) []string {
	if arch != "" {
		if _, ok := mi[arch+".pooling_type"]; ok {
			return []string{"embedding"}
		}
	}
	names := append([]string{arch, family}, families...)
	for _, n := range names {
		n = strings.ToLower(n)
		if n != "" && (slices.Contains(embeddingArchs, n) || strings.Contains(n, "embed")) {
			return []string{"embedding"}
		}
	}
	return []string{"completion"}
}

func intValue(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case int:
		return n
	case int64:
		return int(n)
	case string:
		var i int
		if _, err := fmt.Sscan(n, &i); err == nil {
			return i
		}
	}
	return 0
}
