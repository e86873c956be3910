package dismisscmd

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review/dismiss"
	"github.com/quorum-review/quorum/review/report"
)

func TestDismissUserErrors(t *testing.T) {
	for name, args := range map[string][]string{
		"no reason":     {"Q0123456789"},
		"blank reason":  {"Q0123456789", "--reason", "  "},
		"placeholder":   {"Q0123456789", "--reason", "..."},
		"ellipsis":      {"Q0123456789", "--reason", " … "},
		"no id":         {"--reason", "x"},
		"list with ids": {"--list", "Q0123456789"},
		"unknown flag":  {"--nope"},
	} {
		t.Run(name, func(t *testing.T) {
			f, _, errOut := cmdtest.NewFactory(t.TempDir(), nil)
			code := cmdtest.Execute(t.Context(), NewCmdDismiss(f, func(*DismissOptions) error { t.Fatal("ran"); return nil }), f.IOStreams, args)
			if code != 2 || !strings.Contains(errOut.String(), "hint:") || strings.Count(strings.TrimSpace(errOut.String()), "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want exit 2, one error line and a hint", code, errOut)
			}
		})
	}
	f, _, errOut := cmdtest.NewFactory(t.TempDir(), nil)
	if code := cmdtest.Execute(t.Context(), NewCmdUndismiss(f, nil), f.IOStreams, nil); code != 2 || !strings.Contains(errOut.String(), "hint:") {
		t.Errorf("undismiss with no id: exit %d, %q", code, errOut)
	}
}

func gitRepo(t *testing.T) (string, string) {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Skipf("git: %v %s", err, out)
	}
	gd, err := diff.GitDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, gd
}

func TestDismissListUndismiss(t *testing.T) {
	dir, gd := gitRepo(t)
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	rep := &report.Report{Schema: report.Schema, Findings: []report.Finding{{ID: "Qaaaaaaaaaa", File: "a.go", Line: 3, Title: "dropped error",
		Fingerprint: "0123456789abcdef", Kinds: []string{"unchecked-error"}, Severity: "important"}}}
	if _, err := reportstore.SaveBundle(gd, at, "abc1234", reportstore.Bundle{Report: rep}); err != nil {
		t.Fatal(err)
	}
	run := func(cmd string, args ...string) (int, string, string) {
		f, out, errOut := cmdtest.NewFactory(dir, nil)
		f.Now = func() time.Time { return at }
		c := NewCmdDismiss(f, nil)
		if cmd == "undismiss" {
			c = NewCmdUndismiss(f, nil)
		}
		return cmdtest.Execute(context.Background(), c, f.IOStreams, args), out.String(), errOut.String()
	}
	if code, _, e := run("dismiss", "Qzzzzzzzzzz", "--reason", "x"); code != 2 || !strings.Contains(e, "hint:") {
		t.Fatalf("unknown id: exit %d %q", code, e)
	}
	if code, out, e := run("dismiss", "Qaaaaaaaaaa", "--reason", "the caller logs it"); code != 0 || !strings.Contains(out, "dismissed Qaaaaaaaaaa") {
		t.Fatalf("dismiss: exit %d %q %q", code, out, e)
	}
	// Dismissing it again with another reason says so: the first reason
	// is replaced, not silently rewritten.
	if code, _, e := run("dismiss", "Qaaaaaaaaaa", "--reason", "temporary"); code != 0 || !strings.Contains(e, `Qaaaaaaaaaa was already dismissed; its reason "the caller logs it" is replaced`) {
		t.Fatalf("second dismiss: exit %d %q", code, e)
	}
	if code, _, e := run("dismiss", "Qaaaaaaaaaa", "--reason", "the caller logs it"); code != 0 || !strings.Contains(e, `its reason "temporary" is replaced`) {
		t.Fatalf("third dismiss: exit %d %q", code, e)
	}
	l, err := dismiss.ReadFile(filepath.Join(dir, dismiss.SharedFile), dismiss.SourceShared)
	if err != nil || len(l.Entries) != 1 || l.Entries[0].Reason != "the caller logs it" || !l.Entries[0].When.Equal(at) || l.Entries[0].Fingerprint != "0123456789abcdef" {
		t.Fatalf("ledger %+v %v", l, err)
	}
	if code, _, _ := run("dismiss", "Qaaaaaaaaaa", "--reason", "mine", "--local"); code != 0 {
		t.Fatal("dismiss --local failed")
	}
	if _, err := os.Stat(dismiss.LocalPath(gd)); err != nil {
		t.Fatalf("--local ledger: %v", err)
	}
	if code, out, _ := run("dismiss", "--list"); code != 0 || strings.Count(out, "Qaaaaaaaaaa") != 2 || !strings.Contains(out, "the caller logs it") {
		t.Fatalf("list: %d %q", code, out)
	}
	if code, _, e := run("undismiss", "0123456789abcdef"); code != 0 || strings.Count(e, "removed the dismissal of Qaaaaaaaaaa (unchecked-error) \"dropped error\" in a.go from ") != 2 {
		t.Fatalf("undismiss: %d %q", code, e)
	}
	if code, _, e := run("undismiss", "Qaaaaaaaaaa"); code != 2 || !strings.Contains(e, "hint:") {
		t.Fatalf("undismiss again: %d %q", code, e)
	}
}

