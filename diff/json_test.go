package diff

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff/difftest"
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
			{Path: text, OldPath: "o", Status: StatusRenamed, Similarity: 90, OldMode: "100644", NewMode: "100755", Added: 1, Deleted: 1, Scoped: true,
				Hunks: []Hunk{{OldStart: 1, OldLines: 1, NewStart: 1, NewLines: 1, Section: text, Enclosing: []string{"class " + text, "def " + text}, EnclosingIn: "\"\"\"", Lines: []Line{
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

// TestNonUTF8PathsRoundTrip: a file name that is not UTF-8 keeps "path"
// for people (U+FFFD where a byte is invalid) and carries its exact bytes
// in path_bytes (base64), in `quorum diff --format json` (JSONStream) and
// in diff.json (encoding/json); decoding gives back the real path.
func TestNonUTF8PathsRoundTrip(t *testing.T) {
	r := difftest.NewIsolated(t)
	oldName, newName, binName := "o\xffld.py", "f\xe9.py", "b\xe9.bin"
	r.Write(oldName, difftest.Lines("x =", 20))
	r.Write("plain.py", "a = 1\n")
	r.Commit("one")
	r.Git("checkout", "-q", "-b", "f")
	r.Git("mv", oldName, newName)
	r.Write(newName, difftest.Lines("x =", 20)+"y = 2\n")
	r.Write(binName, "\x00\x01\x02")
	r.Write("plain.py", "a = 2\n")
	r.Commit("two")
	for _, engine := range []string{EngineGit, EngineGoGit} {
		t.Run(engine, func(t *testing.T) {
			if engine == EngineGoGit {
				noGit(t)
			}
			set := load(t, Options{Dir: r.Dir})
			if i := indexOf(set, newName); i < 0 || set.Files[i].OldPath != oldName {
				t.Fatalf("%q not loaded with its old path: %+v", newName, set.Files)
			}
			var stream bytes.Buffer
			if err := writeJSON(&stream, set); err != nil {
				t.Fatal(err)
			}
			saved, err := json.MarshalIndent(set, "", "  ") // as diff.json is written
			if err != nil {
				t.Fatal(err)
			}
			for name, out := range map[string][]byte{"stream": stream.Bytes(), "diff.json": saved} {
				// The raw JSON: lossy path, exact bytes beside it.
				var raw struct {
					Files []struct {
						Path         string `json:"path"`
						PathBytes    string `json:"path_bytes"`
						OldPath      string `json:"old_path"`
						OldPathBytes string `json:"old_path_bytes"`
					} `json:"files"`
					Skipped []struct {
						Path      string `json:"path"`
						PathBytes string `json:"path_bytes"`
					} `json:"skipped"`
				}
				if err := json.Unmarshal(out, &raw); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				decode := func(s string) string {
					b, err := base64.StdEncoding.DecodeString(s)
					if err != nil {
						t.Fatalf("%s: path_bytes %q: %v", name, s, err)
					}
					return string(b)
				}
				seen := 0
				for _, f := range raw.Files {
					switch f.Path {
					case "f\ufffd.py":
						if decode(f.PathBytes) != newName || f.OldPath != "o\ufffdld.py" || decode(f.OldPathBytes) != oldName {
							t.Errorf("%s: %+v", name, f)
						}
						if _, err := os.Stat(filepath.Join(r.Dir, decode(f.PathBytes))); err != nil {
							t.Errorf("%s: path_bytes does not name the file: %v", name, err)
						}
						seen++
					case "b\ufffd.bin":
						if decode(f.PathBytes) != binName || decode(f.OldPathBytes) != binName { // old_path is path for a new file
							t.Errorf("%s: %+v", name, f)
						}
						seen++
					case "plain.py":
						if f.PathBytes != "" || f.OldPathBytes != "" {
							t.Errorf("%s: a UTF-8 path has path_bytes: %+v", name, f)
						}
						seen++
					}
				}
				if seen != 3 || len(raw.Skipped) != 1 || decode(raw.Skipped[0].PathBytes) != binName {
					t.Errorf("%s: files %+v skipped %+v", name, raw.Files, raw.Skipped)
				}
				if bytes.Contains(out, []byte("path_bytes\": \"\"")) {
					t.Errorf("%s: an empty path_bytes", name)
				}
				// Decoding restores the exact paths.
				var back Set
				if err := json.Unmarshal(out, &back); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if i := indexOf(&back, newName); i < 0 || back.Files[i].OldPath != oldName ||
					len(back.Skipped) != 1 || back.Skipped[0].Path != binName || indexOf(&back, binName) < 0 {
					t.Errorf("%s: decoded %+v", name, back.Files)
				}
				again, _ := json.MarshalIndent(&back, "", "  ")
				if string(again) != string(saved) {
					t.Errorf("%s: not the same after a round trip:\n%s\nwant\n%s", name, again, saved)
				}
			}
		})
	}
}

// TestScopedRoundTrips: diff.json saved with a report is read back by
// status and dismiss, whose sections must be the review's: a file whose
// definitions were read from it stays marked so.
func TestScopedRoundTrips(t *testing.T) {
	var b bytes.Buffer
	if err := writeJSON(&b, nastySet("x")); err != nil {
		t.Fatal(err)
	}
	var back Set
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if !back.Files[0].Scoped || back.Files[1].Scoped {
		t.Fatalf("scoped read back as %v, %v", back.Files[0].Scoped, back.Files[1].Scoped)
	}
}
