package diff

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/safetext"
)

func encoderJSON(t testing.TB, v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return string(safetext.EscapeJSON(b.Bytes())) // the contract: C1 and bidi as \u escapes
}

func nastySet(text string) *Set {
	return &Set{
		Mode: ModeRange, Base: Ref{"main", "a"}, Head: Ref{"HEAD", "b"}, MergeBase: "a",
		Commits: []Commit{{SHA: "b", Subject: "s <&>", Parents: []string{"a"}}},
		Files: []File{
			{Path: text, OldPath: "o", Status: StatusRenamed, Similarity: 90, OldMode: "100644", NewMode: "100755", Added: 1, Deleted: 1,
				Hunks: []Hunk{{OldStart: 1, OldLines: 1, NewStart: 1, NewLines: 1, Section: text, Lines: []Line{
					{Kind: Deleted, Old: 1, Text: text, NoNewline: true}, {Kind: Added, New: 1, Text: text},
				}}, {Lines: []Line{}}}},
			{Path: "skipped", OldPath: "skipped", Status: StatusAdded, Skip: SkipBinary, Binary: true, Hunks: []Hunk{}},
			{Path: "nil hunks", OldPath: "x", Status: StatusModified},
		},
		Skipped: []Skipped{{Path: "skipped", Reason: SkipBinary}},
	}
}

// JSONStream must equal encoding/json (then safetext.EscapeJSON) byte for
// byte, whatever the text.
func TestWriteJSONMatchesEncoding(t *testing.T) {
	var all strings.Builder
	for b := 0; b < 256; b++ {
		all.WriteByte(byte(b))
	}
	for _, text := range []string{"", "plain", all.String(), "\u2028\u2029 é 日本 🎉", "caf\xe9 \xff\xfe", "<a href=\"x\">&amp;</a>\\", "tab\tcr\r\x00\x7f"} {
		set := nastySet(text)
		var got bytes.Buffer
		if err := writeJSON(&got, set); err != nil {
			t.Fatal(err)
		}
		if want := encoderJSON(t, set); got.String() != want {
			t.Errorf("text %q:\n got %s\nwant %s", text, got.String(), want)
		}
	}
}

func FuzzWriteJSON(f *testing.F) {
	f.Add("x\u2028\xff\"\\\t")
	f.Fuzz(func(t *testing.T, text string) {
		set := nastySet(text)
		var got bytes.Buffer
		if err := writeJSON(&got, set); err != nil {
			t.Fatal(err)
		}
		if want := encoderJSON(t, set); got.String() != want {
			t.Fatalf("text %q:\n got %s\nwant %s", text, got.String(), want)
		}
	})
}

func BenchmarkAppendJSONString(b *testing.B) {
	s := strings.Repeat("\tvalue12 := compute(1234, \"stable text for line 12\") // ünï\n", 1)
	var buf []byte
	for b.Loop() {
		buf = appendJSONString(buf[:0], s)
	}
}

// writeJSON writes a whole set through a JSONStream.
func writeJSON(w io.Writer, set *Set) error {
	js := NewJSONStream(w)
	if err := js.Begin(set); err != nil {
		return err
	}
	for i := range set.Files {
		if err := js.File(&set.Files[i]); err != nil {
			return err
		}
	}
	return js.End(set)
}
