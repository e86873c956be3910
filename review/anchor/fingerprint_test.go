package anchor_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/diff/difftest"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/report"
)

// changeSet commits old, then new, in a real repository and loads the
// diff between them.
func changeSet(t testing.TB, path, old, new string) *diff.Set {
	t.Helper()
	r := difftest.New(t)
	r.Write(path, old)
	a := r.Commit("old")
	r.Write(path, new)
	b := r.Commit("new")
	set, err := diff.Load(context.Background(), diff.Options{Dir: r.Dir, Commits: a + ".." + b})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// fingerprint anchors a finding quoting quote in path and returns its
// section and the fingerprint a dismissal of it would record.
func fingerprint(t *testing.T, set *diff.Set, path, quote string) (string, string) {
	t.Helper()
	f, rej := anchor.NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: path, Quote: quote, Severity: "important", Category: "bug", Title: "t", Explanation: "e"})
	if rej != nil {
		t.Fatalf("%s: %q rejected: %s", path, quote, rej.Reason)
	}
	return f.Section, report.Fingerprint(f.File, f.Line, f.Outer, f.Section, f.LineText, "bug")
}

func lines(s ...string) string { return strings.Join(s, "\n") + "\n" }

// TestTopLevelCodeKeepsItsFingerprint: code outside any definition (a
// settings module, a Go var block) has no section. It had git's hunk
// heading, a nearby line of whatever shape git's funcname rule matched,
// which an unrelated edit above moved: the dismissal of a dev secret came
// back.
func TestTopLevelCodeKeepsItsFingerprint(t *testing.T) {
	settings := []string{"import os", ""}
	for i := range 12 {
		settings = append(settings, fmt.Sprintf("OPTION_%c = %d", 'A'+i, i))
	}
	settings = append(settings, "DEBUG = True", `SECRET_KEY = "dev-secret"`, "ALLOWED_HOSTS = []")
	push1 := append(append([]string{}, settings...), "CSRF_TRUSTED_ORIGINS = []")
	push2 := append([]string{}, push1...)
	push2[10] = "OPTION_I = 99" // an unrelated edit above
	sec1, fp1 := fingerprint(t, changeSet(t, "settings.py", lines(settings...), lines(push1...)), "settings.py", `SECRET_KEY = "dev-secret"`)
	sec2, fp2 := fingerprint(t, changeSet(t, "settings.py", lines(settings...), lines(push2...)), "settings.py", `SECRET_KEY = "dev-secret"`)
	if sec1 != "" || fp1 != fp2 {
		t.Errorf("settings.py: sections %q and %q, fingerprints equal %v; want no section and one fingerprint", sec1, sec2, fp1 == fp2)
	}

	goVars := func(imports ...string) string {
		src := []string{"package main", "", "import ("}
		for _, i := range imports {
			src = append(src, "\t"+i)
		}
		src = append(src, ")", "", "var (", "\tport = 8080", "\thost = \"localhost\"", "\tretries = 3", "\tapiKey = \"sk-live-123\"", "\ttimeout = 5", ")", "", "func main() {}")
		return lines(src...)
	}
	base := goVars(`"fmt"`)
	with := strings.Replace(goVars(`"fmt"`), "\tretries = 3", "\tretries = 3\n\tverbose = true", 1)
	withImport := strings.Replace(goVars(`"fmt"`, `"os"`), "\tretries = 3", "\tretries = 3\n\tverbose = true", 1)
	sec1, fp1 = fingerprint(t, changeSet(t, "main.go", base, with), "main.go", `apiKey = "sk-live-123"`)
	sec2, fp2 = fingerprint(t, changeSet(t, "main.go", base, withImport), "main.go", `apiKey = "sk-live-123"`)
	if fp1 != fp2 {
		t.Errorf("main.go: an added import moved the var block's section from %q to %q", sec1, sec2)
	}
}

