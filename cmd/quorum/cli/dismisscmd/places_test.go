package dismisscmd

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review/dismiss"
	"github.com/quorum-review/quorum/review/report"
	rt "github.com/quorum-review/quorum/review/report/reporttest"
)

// A finding the merge joined from two places (two reviewers' injections of
// one kind, 34 lines apart) is not dismissed on one reason unless the user
// says each place is covered; a finding of one place (lines a statement
// apart) is dismissed as before.
func TestDismissSeveralPlacesNeedsAllPlaces(t *testing.T) {
	dir, gd := gitRepo(t)
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	twoPlaces := report.Finding{ID: "Qaaaaaaaaaa", File: "a.go", Line: 5, Title: "SQL injection in Cleanup", Fingerprint: "0123456789abcdef",
		Kinds: []string{"sql-injection"}, Severity: "critical", Members: []report.Member{
			{Reviewer: "alpha", Title: "SQL injection in Cleanup", Line: 5, EndLine: 5},
			{Reviewer: "beta", Title: "Request parameter used as table name", Line: 39, EndLine: 39},
		}}
	onePlace := report.Finding{ID: "Qbbbbbbbbbb", File: "b.go", Line: 7, Title: "dropped error", Fingerprint: "fedcba9876543210",
		Kinds: []string{"unchecked-error"}, Severity: "important", Members: []report.Member{
			{Reviewer: "alpha", Title: "dropped error", Line: 7, EndLine: 7},
			{Reviewer: "beta", Title: "error ignored", Line: 9, EndLine: 9},
		}}
	rep := &report.Report{Schema: report.Schema, Findings: []report.Finding{twoPlaces, onePlace}}
	if _, err := reportstore.SaveBundle(gd, at, "abc1234", reportstore.Bundle{Report: rep, Diff: cleanupDiff()}); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string, string) {
		f, out, errOut := cmdtest.NewFactory(dir, nil)
		f.Now = func() time.Time { return at }
		return cmdtest.Execute(context.Background(), NewCmdDismiss(f, nil), f.IOStreams, args), out.String(), errOut.String()
	}
	entries := func() int {
		l, err := dismiss.ReadFile(filepath.Join(dir, dismiss.SharedFile), dismiss.SourceShared)
		if err != nil {
			t.Fatal(err)
		}
		return len(l.Entries)
	}

	code, out, errOut := run("Qaaaaaaaaaa", "--reason", "name comes from our enum")
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if code != 2 || out != "" || len(lines) != 2 ||
		lines[0] != `error: Qaaaaaaaaaa groups reviewers' findings at 2 places (a.go:5 alpha "SQL injection in Cleanup"; a.go:39 beta "Request parameter used as table name"): dismissing it dismisses every one` ||
		lines[1] != "hint: check each place; if the reason holds for all, add --all-places, else fix the code" {
		t.Fatalf("exit %d\nstdout %q\nstderr %q", code, out, errOut)
	}
	if n := entries(); n != 0 {
		t.Fatalf("a refused dismissal recorded %d entries", n)
	}
	// Several ids: one with two places refuses them all, nothing is recorded.
	if code, _, _ := run("Qbbbbbbbbbb", "Qaaaaaaaaaa", "--reason", "x"); code != 2 || entries() != 0 {
		t.Fatalf("exit %d, %d entries", code, entries())
	}
	if code, out, errOut := run("Qbbbbbbbbbb", "--reason", "the caller logs it"); code != 0 || !strings.Contains(out, "dismissed Qbbbbbbbbbb") {
		t.Fatalf("one place: exit %d %q %q", code, out, errOut)
	}
	if code, out, errOut := run("Qaaaaaaaaaa", "--reason", "both tables are ours", "--all-places"); code != 0 || !strings.Contains(out, "dismissed Qaaaaaaaaaa") {
		t.Fatalf("--all-places: exit %d %q %q", code, out, errOut)
	}
	if n := entries(); n != 2 {
		t.Fatalf("%d entries, want 2", n)
	}
	// The entry names the places checked, each by its code (read from the
	// report's diff), not how many there were; the one-place entry names
	// none (its fingerprint is its place).
	l, err := dismiss.ReadFile(filepath.Join(dir, dismiss.SharedFile), dismiss.SourceShared)
	if err != nil {
		t.Fatal(err)
	}
	want, err := dismiss.PlaceFingerprints(twoPlaces, cleanupDiff())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range l.Entries {
		switch {
		case e.ID == "Qaaaaaaaaaa" && (!slices.Equal(e.PlaceFingerprints, want) || len(want) != 2 || e.Places != 0):
			t.Errorf("two places: recorded %v (places %d), want %v", e.PlaceFingerprints, e.Places, want)
		case e.ID == "Qbbbbbbbbbb" && len(e.PlaceFingerprints) != 0:
			t.Errorf("one place: recorded %v", e.PlaceFingerprints)
		}
	}
}

