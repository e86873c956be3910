package diff

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
)

// WriteJSON writes set as indented JSON (two spaces, HTML characters not
// escaped), byte-identical to a json.Encoder with SetIndent("", "  ") and
// SetEscapeHTML(false), but one file at a time so a large diff is never
// encoded into one buffer.
func WriteJSON(w io.Writer, set *Set) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	value := func(v any, prefix string) error {
		buf.Reset()
		enc.SetIndent(prefix, "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
		_, err := bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		return err
	}
	field := func(name string, v any) error {
		bw.WriteString("  \"" + name + "\": ")
		if err := value(v, "  "); err != nil {
			return err
		}
		_, err := bw.WriteString(",\n")
		return err
	}
	bw.WriteString("{\n")
	if err := field("mode", set.Mode); err != nil {
		return err
	}
	if err := field("base", set.Base); err != nil {
		return err
	}
	if err := field("head", set.Head); err != nil {
		return err
	}
	if err := field("merge_base", set.MergeBase); err != nil {
		return err
	}
	if err := field("commits", nonNil(set.Commits)); err != nil {
		return err
	}
	bw.WriteString("  \"files\": ")
	if set.Files == nil {
		bw.WriteString("[]")
	} else if len(set.Files) == 0 {
		bw.WriteString("[]")
	} else {
		bw.WriteString("[")
		for i := range set.Files {
			if i > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n    ")
			if err := value(&set.Files[i], "    "); err != nil {
				return err
			}
		}
		bw.WriteString("\n  ]")
	}
	bw.WriteString(",\n  \"skipped\": ")
	if err := value(nonNil(set.Skipped), "  "); err != nil {
		return err
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
