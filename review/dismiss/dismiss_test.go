package dismiss_test

import (
	"cmp"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/dismiss"
	"github.com/quorum-review/quorum/review/report"
	rt "github.com/quorum-review/quorum/review/report/reporttest"
)

// The code every case reviews: a function that drops an error.
var body = []string{
	"+func Load(path string) []byte {",
	"+	data, _ := os.ReadFile(path)",
	"+	return data",
	"+}",
}

const quote = "data, _ := os.ReadFile(path)"

func set(path string, newStart int, lines ...string) *diff.Set {
	f := rt.File(path, diff.StatusAdded, 0, newStart, lines...)
	return &diff.Set{Mode: "range", Base: diff.Ref{Commit: "b"}, Head: diff.Ref{Commit: "h"}, Files: []diff.File{f}}
}

func raw(s *diff.Set, findings map[string]review.RawFinding) *review.Raw {
	r := &review.Raw{}
	files := []string{s.Files[0].Path}
	i := 0
	for name, f := range findings {
		f.File = s.Files[0].Path
		r.Results = append(r.Results, rt.Result(name, i, rt.Chunk("c1", files, review.Answer{Findings: []review.RawFinding{f}})))
		i++
	}
	return r
}

func consolidate(t *testing.T, s *diff.Set, r *review.Raw, l *dismiss.Ledger) *report.Report {
	t.Helper()
	if l == nil {
		l = &dismiss.Ledger{}
	}
	res, err := pipeline.Review(t.Context(), nil, pipeline.Request{Set: s, Raw: r, Policy: report.Policy{FailOn: review.Important}, Dismissals: l})
	if err != nil {
		t.Fatal(err)
	}
	return res.Report
}

var dropped = rt.F("", 2, quote, review.Important, "bug", "Error from ReadFile is ignored", "The error is discarded, so a missing file returns nil silently.")

func only(t *testing.T, r *report.Report) report.Finding {
	t.Helper()
	if len(r.Findings) != 1 {
		t.Fatalf("want 1 finding, got %d: %+v", len(r.Findings), r.Findings)
	}
	return r.Findings[0]
}

// base is the finding the dismissal was made for.
func base(t *testing.T) report.Finding {
	s := set("store/load.go", 1, body...)
	return only(t, consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": dropped}), nil))
}

func TestFingerprintSurvives(t *testing.T) {
	want := base(t)
	moved := append([]string{"+import \"os\"", "+", "+// Load reads a file.", "+var x = 1", "+"}, body...)
	dropped2 := dropped
	dropped2.Line = 7
	reworded := rt.F("", 2, "  data, _ :=   os.ReadFile(path) ", review.Critical, "error-handling",
		"ReadFile failure swallowed", "Ignoring err here hides unreadable files; the caller gets nil.")
	cases := map[string]struct {
		s        *diff.Set
		findings map[string]review.RawFinding
	}{
		"line move (code added above)": {set("store/load.go", 1, moved...), map[string]review.RawFinding{"alpha": dropped2}},
		"file rename":                  {set("internal/storage/read.go", 1, body...), map[string]review.RawFinding{"alpha": dropped}},
		"rewording":                    {set("store/load.go", 1, body...), map[string]review.RawFinding{"alpha": reworded}},
		"another reviewer":             {set("store/load.go", 1, body...), map[string]review.RawFinding{"beta": reworded}},
		"two reviewers":                {set("store/load.go", 1, body...), map[string]review.RawFinding{"alpha": dropped, "beta": reworded}},
		// A rebase onto a base that grew the file: the same function now
		// starts further down and is a modification, not an addition.
		"rebase": {set("store/load.go", 40, append([]string{" package store", "+"}, body...)...), map[string]review.RawFinding{"gamma": func() review.RawFinding {
			f := dropped
			f.Line = 43
			return f
		}()}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got := only(t, consolidate(t, c.s, raw(c.s, c.findings), nil))
			if got.Fingerprint != want.Fingerprint {
				t.Errorf("fingerprint %s, want %s", got.Fingerprint, want.Fingerprint)
			}
			l := &dismiss.Ledger{Entries: []dismiss.Entry{{Fingerprint: want.Fingerprint, Kinds: want.Kinds, ID: want.ID, Reason: "fine here"}}}
			r := consolidate(t, c.s, raw(c.s, c.findings), l)
			if len(r.Findings) != 0 || len(r.Dismissed) != 1 || r.Verdict.GateTripped {
				t.Errorf("not dismissed: findings %d, dismissed %d, gate %v", len(r.Findings), len(r.Dismissed), r.Verdict.GateTripped)
			}
		})
	}
}

func TestFingerprintChangesWithQuotedCode(t *testing.T) {
	want := base(t)
	changed := []string{"+func Load(path string) []byte {", "+	data, _ := os.ReadFile(filepath.Clean(path))", "+	return data", "+}"}
	f := dropped
	f.Quote = "data, _ := os.ReadFile(filepath.Clean(path))"
	s := set("store/load.go", 1, changed...)
	l := &dismiss.Ledger{Entries: []dismiss.Entry{{Fingerprint: want.Fingerprint, Kinds: want.Kinds, Reason: "fine here"}}}
	r := consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": f}), l)
	got := only(t, r)
	if got.Fingerprint == want.Fingerprint {
		t.Fatalf("fingerprint survived a change of the quoted code")
	}
	if !r.Verdict.GateTripped {
		t.Errorf("the finding came back but the gate did not trip")
	}
}

func TestKindsKeepOtherIssuesOnTheLine(t *testing.T) {
	want := base(t)
	s := set("store/load.go", 1, body...)
	traversal := rt.F("", 2, quote, review.Critical, "security", "Path traversal", "path comes from the user and may contain ../ to read files outside the directory.")
	l := &dismiss.Ledger{Entries: []dismiss.Entry{{Fingerprint: want.Fingerprint, Kinds: want.Kinds, Reason: "fine here"}}}
	r := consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": traversal}), l)
	if len(r.Findings) != 1 || len(r.Dismissed) != 0 {
		t.Fatalf("a dismissal of %v hid a finding of %v", want.Kinds, r.Findings)
	}
}

// TestMergedKindComesBack: a dismissal of an unchecked error does not
// cover the finding once another reviewer's report of a second issue at
// the line (a path traversal) is merged into it: that issue was never
// judged a false positive. The finding's own kinds again are covered.
func TestMergedKindComesBack(t *testing.T) {
	want := base(t)
	l := &dismiss.Ledger{Entries: []dismiss.Entry{{Fingerprint: want.Fingerprint, File: want.File, Kinds: want.Kinds, Severity: want.Severity, Reason: "the file is optional"}}}
	s := set("store/load.go", 1, body...)
	both := rt.F("", 2, quote, review.Important, "bug", "Error from ReadFile is ignored", "The error is discarded; also the path comes from the user and may contain ../ to read files outside the directory (path traversal).")
	r := consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": dropped, "beta": dropped, "gamma": both}), l)
	if len(r.Findings) != 1 || len(r.Dismissed) != 0 {
		t.Fatalf("merged: kept %d, dismissed %d (kinds %v, entry %v)", len(r.Findings), len(r.Dismissed), kindsOf(r), want.Kinds)
	}
	if why, wantWhy := l.Why(r.Findings[0]), "not dismissed: path-traversal, the dismissal covered "+strings.Join(want.Kinds, ", "); why != wantWhy {
		t.Errorf("why: %q, want %q", why, wantWhy)
	}
	r = consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": dropped, "beta": dropped}), l)
	if len(r.Dismissed) != 1 {
		t.Errorf("the dismissed issue alone: kept %d, dismissed %d", len(r.Findings), len(r.Dismissed))
	}
}

func kindsOf(r *report.Report) [][]string {
	var out [][]string
	for _, f := range append(slices.Clone(r.Findings), r.Dismissed...) {
		out = append(out, f.Kinds)
	}
	return out
}

