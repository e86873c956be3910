package doctorcmd

import (
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review"
)

func TestSecondReviewerHintSuggestsAnotherFamily(t *testing.T) {
	chat := func(name string) review.ModelInfo {
		return review.ModelInfo{Name: name, Capabilities: []string{"completion"}}
	}
	// Only qwen and llama installed: the pull suggestion is neither.
	h := secondReviewerHint("qwen2.5-coder:7b", []review.ModelInfo{chat("qwen2.5-coder:7b"), chat("qwen2.5-coder:14b"), chat("llama3.1:8b")})
	if !strings.Contains(h, "--models qwen2.5-coder:7b,llama3.1:8b") || strings.Contains(h, "pull qwen") || strings.Contains(h, "pull llama") {
		t.Errorf("hint = %q", h)
	}
	// Only one family installed: no --models, pull a different family.
	h = secondReviewerHint("llama3.1:8b", []review.ModelInfo{chat("llama3.1:8b"), chat("llama3.2:3b")})
	if strings.Contains(h, "--models") || !strings.Contains(h, "ollama pull qwen2.5-coder:7b") {
		t.Errorf("hint = %q", h)
	}
	// A copy of the model under another name (`ollama cp`) is one model:
	// review refuses it as a second reviewer, so it is never suggested.
	same := chat("terse:latest")
	same.Digest = "sha256:ac0aed90dc9e"
	cp := chat("tersecopy:latest")
	cp.Digest = same.Digest
	h = secondReviewerHint("terse:latest", []review.ModelInfo{same, cp})
	if strings.Contains(h, "tersecopy") {
		t.Errorf("hint suggests a copy of the model: %q", h)
	}
	if f := family("hf.co/library/Llama3.1:8b"); f != "llama" {
		t.Errorf("family = %q", f)
	}
}

// TestSecondReviewerHintByServerFamily: installed models are told apart by
// the family their server reports, as the panel does: codellama is a
// llama, so it is no second opinion for llama3.1.
func TestSecondReviewerHintByServerFamily(t *testing.T) {
	m := func(name, fam string) review.ModelInfo {
		return review.ModelInfo{Name: name, Family: fam, Capabilities: []string{"completion"}}
	}
	h := secondReviewerHint("llama3.1:8b", []review.ModelInfo{m("llama3.1:8b", "llama"), m("codellama:7b", "llama")})
	if strings.Contains(h, "--models llama3.1:8b,codellama:7b") {
		t.Errorf("a model of the same server family suggested: %q", h)
	}
	h = secondReviewerHint("llama3.1:8b", []review.ModelInfo{m("llama3.1:8b", "llama"), m("codellama:7b", "llama"), m("mycoder:7b", "qwen2")})
	if !strings.Contains(h, "--models llama3.1:8b,mycoder:7b") {
		t.Errorf("hint = %q", h)
	}
}
