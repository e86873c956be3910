package anchor_test

import (
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
)

// tryQuote anchors a finding quoting quote in the diff of path from old
// to new: whether it anchored, whether only as a near copy, and why not.
func tryQuote(t *testing.T, path, old, new, quote string) (bool, bool, string) {
	t.Helper()
	set := changeSet(t, path, old, new)
	f, rej := anchor.NewIndex(set).Anchor("r", "c", 1, review.RawFinding{File: path, Quote: quote, Severity: "important", Category: "bug", Title: "t"})
	if rej != nil {
		return false, false, rej.Reason
	}
	return true, f.Near, f.Evidence + " " + f.LineText
}

// TestQuoteShapes: quotes of one added line, in many languages, as models
// write them or as they could be made up. A part of a line cut inside a
// token (a path, a hyphenated name, a decimal, a PHP variable-variable)
// says something else and is no match; one in a /* */ comment, or leaving
// off a unary minus, is a near copy; a Rust lifetime opens no character
// literal, and a PHP attribute is no comment; a trailing ellipsis is the
// model cutting the line short.
func TestQuoteShapes(t *testing.T) {
	type c struct {
		path, line, quote string
		wantOK, wantNear  bool
	}
	cases := []c{
		{"a.sh", `rm -rf /tmp/build`, `rm -rf /`, false, false},
		{"a.css", `  background-color: red;`, `color: red;`, false, false},
		{"a.go", `	timeout := 1.5`, `timeout := 1`, false, false},
		{"a.go", `	if ratio < 0.25 {`, `if ratio < 0`, false, false},
		{"a.py", `    version = "1.2.3"`, `version = "1.2`, false, true},
		{"a.go", `	if err := validate(user.Email, user.Name, user.Age); err != nil {`, `if err := validate(user.Email, user.Name, ...`, true, false},
		{"a.go", `	if err := validate(user.Email, user.Name, user.Age); err != nil {`, `if err := validate(user.Email, user.Name, …`, true, false},
		{"a.go", `	if err := validate(user.Email, user.Name, user.Age); err != nil {`, `…user.Name, user.Age); err != nil {`, true, false},
		{"a.rs", `    let r: &'a str = parse(x); // checked above`, `let r: &'a str = parse(x); // BUG: unchecked`, true, false},
		{"a.rs", `    let r: &'a str = parse(x); // unwrap(x) later`, `unwrap(x) later`, true, true},
		{"a.c", `    if (c<'0' || c>'9') return 0; // was: reject(input, len)`, `reject(input, len)`, true, true}, // a char, no lifetime
		{"a.php", `#[Route('/users', methods: ['GET'])]`, `Route('/users', methods: ['GET'])`, true, false},
		{"a.c", `    /* if (!is_admin(u)) */ grant(u);`, `if (!is_admin(u))`, true, true},
		{"a.go", `	x := compute(a, b) // TODO: check`, `+ x := compute(a, b)`, true, false},
		{"a.go", `	x := compute(a, b) // TODO: check`, `+x := compute(a, b)`, true, false},
		{"a.go", `	x := compute(a, b) // TODO: check`, `x := compute(a, b) // TODO: check`, true, false},
		{"a.js", `  const url = "http://a.b/c"; // legacy`, `const url = "http://a.b/c";`, true, false},
		{"a.go", `	total := price * 1_000`, `total := price * 1`, false, false},
		{"a.go", `	mask := 0x1F`, `mask := 0x1`, false, false},
		{"a.go", `	if !user.IsAdmin() {`, `user.IsAdmin() {`, true, true},
		{"a.go", `	ok := !strings.HasPrefix(p, "/")`, `strings.HasPrefix(p, "/")`, true, true},
		{"a.go", `	if x := -delta; x > limit {`, `delta; x > limit {`, true, true}, // leaves off a unary minus
		{"a.py", `    if not_allowed(user):`, `allowed(user):`, false, false},
		{"a.py", `    x = f"{a!r}"  # note`, `x = f"{a!r}"`, true, false},
		{"a.go", `	s := "naïve café"`, `s := "naïve caf`, true, true},
		{"a.go", `	return errors.New("bad")`, `return errors.New("bad");`, true, false},
		{"a.go", `	x := y...`, `x := y`, false, false},
		{"a.lisp", `  (delete-file-recursively path)`, `(delete-file path)`, false, false},
		{"a.lisp", `  (safe-delete-file path)`, `delete-file path)`, false, false},
		{"a.php", `    $user_id = $_GET['id'];`, `$user = $_GET['id'];`, false, false},
		{"a.php", `    $$name = $_GET['id'];`, `$name = $_GET['id'];`, false, false},
		{"a.sh", `  chmod 0777 "$f"`, `chmod 077`, false, false},
		{"a.go", `	perm := os.FileMode(0o777)`, `os.FileMode(0o7`, false, false},
		{"a.go", `	x := a.b.c.d.Delete()`, `c.d.Delete()`, true, false},
		{"a.go", `	x := a - -1`, `x := a - 1`, false, false},
		// Cut inside an operator, a quote says another (helper 237): an
		// assignment for a comparison, `<` for `<=`, `<` for `<<`.
		{"a.go", `	if role == "admin" && ok {`, `if role =`, false, false},
		{"a.go", `	if role == "admin" && ok {`, `= "admin" && ok {`, false, false},
		{"a.go", `	if role == "admin" && ok {`, `if role == "admin" &`, false, false},
		{"a.go", `	return n >= 10`, `return n >`, false, false},
		{"a.go", `	x := n << 2`, `x := n <`, false, false},
		{"a.go", `	return x != 0`, `return x !`, false, false},
		{"a.go", `	query := "SELECT 1"`, `= "SELECT 1"`, false, false},
		{"a.c", `    averageValue /= countOfItems;`, `averageValue /`, false, false},
		{"a.ts", `  const result = numerator ?? fallbackValue;`, `const result = numerator ?`, false, false},
		// Brackets are no operator: an HTML tag's end before a colon.
		{"a.ts", "        const line = `<b>${user.name}</b>: ${msg.text}`;", "<b>${user.name}</b>", true, false},
		{"a.go", `	if role == "admin" && ok {`, `if role == "admin"`, true, false},
	}
	for _, tc := range cases {
		old := lines("package a", "", "x0", "x1", "x2")
		nw := lines("package a", "", "x0", tc.line, "x1", "x2")
		ok, near, why := tryQuote(t, tc.path, old, nw, tc.quote)
		if ok != tc.wantOK || ok && near != tc.wantNear {
			t.Errorf("%s line %q quote %q: ok=%v near=%v (%s); want ok=%v near=%v", tc.path, tc.line, tc.quote, ok, near, why, tc.wantOK, tc.wantNear)
		}
	}
}

