package anchor

import (
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
)

func TestSection(t *testing.T) {
	lines := func(start int, texts ...string) []diff.Line {
		var out []diff.Line
		for i, s := range texts {
			out = append(out, diff.Line{Kind: diff.Added, New: start + i, Text: s})
		}
		return out
	}
	set := &diff.Set{Files: []diff.File{{Path: "a.go", Hunks: []diff.Hunk{
		{NewStart: 10, NewLines: 6, Section: "type T struct {", Lines: lines(10,
			"}", "", "func (t *T) Get() int {", "\tf := func() {}", "\treturn t.n", "}")},
		{NewStart: 40, NewLines: 2, Section: "func (t *T) Put(n int) {", Lines: lines(40, "\tt.n = n", "}")},
	}}}}
	ix := NewIndex(set)
	for _, tt := range []struct {
		line int
		want string
	}{
		{10, "type T struct {"}, // before any definition in the hunk: the hunk's heading
		{12, "func (t *T) Get() int {"},
		{14, "func (t *T) Get() int {"}, // a closure is not a definition
		{41, "func (t *T) Put(n int) {"},
	} {
		f, rej := ix.Anchor("r", "c", 1, review.RawFinding{File: "a.go", Line: tt.line, Severity: "important", Title: "x"})
		if rej != nil {
			t.Fatal(rej.Reason)
		}
		if f.Section != tt.want {
			t.Errorf("line %d: section %q, want %q", tt.line, f.Section, tt.want)
		}
	}
	for _, s := range []string{"def load(path):", "    def run(self):", "export async function save() {", "class A:"} {
		if !diff.IsDefinition(s) {
			t.Errorf("%q is a definition", s)
		}
	}
	for _, s := range []string{"\tgo func() {", "    return f", "\tfunc() {}"} {
		if diff.IsDefinition(s) {
			t.Errorf("%q is not a definition", s)
		}
	}
}

func TestDefinitionShapes(t *testing.T) {
	for _, s := range []string{
		"    public byte[] loadReport(String user, String name) throws IOException {",
		"    public synchronized void record(String name) {",
		"    private static List<String> names(Map<String, Integer> m) {",
		"    public async Task<IActionResult> Get(int id)",
		"    pub fn get(&self, token: &str) -> Session {",
		"    pub(crate) async fn load(path: &str) -> Result<Self> {",
		"    fn helper() {",
		"  def create",
		"    override fun onCreate(state: Bundle?) {",
		"    suspend fun fetch(id: Long): User {",
		"router.get('/orders/:id', async (req, res) => {",
		"app.post(\"/login\", function (req, res) {",
		"export const save = async (x: Item) => {",
		"const handler = (req, res) => {",
		"func (s *Service) Transfer(ctx context.Context) error {",
		// Containers: a method's fingerprint reads them (two classes'
		// methods of one name are two places).
		"    public class Inner {",
		"impl SessionStore {",
		"impl<T: Store> Cache<T> {",
		"    static class Admin {",
		"object Admin {",
		"extension Admin {",
		"namespace admin {",
		"module Admin",
	} {
		if !diff.IsDefinition(s) {
			t.Errorf("%q is a definition", s)
		}
	}
	for _, s := range []string{
		"        Statement st = conn.createStatement();",
		"    public static final int MAX = compute(3);",
		"        return new Report(rs.getString(\"title\"));",
		"  items.forEach((item) => {",
		"    if (order.status === 'refunded') {",
		"    private final Map<String, Integer> counts = new HashMap<>();",
		"\tgo func() {",
		"  object : Listener {",
	} {
		if diff.IsDefinition(s) {
			t.Errorf("%q is not a definition", s)
		}
	}
}

