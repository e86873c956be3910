// This file reads a YAML file's scopes: its documents and mapping keys.

package diff

import (
	"fmt"
	"regexp"
	"strings"
)

// yamlDocument names the nth document of a YAML file (from the second:
// the first has none, so a one-document file reads as before). Two
// manifests of one file (`---` between a dev and a prod Deployment) are
// two places.
func yamlDocument(n int) string { return fmt.Sprintf("--- document %d", n) }

// yamlDocumentOf reads yamlDocument's n back from a scope.
func yamlDocumentOf(scope string) (int, bool) {
	var n int
	if _, err := fmt.Sscanf(scope, "--- document %d", &n); err != nil || yamlDocument(n) != scope {
		return 0, false
	}
	return n, true
}

// YAML's scopes are its mapping keys that hold others (`services:`,
// `payments:`, `securityContext:`): a key with no value on its line. A
// line at a key's indentation or less closes it, except a sequence item
// ("- ") at the key's own indentation, which is inside it (`containers:`
// then `- name: api`). So `privileged: true` under two services of one
// file is two places. A sequence item is a scope too, for the lines
// under it (not its own line), named by its first line: the same key in
// two containers of a pod (`- name: api`, `- name: sidecar`) is two
// places.
var yamlKey = regexp.MustCompile(`^[\w.\-/"' ]+:\s*(#.*)?$`)

// yamlIndent is line's indentation as a scope reads it: a sequence item
// counts as indented past the key it sits under.
func yamlIndent(line, t string) int {
	in := Indent(line)
	if yamlItem(t) {
		in++
	}
	return in
}

// yamlMarker reports whether line is YAML's document marker m ("---" or
// "..."): at column 0, then nothing, a space or a tab (`--- # prod`,
// `--- !tag`). An indented `---` is text in a block scalar.
func yamlMarker(line, m string) bool {
	line = strings.TrimRight(line, "\r\n")
	return strings.HasPrefix(line, m) && (len(line) == len(m) || line[len(m)] == ' ' || line[len(m)] == '\t')
}

// yamlItem reports whether t (a trimmed line) starts a sequence item.
func yamlItem(t string) bool { return strings.HasPrefix(t, "- ") || t == "-" }

// seeYAML reads a line of a YAML file (see yamlKey).
func (s *Scopes) seeYAML(line, t string) {
	if doc := yamlMarker(line, "---"); strings.HasPrefix(t, "#") || doc || yamlMarker(line, "...") {
		if doc {
			s.defs, s.indent = nil, nil // a new document
			if s.docs++; s.docs > 1 {
				s.defs, s.indent = []string{yamlDocument(s.docs)}, []int{flatBase}
			}
		}
		return
	}
	s.docs = max(s.docs, 1) // content before any `---` is the first document
	in := yamlIndent(line, t)
	for n := len(s.indent); n > 0 && s.indent[n-1] >= in; n-- {
		s.defs, s.indent = s.defs[:n-1], s.indent[:n-1]
	}
	if (yamlKey.MatchString(t) || yamlItem(t)) && len(s.defs) < maxScopeDepth {
		s.defs, s.indent = append(s.defs, yamlScope(line)), append(s.indent, in)
	}
}

// yamlScope is a YAML key or item line as a scope names it: its comment
// left off and its value unquoted (`- name: "app"  # main` is
// `- name: app`), so an edit that changes neither names the same place.
func yamlScope(line string) string {
	out, quote := line, byte(0)
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case (c == '"' || c == '\'') && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			quote = c // a quoted scalar starts a value; `it's` is a word
		case c == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			out = strings.TrimRight(line[:i], " \t")
			i = len(line)
		}
	}
	if k, v, ok := strings.Cut(out, ": "); ok {
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		out = k + ": " + v
	}
	return out
}
