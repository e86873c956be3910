package diff

import (
	"bytes"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// This file tells a line that starts a function, method, class or type
// definition, in the languages quorum usually reviews, and which of them
// are open at a line (Scopes): the section of a changed line
// (review/anchor) is the innermost open one it is indented past.

// definitionPrefixes start a function, method, class or type definition
// at the top level in the languages quorum usually reviews (Go, Python,
// JS/TS, Rust, C, Java-likes).
var definitionPrefixes = []string{
	"func ", "def ", "async def ", "class ", "function ", "async function ",
	"export function ", "export async function ", "export default function ",
	"export default async function ", "export class ", "type ", "export type ", "interface ", "export interface ", "struct ", "enum ",
}

// nestedPrefixes start a definition even when indented: Python and Ruby
// methods, Rust functions inside an impl, Kotlin functions (a nested Go
// closure is "func(", never "func name", so Go stays unindented only).
var nestedPrefixes = []string{
	"def ", "async def ", "fn ", "pub fn ", "pub(crate) fn ", "pub(super) fn ", "async fn ", "pub async fn ",
	"pub(crate) async fn ", "unsafe fn ", "pub unsafe fn ", "const fn ", "pub const fn ",
	"fun ", "suspend fun ", "override fun ", "private fun ", "internal fun ", "protected fun ", "public fun ",
	"override suspend fun ", "private suspend fun ",
	// Swift methods: gofmt writes a Go closure "func(", and Go has no
	// other indented "func name".
	"func ", "private func ", "fileprivate func ", "public func ", "internal func ", "open func ",
	"override func ", "static func ", "class func ", "mutating func ", "@objc func ",
}

// modifiers open a Java, C# or Kotlin method declaration.
var modifiers = map[string]bool{
	"public": true, "private": true, "protected": true, "internal": true, "static": true, "final": true,
	"override": true, "virtual": true, "abstract": true, "synchronized": true, "async": true, "sealed": true,
	"extern": true, "unsafe": true, "native": true, "default": true, "open": true, "suspend": true,
}

// IsDefinition reports whether a line starts a definition: an unindented
// definition keyword, a nested method (Python, Ruby, Rust impl, Kotlin), a
// Java/C#-style method declaration, or a JS/TS function expression opening
// at the top level (`router.get('/x', async (req, res) => {`,
// `const save = async (x) => {`).
func IsDefinition(text string) bool {
	t := strings.TrimLeft(text, " \t")
	if t == "" {
		return false
	}
	indented := len(t) < len(text)
	for _, p := range nestedPrefixes {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	if !indented {
		for _, p := range definitionPrefixes {
			if strings.HasPrefix(t, p) {
				return true
			}
		}
		if isCallbackDefinition(t) {
			return true
		}
	}
	return isMethodDeclaration(t)
}

// IsDefinitionIn is IsDefinition for a line of the file at path, which
// also knows the methods its language writes with no keyword or modifier:
// a JS/TS class method (`find(id) {`), a Java or C# one (`void remove(String
// id) {`), a C or C++ function (`int main(int argc, char **argv) {`). In
// other languages a line of that shape is a call with a block (Kotlin's
// `repeat(3) {`, a C loop macro) or a statement (Rust's `match x {`).
func IsDefinitionIn(path, text string) bool {
	typed, untyped := bareMethodLanguages(path)
	return isDefinitionOf(text, typed, untyped)
}

// isDefinitionOf is IsDefinitionIn for a language whose bare-method forms
// (bareMethodLanguages) are already known.
func isDefinitionOf(text string, typed, untyped bool) bool {
	return IsDefinition(text) || (typed || untyped) && isBareMethod(text, untyped) ||
		untyped && !typed && arrowField.MatchString(strings.TrimSpace(text))
}

// arrowField is a JS/TS function held by a name, at any indentation: a
// class field (`load = async (id) => {`, `private save = (row: Row): void
// => {`) or a local const (`const parse = (s) => {`).
var arrowField = regexp.MustCompile(`^(?:(?:public|private|protected|static|readonly|override|export|const|let|var)\s+)*` +
	`#?[A-Za-z_$][\w$]*\s*(?::[^=]+)?=\s*(?:async\s+)?(?:\([^()]*\)|[A-Za-z_$][\w$]*)\s*(?::\s*[^=]+)?=>\s*\{\s*$`)

// bareMethodLanguages says whether path's language writes methods as
// `Type name(args) {` (typed) and as `name(args) {` (untyped).
func bareMethodLanguages(path string) (typed, untyped bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts":
		return false, true
	case ".java", ".cs":
		return true, true // constructors have no return type
	case ".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx":
		return true, false
	}
	return false, false
}

// bareMethod is a JS/TS class method (`find(id) {`, `async save(row): Promise<void> {`)
// or a Java, C# or C method with no modifier (`void remove(String id) {`,
// `int main(int argc, char **argv) {`), or a C++ member defined outside
// its class (`int Cache::get(int k) const {`, `Cache::~Cache() {`): a
// name, a parameter list holding no call, and the body's brace. Control
// statements are not: their keyword is refused by name.
var bareMethod = regexp.MustCompile(`^((?:async|static|get|set|public|private|protected|override|readonly)\s+)*` +
	`(?:([A-Za-z_][\w<>\[\],.?]*(?:\s+[A-Za-z_*][\w<>\[\],.?*]*)*)\s+\**)?` + // a return type, if any
	`(#?(?:[A-Za-z_]\w*(?:<[^<>()]*>)?::)*~?[A-Za-z_$][\w$]*)\s*\([^()]*\)\s*(?:const\s*)?(?::\s*[^={}()]+)?(?:throws\s+[\w., ]+)?\{\s*$`)

// notMethods are the words that open a statement, not a definition.
var notMethods = map[string]bool{
	"if": true, "for": true, "while": true, "switch": true, "catch": true, "with": true, "return": true,
	"else": true, "do": true, "try": true, "new": true, "typeof": true, "await": true, "yield": true,
	"throw": true, "case": true, "synchronized": true, "using": true, "lock": true, "fixed": true,
	"foreach": true, "defer": true, "go": true, "func": true, "select": true, "super": true, "this": true,
	"delete": true, "sizeof": true, "assert": true, "echo": true, "print": true,
	"match": true, "when": true, "elseif": true, "elsif": true, "unless": true, "until": true, "loop": true,
}

func isBareMethod(t string, untyped bool) bool {
	m := bareMethod.FindStringSubmatch(strings.TrimSpace(t))
	// A typed language's method needs its return type, but a C++
	// constructor or destructor defined outside its class has none.
	if m == nil || notMethods[m[3]] || m[2] == "" && !untyped && !strings.Contains(m[3], "::") {
		return false
	}
	for _, w := range strings.Fields(m[2]) {
		if notMethods[strings.TrimLeft(w, "*")] {
			return false
		}
	}
	return true
}

// isCallbackDefinition: a top-level line that opens a function body, an
// arrow function or a function expression (`=> {`, `function (`), as an
// Express route or an exported const does.
func isCallbackDefinition(t string) bool {
	body := strings.TrimSpace(t)
	if !strings.HasSuffix(body, "{") {
		return false
	}
	return strings.Contains(body, "=> {") || strings.Contains(body, "function(") || strings.Contains(body, "function (")
}

// isMethodDeclaration: `[modifiers] Type name(params) [throws X] {` in
// Java, C# or Kotlin: one or more modifiers, then words up to a name and a
// parameter list, no assignment, not a statement.
func isMethodDeclaration(t string) bool {
	open := strings.IndexByte(t, '(')
	if open <= 0 || strings.HasSuffix(strings.TrimSpace(t), ";") {
		return false
	}
	head := t[:open]
	if strings.ContainsAny(head, "=.") {
		return false
	}
	words := strings.Fields(head)
	if len(words) < 2 || !modifiers[words[0]] {
		return false
	}
	for _, w := range words[:len(words)-1] { // the last word is the name
		switch w {
		case "class", "interface", "struct", "enum", "record", "new", "return":
			return false
		}
	}
	return true
}

// enclosingStarts are the new-side lines whose enclosing definitions f's
// hunks need (each hunk's first line past 1), ascending; none for a file
// with no new side above its hunks.
func enclosingStarts(f *File) []int {
	if f.Binary || f.Status == StatusDeleted || f.Status == StatusAdded {
		return nil
	}
	var starts []int
	for _, h := range f.Hunks {
		if h.NewStart > 1 && (len(starts) == 0 || starts[len(starts)-1] < h.NewStart) {
			starts = append(starts, h.NewStart)
		}
	}
	return starts
}

// Indent is the width of a line's leading white space, a tab advancing to
// the next multiple of 8: a definition encloses the lines below it that
// are indented further.
func Indent(line string) int {
	w := 0
	for _, r := range line {
		switch r {
		case ' ':
			w++
		case '\t':
			w += 8 - w%8
		default:
			return w
		}
	}
	return w
}

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
	// typed, untyped: the file's bare-method forms (bareMethodLanguages),
	// found once rather than on every line.
	typed, untyped bool
	python         bool
	quote          string // the triple quote of the string a line is inside, if any
}

