package diff

import (
	"bufio"
	"bytes"
	"encoding/json"
	"github.com/quorum-review/quorum/internal/safetext"
	"io"
)

// JSONStream writes a Set as indented JSON (two spaces, HTML characters
// not escaped), byte-identical to a json.Encoder with SetIndent("", "  ")
// and SetEscapeHTML(false) (the contract of `quorum diff --format json`),
// one file at a time, for use with Stream: Begin before the first file,
// File for each, End last. Then, as every JSON quorum writes, C1 and bidi
// characters are written as \uXXXX escapes (safetext.EscapeJSON): a path
// stays exact, and no raw U+202E reaches a terminal showing the JSON.
type JSONStream struct {
	bw    *bufio.Writer
	fw    *jsonWriter
	files int
	err   error
}

// NewJSONStream returns a JSONStream writing to w.
func NewJSONStream(w io.Writer) *JSONStream {
	return &JSONStream{bw: bufio.NewWriterSize(w, 256<<10), fw: newJSONWriter("    ")}
}

// value writes v as encoding/json would at depth 1.
func (s *JSONStream) value(v any) {
	if s.err != nil {
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("  ", "  ")
	if s.err = enc.Encode(v); s.err == nil {
		_, s.err = s.bw.Write(safetext.EscapeJSON(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))))
	}
}

func (s *JSONStream) write(str string) {
	if s.err == nil {
		_, s.err = s.bw.WriteString(str)
	}
}

// Begin writes everything before the files.
func (s *JSONStream) Begin(set *Set) error {
	s.write("{\n  \"mode\": ")
	s.value(set.Mode)
	s.write(",\n  \"base\": ")
	s.value(set.Base)
	s.write(",\n  \"head\": ")
	s.value(set.Head)
	s.write(",\n  \"merge_base\": ")
	s.value(set.MergeBase)
	s.write(",\n  \"commits\": ")
	s.value(nonNil(set.Commits))
	s.write(",\n  \"files\": ")
	return s.err
}

// File writes one file.
func (s *JSONStream) File(f *File) error {
	if s.files == 0 {
		s.write("[\n    ")
	} else {
		s.write(",\n    ")
	}
	s.files++
	s.fw.buf = s.fw.buf[:0]
	s.fw.file(f)
	if s.err == nil {
		_, s.err = s.bw.Write(safetext.EscapeJSON(s.fw.buf))
	}
	if cap(s.fw.buf) > 1<<20 {
		s.fw.buf = nil // do not keep one huge file's buffer
	}
	return s.err
}

// End writes the skipped list and closes the object.
func (s *JSONStream) End(set *Set) error {
	if s.files == 0 {
		s.write("[]")
	} else {
		s.write("\n  ]")
	}
	s.write(",\n  \"skipped\": ")
	s.value(nonNil(set.Skipped))
	s.write("\n}\n")
	if s.err == nil {
		s.err = s.bw.Flush()
	}
	return s.err
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
