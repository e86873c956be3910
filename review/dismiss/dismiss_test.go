package dismiss_test

import (
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

func TestInlineIgnore(t *testing.T) {
	for name, c := range map[string]struct {
		comment string
		hidden  bool
		reason  string
	}{
		"line above":       {"+	// quorum:ignore the file is optional", true, "inline quorum:ignore: the file is optional"},
		"hash comment":     {"+	# quorum:ignore: trusted input", true, "inline quorum:ignore: trusted input"},
		"matching kind":    {"+	// quorum:ignore unchecked-error", true, "inline quorum:ignore"},
		"other kind":       {"+	// quorum:ignore sql-injection", false, ""},
		"no marker":        {"+	// reads the file", false, ""},
		"marker elsewhere": {"+	x := 1", false, ""},
		// In a string literal the marker is the program's data, not the
		// author's comment.
		"in a Go string":             {"+	q := \"SELECT 1 -- quorum:ignore\"", false, ""},
		"in a Python string":         {"+	subprocess.call(cmd + \" #quorum:ignore\", shell=True)", false, ""},
		"comment after a string":     {"+	x := \"a#b\" // quorum:ignore: checked", true, "inline quorum:ignore: checked"},
		"SQL comment":                {"+	-- quorum:ignore seeded data", true, "inline quorum:ignore: seeded data"},
		"block comment continuation": {"+	 * quorum:ignore", true, "inline quorum:ignore"},
		"escaped quote in a string":  {"+	s := \"say \\\" -- quorum:ignore\"", false, ""},
	} {
		t.Run(name, func(t *testing.T) {
			lines := []string{body[0], c.comment, body[1], body[2], body[3]}
			s := set("store/load.go", 1, lines...)
			f := dropped
			f.Line = 3
			r := consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": f}), nil)
			if got := len(r.Dismissed) == 1; got != c.hidden {
				t.Fatalf("dismissed = %v, want %v", got, c.hidden)
			}
			if c.hidden && (r.Dismissed[0].Dismissal.Reason != c.reason || r.Dismissed[0].Dismissal.Source != dismiss.SourceInline) {
				t.Errorf("dismissal %+v, want reason %q", r.Dismissed[0].Dismissal, c.reason)
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
	if n := l.Remove([]string{"bbbbbbbbbbbbbbbb"}); n != 1 || len(l.Entries) != 1 {
		t.Fatalf("remove by fingerprint: %d %+v", n, l.Entries)
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
  - fingerprint: aaa
    reason: fuzzed   # trailing note
  - fingerprint: bbb
    reason: goes away
`
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := dismiss.ReadFile(path, dismiss.SourceShared)
	if err != nil {
		t.Fatal(err)
	}
	l.Entries = slices.DeleteFunc(l.Entries, func(e dismiss.Entry) bool { return e.Fingerprint == "bbb" })
	l.Entries = append(l.Entries, dismiss.Entry{Fingerprint: "ccc", ID: "q-1", File: "a.go", Title: "t", Reason: "new", When: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)})
	if err := dismiss.WriteFile(path, l); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	for _, want := range []string{"# keep me: our team's notes on dismissals", "# the parser is fuzzed elsewhere", "reason: fuzzed # trailing note", "fingerprint: ccc"} {
		if !strings.Contains(got, want) {
			t.Errorf("rewritten ledger lacks %q:\n%s", want, got)
		}
	}
	for _, gone := range []string{"bbb", `id: ""`, `file: ""`, "0001-01-01"} {
		if strings.Contains(got, gone) {
			t.Errorf("rewritten ledger has %q:\n%s", gone, got)
		}
	}
	again, err := dismiss.ReadFile(path, dismiss.SourceShared)
	if err != nil || len(again.Entries) != 2 {
		t.Fatalf("read back: %v, %v", again, err)
	}
	// An unknown key is refused with the file named.
	if err := os.WriteFile(path, []byte("dismissed:\n  - fingerprint: a\n    reason: r\n    extra_key: 1\n"), 0o644); err != nil {
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
		"dismissed:\n  - fingerprint: a\n    reason: r\n    kinds: 3\n":          "line 4: entry 1: kinds: must be a list like [unchecked-error], got 3",
		"dismissed:\n  - fingerprint: a\n    reason: [x]\n":                      "line 3: entry 1: reason: must be a plain value, got a list",
		"dismissed:\n  - fingerprint: a\n    reason: r\n    when: yesterday\n":   `line 4: entry 1: when: must be a time like 2026-12-03T18:04:09Z, got "yesterday"`,
		"dismissed:\n  - fingerprint: a\n    reason: r\n    bogus: 1\n":          `line 4: entry 1: unknown key "bogus"; an entry takes fingerprint, kinds, id, file, title, reason, who, when`,
		"dismissed:\n  - fingerprint: a\n    reason: r\n    reason: s\n":         "line 4: entry 1: reason: repeats line 3; keep one",
		"dismissed:\n  - fingerprint: a\n    reason: r\n  - reason: too broad\n": "line 4: entry 2 has no fingerprint, so it matches no finding",
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
		ledger := "dismissed:\n  - fingerprint: a\n    reason: known\n  - fingerprint: b\n" + entry
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
	if err := os.WriteFile(filepath.Join(gitDir, "quorum", "dismissed.yaml"), []byte("dismissed:\n  - fingerprint: abc123\n    reason: false positive\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := dismiss.LocalPaths(gitDir); len(got) != 2 || got[0] != filepath.Join(common, "quorum", "dismissed.yaml") {
		t.Fatalf("local paths %v", got)
	}
	l, err := dismiss.Load(filepath.Join(dir, "wt"), gitDir)
	if err != nil || len(l.Entries) != 1 || l.Entries[0].Fingerprint != "abc123" || l.Entries[0].Source != dismiss.SourceLocal {
		t.Fatalf("ledger %+v, %v", l, err)
	}
}