// cleanupDiff is the diff TestDismissSeveralPlacesNeedsAllPlaces's report
// was made from: a.go's two injections, 34 lines apart.
func cleanupDiff() *diff.Set {
	lines := []string{"+package a", "+", "+func Cleanup(db DB, name string) {", "+	// drop the user's rows",
		"+	db.Exec(\"DELETE FROM t WHERE n = '\" + name + \"'\")", "+}"}
	for len(lines) < 37 {
		lines = append(lines, "+// filler")
	}
	lines = append(lines, "+func Admin(db DB, r *http.Request) {", "+	db.Exec(\"DROP TABLE \" + r.FormValue(\"table\"))", "+}")
	return &diff.Set{Mode: "range", Files: []diff.File{rt.File("a.go", diff.StatusAdded, 0, 1, lines...)}}
}

// A dismissal of several places needs the diff the report was made from,
// to record which places were checked: without it (a report saved before
// reports kept their diff), or with one that lacks a place's line, nothing
// is recorded: exit 2, one line, a hint saying what to run.
func TestDismissSeveralPlacesNeedsTheDiff(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	twoPlaces := report.Finding{ID: "Qaaaaaaaaaa", File: "a.go", Line: 5, Title: "SQL injection in Cleanup", Fingerprint: "0123456789abcdef",
		Kinds: []string{"sql-injection"}, Severity: "critical", Members: []report.Member{
			{Reviewer: "alpha", Title: "SQL injection in Cleanup", Line: 5, EndLine: 5},
			{Reviewer: "beta", Title: "Request parameter used as table name", Line: 39, EndLine: 39},
		}}
	short := cleanupDiff()
	short.Files[0].Hunks[0].Lines = short.Files[0].Hunks[0].Lines[:10]
	for name, c := range map[string]struct {
		set  *diff.Set
		want string
	}{
		"no saved diff":      {nil, "error: report 20260304-050607-abc1234 saved no diff, so the places Qaaaaaaaaaa groups cannot be recorded"},
		"a diff without one": {short, "error: report 20260304-050607-abc1234 and its saved diff disagree: the diff has no line a.go:39 that beta's finding is anchored to"},
	} {
		t.Run(name, func(t *testing.T) {
			dir, gd := gitRepo(t)
			rep := &report.Report{Schema: report.Schema, Findings: []report.Finding{twoPlaces}}
			if _, err := reportstore.SaveBundle(gd, at, "abc1234", reportstore.Bundle{Report: rep, Diff: c.set}); err != nil {
				t.Fatal(err)
			}
			f, out, errOut := cmdtest.NewFactory(dir, nil)
			f.Now = func() time.Time { return at }
			code := cmdtest.Execute(context.Background(), NewCmdDismiss(f, nil), f.IOStreams, []string{"Qaaaaaaaaaa", "--all-places", "--reason", "both are ours"})
			lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
			if code != 2 || out.String() != "" || len(lines) != 2 || lines[0] != c.want ||
				lines[1] != "hint: run 'quorum review' again and dismiss the finding from its report" {
				t.Fatalf("exit %d\nstdout %q\nstderr %q", code, out, errOut)
			}
			if _, err := os.Stat(filepath.Join(dir, dismiss.SharedFile)); err == nil {
				t.Error("a refused dismissal wrote the ledger")
			}
		})
	}
}

