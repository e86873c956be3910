package safetext_test

import (
	"fmt"
	"testing"

	"github.com/quorum-review/quorum/internal/safetext"
)

func TestSanitize(t *testing.T) {
	for in, want := range map[string]string{
		"plain\ttext\nline":        "plain\ttext\nline",
		"red \x1b[31malert\x1b[0m": "red alert",
		"title\x1b]0;pwned\x07 ok": "title ok",
		"carriage\rreturn\x08":     "carriagereturn",
		"bidi \u202eevil\u202c":    "bidi evil",
		"c1 \u009b31m control":     "c1 31m control",
		"8-bit csi \x9b31m red":    "8-bit csi \uFFFD31m red",
		"latin-1 caf\xe9":          "latin-1 caf\uFFFD",
	} {
		if got := safetext.Sanitize(in); got != want {
			t.Errorf("Sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"  model\tname \x1b[2J\nsecond line": "model name",
		"ollama: \u202eevil\r\nmore":         "ollama: evil",
		"\x1b]0;title\x07plain":              "plain",
		"":                                   "",
	} {
		if got := safetext.OneLine(in); got != want {
			t.Errorf("OneLine(%q) = %q, want %q", in, got, want)
		}
	}
	if got := safetext.Clip("héllo", 2); got != "h..." {
		t.Errorf("Clip cut a rune: %q", got)
	}
}

// TestCodeShowsWhatSanitizeDrops: code keeps its control characters and
// bidi overrides in sight, escaped, where model text loses them; a CRLF
// line's ending is no code.
func TestCodeShowsWhatSanitizeDrops(t *testing.T) {
	for in, want := range map[string]string{
		"return \"\x1b[31mred\x1b[0m \u202eevil\"": `return "\x1b[31mred\x1b[0m <U+202E>evil"`,
		"x := 1\r":                  "x := 1",
		"a\tb":                      "a\tb",
		"bell\x07 del\x7f c1\u009b": `bell\x07 del\x7f c1<U+009B>`,
		"plain ünï":                 "plain ünï",
		"bad \xff byte":             "bad \uFFFD byte",
	} {
		got := safetext.Code(in)
		if got != want {
			t.Errorf("Code(%q) = %q, want %q", in, got, want)
		}
		if got != safetext.Sanitize(got) {
			t.Errorf("Code(%q) = %q still holds a control character", in, got)
		}
	}
}

// TestInvisibleFormatCharacters: zero-width spaces and joiners, bidi marks,
// the soft hyphen, the BOM, word joiners and tag characters change what a
// reader sees without being seen. Model text loses them; code and file
// names show them.
func TestInvisibleFormatCharacters(t *testing.T) {
	for _, r := range []rune{0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x061c, 0x00ad, 0xfeff, 0x2060, 0xe0001, 0xe0041, 0xfff9} {
		in := "a" + string(r) + "b"
		joiner := r == 0x200c || r == 0x200d // kept in text: emoji and scripts need them
		if got := safetext.Sanitize(in); got != "ab" && !joiner || joiner && got != in {
			t.Errorf("Sanitize(%q) = %q", in, got)
		}
		want := fmt.Sprintf("a<U+%04X>b", r)
		if got := safetext.Code(in); got != want {
			t.Errorf("Code(%q) = %q, want %q", in, got, want)
		}
	}
	// Visible text is left alone: accents, CJK, emoji, non-breaking space.
	for _, in := range []string{"café", "日本語", "ok 👍", "a\u00a0b", "Ünïcödé ñ", "family 👩\u200d👩\u200d👧", "می\u200cخواهم"} {
		if got := safetext.Sanitize(in); got != in {
			t.Errorf("Sanitize(%q) = %q, want it unchanged", in, got)
		}
	}
}

// TestPathShowsTheNameOnDisk: a file name is shown whole, its control and
// invisible characters escaped, never dropped: "escred.go" would name
// another file.
func TestPathShowsTheNameOnDisk(t *testing.T) {
	for in, want := range map[string]string{
		"esc\x1b[31mred.go":  `esc\x1b[31mred.go`,
		"new\nline.go":       `new\nline.go`,
		"tab\tname.go":       `tab\tname.go`,
		"zero\u200bwidth.go": "zero<U+200B>width.go",
		"rtl\u202eog.txt":    "rtl<U+202E>og.txt",
		"plain/ü.go":         "plain/ü.go",
		"caf\xe9.go":         `caf\xe9.go`,
		"a\xff.go":           `a\xff.go`,
		`caf\xe9.go`:         `caf\\xe9.go`,   // a backslash on disk: not the Latin-1 name
		"a<U+200B>.go":       `a\<U+200B>.go`, // the text on disk: not the zero-width space
	} {
		if got := safetext.Path(in); got != want {
			t.Errorf("Path(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestBlank: a title of characters that show nothing is no title.
func TestBlank(t *testing.T) {
	for _, in := range []string{"", " \t\n", "\x1b[31m\x1b[0m", "\u200b\u200d", "\u034f", "\u115f\u1160", "\u3164", "\uffa0", "\u2800", "\u00ad\ufeff", "\ufe0f", "\u0301\u0302", "\u17b4\u17b5", "\ue000"} {
		if !safetext.Blank(in) {
			t.Errorf("Blank(%q) = false", in)
		}
	}
	for _, in := range []string{"x", " . ", "\u200bx", "日", "👍", "e\u0301", "❤\ufe0f"} {
		if safetext.Blank(in) {
			t.Errorf("Blank(%q) = true", in)
		}
	}
}
