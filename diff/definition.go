package diff

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
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
	"sub ", "local function ", // Perl, Lua
}

// nestedPrefixes start a definition even when indented: Python and Ruby
// methods, Rust functions inside an impl, Kotlin functions (a nested Go
// closure is "func(", never "func name", so Go stays unindented only).
var nestedPrefixes = []string{
	"def ", "async def ", "fn ", "pub fn ", "pub(crate) fn ", "pub(super) fn ", "async fn ", "pub async fn ",
	"pub(crate) async fn ", "unsafe fn ", "pub unsafe fn ", "const fn ", "pub const fn ",
	"fun ", "suspend fun ", "override fun ", "private fun ", "internal fun ", "protected fun ", "public fun ",
	"override suspend fun ", "private suspend fun ",
}

// swiftPrefixes start a Swift method, indented in its type; only Swift
// files read them (an indented "func name" in a Go raw string is text).
var swiftPrefixes = []string{
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
	if isContainer(t) {
		return true
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

// containerKeywords open a definition that holds others, after any
// modifiers: a class (nested, or with modifiers: `public class`, `static
// class`), an impl, trait or module, a Kotlin object, a Swift extension, a
// C++ or TS namespace. A method's fingerprint reads them, so two of them
// holding methods of one name are two places.
var containerKeywords = []string{
	"class ", "struct ", "interface ", "enum ", "trait ", "impl ", "impl<", "object ", "extension ",
	"namespace ", "module ", "mod ", "record ", "protocol ",
}

// containerWords are containerKeywords' first words.
var containerWords = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range containerKeywords {
		m[strings.TrimRight(k, " <")] = true
	}
	return m
}()

// containerModifiers may come before a container keyword.
var containerModifiers = map[string]bool{
	"public": true, "private": true, "protected": true, "internal": true, "static": true, "final": true,
	"abstract": true, "sealed": true, "export": true, "default": true, "open": true, "data": true,
	"pub": true, "pub(crate)": true, "unsafe": true, "partial": true, "companion": true, "declare": true,
	"fileprivate": true, "inner": true, "inline": true,
}

// isContainer reports whether trimmed line t opens a container definition
// (containerKeywords after modifiers) with a block: `impl Admin {`,
// `static class Admin {`, `module Admin` (Ruby's, closed by end), not a
// statement (`namespace Foo.Bar;`, `class Foo;`).
func isContainer(t string) bool {
	first, _, _ := strings.Cut(t, " ")
	if !containerModifiers[first] && !containerWords[first] && !strings.HasPrefix(first, "impl<") || strings.HasSuffix(t, ";") {
		return false // most lines: no container's first word
	}
	if strings.HasPrefix(t, "companion object") {
		return true
	}
	for {
		word, rest, ok := strings.Cut(t, " ")
		if !ok || !containerModifiers[word] {
			break
		}
		t = strings.TrimLeft(rest, " ")
	}
	if strings.Contains(t, "=") && !strings.Contains(t, "(") {
		return false // a value: C's `struct timeval tv = {`, an enum constant
	}
	for _, k := range containerKeywords {
		if strings.HasPrefix(t, k) && len(t) > len(k) {
			name := strings.TrimLeft(t[len(k):], " \t")
			if name == "" {
				continue // `class  ` (trailing spaces): no name
			}
			// A name follows (`class Foo`, `impl<T> Foo`), not an
			// expression (`object : Listener`, `enum = 3`).
			if r := name[0]; k == "impl<" || r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
				return true
			}
		}
	}
	return false
}

// IsDefinitionIn is IsDefinition for a line of the file at path, which
// also knows the methods its language writes with no keyword or modifier:
// a JS/TS class method (`find(id) {`), a Java or C# one (`void remove(String
// id) {`), a C or C++ function (`int main(int argc, char **argv) {`). In
// other languages a line of that shape is a call with a block (Kotlin's
// `repeat(3) {`, a C loop macro) or a statement (Rust's `match x {`).
func IsDefinitionIn(path, text string) bool {
	return langOf(path).isDefinition(text)
}

// isDefinitionOf is IsDefinitionIn for a language whose bare-method forms
// (bareMethodLanguages) are already known.
func isDefinitionOf(text string, typed, untyped bool) bool {
	return IsDefinition(text) || (typed || untyped) && isBareMethod(text, untyped) ||
		untyped && !typed && arrowField.MatchString(strings.TrimSpace(text))
}

// lang is what a file's language tells Scopes: its bare-method forms
// (bareMethodLanguages), whether Swift's indented methods are
// definitions, and whether quorum knows its definitions at all
// (DefinitionsKnown).
type lang struct {
	typed, untyped, swift bool
}

func langOf(path string) lang {
	l := lang{swift: strings.EqualFold(filepath.Ext(path), ".swift")}
	l.typed, l.untyped = bareMethodLanguages(path)
	return l
}

func (l lang) isDefinition(text string) bool {
	if isDefinitionOf(text, l.typed, l.untyped) {
		return true
	}
	if l.swift {
		t := strings.TrimLeft(text, " \t")
		for _, p := range swiftPrefixes {
			if strings.HasPrefix(t, p) {
				return true
			}
		}
	}
	return false
}

// NoFunctions reports whether path is a data or document file (YAML,
// TOML, JSON, Markdown, a Dockerfile, ...): there is no function there,
// and git's hunk heading is only a nearby line that an unrelated edit
// moves. Any other file may have functions quorum does not read (C macros,
// shell, Ruby, a Makefile's targets), where git's heading is the better
// guess at a line's.
func NoFunctions(path string) bool {
	switch base := strings.ToLower(filepath.Base(path)); {
	case base == "dockerfile" || base == "containerfile" || strings.HasPrefix(base, "dockerfile."):
		return true
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yml", ".yaml", ".toml", ".json", ".jsonc", ".json5", ".md", ".markdown", ".rst", ".adoc", ".txt",
		".ini", ".cfg", ".conf", ".lock", ".csv", ".tsv", ".xml", ".properties", ".env", ".sum", ".mod":
		return true
	}
	return false
}

// DefinitionsKnown reports whether quorum reads every definition of
// path's language that a line of code sits in (functions, methods,
// types, and where each ends): then code in none of them is top-level,
// with no section. In other languages (C and its macros, shell, Perl,
// Ruby, Lua, YAML, ...) a line quorum places in none may be in one it
// does not read, and git's hunk heading is the better guess.
func DefinitionsKnown(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".go", ".py", ".pyw", ".pyi", ".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts",
		".java", ".cs", ".rs", ".kt", ".kts", ".swift":
		return true
	}
	return false
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
	case ".sh", ".bash", ".zsh":
		return false, true // `cleanup() {`
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
	`\*?\s*(#?(?:[A-Za-z_]\w*(?:<[^<>()]*>)?::)*(?:operator\s*(?:\(\)|[^\w\s(]{1,3})|~?[A-Za-z_$][\w$]*))` + // the name: a generator's *, C++'s Class:: and operators
	`\s*\((?:[^()]|@[\w.]+\([^()]*\))*\)\s*(?:(?:const|noexcept|override|final|mutable)\s*)*` + // parameters (no call but a decorator's)
	`(?::\s*[^={};]+)?(?:throws\s+[\w., ]+)?\{\s*$`) // a return type, or C++'s initializers

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
	for _, w := range words[1 : len(words)-1] { // the last word is the name
		switch w {
		case "class", "interface", "struct", "enum", "record", "new", "return":
			return false
		}
		if notMethods[w] && !modifiers[w] { // Python's `async for row in rows(q):`, `async with timeout(5):`
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