func TestInlineIgnore(t *testing.T) {
	for name, c := range map[string]struct {
		comment string
		hidden  bool
		reason  string
		file    string // "" is store/load.go
	}{
		"line above":    {"+	// quorum:ignore the file is optional", true, "inline quorum:ignore: the file is optional", ""},
		"hash comment":  {"+	# quorum:ignore: trusted input", true, "inline quorum:ignore: trusted input", "store/load.py"},
		"matching kind": {"+	// quorum:ignore unchecked-error", true, "inline quorum:ignore", ""},
		"other kind":    {"+	// quorum:ignore sql-injection", false, "", ""},
		// A category word is a filter too, never the reason: "style" does
		// not hide a bug there.
		// A comment the change did not touch does not vouch for the line
		// the change added below it.
		"unchanged comment above an added line": {" 	// quorum:ignore the file is optional", false, "", ""},
		"other category":                        {"+	// quorum:ignore style", false, "", ""},
		"matching category":                     {"+	// quorum:ignore bug: checked by the caller", true, "inline quorum:ignore: checked by the caller", ""},
		// Punctuation on the filter word keeps it a filter.
		"category with a full stop":         {"+	// quorum:ignore style.", false, "", ""},
		"category in parentheses":           {"+	// quorum:ignore (style)", false, "", ""},
		"category in brackets":              {"+	// quorum:ignore [style]", false, "", ""},
		"category in quotes":                {"+	// quorum:ignore \"style\"", false, "", ""},
		"category and a subject":            {"+	// quorum:ignore style/naming", false, "", ""},
		"category with a hyphenated word":   {"+	// quorum:ignore style-only", false, "", ""},
		"kind inside hyphenated words":      {"+	// quorum:ignore no-sql-injection-here", false, "", ""},
		"matching kind in parentheses":      {"+	// quorum:ignore (unchecked-error) checked above", true, "inline quorum:ignore: checked above", ""},
		"two names, one matching":           {"+	// quorum:ignore style/bug: checked above", true, "inline quorum:ignore: checked above", ""},
		"code after a closed block comment": {"+	/* quorum:ignore */ x := open(p)", true, "inline quorum:ignore", ""},
		"reason of a closed block comment":  {"+	/* quorum:ignore: trusted */ x := open(p)", true, "inline quorum:ignore: trusted", ""},
		// What stands between the marker and the word, plurals, aliases and
		// lookalike letters keep it a filter too; a negated name is a
		// filter of nothing.
		"colon before the category":      {"+	// quorum:ignore: style", false, "", ""},
		"dash before the category":       {"+	// quorum:ignore - style", false, "", ""},
		"em dash before the category":    {"+	// quorum:ignore — style", false, "", ""},
		"tab before the category":        {"+	// quorum:ignore\tstyle", false, "", ""},
		"plural of a category":           {"+	// quorum:ignore styles", false, "", ""},
		"singular of a category":         {"+	// quorum:ignore test", false, "", ""},
		"underscores for hyphens":        {"+	// quorum:ignore error_handling", false, "", ""},
		"an alias of a category":         {"+	// quorum:ignore nit", false, "", ""},
		"another alias":                  {"+	// quorum:ignore perf", false, "", ""},
		"a negated category":             {"+	// quorum:ignore non-security", false, "", ""},
		"a negated matching category":    {"+	// quorum:ignore non-bug", false, "", ""},
		"full-width letters":             {"+	// quorum:ignore ＳＴＹＬＥ", false, "", ""},
		"a Cyrillic letter":              {"+	// quorum:ignore ѕtyle", false, "", ""},
		"a soft hyphen inside":           {"+	// quorum:ignore st\u00adyle", false, "", ""},
		"a combining accent":             {"+	// quorum:ignore st\u0301yle", false, "", ""},
		"an ordinary reason still works": {"+	// quorum:ignore intentional, the caller validates", true, "inline quorum:ignore: intentional, the caller validates", ""},
		"a plural alias":                 {"+	// quorum:ignore nits", false, "", ""},
		"another plural alias":           {"+	// quorum:ignore typos", false, "", ""},
		"a word begun as a category":     {"+	// quorum:ignore styling", false, "", ""},
		"a Cyrillic capital":             {"+	// quorum:ignore S\u0422YLE", false, "", ""},
		"a small capital":                {"+	// quorum:ignore \ua731tyle", false, "", ""},
		"a combining grapheme joiner":    {"+	// quorum:ignore st\u034fyle", false, "", ""},
		"a Hangul filler":                {"+	// quorum:ignore style\u3164only", false, "", ""},
		"a negation, then the category":  {"+	// quorum:ignore not bug", false, "", ""},
		"a glued negation":               {"+	// quorum:ignore nonbug", false, "", ""},
		"a negation inside":              {"+	// quorum:ignore not-a-bug", false, "", ""},
		"a negation after":               {"+	// quorum:ignore bug-free", false, "", ""},
		"matching category after colon":  {"+	// quorum:ignore: bug, checked by the caller", true, "inline quorum:ignore: checked by the caller", ""},
		"a reason in another language":   {"+	// quorum:ignore Überprüft vom Aufrufer", true, "inline quorum:ignore: Überprüft vom Aufrufer", ""},
		"no marker":                      {"+	// reads the file", false, "", ""},
		"marker elsewhere":               {"+	x := 1", false, "", ""},
		// In a string literal the marker is the program's data, not the
		// author's comment.
		"in a Go string":             {"+	q := \"SELECT 1 -- quorum:ignore\"", false, "", ""},
		"in a Python string":         {"+	subprocess.call(cmd + \" #quorum:ignore\", shell=True)", false, "", "store/load.py"},
		"comment after a string":     {"+	x := \"a#b\" // quorum:ignore: checked", true, "inline quorum:ignore: checked", ""},
		"SQL comment":                {"+	-- quorum:ignore seeded data", true, "inline quorum:ignore: seeded data", "store/load.sql"},
		"block comment continuation": {"+	 * quorum:ignore", true, "inline quorum:ignore", ""},
		"escaped quote in a string":  {"+	s := \"say \\\" -- quorum:ignore\"", false, "", ""},
		// Go has no # or -- comments: such a line of a Go file is inside
		// a string (SQL in a raw string opened above the hunk), data.
		"hash in a Go file":         {"+	# quorum:ignore: trusted input", false, "", ""},
		"SQL comment in a Go file":  {"+	-- quorum:ignore seeded data", false, "", ""},
		"SQL comment in a JS file":  {"+	-- quorum:ignore seeded data", false, "", "store/load.js"},
		"Python has no // comments": {"+	x = a // quorum:ignore", false, "", "store/load.py"},
		// A file quorum does not lex keeps every common opener.
		"hash comment in a shell script": {"+	# quorum:ignore: trusted input", true, "inline quorum:ignore: trusted input", "store/load.sh"},
	} {
		t.Run(name, func(t *testing.T) {
			lines := []string{body[0], c.comment, body[1], body[2], body[3]}
			s := set(cmp.Or(c.file, "store/load.go"), 1, lines...)
			f := dropped
			f.Line = 3
			r := consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": f}), nil)
			if got := len(r.Dismissed) == 1; got != c.hidden {
				t.Fatalf("dismissed = %v, want %v", got, c.hidden)
			}
			if c.hidden && (r.Dismissed[0].Dismissal.Reason != c.reason || r.Dismissed[0].Dismissal.Source != dismiss.SourceInline || r.Dismissed[0].Dismissal.Line != 2) {
				t.Errorf("dismissal %+v, want reason %q from the comment on line 2", r.Dismissed[0].Dismissal, c.reason)
			}
			// The summary never says the reviewers found nothing when they
			// found something that was dismissed.
			if want := map[bool]string{true: "They raised 1 finding, all dismissed", false: "They raised 1 finding ("}[c.hidden]; !strings.Contains(r.Summary.Text, want) {
				t.Errorf("summary %q lacks %q", r.Summary.Text, want)
			}
		})
	}
}

func TestLedgerRoundTripAndOrder(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, dismiss.SharedFile)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	entries := []dismiss.Entry{
		{Fingerprint: "bbbbbbbbbbbbbbbb", ID: "Q2", File: "b.go", Title: "t2", Reason: "r2", Who: "A <a@x>", When: at},
		{Fingerprint: "aaaaaaaaaaaaaaaa", Kinds: []string{"panic"}, ID: "Q1", File: "a.go", Title: "t1", Reason: "r1", Who: "B <b@x>", When: at},
	}
	if err := dismiss.WriteFile(path, &dismiss.Ledger{Entries: entries}); err != nil {
		t.Fatal(err)
	}
	l, err := dismiss.ReadFile(path, dismiss.SourceShared)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != 2 || l.Entries[0].ID != "Q1" || !l.Entries[0].When.Equal(at) || l.Entries[0].Kinds[0] != "panic" {
		t.Fatalf("round trip: %+v", l.Entries)
	}
	if gone := l.Remove([]string{"Q1"}, "nil-deref"); len(gone) != 0 || len(l.Entries) != 2 {
		t.Fatalf("remove of another kind: %+v %+v", gone, l.Entries)
	}
	if gone := l.Remove([]string{"bbbbbbbbbbbbbbbb"}, ""); len(gone) != 1 || len(l.Entries) != 1 {
		t.Fatalf("remove by fingerprint: %+v %+v", gone, l.Entries)
	}
	if _, err := dismiss.ReadFile(filepath.Join(dir, "missing.yaml"), dismiss.SourceShared); err != nil {
		t.Fatalf("a missing ledger is empty, got %v", err)
	}
}