// Every deletion of a hunk sits at one new-side line: two deleted-code
// members far apart on the old side are two places.
func TestPlacesOfDeletedCode(t *testing.T) {
	f := report.Finding{ID: "Q1", File: "a.go", Line: 4, Deleted: true, OldLine: 4, Members: []report.Member{
		{Reviewer: "alpha", Title: "auth check removed", Line: 4, EndLine: 4, OldLine: 4},
		{Reviewer: "beta", Title: "rate limiter removed", Line: 4, EndLine: 4, OldLine: 38},
	}}
	got := places(f)
	if len(got) != 2 || got[0] != `a.go (deleted line 4) alpha "auth check removed"` || got[1] != `a.go (deleted line 38) beta "rate limiter removed"` {
		t.Fatalf("places %q", got)
	}
	f.Members[1].OldLine = 6 // two lines of one deletion: one place
	if got := places(f); len(got) != 1 {
		t.Fatalf("places %q", got)
	}
}

// Two findings of one line the ledger cannot tell apart (the same code,
// kind and severity, other words) are not dismissed one at a time: the
// entry of one would take the other past the gate unseen (helper 243).
// Named together, or with --all-places, both are dismissed.
func TestDismissAlikeFindingsNeedsThemAll(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	unit := report.Finding{ID: "Q47ffbdefae", File: "a.go", Line: 4, Title: "Result unit is wrong", Fingerprint: "0123456789abcdef",
		Kinds: []string{"other"}, Severity: "critical", Members: []report.Member{{Reviewer: "alpha", Title: "Result unit is wrong", Line: 4, EndLine: 4}}}
	rounding := unit
	rounding.ID, rounding.Title = "Q47ffbdefae-2", "Wrong rounding for negative inputs"
	rounding.Members = []report.Member{{Reviewer: "alpha", Title: "Wrong rounding for negative inputs", Line: 4, EndLine: 4}}
	for _, tc := range []struct {
		args    []string
		code    int
		entries int
	}{
		{[]string{"Q47ffbdefae"}, 2, 0},
		{[]string{"Q47ffbdefae", "Q47ffbdefae-2"}, 0, 1}, // one entry: the ledger holds them as one
		{[]string{"Q47ffbdefae", "--all-places"}, 0, 1},
	} {
		dir, gd := gitRepo(t)
		rep := &report.Report{Schema: report.Schema, Findings: []report.Finding{unit, rounding}}
		if _, err := reportstore.SaveBundle(gd, at, "abc1234", reportstore.Bundle{Report: rep, Diff: cleanupDiff()}); err != nil {
			t.Fatal(err)
		}
		f, out, errOut := cmdtest.NewFactory(dir, nil)
		f.Now = func() time.Time { return at }
		code := cmdtest.Execute(context.Background(), NewCmdDismiss(f, nil), f.IOStreams, append(tc.args, "--reason", "units are checked by the caller"))
		lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
		if code != tc.code {
			t.Fatalf("%v: exit %d\nstdout %q\nstderr %q", tc.args, code, out, errOut)
		}
		if code == 2 && (len(lines) != 2 ||
			lines[0] != "error: Q47ffbdefae and Q47ffbdefae-2 (Wrong rounding for negative inputs) are alike to the dismissal ledger (the same code, kind and severity): dismissing one dismisses each" ||
			!strings.HasPrefix(lines[1], "hint: check each; if the reason holds for all, name them all")) {
			t.Fatalf("%v: stderr %q", tc.args, errOut)
		}
		l, err := dismiss.ReadFile(filepath.Join(dir, dismiss.SharedFile), dismiss.SourceShared)
		if err != nil && tc.entries > 0 {
			t.Fatal(err)
		}
		if n := 0; l != nil {
			n = len(l.Entries)
			if n != tc.entries {
				t.Errorf("%v: %d entries, want %d", tc.args, n, tc.entries)
			}
		}
	}
}
