package tinymodel

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// This file is a minimal GGUF (v3) codec: enough to write the tiny models and
// to read any such file back, so tests check the bytes rather than trust the
// writer. Spec: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md

const (
	ggufMagic   = "GGUF"
	ggufVersion = 3
	// Alignment is the default general.alignment: tensor data offsets are multiples of it.
	Alignment = 32
)

// GGUF value types.
const (
	typeUint8   uint32 = 0
	typeInt8    uint32 = 1
	typeUint16  uint32 = 2
	typeInt16   uint32 = 3
	typeUint32  uint32 = 4
	typeInt32   uint32 = 5
	typeFloat32 uint32 = 6
	typeBool    uint32 = 7
	typeString  uint32 = 8
	typeArray   uint32 = 9
	typeUint64  uint32 = 10
	typeInt64   uint32 = 11
	typeFloat64 uint32 = 12
)

// GGMLTypeF32 is ggml's tensor type id for 32-bit floats, the only one written here.
const GGMLTypeF32 uint32 = 0

// KV is one metadata entry; order is kept as written.
// Value is one of: string, uint32, int32, float32, bool, uint64, []string, []float32, []int32.
type KV struct {
	Key   string
	Value any
}

// Tensor is one f32 tensor. Shape is in ggml order: ne[0] (the fastest
// varying, contiguous dimension) first, so a row-major [rows][cols] matrix has
// Shape {cols, rows}; token_embd is {n_embd, n_vocab}.
type Tensor struct {
	Name  string
	Shape []uint64
	Data  []float32
}

// Elements is the number of values the shape holds.
func (t Tensor) Elements() uint64 {
	n := uint64(1)
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// File is a decoded GGUF file.
type File struct {
	Version uint32
	KV      []KV
	Tensors []Tensor
}

// Get returns the value stored under key, or nil.
func (f *File) Get(key string) any {
	for _, kv := range f.KV {
		if kv.Key == key {
			return kv.Value
		}
	}
	return nil
}

// Tensor returns the tensor called name, or nil.
func (f *File) Tensor(name string) *Tensor {
	for i := range f.Tensors {
		if f.Tensors[i].Name == name {
			return &f.Tensors[i]
		}
	}
	return nil
}

// WriteGGUF writes a GGUF v3 file with the given metadata and f32 tensors.
func WriteGGUF(w io.Writer, kvs []KV, tensors []Tensor) error {
	for _, t := range tensors {
		if uint64(len(t.Data)) != t.Elements() {
			return fmt.Errorf("tensor %s: shape %v holds %d values, data has %d", t.Name, t.Shape, t.Elements(), len(t.Data))
		}
	}
	cw := &countWriter{w: bufio.NewWriter(w)}
	e := &encoder{w: cw}
	e.raw([]byte(ggufMagic))
	e.u32(ggufVersion)
	e.u64(uint64(len(tensors)))
	e.u64(uint64(len(kvs)))
	for _, kv := range kvs {
		e.str(kv.Key)
		e.value(kv.Value)
	}
	var offset uint64
	for _, t := range tensors {
		e.str(t.Name)
		e.u32(uint32(len(t.Shape)))
		for _, d := range t.Shape {
			e.u64(d)
		}
		e.u32(GGMLTypeF32)
		e.u64(offset)
		offset = align(offset+4*t.Elements(), Alignment)
	}
	e.pad()
	for _, t := range tensors {
		for _, v := range t.Data {
			e.u32(math.Float32bits(v))
		}
		e.pad()
	}
	if e.err != nil {
		return e.err
	}
	return cw.w.(*bufio.Writer).Flush()
}

func align(n, a uint64) uint64 { return (n + a - 1) / a * a }

type countWriter struct {
	w io.Writer
	n uint64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += uint64(n)
	return n, err
}

// encoder writes little-endian GGUF primitives and keeps the first error.
type encoder struct {
	w   *countWriter
	err error
	buf [8]byte
}

func (e *encoder) raw(p []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(p)
	}
}
func (e *encoder) u32(v uint32) { binary.LittleEndian.PutUint32(e.buf[:4], v); e.raw(e.buf[:4]) }
func (e *encoder) u64(v uint64) { binary.LittleEndian.PutUint64(e.buf[:8], v); e.raw(e.buf[:8]) }
func (e *encoder) str(s string) { e.u64(uint64(len(s))); e.raw([]byte(s)) }
func (e *encoder) pad() {
	if n := align(e.w.n, Alignment) - e.w.n; n > 0 {
		e.raw(make([]byte, n))
	}
}