// The report is a pure function of the answers and the ledger: the
// ledger's order does not change it.
func TestLedgerOrderDoesNotMatter(t *testing.T) {
	want := base(t)
	s := set("store/load.go", 1, body...)
	es := []dismiss.Entry{
		{Fingerprint: want.Fingerprint, Reason: "one", Who: "a"},
		{Fingerprint: want.Fingerprint, Reason: "two", Who: "b"},
		{Fingerprint: "0000000000000000", Reason: "other"},
	}
	first := consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": dropped}), &dismiss.Ledger{Entries: es}).Dismissed[0].Dismissal.Reason
	for range 20 {
		rand.Shuffle(len(es), func(i, j int) { es[i], es[j] = es[j], es[i] })
		got := consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": dropped}), &dismiss.Ledger{Entries: es}).Dismissed[0].Dismissal.Reason
		if got != first {
			t.Fatalf("reason %q after shuffling, want %q", got, first)
		}
	}
}

// A ledger that does not parse stops the review with a setup error and a
// hint that names the file, whoever called the pipeline.
func TestBadLedgerIsASetupError(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, dismiss.SharedFile)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("dismissed: [unclosed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := set("store/load.go", 1, body...)
	s.Root = root
	_, err := pipeline.Review(t.Context(), nil, pipeline.Request{Set: s, Raw: raw(s, map[string]review.RawFinding{"alpha": dropped})})
	if exitcode.Of(err) != exitcode.Setup || !strings.Contains(exitcode.HintOf(err), dismiss.SharedFile) {
		t.Fatalf("got %v (exit %d, hint %q)", err, exitcode.Of(err), exitcode.HintOf(err))
	}
}

// TestWriteKeepsTheFilesOwnWords: rewriting the ledger (a dismissal added,
// another removed) keeps the comments the team wrote and the entries it
// did not touch as they were; a hand-written entry is not padded with
// empty fields; a key quorum does not know is an error, not dropped.
func TestWriteKeepsTheFilesOwnWords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dismissed.yaml")
	orig := `# keep me: our team's notes on dismissals
dismissed:
  # the parser is fuzzed elsewhere
  - fingerprint: aaaaaaaaaaaaaaaa
    reason: fuzzed   # trailing note
  - fingerprint: bbbbbbbbbbbbbbbb
    reason: goes away
`
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := dismiss.ReadFile(path, dismiss.SourceShared)
	if err != nil {
		t.Fatal(err)
	}
	l.Entries = slices.DeleteFunc(l.Entries, func(e dismiss.Entry) bool { return e.Fingerprint == "bbbbbbbbbbbbbbbb" })
	l.Entries = append(l.Entries, dismiss.Entry{Fingerprint: "cccccccccccccccc", ID: "q-1", File: "a.go", Title: "t", Reason: "new", When: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)})
	if err := dismiss.WriteFile(path, l); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{"# keep me: our team's notes on dismissals", "# the parser is fuzzed elsewhere", "reason: fuzzed # trailing note", "fingerprint: cccccccccccccccc"} {
		if !strings.Contains(got, want) {
			t.Errorf("rewritten ledger lacks %q:\n%s", want, got)
		}
	}
	for _, gone := range []string{"bbbbbbbbbbbbbbbb", `id: ""`, `file: ""`, "0001-01-01"} {
		if strings.Contains(got, gone) {
			t.Errorf("rewritten ledger has %q:\n%s", gone, got)
		}
	}
	again, err := dismiss.ReadFile(path, dismiss.SourceShared)
	if err != nil || len(again.Entries) != 2 {
		t.Fatalf("read back: %v, %v", again, err)
	}
	// An unknown key is refused with the file named.
	if err := os.WriteFile(path, []byte("dismissed:\n  - fingerprint: aaaaaaaaaaaaaaaa\n    reason: r\n    extra_key: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := dismiss.ReadFile(path, dismiss.SourceShared); err == nil || !errors.Is(err, dismiss.ErrLedger) || !strings.Contains(err.Error(), "extra_key") {
		t.Errorf("unknown key: %v, want a ledger error naming it", err)
	}
}