// TestSectionsOfMoreLanguages: each method is its own section in C++
// (members defined outside their class), Swift, JavaScript class fields
// holding arrow functions, and Python below a comment that mentions a
// triple quote. Before, both lines of each file shared a section, so one
// dismissal covered the other method too.
func TestSectionsOfMoreLanguages(t *testing.T) {
	for _, tc := range []struct {
		path       string
		src        func(body string) string
		old, new   string
		want1, wnt string
	}{
		{"cache.cpp", func(b string) string {
			return lines(`#include "cache.h"`, "", "int Cache::get(int k) const {", "  int v = table_[k];", b, "  return v;", "}", "",
				"Store::~Store() {", "  int v = rows_[0];", b, "  return;", "}")
		}, "  // x", "  log(v);", "int Cache::get(int k) const {", "Store::~Store() {"},
		{"Store.swift", func(b string) string {
			return lines("class Store {", "    func load(id: String) {", "        let u = db.find(id)", b, "    }", "",
				"    private func remove(id: String) {", "        let u = db.find(id)", b, "    }", "}")
		}, "        // x", "        print(u!.name)", "func load(id: String) {", "private func remove(id: String) {"},
		{"store.js", func(b string) string {
			return lines("class Store {", "  load = async (id) => {", "    const u = db.find(id);", b, "  };", "",
				"  remove = (id) => {", "    const u = db.find(id);", b, "  };", "}")
		}, "    // x", "    console.log(u.name);", "load = async (id) => {", "remove = (id) => {"},
		{"m.py", func(b string) string {
			return lines(`# docstrings use """ in this module`, "def load(path):", "    data = read(path)", b, "", "",
				"def save(path):", "    data = read(path)", b)
		}, "    return data", "    return eval(data)", "def load(path):", "def save(path):"},
	} {
		set := changeSet(t, tc.path, tc.src(tc.old), tc.src(tc.new))
		ix := anchor.NewIndex(set)
		var got []string
		for _, h := range set.Files[0].Hunks {
			for _, l := range h.Lines {
				if l.Kind == diff.Added {
					f, rej := ix.Anchor("r", "c", 1, review.RawFinding{File: tc.path, Line: l.New, Severity: "important", Title: "t"})
					if rej != nil {
						t.Fatal(rej.Reason)
					}
					got = append(got, f.Section)
				}
			}
		}
		if len(got) != 2 || got[0] != tc.want1 || got[1] != tc.wnt {
			t.Errorf("%s: sections %q, want %q and %q", tc.path, got, tc.want1, tc.wnt)
		}
	}
}

// TestDataFilesHaveNoSection: a YAML file has no functions; git's heading
// there is a nearby line that moves with the hunk, so its lines' section is
// the mapping key they sit under, read from the file, and one edited alone
// or beside another edit keeps its fingerprint.
func TestDataFilesHaveNoSection(t *testing.T) {
	ci := func(runsOn, run string) string {
		return lines("name: ci", "on: [push]", "env:", "  GOFLAGS: -mod=mod", "jobs:", "  build:", "    runs-on: "+runsOn,
			"    steps:", "      - uses: actions/checkout@v4", "      - run: make test", "      - run: "+run)
	}
	base := ci("ubuntu-latest", "make build")
	sec1, fp1 := fingerprint(t, changeSet(t, "ci.yml", base, ci("ubuntu-latest", "make deploy")), "ci.yml", "- run: make deploy")
	sec2, fp2 := fingerprint(t, changeSet(t, "ci.yml", base, ci("ubuntu-22.04", "make deploy")), "ci.yml", "- run: make deploy")
	if sec1 != "steps:" || sec2 != sec1 || fp1 != fp2 {
		t.Errorf("ci.yml: sections %q and %q, fingerprints equal %v; want steps: and one", sec1, sec2, fp1 == fp2)
	}
}