func (e *encoder) value(v any) {
	switch v := v.(type) {
	case string:
		e.u32(typeString)
		e.str(v)
	case uint32:
		e.u32(typeUint32)
		e.u32(v)
	case int32:
		e.u32(typeInt32)
		e.u32(uint32(v))
	case float32:
		e.u32(typeFloat32)
		e.u32(math.Float32bits(v))
	case bool:
		e.u32(typeBool)
		if v {
			e.raw([]byte{1})
		} else {
			e.raw([]byte{0})
		}
	case uint64:
		e.u32(typeUint64)
		e.u64(v)
	case []string:
		e.u32(typeArray)
		e.u32(typeString)
		e.u64(uint64(len(v)))
		for _, s := range v {
			e.str(s)
		}
	case []float32:
		e.u32(typeArray)
		e.u32(typeFloat32)
		e.u64(uint64(len(v)))
		for _, f := range v {
			e.u32(math.Float32bits(f))
		}
	case []int32:
		e.u32(typeArray)
		e.u32(typeInt32)
		e.u64(uint64(len(v)))
		for _, n := range v {
			e.u32(uint32(n))
		}
	default:
		if e.err == nil {
			e.err = fmt.Errorf("gguf: unsupported value type %T", v)
		}
	}
}

// Limits that keep ReadGGUF from allocating without bound on a corrupt file.
const (
	maxCount  = 1 << 20 // keys, tensors, array elements
	maxString = 1 << 20 // bytes in one string
	maxDims   = 4
	maxValues = 1 << 26 // f32 values in one tensor (256 MiB)
)

// ErrFormat is wrapped by every error ReadGGUF returns for malformed input.
var ErrFormat = errors.New("not a valid gguf file")

// ReadGGUF decodes a whole GGUF v3 file, including f32 tensor data. It
// rejects other versions and tensor types; it never panics on bad input.
func ReadGGUF(r io.Reader) (*File, error) {
	d := &decoder{r: bufio.NewReader(r)}
	magic := d.bytes(4)
	if d.err == nil && string(magic) != ggufMagic {
		return nil, fmt.Errorf("%w: magic %q", ErrFormat, magic)
	}
	f := &File{Version: d.u32()}
	if d.err == nil && f.Version != ggufVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrFormat, f.Version, ggufVersion)
	}
	nTensors := d.count()
	nKV := d.count()
	for i := uint64(0); i < nKV && d.err == nil; i++ {
		key := d.str()
		f.KV = append(f.KV, KV{Key: key, Value: d.value(d.u32())})
	}
	type info struct {
		offset uint64
	}
	infos := make([]info, 0, nTensors)
	for i := uint64(0); i < nTensors && d.err == nil; i++ {
		t := Tensor{Name: d.str()}
		nd := d.u32()
		if nd == 0 || nd > maxDims {
			d.fail("tensor %q has %d dimensions", t.Name, nd)
			break
		}
		for j := uint32(0); j < nd; j++ {
			t.Shape = append(t.Shape, d.u64())
		}
		if typ := d.u32(); d.err == nil && typ != GGMLTypeF32 {
			d.fail("tensor %q has ggml type %d, only f32 (0) is supported", t.Name, typ)
		}
		if n := t.Elements(); d.err == nil && (n == 0 || n > maxValues) {
			d.fail("tensor %q has %d values", t.Name, n)
		}
		infos = append(infos, info{offset: d.u64()})
		f.Tensors = append(f.Tensors, t)
	}
	d.start = align(d.n, Alignment)
	d.skipTo(d.start)
	for i := range f.Tensors {
		if d.err != nil {
			break
		}
		t := &f.Tensors[i]
		d.skipTo(d.start + infos[i].offset)
		t.Data = make([]float32, t.Elements())
		for j := range t.Data {
			t.Data[j] = math.Float32frombits(d.u32())
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	return f, nil
}

// decoder reads little-endian GGUF primitives, tracking the offset and the first error.
type decoder struct {
	r     *bufio.Reader
	n     uint64 // bytes consumed
	start uint64 // offset of the tensor data section
	err   error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: "+format, append([]any{ErrFormat}, args...)...)
	}
}

