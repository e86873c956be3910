package anchor_test

import "testing"

// These cases came from an adversarial pass (seventeenth): each failed before its fix.

// TestTopLevelAfterOneLineDefinitions: a definition with no block (a Go
// `type ID string`, a one-line method, a TS type alias) closes at once:
// top-level code below it has no section, however many are added above.
func TestTopLevelAfterOneLineDefinitions(t *testing.T) {
	pad := []string{"package main", "", "import \"fmt\"", ""}
	for _, tc := range []struct{ path, above1, above2, line, quote string }{
		{"main.go", "type ID string", "type Name string", `var apiKey = "sk-live-123"`, `var apiKey = "sk-live-123"`},
		{"main.go", "func (s byAge) Len() int { return len(s) }", "func (s byAge) Swap(i, j int) { s[i], s[j] = s[j], s[i] }", `var apiKey = "sk-live-123"`, `var apiKey = "sk-live-123"`},
		{"api.ts", "type ID = string;", "type Name = string;", `const apiKey = "sk-live-123";`, `const apiKey = "sk-live-123";`},
	} {
		mk := func(above []string, val string) string {
			src := append(append([]string{}, pad...), above...)
			src = append(src, "", "var x0 = 0", "var x1 = 1", "var x2 = 2", "var x3 = 3", val, "var x4 = 4")
			return lines(src...)
		}
		base := mk([]string{tc.above1}, "var apiKey = 0")
		push1 := mk([]string{tc.above1}, tc.line)
		push2 := mk([]string{tc.above1, tc.above2}, tc.line)
		s1, fp1 := fingerprint(t, changeSet(t, tc.path, base, push1), tc.path, tc.quote)
		s2, fp2 := fingerprint(t, changeSet(t, tc.path, base, push2), tc.path, tc.quote)
		if s1 != "" || fp1 != fp2 {
			t.Errorf("%s: sections %q then %q (fingerprints equal %v); want \"\" both", tc.path, s1, s2, fp1 == fp2)
		}
	}
}

// TestOneLineInTwoFunctions: one line added in two functions has two
// fingerprints: C with its brace on the next line, shell functions, and
// Python's `async with` (no definition) inside two async functions.
func TestOneLineInTwoFunctions(t *testing.T) {
	pad := func(n int) []string {
		var p []string
		for i := 0; i < n; i++ {
			p = append(p, "")
		}
		return p
	}
	for _, tc := range []struct {
		path  string
		src   func(a, b string) string
		quote string
	}{
		{"drv.c", func(a, b string) string {
			return lines(append(append([]string{"#include <linux/slab.h>", ""}, pad(6)...),
				"int probe(struct device *dev)", "{", "\tint ret = 0;", "\tvoid *buf = get(dev);", a, "\treturn ret;", "}", "",
				"int remove(struct device *dev)", "{", "\tint ret = 0;", "\tvoid *buf = get(dev);", b, "\treturn ret;", "}")...)
		}, "kfree(buf);"},
		{"x.sh", func(a, b string) string {
			return lines(append(append([]string{"#!/bin/sh", ""}, pad(6)...),
				"build() {", "  dir=$(mktemp -d)", "  cd \"$dir\"", a, "}", "",
				"clean() {", "  dir=$(mktemp -d)", "  cd \"$dir\"", b, "}")...)
		}, `rm -rf "$dir"`},
		{"w.py", func(a, b string) string {
			return lines(append(append([]string{"import asyncio", ""}, pad(6)...),
				"async def fetch(q):", "    async with timeout(5):", "        r = await get(q)", a, "", "",
				"async def store(q):", "    async with timeout(5):", "        r = await get(q)", b)...)
		}, "return eval(r)"},
	} {
		none := "\t// x"
		if tc.path != "drv.c" {
			none = "  :"
		}
		line := map[string]string{"drv.c": "\tkfree(buf);", "x.sh": `  rm -rf "$dir"`, "w.py": "        return eval(r)"}[tc.path]
		base := tc.src(none, none)
		set1 := changeSet(t, tc.path, base, tc.src(line, none))
		set2 := changeSet(t, tc.path, base, tc.src(none, line))
		s1, fp1 := fingerprint(t, set1, tc.path, tc.quote)
		s2, fp2 := fingerprint(t, set2, tc.path, tc.quote)
		if fp1 == fp2 {
			t.Errorf("%s: the line in two functions has one fingerprint (sections %q and %q)", tc.path, s1, s2)
		}
	}
}