func TestDismissFilters(t *testing.T) {
	dir, gd := gitRepo(t)
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	rep := &report.Report{Schema: report.Schema, Findings: []report.Finding{
		{ID: "Qaaaaaaaaaa", File: "a.go", Line: 3, Title: "one", Fingerprint: "000000000000000a", Severity: "important"},
		{ID: "Qbbbbbbbbbb", File: "a.go", Line: 9, Title: "two", Fingerprint: "000000000000000b", Severity: "suggestion"},
		{ID: "Qcccccccccc", File: "b.go", Line: 1, Title: "three", Fingerprint: "000000000000000c", Severity: "suggestion"},
	}}
	if _, err := reportstore.SaveBundle(gd, at, "abc1234", reportstore.Bundle{Report: rep}); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string) {
		f, out, _ := cmdtest.NewFactory(dir, nil)
		f.Now = func() time.Time { return at }
		return cmdtest.Execute(context.Background(), NewCmdDismiss(f, nil), f.IOStreams, args), out.String()
	}
	runErr := func(args ...string) (int, string) {
		f, _, errOut := cmdtest.NewFactory(dir, nil)
		return cmdtest.Execute(context.Background(), NewCmdDismiss(f, nil), f.IOStreams, args), errOut.String()
	}
	if code, msg := runErr("--all-in", "c.go", "--reason", "x"); code != 2 ||
		msg != "error: no finding matches --all-in \"c.go\" in report 20260304-050607-abc1234\nhint: 'quorum report show 20260304-050607-abc1234' lists the findings\n" {
		t.Fatalf("no match: exit %d %q", code, msg)
	}
	if code, msg := runErr("--all-in", "b.go", "--severity", "important", "--reason", "x"); code != 2 ||
		!strings.HasPrefix(msg, "error: no finding matches --all-in \"b.go\" --severity \"important\" in report ") {
		t.Fatalf("no match for both filters: exit %d %q", code, msg)
	}
	if code, out := run("--all-in", "a.go", "--severity", "suggestion", "--reason", "x"); code != 0 || out != "dismissed Qbbbbbbbbbb a.go:9 two\n" {
		t.Fatalf("all-in and severity: exit %d %q", code, out)
	}
	if code, out := run("--severity", "suggestion", "--reason", "y"); code != 0 || strings.Count(out, "dismissed") != 2 {
		t.Fatalf("severity: exit %d %q", code, out)
	}
	l, err := dismiss.ReadFile(filepath.Join(dir, dismiss.SharedFile), dismiss.SourceShared)
	if err != nil || len(l.Entries) != 2 {
		t.Fatalf("a re-dismissal replaces the entry: %+v %v", l, err)
	}
}

// TestLedgerKeyErrorNamesTheLine: an unknown key or a value of the wrong
// type in a hand-edited ledger is one error line naming the file, the line
// and the key, in plain words (no Go type names), then a hint (yaml's own message puts the line on a second
// line, which the one-line error dropped: "yaml: unmarshal errors:").
func TestLedgerKeyErrorNamesTheLine(t *testing.T) {
	dir, _ := gitRepo(t)
	path := dismiss.SharedPath(dir)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	for ledger, want := range map[string][]string{
		"dismissed:\n  - fingerprint: abc\n    reason: x\n    bogus: 1\n": {"line 4", "bogus"},
		"dismissed:\n  - fingerprint: abc\n    reason: x\n    kinds: 3\n": {"line 4", "kinds: must be a list", "got 3"},
		"dismissed: 5\n": {"line 1: dismissed: must be a list of entries, got 5"},
		// An entry without a fingerprint would silently match nothing.
		"dismissed:\n  - fingerprint: 0123456789abcdef\n    reason: x\n  - reason: too broad\n": {"line 4: entry 2 has no fingerprint"},
	} {
		if err := os.WriteFile(path, []byte(ledger), 0o644); err != nil {
			t.Fatal(err)
		}
		f, _, errOut := cmdtest.NewFactory(dir, nil)
		code := cmdtest.Execute(context.Background(), NewCmdDismiss(f, nil), f.IOStreams, []string{"--list"})
		lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
		if code != 2 || len(lines) != 2 || !strings.HasPrefix(lines[0], "error: dismissal ledger ") || !strings.Contains(lines[0], dismiss.SharedFile) ||
			lines[1] != "hint: fix "+dismiss.SharedFile+" (a 'dismissed:' list; each entry needs 'fingerprint:' and 'reason:') or remove it; 'quorum dismiss --list' checks it" {
			t.Errorf("%q: exit %d, stderr %q; want exit 2, one error line naming the file, and the hint", ledger, code, errOut)
			continue
		}
		for _, w := range want {
			if !strings.Contains(lines[0], w) {
				t.Errorf("%q: error %q does not say %q", ledger, lines[0], w)
			}
		}
		// The user wrote YAML, not Go: yaml's own wording is not shown.
		for _, goWord := range []string{"unmarshal", "dismiss.", "[]", "!!"} {
			if strings.Contains(lines[0], goWord) {
				t.Errorf("%q: error %q shows %q", ledger, lines[0], goWord)
			}
		}
	}
}

