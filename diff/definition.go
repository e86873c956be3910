package diff

import (
	"path/filepath"
	"regexp"
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
