package tinymodel

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ollama/ollama/fs/ggml"
)

func encode(t *testing.T, cfg Config) []byte {
	t.Helper()
	kvs, ts := Build(cfg)
	var buf bytes.Buffer
	if err := WriteGGUF(&buf, kvs, ts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decode(t *testing.T, b []byte) *File {
	t.Helper()
	f, err := ReadGGUF(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestDeterministic(t *testing.T) {
	for _, kind := range []Kind{Random, Terse, Runaway} {
		a := encode(t, Config{Kind: kind, Seed: 7})
		b := encode(t, Config{Kind: kind, Seed: 7})
		if !bytes.Equal(a, b) {
			t.Errorf("%v: same config gave different bytes", kind)
		}
	}
	if bytes.Equal(encode(t, Config{Kind: Random, Seed: 1}), encode(t, Config{Kind: Random, Seed: 9})) {
		t.Error("random: seeds 1 and 2 gave the same bytes")
	}
}

func TestRoundTrip(t *testing.T) {
	for _, kind := range []Kind{Random, Terse} {
		t.Run(kind.String(), func(t *testing.T) {
			cfg := Config{Kind: kind, Seed: 42, Name: "tiny-test", ContextLength: 8192}
			b := encode(t, cfg)
			if len(b) < 100<<10 || len(b) > 1<<20 {
				t.Errorf("file is %d bytes, want a few hundred KB", len(b))
			}
			f := decode(t, b)
			kvs, ts := Build(cfg)
			if f.Version != 3 {
				t.Errorf("version %d", f.Version)
			}
			if len(f.KV) != len(kvs) {
				t.Fatalf("read %d keys, wrote %d", len(f.KV), len(kvs))
			}
			for i, kv := range kvs {
				if f.KV[i].Key != kv.Key {
					t.Errorf("key %d = %q, want %q", i, f.KV[i].Key, kv.Key)
				}
				if !equalValue(f.KV[i].Value, kv.Value) {
					t.Errorf("%s = %v (%T), want %v (%T)", kv.Key, f.KV[i].Value, f.KV[i].Value, kv.Value, kv.Value)
				}
			}
			if len(f.Tensors) != len(ts) {
				t.Fatalf("read %d tensors, wrote %d", len(f.Tensors), len(ts))
			}
			for i, want := range ts {
				got := f.Tensors[i]
				if got.Name != want.Name || !slices.Equal(got.Shape, want.Shape) {
					t.Errorf("tensor %d = %s %v, want %s %v", i, got.Name, got.Shape, want.Name, want.Shape)
				}
				if !slices.Equal(got.Data, want.Data) {
					t.Errorf("tensor %s data differs after the round trip", want.Name)
				}
			}
		})
	}
}

func equalValue(a, b any) bool {
	switch b := b.(type) {
	case []string:
		a, ok := a.([]string)
		return ok && slices.Equal(a, b)
	case []float32:
		a, ok := a.([]float32)
		return ok && slices.Equal(a, b)
	case []int32:
		a, ok := a.([]int32)
		return ok && slices.Equal(a, b)
	}
	return a == b
}

// TestLlamaShape checks what llama.cpp's loader requires of a llama model:
// metadata keys, the vocabulary, and tensor shapes in ggml order.
func TestLlamaShape(t *testing.T) {
	f := decode(t, encode(t, Config{Kind: Random, Seed: 9}))
	for key, want := range map[string]any{
		"general.architecture":                   "llama",
		"llama.context_length":                   uint32(DefaultContextLength),
		"llama.embedding_length":                 uint32(64),
		"llama.block_count":                      uint32(2),
		"llama.feed_forward_length":              uint32(NFF),
		"llama.attention.head_count":             uint32(NHead),
		"llama.attention.head_count_kv":          uint32(NHeadKV),
		"llama.attention.layer_norm_rms_epsilon": float32(1e-5),
		"llama.rope.dimension_count":             uint32(16),
		"tokenizer.ggml.model":                   "llama",
		"tokenizer.ggml.bos_token_id":            uint32(1),
		"tokenizer.ggml.eos_token_id":            uint32(2),
		"tokenizer.ggml.unknown_token_id":        uint32(0),
	} {
		if got := f.Get(key); got != want {
			t.Errorf("%s = %v (%T), want %v (%T)", key, got, got, want, want)
		}
	}
	tokens, _ := f.Get("tokenizer.ggml.tokens").([]string)
	if len(tokens) != 259 {
		t.Fatalf("%d tokens, want 259", len(tokens))
	}
	for id, want := range map[int]string{0: "<unk>", 1: "<s>", 2: "</s>", 3: "<0x00>", 3 + 0x0A: "<0x0A>", 258: "<0xFF>"} {
		if tokens[id] != want {
			t.Errorf("token %d = %q, want %q", id, tokens[id], want)
		}
	}
	types, _ := f.Get("tokenizer.ggml.token_type").([]int32)
	if len(types) != 259 || types[0] != 2 || types[1] != 3 || types[2] != 3 || types[3] != 6 || types[258] != 6 {
		t.Errorf("token types %v..., want unknown, control, control, then byte", types[:min(len(types), 5)])
	}
	if scores, _ := f.Get("tokenizer.ggml.scores").([]float32); len(scores) != 259 {
		t.Errorf("%d scores, want 259", len(scores))
	}
	for name, shape := range map[string][]uint64{
		"token_embd.weight":         {64, 259}, // [n_embd, n_vocab]: the reverse of row-major
		"output.weight":             {64, 259},
		"output_norm.weight":        {64},
		"blk.0.attn_q.weight":       {64, 64},
		"blk.1.attn_k.weight":       {64, 64},
		"blk.1.attn_output.weight":  {64, 64},
		"blk.0.ffn_gate.weight":     {64, NFF},
		"blk.0.ffn_up.weight":       {64, NFF},
		"blk.1.ffn_down.weight":     {NFF, 64},
		"blk.1.ffn_norm.weight":     {64},
		"blk.0.attn_norm.weight":    {64},
		"blk.0.attn_v.weight":       {64, 64},
		"blk.1.attn_output.weight ": nil, // a typo'd name must not exist
	} {
		tt := f.Tensor(name)
		if shape == nil {
			if tt != nil {
				t.Errorf("unexpected tensor %q", name)
			}
			continue
		}
		if tt == nil {
			t.Errorf("missing tensor %s", name)
			continue
		}
		if !slices.Equal(tt.Shape, shape) {
			t.Errorf("%s shape %v, want %v", name, tt.Shape, shape)
		}
	}
	if n := len(f.Tensors); n != 3+9*NLayer {
		t.Errorf("%d tensors, want %d", n, 3+9*NLayer)
	}
}

// TestOllamaDecodes reads the file with Ollama's own GGUF decoder, the one its
// server runs on `ollama create`.
func TestOllamaDecodes(t *testing.T) {
	b := encode(t, Config{Kind: Terse, Seed: 1, ContextLength: 4096})
	g, err := ggml.Decode(bytes.NewReader(b), -1)
	if err != nil {
		t.Fatal(err)
	}
	kv := g.KV()
	if kv.Architecture() != "llama" || kv.BlockCount() != 2 || kv.EmbeddingLength() != 64 || kv.ContextLength() != 4096 {
		t.Errorf("ollama reads arch %q, %d blocks, %d wide, context %d", kv.Architecture(), kv.BlockCount(), kv.EmbeddingLength(), kv.ContextLength())
	}
	// general.file_type 0 is "all f32" in the GGUF spec, but Ollama treats 0
	// as unset: its /api/show reports quantization_level "unknown" for these.
	if got := kv.Uint("general.file_type", 99); got != 0 {
		t.Errorf("file type %d, want 0 (all f32)", got)
	}
	items := g.Tensors().Items()
	if len(items) != 3+9*NLayer {
		t.Fatalf("ollama reads %d tensors", len(items))
	}
	for _, tt := range items {
		if tt.Name == "token_embd.weight" && !slices.Equal(tt.Shape, []uint64{64, 259}) {
			t.Errorf("ollama reads token_embd shape %v", tt.Shape)
		}
	}
	if g.Length != int64(len(b)) {
		t.Errorf("ollama measures %d bytes, file has %d", g.Length, len(b))
	}
}

// logits runs the terse model's forward pass for the hidden state of token
// prev, from the tensors read back: zero layers leave the embedding, then
// rms-norm and the output matrix.
func logits(t *testing.T, f *File, prev int) []float32 {
	t.Helper()
	embd := f.Tensor("token_embd.weight").Data[prev*NEmbd : (prev+1)*NEmbd]
	var ss float64
	for _, v := range embd {
		ss += float64(v) * float64(v)
	}
	scale := 1 / math.Sqrt(ss/NEmbd+RMSEpsilon)
	out := f.Tensor("output.weight").Data
	l := make([]float32, VocabSize)
	for tok := range l {
		var s float64
		for i, v := range embd {
			s += float64(v) * scale * float64(out[tok*NEmbd+i])
		}
		l[tok] = float32(s)
	}
	return l
}

// pick is greedy decoding restricted to the tokens a grammar allows.
func pick(l []float32, allowed ...int) int {
	best := allowed[0]
	for _, tok := range allowed[1:] {
		if l[tok] > l[best] {
			best = tok
		}
	}
	return best
}

func bytesOf(s string) []int {
	var ids []int
	for i := 0; i < len(s); i++ {
		ids = append(ids, Token(s[i]))
	}
	return ids
}

func TestTerseChoices(t *testing.T) {
	f := decode(t, encode(t, Config{Kind: Terse}))
	for _, name := range []string{"blk.0.attn_q.weight", "blk.1.ffn_down.weight", "blk.1.attn_v.weight"} {
		for _, v := range f.Tensor(name).Data {
			if v != 0 {
				t.Fatalf("%s is not all zero", name)
			}
		}
	}
	ws := bytesOf(" \t\n")
	for _, c := range []struct {
		name    string
		prev    byte
		allowed string
		eos     bool
		want    int
	}{
		{"a string closes at once", '"', `"]}abc,x`, false, Token('"')},
		{"a value string opens", ':', `"`, false, Token('"')},
		{"an array closes at once", '[', `"{]`, false, Token(']')},
		{"an object ends rather than take an optional key", '"', `,}`, false, Token('}')},
		{"an object with no required key closes", '{', `"}`, false, Token('}')},
		{"a forced comma beats whitespace", '"', `,`, false, Token(',')},
		{"the document ends", '}', ``, true, EOSID},
	} {
		allowed := append(bytesOf(c.allowed), ws...)
		if c.eos {
			allowed = append(allowed, EOSID)
		}
		if got := pick(logits(t, f, Token(c.prev)), allowed...); got != c.want {
			t.Errorf("%s: after %q picks token %d, want %d", c.name, c.prev, got, c.want)
		}
	}
}

func TestRandomStructure(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		f := decode(t, encode(t, Config{Kind: Random, Seed: seed}))
		checkRandomStructure(t, f)
	}
}

// checkRandomStructure checks the steers that make random answers finite.
func checkRandomStructure(t *testing.T, f *File) {
	t.Helper()
	var printable string
	for c := byte(0x20); c < 0x7F; c++ {
		if c != '"' && c != '\\' {
			printable += string(c)
		}
	}
	for _, c := range []struct {
		name    string
		prev    byte
		allowed string
		want    int
	}{
		{"an array of objects takes an item", '[', `{]`, Token('{')},
		{"an array of strings takes an item", '[', `"]`, Token('"')},
		{"an object takes no optional key", '"', `,}`, Token('}')},
		{"an array takes no second item", '}', `,]`, Token(']')},
		{"the root takes no optional key", ']', `,}`, Token('}')},
		{"a string ends after ]", ']', `"` + printable, Token('"')},
		{"a string ends after }", '}', `"` + printable, Token('"')},
	} {
		if got := pick(logits(t, f, Token(c.prev)), append(bytesOf(c.allowed), bytesOf(" \n")...)...); got != c.want {
			t.Errorf("%s: after %q picks token %d, want %d", c.name, c.prev, got, c.want)
		}
	}
	// Inside a string, the quote loses to printable bytes, so strings run on.
	for _, prev := range bytesOf("abcXYZ019;:") {
		if got := pick(logits(t, f, prev), bytesOf(`"`+strings.ReplaceAll(strings.ReplaceAll(printable, "]", ""), "}", ""))...); got == Token('"') {
			t.Errorf("after token %d a string closes at once", prev)
		}
	}
}

func TestRunawayStructure(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		f := decode(t, encode(t, Config{Kind: Runaway, Seed: seed}))
		for _, c := range []struct {
			name    string
			prev    byte
			allowed string
			want    int
		}{
			{"an array takes an item", '[', `{]`, Token('{')},
			{"an array takes another item", '}', `,]`, Token(',')},
			{"an object takes an optional key", '"', `,}`, Token(',')},
			{"an object takes an optional key after a number", '7', `,}`, Token(',')},
			{"a string runs on", 'a', `"abc`, -1},
		} {
			got := pick(logits(t, f, Token(c.prev)), append(bytesOf(c.allowed), bytesOf(" \n")...)...)
			if c.want == -1 {
				if got == Token('"') {
					t.Errorf("seed %d: %s: the string closes", seed, c.name)
				}
			} else if got != c.want {
				t.Errorf("seed %d: %s: after %q picks token %d, want %d", seed, c.name, c.prev, got, c.want)
			}
		}
	}
	if bytes.Equal(encode(t, Config{Kind: Runaway, Seed: 1}), encode(t, Config{Kind: Random, Seed: 1})) {
		t.Error("runaway and random models are the same")
	}
}

func TestRandomVaries(t *testing.T) {
	f := decode(t, encode(t, Config{Kind: Random, Seed: 9}))
	a, b := logits(t, f, Token('a')), logits(t, f, Token('b'))
	if slices.Equal(a, b) {
		t.Error("random model gives the same logits after different tokens")
	}
	seen := map[int]bool{}
	for c := byte('a'); c <= 'z'; c++ {
		l := logits(t, f, Token(c))
		seen[pick(l, bytesOf("abcdefghijklmnopqrstuvwxyz0123456789")...)] = true
	}
	if len(seen) < 4 {
		t.Errorf("random model prefers only %d distinct next tokens over 26 contexts", len(seen))
	}
	// Ollama aborts a reply whose chunk repeats 31 times: no printable
	// token may be its own best successor, and no non-ASCII byte (half a
	// rune, which would loop as a whole rune) may beat printable ASCII.
	var printable []int
	for c := byte(0x20); c < 0x7F; c++ {
		printable = append(printable, Token(c))
	}
	for _, prev := range printable {
		l := logits(t, f, prev)
		allowed := slices.DeleteFunc(slices.Clone(printable), func(tok int) bool {
			return tok == Token('"') || tok == Token('\\')
		})
		if got := pick(l, allowed...); got == prev {
			t.Errorf("random model repeats token %d", prev)
		}
		best := pick(l, allowed...)
		for b := 0x80; b < 0x100; b++ {
			if l[Token(byte(b))] >= l[best] {
				t.Errorf("after token %d, byte 0x%X scores above printable ASCII", prev, b)
			}
		}
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.gguf")
	if err := Write(path, Config{Kind: Terse, Name: "x"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, encode(t, Config{Kind: Terse, Name: "x"})) {
		t.Error("file differs from the encoded model")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temp files left behind: %v", entries)
	}
	if err := Write(filepath.Join(dir, "missing", "m.gguf"), Config{}); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
	mf := Modelfile("./m.gguf")
	if !strings.HasPrefix(mf, "FROM ./m.gguf\nTEMPLATE \"\"\"") || !strings.Contains(mf, "{{ .Content }}") {
		t.Errorf("Modelfile:\n%s", mf)
	}
}

func TestReadRejects(t *testing.T) {
	good := encode(t, Config{Kind: Terse})
	for name, b := range map[string][]byte{
		"empty":     nil,
		"magic":     append([]byte("GGUX"), good[4:]...),
		"version":   append(append([]byte("GGUF"), 2, 0, 0, 0), good[8:]...),
		"truncated": good[:len(good)-100],
		"header":    good[:40],
		"count":     append(append([]byte("GGUF"), 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff), good[24:]...),
	} {
		if _, err := ReadGGUF(bytes.NewReader(b)); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: err = %v, want ErrFormat", name, err)
		}
	}
	// Every prefix fails cleanly, never panics.
	for n := 0; n < 2000; n += 7 {
		if _, err := ReadGGUF(bytes.NewReader(good[:n])); err == nil {
			t.Fatalf("prefix of %d bytes decoded", n)
		}
	}
}

func TestWriteRejects(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteGGUF(&buf, nil, []Tensor{{Name: "x", Shape: []uint64{2, 2}, Data: []float32{1}}}); err == nil {
		t.Error("tensor with wrong data length written")
	}
	if err := WriteGGUF(&buf, []KV{{"k", 3.5}}, nil); err == nil {
		t.Error("float64 value written")
	}
}