// TestEllipsisIsNotASpread: a leading `...` is JS's spread, not a model
// cutting a line short, and a trailing one leaves a part long enough to
// count or is kept (Python's `x = ...`).
func TestEllipsisIsNotASpread(t *testing.T) {
	old := lines("export function reduce(state, action) {", "  return {", "  };", "}")
	nw := lines("export function reduce(state, action) {", "  return {", "    ...state,", "    loading: false,", "  };", "}")
	for _, q := range []string{"...state,", "return {\n  ...state,\n  loading: false,"} {
		if ok, near, why := tryQuote(t, "r.js", old, nw, q); !ok || near {
			t.Errorf("%q: ok=%v near=%v (%s)", q, ok, near, why)
		}
	}
	if ok, near, why := tryQuote(t, "s.py", lines("def f():", "    pass"), lines("def f():", "    x = ..."), "x = ..."); !ok || near {
		t.Errorf("x = ...: ok=%v near=%v (%s)", ok, near, why)
	}
}

// TestOperatorCutFindsTheDeletedLine: `i <` quotes the deleted `i < n`
// word for word, and only cuts the added `i <= n` inside its operator: it
// anchors to the deletion (helper 237 saw it put on the added line).
func TestOperatorCutFindsTheDeletedLine(t *testing.T) {
	old := lines("package a", "", "func f(n int) {", "\tfor i := 0; i < n; i++ {", "\t}", "}")
	nw := lines("package a", "", "func f(n int) {", "\tfor i := 0; i <= n; i++ {", "\t}", "}")
	ok, _, why := tryQuote(t, "a.go", old, nw, "for i := 0; i <")
	if !ok || !strings.Contains(why, "i < n") {
		t.Fatalf("anchored %v: %s", ok, why)
	}
}