// A bad local ledger is the one the hint names, not the shared one.
func TestListNamesTheLocalLedgerAtFault(t *testing.T) {
	dir, _ := gitRepo(t)
	local := filepath.Join(dir, ".git", "quorum", "dismissed.yaml")
	if err := os.MkdirAll(filepath.Dir(local), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(local, []byte("dismissed:\n  - fingerprint: abc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, _, errOut := cmdtest.NewFactory(dir, nil)
	code := cmdtest.Execute(context.Background(), NewCmdDismiss(f, nil), f.IOStreams, []string{"--list"})
	if code != 2 || !strings.Contains(errOut.String(), "\nhint: fix .git/quorum/dismissed.yaml (") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

// A ledger path that is a directory is not a file to fix: every command
// that reads it says to move it aside, naming it, with exit 2.
func TestLedgerThatIsADirectory(t *testing.T) {
	dir, _ := gitRepo(t)
	if err := os.MkdirAll(dismiss.SharedPath(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--list"}} {
		f, _, errOut := cmdtest.NewFactory(dir, nil)
		code := cmdtest.Execute(context.Background(), NewCmdDismiss(f, nil), f.IOStreams, args)
		want := "error: dismissal ledger " + dismiss.SharedPath(dir) + ": is a directory, not a file\n" +
			"hint: move " + dismiss.SharedFile + " aside: the ledger is a YAML file that 'quorum dismiss' writes\n"
		if code != 2 || errOut.String() != want {
			t.Errorf("%v: exit %d, stderr %q; want %q", args, code, errOut, want)
		}
	}
	f, _, errOut := cmdtest.NewFactory(dir, nil)
	code := cmdtest.Execute(context.Background(), NewCmdUndismiss(f, nil), f.IOStreams, []string{"abc"})
	if code != 2 || !strings.HasSuffix(errOut.String(), "\nhint: move "+dismiss.SharedFile+" aside: the ledger is a YAML file that 'quorum dismiss' writes\n") {
		t.Errorf("undismiss: exit %d, stderr %q", code, errOut)
	}
}

// TestDismissPrintsSafePaths: the confirmation line names the file as the
// repository spells it, which may hold terminal escapes; they never reach
// the terminal raw, and are shown escaped (dropped, the name would be
// another file's). A file-level finding is named without a ":0".
func TestDismissPrintsSafePaths(t *testing.T) {
	dir, gd := gitRepo(t)
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	rep := &report.Report{Schema: report.Schema, Findings: []report.Finding{
		{ID: "Qaaaaaaaaaa", File: "evil\x1b]0;PWN\x07\x1b[2Jname.go", Line: 4, Title: "dropped error", Fingerprint: "0123456789abcdef", Severity: "important"},
		{ID: "Qbbbbbbbbbb", File: "gen/api.go", Title: "generated file", Fingerprint: "fedcba9876543210", Severity: "suggestion"}}}
	if _, err := reportstore.SaveBundle(gd, at, "abc1234", reportstore.Bundle{Report: rep}); err != nil {
		t.Fatal(err)
	}
	f, out, errOut := cmdtest.NewFactory(dir, nil)
	f.Now = func() time.Time { return at }
	if code := cmdtest.Execute(context.Background(), NewCmdDismiss(f, nil), f.IOStreams, []string{"Qaaaaaaaaaa", "Qbbbbbbbbbb", "--reason", "x"}); code != 0 {
		t.Fatalf("exit %d %q", code, errOut)
	}
	want := "dismissed Qaaaaaaaaaa evil\\x1b]0;PWN\\x07\\x1b[2Jname.go:4 dropped error\ndismissed Qbbbbbbbbbb gen/api.go generated file\n"
	if out.String() != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
}

// TestListHandWrittenEntry: an entry written by hand has only fingerprint
// and reason; --list shows "-" for its time (was 0001-01-01 00:00) and
// "any" for the kinds and severity it covers, and the id a hand may have
// written is sanitised like the rest.
func TestListHandWrittenEntry(t *testing.T) {
	dir, _ := gitRepo(t)
	path := dismiss.SharedPath(dir)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("dismissed:\n  - fingerprint: 0123456789abcdef\n    id: \"Q\\e[2Jx\"\n    reason: generated code\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, out, errOut := cmdtest.NewFactory(dir, nil)
	if code := cmdtest.Execute(context.Background(), NewCmdDismiss(f, nil), f.IOStreams, []string{"--list"}); code != 0 {
		t.Fatalf("exit %d %q", code, errOut)
	}
	if strings.Contains(out.String(), "0001-01-01") || strings.Contains(out.String(), "\x1b") {
		t.Errorf("list: %q", out)
	}
	if !regexp.MustCompile(`(?m)^Qx +0123456789abcdef +any +any +- +ledger +generated code$`).MatchString(out.String()) {
		t.Errorf("list: %q; want the entry with 'any' kinds and severity and '-' for its time", out)
	}
}

// An id not in the latest report (another branch's review, a push nobody
// could review) is taken from the newest report that has it, saying which;
// --report still means exactly that report.
func TestDismissFindsTheReportWithTheID(t *testing.T) {
	dir, gd := gitRepo(t)
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	older := &report.Report{Schema: report.Schema, Findings: []report.Finding{{ID: "Qaaaaaaaaaa", File: "a.go", Line: 3, Title: "dropped error",
		Fingerprint: "0123456789abcdef", Severity: "critical"}}}
	latest := &report.Report{Schema: report.Schema, Verdict: report.Verdict{Status: "incomplete"}}
	if _, err := reportstore.SaveBundle(gd, at, "abc1234", reportstore.Bundle{Report: older}); err != nil {
		t.Fatal(err)
	}
	e, err := reportstore.SaveBundle(gd, at.Add(time.Minute), "def5678", reportstore.Bundle{Report: latest})
	if err != nil {
		t.Fatal(err)
	}
	f, out, errOut := cmdtest.NewFactory(dir, nil)
	code := cmdtest.Execute(context.Background(), NewCmdDismiss(f, nil), f.IOStreams, []string{"Qaaaaaaaaaa", "--reason", "logged by the caller"})
	if code != 0 || !strings.Contains(out.String(), "dismissed Qaaaaaaaaaa") ||
		!strings.Contains(errOut.String(), "quorum: Qaaaaaaaaaa not in the latest report (20260304-050707-def5678); using report 20260304-050607-abc1234\n") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	f, _, errOut = cmdtest.NewFactory(dir, nil)
	code = cmdtest.Execute(context.Background(), NewCmdDismiss(f, nil), f.IOStreams, []string{"Qaaaaaaaaaa", "--reason", "x", "--report", filepath.Base(e)})
	if code != 2 || !strings.Contains(errOut.String(), "no finding Qaaaaaaaaaa in report ") {
		t.Fatalf("--report: exit %d\n%s", code, errOut)
	}
}

// TestDismissRecordsWhatItCovers: an entry records the finding's kinds
// ([other] when it has none) and its severity, so a dismissal of a style
// nit covers that nit and never a more severe finding or another kind of
// issue on the same line; dismissing that other issue adds an entry of
// its own instead of replacing the nit's (and its reason).
func TestDismissRecordsWhatItCovers(t *testing.T) {
	dir, gd := gitRepo(t)
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	rep := &report.Report{Schema: report.Schema, Findings: []report.Finding{
		{ID: "Qaaaaaaaaaa", File: "db.go", Line: 7, Title: "SQL built from input", Fingerprint: "0123456789abcdef", Kinds: []string{"sql-injection"}, Severity: "critical"},
		{ID: "Qbbbbbbbbbb", File: "db.go", Line: 7, Title: "Name the result", Fingerprint: "0123456789abcdef", Severity: "suggestion"},
	}}
	if _, err := reportstore.SaveBundle(gd, at, "abc1234", reportstore.Bundle{Report: rep}); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string, string) {
		f, out, errOut := cmdtest.NewFactory(dir, nil)
		f.Now = func() time.Time { return at }
		return cmdtest.Execute(context.Background(), NewCmdDismiss(f, nil), f.IOStreams, args), out.String(), errOut.String()
	}
	if code, out, e := run("--severity", "suggestion", "--reason", "style noise"); code != 0 || out != "dismissed Qbbbbbbbbbb db.go:7 Name the result\n" {
		t.Fatalf("dismiss --severity suggestion: exit %d %q %q", code, out, e)
	}
	l, err := dismiss.ReadFile(dismiss.SharedPath(dir), dismiss.SourceShared)
	if err != nil || len(l.Entries) != 1 || strings.Join(l.Entries[0].Kinds, ",") != "other" || l.Entries[0].Severity != "suggestion" {
		t.Fatalf("ledger %+v %v; want kinds [other], severity suggestion", l, err)
	}
	// The critical sql-injection on that line is not covered by it.
	if l.Entries[0].Matches(rep.Findings[0]) {
		t.Fatalf("the nit's entry matches the critical sql-injection")
	}
	if why := l.Why(rep.Findings[0]); why != "not dismissed: critical, the dismissal covered suggestion" {
		t.Errorf("why %q", why)
	}
	code, _, e := run("Qaaaaaaaaaa", "--reason", "name is an enum")
	if code != 0 || strings.Contains(e, "already dismissed") {
		t.Fatalf("dismiss the other issue: exit %d %q", code, e)
	}
	l, err = dismiss.ReadFile(dismiss.SharedPath(dir), dismiss.SourceShared)
	if err != nil || len(l.Entries) != 2 {
		t.Fatalf("ledger %+v %v; want both entries", l, err)
	}
	_, out, _ := run("--list")
	for _, want := range []string{
		`(?m)^Qaaaaaaaaaa +0123456789abcdef +db\.go +sql-injection +critical +.* name is an enum$`,
		`(?m)^Qbbbbbbbbbb +0123456789abcdef +db\.go +other +suggestion +.* style noise$`,
		`(?m)^ID +FINGERPRINT +FILE +KINDS +UP TO +WHO +WHEN +WHERE +REASON$`,
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("list lacks %s:\n%s", want, out)
		}
	}
}

// TestBadFingerprintIsAnError: a hand-written fingerprint that no finding
// can have ("*", NOT-A-HASH, an upper-case copy) is an error naming the
// file and line, with a hint saying where a fingerprint comes from, exit
// 2, for every command that reads the ledger (it used to be read, and
// dismissed nothing).
func TestBadFingerprintIsAnError(t *testing.T) {
	for _, fp := range []string{`"*"`, "NOT-A-HASH", "0123456789ABCDEF"} {
		dir, _ := gitRepo(t)
		path := dismiss.SharedPath(dir)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		ledger := "# written by hand\ndismissed:\n  - fingerprint: 0123456789abcdef\n    reason: fine\n  - reason: too noisy\n    fingerprint: " + fp + "\n"
		if err := os.WriteFile(path, []byte(ledger), 0o644); err != nil {
			t.Fatal(err)
		}
		shown := strings.Trim(fp, `"`)
		want := "error: dismissal ledger " + path + ": line 6: entry 2: fingerprint: \"" + shown + "\" is not a fingerprint (16 lower-case hex digits, like 0123456789abcdef), so it matches no finding\n" +
			"hint: fix .quorum/dismissed.yaml: copy the finding's \"fingerprint\" from 'quorum report show --format json', or let 'quorum dismiss ID --reason TEXT' write the entry; 'quorum dismiss --list' checks it\n"
		for _, args := range [][]string{{"--list"}, {"undismiss", "0123456789abcdef"}} {
			f, out, errOut := cmdtest.NewFactory(dir, nil)
			c := NewCmdDismiss(f, nil)
			if args[0] == "undismiss" {
				c, args = NewCmdUndismiss(f, nil), args[1:]
			}
			if code := cmdtest.Execute(context.Background(), c, f.IOStreams, args); code != 2 || errOut.String() != want || out.String() != "" {
				t.Errorf("%s %v: exit %d, stdout %q, stderr:\n%s\nwant exit 2 and:\n%s", fp, args, code, out, errOut, want)
			}
		}
	}
}

// TestUndismissOneOfTwoIssues: two issues of one line share its id, and
// each was dismissed. Taking back "the id" would reopen both, so it is
// refused (exit 2, a hint naming --kind); --kind takes back one.
func TestUndismissOneOfTwoIssues(t *testing.T) {
	dir, _ := gitRepo(t)
	l := &dismiss.Ledger{Entries: []dismiss.Entry{
		{ID: "Q2c716c2e19", Fingerprint: "1111111111111111", Kinds: []string{"off-by-one"}, Title: "loop reads one past the end", Reason: "bounded by the caller"},
		{ID: "Q2c716c2e19", Fingerprint: "2222222222222222", Kinds: []string{"nil-deref"}, Title: "user may be nil", Reason: "never nil here"},
	}}
	if err := dismiss.WriteFile(filepath.Join(dir, dismiss.SharedFile), l); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string) {
		f, _, errOut := cmdtest.NewFactory(dir, nil)
		return cmdtest.Execute(context.Background(), NewCmdUndismiss(f, nil), f.IOStreams, args), errOut.String()
	}
	code, e := run("Q2c716c2e19")
	if code != 2 || !strings.Contains(e, "Q2c716c2e19 names 2 dismissals of different issues") || !strings.Contains(e, "hint: say which: 'quorum undismiss Q2c716c2e19 --kind off-by-one', or --all") {
		t.Fatalf("ambiguous: exit %d %q", code, e)
	}
	if code, e := run("Q2c716c2e19", "--kind", "nil-deref"); code != 0 || !strings.Contains(e, `removed the dismissal of Q2c716c2e19 (nil-deref) "user may be nil"`) || strings.Contains(e, "off-by-one") {
		t.Fatalf("--kind: exit %d %q", code, e)
	}
	left, err := dismiss.ReadFile(filepath.Join(dir, dismiss.SharedFile), dismiss.SourceShared)
	if err != nil || len(left.Entries) != 1 || left.Entries[0].Kinds[0] != "off-by-one" {
		t.Fatalf("left %+v %v", left, err)
	}
	if code, e := run("Q2c716c2e19", "--kind", "xss"); code != 2 || !strings.Contains(e, "no dismissal matches Q2c716c2e19 of kinds xss") || !strings.Contains(e, "theirs: off-by-one") {
		t.Fatalf("a kind it does not have: exit %d %q", code, e)
	}
}

// TestUndismissKindsAreSets: --kind names a set of kinds, not one of them:
// `--kind nil-deref` takes back the entry of exactly that kind, never one
// of nil-deref and error-handling; a set is named in any order.
func TestUndismissKindsAreSets(t *testing.T) {
	dir, _ := gitRepo(t)
	l := &dismiss.Ledger{Entries: []dismiss.Entry{
		{ID: "Q1111111111", Fingerprint: "1111111111111111", Kinds: []string{"nil-deref"}, Title: "user may be nil", Reason: "r"},
		{ID: "Q1111111111", Fingerprint: "2222222222222222", Kinds: []string{"nil-deref", "unchecked-error"}, Title: "error dropped, user nil", Reason: "r"},
		{ID: "Q1111111111", Fingerprint: "3333333333333333", Title: "by hand", Reason: "r"},
	}}
	if err := dismiss.WriteFile(filepath.Join(dir, dismiss.SharedFile), l); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string) {
		f, _, errOut := cmdtest.NewFactory(dir, nil)
		return cmdtest.Execute(context.Background(), NewCmdUndismiss(f, nil), f.IOStreams, args), errOut.String()
	}
	if code, e := run("Q1111111111"); code != 2 || !strings.Contains(e, "names 3 dismissals") || !strings.Contains(e, "--kind nil-deref'") {
		t.Fatalf("ambiguous: exit %d %q", code, e)
	}
	if code, e := run("Q1111111111", "--kind", "nil-deref"); code != 0 || strings.Count(e, "removed the dismissal") != 1 || !strings.Contains(e, `"user may be nil"`) {
		t.Fatalf("--kind nil-deref: exit %d %q", code, e)
	}
	if code, e := run("Q1111111111", "--kind", "unchecked-error,nil-deref"); code != 0 || !strings.Contains(e, `"error dropped, user nil"`) {
		t.Fatalf("--kind as a set: exit %d %q", code, e)
	}
	left, err := dismiss.ReadFile(filepath.Join(dir, dismiss.SharedFile), dismiss.SourceShared)
	if err != nil || len(left.Entries) != 1 || left.Entries[0].Title != "by hand" {
		t.Fatalf("left %+v %v", left, err)
	}
}

// TestUndismissOneOfTwoPlaces: an id names the same line in two classes'
// methods (it hashes the file, the line and the category), each dismissed
// on its own. Taking back one by the id must not reopen the other: quorum
// asks which, and a fingerprint takes back that place alone.
func TestUndismissOneOfTwoPlaces(t *testing.T) {
	dir, _ := gitRepo(t)
	l := &dismiss.Ledger{Entries: []dismiss.Entry{
		{ID: "Q69cc61cec5", Fingerprint: "1111111111111111", Kinds: []string{"command-injection"}, File: "app/runners.py", Title: "admin runner", Reason: "config only"},
		{ID: "Q69cc61cec5", Fingerprint: "2222222222222222", Kinds: []string{"command-injection"}, File: "app/runners.py", Title: "guest runner", Reason: "checked upstream"},
	}}
	if err := dismiss.WriteFile(filepath.Join(dir, dismiss.SharedFile), l); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string) {
		f, _, errOut := cmdtest.NewFactory(dir, nil)
		return cmdtest.Execute(context.Background(), NewCmdUndismiss(f, nil), f.IOStreams, args), errOut.String()
	}
	if code, e := run("Q69cc61cec5"); code != 2 || !strings.Contains(e, "Q69cc61cec5 names dismissals at 2 places") || !strings.Contains(e, "hint: say which: 'quorum undismiss FINGERPRINT'") {
		t.Fatalf("ambiguous: exit %d %q", code, e)
	}
	if code, e := run("2222222222222222"); code != 0 || !strings.Contains(e, "guest runner") || strings.Contains(e, "admin runner") {
		t.Fatalf("by fingerprint: exit %d %q", code, e)
	}
	left, err := dismiss.ReadFile(filepath.Join(dir, dismiss.SharedFile), dismiss.SourceShared)
	if err != nil || len(left.Entries) != 1 || left.Entries[0].Fingerprint != "1111111111111111" {
		t.Fatalf("left %+v %v", left, err)
	}
}

// TestUndismissKindStillAsksWhichPlace: --kind picks the kinds, not the
// place: an id naming the same kind at two places still asks which. And
// one code line dismissed in two files (one fingerprint, two ids: an id
// hashes the path) is told apart by its id, not by the fingerprint that
// names both.
func TestUndismissKindStillAsksWhichPlace(t *testing.T) {
	dir, _ := gitRepo(t)
	l := &dismiss.Ledger{Entries: []dismiss.Entry{
		{ID: "Q69cc61cec5", Fingerprint: "1111111111111111", Kinds: []string{"command-injection"}, File: "app/runners.py", Title: "admin runner", Reason: "r"},
		{ID: "Q69cc61cec5", Fingerprint: "2222222222222222", Kinds: []string{"command-injection"}, File: "app/runners.py", Title: "guest runner", Reason: "r"},
		{ID: "Q69cc61cec5", Fingerprint: "1111111111111111", Kinds: []string{"unchecked-error"}, File: "app/runners.py", Title: "error dropped", Reason: "r"},
		{ID: "Qaaaaaaaaaa", Fingerprint: "3333333333333333", Kinds: []string{"sql-injection"}, File: "a/db.go", Title: "a", Reason: "r"},
		{ID: "Qbbbbbbbbbb", Fingerprint: "3333333333333333", Kinds: []string{"sql-injection"}, File: "b/db.go", Title: "b", Reason: "r"},
	}}
	if err := dismiss.WriteFile(filepath.Join(dir, dismiss.SharedFile), l); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string) {
		f, _, errOut := cmdtest.NewFactory(dir, nil)
		return cmdtest.Execute(context.Background(), NewCmdUndismiss(f, nil), f.IOStreams, args), errOut.String()
	}
	if code, e := run("Q69cc61cec5", "--kind", "command-injection"); code != 2 || !strings.Contains(e, "names dismissals at 2 places") {
		t.Fatalf("--kind: exit %d %q", code, e)
	}
	if code, e := run("3333333333333333"); code != 2 || !strings.Contains(e, "hint: say which: 'quorum undismiss ID' with one of the ids above") {
		t.Fatalf("one fingerprint in two files: exit %d %q", code, e)
	}
	if code, e := run("Qbbbbbbbbbb"); code != 0 || !strings.Contains(e, `"b"`) {
		t.Fatalf("by id: exit %d %q", code, e)
	}
}

