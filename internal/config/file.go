package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/quorum-review/quorum/internal/loopback"
	"github.com/quorum-review/quorum/internal/nearest"
)

// sections are the keys that hold a mapping of further keys.
var sections = map[string]bool{"review": true, "hook": true, "reports": true}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// applyFile parses one config file with the YAML node API (for line numbers)
// and applies every key, rejecting unknown keys and bad values.
func (c *Config) applyFile(data []byte, path, shown string, kind SourceKind) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return wrap(syntaxError(data, err, shown))
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil // empty file
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil // only comments
	}
	if root.Kind != yaml.MappingNode {
		return wrap(&Error{File: shown, Line: root.Line, Msg: "expected a mapping of keys at the top level", Hint: "write one 'key: value' per line; see 'quorum init' for a starter file"})
	}
	dir := filepath.Dir(path)
	return c.applyMapping(root, "", dir, shown, kind)
}

// syntaxError is a YAML syntax error in data as an *Error naming the line,
// and the column where it is known. yaml.v3 names the line in its message
// ("yaml: line 3: ..."; its parser's one line early), except on the first
// line, and for the bytes its reader refuses (invalid UTF-8, control
// characters) and an unknown alias, wherever they are: those are found
// here. It never names a column; one is given for a byte found here, and
// for the commonest mistake, a tab in the indentation.
func syntaxError(data []byte, err error, shown string) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	e := &Error{File: shown, Hint: "fix the YAML syntax (indent with spaces, 'key: value' per line)"}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		msg = m[2]
		if parserErrors[msg] {
			// yaml.v3 counts its parser's lines from 0 (its scanner's
			// from 1): "a: 1\n- b" is "line 1: did not find expected key".
			// And it names the line where the enclosing block starts,
			// which is the mistake's only in a flat file: say so.
			e.Line++
			msg += fmt.Sprintf(" (in the block that starts on line %d: the mistake is there or below it)", e.Line)
		}
	} else {
		e.Line, e.Column = locate(data, msg)
	}
	// yaml.v3 reports a tab in the indentation on its line, or (with its
	// context) the line before.
	tabAt := []int{e.Line}
	if strings.Contains(msg, "tab character") {
		tabAt = append(tabAt, e.Line+1)
	}
	if strings.Contains(msg, "tab character") || strings.Contains(msg, "cannot start any token") {
		for _, n := range tabAt {
			if col := indentTab(data, n); col > 0 {
				e.Line, e.Column = n, col
				msg += " (a tab in the indentation: YAML indents with spaces)"
				break
			}
		}
	}
	e.Msg = "invalid YAML: " + msg
	return e
}

// parserErrors are the messages of yaml.v3's parser (not its scanner).
var parserErrors = map[string]bool{
	"did not find expected ',' or ']'": true, "did not find expected ',' or '}'": true,
	"did not find expected '-' indicator": true, "did not find expected <document start>": true,
	"did not find expected <stream-start>": true, "did not find expected key": true,
	"did not find expected node content": true, "found duplicate %TAG directive": true,
	"found duplicate %YAML directive": true, "found incompatible YAML document": true,
	"found undefined tag handle": true,
}

var unknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)

// locate finds the line (and column) of an error yaml.v3 named no line for.
func locate(data []byte, msg string) (line, col int) {
	switch {
	case strings.Contains(msg, "UTF-8") || strings.Contains(msg, "Unicode") || strings.Contains(msg, "control characters"):
		return badChar(data)
	case unknownAnchor.MatchString(msg):
		name := unknownAnchor.FindStringSubmatch(msg)[1]
		for i, l := range lines(data) {
			for j := 0; ; {
				k := strings.Index(l[j:], "*"+name)
				if k < 0 {
					break
				}
				end := j + k + 1 + len(name)
				if end == len(l) || strings.ContainsRune(" \t\r,]}", rune(l[end])) {
					return i + 1, utf8.RuneCountInString(l[:j+k]) + 1
				}
				j = end
			}
		}
		return 0, 0
	case strings.HasPrefix(msg, "input error") || strings.Contains(msg, "excessive aliasing") || strings.Contains(msg, "contains itself"):
		return 0, 0
	}
	// A parse error: yaml.v3 leaves the line out only when it is the first.
	return 1, 0
}