// TestYAMLKeysArePlaces: `privileged: true` under two services of one
// compose file, or two containers' `securityContext` blocks under two
// deployments' keys, are two places: dismissing the dev one must not hide
// the production one.
func TestYAMLKeysArePlaces(t *testing.T) {
	compose := lines("services:", "  dev:", "    image: app", "    privileged: true", "  payments:", "    image: pay",
		"    privileged: true", "    ports:", "      - \"443:443\"")
	set := changeSet(t, "compose.yaml", "services: {}\n", compose)
	ix := anchor.NewIndex(set)
	prints := securityPrints(t, ix, "compose.yaml", "privileged: true", 4, 7)
	if prints[0] == prints[1] {
		t.Errorf("both services' privileged: true fingerprint %s", prints[0])
	}
	// A sequence item at its key's indentation is inside the key.
	k8s := lines("spec:", "  containers:", "  - name: api", "    image: api:1", "    securityContext:", "      privileged: true")
	set = changeSet(t, "pod.yaml", "spec: {}\n", k8s)
	f, rej := anchor.NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: "pod.yaml", Line: 6, Quote: "privileged: true", Severity: "critical", Category: "security", Title: "t"})
	if rej != nil || f.Section != "securityContext:" || !slices.Equal(f.Outer, []string{"spec:", "containers:", "- name: api"}) {
		t.Errorf("pod.yaml: section %q outer %q (%+v)", f.Section, f.Outer, rej)
	}
	// Two containers of one pod: the same key under each is two places
	// (each item is a scope for the lines under it).
	pod := lines("spec:", "  containers:", "  - name: api", "    securityContext:", "      privileged: true",
		"  - name: sidecar", "    securityContext:", "      privileged: true", "  volumes:", "  - name: data")
	ix = anchor.NewIndex(changeSet(t, "pod.yaml", "spec: {}\n", pod))
	prints = securityPrints(t, ix, "pod.yaml", "privileged: true", 5, 8)
	if prints[0] == prints[1] {
		t.Errorf("both containers' privileged: true fingerprint %s", prints[0])
	}
	// An item's own line is in the key above it, not in the item before.
	f, rej = ix.Anchor("r", "c", 1, review.RawFinding{File: "pod.yaml", Line: 10, Quote: "- name: data", Severity: "suggestion", Category: "style", Title: "t"})
	if rej != nil || f.Section != "volumes:" || !slices.Equal(f.Outer, []string{"spec:"}) {
		t.Errorf("pod.yaml item line: section %q outer %q (%+v)", f.Section, f.Outer, rej)
	}
}

// TestCppNamespacesTellFunctionsApart: functions of one name in two C++
// namespaces that do not indent them are two places, also where the hunk
// starts inside the second namespace (its definitions read from the file).
func TestCppNamespacesTellFunctionsApart(t *testing.T) {
	ns := func(name, body string) []string {
		return []string{"namespace " + name + " {", "", "static int calls = 0;", "", "int run(const char *cmd) {", "    " + body, "}", "", "}  // namespace " + name, ""}
	}
	file := func(admin, guest string) string {
		pad := make([]string, 30) // far apart: the second hunk starts inside guest
		for i := range pad {
			pad[i] = fmt.Sprintf("int helper%d() { return %d; }", i, i)
		}
		return lines(append(append(append([]string{"#include <cstdlib>", ""}, ns("admin", admin)...), pad...), ns("guest", guest)...)...)
	}
	set := changeSet(t, "run.cpp", file("return 0;", "return 0;"), file("return system(cmd);", "return system(cmd);"))
	ix := anchor.NewIndex(set)
	var prints []string
	for _, line := range []int{8, 48} {
		f, rej := ix.Anchor("r", "c", 1, review.RawFinding{File: "run.cpp", Line: line, Quote: "return system(cmd);", Severity: "critical", Category: "security", Title: "t"})
		if rej != nil || f.Line != line {
			t.Fatalf("line %d: %+v %+v", line, f, rej)
		}
		if want := []string{"namespace " + map[int]string{8: "admin", 48: "guest"}[line] + " {"}; !slices.Equal(f.Outer, want) || f.Section != "int run(const char *cmd) {" {
			t.Errorf("line %d: outer %q section %q, want %q and the function", line, f.Outer, f.Section, want)
		}
		prints = append(prints, report.Fingerprint(f.File, f.Line, f.Outer, f.Section, f.LineText, "security"))
	}
	if prints[0] == prints[1] {
		t.Errorf("admin::run and guest::run fingerprint %s", prints[0])
	}
}