// TestDismissCopiesNeedsAllPlaces: a finding whose code is on two lines
// of its file (two closures of one function) shares its fingerprint with
// the other: one dismissal covers both, so dismiss refuses (exit 2, naming
// the other) until --all-places says the reason holds for each, and then
// records how many copies it covered.
func TestDismissCopiesNeedsAllPlaces(t *testing.T) {
	dir, gd := gitRepo(t)
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	copyAt := func(id string, line int) report.Finding {
		return report.Finding{ID: id, File: "h.go", Line: line, Title: "command from the request", Fingerprint: "0123456789abcdef",
			Kinds: []string{"command-injection"}, Severity: "critical", Copies: 2, CopyLines: []int{13, 19}}
	}
	rep := &report.Report{Schema: report.Schema, Findings: []report.Finding{copyAt("Qaaaaaaaaaa", 13), copyAt("Qaaaaaaaaaa-2", 19)}}
	if _, err := reportstore.SaveBundle(gd, at, "abc1234", reportstore.Bundle{Report: rep}); err != nil {
		t.Fatal(err)
	}
	f, out, errOut := cmdtest.NewFactory(dir, nil)
	code := cmdtest.Execute(t.Context(), NewCmdDismiss(f, nil), f.IOStreams, []string{"Qaaaaaaaaaa", "--reason", "admin only"})
	if code != 2 || !strings.Contains(errOut.String(), "error: Qaaaaaaaaaa is the same code as h.go:19 (Qaaaaaaaaaa-2): one dismissal covers each\n") ||
		!strings.Contains(errOut.String(), "hint: check each; if the reason holds for all, add --all-places") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, dismiss.SharedFile)); !os.IsNotExist(err) {
		t.Fatalf("refused, yet the ledger was written: %v", err)
	}
	// Naming every copy is checking each.
	f, out, errOut = cmdtest.NewFactory(dir, nil)
	if code := cmdtest.Execute(t.Context(), NewCmdDismiss(f, nil), f.IOStreams, []string{"Qaaaaaaaaaa", "Qaaaaaaaaaa-2", "--reason", "admin only"}); code != 0 {
		t.Fatalf("both named: exit %d\n%s%s", code, out, errOut)
	}
	f, out, errOut = cmdtest.NewFactory(dir, nil)
	if code := cmdtest.Execute(t.Context(), NewCmdDismiss(f, nil), f.IOStreams, []string{"Qaaaaaaaaaa", "--reason", "admin only", "--all-places"}); code != 0 {
		t.Fatalf("--all-places: exit %d\n%s%s", code, out, errOut)
	}
	l, err := dismiss.ReadFile(filepath.Join(dir, dismiss.SharedFile), dismiss.SourceShared)
	if err != nil || len(l.Entries) != 1 || l.Entries[0].Copies != 2 {
		t.Fatalf("ledger %+v %v", l, err)
	}
}

