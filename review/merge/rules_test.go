package merge

import (
	"slices"
	"testing"

	"github.com/quorum-review/quorum/review/anchor"
)

// withLine gives a test finding the section and quoted line text a real
// diff would.
func withLine(f anchor.Finding, section, text string) anchor.Finding {
	f.Section, f.LineText, f.Evidence = section, text, anchor.EvidenceQuote
	f.Raw.Quote = text
	return f
}

const sec = "func (l *Limiter) Allow(ip string) bool {"

func TestIsolatedPair(t *testing.T) {
	// One bug, worded with no shared word or cue, on adjacent lines.
	a := withLine(fnd("a", "x.go", 20, "important", "bug", "Monitors entered in argument order", "Acquire them in a stable order."), sec, "synchronized (from) {")
	b := withLine(fnd("b", "x.go", 21, "important", "bug", "Two opposite transfers wait on each other", "Each holds what the other one needs."), sec, "synchronized (to) {")
	if got := Clusters([]anchor.Finding{a, b}); len(got) != 1 {
		t.Fatalf("isolated pair: %d clusters, want 1:\n%s", len(got), signature(got))
	}
	ablate.isolated = true
	n := len(Clusters([]anchor.Finding{a, b}))
	ablate.isolated = false
	if n != 2 {
		t.Fatalf("without the isolated rule the pair merges anyway (%d clusters): the test tests nothing", n)
	}
	// A second finding of reviewer a nearby says there are two issues there:
	// the text decides, and it does not link them.
	a2 := withLine(fnd("a", "x.go", 22, "suggestion", "style", "Magic number", "Name the constant."), sec, "limit := 500")
	if got := Clusters([]anchor.Finding{a, a2, b}); len(got) != 3 {
		t.Fatalf("reviewer with two findings nearby: %d clusters, want 3:\n%s", len(got), signature(got))
	}
	// On one line, one reviewer per bug is common: no isolation there.
	c := withLine(fnd("c", "x.go", 20, "important", "bug", "Totals drift by a cent", "Sums are off after many additions."), sec, "synchronized (from) {")
	d := withLine(fnd("d", "x.go", 20, "important", "bug", "Crash for an empty page", "Zero gives infinity."), sec, "synchronized (from) {")
	if got := Clusters([]anchor.Finding{c, d}); len(got) != 2 {
		t.Fatalf("same line: %d clusters, want 2:\n%s", len(got), signature(got))
	}
	// Known different kinds never merge by isolation.
	e := withLine(fnd("e", "x.go", 20, "critical", "security", "SQL injection", "The query concatenates user input."), sec, "synchronized (from) {")
	f := withLine(fnd("f", "x.go", 21, "important", "bug", "Error ignored", "The error is discarded."), sec, "synchronized (to) {")
	if got := Clusters([]anchor.Finding{e, f}); len(got) != 2 {
		t.Fatalf("different kinds: %d clusters, want 2:\n%s", len(got), signature(got))
	}
}

func TestFunctionWideIsolation(t *testing.T) {
	a := withLine(fnd("a", "x.py", 31, "suggestion", "bug", "No guard for empty input", "if not samples: return 0"), "def average(samples):", "def average(samples):")
	b := withLine(fnd("b", "x.py", 35, "important", "bug", "An empty batch crashes the average", "With nothing measured the function raises."), "def average(samples):", "return total / len(samples)")
	if got := Clusters([]anchor.Finding{a, b}); len(got) != 1 {
		t.Fatalf("one finding per reviewer in the function: %d clusters, want 1:\n%s", len(got), signature(got))
	}
	b2 := withLine(fnd("b", "x.py", 33, "suggestion", "style", "Use sum()", "A builtin reads better."), "def average(samples):", "total += s.ms")
	if got := Clusters([]anchor.Finding{a, b, b2}); len(got) != 3 {
		t.Fatalf("a reviewer with two findings in the function: %d clusters, want 3:\n%s", len(got), signature(got))
	}
}

