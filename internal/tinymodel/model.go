// Package tinymodel writes tiny deterministic llama-architecture GGUF models, so tests can drive a real Ollama server offline.
package tinymodel

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// The model shape. Small enough to load in a fraction of a second and
// generate hundreds of tokens per second on one CPU core, big enough that
// llama.cpp accepts it as an ordinary llama model.
const (
	NEmbd      = 64
	NLayer     = 2
	NHead      = 4
	NHeadKV    = 4
	NFF        = 128
	VocabSize  = 3 + 256 // <unk>, <s>, </s> and one token per byte
	RMSEpsilon = 1e-5

	UnkID = 0
	BOSID = 1
	EOSID = 2

	// DefaultContextLength is the llama.context_length written when Config leaves it 0.
	DefaultContextLength = 32768
)

// llama.cpp token types (tokenizer.ggml.token_type).
const (
	tokenNormal  = 1
	tokenUnknown = 2
	tokenControl = 3
	tokenByte    = 6
)

// Kind selects how the weights are made.
type Kind int

const (
	// Random fills every weight from a seeded normal distribution, with a
	// few steers (see randomScores): under a JSON schema it writes a finished,
	// schema-valid document of garbage, one item per array (the
	// hallucination path: findings that cannot be anchored).
	Random Kind = iota
	// Terse answers any schema with its smallest valid document (empty
	// strings and arrays) in a few dozen tokens: the fast success path.
	Terse
	// Runaway is Random steered the other way: every array filled to
	// maxItems, every optional key taken, every string to maxLength. Under
	// the reviewer schema that is tens of thousands of tokens, so it always
	// meets num_predict (the truncated-answer path).
	Runaway
)