// TestUndismissReadsTheIDTheReportShows: ids are a line's text, so after
// the line above changed the report shows the second dismissed finding
// under the first one's old id. undismiss of that id takes back the
// dismissal of the finding the report shows (its fingerprint), not the
// older entry that stored the id.
func TestUndismissReadsTheIDTheReportShows(t *testing.T) {
	dir, gd := gitRepo(t)
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	shown := report.Finding{ID: "Qaaaaaaaaaa", File: "a.go", Line: 8, Title: "multiplication may overflow", Fingerprint: "bbbbbbbbbbbbbbbb",
		Kinds: []string{"integer-overflow"}, Severity: "important", Dismissal: &report.Dismissal{Reason: "bounded"}}
	rep := &report.Report{Schema: report.Schema, Findings: []report.Finding{}, Dismissed: []report.Finding{shown}}
	if _, err := reportstore.SaveBundle(gd, at, "abc1234", reportstore.Bundle{Report: rep}); err != nil {
		t.Fatal(err)
	}
	stale := dismiss.Entry{Fingerprint: "aaaaaaaaaaaaaaaa", ID: "Qaaaaaaaaaa", File: "a.go", Kinds: []string{"integer-overflow"}, Reason: "line 4 is bounded"}
	current := dismiss.Entry{Fingerprint: "bbbbbbbbbbbbbbbb", ID: "Qaaaaaaaaaa-2", File: "a.go", Kinds: []string{"integer-overflow"}, Reason: "bounded"}
	if err := os.MkdirAll(filepath.Join(dir, ".quorum"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := dismiss.WriteFile(dismiss.SharedPath(dir), &dismiss.Ledger{Entries: []dismiss.Entry{stale, current}}); err != nil {
		t.Fatal(err)
	}
	f, _, errOut := cmdtest.NewFactory(dir, nil)
	if code := cmdtest.Execute(t.Context(), NewCmdUndismiss(f, nil), f.IOStreams, []string{"Qaaaaaaaaaa"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	l, err := dismiss.ReadFile(dismiss.SharedPath(dir), dismiss.SourceShared)
	if err != nil || len(l.Entries) != 1 || l.Entries[0].Fingerprint != stale.Fingerprint {
		t.Fatalf("left %+v %v; want only the stale entry, of another place", l, err)
	}
	if !strings.Contains(errOut.String(), `removed the dismissal of Qaaaaaaaaaa-2 (integer-overflow)`) {
		t.Errorf("stderr %q", errOut)
	}
}

// TestUndismissPrefersThisBranchsReport: two branches dismissed the same
// line in two functions under one id; undismiss on one of them reads the
// id through its own newest report, not another branch's newer one.
func TestUndismissPrefersThisBranchsReport(t *testing.T) {
	dir, gd := gitRepo(t)
	if out, err := exec.Command("git", "-C", dir, "checkout", "-q", "-b", "b2").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	shown := func(branch, print string, line int) *report.Report {
		f := report.Finding{ID: "Qaaaaaaaaaa", File: "a.go", Line: line, Title: "overflow", Fingerprint: print, Kinds: []string{"integer-overflow"}, Severity: "important", Dismissal: &report.Dismissal{Reason: "bounded"}}
		return &report.Report{Schema: report.Schema, Branch: branch, Findings: []report.Finding{}, Dismissed: []report.Finding{f}}
	}
	if _, err := reportstore.SaveBundle(gd, at, "b2b2b2b", reportstore.Bundle{Report: shown("b2", "bbbbbbbbbbbbbbbb", 8)}); err != nil {
		t.Fatal(err)
	}
	if _, err := reportstore.SaveBundle(gd, at.Add(time.Minute), "b1b1b1b", reportstore.Bundle{Report: shown("b1", "aaaaaaaaaaaaaaaa", 4)}); err != nil {
		t.Fatal(err)
	}
	entry := func(print string) dismiss.Entry {
		return dismiss.Entry{Fingerprint: print, ID: "Qaaaaaaaaaa", File: "a.go", Kinds: []string{"integer-overflow"}, Reason: "bounded"}
	}
	if err := os.MkdirAll(filepath.Join(dir, ".quorum"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := dismiss.WriteFile(dismiss.SharedPath(dir), &dismiss.Ledger{Entries: []dismiss.Entry{entry("aaaaaaaaaaaaaaaa"), entry("bbbbbbbbbbbbbbbb")}}); err != nil {
		t.Fatal(err)
	}
	f, _, errOut := cmdtest.NewFactory(dir, nil)
	if code := cmdtest.Execute(t.Context(), NewCmdUndismiss(f, nil), f.IOStreams, []string{"Qaaaaaaaaaa"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	l, err := dismiss.ReadFile(dismiss.SharedPath(dir), dismiss.SourceShared)
	if err != nil || len(l.Entries) != 1 || l.Entries[0].Fingerprint != "aaaaaaaaaaaaaaaa" {
		t.Fatalf("left %+v %v; want b1's entry only", l, err)
	}
}

// TestUndismissAStaleEntryByItsListedID: an entry whose code changed since
// (the report now shows its id for a finding of another fingerprint) is
// still taken back by the id 'dismiss --list' shows for it.
func TestUndismissAStaleEntryByItsListedID(t *testing.T) {
	dir, gd := gitRepo(t)
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	now := report.Finding{ID: "Qaaaaaaaaaa", File: "a.go", Line: 8, Title: "overflow", Fingerprint: "bbbbbbbbbbbbbbbb", Kinds: []string{"integer-overflow"}, Severity: "important"}
	if _, err := reportstore.SaveBundle(gd, at, "abc1234", reportstore.Bundle{Report: &report.Report{Schema: report.Schema, Findings: []report.Finding{now}}}); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, ".quorum"), 0o755); err != nil {
		t.Fatal(err)
	}
	stale := dismiss.Entry{Fingerprint: "aaaaaaaaaaaaaaaa", ID: "Qaaaaaaaaaa", File: "a.go", Kinds: []string{"integer-overflow"}, Reason: "bounded"}
	if err := dismiss.WriteFile(dismiss.SharedPath(dir), &dismiss.Ledger{Entries: []dismiss.Entry{stale}}); err != nil {
		t.Fatal(err)
	}
	f, _, errOut := cmdtest.NewFactory(dir, nil)
	if code := cmdtest.Execute(t.Context(), NewCmdUndismiss(f, nil), f.IOStreams, []string{"Qaaaaaaaaaa"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if l, err := dismiss.ReadFile(dismiss.SharedPath(dir), dismiss.SourceShared); err != nil || len(l.Entries) != 0 {
		t.Fatalf("left %+v %v", l, err)
	}
}

// TestDismissPrefersThisBranchsReport: dismiss reads ids as undismiss
// does, through this branch's newest report first: another branch's newer
// report may show the same id for the same line in another function.
func TestDismissPrefersThisBranchsReport(t *testing.T) {
	dir := onB2(t, "b1", "aaaaaaaaaaaaaaaa", 4)
	f, out, errOut := cmdtest.NewFactory(dir, nil)
	if code := cmdtest.Execute(t.Context(), NewCmdDismiss(f, nil), f.IOStreams, []string{"Qaaaaaaaaaa", "--reason", "bounded"}); code != 0 ||
		!strings.Contains(out.String(), "dismissed Qaaaaaaaaaa a.go:8") || !strings.Contains(errOut.String(), "is of b1; using report 20260304-050607-b2b2b2b, of b2") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if l, err := dismiss.ReadFile(dismiss.SharedPath(dir), dismiss.SourceShared); err != nil || len(l.Entries) != 1 || l.Entries[0].Fingerprint != "bbbbbbbbbbbbbbbb" {
		t.Fatalf("ledger %+v %v", l, err)
	}
}

// TestDismissReadsAHookReportAsThisBranchs: a push's review names its
// branch as the pushed ref (refs/heads/b2): it is this branch's report.
func TestDismissReadsAHookReportAsThisBranchs(t *testing.T) {
	dir := onB2(t, "refs/heads/b2", "cccccccccccccccc", 9)
	f, out, errOut := cmdtest.NewFactory(dir, nil)
	if code := cmdtest.Execute(t.Context(), NewCmdDismiss(f, nil), f.IOStreams, []string{"Qaaaaaaaaaa", "--reason", "bounded"}); code != 0 ||
		!strings.Contains(out.String(), "dismissed Qaaaaaaaaaa a.go:9") || strings.Contains(errOut.String(), "using report") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}

// onB2 is a repository checked out at branch b2 with two saved reports
// showing Qaaaaaaaaaa: b2's at a.go:8 (fingerprint bbbb...), then a newer
// one of branch at line (fingerprint print).
func onB2(t *testing.T, branch, print string, line int) string {
	t.Helper()
	dir, gd := gitRepo(t)
	if out, err := exec.Command("git", "-C", dir, "checkout", "-q", "-b", "b2").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	shown := func(branch, print string, line int) *report.Report {
		f := report.Finding{ID: "Qaaaaaaaaaa", File: "a.go", Line: line, Title: "overflow", Fingerprint: print, Kinds: []string{"integer-overflow"}, Severity: "important"}
		return &report.Report{Schema: report.Schema, Branch: branch, Findings: []report.Finding{f}}
	}
	if _, err := reportstore.SaveBundle(gd, at, "b2b2b2b", reportstore.Bundle{Report: shown("b2", "bbbbbbbbbbbbbbbb", 8)}); err != nil {
		t.Fatal(err)
	}
	if _, err := reportstore.SaveBundle(gd, at.Add(time.Minute), "b2b2b2c", reportstore.Bundle{Report: shown(branch, print, line)}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestDismissAllInReadsDismissedFindings: --all-in and --severity choose
// among the report's dismissed findings too, as an id does: one taken back
// since that report is dismissed again, not "no finding matches".
func TestDismissAllInReadsDismissedFindings(t *testing.T) {
	dir, gd := gitRepo(t)
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	rep := &report.Report{Schema: report.Schema, Dismissed: []report.Finding{
		{ID: "Qaaaaaaaaaa", File: "gen/api.go", Line: 3, Title: "one", Fingerprint: "000000000000000a", Severity: "suggestion",
			Dismissal: &report.Dismissal{Reason: "generated", Source: "ledger"}},
	}}
	if _, err := reportstore.SaveBundle(gd, at, "abc1234", reportstore.Bundle{Report: rep}); err != nil {
		t.Fatal(err)
	}
	f, out, errOut := cmdtest.NewFactory(dir, nil)
	code := cmdtest.Execute(context.Background(), NewCmdDismiss(f, nil), f.IOStreams, []string{"--all-in", "gen/api.go", "--reason", "generated code"})
	if code != 0 || out.String() != "dismissed Qaaaaaaaaaa gen/api.go:3 one\n" {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
}

// The command the report and the hook print ends in --reason "...": run
// as printed, it is refused (exit 2) with a hint to write the reason,
// instead of recording "..." as one.
func TestDismissRefusesThePlaceholderReason(t *testing.T) {
	f, _, errOut := cmdtest.NewFactory(t.TempDir(), nil)
	code := cmdtest.Execute(t.Context(), NewCmdDismiss(f, func(*DismissOptions) error { t.Fatal("ran"); return nil }), f.IOStreams,
		[]string{"Q0123456789", "--report", "20261203-180409-4dd8f0f", "--reason", "..."})
	want := "error: --reason \"...\" is the placeholder of the printed command, not a reason\n" +
		"hint: write in --reason why the finding is a false positive, e.g. --reason \"the caller logs the error\"\n"
	if code != 2 || errOut.String() != want {
		t.Errorf("exit %d, stderr %q; want 2, %q", code, errOut, want)
	}
	// A reason that has dots in it is a reason.
	f, _, _ = cmdtest.NewFactory(t.TempDir(), nil)
	ran := false
	code = cmdtest.Execute(t.Context(), NewCmdDismiss(f, func(*DismissOptions) error { ran = true; return nil }), f.IOStreams,
		[]string{"Q0123456789", "--reason", "checked in cfg.go..."})
	if code != 0 || !ran {
		t.Errorf("a reason with dots: exit %d, ran %v", code, ran)
	}
}