func TestDefinedNames(t *testing.T) {
	for _, tt := range []struct {
		line string
		want []string
	}{
		{"    path = os.path.join(UPLOAD_DIR, name)", []string{"path"}},
		{"\trows, err := s.db.Query(q)", []string{"rows"}}, // err is a keyword-sized name everywhere
		{"  const res = await fetch(url);", []string{"res"}},
		{"    with open(path) as handle:", []string{"handle"}},
		{"    for row in rows[1:]:", []string{"row"}},
		{"\tif b.tokens == 0 {", nil},
		{"  if (a <= b && c >= d) {", nil},
		{"  items.map((x) => x.id)", nil},
	} {
		if got := definedNames(tt.line); !slices.Equal(got, tt.want) {
			t.Errorf("definedNames(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}

func TestDataflowLink(t *testing.T) {
	// One traversal, reported at the join and at the open that uses its
	// result; reviewer a's second finding nearby rules out isolation.
	a := withLine(fnd("a", "x.py", 14, "critical", "security", "Path traversal in `download`", "`name` may contain `..`; `os.path.join` does not stop it."), "def download(name):", "    path = os.path.join(UPLOAD_DIR, name)")
	a2 := withLine(fnd("a", "x.py", 16, "suggestion", "style", "Magic buffer size", "Name the `4096`."), "def download(name):", "    data = f.read(4096)")
	b := withLine(fnd("b", "x.py", 15, "critical", "security", "Path traversal: arbitrary file read", "User input flows into `open()` unchecked."), "def download(name):", "    f = open(path, \"rb\")")
	in := []anchor.Finding{a, a2, b}
	if got := Clusters(in); len(got) != 2 {
		t.Fatalf("dataflow-linked traversal: %d clusters, want 2:\n%s", len(got), signature(got))
	}
	ablate.dataflow = true
	n := len(Clusters(in))
	ablate.dataflow = false
	if n != 3 {
		t.Fatalf("without the dataflow link the pair merges anyway (%d clusters): the test tests nothing", n)
	}
}

func TestPythonNone(t *testing.T) {
	if k := inferKinds("Disconnected sockets pile up", "none is ever forgotten, so memory grows"); k&kindBit("nil-deref") != 0 {
		t.Errorf("English 'none' inferred nil-deref: %s", k)
	}
	if k := inferKinds("Crash on unknown id", "`get` returns None and the next line reads it"); k&kindBit("nil-deref") == 0 {
		t.Errorf("Python None not inferred as nil-deref: %s", k)
	}
}

// TestNatureApartIsNotIsolated: the only two findings of a few lines are
// not one issue for that alone when one is about how the code reads and
// the other a defect, or one is critical and the other a suggestion: a
// naming nit beside a password written to a log stays two findings, so
// dismissing the nit cannot dismiss the leak. The text can still link
// them, and alike pairs still link by isolation.
func TestNatureApartIsNotIsolated(t *testing.T) {
	const login = "func Login(user, password string) error {"
	nit := withLine(fnd("a", "login.go", 6, "suggestion", "style", "Use a descriptive variable name", "x is not descriptive; call it account"), login, "x := lookup(user)")
	leak := withLine(fnd("b", "login.go", 7, "critical", "security", "Password written to logs", "the plaintext password ends up in log files"), login, `log.Printf("login %s with password %s", user, password)`)
	for _, kind := range []string{"", "other"} {
		nit.Raw.Kind, leak.Raw.Kind = kind, kind
		if got := Clusters([]anchor.Finding{nit, leak}); len(got) != 2 {
			t.Fatalf("kind %q: a nit and a leak: %d clusters, want 2:\n%s", kind, len(got), signature(got))
		}
	}
	// A nit a model files under another category, or none ("other"), is
	// still a suggestion beside an important leak of another category.
	for _, cat := range []string{"other", "api", "tests"} {
		n := nit
		n.Raw.Category, n.Raw.Kind, leak.Raw.Kind = cat, "", ""
		leak.Raw.Severity = "important"
		if got := Clusters([]anchor.Finding{n, leak}); len(got) != 2 {
			t.Fatalf("a %s nit and an important leak: %d clusters, want 2:\n%s", cat, len(got), signature(got))
		}
	}
	// The same pair as two defects of like severity is isolated, as before.
	odd := nit
	odd.Raw.Category, odd.Raw.Severity = "bug", "important"
	leak.Raw.Severity = "important"
	if got := Clusters([]anchor.Finding{odd, leak}); len(got) != 1 {
		t.Fatalf("two defects: %d clusters, want 1 (the isolated rule):\n%s", len(got), signature(got))
	}
	// A critical finding and a suggestion of one category are apart too.
	odd.Raw.Severity, leak.Raw.Severity, leak.Raw.Category = "suggestion", "critical", "bug"
	if got := Clusters([]anchor.Finding{odd, leak}); len(got) != 2 {
		t.Fatalf("critical and suggestion: %d clusters, want 2:\n%s", len(got), signature(got))
	}
}
