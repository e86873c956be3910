package report_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/pipeline"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

func scenario(t *testing.T, name string) reporttest.Scenario {
	t.Helper()
	for _, sc := range reporttest.Scenarios() {
		if sc.Name == name {
			return sc
		}
	}
	t.Fatalf("no scenario %q", name)
	return reporttest.Scenario{}
}

func build(t *testing.T, sc reporttest.Scenario, p report.Policy) *report.Report {
	t.Helper()
	r, err := pipeline.Consolidate(sc.Set, sc.Raw, p, report.Meta{GeneratedAt: reporttest.GeneratedAt})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestScenarios(t *testing.T) {
	tests := []struct {
		name  string
		check func(t *testing.T, r *report.Report)
	}{
		{"agree", func(t *testing.T, r *report.Report) {
			if len(r.Findings) != 1 {
				t.Fatalf("want 1 finding, got %d: %+v", len(r.Findings), r.Findings)
			}
			f := r.Findings[0]
			if got := strings.Join(f.Reviewers, ","); got != "alice,bob,carol" || f.SeenBy != 3 {
				t.Errorf("found by %s of %d, want alice,bob,carol of 3", got, f.SeenBy)
			}
			if f.Severity != "critical" || f.Disputed || f.Line != 4 || f.File != "api/handler.go" {
				t.Errorf("finding = %+v", f)
			}
		}},
		{"dispute", func(t *testing.T, r *report.Report) {
			if len(r.Findings) != 1 {
				t.Fatalf("want 1 finding, got %d", len(r.Findings))
			}
			f := r.Findings[0]
			if f.Severity != "important" || !f.Disputed || len(f.Votes) != 3 || f.Votes["alice"] != "critical" {
				t.Errorf("finding = %+v", f)
			}
		}},
		{"reworded", func(t *testing.T, r *report.Report) {
			if len(r.Findings) != 1 || len(r.Findings[0].Reviewers) != 2 || len(r.Findings[0].Others) != 1 {
				t.Fatalf("want one finding by two reviewers, got %+v", r.Findings)
			}
		}},
		{"adjacent", func(t *testing.T, r *report.Report) {
			if len(r.Findings) != 2 {
				t.Fatalf("want 2 findings, got %d: %+v", len(r.Findings), r.Findings)
			}
			for _, f := range r.Findings {
				if len(f.Reviewers) != 2 {
					t.Errorf("%s:%d found by %v, want both reviewers", f.File, f.Line, f.Reviewers)
				}
			}
			if r.Findings[0].Line == r.Findings[1].Line {
				t.Errorf("both findings on line %d", r.Findings[0].Line)
			}
		}},
		{"rejected", func(t *testing.T, r *report.Report) {
			if len(r.Rejected) != 2 {
				t.Fatalf("want 2 rejected, got %+v", r.Rejected)
			}
			if !strings.Contains(r.Rejected[0].Reason, "not in the diff") || r.Rejected[0].Reviewer != "alice" {
				t.Errorf("rejected[0] = %+v", r.Rejected[0])
			}
			if r.Rejected[1].Reason != "quote not in the diff" || r.Rejected[1].Reviewer != "bob" {
				t.Errorf("rejected[1] = %+v", r.Rejected[1])
			}
			for _, rv := range r.Reviewers {
				if rv.Rejected != 1 {
					t.Errorf("%s rejected = %d, want 1", rv.Name, rv.Rejected)
				}
			}
		}},
		{"failed", func(t *testing.T, r *report.Report) {
			if r.Verdict.RestsOn != 2 || r.Verdict.Panel != 3 || !strings.Contains(r.Verdict.Text, "rests on 2 of 3 reviewers (carol failed)") {
				t.Errorf("verdict = %+v", r.Verdict)
			}
			if !r.GateTripped() {
				t.Error("gate should trip on the critical finding")
			}
		}},
		{"repeat", func(t *testing.T, r *report.Report) {
			if len(r.Findings) != 2 {
				t.Fatalf("want 2 findings, got %+v", r.Findings)
			}
			var alice report.Reviewer
			for _, rv := range r.Reviewers {
				if rv.Name == "alice" {
					alice = rv
				}
			}
			if alice.Repeats != 1 || alice.Findings != 2 {
				t.Errorf("alice = %+v, want 1 repeat and 2 findings", alice)
			}
		}},
		{"empty", func(t *testing.T, r *report.Report) {
			if r.Verdict.Status != report.VerdictEmpty || r.GateTripped() || len(r.Findings) != 0 {
				t.Errorf("verdict = %+v", r.Verdict)
			}
		}},
		{"full", func(t *testing.T, r *report.Report) {
			if strings.Contains(r.Summary.Reviewers[1].Text, "\x1b") {
				t.Error("control sequence survived in a summary")
			}
			if len(r.TODOs) != 1 || r.TODOs[0].Line != 19 || r.TODOs[0].Marker != "TODO" {
				t.Errorf("todos = %+v", r.TODOs)
			}
			if len(r.Strengths) != 1 || len(r.Strengths[0].Reviewers) != 2 {
				t.Errorf("strengths = %+v (case-folded duplicates should merge)", r.Strengths)
			}
			if r.Untested[0].Risk != "high" || r.Untested[len(r.Untested)-1].Risk != "medium" {
				t.Errorf("untested not by risk: %+v", r.Untested)
			}
			for i := 1; i < len(r.Findings); i++ {
				a, b := r.Findings[i-1], r.Findings[i]
				if rank(a.Severity) < rank(b.Severity) {
					t.Errorf("finding %d (%s) after %s", i, b.Severity, a.Severity)
				}
			}
			if r.Coverage.Files[1].By["carol"] != report.CoverFailed {
				t.Errorf("coverage = %+v", r.Coverage.Files)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, build(t, scenario(t, tt.name), report.Policy{})) })
	}
}

func rank(s string) int { return map[string]int{"suggestion": 1, "important": 2, "critical": 3}[s] }

func TestSeverityPolicies(t *testing.T) {
	votes := []string{"critical", "important", "suggestion", "suggestion"}
	for _, tt := range []struct {
		policy string
		votes  []string
		want   string
	}{
		{"upper-median", votes, "important"}, // higher of the two middle votes
		{"upper-median", []string{"critical", "important"}, "critical"},
		{"upper-median", []string{"critical", "important", "suggestion"}, "important"},
		{"max", votes, "critical"},
		{"majority", votes, "suggestion"},
		{"majority", []string{"critical", "suggestion"}, "critical"},
		{"majority", []string{"important", "important", "critical"}, "important"},
	} {
		p, err := report.Policy{Severity: tt.policy}.Normalize()
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Decide(tt.votes); got != tt.want {
			t.Errorf("%s %v = %s, want %s", tt.policy, tt.votes, got, tt.want)
		}
	}
}

func TestGate(t *testing.T) {
	sc := scenario(t, "full")
	for _, tt := range []struct {
		p        report.Policy
		tripped  bool
		blocking int
	}{
		{report.Policy{FailOn: "critical"}, true, 1},
		{report.Policy{FailOn: "important"}, true, 5},
		{report.Policy{FailOn: "suggestion"}, true, 6},
		{report.Policy{FailOn: "none"}, false, 0},
		{report.Policy{FailOn: "important", MinAgreement: 2}, true, 5},
		{report.Policy{FailOn: "suggestion", MinAgreement: 3}, true, 1},
		{report.Policy{FailOn: "critical", MinAgreement: 3}, false, 0},
		{report.Policy{FailOn: "critical", Severity: "max"}, true, 2},
	} {
		r := build(t, sc, tt.p)
		if r.GateTripped() != tt.tripped || r.Verdict.Blocking != tt.blocking {
			t.Errorf("%+v: tripped=%v blocking=%d, want %v %d (%s)", tt.p, r.GateTripped(), r.Verdict.Blocking, tt.tripped, tt.blocking, r.Verdict.Text)
		}
	}
}

func TestBadPolicy(t *testing.T) {
	sc := scenario(t, "agree")
	for _, p := range []report.Policy{{Severity: "mean"}, {FailOn: "blocker"}, {MinAgreement: -1}} {
		if _, err := pipeline.Consolidate(sc.Set, sc.Raw, p, report.Meta{}); err == nil {
			t.Errorf("%+v: no error", p)
		}
	}
}

func TestAllReviewersFailed(t *testing.T) {
	set := reporttest.Set()
	raw := reporttest.Raw(
		reporttest.Result("alice", 0, reporttest.Failed("c1", reporttest.Files(set), "model server unreachable")),
		review.RawResult{Reviewer: review.Reviewer{Name: "bob", Model: "bob:7b"}, Status: review.StatusMissing, Error: "model bob:7b is not installed"},
	)
	r := build(t, reporttest.Scenario{Set: set, Raw: raw}, report.Policy{})
	if r.Verdict.Status != report.VerdictIncomplete || r.GateTripped() || !strings.Contains(r.Verdict.Text, "bob missing") {
		t.Errorf("verdict = %+v", r.Verdict)
	}
}

func TestStableIDSurvivesLineDrift(t *testing.T) {
	sc := scenario(t, "agree")
	before := build(t, sc, report.Policy{}).Findings[0].ID
	// Shift the handler down by ten lines, as if code was added above it.
	set := reporttest.Set()
	for i := range set.Files {
		if set.Files[i].Path != "api/handler.go" {
			continue
		}
		h := &set.Files[i].Hunks[0]
		h.NewStart += 10
		for j := range h.Lines {
			h.Lines[j].New += 10
		}
	}
	raw := sc.Raw
	for i := range raw.Results {
		for j := range raw.Results[i].Chunks {
			for k := range raw.Results[i].Chunks[j].Answer.Findings {
				raw.Results[i].Chunks[j].Answer.Findings[k].Line += 10
			}
		}
	}
	r := build(t, reporttest.Scenario{Set: set, Raw: raw}, report.Policy{})
	if len(r.Findings) != 1 || r.Findings[0].ID != before || r.Findings[0].Line != 14 {
		t.Errorf("after drift: %+v, want id %s at line 14", r.Findings, before)
	}
}

func TestCommitNotes(t *testing.T) {
	set := &diff.Set{Commits: []diff.Commit{
		{SHA: "1", Subject: "squash! tidy"},
		{SHA: "2", Subject: "WIP: half done"},
		{SHA: "3", Subject: "[WIP] parser"},
		{SHA: "4", Subject: "Wipe the cache on logout"},
		{SHA: "5", Subject: strings.Repeat("x", 72)},
	}}
	r := build(t, reporttest.Scenario{Set: set, Raw: reporttest.Raw()}, report.Policy{})
	want := [][]string{{"squash!"}, {"work in progress"}, {"work in progress"}, nil, nil}
	for i, c := range r.Commits {
		if len(c.Notes) != len(want[i]) || len(want[i]) > 0 && !strings.Contains(c.Notes[0], want[i][0]) {
			t.Errorf("%q notes = %q, want %q", c.Subject, c.Notes, want[i])
		}
	}
}

func TestChecks(t *testing.T) {
	file := func(p string, lines ...string) diff.File {
		return reporttest.File(p, diff.StatusModified, 1, 1, lines...)
	}
	set := &diff.Set{Files: []diff.File{
		file("pkg/a/a.go", "+func Exported() {}", "+func unexported() {}", "+// Documented says hi.", "+func Documented() {}"),
		file("pkg/a/a_test.go", "+func TestX(t *testing.T) {}"),
		file("pkg/b/b.go", "-type Old struct{}", "+type New struct{}", "+// FIXME: racy", "+x := 1 // HACK around it"),
		file("internal/c/c.go", "+func Hidden() {}"),
		file("web/app.ts", "+export const x = 1"),
		file("web/app.test.ts", "+test('x', () => {})"),
		file("tools/gen.py", "+def main(): pass"),
	}}
	r := build(t, reporttest.Scenario{Set: set, Raw: reporttest.Raw()}, report.Policy{})
	c := r.Checks
	if got := strings.Join(c.SourceWithoutTests, ","); got != "internal/c/c.go,pkg/b/b.go,tools/gen.py" {
		t.Errorf("source without tests = %s", got)
	}
	var decls []string
	for _, a := range c.APIWithoutDocs {
		decls = append(decls, a.Change+" "+a.Decl)
	}
	if got := strings.Join(decls, "; "); got != "added func Exported() {}; removed type Old struct{}; added type New struct{}" {
		t.Errorf("api without docs = %s", got)
	}
	if len(r.TODOs) != 2 || r.TODOs[0].Marker != "FIXME" || r.TODOs[1].Marker != "HACK" {
		t.Errorf("todos = %+v", r.TODOs)
	}
}

func TestCodeShowsDeletedLines(t *testing.T) {
	set := &diff.Set{Files: []diff.File{
		reporttest.File("pkg/tail.go", diff.StatusModified, 7, 7, " \tprepare()", " \tkeep()", "-\tlastCall()"),
		reporttest.File("pkg/mid.go", diff.StatusModified, 1, 1, " a()", "-\tb()", "+\tc()", " d()", " e()"),
		reporttest.File("pkg/old.go", diff.StatusModified, 1, 1, " a()", "-\tb()", "+\tc()", " d()", " e()"),
	}}
	raw := reporttest.Raw(reporttest.Result("alice", 0, reporttest.Chunk("c1", []string{"pkg/tail.go", "pkg/mid.go", "pkg/old.go"}, review.Answer{Findings: []review.RawFinding{
		reporttest.F("pkg/tail.go", 0, "lastCall()", "important", "bug", "lastCall no longer runs", "Removing `lastCall` skips cleanup."),
		reporttest.F("pkg/mid.go", 2, "c()", "important", "bug", "c replaces b", "`c` does not do what `b` did."),
		reporttest.F("pkg/old.go", 2, "b()", "important", "bug", "b no longer runs", "`b` was removed."),
	}})))
	r := build(t, reporttest.Scenario{Set: set, Raw: raw}, report.Policy{})
	got := map[string]string{}
	for _, f := range r.Findings {
		if f.File == "pkg/old.go" && (!f.Deleted || f.OldLine != 2) {
			t.Errorf("pkg/old.go: deleted=%v old_line=%d, want the deleted old line 2", f.Deleted, f.OldLine)
		}
		var b strings.Builder
		for _, l := range f.Code {
			b.WriteString(l.Kind[:1] + strings.TrimSpace(l.Text) + " ")
		}
		got[f.File] = strings.TrimSpace(b.String())
	}
	want := map[string]string{
		// A finding about deleted code shows the deletion and the kept line
		// next to it, never the code that replaced it.
		"pkg/tail.go": "ckeep() dlastCall()",
		"pkg/old.go":  "ca() db()",
		"pkg/mid.go":  "ca() db() ac() cd()",
	}
	for file, w := range want {
		if got[file] != w {
			t.Errorf("%s code = %q, want %q", file, got[file], w)
		}
	}
}

func TestInterruptedIsNeverPass(t *testing.T) {
	set := reporttest.Set()
	files := reporttest.Files(set)
	raw := reporttest.Raw(reporttest.Result("alice", 0, reporttest.Chunk("c1", files[:1], review.Answer{})))
	raw.Interrupted = true
	r := build(t, reporttest.Scenario{Set: set, Raw: raw}, report.Policy{})
	if r.Verdict.Status != report.VerdictIncomplete || r.GateTripped() {
		t.Fatalf("verdict = %+v", r.Verdict)
	}
	if strings.Contains(r.Verdict.Text, "pass") || !strings.Contains(r.Verdict.Text, "not reviewed") || !strings.Contains(r.Verdict.Text, "1 of ") {
		t.Errorf("verdict text = %q", r.Verdict.Text)
	}
	// The summary counts what was read, as the verdict does, not the
	// whole diff.
	if want := fmt.Sprintf("1 of 1 reviewer reviewed 1 of %d files (", len(files)); !strings.HasPrefix(r.Summary.Text, want) ||
		!strings.Contains(r.Summary.Text, "before the review stopped.") {
		t.Errorf("summary = %q, want it to start %q", r.Summary.Text, want)
	}

	// A reviewer the stop reached before it answered did not fail.
	stopped := reporttest.Result("bob", 1)
	stopped.Status, stopped.Error = review.StatusFailed, "interrupted before its chunks were planned"
	rawTwo := reporttest.Raw(reporttest.Result("alice", 0, reporttest.Chunk("c1", files[:1], review.Answer{})), stopped)
	rawTwo.Interrupted = true
	r = build(t, reporttest.Scenario{Set: set, Raw: rawTwo}, report.Policy{})
	if !strings.Contains(r.Verdict.Text, "rests on 1 of 2 reviewers (bob stopped before answering)") || strings.Contains(r.Verdict.Text, "bob failed") {
		t.Errorf("verdict text = %q", r.Verdict.Text)
	}
	// One whose answers were bad failed on its own, stop or not.
	bad := reporttest.Result("carol", 2, reporttest.Failed("c1", files[:1], "the answer holds no JSON object"))
	rawBad := reporttest.Raw(reporttest.Result("alice", 0, reporttest.Chunk("c1", files[:1], review.Answer{})), bad)
	rawBad.Interrupted = true
	r = build(t, reporttest.Scenario{Set: set, Raw: rawBad}, report.Policy{})
	if !strings.Contains(r.Verdict.Text, "(carol failed)") || strings.Contains(r.Verdict.Text, "carol stopped") {
		t.Errorf("bad answers, interrupted: verdict text = %q", r.Verdict.Text)
	}

	// Nobody answered before the stop: the summary describes the diff.
	rawNone := reporttest.Raw(stopped)
	rawNone.Interrupted = true
	r = build(t, reporttest.Scenario{Set: set, Raw: rawNone}, report.Policy{})
	if want := fmt.Sprintf("The diff has %d files (", len(files)); !strings.HasPrefix(r.Summary.Text, want) ||
		!strings.HasSuffix(r.Summary.Text, "The reviewer did not answer, so there are no findings.") {
		t.Errorf("summary = %q", r.Summary.Text)
	}

	// Every file read by someone before the stop: the text says so, not
	// "the rest not reviewed".
	rawAll := reporttest.Raw(reporttest.Result("alice", 0, reporttest.Chunk("c1", files, review.Answer{})))
	rawAll.Interrupted = true
	r = build(t, reporttest.Scenario{Set: set, Raw: rawAll}, report.Policy{})
	if want := fmt.Sprintf("all %d files reviewed by at least one reviewer, not by the whole panel", len(files)); r.Verdict.Status != report.VerdictIncomplete ||
		!strings.Contains(r.Verdict.Text, want) || strings.Contains(r.Verdict.Text, "the rest not reviewed") {
		t.Errorf("interrupted after every file was read: verdict text = %q, want it to say %q", r.Verdict.Text, want)
	}

	// A blocking finding in what was read still trips the gate.
	sc := scenario(t, "agree")
	full := build(t, sc, report.Policy{})
	raw2 := *sc.Raw
	raw2.Interrupted = true
	r = build(t, reporttest.Scenario{Set: sc.Set, Raw: &raw2}, report.Policy{})
	if r.Verdict.Status != report.VerdictIncomplete || r.GateTripped() != full.GateTripped() {
		t.Errorf("interrupted agree: %+v (full: %+v)", r.Verdict, full.Verdict)
	}
}

// TestUnreadFilesAreNamed: a reviewable file no answering reviewer read
// (no chunk showed it) is not counted as reviewed, the verdict and summary
// name it, and the review is not a pass though nothing was found in the
// rest: the verdict is incomplete and the gate trips.
func TestUnreadFilesAreNamed(t *testing.T) {
	set := reporttest.Set()
	all := reporttest.Files(set)
	if len(all) < 2 {
		t.Fatalf("want a set of at least 2 files, got %v", all)
	}
	read := all[:len(all)-1]
	missed := all[len(all)-1]
	raw := reporttest.Raw(
		reporttest.Result("alice", 0, reporttest.Chunk("c1", read, review.Answer{Summary: "ok"})),
		reporttest.Result("bob", 1, reporttest.Chunk("c1", read, review.Answer{Summary: "ok"})))
	r := build(t, reporttest.Scenario{Name: "unread", Set: set, Raw: raw}, report.Policy{FailOn: "important", MinAgreement: 1})
	if r.Verdict.Status != report.VerdictIncomplete || !r.GateTripped() {
		t.Fatalf("status %s, gate tripped %v: want incomplete and tripped (a file nobody read)", r.Verdict.Status, r.GateTripped())
	}
	if len(r.Verdict.Unread) != 1 || r.Verdict.Unread[0] != missed {
		t.Errorf("unread %v, want [%s]", r.Verdict.Unread, missed)
	}
	if !strings.Contains(r.Verdict.Text, "1 file read by no reviewer ("+missed+")") {
		t.Errorf("verdict %q does not name the unread file", r.Verdict.Text)
	}
	counted := fmt.Sprintf("reviewed %d files", len(read))
	if len(read) == 1 {
		counted = "reviewed 1 file"
	}
	if !strings.Contains(r.Summary.Text, counted) {
		t.Errorf("summary %q, want %q: only the files read count", r.Summary.Text, counted)
	}
	if !strings.Contains(r.Summary.Text, "no reviewer read: "+missed) {
		t.Errorf("summary %q does not name the unread file", r.Summary.Text)
	}
	// Every file read: nothing unread, nothing added to the text.
	full := build(t, scenario(t, "agree"), report.Policy{FailOn: "important", MinAgreement: 1})
	if len(full.Verdict.Unread) != 0 || strings.Contains(full.Verdict.Text, "read by no reviewer") {
		t.Errorf("a fully read review: unread %v, verdict %q", full.Verdict.Unread, full.Verdict.Text)
	}
}

// Too few reviewers answered for any finding to meet the min agreement:
// the gate was not applied, so the verdict is incomplete, never a pass.
func TestUnmetAgreementIsNotAPass(t *testing.T) {
	var failed reporttest.Scenario
	for _, sc := range reporttest.Scenarios() {
		if sc.Name == "failed" {
			failed = sc
		}
	}
	r := build(t, failed, report.Policy{MinAgreement: 3})
	v := r.Verdict
	if v.Status != report.VerdictIncomplete || v.GateTripped || v.RestsOn != 2 ||
		!strings.HasPrefix(v.Text, "incomplete: min agreement 3 cannot be met by 2 reviewers, so the gate was not applied (") {
		t.Fatalf("verdict = %+v", v)
	}
	// It says what the gate would have judged, never "below the gate".
	at := 0
	for _, f := range r.Findings {
		if review.SeverityRank(f.Severity) >= review.SeverityRank(r.Policy.FailOn) {
			at++
		}
	}
	if want := fmt.Sprintf("(%d finding", at); at == 0 && !strings.Contains(v.Text, "(no finding at or above "+r.Policy.FailOn+")") ||
		at > 0 && (!strings.Contains(v.Text, want) || !strings.Contains(v.Text, " left unjudged)")) || strings.Contains(v.Text, "below the gate") {
		t.Fatalf("verdict text %q (%d at or above %s)", v.Text, at, r.Policy.FailOn)
	}
	// With the gate off there is no gate to apply: the note only.
	r = build(t, failed, report.Policy{MinAgreement: 3, FailOn: report.FailOnNone})
	if r.Verdict.Status != report.VerdictPass || !strings.Contains(r.Verdict.Text, "; min agreement 3 cannot be met by 2 reviewers") {
		t.Fatalf("gate off: verdict = %+v", r.Verdict)
	}
}

// TestTitleOfEscapesAlone: a title that is only terminal escapes and
// invisible characters is no title: the finding is titled by its
// explanation's first sentence (it showed as an empty heading), and its
// text starts with no space the escapes stood before.
func TestTitleOfEscapesAlone(t *testing.T) {
	set := reporttest.Set()
	files := reporttest.Files(set)
	f := reporttest.F("store/cache.go", 17, "f, _ := os.Open(c.path(key))", "important", "bug", "\x1b[31m\x1b[0m\u200b", "\x1b[1m The file is never closed. It leaks.")
	raw := reporttest.Raw(reporttest.Result("alice", 0, reporttest.Chunk("c1", files, review.Answer{Findings: []review.RawFinding{f}})))
	r := build(t, reporttest.Scenario{Name: "escapes", Set: set, Raw: raw}, report.Policy{})
	if len(r.Findings) != 1 {
		t.Fatalf("%d findings, want 1", len(r.Findings))
	}
	if got := r.Findings[0]; got.Title != "The file is never closed" || got.Explanation != "The file is never closed. It leaks." {
		t.Errorf("title %q, explanation %q", got.Title, got.Explanation)
	}
}

// TestOthersOnlyWhenWordedOtherwise: a second finder who titled and rated
// the finding as its heading adds no "also reported as" line; one who
// worded or rated it otherwise does.
func TestOthersOnlyWhenWordedOtherwise(t *testing.T) {
	set := &diff.Set{Files: []diff.File{reporttest.File("a.go", diff.StatusModified, 1, 1, "+\tx := compute(1) // BUG")}}
	for _, tc := range []struct {
		title, severity string
		others          int
	}{
		{"BUG marker", "critical", 0},
		{"bug marker ", "critical", 0},
		{"BUG marker", "important", 1},
		{"Marker of a bug", "critical", 1},
	} {
		raw := reporttest.Raw(
			reporttest.Result("alice", 0, reporttest.Chunk("c1", []string{"a.go"}, review.Answer{Findings: []review.RawFinding{reporttest.F("a.go", 1, "x := compute(1) // BUG", "critical", "bug", "BUG marker", "e")}})),
			reporttest.Result("bob", 1, reporttest.Chunk("c1", []string{"a.go"}, review.Answer{Findings: []review.RawFinding{reporttest.F("a.go", 1, "x := compute(1) // BUG", tc.severity, "bug", tc.title, "e")}})),
		)
		r := build(t, reporttest.Scenario{Set: set, Raw: raw}, report.Policy{})
		if len(r.Findings) != 1 || len(r.Findings[0].Others) != tc.others {
			t.Errorf("%q %s: %d findings, others %+v; want %d", tc.title, tc.severity, len(r.Findings), r.Findings, tc.others)
		}
	}
}

// TestOthersShowARepeatRatedOtherwise: a reviewer's repeat rated otherwise
// than the heading (one hunk seen in two chunks, rated critical once) is
// shown beside it, not hidden behind the heading's wording.
func TestOthersShowARepeatRatedOtherwise(t *testing.T) {
	set := &diff.Set{Files: []diff.File{reporttest.File("a.go", diff.StatusModified, 1, 1, "+\tx := compute(1) // BUG")}}
	raw := reporttest.Raw(reporttest.Result("alice", 0,
		reporttest.Chunk("c1", []string{"a.go"}, review.Answer{Findings: []review.RawFinding{reporttest.F("a.go", 1, "x := compute(1) // BUG", "suggestion", "bug", "BUG marker left in", "e")}}),
		reporttest.Chunk("c2", []string{"a.go"}, review.Answer{Findings: []review.RawFinding{reporttest.F("a.go", 1, "x := compute(1) // BUG", "critical", "bug", "BUG marker left in", "e")}})))
	r := build(t, reporttest.Scenario{Set: set, Raw: raw}, report.Policy{})
	if len(r.Findings) != 1 || len(r.Findings[0].Others) != 1 || r.Findings[0].Others[0].Severity == r.Findings[0].Members[0].Severity && r.Findings[0].Others[0].Severity == r.Findings[0].Members[1].Severity {
		t.Fatalf("findings %+v", r.Findings)
	}
}

// TestOtherFixesAreKept: two finders of one issue with different fixes:
// the finding shows one, names the other finder, and each member keeps
// its own fix (helper 248: the other, correct fix was lost).
func TestOtherFixesAreKept(t *testing.T) {
	set := &diff.Set{Files: []diff.File{reporttest.File("a.go", diff.StatusModified, 1, 1, "+\treturn items[offset : offset+limit]")}}
	fix := func(name, fix string) review.RawResult {
		f := reporttest.F("a.go", 1, "return items[offset : offset+limit]", "important", "bug", "Slice out of range", "offset+limit can pass len(items)")
		f.Fix = fix
		return reporttest.Result(name, 0, reporttest.Chunk("c1", []string{"a.go"}, review.Answer{Findings: []review.RawFinding{f}}))
	}
	raw := reporttest.Raw(fix("alice", "end := min(offset+limit, len(items))"), fix("bob", "end := min(offset+limit, len(items))\nreturn items[offset:end]"))
	r := build(t, reporttest.Scenario{Set: set, Raw: raw}, report.Policy{})
	if len(r.Findings) != 1 {
		t.Fatalf("%d findings", len(r.Findings))
	}
	f := r.Findings[0]
	var other string
	for _, m := range f.Members {
		if m.Fix == "" {
			t.Errorf("member %s lost its fix", m.Reviewer)
		}
		if m.Fix != f.Fix {
			other = m.Reviewer
		}
	}
	if other == "" || !slices.Equal(f.OtherFixes, []string{other}) {
		t.Fatalf("other fixes %v, want [%s]", f.OtherFixes, other)
	}
	// The same fix, white space aside, is no other.
	raw = reporttest.Raw(fix("alice", "end := min(offset+limit, len(items))"), fix("bob", "end := min(offset+limit,  len(items))"))
	if r := build(t, reporttest.Scenario{Set: set, Raw: raw}, report.Policy{}); len(r.Findings[0].OtherFixes) != 0 {
		t.Errorf("alike fixes: other fixes %v", r.Findings[0].OtherFixes)
	}
}

// TestRateNeedsTokens: a reviewer that wrote a token or two (a tokenizer
// probe) has no generation rate: one token in microseconds is no speed.
func TestRateNeedsTokens(t *testing.T) {
	set := &diff.Set{Files: []diff.File{reporttest.File("a.go", diff.StatusModified, 1, 1, "+\tx := 1")}}
	res := reporttest.Result("alice", 0)
	res.Chunks, res.Status = nil, review.StatusFailed
	res.Metrics = review.Metrics{EvalTokens: 1, EvalDuration: 56 * time.Microsecond, Requests: 1}
	r := build(t, reporttest.Scenario{Set: set, Raw: reporttest.Raw(res)}, report.Policy{})
	if got := r.Reviewers[0].TokensPerSec; got != 0 {
		t.Errorf("tokens/s %v for one token", got)
	}
}