// badChar is the line and column of the first character YAML does not
// allow: an invalid UTF-8 sequence, or a control character other than tab,
// line feed and carriage return.
func badChar(data []byte) (line, col int) {
	for i, l := range lines(data) {
		for j, w, c := 0, 0, 1; j < len(l); j, c = j+w, c+1 {
			var r rune
			r, w = utf8.DecodeRuneInString(l[j:])
			ok := r != utf8.RuneError || w > 1
			switch {
			case r == '\t', r == '\r', r == 0x85:
			case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0xfffe || r == 0xffff:
				ok = false
			}
			if !ok {
				return i + 1, c
			}
		}
	}
	return 0, 0
}

// indentTab is the column of the first tab in the indentation of line n
// (1-based) of data, or 0.
func indentTab(data []byte, n int) int {
	ls := lines(data)
	if n < 1 || n > len(ls) {
		return 0
	}
	l := ls[n-1]
	if n == 1 {
		l = strings.TrimPrefix(l, "\ufeff") // a byte order mark is no column
	}
	for i, r := range l {
		switch r {
		case '\t':
			return i + 1
		case ' ':
			continue
		}
		return 0
	}
	return 0
}

// lines splits data at line feeds (a "\r\n" line keeps its "\r").
func lines(data []byte) []string { return strings.Split(string(data), "\n") }

func (c *Config) applyMapping(m *yaml.Node, prefix, dir, shown string, kind SourceKind) error {
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		key := prefix + k.Value
		if k.Kind != yaml.ScalarNode {
			return wrap(&Error{File: shown, Line: k.Line, Msg: "keys must be plain names", Hint: "write 'key: value'"})
		}
		if first, dup := seen[k.Value]; dup {
			return wrap(&Error{File: shown, Line: k.Line, Msg: fmt.Sprintf("key %q repeats line %d", key, first), Hint: "keep one of the two lines"})
		}
		seen[k.Value] = k.Line
		if prefix == "" && sections[k.Value] {
			if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
				continue // "hook:" with nothing under it
			}
			if v.Kind != yaml.MappingNode {
				return wrap(&Error{File: shown, Line: v.Line, Msg: fmt.Sprintf("%s: expected a mapping of keys", key), Hint: fmt.Sprintf("indent the %s settings under '%s:', like '  %s'", key, key, sectionExample(key))})
			}
			if err := c.applyMapping(v, key+".", dir, shown, kind); err != nil {
				return err
			}
			continue
		}
		f := lookupField(key)
		if f == nil {
			return wrap(&Error{File: shown, Line: k.Line, Msg: fmt.Sprintf("unknown key %q", key), Hint: unknownKeyHint(key)})
		}
		val, err := nodeValue(v, key, dir)
		if err == nil {
			err = f.set(c, val)
		}
		if err == nil && kind == FromRepo {
			err = c.checkRepoSafe(key)
		}
		if err != nil {
			return wrap(located(err, shown, v.Line, key))
		}
		c.setSource(key, Source{Kind: kind, File: shown, Line: k.Line})
	}
	return nil
}

// sectionExample is a line to show under a section's key in a hint.
func sectionExample(section string) string {
	switch section {
	case "reports":
		return "keep: 50"
	case "merge":
		return "judge: qwen2.5-coder:14b"
	case "eval":
		return "cases: 20"
	}
	return "fail_on: critical"
}

