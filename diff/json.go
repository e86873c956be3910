package diff

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"unicode/utf8"

	"github.com/quorum-review/quorum/internal/safetext"
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

// End writes the skipped list, git's warnings if any, and closes the object.
func (s *JSONStream) End(set *Set) error {
	if s.files == 0 {
		s.write("[]")
	} else {
		s.write("\n  ]")
	}
	s.write(",\n  \"skipped\": ")
	s.value(nonNil(set.Skipped))
	if len(set.Warnings) > 0 {
		s.write(",\n  \"warnings\": ")
		s.value(set.Warnings)
	}
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

// Paths are bytes to git, and JSON strings hold UTF-8 only: encoding/json
// writes each invalid byte as U+FFFD, so "path" alone cannot name a file
// called f\xe9.py. A path that is not valid UTF-8 therefore also has
// "path_bytes" (and "old_path_bytes"): its exact bytes, base64 (standard,
// padded). "path" stays, lossy, for people; decoding restores the exact
// path from path_bytes. Valid UTF-8 paths, nearly all, gain no field.

// NonUTF8Bytes is p's bytes when p is not valid UTF-8, else nil: the value
// of a path's "path_bytes" field (omitted when nil). The report's JSON
// uses it too.
func NonUTF8Bytes(p string) []byte {
	if utf8.ValidString(p) {
		return nil
	}
	return []byte(p)
}

// ExactPath is the path a decoded path_bytes field gives, else the string.
func ExactPath(s string, b []byte) string {
	if b != nil {
		return string(b)
	}
	return s
}

type plainFile File // File without its JSON methods

// fileJSON is File's JSON form: its fields, then the exact bytes of a path
// that is not UTF-8.
type fileJSON struct {
	plainFile
	PathBytes    []byte `json:"path_bytes,omitempty"`
	OldPathBytes []byte `json:"old_path_bytes,omitempty"`
}

// MarshalJSON writes f's fields, then path_bytes and old_path_bytes for a
// path that is not valid UTF-8.
func (f File) MarshalJSON() ([]byte, error) {
	return safetext.MarshalNoHTML(fileJSON{plainFile(f), NonUTF8Bytes(f.Path), NonUTF8Bytes(f.OldPath)})
}

// UnmarshalJSON reads what MarshalJSON writes, the exact paths included.
func (f *File) UnmarshalJSON(b []byte) error {
	var v fileJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = File(v.plainFile)
	f.Path, f.OldPath = ExactPath(f.Path, v.PathBytes), ExactPath(f.OldPath, v.OldPathBytes)
	return nil
}

type plainSkipped Skipped

type skippedJSON struct {
	plainSkipped
	PathBytes []byte `json:"path_bytes,omitempty"`
}

// MarshalJSON writes s's fields, then path_bytes for a path that is not
// valid UTF-8.
func (s Skipped) MarshalJSON() ([]byte, error) {
	return safetext.MarshalNoHTML(skippedJSON{plainSkipped(s), NonUTF8Bytes(s.Path)})
}

// UnmarshalJSON reads what MarshalJSON writes, the exact path included.
func (s *Skipped) UnmarshalJSON(b []byte) error {
	var v skippedJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = Skipped(v.plainSkipped)
	s.Path = ExactPath(s.Path, v.PathBytes)
	return nil
}
