package hookcmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/hook"
)

// set is a diff of one file, a.go, changed by hunk lines ("+x", "-y"); a
// skip reason makes it a skipped file.
func setOf(skip string, lines ...string) *diff.Set {
	f := diff.File{Path: "a.go", Status: diff.StatusModified, Skip: skip}
	h := diff.Hunk{}
	for _, l := range lines {
		kind := diff.Added
		if l[0] == '-' {
			kind = diff.Deleted
		}
		h.Lines = append(h.Lines, diff.Line{Kind: kind, Text: l[1:]})
	}
	f.Hunks = []diff.Hunk{h}
	s := &diff.Set{Files: []diff.File{f}}
	if skip != "" {
		s.Skipped = []diff.Skipped{{Path: "a.go", Reason: skip}}
	}
	return s
}

// Two versions of a file are two reviews whatever tells them apart: a
// line one deletes (the new content may agree), or two reasons to skip.
// One version is one review.
func TestReviewPassesKeepEveryVersion(t *testing.T) {
	for _, tc := range []struct {
		name string
		sets []*diff.Set
		want int
	}{
		{"a guard deleted on one ref", []*diff.Set{setOf("", "+x"), setOf("", "-if !allowed(dir) {", "+x")}, 2},
		{"too large on one, binary on the other", []*diff.Set{setOf(diff.SkipTooLarge), setOf(diff.SkipBinary)}, 2},
		{"skipped alike", []*diff.Set{setOf(diff.SkipLockfile), setOf(diff.SkipLockfile)}, 1},
		{"skipped on one, read on the other", []*diff.Set{setOf(diff.SkipGenerated), setOf("", "+x")}, 2},
	} {
		passes, err := reviewPasses(context.Background(), tc.sets)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(passes) != tc.want {
			t.Errorf("%s: %d reviews, want %d", tc.name, len(passes), tc.want)
		}
		if tc.want == 2 && (len(passes[1]) != 1 || len(passes[1][0].Files) != 1 || passes[1][0] == tc.sets[1]) {
			t.Errorf("%s: the second review holds %+v", tc.name, passes[1])
		}
	}
}

// A review that cannot be made after one that found something keeps what
// was found (the push blocks) and says the rest was not read; the first
// one unavailable is the push's outcome as before.
func TestReviewAllKeepsWhatAnEarlierReviewFound(t *testing.T) {
	passes := [][]*diff.Set{{setOf("", "+x")}, {setOf("", "+y")}}
	blocked := Outcome{Blocked: true, ReportPath: "/r/1/report.md", Blocking: []hook.Finding{{ID: "Q1", Severity: "critical", File: "a.go", Line: 1}}}
	down := Outcome{Unavailable: true, Reason: "ollama is not reachable at 127.0.0.1:1"}
	outs := []Outcome{blocked, down}
	i := 0
	got, err := reviewAll(passes, func([]*diff.Set) (Outcome, error) { i++; return outs[i-1], nil })
	if err != nil || !got.Blocked || got.Unavailable || len(got.Blocking) != 1 || got.Blocking[0].Report != "/r/1/report.md" ||
		!strings.Contains(got.Partial, "1 file in another pushed version read by no reviewer (a.go): ollama is not reachable") {
		t.Fatalf("blocked, then down: %+v, %v", got, err)
	}
	// Every reviewer failed the first review: the second is made all the
	// same, so what blocks does not depend on the order of the refs.
	outs = []Outcome{down, blocked}
	i = 0
	if got, _ := reviewAll(passes, func([]*diff.Set) (Outcome, error) { i++; return outs[i-1], nil }); !got.Blocked || !got.Unfinished || i != 2 {
		t.Fatalf("down first: %+v after %d reviews", got, i)
	}
	// An error opening a later review (hook.timeout reached as it lists
	// the models) keeps the block too, and names every file left: those
	// of the reviews after it as well.
	three := [][]*diff.Set{{setOf("", "+x")}, {setOf("", "+y")}, {{Files: []diff.File{{Path: "c.go", Status: diff.StatusModified}}}}}
	i = 0
	got, err = reviewAll(three, func([]*diff.Set) (Outcome, error) {
		i++
		if i == 1 {
			return blocked, nil
		}
		return Outcome{}, fmt.Errorf("list models: %w", context.DeadlineExceeded)
	})
	if err != nil || !got.Blocked || !got.Unfinished || !got.TimedOut || i != 3 ||
		got.Partial != "1 file in another pushed version read by no reviewer (a.go): list models: context deadline exceeded; 1 file in another pushed version read by no reviewer (c.go): list models: context deadline exceeded" {
		t.Fatalf("error after a block: %+v, %v after %d reviews", got, err, i)
	}
	// A signal after a block keeps the block (the push is refused, and it
	// is remembered); before one, it is the push's error.
	i = 0
	got, err = reviewAll(passes, func([]*diff.Set) (Outcome, error) {
		i++
		if i == 1 {
			return blocked, nil
		}
		return Outcome{}, context.Canceled
	})
	if err != nil || !got.Blocked || !strings.HasSuffix(got.Partial, "the review was interrupted") {
		t.Fatalf("interrupted after a block: %+v, %v", got, err)
	}
	if _, err := reviewAll(passes, func([]*diff.Set) (Outcome, error) { return Outcome{}, context.Canceled }); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted: %v", err)
	}
	// Nothing read before the server went down: the push is unreviewed,
	// as for one review.
	i = 0
	outs = []Outcome{{NothingReviewed: true}, down}
	if got, _ := reviewAll(passes, func([]*diff.Set) (Outcome, error) { i++; return outs[i-1], nil }); !got.Unavailable {
		t.Fatalf("nothing read, then down: %+v", got)
	}
}