// NewScopes starts tracking in the file at path with the definitions open
// outermost first (a hunk's Enclosing).
func NewScopes(path string, open []string) *Scopes {
	ext := strings.ToLower(filepath.Ext(path))
	s := &Scopes{python: ext == ".py" || ext == ".pyw" || ext == ".pyi"}
	s.typed, s.untyped = bareMethodLanguages(path)
	for _, d := range open {
		s.defs, s.indent = append(s.defs, d), append(s.indent, Indent(d))
	}
	return s
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
	t := strings.TrimSpace(line)
	if t == "" {
		return
	}
	if s.python {
		s.quote = openTriple(line) // a string opens here and runs on
	}
	def := isDefinitionOf(line, s.typed, s.untyped)
	if !def && !strings.HasPrefix(t, "}") && !(s.python && closesScope(t)) {
		return
	}
	in := Indent(line)
	for n := len(s.indent); n > 0 && s.indent[n-1] >= in; n-- {
		s.defs, s.indent = s.defs[:n-1], s.indent[:n-1]
	}
	if def {
		s.defs, s.indent = append(s.defs, line), append(s.indent, in)
	}
}

// openTriple is the Python triple quote a line (read from its start as
// code) leaves open at its end, or "": quotes inside a comment or an
// ordinary string (# docstrings use """ here) open nothing.
func openTriple(line string) string {
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

// Enclosing is the innermost open definition that line (the next line of
// the file) is indented past; for a line at no indentation, or past none,
// the innermost open one; "" when none is open. A definition line is its
// own.
func (s *Scopes) Enclosing(line string) string {
	if isDefinitionOf(line, s.typed, s.untyped) {
		return line
	}
	want := Indent(line)
	if strings.TrimSpace(line) == "" {
		want = int(^uint(0) >> 1)
	}
	for i := len(s.defs) - 1; i >= 0; i-- {
		if s.indent[i] < want {
			return s.defs[i]
		}
	}
	if n := len(s.defs); n > 0 {
		return s.defs[n-1]
	}
	return ""
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
			out[k] = sc.Open()
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
		out[k] = sc.Open() // past the end of what was read
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
				h.Enclosing = encl[k]
			}
		}
	}
}
