package cmdtest

import (
	"fmt"
	"unicode/utf8"
)

// EvilName is a model or file name a hostile server or repository might
// supply: an OSC title change ended by BEL, a clear-screen CSI, an 8-bit CSI
// (U+009B) and a right-to-left override (U+202E).
const EvilName = "evil\x1b]0;pwned\x07\x1b[2J\u009b31m\u202egnp.exe:7b"

// Unsafe describes the first thing in s that could drive a terminal or
// disguise text: a control character other than newline and tab, DEL, a C1
// control (U+0080-U+009F), a bidi override or isolate, or invalid UTF-8. It
// returns "" when s is safe to print.
func Unsafe(s string) string {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !validAt(s, i):
			return fmt.Sprintf("invalid UTF-8 at byte %d", i)
		case r < 0x20 && r != '\n' && r != '\t', r == 0x7f, r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return fmt.Sprintf("%U at byte %d in %q", r, i, around(s, i))
		}
	}
	return ""
}

func validAt(s string, i int) bool {
	r, n := utf8.DecodeRuneInString(s[i:])
	return r != utf8.RuneError || n > 1
}

func around(s string, i int) string {
	return s[max(0, i-20):min(len(s), i+20)]
}
