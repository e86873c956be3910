// This file carries the definitions open at each line of a file (Scopes):
// a brace, indentation or keyword language's, and how far a string or a
// comment keeps a line from counting.

package diff

import (
	"bytes"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Scopes tracks the definitions open at a point of a file read from its
// top (IsDefinitionIn): a definition closes where a later definition
// starts at its indentation or less, or its block does: a closing brace
// at its indentation or less, or, in Python, any other code there but a
// comment, a decorator or the rest of a signature. So the fields of a Go
// type after a function, or a Python script's main code after a class,
// are in neither. Lines inside a Python triple-quoted string (SQL at
// column 0 in a function) close nothing.
type Scopes struct {
	defs   []string
	indent []int
	// lang: the file's definition forms, found once rather than on
	// every line.
	lang   lang
	python bool
	// yaml: a YAML file, whose scopes are its mapping keys (yamlScope).
	yaml bool
	// docs counts a YAML file's documents begun so far: the second and
	// later are scopes of their own (yamlDocument).
	docs int
	// flatBlocks counts the blocks open at the innermost namespace's own
	// indentation that no definition opened (see seeCode): their closing
	// braces come before the namespace's.
	flatBlocks int
	quote      string // the triple quote of the string a line is inside, if any
	// backticks: the language's backtick strings run over lines (Go raw
	// strings, JS template literals); raw says a line is inside one, and
	// closes nothing (a JSON `}` at column 0 in a test).
	backticks, raw bool
	// ends: the language closes a block with `end` (Ruby, Lua, Elixir).
	ends bool
	// pending: the last definition opened has no block yet: a signature
	// whose brace is on the next line (`int remove(struct device *dev)`,
	// then `{`). The next line keeps it if it opens the block, else it was
	// no block at all (`type ID string`), and it is closed.
	pending bool
}

// NewScopes starts tracking in the file at path with the definitions open
// outermost first (a hunk's Enclosing).
func NewScopes(path string, open []string) *Scopes {
	ext := strings.ToLower(filepath.Ext(path))
	s := &Scopes{python: ext == ".py" || ext == ".pyw" || ext == ".pyi", yaml: ext == ".yaml" || ext == ".yml"}
	s.lang = langOf(path)
	switch ext {
	case ".go", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts":
		s.backticks = true
	case ".rb", ".lua", ".ex", ".exs", ".jl":
		s.ends = true
	}
	for _, d := range open[:min(len(open), maxScopeDepth)] {
		s.defs, s.indent = append(s.defs, d), append(s.indent, s.scopeIndent(d, strings.TrimSpace(d)))
		if n, ok := yamlDocumentOf(d); ok && s.yaml {
			s.docs = n
		}
	}
	return s
}

// flatBase marks a brace namespace's place in Scopes.indent. C++ does not
// indent what a namespace holds (`namespace billing {`, then `void
// charge() {` at column 0), so a namespace is kept at flatBase plus its
// own indentation, below every line's: a line at its indentation is
// inside it, and only a `}` of its own closes it (see seeCode).
const flatBase = -1 << 30

// scopeIndent is where a definition line (t: trimmed) sits in
// Scopes.indent: its indentation, or a brace namespace's flat place.
func (s *Scopes) scopeIndent(line, t string) int {
	if !s.python && !s.ends && !s.yaml && opensNamespace(t) {
		return flatBase + Indent(line)
	}
	if _, ok := yamlDocumentOf(line); ok && s.yaml {
		return flatBase // holds every line of its document
	}
	return Indent(line)
}

// opensNamespace reports whether t (trimmed) opens a namespace:
// `namespace billing {`, `inline namespace v2 {`, `export namespace Api {`,
// with a comment after it or its brace on the next line.
func opensNamespace(t string) bool {
	for _, m := range []string{"export ", "inline ", "declare "} {
		t = strings.TrimPrefix(t, m)
	}
	if i := strings.Index(t, "//"); i >= 0 {
		t = strings.TrimSpace(t[:i]) // `namespace admin {  // privileged`
	}
	// `namespace admin` with its brace on the next line opens one too;
	// `namespace fs = std::filesystem;` is an alias.
	return strings.HasPrefix(t, "namespace ") && !strings.ContainsAny(t, ";=")
}

// See reads the next line of the file.
func (s *Scopes) See(line string) {
	if s.quote != "" {
		end := strings.Index(line, s.quote)
		if end < 0 {
			return
		}
		// The string ends on this line; what follows it is code, which
		// may open another.
		s.quote = openTriple(line[end+3:])
		return
	}
	if s.raw {
		if strings.Count(line, "`")%2 == 1 {
			s.raw = false // the string ends on this line
		}
		return
	}
	t := strings.TrimSpace(line)
	if t == "" {
		return
	}
	if s.python {
		s.quote = openTriple(line) // a string opens here and runs on
	}
	s.seeCode(line, t)
	if s.backticks {
		s.raw = opensBacktick(line)
	}
}

// seeCode reads a line of code (not blank, not inside a string; t is it
// trimmed): the definitions it opens and closes.
func (s *Scopes) seeCode(line, t string) {
	defsBlock := false // the line opens the block of the definition above
	if s.pending {
		switch {
		case strings.HasPrefix(t, "{"):
			s.pending, defsBlock = false, true // the block opens
		case s.continues(line, t):
			// The signature runs on (`where T: Clone`, `throws X {`,
			// `: base(x)`, `implements A`), or an expression body does:
			// only a clause of the signature opens its block, never a
			// brace inside the body (a TS union's `| {`, Kotlin's `.map {`).
			if strings.HasSuffix(t, "{") && signatureClause(t) {
				s.pending = false
			}
			return
		default:
			s.pending = false
			n := len(s.defs) - 1 // a signature with no block: a one-line definition
			s.defs, s.indent = s.defs[:n], s.indent[:n]
		}
	}
	if s.yaml {
		s.seeYAML(line, t)
		return
	}
	def := s.lang.isDefinition(line)
	brace := false
	if !def && s.lang.typed && braceSignature.MatchString(t) {
		// A C, Java or C# signature whose brace is on the next line.
		def, brace = isBareMethod(t+" {", s.lang.untyped), true
	}
	closes := strings.HasPrefix(t, "}") || s.python && closesScope(t) ||
		!s.python && strings.HasPrefix(t, ")") && !strings.HasSuffix(t, "{") || // a group's `)`, not a signature's
		s.ends && (t == "end" || strings.HasPrefix(t, "end ") || strings.HasPrefix(t, "end)"))
	if !def && !closes {
		if n := len(s.indent); n > 0 && !defsBlock && s.indent[n-1] == flatBase+Indent(line) && blockOpens(t) > 0 {
			// A block no definition opens at a namespace's own
			// indentation (`namespace {`, gtest's `TEST(A, B) {`,
			// `extern "C" {`): its `}` there is not the namespace's.
			s.flatBlocks++
		}
		return
	}
	in := Indent(line)
	closedHere := false // a definition at this line's indentation closed
	for n := len(s.indent); n > 0 && s.indent[n-1] >= in; n-- {
		closedHere = closedHere || s.indent[n-1] == in
		s.defs, s.indent = s.defs[:n-1], s.indent[:n-1]
	}
	if !def {
		// A namespace's own `}` (not a type's `};`, not `} else {`) closes
		// it when nothing at its indentation was open.
		if n := len(s.indent); n > 0 && !closedHere && s.indent[n-1] == flatBase+in &&
			strings.HasPrefix(t, "}") && !strings.Contains(t, ";") && !strings.HasSuffix(t, "{") {
			if s.flatBlocks > 0 {
				s.flatBlocks-- // a block's `}`, not the namespace's
			} else {
				s.defs, s.indent = s.defs[:n-1], s.indent[:n-1]
			}
		}
		return
	}
	if len(s.defs) >= maxScopeDepth {
		return // past any real nesting: the line stays in the definitions open
	}
	switch opened := blockOpens(t); {
	case s.python || s.ends:
		// Blocks by indentation or by `end`.
	case brace:
		s.pending = true
	case opened < 0:
		return // opens and closes its block on the line: `func (s byAge) Len() int { return len(s) }`
	case opened == 0 && !strings.HasSuffix(t, "(") && !strings.HasSuffix(t, ","):
		// No block and no signature running on: `type ID string`,
		// `type ID = string;`, unless the brace comes next.
		s.pending = true
	}
	in = s.scopeIndent(line, t)
	if in < 0 {
		s.flatBlocks = 0 // counted for the innermost namespace only
	}
	s.defs, s.indent = append(s.defs, line), append(s.indent, in)
}

// maxScopeDepth bounds the definitions Scopes keeps open: real code nests
// a few; a file of thousands of nested definitions (crafted, generated)
// would otherwise give every line a chain of them to copy and hash, and
// every finding an Outer as long.
const maxScopeDepth = 32

// continues reports whether line (trimmed: t), after a definition that
// awaits its block, is more of it: indented past it (a wrapped signature,
// an expression body) or a clause formatters put at its indentation.
func (s *Scopes) continues(line, t string) bool {
	return Indent(line) > s.indent[len(s.indent)-1] || signatureClause(t) || opensWith(t, "=>", "=")
}

// signatureClause reports whether t (trimmed) is a clause formatters put
// on its own line within a signature, whose `{` then opens its block.
func signatureClause(t string) bool {
	return opensWith(t, "where", "throws", ":", "implements", "extends", ")", "->")
}

// opensWith reports whether t starts with one of words, as a whole word.
func opensWith(t string, words ...string) bool {
	for _, w := range words {
		if strings.HasPrefix(t, w) && (len(t) == len(w) || !isIdentByte(t[len(w)])) {
			return true
		}
	}
	return false
}

func isIdentByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// braceSignature: a line that could be a typed method's signature with its
// brace on the next line (`void remove(String id)`): a name and a
// parameter list, nothing after.
var braceSignature = regexp.MustCompile(`^[^=;{}]*[\w>\]*&]\s+\**~?[A-Za-z_][\w:]*\s*\((?:[^()]|\([^()]*\))*\)\s*(?:const|noexcept|override|final|\s)*$`)

// blockOpens is how a definition line's braces end: 1 when it leaves a
// block open, -1 when every brace it opens it closes (a one-line body),
// 0 when it has none. Braces inside strings are counted too; a definition
// line rarely holds one.
func blockOpens(t string) int {
	opens, closes := strings.Count(t, "{"), strings.Count(t, "}")
	switch {
	case opens > closes:
		return 1
	case opens > 0:
		return -1
	}
	return 0
}

// closesScope: a Python line (trimmed) that, at a definition's indentation
// or less, ends it: code, not a comment, a decorator or the rest of a
// signature.
func closesScope(t string) bool {
	for _, p := range []string{")", "]", "@", "#"} {
		if strings.HasPrefix(t, p) {
			return false
		}
	}
	return true
}

// Open is the definitions open now, outermost first.
func (s *Scopes) Open() []string { return slices.Clone(s.defs) }

// stringMark starts the last element of what state returns when a line
// is inside a string: the mark, then the string's delimiter.
const stringMark = "\x00"

// state is Open, and when the next line is inside a multi-line string
// (a docstring, a raw string) a last element saying which, or "{" when the
// last definition awaits its block: what a hunk that starts there needs to
// read its lines as the file does (setEnclosing moves it to
// Hunk.EnclosingIn).
func (s *Scopes) state() []string {
	open := s.Open()
	switch {
	case s.quote != "":
		open = append(open, stringMark+s.quote)
	case s.raw:
		open = append(open, stringMark+"`")
	case s.pending:
		open = append(open, stringMark+"{")
	case s.flatBlocks > 0:
		// Blocks no definition opened at a namespace's indentation (an
		// `extern "C" {` above): their `}` is not the namespace's.
		open = append(open, stringMark+flatBlocksMark+strconv.Itoa(s.flatBlocks))
	case s.yaml && s.docs > 0:
		// How many documents began above: a hunk that starts on a `---`
		// knows the document it opens is not the first.
		open = append(open, stringMark+yamlDocsMark+strconv.Itoa(s.docs))
	}
	return open
}

// flatBlocksMark starts a hunk's EnclosingIn when blocks are open at its
// namespace's indentation (state, StartIn).
const flatBlocksMark = "blocks:"

// yamlDocsMark starts a YAML hunk's EnclosingIn: the documents begun
// above it (state, StartIn).
const yamlDocsMark = "docs:"

// StartIn tells Scopes that the next line is inside a string opened by
// delim (a hunk's EnclosingIn), so its lines close nothing until it ends;
// "{" says the last open definition awaits its block, as See would know.
func (s *Scopes) StartIn(delim string) {
	switch delim {
	case "`":
		s.raw = true
	case `"""`, "'''":
		s.quote = delim
	case "{":
		s.pending = len(s.defs) > 0
	default:
		if n, err := strconv.Atoi(strings.TrimPrefix(delim, yamlDocsMark)); err == nil && s.yaml && strings.HasPrefix(delim, yamlDocsMark) {
			s.docs = max(s.docs, n)
		}
		if n, err := strconv.Atoi(strings.TrimPrefix(delim, flatBlocksMark)); err == nil && strings.HasPrefix(delim, flatBlocksMark) {
			s.flatBlocks = max(s.flatBlocks, n)
		}
	}
}

// Enclosing is the innermost open definition that line (the next line of
// the file) is indented past; for a line at no indentation, or past none,
// the innermost open one; "" when none is open. A definition line is its
// own.
func (s *Scopes) Enclosing(line string) string {
	chain := s.EnclosingChain(line)
	if len(chain) == 0 {
		return ""
	}
	return chain[len(chain)-1]
}

// EnclosingChain is the definitions around line (the next line of the
// file), outermost first, ending with the one Enclosing names: a method's
// class, then the method. Two classes' methods of one name are two places.
func (s *Scopes) EnclosingChain(line string) []string {
	if s.quote != "" || s.raw {
		// A line of a docstring or a raw string is text: it opens no
		// definition of its own ("object is returned when found").
		return slices.Clone(s.defs)
	}
	want := Indent(line)
	if s.yaml {
		t := strings.TrimSpace(line)
		want = yamlIndent(line, t)
		if t == "" {
			want = int(^uint(0) >> 1)
		}
		out := indentedPast(s.defs, s.indent, want)
		if yamlKey.MatchString(t) {
			out = append(out, yamlScope(line)) // a key is its own scope
		}
		return out
	}
	if strings.TrimSpace(line) == "" {
		want = int(^uint(0) >> 1)
	}
	defs, indent := s.defs, s.indent
	if t := strings.TrimSpace(line); s.pending && !strings.HasPrefix(t, "{") && !s.continues(line, t) {
		// The signature above opens no block here (See would close it).
		defs, indent = defs[:len(defs)-1], indent[:len(indent)-1]
	}
	if s.lang.isDefinition(line) {
		// A definition line is its own, inside those indented less.
		return append(indentedPast(defs, indent, want), line)
	}
	for i := len(defs) - 1; i >= 0; i-- {
		if indent[i] < want {
			return slices.Clone(defs[:i+1])
		}
	}
	return slices.Clone(defs)
}

// indentedPast are the definitions of defs (at indentations indent) that
// a line indented want is indented past, outermost first.
func indentedPast(defs []string, indent []int, want int) []string {
	var out []string
	for i := range defs {
		if indent[i] < want {
			out = append(out, defs[i])
		}
	}
	return out
}

// enclosings returns, for each of starts (ascending new-side line
// numbers), the definitions open at it in content (of lines 1..start-1),
// outermost first, each trimmed of its line ending.
func enclosings(path string, content []byte, starts []int) [][]string {
	out := make([][]string, len(starts))
	sc := NewScopes(path, nil)
	k := 0
	for n := 1; k < len(starts) && len(content) > 0; n++ {
		for k < len(starts) && starts[k] <= n {
			out[k] = sc.state()
			k++
		}
		line := content
		if i := bytes.IndexByte(content, '\n'); i >= 0 {
			line, content = content[:i], content[i+1:]
		} else {
			content = nil
		}
		sc.See(strings.TrimRight(string(line), "\r"))
	}
	for ; k < len(starts); k++ {
		out[k] = sc.state() // past the end of what was read
	}
	return out
}

// setEnclosing fills the Enclosing of f's hunks from the values of
// enclosings for starts, and marks f Scoped when they answer every start.
func setEnclosing(f *File, starts []int, encl [][]string) {
	f.Scoped = len(starts) > 0 && len(encl) == len(starts)
	for i := range f.Hunks {
		h := &f.Hunks[i]
		for k, s := range starts {
			if s == h.NewStart && k < len(encl) {
				h.Enclosing, h.EnclosingIn = encl[k], ""
				if n := len(h.Enclosing); n > 0 && strings.HasPrefix(h.Enclosing[n-1], stringMark) {
					h.Enclosing, h.EnclosingIn = h.Enclosing[:n-1], strings.TrimPrefix(h.Enclosing[n-1], stringMark)
				}
			}
		}
	}
}
