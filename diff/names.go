package diff

// Path names in git's patch headers: the a/ b/ prefixes, the "diff --git"
// line's two names, and git's C-style quoting.

import (
	"fmt"
	"strings"
)

func stripPrefix(name string) string {
	if len(name) > 2 && (name[0] == 'a' || name[0] == 'b') && name[1] == '/' {
		return name[2:]
	}
	return name
}

// splitGitArgs splits the arguments of a "diff --git a/X b/Y" line. quorum
// forces the a/ b/ prefixes, so for an unquoted line without a rename the two
// names are equal and the split is in the middle; quoted names are C-quoted.
func splitGitArgs(args string) (string, string, bool) {
	// Both unquoted: "a/NAME b/NAME" with equal names splits in the middle.
	if len(args)%2 == 1 {
		mid := len(args) / 2
		a, b := args[:mid], args[mid+1:]
		if args[mid] == ' ' && strings.HasPrefix(a, "a/") && strings.HasPrefix(b, "b/") && a[2:] == b[2:] {
			return a[2:], b[2:], true
		}
	}
	if strings.HasPrefix(args, `"`) {
		a, rest, ok := readQuoted(args)
		if !ok || !strings.HasPrefix(rest, " ") {
			return "", "", false
		}
		rest = rest[1:]
		var b string
		if strings.HasPrefix(rest, `"`) {
			var tail string
			b, tail, ok = readQuoted(rest)
			if !ok || tail != "" {
				return "", "", false
			}
		} else {
			b = rest
		}
		return stripPrefix(a), stripPrefix(b), true
	}
	if strings.HasSuffix(args, `"`) {
		// Unquoted first name, quoted second.
		i := strings.Index(args, ` "`)
		for i >= 0 {
			b, tail, ok := readQuoted(args[i+1:])
			if ok && tail == "" {
				return stripPrefix(args[:i]), stripPrefix(b), true
			}
			j := strings.Index(args[i+1:], ` "`)
			if j < 0 {
				break
			}
			i += 1 + j
		}
		return "", "", false
	}
	// Different names (a rename): the caller prefers rename/copy headers, so
	// any plausible split is fine here.
	if i := strings.Index(args, " b/"); i > 0 && strings.HasPrefix(args, "a/") {
		return args[2:i], args[i+3:], true
	}
	return "", "", false
}

// readQuoted reads one C-quoted string at the start of s and returns it
// unquoted with the rest of s.
func readQuoted(s string) (string, string, bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", s, false
	}
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			v, err := unquoteC(s[:i+1])
			if err != nil {
				return "", s, false
			}
			return v, s[i+1:], true
		}
	}
	return "", s, false
}

// unquoteC undoes git's C-style path quoting ("\303\251", "\t", "\"", ...).
// Unquoted input is returned as is. Octal escapes give raw bytes, so names
// that are not UTF-8 survive.
func unquoteC(s string) (string, error) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return s, nil
	}
	in := s[1 : len(s)-1]
	var b strings.Builder
	b.Grow(len(in))
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(in) {
			return "", fmt.Errorf("%w: bad quoted name %s", ErrCorruptPatch, s)
		}
		switch c = in[i]; c {
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'v':
			b.WriteByte('\v')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case '"', '\\':
			b.WriteByte(c)
		case '0', '1', '2', '3':
			if i+2 >= len(in) {
				return "", fmt.Errorf("%w: bad quoted name %s", ErrCorruptPatch, s)
			}
			v := 0
			for k := 0; k < 3; k++ {
				d := in[i+k]
				if d < '0' || d > '7' {
					return "", fmt.Errorf("%w: bad quoted name %s", ErrCorruptPatch, s)
				}
				v = v*8 + int(d-'0')
			}
			b.WriteByte(byte(v))
			i += 2
		default:
			return "", fmt.Errorf("%w: bad quoted name %s", ErrCorruptPatch, s)
		}
	}
	return b.String(), nil
}
