// Package panel picks the default reviewer panel from the models installed in Ollama.
package panel

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/quorum-review/quorum/review"
)

// DefaultMax is the panel size when the caller gives none.
const DefaultMax = 3

// Select picks up to max (DefaultMax when max <= 0) reviewers from installed:
//
//   - chat-capable only: capabilities contain "completion" and never
//     "embedding" (adapters infer capabilities for servers that report none);
//   - one model per family (Family, else the name before the tag), so the
//     panel's opinions are as independent as the installed models allow;
//   - order, which also decides the model kept for each family: coder models
//     first (name or family contains "code": qwen2.5-coder, codellama,
//     codegemma, deepseek-coder, codestral), then larger parameter size
//     (a bigger model of a family reviews better), then name, so the result
//     is a pure function of the set of installed models whatever their order.
//
// The result is in that order.
func Select(installed []review.ModelInfo, max int) []review.ModelInfo {
	if max <= 0 {
		max = DefaultMax
	}
	var cands []review.ModelInfo
	for _, m := range installed {
		if ChatCapable(m) {
			cands = append(cands, m)
		}
	}
	slices.SortStableFunc(cands, compare)
	seen := map[string]bool{}
	var out []review.ModelInfo
	for _, m := range cands {
		fam := Family(m)
		if seen[fam] {
			continue
		}
		seen[fam] = true
		out = append(out, m)
		if len(out) == max {
			break
		}
	}
	return out
}

// ChatCapable reports whether m can answer a chat request.
func ChatCapable(m review.ModelInfo) bool {
	return slices.Contains(m.Capabilities, "completion") && !slices.Contains(m.Capabilities, "embedding")
}

// EmbeddingOnly reports whether m only embeds (nomic-embed-text,
// mxbai-embed-large, a BERT): a model that cannot chat at all, so naming
// it as a reviewer is a mistake to refuse, not a reviewer to wait for.
func EmbeddingOnly(m review.ModelInfo) bool {
	return slices.Contains(m.Capabilities, "embedding") && !slices.Contains(m.Capabilities, "completion")
}

// IsCoder reports whether m is a code model by name or family.
func IsCoder(m review.ModelInfo) bool {
	return strings.Contains(strings.ToLower(m.Name), "code") || strings.Contains(strings.ToLower(m.Family), "code")
}

func compare(a, b review.ModelInfo) int {
	if ca, cb := IsCoder(a), IsCoder(b); ca != cb {
		if ca {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(ParameterCount(b.ParameterSize), ParameterCount(a.ParameterSize)); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	return cmp.Compare(a.Digest, b.Digest)
}

// Family is a model's family: the one its server reports (codellama is a
// llama), else its name's base without the tag.
func Family(m review.ModelInfo) string {
	if f := strings.ToLower(strings.TrimSpace(m.Family)); f != "" {
		return f
	}
	name := strings.ToLower(m.Name)
	name = name[strings.LastIndexByte(name, '/')+1:]
	base, _, _ := strings.Cut(name, ":")
	return base
}

// ParameterCount reads an Ollama parameter size ("7.6B", "137M", "1.5T",
// "8x7B") as a number of parameters; 0 when it cannot.
func ParameterCount(s string) float64 {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return 0
	}
	mult := 1.0
	switch s[len(s)-1] {
	case 'K':
		mult, s = 1e3, s[:len(s)-1]
	case 'M':
		mult, s = 1e6, s[:len(s)-1]
	case 'B':
		mult, s = 1e9, s[:len(s)-1]
	case 'T':
		mult, s = 1e12, s[:len(s)-1]
	}
	experts := 1.0
	if e, rest, ok := strings.Cut(s, "X"); ok {
		n, err := strconv.ParseFloat(e, 64)
		if err != nil {
			return 0
		}
		experts, s = n, rest
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		return 0
	}
	return experts * f * mult
}

// SameWeights is the first pair of models (by index, i < j) that share a
// digest: one set of weights under two names ("x" and "x:latest", an
// `ollama cp` copy), whose reviews would agree with themselves. Models
// with no digest are never a pair; -1, -1 when there is none.
func SameWeights(models []review.ModelInfo) (i, j int) {
	first := map[string]int{}
	for j, m := range models {
		if m.Digest == "" {
			continue
		}
		if i, ok := first[m.Digest]; ok {
			return i, j
		}
		first[m.Digest] = j
	}
	return -1, -1
}

// ShortID is a digest as `ollama list` shows it: 12 hex digits.
func ShortID(digest string) string {
	id := strings.TrimPrefix(digest, "sha256:")
	return id[:min(len(id), 12)]
}