// TestTopLevelAfterATypeGroup: a Go `type (` group closes at its `)`.
func TestTopLevelAfterATypeGroup(t *testing.T) {
	mk := func(mid []string, v string) string {
		src := []string{"package main", "", "type (", "\tA int", "\tB string", ")", ""}
		src = append(src, mid...)
		src = append(src, "var (", "\tport = 8080", "\thost = \"h\"", "\tretries = 3", v, "\ttimeout = 5", ")")
		return lines(src...)
	}
	base := mk(nil, "\tkey = 0")
	s1, fp1 := fingerprint(t, changeSet(t, "main.go", base, mk(nil, "\tkey = \"sk-live\"")), "main.go", `key = "sk-live"`)
	s2, fp2 := fingerprint(t, changeSet(t, "main.go", base, mk([]string{"const C = 1", ""}, "\tkey = \"sk-live\"")), "main.go", `key = "sk-live"`)
	if s1 != "" || fp1 != fp2 {
		t.Errorf("sections %q and %q, fingerprints equal %v", s1, s2, fp1 == fp2)
	}
}

// TestHunkInsideADocstring: a hunk that starts inside a docstring reads
// its closing quotes as the end of the string (the file's state at the
// hunk's start, Hunk.EnclosingIn), so its section is the same whether
// the docstring was edited in the same push or not.
func TestHunkInsideADocstring(t *testing.T) {
	src := func(doc, extra string) string {
		return lines("def a():", `    """Doc.`, "", "    l1", "    l2", "    l3", "    l4", doc, `    """`, "    return 1", "", "", "def b(x):", "    y = x", extra, "    return y")
	}
	old := src("    old doc", "    y = 1")
	new := src("    new doc", "    y = eval(x)")
	s1 := sec(t, "m.py", old, new, "y = eval(x)")
	s2 := sec(t, "m.py", src("    old doc", "    y = 1"), src("    old doc", "    y = eval(x)"), "y = eval(x)")
	if s1 != "def b(x):" || s1 != s2 {
		t.Errorf("sections %q (docstring edited in the same push) and %q; want def b(x): both", s1, s2)
	}
}

func sec(t *testing.T, path, old, new, quote string) string {
	t.Helper()
	s, _ := fingerprint(t, changeSet(t, path, old, new), path, quote)
	return s
}