// The joined review rests on as few reviewers as the one that rested on
// the fewest.
func TestJoinOutcomesRestsOnTheFewest(t *testing.T) {
	got := joinOutcomes([]Outcome{{Missing: []string{"b"}, Reviewed: 1, Panel: 3}, {Missing: []string{"b"}, Reviewed: 2, Panel: 3}})
	if got.Reviewed != 1 || got.Panel != 3 {
		t.Fatalf("%+v", got)
	}
}

// A review of only skipped files beside one that read something: a file
// over the size limit in it makes the push's review partial.
func TestJoinOutcomesKeepsASkippedReviewsGaps(t *testing.T) {
	read := Outcome{Verdict: "pass"}
	skipped := Outcome{NothingReviewed: true, TooLarge: true, Skipped: []diff.Skipped{{Path: "big.txt", Reason: diff.SkipTooLarge}, {Path: "go.sum", Reason: diff.SkipLockfile}}}
	got := joinOutcomes([]Outcome{read, skipped})
	if got.NothingReviewed || !got.TooLarge || got.Partial != "1 file over the size limit sent to no reviewer (big.txt)" {
		t.Fatalf("%+v", got)
	}
	if got := joinOutcomes([]Outcome{read, {NothingReviewed: true, Skipped: []diff.Skipped{{Path: "go.sum", Reason: diff.SkipLockfile}}}}); got.Partial != "" {
		t.Fatalf("a lockfile left out made it partial: %+v", got)
	}
}

// A push blocked by two reviews names both reports, and each finding's
// dismissal names its own report.
func TestPrintBlockedNamesEachReport(t *testing.T) {
	var b strings.Builder
	printBlocked(&b, false, []hook.Finding{
		{ID: "Q1", Severity: "critical", File: "a.go", Line: 6, Title: "one", Report: "/g/quorum/reports/r1/report.md"},
		{ID: "Q2", Severity: "critical", File: "a.go", Line: 6, Title: "two", Report: "/g/quorum/reports/r2/report.md"},
	}, "", "/g/quorum/reports/r1/report.md", skipPush)
	for _, want := range []string{
		"report: /g/quorum/reports/r1/report.md\nreport: /g/quorum/reports/r2/report.md\n",
		"  quorum dismiss Q1 --report r1 --reason \"...\"\n",
		"  quorum dismiss Q2 --report r2 --reason \"...\"\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("lacks %q:\n%s", want, b.String())
		}
	}
}