func (k Kind) String() string {
	switch k {
	case Random:
		return "random"
	case Terse:
		return "terse"
	case Runaway:
		return "runaway"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Config describes one tiny model.
type Config struct {
	Kind Kind
	// Seed makes the weights; the same Config always gives the same bytes.
	Seed uint64
	// Name is written as general.name ("" gives "tiny-<kind>").
	Name string
	// ContextLength is llama.context_length, what /api/show reports (0 = DefaultContextLength).
	ContextLength uint32
}

// Template is a chat template for the Modelfile's TEMPLATE: plain role-tagged
// turns, which is all a byte-level model needs.
const Template = `{{- range .Messages }}{{ .Role }}: {{ .Content }}
{{ end }}assistant: `

// Modelfile returns a Modelfile that builds a model from the GGUF at ggufPath.
func Modelfile(ggufPath string) string {
	return fmt.Sprintf("FROM %s\nTEMPLATE \"\"\"%s\"\"\"\n", ggufPath, Template)
}

// Token returns the id of the byte token for b.
func Token(b byte) int { return 3 + int(b) }

// Build returns the metadata and tensors of the model cfg describes.
func Build(cfg Config) ([]KV, []Tensor) {
	if cfg.ContextLength == 0 {
		cfg.ContextLength = DefaultContextLength
	}
	if cfg.Name == "" {
		cfg.Name = "tiny-" + cfg.Kind.String()
	}
	tokens := make([]string, VocabSize)
	scores := make([]float32, VocabSize)
	types := make([]int32, VocabSize)
	tokens[UnkID], types[UnkID] = "<unk>", tokenUnknown
	tokens[BOSID], types[BOSID] = "<s>", tokenControl
	tokens[EOSID], types[EOSID] = "</s>", tokenControl
	for b := 0; b < 256; b++ {
		tokens[Token(byte(b))] = fmt.Sprintf("<0x%02X>", b)
		types[Token(byte(b))] = tokenByte
	}
	kvs := []KV{
		{"general.architecture", "llama"},
		{"general.name", cfg.Name},
		{"general.file_type", uint32(0)}, // all f32
		{"general.alignment", uint32(Alignment)},
		{"llama.context_length", cfg.ContextLength},
		{"llama.embedding_length", uint32(NEmbd)},
		{"llama.block_count", uint32(NLayer)},
		{"llama.feed_forward_length", uint32(NFF)},
		{"llama.attention.head_count", uint32(NHead)},
		{"llama.attention.head_count_kv", uint32(NHeadKV)},
		{"llama.attention.layer_norm_rms_epsilon", float32(RMSEpsilon)},
		{"llama.rope.dimension_count", uint32(NEmbd / NHead)},
		{"llama.rope.freq_base", float32(10000)},
		{"llama.vocab_size", uint32(VocabSize)},
		{"tokenizer.ggml.model", "llama"},
		{"tokenizer.ggml.tokens", tokens},
		{"tokenizer.ggml.scores", scores},
		{"tokenizer.ggml.token_type", types},
		{"tokenizer.ggml.unknown_token_id", uint32(UnkID)},
		{"tokenizer.ggml.bos_token_id", uint32(BOSID)},
		{"tokenizer.ggml.eos_token_id", uint32(EOSID)},
		{"tokenizer.ggml.add_bos_token", true},
		{"tokenizer.ggml.add_eos_token", false},
	}
	w := newWeights(cfg)
	kvDim := uint64(NEmbd / NHead * NHeadKV)
	ts := []Tensor{
		w.tokenEmbd(),
		w.ones("output_norm.weight", NEmbd),
		w.output(),
	}
	for i := 0; i < NLayer; i++ {
		p := fmt.Sprintf("blk.%d.", i)
		ts = append(ts,
			w.ones(p+"attn_norm.weight", NEmbd),
			w.matrix(p+"attn_q.weight", NEmbd, NEmbd),
			w.matrix(p+"attn_k.weight", NEmbd, kvDim),
			w.matrix(p+"attn_v.weight", NEmbd, kvDim),
			w.matrix(p+"attn_output.weight", NEmbd, NEmbd),
			w.ones(p+"ffn_norm.weight", NEmbd),
			w.matrix(p+"ffn_gate.weight", NEmbd, NFF),
			w.matrix(p+"ffn_up.weight", NEmbd, NFF),
			w.matrix(p+"ffn_down.weight", NFF, NEmbd),
		)
	}
	return kvs, ts
}

// Write writes the GGUF file of cfg to path atomically (temp file + rename).
func Write(path string, cfg Config) error {
	kvs, ts := Build(cfg)
	var buf bytes.Buffer
	if err := WriteGGUF(&buf, kvs, ts); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tinymodel-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// CreateTemp makes 0600 files; a model file is not secret.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// weights makes tensors for one Config from one seeded generator, in a fixed order.
type weights struct {
	kind Kind
	rng  *rand.Rand
	embd []float32 // token_embd, made first; the random output matrix refers to it
}

func newWeights(cfg Config) *weights {
	return &weights{kind: cfg.Kind, rng: rand.New(rand.NewPCG(cfg.Seed, 0x7119_6d6f_6465_6c00))}
}

func (w *weights) ones(name string, n uint64) Tensor {
	d := make([]float32, n)
	for i := range d {
		d[i] = 1
	}
	return Tensor{Name: name, Shape: []uint64{n}, Data: d}
}

// matrix is a layer weight mapping in inputs to out outputs: ggml shape
// {in, out}, so each of the out rows holds in contiguous values. Terse layers
// are all zero, so each layer adds nothing to the residual stream and the
// hidden state stays the embedding of the current token.
func (w *weights) matrix(name string, in, out uint64) Tensor {
	d := make([]float32, in*out)
	if w.kind != Terse {
		// Small, so the layers vary the answer with its context without
		// drowning the output biases below.
		std := layerScale / math.Sqrt(float64(in))
		for i := range d {
			d[i] = float32(w.rng.NormFloat64() * std)
		}
	}
	return Tensor{Name: name, Shape: []uint64{in, out}, Data: d}
}

// Random models are random everywhere except a few steers, each there
// because the real server or the test needs it:
//   - Ollama v0.6.5 aborts a reply (ending it with done:false and no error)
//     once the same chunk repeats 31 times, and greedy decoding of random
//     weights falls into such loops: each token's output row is pushed away
//     from its own embedding, so no token follows itself.
//   - Bytes that are not printable ASCII (halves of multi-byte runes, which
//     loop as whole runes), whitespace (Ollama counts all whitespace chunks
//     as one repeated chunk) and <unk>/<s> are never chosen.
//   - Component 0 of every embedding is a constant, so output column 0 is a
//     per-token bias: '"' and '\' down, so every string is filled to its
//     maxLength with garbage.
//   - A few structural tokens also carry a context component (as in the
//     terse model) whose scores shape the document: an array takes exactly
//     one item and an object only its required keys. So a review answer is
//     one garbage finding, finite (about 2,500 tokens under the reviewer
//     schema) and sure to fail anchoring.
const (
	layerScale   = 0.2
	biasEmbd     = 4
	contextEmbd  = 8
	repeatWeight = 1
	// randomReserved components (the bias and the contexts) hold no noise.
	randomReserved = 5
)

var randomContexts = map[int]int{Token('['): 1, Token('"'): 2, Token(']'): 3, Token('}'): 4}

// runawayScores fill everything: ',' beats every closer, strings never close early.
var runawayScores = map[int]map[int]float32{
	0: {Token('"'): -10, Token('\\'): -10, Token('}'): -10, Token(']'): -10, Token(','): 2},
	1: {Token('{'): 8, Token('"'): 12}, // after '[': open the first item
}

var randomScores = map[int]map[int]float32{
	0: {Token('"'): -10, Token('\\'): -10, Token('}'): 2, Token(']'): 2, Token(','): -3},
	1: {Token('{'): 8, Token('"'): 12, Token(']'): -10}, // after '[': open the first item
	2: {Token(','): -5},                                 // after '"': no next key or item
	3: {Token('}'): 8, Token('"'): 20, Token(','): -5},  // after ']': end the object, or the string
	4: {Token(']'): 8, Token('"'): 20, Token(','): -5},  // after '}': end the array, or the string
}

// Terse models are a bigram table: the embedding of a token puts a large
// constant on one "context" component, and the output matrix scores tokens
// per component. After rms-norm the hidden state is exactly 8 (sqrt(NEmbd))
// on that component, so logits are 8 x the scores below, whatever came before.
const (
	ctxDefault = 0 // after most tokens
	ctxOpen    = 1 // after '[' or '{': prefer closing at once
	embdScale  = 16
)

// terseScores are the output scores per context. Under grammar-constrained
// greedy decoding the best allowed token wins, so: end of sequence when the
// document is complete; '"' closes a string at once (it must beat ']' and
// '}', which a string may also hold); right after '[' or '{' the closer beats
// an opening quote; '}' ends an object rather than ',' opening an optional
// key; whitespace loses to everything so no padding is written. Every other
// token scores 0, so a forced token (a key's letters, ':' or ',') is taken
// when nothing better is allowed.
var terseScores = map[int]map[int]float32{
	ctxDefault: {EOSID: 4, Token('"'): 3, Token(']'): 2, Token('}'): 1},
	ctxOpen:    {EOSID: 4, Token(']'): 3, Token('}'): 3, Token('"'): 1},
}

var whitespace = []byte{' ', '\t', '\n', '\r'}

func (w *weights) tokenEmbd() Tensor {
	d := make([]float32, NEmbd*VocabSize)
	for tok := 0; tok < VocabSize; tok++ {
		row := d[tok*NEmbd : (tok+1)*NEmbd]
		switch w.kind {
		case Random, Runaway:
			row[0] = biasEmbd
			for i := randomReserved; i < NEmbd; i++ {
				row[i] = float32(w.rng.NormFloat64())
			}
			if c, ok := randomContexts[tok]; ok {
				row[c] = contextEmbd
			}
		case Terse:
			c := ctxDefault
			if tok == Token('[') || tok == Token('{') {
				c = ctxOpen
			}
			row[c] = embdScale
		}
	}
	w.embd = d
	return Tensor{Name: "token_embd.weight", Shape: []uint64{NEmbd, VocabSize}, Data: d}
}

func (w *weights) output() Tensor {
	d := make([]float32, NEmbd*VocabSize)
	switch w.kind {
	case Random, Runaway:
		table := randomScores
		if w.kind == Runaway {
			table = runawayScores
		}
		embd := w.embd
		std := 4 / math.Sqrt(NEmbd)
		for tok := 0; tok < VocabSize; tok++ {
			row := d[tok*NEmbd : (tok+1)*NEmbd]
			self := embd[tok*NEmbd : (tok+1)*NEmbd]
			for i := randomReserved; i < NEmbd; i++ {
				row[i] = float32(w.rng.NormFloat64()*std) - repeatWeight*self[i]
			}
			for c := range randomReserved {
				row[c] = table[c][tok]
			}
			if tok < 3 && tok != EOSID || tok >= Token(0x80) || tok <= Token(0x20) || tok == Token(0x7F) {
				row[0] = -20
			}
		}
	case Terse:
		for c, scores := range terseScores {
			for tok, s := range scores {
				d[tok*NEmbd+c] = s
			}
			for _, b := range whitespace {
				d[Token(b)*NEmbd+c] = -1
			}
		}
	}
	return Tensor{Name: "output.weight", Shape: []uint64{NEmbd, VocabSize}, Data: d}
}