func located(err error, file string, line int, key string) *Error {
	var bv *badValue
	if errors.As(err, &bv) {
		return &Error{File: file, Line: line, Msg: key + ": " + bv.msg, Hint: bv.hint}
	}
	var ce *Error
	if errors.As(err, &ce) {
		e := *ce
		e.File = file
		if e.Line == 0 {
			e.Line = line
		}
		return &e
	}
	return &Error{File: file, Line: line, Msg: key + ": " + err.Error()}
}

// nodeValue converts a YAML node into a value; a null value is an error
// (a key with nothing after it is nearly always a mistake).
func nodeValue(n *yaml.Node, key, dir string) (value, error) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if key == "models" && n.Kind == yaml.SequenceNode {
		ms, err := nodeModels(n)
		if err != nil {
			return value{}, err
		}
		return value{models: ms, isList: true, dir: dir}, nil
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return value{}, bad("give a value after the colon, or delete the line", "no value")
		}
		return value{scalar: n.Value, tag: n.Tag, dir: dir}, nil
	case yaml.SequenceNode:
		out := make([]string, 0, len(n.Content))
		for _, it := range n.Content {
			if it.Kind != yaml.ScalarNode || it.Tag == "!!null" {
				return value{}, &Error{Line: it.Line, Msg: key + ": list items must be plain values", Hint: "write one '- value' per line"}
			}
			out = append(out, it.Value)
		}
		return value{list: out, isList: true, dir: dir}, nil
	}
	return value{}, bad("give a single value or a list", "expected a value, got a mapping")
}

// nodeModels accepts each item as a plain name or {name, focus, num_ctx}.
func nodeModels(n *yaml.Node) ([]Model, error) {
	var out []Model
	for _, it := range n.Content {
		switch it.Kind {
		case yaml.ScalarNode:
			out = append(out, Model{Name: it.Value})
		case yaml.MappingNode:
			var m Model
			for i := 0; i+1 < len(it.Content); i += 2 {
				k, v := it.Content[i], it.Content[i+1]
				if v.Kind != yaml.ScalarNode {
					return nil, &Error{Line: v.Line, Msg: fmt.Sprintf("models: %s must be a plain value", k.Value), Hint: "write 'name: qwen2.5-coder:7b', 'focus: ...', 'num_ctx: 16384'"}
				}
				switch k.Value {
				case "name":
					m.Name = v.Value
				case "focus":
					m.Focus = v.Value
				case "api":
					m.API = v.Value
				case "host":
					m.Host = v.Value
				case "num_ctx":
					n, err := strconv.Atoi(v.Value)
					if err != nil || v.Tag != "!!int" {
						return nil, &Error{Line: v.Line, Msg: fmt.Sprintf("models: num_ctx %q is not a whole number", v.Value), Hint: "use a token count like 16384"}
					}
					m.NumCtx = n
				default:
					return nil, &Error{Line: k.Line, Msg: fmt.Sprintf("models: unknown key %q", k.Value), Hint: modelKeyHint(k.Value)}
				}
			}
			if err := checkModel(m); err != nil {
				var bv *badValue
				errors.As(err, &bv)
				return nil, &Error{Line: it.Line, Msg: "models: " + bv.msg, Hint: bv.hint}
			}
			out = append(out, m)
		default:
			return nil, &Error{Line: it.Line, Msg: "models: each item must be a name or a mapping", Hint: "write '- qwen2.5-coder:7b' or '- name: qwen2.5-coder:7b'"}
		}
	}
	if out == nil {
		out = []Model{}
	}
	return out, nil
}

// modelKeys are the keys of a models: entry, in the order hints name them.
var modelKeys = []string{"name", "focus", "num_ctx", "api", "host"}

// modelKeyHint is unknownKeyHint for a key of a models: entry: a typo of
// one ("nm_ctx") is named, as a top-level key's is.
func modelKeyHint(key string) string {
	const takes = "a model takes name, focus, num_ctx, api and host"
	near := nearest.Names(key, modelKeys, min(4, max(len(key)/3, 1)+1))
	if len(near) == 0 {
		return takes
	}
	return fmt.Sprintf("did you mean %q? %s", near[0], takes)
}