// TestLedgerErrorsArePlain: each malformed ledger is one error naming the
// file and the line, in the file's own terms: never a Go type name
// (yaml's "cannot unmarshal !!int `5` into []dismiss.Entry").
func TestLedgerErrorsArePlain(t *testing.T) {
	path := filepath.Join(t.TempDir(), dismiss.SharedFile)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	for ledger, want := range map[string]string{
		"dismissed: 5\n":         "line 1: dismissed: must be a list of entries, got 5",
		"dismissed: none\n":      `line 1: dismissed: must be a list of entries, got "none"`,
		"dismissed:\n  a: b\n":   "line 2: dismissed: must be a list of entries, got keys",
		"- fingerprint: a\n":     "line 1: expected 'dismissed:' and a list of entries, got a list",
		"dismised: []\n":         `line 1: unknown key "dismised"; the file has one key, dismissed:`,
		"dismissed:\n  - abc\n":  `line 2: entry 1 must be keys like 'fingerprint:' and 'reason:', got "abc"`,
		"dismissed: [unclosed\n": "line 1: invalid YAML: did not find expected ',' or ']'",
		"dismissed:\n  - fingerprint: 000000000000000a\n    reason: r\n    kinds: 3\n":                                                      "line 4: entry 1: kinds: must be a list like [unchecked-error], got 3",
		"dismissed:\n  - fingerprint: 000000000000000a\n    reason: [x]\n":                                                                  "line 3: entry 1: reason: must be a plain value, got a list",
		"dismissed:\n  - fingerprint: 000000000000000a\n    reason: r\n    when: yesterday\n":                                               `line 4: entry 1: when: must be a time like 2026-12-03T18:04:09Z, got "yesterday"`,
		"dismissed:\n  - fingerprint: 000000000000000a\n    reason: r\n---\ndismissed:\n  - fingerprint: 000000000000000b\n    reason: r\n": `line 5: a second YAML document (after ---); keep every entry in one dismissed: list`,
		"dismissed:\n  - fingerprint: 000000000000000a\n    reason: r\n---\n- [\n":                                                          `line 5: invalid YAML: did not find expected node content`,
		"dismissed:\n  - fingerprint: 000000000000000a\n    reason: r\n    bogus: 1\n":                                                      `line 4: entry 1: unknown key "bogus"; an entry takes fingerprint, kinds, severity, places, place_fingerprints, span, copies, category, id, file, title, reason, who, when`,
		"dismissed:\n  - fingerprint: 000000000000000a\n    reason: r\n    reason: s\n":                                                     "line 4: entry 1: reason: repeats line 3; keep one",
		"dismissed:\n  - fingerprint: 000000000000000a\n    reason: r\n  - reason: too broad\n":                                             "line 4: entry 2 has no fingerprint, so it matches no finding",
	} {
		if err := os.WriteFile(path, []byte(ledger), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := dismiss.ReadFile(path, dismiss.SourceShared)
		if want := "dismissal ledger " + path + ": " + want; err == nil || err.Error() != want || !errors.Is(err, dismiss.ErrLedger) {
			t.Errorf("%q:\n got %v\nwant %s", ledger, err, want)
		}
	}
}

// TestLedgerEntryNeedsAReason: 'quorum dismiss' requires --reason, so an
// entry written by hand without one (missing, empty or blank) is refused,
// naming its line, as an entry without a fingerprint is.
func TestLedgerEntryNeedsAReason(t *testing.T) {
	path := filepath.Join(t.TempDir(), dismiss.SharedFile)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, entry := range []string{"", "    reason:\n", "    reason: \"\"\n", "    reason: \"  \"\n"} {
		ledger := "dismissed:\n  - fingerprint: 000000000000000a\n    reason: known\n  - fingerprint: b\n" + entry
		if err := os.WriteFile(path, []byte(ledger), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := dismiss.ReadFile(path, dismiss.SourceShared)
		want := "dismissal ledger " + path + ": line 4: entry 2 has no reason; add 'reason:' saying why the finding is dismissed"
		if err == nil || err.Error() != want {
			t.Errorf("%q:\n got %v\nwant %s", ledger, err, want)
		}
	}
	// Comments only, an empty list, or nothing at all: an empty ledger.
	for _, ledger := range []string{"", "# nothing yet\n", "dismissed:\n", "dismissed: []\n"} {
		if err := os.WriteFile(path, []byte(ledger), 0o644); err != nil {
			t.Fatal(err)
		}
		if l, err := dismiss.ReadFile(path, dismiss.SourceShared); err != nil || len(l.Entries) != 0 {
			t.Errorf("%q: %+v, %v; want an empty ledger", ledger, l, err)
		}
	}
}

// Hint answers what is wrong: a file to fix, a directory to move aside, or
// a file that cannot be read; each names the ledger as typed from the root.
func TestHintSaysWhatToDo(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(dismiss.SharedPath(root), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := dismiss.ReadFile(dismiss.SharedPath(root), dismiss.SourceShared)
	if got, want := dismiss.Hint(root, err), "move .quorum/dismissed.yaml aside: the ledger is a YAML file that 'quorum dismiss' writes"; got != want {
		t.Errorf("directory: %q, want %q", got, want)
	}
	// .git/quorum is a file: the ledger below it cannot be read.
	gitDir := filepath.Join(root, ".git")
	if err := os.MkdirAll(gitDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(gitDir, "quorum"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = dismiss.ReadFile(dismiss.LocalPath(gitDir), dismiss.SourceLocal)
	if got, want := dismiss.Hint(root, err), "check that .git/quorum/dismissed.yaml can be read (its permissions, and that its directories are directories), or remove it"; got != want {
		t.Errorf("unreadable: %q, want %q", got, want)
	}
	bad := filepath.Join(root, "bad.yaml")
	if err := os.WriteFile(bad, []byte("dismissed: 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = dismiss.ReadFile(bad, dismiss.SourceShared)
	if got := dismiss.Hint(root, err); !strings.HasPrefix(got, "fix bad.yaml (a 'dismissed:' list;") {
		t.Errorf("content: %q", got)
	}
}

// A linked work tree of a clone shares its local ledger: a --local
// dismissal made in one work tree applies in the others.
func TestLocalLedgerIsTheClones(t *testing.T) {
	dir := t.TempDir()
	main := filepath.Join(dir, "main")
	git := func(wd string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = wd
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@example.com", "GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	if err := os.MkdirAll(main, 0o755); err != nil {
		t.Fatal(err)
	}
	git(main, "init", "-q", "-b", "main")
	git(main, "commit", "-q", "--allow-empty", "-m", "one")
	git(main, "worktree", "add", "-q", filepath.Join(dir, "linked"), "-b", "side")
	mainGit, err := diff.GitDir(main)
	if err != nil {
		t.Fatal(err)
	}
	linkedGit, err := diff.GitDir(filepath.Join(dir, "linked"))
	if err != nil {
		t.Fatal(err)
	}
	if linkedGit == mainGit {
		t.Fatalf("fixture: the linked work tree's git dir is the main one (%s)", linkedGit)
	}
	if got, want := dismiss.LocalPath(linkedGit), dismiss.LocalPath(mainGit); got != want {
		t.Fatalf("linked work tree's local ledger %s, want the clone's %s", got, want)
	}
}

// A linked work tree's own local ledger, where quorum once wrote --local
// dismissals, is still read: its dismissals keep applying.
func TestLinkedWorkTreeKeepsItsOldLocalLedger(t *testing.T) {
	dir := t.TempDir()
	gitDir := filepath.Join(dir, "main", ".git", "worktrees", "wt")
	common := filepath.Join(dir, "main", ".git")
	if err := os.MkdirAll(filepath.Join(gitDir, "quorum"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(gitDir, "commondir"), []byte("../..\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(gitDir, "quorum", "dismissed.yaml"), []byte("dismissed:\n  - fingerprint: 0000000000abc123\n    reason: false positive\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := dismiss.LocalPaths(gitDir); len(got) != 2 || got[0] != filepath.Join(common, "quorum", "dismissed.yaml") {
		t.Fatalf("local paths %v", got)
	}
	l, err := dismiss.Load(filepath.Join(dir, "wt"), gitDir)
	if err != nil || len(l.Entries) != 1 || l.Entries[0].Fingerprint != "0000000000abc123" || l.Entries[0].Source != dismiss.SourceLocal {
		t.Fatalf("ledger %+v, %v", l, err)
	}
}

// The code of the severity and "other" cases: a query built from input.
var query = []string{
	"+func Find(db *sql.DB, name string) error {",
	"+	q := \"SELECT * FROM users WHERE name = '\" + name + \"'\"",
	"+	_, err := db.Query(q)",
	"+	return err",
	"+}",
}

const queryQuote = "_, err := db.Query(q)"

func kinded(f review.RawFinding, kind string) review.RawFinding {
	f.Kind = kind
	return f
}

var (
	styleNit = kinded(rt.F("", 3, queryQuote, review.Suggestion, "style", "Name the result", "style only"), "other")
	injected = kinded(rt.F("", 3, queryQuote, review.Critical, "security", "Query runs attacker-controlled SQL", "q contains user input"), "sql-injection")
)

// review is one reviewer's finding on the query, judged with ledger l.
func reviewQuery(t *testing.T, f review.RawFinding, l *dismiss.Ledger) *report.Report {
	t.Helper()
	s := set("db/find.go", 1, query...)
	return consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": f}), l)
}

// TestOtherKindIsRecorded: a finding whose reviewers said "other" (no kind
// of the taxonomy) is recorded with kinds [other], so its dismissal covers
// that finding again but not a later finding of a known kind on the same
// line (it used to record no kinds, which agree with every kind: a style
// nit's dismissal hid a critical SQL injection).
func TestOtherKindIsRecorded(t *testing.T) {
	nit := only(t, reviewQuery(t, styleNit, nil))
	if len(nit.Kinds) != 0 {
		t.Fatalf("fixture: the nit has kinds %v", nit.Kinds)
	}
	e := dismiss.NewEntry(nit, " style noise ", "Ada", time.Time{})
	if !slices.Equal(e.Kinds, []string{dismiss.OtherKind}) || e.Severity != review.Suggestion || e.Reason != "style noise" {
		t.Fatalf("entry %+v, want kinds [other], severity suggestion", e)
	}
	l := &dismiss.Ledger{Entries: []dismiss.Entry{e}}
	// The same nit again: dismissed.
	if r := reviewQuery(t, styleNit, l); len(r.Dismissed) != 1 || len(r.Findings) != 0 {
		t.Fatalf("the dismissed nit came back: %+v", r.Findings)
	}
	// A known kind on that line, even at the same severity: another issue.
	minor := injected
	minor.Severity = review.Suggestion
	r := reviewQuery(t, minor, l)
	got := only(t, r)
	if len(r.Dismissed) != 0 || got.Fingerprint != nit.Fingerprint {
		t.Fatalf("a dismissal of [other] hid %v (fingerprint %s, want %s)", got.Kinds, got.Fingerprint, nit.Fingerprint)
	}
	if why, want := l.Why(got), "not dismissed: sql-injection, the dismissal covered other"; why != want {
		t.Errorf("why %q, want %q", why, want)
	}
}

// TestOtherKindRecordsTheCategory: with kinds only "other", the kinds
// cannot tell a naming nit from a bug of the same line and severity; the
// category does. A dismissed style note covers the note again, not a bug
// there that names no kind either (helper 250), and says why.
func TestOtherKindRecordsTheCategory(t *testing.T) {
	nit := only(t, reviewQuery(t, styleNit, nil))
	e := dismiss.NewEntry(nit, "naming follows our guide", "Ada", time.Time{})
	if e.Category != strings.ToLower(styleNit.Category) {
		t.Fatalf("entry category %q, want %q", e.Category, styleNit.Category)
	}
	l := &dismiss.Ledger{Entries: []dismiss.Entry{e}}
	if r := reviewQuery(t, styleNit, l); len(r.Dismissed) != 1 {
		t.Fatalf("the dismissed nit came back: %+v", r.Findings)
	}
	bug := styleNit
	bug.Category, bug.Title, bug.Explanation = "bug", "Reads the wrong form field", "The handler reads the wrong field of the request."
	r := reviewQuery(t, bug, l)
	got := only(t, r)
	if len(r.Dismissed) != 0 || got.Fingerprint != nit.Fingerprint {
		t.Fatalf("a dismissed style note hid a bug of its line (fingerprint %s, the note's %s)", got.Fingerprint, nit.Fingerprint)
	}
	if why, want := l.Why(got), "not dismissed: a bug finding, the dismissal covered "+e.Category; why != want {
		t.Errorf("why %q, want %q", why, want)
	}
}

// TestKindedEntryDoesNotCoverAKindlessFinding: the reverse of
// TestOtherKindIsRecorded. A dismissal of an issue of a known kind does not
// cover a finding of no known kind at that place (it may be any other
// defect), whatever its severity; an entry without kinds (an old ledger)
// still does.
func TestKindedEntryDoesNotCoverAKindlessFinding(t *testing.T) {
	sqli := only(t, reviewQuery(t, injected, nil))
	if len(sqli.Kinds) == 0 {
		t.Fatalf("fixture: the injection has no kinds")
	}
	l := &dismiss.Ledger{Entries: []dismiss.Entry{dismiss.NewEntry(sqli, "q is a constant", "", time.Time{})}}
	r := reviewQuery(t, styleNit, l)
	got := only(t, r)
	if len(r.Dismissed) != 0 || got.Fingerprint != sqli.Fingerprint {
		t.Fatalf("a dismissal of %v hid a finding of no kind (fingerprint %s, want %s)", sqli.Kinds, got.Fingerprint, sqli.Fingerprint)
	}
	if why, want := l.Why(got), "not dismissed: other, the dismissal covered "+strings.Join(sqli.Kinds, ", "); why != want {
		t.Errorf("why %q, want %q", why, want)
	}
	old := l.Entries[0]
	old.Kinds, old.Severity = nil, ""
	if r := reviewQuery(t, styleNit, &dismiss.Ledger{Entries: []dismiss.Entry{old}}); len(r.Dismissed) != 1 {
		t.Errorf("an entry without kinds (an old ledger) no longer covers the finding")
	}
}

// TestSeverityBoundsADismissal: a dismissal covers findings at its place
// up to the severity dismissed; a more severe one is a new opinion and
// counts, saying why. The adversarial case: a suggestion dismissed with
// --severity suggestion, then a critical SQL injection on the same line.
func TestSeverityBoundsADismissal(t *testing.T) {
	nit := only(t, reviewQuery(t, styleNit, nil))
	l := &dismiss.Ledger{Entries: []dismiss.Entry{dismiss.NewEntry(nit, "style noise", "", time.Time{})}}
	r := reviewQuery(t, injected, l)
	got := only(t, r)
	if len(r.Dismissed) != 0 || !r.Verdict.GateTripped {
		t.Fatalf("a critical finding passed under a suggestion's dismissal: dismissed %d, gate %v", len(r.Dismissed), r.Verdict.GateTripped)
	}
	if why, want := l.Why(got), "not dismissed: critical, the dismissal covered suggestion"; why != want {
		t.Errorf("why %q, want %q", why, want)
	}

	// The same issue (one kind), at or below the severity dismissed: covered.
	bug := only(t, reviewQuery(t, injected, nil))
	for sev, dismissed := range map[string]bool{review.Suggestion: true, review.Important: true, review.Critical: false} {
		e := dismiss.NewEntry(bug, "trusted input", "", time.Time{})
		e.Severity = review.Important
		l := &dismiss.Ledger{Entries: []dismiss.Entry{e}}
		f := injected
		f.Severity = sev
		r := reviewQuery(t, f, l)
		if got := len(r.Dismissed) == 1; got != dismissed {
			t.Errorf("%s under an important dismissal: dismissed %v, want %v", sev, got, dismissed)
		}
		if !dismissed {
			if why, want := l.Why(r.Findings[0]), "not dismissed: critical, the dismissal covered important"; why != want {
				t.Errorf("why %q, want %q", why, want)
			}
		} else if why := l.Why(r.Dismissed[0]); why != "" {
			t.Errorf("a dismissed finding has a why: %q", why)
		}
	}

	// An entry without severity (written by hand, or before quorum
	// recorded it) keeps its meaning: every severity.
	old := &dismiss.Ledger{Entries: []dismiss.Entry{{Fingerprint: bug.Fingerprint, Kinds: bug.Kinds, Reason: "trusted input"}}}
	if r := reviewQuery(t, injected, old); len(r.Dismissed) != 1 || r.Verdict.GateTripped {
		t.Errorf("an entry without severity no longer covers a critical finding")
	}
	// No entry at its place: nothing to explain.
	if why := (&dismiss.Ledger{}).Why(bug); why != "" {
		t.Errorf("why with no entry: %q", why)
	}
}

// TestAddReplacesOnlyTheSameIssue: dismissing a finding again replaces the
// entry of that issue (its fingerprint, kinds that agree), and keeps an
// entry of another kind on the same line.
func TestAddReplacesOnlyTheSameIssue(t *testing.T) {
	nit := only(t, reviewQuery(t, styleNit, nil))
	bug := only(t, reviewQuery(t, injected, nil))
	l := &dismiss.Ledger{}
	if got := l.Add(dismiss.NewEntry(nit, "style noise", "", time.Time{})); len(got) != 0 {
		t.Fatalf("replaced %+v in an empty ledger", got)
	}
	if got := l.Add(dismiss.NewEntry(bug, "trusted input", "", time.Time{})); len(got) != 0 || len(l.Entries) != 2 {
		t.Fatalf("a sql-injection dismissal replaced the nit's: %+v, ledger %+v", got, l.Entries)
	}
	if got := l.Add(dismiss.NewEntry(bug, "still trusted", "", time.Time{})); len(got) != 1 || got[0].Reason != "trusted input" || len(l.Entries) != 2 {
		t.Fatalf("dismissing it again: replaced %+v, ledger %+v", got, l.Entries)
	}
	// An old entry without kinds is the same issue as any: replaced.
	l = &dismiss.Ledger{Entries: []dismiss.Entry{{Fingerprint: bug.Fingerprint, Reason: "old"}}}
	if got := l.Add(dismiss.NewEntry(bug, "new", "", time.Time{})); len(got) != 1 || len(l.Entries) != 1 || l.Entries[0].Severity != review.Critical {
		t.Fatalf("old entry: replaced %+v, ledger %+v", got, l.Entries)
	}
}

// TestLedgerValueShapes: a fingerprint, severity or kind of a shape no
// finding can have ("*", NOT-A-HASH, an upper-case copy) used to be read
// and match nothing: the dismissal silently did not happen. Each is an
// error naming the file and its line, with a hint saying what to run.
func TestLedgerValueShapes(t *testing.T) {
	root := t.TempDir()
	path := dismiss.SharedPath(root)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	const fpHint = "fix .quorum/dismissed.yaml: copy the finding's \"fingerprint\" from 'quorum report show --format json', or let 'quorum dismiss ID --reason TEXT' write the entry; 'quorum dismiss --list' checks it"
	const plainHint = "fix .quorum/dismissed.yaml (a 'dismissed:' list; each entry needs 'fingerprint:' and 'reason:') or remove it; 'quorum dismiss --list' checks it"
	ok := "  - fingerprint: 0123456789abcdef\n    reason: fine\n"
	for _, c := range []struct{ ledger, msg, hint string }{
		{ok + "  - reason: r\n    fingerprint: \"*\"\n", `line 5: entry 2: fingerprint: "*" is not a fingerprint (16 lower-case hex digits, like 0123456789abcdef), so it matches no finding`, fpHint},
		{ok + "  - fingerprint: NOT-A-HASH\n    reason: r\n", `line 4: entry 2: fingerprint: "NOT-A-HASH" is not a fingerprint (16 lower-case hex digits, like 0123456789abcdef), so it matches no finding`, fpHint},
		{ok + "  - fingerprint: 0123456789ABCDEF\n    reason: r\n", `line 4: entry 2: fingerprint: "0123456789ABCDEF" is not a fingerprint (16 lower-case hex digits, like 0123456789abcdef), so it matches no finding`, fpHint},
		{ok + "  - fingerprint: 0123456789abcde\n    reason: r\n", `line 4: entry 2: fingerprint: "0123456789abcde" is not a fingerprint (16 lower-case hex digits, like 0123456789abcdef), so it matches no finding`, fpHint},
		{ok + "  - fingerprint: 12345\n    reason: r\n", "line 4: entry 2: fingerprint: \"12345\" is not a fingerprint (16 lower-case hex digits, like 0123456789abcdef), so it matches no finding", fpHint},
		{ok + "    severity: Critical\n", `line 4: entry 1: severity: must be critical, important or suggestion, got "Critical"`, plainHint},
		{ok + "    severity: high\n", `line 4: entry 1: severity: must be critical, important or suggestion, got "high"`, plainHint},
		{ok + "    places: 0\n", `line 4: entry 1: places: must be a number, 1 or more, got 0`, plainHint},
		{ok + "    places: two\n", `line 4: entry 1: places: must be a number, 1 or more, got "two"`, plainHint},
		{ok + "    kinds: [SQL-Injection]\n", `line 4: entry 1: kinds: "SQL-Injection" is not a kind: kinds are lower-case names like sql-injection, or other`, plainHint},
		{ok + "    kinds: [\"sql injection\"]\n", `line 4: entry 1: kinds: "sql injection" is not a kind: kinds are lower-case names like sql-injection, or other`, plainHint},
	} {
		if err := os.WriteFile(path, []byte("dismissed:\n"+c.ledger), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := dismiss.ReadFile(path, dismiss.SourceShared)
		if want := "dismissal ledger " + path + ": " + c.msg; err == nil || err.Error() != want || !errors.Is(err, dismiss.ErrLedger) {
			t.Errorf("%q:\n got %v\nwant %s", c.ledger, err, want)
			continue
		}
		if got := dismiss.Hint(root, err); got != c.hint {
			t.Errorf("%q: hint %q, want %q", c.ledger, got, c.hint)
		}
		// Whoever reads it, the review stops: exit 2, the same hint.
		s := set("store/load.go", 1, body...)
		s.Root = root
		_, err = pipeline.Review(t.Context(), nil, pipeline.Request{Set: s, Raw: raw(s, map[string]review.RawFinding{"alpha": dropped})})
		if exitcode.Of(err) != exitcode.Setup || exitcode.HintOf(err) != c.hint {
			t.Errorf("%q: review got %v (exit %d, hint %q)", c.ledger, err, exitcode.Of(err), exitcode.HintOf(err))
		}
	}
	// The shapes quorum writes read back, and a fingerprint of digits
	// only (YAML reads it as a number) is still one.
	if err := os.WriteFile(path, []byte("dismissed:\n"+ok+"    kinds: [other, sql-injection]\n    severity: important\n  - fingerprint: 1234567890123456\n    reason: r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if l, err := dismiss.ReadFile(path, dismiss.SourceShared); err != nil || l.Entries[0].Severity != review.Important || l.Entries[1].Fingerprint != "1234567890123456" {
		t.Fatalf("good ledger: %+v, %v", l, err)
	}
}

// TestNewEntryRoundTrip: the entry 'quorum dismiss' writes keeps its kinds
// and severity through the file, and an old entry without them reads as
// it always did.
func TestNewEntryRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), dismiss.SharedFile)
	nit := only(t, reviewQuery(t, styleNit, nil))
	at := time.Date(2026, 12, 3, 18, 4, 9, 0, time.UTC)
	l := &dismiss.Ledger{Entries: []dismiss.Entry{dismiss.NewEntry(nit, "style noise", "Ada <a@x>", at)}}
	if err := dismiss.WriteFile(path, l); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"kinds: [other]\n", "severity: suggestion\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("ledger lacks %q:\n%s", want, b)
		}
	}
	back, err := dismiss.ReadFile(path, dismiss.SourceShared)
	if err != nil || back.Entries[0].Severity != review.Suggestion || !slices.Equal(back.Entries[0].Kinds, []string{"other"}) {
		t.Fatalf("read back %+v, %v", back, err)
	}
}

// TestInlineIgnoreCoversEveryPlace: a comment above one statement never
// hides a finding the merge joined to it from another place (two reviewers'
// injections of one kind in two functions of one file); above the one
// statement every reviewer quoted, it does.
func TestInlineIgnoreCoversEveryPlace(t *testing.T) {
	lines := []string{
		"+func Cleanup(db DB, name string) {",
		"+	// quorum:ignore sql-injection: name comes from our own enum",
		"+	db.Exec(\"DELETE FROM t WHERE n = '\" + name + \"'\")",
		"+}",
	}
	for i := range 30 {
		lines = append(lines, "+// filler "+strings.Repeat("x", i))
	}
	lines = append(lines,
		"+func Admin(db DB, r *http.Request) {",
		"+	db.Exec(\"DROP TABLE \" + r.FormValue(\"table\"))",
		"+}",
	)
	s := set("a.go", 1, lines...)
	cleanup := rt.F("", 3, `db.Exec("DELETE FROM t WHERE n = '" + name + "'")`, review.Critical, "security", "SQL injection in Cleanup", "name is concatenated into the statement.")
	cleanup.Kind = "sql-injection"
	admin := rt.F("", 36, `db.Exec("DROP TABLE " + r.FormValue("table"))`, review.Critical, "security", "Request parameter used as table name in DROP TABLE", "Any client drops any table.")
	admin.Kind = "sql-injection"
	same := cleanup
	same.Title = "User input concatenated into SQL"

	r := consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": cleanup, "beta": admin}), nil)
	if len(r.Dismissed) != 0 {
		t.Fatalf("the comment above Cleanup hid %+v", r.Dismissed[0].Members)
	}
	if len(r.Findings) != 1 || len(r.Findings[0].Members) != 2 {
		t.Fatalf("want the merge's one finding of both places (what this test guards), got %d findings", len(r.Findings))
	}

	r = consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": cleanup, "beta": same}), nil)
	if len(r.Dismissed) != 1 || len(r.Findings) != 0 || len(r.Dismissed[0].Members) != 2 {
		t.Fatalf("both reviewers quoted the statement under the comment: dismissed %d, open %d", len(r.Dismissed), len(r.Findings))
	}
}

// TestOldCommentDoesNotCoverAnAddedMember: a comment the change did not
// touch, on an unchanged line, covers a finding on that line; merged with
// another reviewer's finding on the line the change added below it, the
// finding stays open (the new line is not what the comment was written for).
func TestOldCommentDoesNotCoverAnAddedMember(t *testing.T) {
	s := set("db.go", 10,
		" func Drop(db DB, r *http.Request) {",
		" 	db.Exec(\"DELETE FROM \" + constTable) // quorum:ignore sql-injection table is a constant",
		"+	db.Exec(\"DROP TABLE \" + r.FormValue(\"table\"))",
		" }",
	)
	old := rt.F("", 11, `db.Exec("DELETE FROM " + constTable)`, review.Critical, "security", "SQL built by concatenation", "The table name is concatenated into the statement.")
	old.Kind = "sql-injection"
	added := rt.F("", 12, `db.Exec("DROP TABLE " + r.FormValue("table"))`, review.Critical, "security", "Request value concatenated into SQL", "Any client names the table to drop.")
	added.Kind = "sql-injection"

	r := consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": old}), nil)
	if len(r.Dismissed) != 1 {
		t.Fatalf("the comment on its own line covers the old statement's finding: dismissed %d", len(r.Dismissed))
	}
	r = consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": old, "beta": added}), nil)
	if len(r.Dismissed) != 0 {
		t.Fatalf("the old comment hid the added statement's finding: %+v", r.Dismissed[0].Members)
	}
	if len(r.Findings) != 1 || len(r.Findings[0].Members) != 2 {
		t.Fatalf("want the merge's one finding of both lines (what this test guards), got %d findings", len(r.Findings))
	}
}

// TestLedgerEntryCoversItsPlacesOnly: a dismissal made for a finding at one
// place does not cover the finding the merge makes when another reviewer's
// finding at a second place joins it (a new injection in another function);
// one made for both places (quorum dismiss --all-places) does. A
// dismissal of one place names no other (its fingerprint is its place).
func TestLedgerEntryCoversItsPlacesOnly(t *testing.T) {
	lines := []string{"+func Cleanup(db DB, name string) {", "+	db.Exec(\"DELETE FROM t WHERE n = '\" + name + \"'\")", "+}"}
	for i := range 30 {
		lines = append(lines, "+// filler "+strings.Repeat("x", i))
	}
	lines = append(lines, "+func Admin(db DB, r *http.Request) {", "+	db.Exec(\"DROP TABLE \" + r.FormValue(\"table\"))", "+}")
	s := set("a.go", 1, lines...)
	cleanup := rt.F("", 2, `db.Exec("DELETE FROM t WHERE n = '" + name + "'")`, review.Critical, "security", "SQL injection in Cleanup", "name is concatenated into the statement.")
	cleanup.Kind = "sql-injection"
	admin := rt.F("", 35, `db.Exec("DROP TABLE " + r.FormValue("table"))`, review.Critical, "security", "Request parameter used as table name in DROP TABLE", "Any client drops any table.")
	admin.Kind = "sql-injection"

	one := only(t, consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": cleanup}), nil))
	l := &dismiss.Ledger{}
	l.Add(dismiss.NewEntry(one, "name comes from our enum", "ada", time.Now()))
	r := consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": cleanup, "beta": admin}), l)
	if len(r.Findings) != 1 || len(r.Findings[0].Members) != 2 || r.Findings[0].Fingerprint != one.Fingerprint {
		t.Fatalf("want the merge's one finding of both places, named as before (what this test guards); got %d findings", len(r.Findings))
	}
	if len(r.Dismissed) != 0 {
		t.Fatal("a dismissal of Cleanup's finding hid Admin's")
	}
	if why := l.Why(r.Findings[0]); why != "not dismissed: it now groups reviewers' findings at 2 places, the dismissal covered 1" {
		t.Fatalf("why: %q", why)
	}

	// Made for both places, the entry names them: each place's code.
	both := dismiss.NewEntry(r.Findings[0], "both tables are ours", "ada", time.Now())
	var err error
	if both.PlaceFingerprints, err = dismiss.PlaceFingerprints(r.Findings[0], s); err != nil || len(both.PlaceFingerprints) != 2 {
		t.Fatalf("entry places %v, %v", both.PlaceFingerprints, err)
	}
	r = consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": cleanup, "beta": admin}), &dismiss.Ledger{Entries: []dismiss.Entry{both}})
	if len(r.Dismissed) != 1 || len(r.Findings) != 0 {
		t.Fatalf("a dismissal of both places: %d dismissed, %d open", len(r.Dismissed), len(r.Findings))
	}
}

// "quorum:ignore KIND" covers a merged finding only when KIND is each
// member's own: a second reviewer's nil dereference merged with the
// unchecked error is not hidden by a marker naming the unchecked error.
func TestInlineIgnoreKindCoversEachMember(t *testing.T) {
	nilDeref := rt.F("", 2, quote, review.Important, "bug", "data may be nil and crash the caller", "On a missing file data is nil; the caller indexes it and panics with a nil dereference.")
	for name, c := range map[string]struct {
		comment string
		hidden  bool
	}{
		"one member's kind": {"+	// quorum:ignore unchecked-error", false},
		"no kind":           {"+	// quorum:ignore the file is optional", true},
	} {
		t.Run(name, func(t *testing.T) {
			lines := []string{body[0], c.comment, body[1], body[2], body[3]}
			s := set("store/load.go", 1, lines...)
			f := dropped
			f.Line = 3
			n := nilDeref
			n.Line = 3
			r := consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": f, "beta": n}), nil)
			all := append(slices.Clone(r.Findings), r.Dismissed...)
			if len(all) != 1 || len(all[0].Members) != 2 {
				t.Fatalf("the merge did not join the two (%d findings): the test needs them joined", len(all))
			}
			if got := len(r.Dismissed) == 1; got != c.hidden {
				t.Fatalf("dismissed = %v, want %v (member kinds %v, %v)", got, c.hidden, all[0].Members[0].Kinds, all[0].Members[1].Kinds)
			}
		})
	}
}

// A merged member with no kind of its own is not covered by a marker
// naming the kind another member has: it stays, and with it the finding.
func TestInlineIgnoreKindLeavesAKindlessMember(t *testing.T) {
	// One title, one quote: merged. Only alpha's words name a kind.
	f := rt.F("", 3, quote, review.Important, "bug", "ReadFile use is unsafe", "The error is discarded, so a missing file returns nil silently.")
	vague := rt.F("", 2, quote, review.Important, "bug", "ReadFile use is unsafe", "ReadFile use is unsafe here.")
	lines := []string{body[0], "+	// quorum:ignore unchecked-error", body[1], body[2], body[3]}
	s := set("store/load.go", 1, lines...)
	v := vague
	v.Line = 3
	r := consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": f, "beta": v}), nil)
	all := append(slices.Clone(r.Findings), r.Dismissed...)
	if len(all) != 1 || len(all[0].Members) != 2 || len(all[0].Members[1].Kinds) != 0 {
		t.Fatalf("the test needs the two merged, beta with no kind: %+v", all)
	}
	for _, d := range r.Dismissed {
		for _, m := range d.Members {
			if m.Reviewer == "beta" {
				t.Fatalf("a member with kinds %v hidden by a marker naming unchecked-error", m.Kinds)
			}
		}
	}
}

// TestQuotedLinesBeyondTheFirstBound: a dismissal of a finding quoting
// two lines (the query built, then the value escaped) does not cover it
// once the second line changes (the escaping removed), and says why; a
// finding quoting the first line alone is judged on that line.
func TestQuotedLinesBeyondTheFirstBound(t *testing.T) {
	code := func(value string) []string {
		return []string{"+func Find(db *sql.DB, name string) error {", "+	q := \"SELECT * FROM users WHERE name = \" +", "+		" + value, "+	_, err := db.Query(q)", "+	return err", "+}"}
	}
	sqli := func(value string) review.RawFinding {
		f := rt.F("", 2, "q := \"SELECT * FROM users WHERE name = \" +\n\t\t"+value, review.Critical, "security", "SQL built from name", "The query concatenates name into SQL (SQL injection).")
		f.EndLine = 3
		return f
	}
	escaped := set("store/find.go", 1, code("quoteSQL(name)")...)
	r := consolidate(t, escaped, raw(escaped, map[string]review.RawFinding{"alpha": sqli("quoteSQL(name)")}), nil)
	e := dismiss.NewEntry(only(t, r), "quoteSQL escapes the value", "", time.Time{})
	if len(e.Span) != 1 {
		t.Fatalf("span %v, want the second line's hash", e.Span)
	}
	l := &dismiss.Ledger{Entries: []dismiss.Entry{e}}
	if r := consolidate(t, escaped, raw(escaped, map[string]review.RawFinding{"alpha": sqli("quoteSQL(name)")}), l); len(r.Dismissed) != 1 {
		t.Fatalf("the same code: kept %d", len(r.Findings))
	}
	raw := set("store/find.go", 1, code("name")...)
	r = consolidate(t, raw, rawOf(raw, sqli("name")), l)
	if len(r.Findings) != 1 || len(r.Dismissed) != 0 {
		t.Fatalf("the escaping removed: kept %d, dismissed %d", len(r.Findings), len(r.Dismissed))
	}
	if why := l.Why(r.Findings[0]); why != "not dismissed: the code it quotes changed since it was dismissed" {
		t.Errorf("why %q", why)
	}
	first := rt.F("", 2, "q := \"SELECT * FROM users WHERE name = \" +", review.Critical, "security", "SQL built from name", "The query concatenates name into SQL (SQL injection).")
	if r := consolidate(t, raw, rawOf(raw, first), l); len(r.Dismissed) != 1 {
		t.Errorf("a finding quoting the unchanged first line: kept %d", len(r.Findings))
	}
}

func rawOf(s *diff.Set, f review.RawFinding) *review.Raw {
	return raw(s, map[string]review.RawFinding{"alpha": f})
}

// TestACopyOfADismissedLineComesBack: a dismissal of the admin handler's
// exec covers it alone; once the same line is also in the public
// handler's closure of one function (the fingerprint cannot tell them
// apart), neither is dismissed, and each says why. A dismissal made for
// both (copies: 2) covers both.
func TestACopyOfADismissedLineComesBack(t *testing.T) {
	handler := func(route string) []string {
		return []string{"+	mux.HandleFunc(\"" + route + "\", func(w http.ResponseWriter, r *http.Request) {", "+		exec.Command(\"sh\", \"-c\", r.FormValue(\"cmd\")).Run()", "+	})"}
	}
	one := append(append([]string{"+func routes(mux *http.ServeMux) {"}, handler("/admin/run")...), "+}")
	two := append(append(append([]string{"+func routes(mux *http.ServeMux) {"}, handler("/admin/run")...), handler("/public/run")...), "+}")
	exe := func(line int) review.RawFinding {
		return rt.F("", line, "exec.Command(\"sh\", \"-c\", r.FormValue(\"cmd\")).Run()", review.Critical, "security", "Command from the request", "The request's cmd runs in a shell (command injection).")
	}
	s1 := set("h.go", 1, one...)
	first := only(t, consolidate(t, s1, rawOf(s1, exe(3)), nil))
	if first.Copies != 0 {
		t.Fatalf("one handler: copies %d", first.Copies)
	}
	l := &dismiss.Ledger{Entries: []dismiss.Entry{dismiss.NewEntry(first, "admin only", "", time.Time{})}}
	s2 := set("h.go", 1, two...)
	both := &review.Raw{Results: []review.RawResult{rt.Result("alpha", 0, rt.Chunk("c1", []string{"h.go"}, review.Answer{Findings: []review.RawFinding{
		{File: "h.go", Line: 3, Quote: exe(3).Quote, Severity: review.Critical, Category: "security", Title: "Command from the request", Explanation: exe(3).Explanation},
		{File: "h.go", Line: 6, Quote: exe(6).Quote, Severity: review.Critical, Category: "security", Title: "Command from the request", Explanation: exe(6).Explanation},
	}}))}}
	r := consolidate(t, s2, both, l)
	if len(r.Findings) != 2 || len(r.Dismissed) != 0 {
		t.Fatalf("two copies: kept %d, dismissed %d", len(r.Findings), len(r.Dismissed))
	}
	for _, f := range r.Findings {
		if f.Copies != 2 || f.Fingerprint != first.Fingerprint {
			t.Errorf("%s:%d copies %d fingerprint %s", f.File, f.Line, f.Copies, f.Fingerprint)
		}
		if want := "not dismissed: the same code is now on 2 lines of h.go, and the dismissal covered 1; check each, then dismiss it again with --all-places"; f.NotDismissed != want {
			t.Errorf("why %q", f.NotDismissed)
		}
	}
	// Only the new copy flagged: the code is on two lines all the same.
	onlyNew := rawOf(s2, exe(6))
	if r := consolidate(t, s2, onlyNew, &dismiss.Ledger{Entries: []dismiss.Entry{dismiss.NewEntry(first, "admin only", "", time.Time{})}}); len(r.Findings) != 1 || r.Findings[0].Copies != 2 || len(r.Dismissed) != 0 {
		t.Errorf("the new copy alone flagged: kept %d (copies %v), dismissed %d", len(r.Findings), r.Findings, len(r.Dismissed))
	}
	l = &dismiss.Ledger{Entries: []dismiss.Entry{dismiss.NewEntry(r.Findings[0], "both admin only", "", time.Time{})}}
	if r := consolidate(t, s2, both, l); len(r.Dismissed) != 2 {
		t.Errorf("dismissed for both copies: kept %d, dismissed %d", len(r.Findings), len(r.Dismissed))
	}
	if r := consolidate(t, s2, onlyNew, l); len(r.Dismissed) != 1 {
		t.Errorf("dismissed for both copies, one flagged: kept %d, dismissed %d", len(r.Findings), len(r.Dismissed))
	}
}

// TestHandWrittenFileIsAPath: an entry's file written `./store/load.go`
// by hand names the repository path store/load.go (it was "another place").
func TestHandWrittenFileIsAPath(t *testing.T) {
	want := base(t)
	s := set("store/load.go", 1, body...)
	for _, file := range []string{"./store/load.go", "store//load.go"} {
		l := &dismiss.Ledger{Entries: []dismiss.Entry{{Fingerprint: want.Fingerprint, File: file, Reason: "optional file"}}}
		if r := consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": dropped}), l); len(r.Dismissed) != 1 {
			t.Errorf("file %q: kept %d, dismissed %d", file, len(r.Findings), len(r.Dismissed))
		}
	}
}

// TestAnotherReviewersLineIsCheckedNotAssumed: a dismissal made while one
// reviewer reported the issue at `return data` does not cover the finding
// once another reviewer's report at the ReadFile line above is merged in
// and names it (the merge may join another issue: another function's
// overflow three lines away hid behind such a dismissal), and it says so,
// naming the reviewers' lines.
func TestAnotherReviewersLineIsCheckedNotAssumed(t *testing.T) {
	s := set("store/load.go", 1, body...)
	atReturn := rt.F("", 3, "return data", review.Important, "bug", "Error from ReadFile is ignored", "The error from os.ReadFile is discarded, so a missing file returns nil data silently.")
	first := only(t, consolidate(t, s, raw(s, map[string]review.RawFinding{"beta": atReturn}), nil))
	l := &dismiss.Ledger{Entries: []dismiss.Entry{dismiss.NewEntry(first, "the file is optional", "", time.Time{})}}
	r := consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": dropped, "beta": atReturn}), l)
	all := append(slices.Clone(r.Findings), r.Dismissed...)
	if len(all) != 1 || all[0].Line != 2 {
		t.Fatalf("fixture: want one finding named after line 2, got %+v", all)
	}
	if len(r.Findings) != 1 || !strings.HasPrefix(r.Findings[0].NotDismissed, "not dismissed: the dismissal covers one of its reviewers' lines only; it now groups ") ||
		!strings.Contains(r.Findings[0].NotDismissed, "alpha at 2") || !strings.Contains(r.Findings[0].NotDismissed, "beta at 3") {
		t.Errorf("kept %d, dismissed %d: %+v", len(r.Findings), len(r.Dismissed), r.Findings)
	}
}

// TestBlanketMarkerNeverHidesCriticalOrSecurity: a marker read as a reason
// (it names no kind or category) hides a finding that is neither critical
// nor about security; one that is, only a marker naming its kind or
// category hides. A filter misspelt past the reading of its word ("sytle",
// "; style", "only style", a Cherokee "Ꮪ", a typographic hyphen in
// "non‐security") is then a reason, and hides no critical injection.
func TestBlanketMarkerNeverHidesCriticalOrSecurity(t *testing.T) {
	injection := review.RawFinding{Line: 3, Quote: body[1][2:], Severity: review.Critical, Category: "security", Kind: "sql-injection",
		Title: "SQL injection", Explanation: "name is concatenated into the query."}
	secretNote := injection
	secretNote.Severity, secretNote.Kind, secretNote.Title = review.Suggestion, "hardcoded-secret", "Password in the source"
	dropped := dropped
	dropped.Line = 3
	otherInjection := injection
	otherInjection.Category = "other"
	bugInjection := injection
	bugInjection.Severity, bugInjection.Category = review.Important, "bug"
	for _, c := range []struct {
		name, marker string
		f            review.RawFinding
		hidden       bool
	}{
		{"a reason, an important bug", "// quorum:ignore the file is optional", dropped, true},
		{"a reason, a critical injection", "// quorum:ignore name is one of our enum's values", injection, false},
		{"a reason, a security suggestion", "// quorum:ignore test key, not a real one", secretNote, false},
		{"the kind named", "// quorum:ignore sql-injection: name is one of our enum's values", injection, true},
		{"the category named", "// quorum:ignore security: name is one of our enum's values", injection, true},
		{"a misspelt filter", "// quorum:ignore sytle", injection, false},
		{"a mark before the filter", "// quorum:ignore; style", injection, false},
		{"a word before the filter", "// quorum:ignore only style", injection, false},
		{"a Cherokee letter", "// quorum:ignore \u13datyle", injection, false},
		{"a typographic hyphen in a negation", "// quorum:ignore non\u2010security", injection, false},
		{"a spaced negation", "// quorum:ignore not a security issue", injection, false},
		// "other" is no filter word, and a security kind is guarded
		// whatever category a model filed it under.
		{"a reason starting with other", "// quorum:ignore other callers escape the name first", otherInjection, false},
		{"a security kind filed as a bug", "// quorum:ignore the input is trusted", bugInjection, false},
		{"the category of a security kind filed as a bug", "// quorum:ignore bug: the input is trusted", bugInjection, false},
		{"security named for a security kind filed as a bug", "// quorum:ignore security: the input is trusted", bugInjection, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := set("store/load.go", 1, body[0], "+	"+c.marker, body[1], body[2], body[3])
			r := consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": c.f}), nil)
			if got := len(r.Dismissed) == 1; got != c.hidden {
				t.Fatalf("dismissed = %v, want %v", got, c.hidden)
			}
			// A comment that looks like a dismissal and is not one says why.
			if !c.hidden && !strings.HasPrefix(r.Findings[0].NotDismissed, "the quorum:ignore comment on line 2 ") {
				t.Errorf("not dismissed, with no word on the comment: %q", r.Findings[0].NotDismissed)
			}
		})
	}
}