// TestContainersTellMethodsApart: the same line in methods of one name in
// two containers of one file (Rust impls, Kotlin objects, Swift
// extensions, Java nested classes, TS namespaces, Ruby modules) is two
// places: each finding's fingerprint reads its container, also a C++
// namespace that does not indent its functions.
func TestContainersTellMethodsApart(t *testing.T) {
	for _, tc := range []struct {
		path        string
		open, close string
		method      string
		line        string
	}{
		{"a.rs", "impl %s {", "}", "    fn run(&self, cmd: &str) {", "        Command::new(cmd).spawn();"},
		{"a.kt", "object %s {", "}", "    fun run(cmd: String) {", "        Runtime.getRuntime().exec(cmd)"},
		{"a.swift", "extension %s {", "}", "    func run(cmd: String) {", "        shell(cmd)"},
		{"A.java", "    static class %s {", "    }", "        void run(String cmd) throws IOException {", "            Runtime.getRuntime().exec(cmd);"},
		{"a.ts", "namespace %s {", "}", "  export function run(cmd: string) {", "    execSync(cmd);"},
		{"a.rb", "module %s", "end", "  def run(cmd)", "    system(cmd)"},
	} {
		var body []string
		for _, name := range []string{"Admin", "Guest"} {
			body = append(body, fmt.Sprintf(tc.open, name), tc.method, tc.line, "    }", tc.close)
		}
		set := changeSet(t, tc.path, "\n", lines(body...))
		f1, r1 := anchor.NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: tc.path, Line: 3, Quote: strings.TrimSpace(tc.line), Severity: "important", Category: "bug", Title: "t"})
		f2, r2 := anchor.NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: tc.path, Line: 8, Quote: strings.TrimSpace(tc.line), Severity: "important", Category: "bug", Title: "t"})
		if r1 != nil || r2 != nil || f1.Line != 3 || f2.Line != 8 {
			t.Fatalf("%s: %+v %+v", tc.path, r1, r2)
		}
		p1 := report.Fingerprint(f1.File, f1.Line, f1.Outer, f1.Section, f1.LineText, "bug")
		p2 := report.Fingerprint(f2.File, f2.Line, f2.Outer, f2.Section, f2.LineText, "bug")
		if p1 == p2 {
			t.Errorf("%s: both methods fingerprint %s (outer %q, %q)", tc.path, p1, f1.Outer, f2.Outer)
		}
	}
}

// TestBlankLineFindingsArePlacedByTheirFunction: a finding that gave a
// line and no quote, on a blank line, is placed by its function: two in
// two functions are two places (they were one, the file's, so dismissing
// one hid the other); the same one after code is added above keeps its
// fingerprint.
func TestBlankLineFindingsArePlacedByTheirFunction(t *testing.T) {
	body := func(pad int) string {
		var ls []string
		for i := range pad {
			ls = append(ls, fmt.Sprintf("// note %d", i))
		}
		return lines(append(ls, "func Admin(cmd string) {", "\trun(cmd)", "", "\tlog(cmd)", "}", "", "func Public(cmd string) {", "\trun(cmd)", "", "\tlog(cmd)", "}")...)
	}
	print := func(set *diff.Set, line int) string {
		f, rej := anchor.NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: "h.go", Line: line, Severity: "important", Category: "security", Title: "t"})
		if rej != nil || f.Line != line || f.LineText != "" {
			t.Fatalf("line %d: %+v %+v", line, f, rej)
		}
		return report.Fingerprint(f.File, f.Line, f.Outer, f.Section, f.LineText, "security")
	}
	set := changeSet(t, "h.go", "package h\n", "package h\n"+body(0))
	admin, public := print(set, 4), print(set, 10)
	if admin == public {
		t.Errorf("blank lines of Admin and Public fingerprint %s", admin)
	}
	moved := changeSet(t, "h.go", "package h\n", "package h\n"+body(3))
	if got := print(moved, 7); got != admin {
		t.Errorf("Admin's blank line after code above: %s, want %s", got, admin)
	}
}

