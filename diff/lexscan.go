// This file scans a line for what opens a string that later lines sit in:
// a backtick, a regular expression literal, a triple quote.

package diff

import "strings"

// opensBacktick reports whether a line of Go or JS leaves a backtick
// string open at its end: an odd number of backticks outside its "..."
// and '...' strings and its // comment.
func opensBacktick(line string) bool {
	if strings.IndexByte(line, '`') < 0 {
		return false // most lines: read on every line of a file's scan
	}
	var quote byte
	open := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case open:
			if c == '`' {
				open = false
			}
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '`':
			open = true
		case c == '/' && i+1 < len(line) && line[i+1] == '/':
			return false
		case c == '/' && i+1 < len(line) && line[i+1] == '*':
			end := strings.Index(line[i+2:], "*/")
			if end < 0 {
				return false
			}
			i += 2 + end + 1
		case c == '/' && regexMayStart(line[:i]):
			i = regexEnd(line, i)
		}
	}
	return open
}

// regexMayStart reports whether a `/` after before starts a JS regex
// literal: at the line's start or after an operator or an opening bracket,
// never after a value (`a / b`).
func regexMayStart(before string) bool {
	b := strings.TrimRight(before, " \t")
	return b == "" || strings.ContainsAny(b[len(b)-1:], "(,=:[!&|?{};")
}

// regexEnd is the index of the `/` that closes the regex literal opening
// at line[at] (a `/` in a [...] class or escaped does not), or the line's
// last index when it does not close there.
func regexEnd(line string, at int) int {
	class := false
	for i := at + 1; i < len(line); i++ {
		switch c := line[i]; {
		case c == '\\':
			i++
		case c == '[':
			class = true
		case c == ']':
			class = false
		case c == '/' && !class:
			return i
		}
	}
	return len(line) - 1
}

// openTriple is the Python triple quote a line (read from its start as
// code) leaves open at its end, or "": quotes inside a comment or an
// ordinary string (# docstrings use """ here) open nothing.
func openTriple(line string) string {
	if !strings.Contains(line, `"""`) && !strings.Contains(line, "'''") {
		return "" // most lines: read on every line of a file's scan
	}
	for i := 0; i < len(line); i++ {
		switch c := line[i]; c {
		case '#':
			return ""
		case '"', '\'':
			if q := line[i:min(i+3, len(line))]; q == strings.Repeat(string(c), 3) {
				end := strings.Index(line[i+3:], q)
				if end < 0 {
					return q
				}
				i += 3 + end + 2
				continue
			}
			for i++; i < len(line) && line[i] != c; i++ {
				if line[i] == '\\' {
					i++
				}
			}
		}
	}
	return ""
}
