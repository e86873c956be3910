// This file checks a ledger's YAML before it is decoded: every key, value
// and shape, each error a line of the file.

package dismiss

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/quorum-review/quorum/review"
)

// conflictLine is the line of the first git conflict marker in data
// ("<<<<<<< ", "=======", ">>>>>>> " at a line's start), 0 for none.
func conflictLine(data []byte) int {
	for i, l := range bytes.Split(data, []byte("\n")) {
		l = bytes.TrimRight(l, "\r")
		if bytes.HasPrefix(l, []byte("<<<<<<< ")) || bytes.Equal(l, []byte("<<<<<<<")) || bytes.Equal(l, []byte("=======")) || bytes.HasPrefix(l, []byte(">>>>>>> ")) {
			return i + 1
		}
	}
	return 0
}

// fingerprintShape is report.Fingerprint's: 16 lower-case hex digits.
var fingerprintShape = regexp.MustCompile(`^[0-9a-f]{16}$`)

// IsFingerprint reports whether s has a fingerprint's shape (what
// report.Fingerprint makes): the only values a finding can match.
func IsFingerprint(s string) bool { return fingerprintShape.MatchString(s) }

// kindShape is the shape of an issue kind's name: lower-case words joined
// by hyphens (sql-injection, other). A name quorum may learn later keeps
// this shape; "SQL-Injection" or "sql injection" would match no finding.
var kindShape = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// spanShape is a span line's hash as spanOf writes it.
var spanShape = regexp.MustCompile(`^[0-9a-f]{8}$`)

// entryKeys are an entry's keys in the file, from Entry's yaml tags.
var entryKeys = func() []string {
	var keys []string
	t := reflect.TypeFor[Entry]()
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}()

// checkShape refuses, with its line, whatever in a ledger is not a
// 'dismissed:' list of entries of known keys and plain values: yaml's own
// errors for these name Go types ("cannot unmarshal !!int `5` into
// []dismiss.Entry"). It returns each entry's lines.
func checkShape(data []byte) ([]entryLines, error) {
	var doc, more yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	// A second document (after `---`) would be read by nobody: its
	// entries silently dismiss nothing.
	if err := dec.Decode(&more); err == nil {
		if len(more.Content) > 0 && !isNull(deref(more.Content[0])) {
			return nil, lineError(more.Content[0].Line, "a second YAML document (after ---); keep every entry in one dismissed: list")
		}
	} else if !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil // empty, or only comments
	}
	root := deref(doc.Content[0])
	if isNull(root) {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, lineError(root.Line, "expected 'dismissed:' and a list of entries, got %s", describe(root))
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		switch {
		case k.Value != "dismissed":
			return nil, lineError(k.Line, "unknown key %q; the file has one key, dismissed:", k.Value)
		case list != nil:
			return nil, lineError(k.Line, "dismissed: appears twice; keep one list")
		}
		list = deref(root.Content[i+1])
	}
	if list == nil || isNull(list) {
		return nil, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, lineError(list.Line, "dismissed: must be a list of entries, got %s", describe(list))
	}
	lines := make([]entryLines, len(list.Content))
	for i, item := range list.Content {
		item = deref(item)
		lines[i].entry = item.Line
		place := fmt.Sprintf("entry %d", i+1)
		if item.Kind != yaml.MappingNode {
			return nil, lineError(item.Line, "%s must be keys like 'fingerprint:' and 'reason:', got %s", place, describe(item))
		}
		seen := map[string]int{}
		for j := 0; j+1 < len(item.Content); j += 2 {
			k, v := item.Content[j], deref(item.Content[j+1])
			if first, dup := seen[k.Value]; dup {
				return nil, lineError(k.Line, "%s: %s: repeats line %d; keep one", place, k.Value, first)
			}
			seen[k.Value] = k.Line
			if k.Value == "fingerprint" {
				lines[i].fingerprint = v.Line
			}
			if err := checkValue(place, k, v); err != nil {
				return nil, err
			}
		}
	}
	return lines, nil
}

// entryLines are where an entry, and its fingerprint, are in the file.
type entryLines struct{ entry, fingerprint int }