// One review of several blocked: its report is named by id, since the
// latest saved report may be another review's.
func TestPrintBlockedNamesTheReportOfAPushOfSeveralReviews(t *testing.T) {
	var b strings.Builder
	printBlocked(&b, false, []hook.Finding{{ID: "Q1", Severity: "critical", File: "a.go", Line: 6, Title: "one", Report: "/g/quorum/reports/r1/report.md"}}, "", "/g/quorum/reports/r1/report.md", skipPush)
	if !strings.Contains(b.String(), "  quorum report show r1 --full\n  quorum dismiss Q1 --report r1 --reason") {
		t.Errorf("%s", b.String())
	}
}

// The same finding found alike by two reviews of one push (a branch and one
// stacked on it share the line) is listed once; each report's dismiss line
// still names it.
func TestPrintBlockedListsARepeatOnce(t *testing.T) {
	var b strings.Builder
	same := hook.Finding{ID: "Q1", Severity: "critical", File: "a.go", Line: 6, Title: "one", Report: "/g/quorum/reports/r1/report.md"}
	again := same
	again.Report = "/g/quorum/reports/r2/report.md"
	other := same
	other.Title, other.Report = "one, worded otherwise", again.Report
	fs := []hook.Finding{same, again, other}
	printBlocked(&b, false, fs, "", same.Report, skipPush)
	if n := strings.Count(b.String(), "  Q1  critical   a.go:6  one\n"); n != 1 {
		t.Errorf("listed %d times:\n%s", n, b.String())
	}
	for _, want := range []string{
		"  Q1  critical   a.go:6  one, worded otherwise\n",
		"  quorum dismiss Q1 --report r1 --reason",
		"  quorum dismiss Q1 --report r2 --reason",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("lacks %q:\n%s", want, b.String())
		}
	}
	if got := len(distinct(fs)); got != 2 {
		t.Errorf("distinct: %d, want 2", got)
	}
}

// A blocking finding whose code is on several lines (or that groups
// several places) is dismissed only with --all-places: the next steps say
// so under the dismiss line, which alone would be refused.
func TestPrintBlockedNamesAllPlaces(t *testing.T) {
	var b strings.Builder
	fs := []hook.Finding{{ID: "Q1", Severity: "critical", File: "h.go", Line: 6, Title: "exec", AllPlaces: true}, {ID: "Q2", Severity: "critical", File: "a.go", Line: 3, Title: "sql"}}
	printBlocked(&b, false, fs, "", "/g/quorum/reports/r1/report.md", skipPush)
	if !strings.Contains(b.String(), "  quorum dismiss Q1 Q2 --report r1 --reason \"...\"   # a false positive: the same push then goes through\n    # Q1: on several lines or places; check each, then add --all-places\n") {
		t.Errorf("%s", b.String())
	}
}

// A push of several reviews of branches not checked out: each report's
// dismiss step is --local, with the note saying why.
func TestPrintBlockedSeveralReportsElsewhere(t *testing.T) {
	var b strings.Builder
	fs := []hook.Finding{
		{ID: "Q1", Severity: "critical", File: "h.go", Line: 6, Title: "one", Report: "/g/quorum/reports/r1/report.md"},
		{ID: "Q2", Severity: "critical", File: "h.go", Line: 6, Title: "two", Report: "/g/quorum/reports/r2/report.md"},
	}
	printBlocked(&b, false, fs, "", "/g/quorum/reports/r1/report.md", skipPush, "b2", "b3")
	for _, want := range []string{"  quorum dismiss Q1 --report r1 --local --reason", "  quorum dismiss Q2 --report r2 --local --reason", "    # b2, b3 are not checked out:"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("lacks %q:\n%s", want, b.String())
		}
	}
}