// TestSectionDoesNotDependOnTheHunk: a line's section is the same whether
// its hunk shows the definition above it or not (the definition is then
// the hunk's Enclosing, read from the file): a fingerprint, and so a
// dismissal, used to change when an unrelated edit above grew the hunk to
// show the def line, as git's heading for a Python method is its class.
func TestSectionDoesNotDependOnTheHunk(t *testing.T) {
	const def, query = "    def lookup(self, name):", "        q = \"SELECT * FROM users WHERE name = '\" + name + \"'\""
	ctx := func(n int, s string) diff.Line { return diff.Line{Kind: diff.Context, Old: n, New: n, Text: s} }
	narrow := &diff.Set{Files: []diff.File{{Path: "store.py", Status: diff.StatusModified, Hunks: []diff.Hunk{
		{OldStart: 14, OldLines: 4, NewStart: 14, NewLines: 4, Section: "class Store:", Enclosing: []string{"class Store:", def}, Lines: []diff.Line{
			ctx(14, "        a = 1"), {Kind: diff.Added, New: 15, Text: "        b = 2"}, ctx(16, "        c = 3"), ctx(17, query)}},
	}}}}
	wide := &diff.Set{Files: []diff.File{{Path: "store.py", Status: diff.StatusModified, Hunks: []diff.Hunk{
		{OldStart: 4, OldLines: 3, NewStart: 4, NewLines: 14, Section: "class Store:", Lines: append([]diff.Line{
			ctx(4, def), {Kind: diff.Added, New: 5, Text: "        z = 0"}}, func() []diff.Line {
			var out []diff.Line
			for n := 6; n <= 16; n++ {
				out = append(out, diff.Line{Kind: diff.Added, New: n, Text: "        x = 1"})
			}
			return append(out, ctx(17, query))
		}()...)},
	}}}}
	var sections []string
	for _, set := range []*diff.Set{narrow, wide} {
		f, rej := NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: "store.py", Line: 17, Quote: query, Severity: "critical", Title: "SQL injection"})
		if rej != nil {
			t.Fatal(rej.Reason)
		}
		sections = append(sections, f.Section)
	}
	if sections[0] != Normalize(def) || sections[1] != sections[0] {
		t.Errorf("sections %q, want %q for both hunks", sections, Normalize(def))
	}
}

// TestSectionSkipsAHelperNestedAbove: a helper defined inside the function,
// above the line, does not enclose it (the line is not indented past the
// helper's def): adding one to a function kept its findings' section, so
// their dismissals. A line inside the helper is the helper's.
func TestSectionSkipsAHelperNestedAbove(t *testing.T) {
	add := func(n int, s string) diff.Line { return diff.Line{Kind: diff.Added, New: n, Text: s} }
	ctx := func(n int, s string) diff.Line { return diff.Line{Kind: diff.Context, Old: n, New: n, Text: s} }
	set := &diff.Set{Files: []diff.File{{Path: "repo.py", Status: diff.StatusModified, Hunks: []diff.Hunk{
		{OldStart: 10, OldLines: 3, NewStart: 10, NewLines: 5, Section: "class Repo:", Enclosing: []string{"class Repo:", "    def save(self, row):"}, Lines: []diff.Line{
			add(10, "        def clean(v):"), add(11, "            return v.strip()"),
			ctx(12, "        name = clean(row.name)"), ctx(13, "        q = \"INSERT INTO t VALUES ('\" + name + \"')\""), ctx(14, "")}},
	}}}}
	ix := NewIndex(set)
	for line, want := range map[int]string{10: "def clean(v):", 11: "def clean(v):", 12: "def save(self, row):", 13: "def save(self, row):", 14: "def save(self, row):"} {
		f, rej := ix.Anchor("r", "c", 1, review.RawFinding{File: "repo.py", Line: line, Severity: "important", Title: "x"})
		if rej != nil {
			t.Fatal(rej.Reason)
		}
		if f.Section != want {
			t.Errorf("line %d: section %q, want %q", line, f.Section, want)
		}
	}
}

// TestSectionByKindOfFile: a line in no definition quorum reads keeps
// git's heading in a file that may have functions quorum does not read
// (an extensionless script, a Makefile, C), and has none in a file of no
// functions (YAML), where the heading only moves with the hunk.
func TestSectionByKindOfFile(t *testing.T) {
	for path, want := range map[string]string{"bin/deploy": "build() {", "Makefile": "build:", "x.c": "build() {", "ci.yml": "", "Dockerfile": ""} {
		heading := want
		if heading == "" {
			heading = "jobs:"
		}
		set := &diff.Set{Files: []diff.File{{Path: path, Status: diff.StatusModified, Scoped: true, Hunks: []diff.Hunk{
			{OldStart: 10, OldLines: 1, NewStart: 10, NewLines: 1, Section: heading, Lines: []diff.Line{{Kind: diff.Added, New: 10, Text: "\trm -rf x"}}},
		}}}}
		f, rej := NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: path, Line: 10, Severity: "important", Title: "x"})
		if rej != nil {
			t.Fatal(rej.Reason)
		}
		if f.Section != want {
			t.Errorf("%s: section %q, want %q", path, f.Section, want)
		}
	}
}