// TestSectionsOfMoreShapes: the section of a changed line in shapes of
// definitions quorum read wrong or not at all.
func TestSectionsOfMoreShapes(t *testing.T) {
	type c struct{ path, old, new, quote, want string }
	cases := []c{
		// Go raw string with } at column 0 closes the function
		{"a.go", lines("package a", "", "func A() {", "\ts := `{", "\"x\": 1", "}`", "\tuse(s)", "\tx := 1", "}"),
			lines("package a", "", "func A() {", "\ts := `{", "\"x\": 1", "}`", "\tuse(s)", "\tx := run(s)", "}"), "x := run(s)", "func A() {"},
		// C Allman style
		{"a.c", lines("#include <x.h>", "", "int parse(char *s)", "{", "    int n = 0;", "    n = 1;", "    return n;", "}"),
			lines("#include <x.h>", "", "int parse(char *s)", "{", "    int n = 0;", "    n = atoi(s);", "    return n;", "}"), "n = atoi(s);", "int parse(char *s)"},
		// Shell function
		{"a.sh", lines("#!/bin/sh", "", "cleanup() {", "  echo hi", "  rm -f x", "}"),
			lines("#!/bin/sh", "", "cleanup() {", "  echo hi", "  rm -rf \"$dir\"", "}"), `rm -rf "$dir"`, "cleanup() {"},
		// Python async for
		{"a.py", lines("async def f():", "    async for row in fetch(q):", "        use(row)", "        x = 1"),
			lines("async def f():", "    async for row in fetch(q):", "        use(row)", "        x = eval(row)"), "x = eval(row)", "async def f():"},
		{"a.py", lines("async def f():", "    async with timeout(5):", "        use(row)", "        x = 1"),
			lines("async def f():", "    async with timeout(5):", "        use(row)", "        x = eval(row)"), "x = eval(row)", "async def f():"},
		// JS generator method
		{"a.js", lines("class S {", "  *entries() {", "    const x = 1;", "    yield x;", "  }", "}"),
			lines("class S {", "  *entries() {", "    const x = 1;", "    yield eval(x);", "  }", "}"), "yield eval(x);", "*entries() {"},
		// NestJS param decorator
		{"a.ts", lines("class C {", "  find(@Param('id') id: string) {", "    const u = 1;", "    return u;", "  }", "}"),
			lines("class C {", "  find(@Param('id') id: string) {", "    const u = 1;", "    return eval(u);", "  }", "}"), "return eval(u);", "find(@Param('id') id: string) {"},
		// C++ ctor with init list
		{"a.cpp", lines("#include <x>", "", "Cache::Cache(int n) : size_(n) {", "  int a = 0;", "  a = 1;", "}"),
			lines("#include <x>", "", "Cache::Cache(int n) : size_(n) {", "  int a = 0;", "  a = run(n);", "}"), "a = run(n);", "Cache::Cache(int n) : size_(n) {"},
		{"a.cpp", lines("#include <x>", "", "int Cache::get(int k) const noexcept {", "  int a = 0;", "  a = 1;", "}"),
			lines("#include <x>", "", "int Cache::get(int k) const noexcept {", "  int a = 0;", "  a = run(k);", "}"), "a = run(k);", "int Cache::get(int k) const noexcept {"},
		{"a.cpp", lines("#include <x>", "", "bool Point::operator==(const Point& o) const {", "  int a = 0;", "  a = 1;", "}"),
			lines("#include <x>", "", "bool Point::operator==(const Point& o) const {", "  int a = 0;", "  a = run(o);", "}"), "a = run(o);", "bool Point::operator==(const Point& o) const {"},
		// Rust unsafe block as last expression
		{"a.rs", lines("fn f() {", "    unsafe { libc::close(fd) }", "    let a = 1;", "}"),
			lines("fn f() {", "    unsafe { libc::close(fd) }", "    let a = run(fd);", "}"), "let a = run(fd);", "fn f() {"},
		// Perl sub
		{"a.pl", lines("sub clean {", "  my $x = 1;", "  print $x;", "}"),
			lines("sub clean {", "  my $x = 1;", "  system($x);", "}"), "system($x);", "sub clean {"},
		// Lua local function
		{"a.lua", lines("local function clean(x)", "  local y = 1", "  print(y)", "end"),
			lines("local function clean(x)", "  local y = 1", "  os.execute(y)", "end"), "os.execute(y)", "local function clean(x)"},
		// Python class nested in def / Java Allman without modifier
		{"A.java", lines("class A", "{", "    void remove(String id)", "    {", "        int a = 0;", "        a = 1;", "    }", "}"),
			lines("class A", "{", "    void remove(String id)", "    {", "        int a = 0;", "        a = run(id);", "    }", "}"), "a = run(id);", "void remove(String id)"},
		// JS object literal method
		{"a.js", lines("const api = {", "  async load(id) {", "    const a = 0;", "    return a;", "  },", "};"),
			lines("const api = {", "  async load(id) {", "    const a = 0;", "    return eval(a);", "  },", "};"), "return eval(a);", "async load(id) {"},
		// Go func with generics / multi-line signature
		{"a.go", lines("package a", "", "func A(", "\tx int,", ") error {", "\ty := 1", "\treturn nil", "}"),
			lines("package a", "", "func A(", "\tx int,", ") error {", "\ty := 1", "\treturn run(y)", "}"), "return run(y)", "func A("},
		// Go struct method after a type with multi-line struct
		{"a.go", lines("package a", "", "var tmpl = `", "func Gen() {", "`", "", "func B() {", "\ty := 1", "\treturn", "}"),
			lines("package a", "", "var tmpl = `", "func Gen() {", "`", "", "func B() {", "\ty := 1", "\trun(y)", "}"), "run(y)", "func B() {"},
	}
	for _, tc := range cases {
		got := sec(t, tc.path, tc.old, tc.new, tc.quote)
		if got != tc.want {
			t.Errorf("%s %q: section %q, want %q", tc.path, tc.quote, got, tc.want)
		}
	}
}

// TestBlocklessDefinitionJustAboveAHunk: a `type ID string` on the line
// before a hunk closes there as it does when the file is read whole (the
// hunk starts with Hunk.EnclosingIn "{"), so a line below is top-level.
func TestBlocklessDefinitionJustAboveAHunk(t *testing.T) {
	for path, src := range map[string]func(string) string{
		"main.go": func(v string) string {
			return lines("package main", "", "import \"fmt\"", "", "type ID string", "var x0 = 0", "var x1 = 1", "var x2 = 2", v, "var x3 = 3")
		},
		"api.ts": func(v string) string {
			return lines("import x from 'x';", "", "", "", "type ID = string;", "const x0 = 0;", "const x1 = 1;", "const x2 = 2;", v, "const x3 = 3;")
		},
	} {
		quote := "apiKey = \"sk-live-123\""
		sec, _ := fingerprint(t, changeSet(t, path, src("var apiKey = 0"), src("var "+quote)), path, quote)
		if sec != "" {
			t.Errorf("%s: section %q, want none", path, sec)
		}
	}
}