func unknownKeyHint(key string) string {
	// A near key is a typo's distance away: at most a third of the key
	// ("foo" is no typo of "api").
	best, bestD := "", min(4, max(len(key)/3, 1)+1)
	for _, f := range fields {
		if d := nearest.Distance(key, f.key); d < bestD {
			best, bestD = f.key, d
		}
		// a key put at the top level that belongs in a section, or the reverse
		if i := strings.LastIndexByte(f.key, '.'); i >= 0 && f.key[i+1:] == key {
			return fmt.Sprintf("did you mean %q? it goes under '%s:'", f.key, f.key[:i])
		}
	}
	// Not 'quorum config show': it loads this same file and fails the same way.
	if best != "" {
		return fmt.Sprintf("did you mean %q? remove or rename the key", best)
	}
	return "remove the key; the top-level keys are " + strings.Join(topLevelKeys(), ", ")
}

// topLevelKeys are the keys a config file may have at its top level, in
// declaration order.
func topLevelKeys() []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range fields {
		k, _, _ := strings.Cut(f.key, ".")
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// regularFile reports whether p (after symlinks) is a regular file: a FIFO
// or a device would block or never end when read.
func regularFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// checkRepoSafe refuses the settings a cloned repository must not be able to
// choose for you: sending its code (and the rest of the diff) off the machine.
// Only the user file, the environment and flags may allow a remote host.
func (c *Config) checkRepoSafe(key string) error {
	const hint = "set it in your user config (quorum config show names the file), in QUORUM_HOST / QUORUM_ALLOW_REMOTE, or pass --host / --allow-remote"
	switch {
	case key == "allow_remote" && c.AllowRemote:
		return bad(hint, "a repository's .quorum.yaml cannot allow a remote ollama host")
	case (key == "ollama_host" || key == "host") && !loopbackHost(c.OllamaHost):
		return bad(hint, "a repository's .quorum.yaml can only name a loopback ollama host (127.0.0.1, ::1 or localhost), not %q", c.OllamaHost)
	case key == "api_key_env" && c.APIKeyEnv != "":
		return bad("set api_key_env in your user config (quorum config show names the file)", "a repository's .quorum.yaml cannot choose which API key is sent")
	case key == "guidelines":
		for _, p := range c.Guidelines {
			inside := insideRoot
			if c.lenientFiles || c.missingFilesOK && !exists(p) {
				inside = InsideByName // read from a commit, where the work tree's links do not lead
			}
			if !inside(c.Root, p) {
				return bad("copy the file into the repository, or name it in your user config (quorum config show names the file)", "a repository's .quorum.yaml can only name files inside the repository, not %q", p)
			}
		}
	case key == "models":
		for _, m := range c.Models {
			if m.Host != "" && !loopbackHost(m.Host) {
				return bad(hint, "a repository's .quorum.yaml can only name loopback hosts for its models, not %q for %s", m.Host, m.Name)
			}
		}
	}
	return nil
}

// InsideByName reports whether path names a place inside root, by its
// name alone (no symlink followed, the path need not exist).
func InsideByName(root, path string) bool {
	if root == "" {
		return false
	}
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// insideRoot reports whether path, with every symlink resolved, lies inside
// root (also resolved). A path that cannot be resolved is not inside.
func insideRoot(root, path string) bool {
	if root == "" {
		return false
	}
	r, err := filepath.EvalSymlinks(root)
	if err != nil {
		return false
	}
	p, err := filepath.EvalSymlinks(path)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(r, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return false
	}
	return true
}

// loopbackHost reports whether an ollama_host value names a loopback address
// literally; a DNS name other than localhost could resolve anywhere.
func loopbackHost(s string) bool {
	raw := s
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if loopback.LocalName(h) {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