// checkValue refuses an entry's key quorum does not know, or a value of the
// wrong shape for its key.
func checkValue(place string, k, v *yaml.Node) error {
	switch {
	case !slices.Contains(entryKeys, k.Value):
		return lineError(k.Line, "%s: unknown key %q; an entry takes %s", place, k.Value, strings.Join(entryKeys, ", "))
	case isNull(v):
		return nil // an empty fingerprint or reason is refused once decoded
	case k.Value == "kinds":
		if v.Kind != yaml.SequenceNode {
			return lineError(v.Line, "%s: kinds: must be a list like [unchecked-error], got %s", place, describe(v))
		}
		for _, it := range v.Content {
			if it = deref(it); it.Kind != yaml.ScalarNode {
				return lineError(it.Line, "%s: kinds: each kind must be a plain name, got %s", place, describe(it))
			}
			if !kindShape.MatchString(it.Value) {
				return lineError(it.Line, "%s: kinds: %s is not a kind: kinds are lower-case names like sql-injection, or other", place, describe(it))
			}
		}
	case k.Value == "place_fingerprints":
		if v.Kind != yaml.SequenceNode {
			return lineError(v.Line, "%s: place_fingerprints: must be a list like [0123456789abcdef, fedcba9876543210], got %s", place, describe(v))
		}
		for _, it := range v.Content {
			if it = deref(it); it.Kind != yaml.ScalarNode || !IsFingerprint(it.Value) {
				return lineError(it.Line, "%s: place_fingerprints: %s is not a fingerprint (16 lower-case hex digits, like 0123456789abcdef)", place, describe(it))
			}
		}
	case k.Value == "span":
		if v.Kind != yaml.SequenceNode {
			return lineError(v.Line, "%s: span: must be a list like [0123abcd, 4567ef01], got %s", place, describe(v))
		}
		for _, it := range v.Content {
			if it = deref(it); it.Kind != yaml.ScalarNode || !spanShape.MatchString(it.Value) {
				return lineError(it.Line, "%s: span: %s is not a line's hash (8 lower-case hex digits, like 0123abcd)", place, describe(it))
			}
		}
	case v.Kind != yaml.ScalarNode:
		return lineError(v.Line, "%s: %s: must be a plain value, got %s", place, k.Value, describe(v))
	case k.Value == "places" || k.Value == "copies":
		var n int
		if v.Decode(&n) != nil || n < 1 {
			return lineError(v.Line, "%s: %s: must be a number, 1 or more, got %s", place, k.Value, describe(v))
		}
	case k.Value == "severity":
		if review.SeverityRank(v.Value) == 0 {
			return lineError(v.Line, "%s: severity: must be critical, important or suggestion, got %s", place, describe(v))
		}
	case k.Value == "when":
		var t time.Time
		if v.Decode(&t) != nil {
			return lineError(v.Line, "%s: when: must be a time like 2026-12-03T18:04:09Z, got %s", place, describe(v))
		}
	}
	return nil
}

func deref(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// describe names a YAML value for an error: a scalar as written, else its shape.
func describe(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.MappingNode:
		return "keys"
	case isNull(n):
		return "nothing"
	}
	v := n.Value
	if r := []rune(v); len(r) > 40 {
		v = string(r[:40]) + "…"
	}
	if n.Tag == "!!str" {
		return strconv.Quote(v)
	}
	return v
}

// shapeError is a problem checkShape found, at its line.
type shapeError struct {
	line int
	msg  string
}

func (e *shapeError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

func lineError(line int, format string, args ...any) error {
	return &shapeError{line, fmt.Sprintf(format, args...)}
}

// yamlLine and goTypes reword yaml's own errors, for what checkShape does
// not catch: the line moves into LedgerError.Line (as internal/config does
// for .quorum.yaml) and Go type names go ("… into []dismiss.Entry",
// "… in type dismiss.Ledger").
var (
	yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)
	goTypes  = regexp.MustCompile(` (?:into|in type) [\w.\[\]*]+`)
)

// located is err as path's LedgerError: one line, no Go type names.
func located(path string, err error) error {
	var se *shapeError
	if errors.As(err, &se) {
		return &LedgerError{Path: path, Line: se.line, Msg: se.msg}
	}
	msgs, prefix := []string{err.Error()}, "invalid YAML: "
	var te *yaml.TypeError
	if errors.As(err, &te) {
		// "yaml: unmarshal errors:" and one indented line per problem below.
		msgs, prefix = slices.Clone(te.Errors), ""
	}
	e := &LedgerError{Path: path}
	for i, m := range msgs {
		m = goTypes.ReplaceAllString(strings.TrimPrefix(strings.TrimSpace(m), "yaml: "), "")
		if sub := yamlLine.FindStringSubmatch(m); sub != nil && i == 0 {
			e.Line, _ = strconv.Atoi(sub[1])
			m = sub[2]
		}
		msgs[i] = m
	}
	e.Msg = prefix + strings.Join(msgs, "; ")
	return e
}