func (d *decoder) bytes(n int) []byte {
	if d.err != nil {
		return make([]byte, n)
	}
	p := make([]byte, n)
	m, err := io.ReadFull(d.r, p)
	d.n += uint64(m)
	if err != nil {
		d.fail("truncated at byte %d", d.n)
	}
	return p
}

func (d *decoder) u32() uint32 { return binary.LittleEndian.Uint32(d.bytes(4)) }
func (d *decoder) u64() uint64 { return binary.LittleEndian.Uint64(d.bytes(8)) }

func (d *decoder) count() uint64 {
	n := d.u64()
	if d.err == nil && n > maxCount {
		d.fail("count %d too large", n)
		return 0
	}
	return n
}

func (d *decoder) str() string {
	n := d.u64()
	if d.err == nil && n > maxString {
		d.fail("string of %d bytes too long", n)
		return ""
	}
	if d.err != nil {
		return ""
	}
	return string(d.bytes(int(n)))
}

// skipTo discards input up to absolute offset off, which must not be behind.
func (d *decoder) skipTo(off uint64) {
	if d.err != nil {
		return
	}
	if off < d.n {
		d.fail("tensor data overlaps at offset %d", off)
		return
	}
	m, err := io.CopyN(io.Discard, d.r, int64(off-d.n))
	d.n += uint64(m)
	if err != nil {
		d.fail("truncated at byte %d", d.n)
	}
}

func (d *decoder) value(typ uint32) any {
	if d.err != nil {
		return nil
	}
	switch typ {
	case typeUint8:
		return d.bytes(1)[0]
	case typeInt8:
		return int8(d.bytes(1)[0])
	case typeUint16:
		return binary.LittleEndian.Uint16(d.bytes(2))
	case typeInt16:
		return int16(binary.LittleEndian.Uint16(d.bytes(2)))
	case typeUint32:
		return d.u32()
	case typeInt32:
		return int32(d.u32())
	case typeFloat32:
		return math.Float32frombits(d.u32())
	case typeBool:
		return d.bytes(1)[0] != 0
	case typeString:
		return d.str()
	case typeUint64:
		return d.u64()
	case typeInt64:
		return int64(d.u64())
	case typeFloat64:
		return math.Float64frombits(d.u64())
	case typeArray:
		elem := d.u32()
		n := d.count()
		switch elem {
		case typeString:
			out := make([]string, 0, min(n, 4096))
			for i := uint64(0); i < n && d.err == nil; i++ {
				out = append(out, d.str())
			}
			return out
		case typeFloat32:
			out := make([]float32, 0, min(n, 4096))
			for i := uint64(0); i < n && d.err == nil; i++ {
				out = append(out, math.Float32frombits(d.u32()))
			}
			return out
		case typeInt32:
			out := make([]int32, 0, min(n, 4096))
			for i := uint64(0); i < n && d.err == nil; i++ {
				out = append(out, int32(d.u32()))
			}
			return out
		default:
			out := make([]any, 0, min(n, 4096))
			for i := uint64(0); i < n && d.err == nil; i++ {
				if elem == typeArray {
					d.fail("nested arrays are not supported")
					break
				}
				out = append(out, d.value(elem))
			}
			return out
		}
	default:
		d.fail("unknown value type %d", typ)
		return nil
	}
}