// TestYAMLDocumentsArePlaces: the same line in two documents of one file
// (a dev and a prod Deployment after `---`) is two places, also where the
// hunk starts inside the second document; a file's first document keeps
// the fingerprints it had.
func TestYAMLDocumentsArePlaces(t *testing.T) {
	deploy := func(ns string) []string {
		return []string{"apiVersion: apps/v1", "kind: Deployment", "metadata:", "  namespace: " + ns, "spec:", "  template:", "    spec:", "      hostNetwork: true", "      containers:", "      - name: app", "        image: app:1"}
	}
	file := func(first string) string {
		ls := append(deploy(first), "---")
		for i := range 20 { // far apart: the second hunk starts inside the second document
			ls = append(ls, fmt.Sprintf("# note %d", i))
		}
		return lines(append(ls, deploy("prod")...)...)
	}
	set := changeSet(t, "deploy.yaml", strings.Replace(strings.Replace(file("dev"), "hostNetwork: true", "hostNetwork: false", 2), "image: app:1", "image: app:0", 2), file("dev"))
	ix := anchor.NewIndex(set)
	prints := securityPrints(t, ix, "deploy.yaml", "hostNetwork: true", 8, 40)
	if prints[0] == prints[1] {
		t.Errorf("both documents' hostNetwork: true fingerprint %s", prints[0])
	}
	// A hunk that starts on the `---` (the change is the third line of
	// the second document) knows the document is the second.
	dev := []string{"kind: Pod", "metadata:", "  name: dev", "spec:", "  hostNetwork: true", "  privileged: true"}
	prod := func(v string) []string { return []string{"---", "kind: Pod", "spec:", "  privileged: " + v} }
	atSep := changeSet(t, "pod.yaml", lines(append(slices.Clone(dev), prod("false")...)...), lines(append(slices.Clone(dev), prod("true")...)...))
	fsep, rej := anchor.NewIndex(atSep).Anchor("r", "c", 1, review.RawFinding{File: "pod.yaml", Line: 10, Quote: "privileged: true", Severity: "critical", Category: "security", Title: "t"})
	whole := changeSet(t, "pod.yaml", "", lines(append(slices.Clone(dev), prod("true")...)...))
	fwhole, rej2 := anchor.NewIndex(whole).Anchor("r", "c", 1, review.RawFinding{File: "pod.yaml", Line: 10, Quote: "privileged: true", Severity: "critical", Category: "security", Title: "t"})
	fdev, rej3 := anchor.NewIndex(whole).Anchor("r", "c", 1, review.RawFinding{File: "pod.yaml", Line: 6, Quote: "privileged: true", Severity: "critical", Category: "security", Title: "t"})
	if rej != nil || rej2 != nil || rej3 != nil || fsep.Line != 10 {
		t.Fatalf("at the separator: %+v %+v %+v %+v", fsep, rej, rej2, rej3)
	}
	psep := report.Fingerprint(fsep.File, fsep.Line, fsep.Outer, fsep.Section, fsep.LineText, "security")
	if pw := report.Fingerprint(fwhole.File, fwhole.Line, fwhole.Outer, fwhole.Section, fwhole.LineText, "security"); psep != pw {
		t.Errorf("the hunk at the separator: outer %q, from the whole file %q", fsep.Outer, fwhole.Outer)
	}
	if pd := report.Fingerprint(fdev.File, fdev.Line, fdev.Outer, fdev.Section, fdev.LineText, "security"); psep == pd {
		t.Errorf("prod's privileged: true fingerprints as dev's (%s)", pd)
	}
	one := changeSet(t, "deploy.yaml", strings.Replace(lines(deploy("dev")...), "hostNetwork: true", "hostNetwork: false", 1), lines(deploy("dev")...))
	f, _ := anchor.NewIndex(one).Anchor("r", "c", 1, review.RawFinding{File: "deploy.yaml", Line: 8, Quote: "hostNetwork: true", Severity: "critical", Category: "security", Title: "t"})
	if got := report.Fingerprint(f.File, f.Line, f.Outer, f.Section, f.LineText, "security"); got != prints[0] {
		t.Errorf("the first document alone: %s, want %s (as in a file of two)", got, prints[0])
	}
}

// securityPrints anchors a security finding quoting quote at each of lines
// of path and returns each one's fingerprint, failing the test when one
// does not anchor at its line.
func securityPrints(t *testing.T, ix *anchor.Index, path, quote string, lines ...int) []string {
	t.Helper()
	var prints []string
	for _, line := range lines {
		f, rej := ix.Anchor("r", "c", 1, review.RawFinding{File: path, Line: line, Quote: quote, Severity: "critical", Category: "security", Title: "t"})
		if rej != nil || f.Line != line {
			t.Fatalf("%s:%d: %+v %+v", path, line, f, rej)
		}
		prints = append(prints, report.Fingerprint(f.File, f.Line, f.Outer, f.Section, f.LineText, "security"))
	}
	return prints
}
