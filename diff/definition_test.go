package diff

import (
	"bufio"
	"context"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff/difftest"
)

func TestEnclosings(t *testing.T) {
	content := []byte("class Store:\r\n    def get(self, key):\r\n        def clean(v):\n            return v\n        a = 1\n\n    def put(self, key):\n        pass\ndef top():\n")
	got := enclosings("store.py", content, []int{1, 2, 3, 5, 6, 8, 10, 40})
	want := [][]string{
		{}, {"class Store:"}, {"class Store:", "    def get(self, key):"},
		{"class Store:", "    def get(self, key):", "        def clean(v):"},
		{"class Store:", "    def get(self, key):"}, // a = 1 is back in get
		{"class Store:", "    def put(self, key):"}, {"def top():"}, {"def top():"},
	}
	if !slices.EqualFunc(got, want, func(a, b []string) bool { return slices.Equal(a, b) }) {
		t.Errorf("enclosings\n%q\nwant\n%q", got, want)
	}
}

func TestIndent(t *testing.T) {
	for s, want := range map[string]int{"x": 0, "    x": 4, "\tx": 8, "  \tx": 8, "\t  x": 10, "": 0, "   ": 3} {
		if got := Indent(s); got != want {
			t.Errorf("Indent(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestHunkEnclosing: a hunk inside a Python method that does not show the
// method's def line knows it from the file, with both engines and for
// uncommitted changes, where git's heading is the class: the section of a
// finding there (and so its fingerprint, and a dismissal of it) must not
// depend on how far the hunk reaches.
func TestHunkEnclosing(t *testing.T) {
	var body []string
	for i := range 12 {
		body = append(body, "        step"+string(rune('a'+i))+" = compute()")
	}
	file := func(edit string) string {
		lines := append([]string{"import db", "", "class Store:", "    def lookup(self, name):"}, body...)
		lines = append(lines, "        q = \"SELECT * FROM users WHERE name = '\" + name + \"'\"", "        return db.query(q)", "")
		s := strings.Join(lines, "\n")
		return strings.Replace(s, "stepj = compute()", edit, 1)
	}
	check := func(t *testing.T, set *Set) {
		t.Helper()
		if len(set.Files) != 1 || len(set.Files[0].Hunks) != 1 {
			t.Fatalf("files %+v", set.Files)
		}
		h := set.Files[0].Hunks[0]
		if h.NewStart <= 4 || !slices.Equal(h.Enclosing, []string{"class Store:", "    def lookup(self, name):"}) {
			t.Errorf("hunk at %d, enclosing %q (heading %q)", h.NewStart, h.Enclosing, h.Section)
		}
	}
	for _, engine := range []string{"git", "go-git"} {
		t.Run(engine, func(t *testing.T) {
			r, _ := branchCase(t, func(r *difftest.Repo) { r.Write("store.py", file("stepj = compute()")) },
				func(r *difftest.Repo) { r.Write("store.py", file("stepj = compute(limit=10)")) })
			if engine == "go-git" {
				noGit(t)
			}
			check(t, load(t, Options{Dir: r.Dir}))
		})
	}
	t.Run("worktree", func(t *testing.T) {
		r := difftest.NewIsolated(t)
		r.Write("store.py", file("stepj = compute()"))
		r.Commit("base")
		r.Write("store.py", file("stepj = compute(limit=10)"))
		set, err := Load(context.Background(), Options{Dir: r.Dir, Worktree: true})
		if err != nil {
			t.Fatal(err)
		}
		check(t, set)
	})
}

// TestScanEnclosing: the blob reader's scan finds what enclosings finds,
// keeps the head bytes the generated-code check reads, and leaves the
// reader at the next answer, with or without a final newline, with lines
// longer than the reader's buffer.
func TestScanEnclosing(t *testing.T) {
	long := strings.Repeat("x", 100)
	for _, blob := range []string{
		"class A:\n    def f(self):\n        return 1\n" + long + "\n    def g(self):\n        pass",
		"class A:\n    def f(self):\n        return 1\n" + long + "\n    def g(self):\n        pass\n",
		"",
		"def only():",
	} {
		starts := []int{2, 3, 5, 6, 9}
		stream := blob + "\nNEXT"
		r := bufio.NewReaderSize(strings.NewReader(stream), 16)
		res, err := scanEnclosing(r, "a.py", int64(len(blob)), starts)
		if err != nil {
			t.Fatalf("%q: %v", blob, err)
		}
		if want := enclosings("a.py", []byte(blob), starts); !slices.EqualFunc(res.enclosing, want, func(a, b []string) bool { return slices.Equal(a, b) }) {
			t.Errorf("%q: enclosing %q, want %q", blob, res.enclosing, want)
		}
		if want := blob[:min(len(blob), headBytes)]; string(res.head) != want {
			t.Errorf("%q: head %q", blob, res.head)
		}
		if rest, _ := io.ReadAll(r); string(rest) != "NEXT" {
			t.Errorf("%q: left %q, want the next answer", blob, rest)
		}
	}
}

// TestBareMethods: a JS/TS class method and a Java, C# or C method with no
// modifier are definitions in those languages, so the same line in two of
// them is two places (one dismissal covered both); a control statement
// with a brace is not, nor a call with a block in another language
// (Kotlin's repeat(3) {, Rust's match, a C loop macro).
func TestBareMethods(t *testing.T) {
	for path, lines := range map[string][]string{
		"a.ts":    {"  find(id) {", "  async save(row): Promise<void> {", "  constructor(db) {", "  static #secret(x) {", "  get size() {"},
		"A.java":  {"    void remove(String id) {", "    Map<String, List<Integer>> load(String id) throws IOException {", "  Store(DataSource ds) {"},
		"m.c":     {"int main(int argc, char **argv) {", "static void *worker(void *arg) {"},
		"a.js":    {"  *entries() {", "  async *stream(q) {"},
		"c.ts":    {"  find(@Param('id') id: string) {"},
		"c.cpp":   {"Cache::Cache(int n) : size_(n), cap_(2 * n) {", "int Cache::get(int k) const noexcept {", "bool Point::operator==(const Point& o) const {", "Cache::~Cache() {"},
		"a.sh":    {"cleanup() {", "function deploy {"},
		"a.pl":    {"sub clean {"},
		"a.lua":   {"local function clean(x)"},
		"S.swift": {"    func load(id: String) {", "    private func save() {"},
	} {
		for _, s := range lines {
			if !IsDefinitionIn(path, s) {
				t.Errorf("%s: not a definition: %q", path, s)
			}
		}
	}
	for path, lines := range map[string][]string{
		"a.ts": {"  if (x) {", "  } else if (x) {", "  else if (x) {", "  for (;;) {", "  while(x) {", "  catch (e) {", "  describe('x', () => {",
			"  return foo(x) {", "  new Foo(x) {", "  switch (x) {", "  foo(bar(x)) {", "  x = f(y) {", "  this.foo(x) {", "  await run(x) {",
			"  try {", "  it('works', async () => {"},
		"A.java":    {"  synchronized (lock) {", "    else if (a) {"},
		"m.go":      {"  defer func() {", "  go func() {", "  select {", "  find(id) {", "    func helper() {"}, // the last: Go text in a raw string
		"m.py":      {"    async for row in fetch(q):", "    async with timeout(5):"},
		"m.c":       {"  list_for_each_entry(pos, head, list) {"},
		"m.rs":      {"    match parse(x) {", "    match (a, b) {"},
		"m.kt":      {"    repeat(3) {", "    withContext(Dispatchers.IO) {", "    when (state) {"},
		"m.php":     {"    elseif ($x) {"},
		"m_spec.rb": {"  let(:user) {"},
	} {
		for _, s := range lines {
			if IsDefinitionIn(path, s) {
				t.Errorf("%s: a definition: %q", path, s)
			}
		}
	}
}

// TestScopesCloseOnDedent: a definition closes at the next definition or
// closing brace at its indentation or less, and in Python at any code
// there (a script's main code after a class), not at a comment, a
// decorator, the rest of a signature, an opening brace on its own line, or
// a line of a multi-line string.
func TestScopesCloseOnDedent(t *testing.T) {
	for _, tc := range []struct {
		path  string
		lines []string
		line  string
		want  string
	}{
		{"a.go", []string{"func a() {", "	x := 1", "}", "", "type User struct {"}, "	Password string", "type User struct {"},
		{"a.go", []string{"func a() {", "	x := 1", "}", "", "var registry = map[string]int{"}, "	\"a\": 1,", ""},
		{"a.go", []string{"func a(", "	n int,", ") error {", "	// note"}, "	return nil", "func a("},
		{"a.py", []string{"class A:", "    def f(self):", "        pass", "", "if __name__ == '__main__':"}, "    main()", ""},
		{"a.py", []string{"class A:", "    @property", "    def f(self):", "        # a comment", "        x = 1"}, "        return x", "    def f(self):"},
		// Braces on their own lines: the signature above keeps its block.
		{"A.cs", []string{"class A", "{", "    void Run(int n)", "    {"}, "        Go(n);", "    void Run(int n)"},
		{"a.c", []string{"int probe(struct device *dev)", "{", "	int ret = 0;", "}", "", "int remove(struct device *dev)", "{"}, "	kfree(buf);", "int remove(struct device *dev)"},
		// A definition with no block closes at once: top-level code after
		// it is in none, and a group's `)` closes it.
		{"a.go", []string{"type ID string", "", "var x0 = 0"}, "var apiKey = 1", ""},
		{"a.go", []string{"func (s byAge) Len() int { return len(s) }"}, "var apiKey = 1", ""},
		{"a.ts", []string{"type ID = string;"}, "const apiKey = 1;", ""},
		{"a.go", []string{"type (", "	ID string", ")"}, "var apiKey = 1", ""},
		// A signature that runs on keeps its block: rustfmt's where
		// clause, a throws or base call on the next line, a wrapped class
		// header.
		{"a.rs", []string{"fn foo<T>(x: T) -> T", "where", "    T: Clone,", "{"}, "    x.clone()", "fn foo<T>(x: T) -> T"},
		{"A.java", []string{"class A {", "    public void run(int a)", "        throws IOException {"}, "        go(a);", "    public void run(int a)"},
		{"A.cs", []string{"class B : A", "{", "    public B(int x)", "        : base(x)", "    {"}, "        Go(x);", "    public B(int x)"},
		{"a.ts", []string{"export class X", "  implements A, B", "{"}, "  private n = 1;", "export class X"},
		// A backtick in a regex or a block comment opens no string.
		{"a.js", []string{"export function escapeMd(s) {", "  return s.replace(/[`*_]/g, '');", "}", "", "export function deleteUser(id) {"}, "  db.delete(id);", "export function deleteUser(id) {"},
		{"a.go", []string{"func A() {", "\t/* the ` char */", "}", "", "func B() {"}, "\tx := 1", "func B() {"},
		// A brace inside an expression body opens no block of the
		// definition: a TS union of object types, a Kotlin chain.
		{"a.ts", []string{"type Action =", "  | {", "      type: 'a';", "    }", "  | { type: 'b' };"}, "const apiKey = 1;", ""},
		{"a.kt", []string{"fun f() = listOf(1, 2)", "    .map {", "        it * 2", "    }"}, "val apiKey = 1", ""},
		// Ruby and Lua blocks end with `end`.
		{"a.rb", []string{"def helper", "  1", "end"}, "API_KEY = 1", ""},
		// A backtick string's lines close nothing: a JSON brace at column 0.
		{"a.go", []string{"func A() {", "\ts := `{", "\"x\": 1", "}`", "\tuse(s)"}, "\tx := run(s)", "func A() {"},
		// A string's lines at column 0 close nothing.
		{"a.py", []string{"class Repo:", "    def load(self):", `        q = """`, "SELECT *", "FROM t", `"""`}, "        return db.query(q)", "    def load(self):"},
		{"a.py", []string{"def f():", `    """One line."""`, "    x = '''", "end", "'''"}, "    return x", "def f():"},
		{"a.go", []string{"func f() string {", "\tq := `", "SELECT *", "`"}, "\treturn q", "func f() string {"},
	} {
		sc := NewScopes(tc.path, nil)
		for _, l := range tc.lines {
			sc.See(l)
		}
		if got := sc.Enclosing(tc.line); got != tc.want {
			t.Errorf("%s %q after %q: enclosing %q, want %q", tc.path, tc.line, tc.lines, got, tc.want)
		}
	}
}

// TestEnclosingChain: the definitions around a line, outermost first: a
// method's class, then the method; a nested helper inside its function.
func TestEnclosingChain(t *testing.T) {
	for _, tc := range []struct {
		path  string
		lines []string
		line  string
		want  []string
	}{
		{"a.py", []string{"class AdminRunner:", "    def run(self, cmd):"}, "        return exec(cmd)", []string{"class AdminRunner:", "    def run(self, cmd):"}},
		{"a.py", []string{"class AdminRunner:", "    def run(self, cmd):", "        x = 1"}, "    def stop(self):", []string{"class AdminRunner:", "    def stop(self):"}},
		{"a.go", []string{"func (s *Store) Get(k string) string {"}, "\treturn s.m[k]", []string{"func (s *Store) Get(k string) string {"}},
		{"a.ts", []string{"class Api {", "  find(id: string) {"}, "    return db.get(id);", []string{"class Api {", "  find(id: string) {"}},
		{"a.go", nil, "var x = 1", nil},
		// A C++ namespace holds the functions it does not indent, until
		// its own `}`; a type's `};` and a function's `}` do not close it.
		{"a.cpp", []string{"namespace admin {", "", "struct Opts {", "  int n;", "};", "", "int run(const char *cmd) {"}, "    return system(cmd);",
			[]string{"namespace admin {", "int run(const char *cmd) {"}},
		{"a.cpp", []string{"namespace admin {", "int run(const char *cmd) {", "    return system(cmd);", "}", "", "}  // namespace admin", "", "namespace guest {", "int run(const char *cmd) {"}, "    return system(cmd);",
			[]string{"namespace guest {", "int run(const char *cmd) {"}},
		{"a.cpp", []string{"namespace admin {", "int run(const char *cmd) {", "    return 0;", "}", "}  // namespace admin"}, "int main() {",
			[]string{"int main() {"}},
		{"a.cpp", []string{"namespace outer {", "inline namespace v2 {", "void f() {"}, "  g();",
			[]string{"namespace outer {", "inline namespace v2 {", "void f() {"}},
		{"a.ts", []string{"namespace Api {", "  export function find() {", "    return 1;", "  }", "}"}, "function other() {", []string{"function other() {"}},
		{"a.cpp", []string{"namespace admin", "{", "int run(const char *cmd) {", "    return 0;", "}", "}  // namespace admin", "namespace guest  // the rest", "{", "int run(const char *cmd) {"}, "    return system(cmd);",
			[]string{"namespace guest  // the rest", "int run(const char *cmd) {"}},
		// An anonymous namespace or a gtest TEST block at the namespace's
		// indentation: their `}` is not the namespace's.
		{"a.cpp", []string{"namespace billing {", "namespace {", "int helper() { return 1; }", "}  // namespace", "TEST(Billing, Charges) {", "  EXPECT_EQ(1, helper());", "}", "void charge(int n) {"}, "  pay(n);",
			[]string{"namespace billing {", "void charge(int n) {"}},
		{"a.cpp", []string{"namespace admin {  // privileged commands", "int run(const char *cmd) {"}, "    return system(cmd);",
			[]string{"namespace admin {  // privileged commands", "int run(const char *cmd) {"}},
		{"a.yaml", []string{"spec:", "  privileged: true", "--- # prod", "spec:"}, "  privileged: true", []string{"--- document 2", "spec:"}},
		{"a.yaml", []string{"data: |", "  text", "  ---", "spec:"}, "  privileged: true", []string{"spec:"}},
	} {
		sc := NewScopes(tc.path, nil)
		for _, l := range tc.lines {
			sc.See(l)
		}
		if got := sc.EnclosingChain(tc.line); !slices.Equal(got, tc.want) {
			t.Errorf("%s %q: %q, want %q", tc.path, tc.line, got, tc.want)
		}
	}
}

// TestContainersAreNotTextOrValues: a docstring's line that starts like a
// container ("object is returned when found") opens nothing, nor does a C
// struct initialiser inside a function.
func TestContainersAreNotTextOrValues(t *testing.T) {
	sc := NewScopes("a.py", nil)
	for _, l := range []string{"class Store:", "    def run(self):", `        """Find the record.`} {
		sc.See(l)
	}
	if got := sc.EnclosingChain("        object is returned when found"); len(got) != 2 || got[1] != "    def run(self):" {
		t.Errorf("docstring line: %q", got)
	}
	sc = NewScopes("a.c", nil)
	sc.See("int wait_for(int fd) {")
	if got := sc.EnclosingChain("    struct timeval tv = {"); len(got) != 1 || got[0] != "int wait_for(int fd) {" {
		t.Errorf("struct initialiser: %q", got)
	}
}

// TestContainerWordWithNoNameNeverPanics: a container keyword followed
// only by spaces (a Markdown line `class  ` with a hard break) is no
// container, and reading it never panics (it indexed an empty name).
func TestContainerWordWithNoNameNeverPanics(t *testing.T) {
	for _, line := range []string{"class  ", "public class  ", "impl   ", "namespace  ", "  object \t", "struct\t "} {
		if isContainer(strings.TrimLeft(line, " \t")) {
			t.Errorf("%q is a container", line)
		}
		IsDefinition(line)
		sc := NewScopes("a.md", nil)
		sc.See(line)
		_ = sc.EnclosingChain("x")
	}
}

// TestScopesDepthIsBounded: 800 nested Python definitions (a crafted or
// generated file) leave at most maxScopeDepth open, so each line's chain
// stays short (every line stored the whole chain: 368 KB of them took
// 13 s and 543 MB to index).
func TestScopesDepthIsBounded(t *testing.T) {
	sc := NewScopes("a.py", nil)
	for i := range 800 {
		sc.See(strings.Repeat(" ", i) + "def f():")
	}
	if got := sc.EnclosingChain(strings.Repeat(" ", 800) + "return 1"); len(got) > maxScopeDepth+1 {
		t.Errorf("chain of %d definitions, want at most %d", len(got), maxScopeDepth+1)
	}
	ys := NewScopes("a.yaml", nil)
	for i := range 800 {
		ys.See(strings.Repeat(" ", i) + "k:")
	}
	if got := ys.EnclosingChain(strings.Repeat(" ", 800) + "v: 1"); len(got) > maxScopeDepth+1 {
		t.Errorf("yaml chain of %d keys", len(got))
	}
}

// TestYAMLScopeNamesLeaveCommentsAndQuotes: a YAML item or key named with
// a comment after it, or its value quoted, is the same scope: an edit that
// adds one names the same place.
func TestYAMLScopeNamesLeaveCommentsAndQuotes(t *testing.T) {
	for in, want := range map[string]string{
		"  - name: app # main container":  "  - name: app",
		`  - name: "app"`:                 "  - name: app",
		"  - name: 'app'  # x":            "  - name: app",
		"  securityContext:   # hardened": "  securityContext:",
		`  - run: echo "a # b"`:           `  - run: echo "a # b"`,
		"  - name: app":                   "  - name: app",
		"  - name: it's-api  # main":      "  - name: it's-api",
	} {
		if got := yamlScope(in); got != want {
			t.Errorf("yamlScope(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestHunkInsideANamespaceBlockKeepsTheNamespace: a hunk that starts inside
// an `extern "C" {` of a namespace carries the open block (EnclosingIn), so
// the block's `}` in the hunk does not close the namespace: a::g and a
// global g stay two places (the diff's reading had them one while the
// file's had them two).
func TestHunkInsideANamespaceBlockKeepsTheNamespace(t *testing.T) {
	sc := NewScopes("a.cpp", nil)
	for _, l := range []string{"namespace a {", "extern \"C\" {", "int c_api(void);"} {
		sc.See(l)
	}
	st := sc.state()
	n := len(st)
	if n == 0 || !strings.HasPrefix(st[n-1], stringMark) {
		t.Fatalf("state %q carries no open block", st)
	}
	hunk := NewScopes("a.cpp", st[:n-1])
	hunk.StartIn(strings.TrimPrefix(st[n-1], stringMark))
	hunk.See("}")
	if got := hunk.EnclosingChain("void g() {"); !slices.Equal(got, []string{"namespace a {", "void g() {"}) {
		t.Errorf("chain %q, want a's g", got)
	}
}
