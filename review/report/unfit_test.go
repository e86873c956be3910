package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// unfitSet is the adversarial commit: long.js, one line too long for any
// context, and small.go, two lines that fit.
func unfitSet(skip ...diff.Skipped) *diff.Set {
	return &diff.Set{
		Mode: "range",
		Base: diff.Ref{Ref: "origin/main", Commit: "1111111111111111111111111111111111111111"},
		Head: diff.Ref{Ref: "HEAD", Commit: "2222222222222222222222222222222222222222"},
		Files: []diff.File{
			reporttest.File("long.js", diff.StatusAdded, 0, 1, "+var x = '"+strings.Repeat("a", 45000)+"';"),
			reporttest.File("small.go", diff.StatusAdded, 0, 1, "+package small", "+func F() int { return 1 }"),
		},
		Skipped: skip,
		Commits: []diff.Commit{{SHA: "2222222222222222222222222222222222222222", Subject: "add long.js and small.go"}},
	}
}

// unfitResult is a reviewer that answered every chunk it was given; the
// plan could not fit long.js even one line at a time, so run recorded it
// as not covered and gave it no chunk.
func unfitResult(name string, i int, a review.Answer) review.RawResult {
	res := reporttest.Result(name, i, reporttest.Chunk("c-small", []string{"small.go"}, a))
	res.NotCovered = []string{"long.js"}
	return res
}

func consolidate(t *testing.T, set *diff.Set, raw *review.Raw, p report.Policy) *report.Report {
	t.Helper()
	r, err := pipeline.Consolidate(set, raw, p, report.Meta{GeneratedAt: reporttest.GeneratedAt})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestUnfitFileIsTruncatedAndNotAPass: a file no chunk of any reviewer
// could hold is "truncated" in the coverage (README: "What cannot fit even
// then is marked truncated"), the verdict is incomplete and trips the gate
// (exit 1 from `quorum review`, a blocked push), the verdict names the file
// and says what to do, and the summary counts only the lines read.
func TestUnfitFileIsTruncatedAndNotAPass(t *testing.T) {
	set := unfitSet()
	r := consolidate(t, set, reporttest.Raw(unfitResult("tinyllama", 0, review.Answer{Summary: "ok"})), report.Policy{})
	for _, f := range r.Coverage.Files {
		want := map[string]string{"long.js": report.CoverTruncated, "small.go": report.CoverReviewed}[f.Path]
		if f.By["tinyllama"] != want {
			t.Errorf("coverage of %s: %q, want %q", f.Path, f.By["tinyllama"], want)
		}
	}
	v := r.Verdict
	if v.Status != report.VerdictIncomplete || !v.GateTripped || !r.GateTripped() {
		t.Fatalf("verdict %+v: want incomplete with the gate tripped", v)
	}
	if strings.Join(v.Unread, ",") != "long.js" {
		t.Errorf("unread %v, want [long.js]", v.Unread)
	}
	for _, want := range []string{
		"incomplete: long.js did not fit any reviewer's context, even one line at a time, so no reviewer read it in full",
		"if it is generated or minified, leave it out with an ignore glob (ignore: in .quorum.yaml)",
		"else give the reviewers a larger context",
		"no findings at or above important in the rest",
	} {
		if !strings.Contains(v.Text, want) {
			t.Errorf("verdict %q\nlacks %q", v.Text, want)
		}
	}
	if strings.HasPrefix(v.Text, "passed") {
		t.Errorf("verdict %q says passed", v.Text)
	}
	// long.js's line was read by nobody: only small.go's two lines count.
	if !strings.Contains(r.Summary.Text, "1 of 1 reviewer reviewed 1 file (+2 −0) in 1 commit.") ||
		!strings.Contains(r.Summary.Text, "1 file no reviewer read: long.js.") {
		t.Errorf("summary %q", r.Summary.Text)
	}
	if r.Totals.Added != 3 || r.Totals.Files != 2 {
		t.Errorf("totals %+v: the diff's own totals are unchanged", r.Totals)
	}

	// The JSON contract: verdict.status and the coverage cell.
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Verdict struct {
			Status      string   `json:"status"`
			GateTripped bool     `json:"gate_tripped"`
			Unread      []string `json:"unread"`
		} `json:"verdict"`
		Coverage struct {
			Files []struct {
				Path string            `json:"path"`
				By   map[string]string `json:"by"`
			} `json:"files"`
		} `json:"coverage"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Verdict.Status != "incomplete" || !doc.Verdict.GateTripped || doc.Coverage.Files[0].Path != "long.js" ||
		doc.Coverage.Files[0].By["tinyllama"] != "truncated" {
		t.Errorf("json verdict %+v, coverage %+v", doc.Verdict, doc.Coverage.Files)
	}

	// The same raw answers give the same bytes.
	b2, _ := json.Marshal(consolidate(t, set, reporttest.Raw(unfitResult("tinyllama", 0, review.Answer{Summary: "ok"})), report.Policy{}))
	if !bytes.Equal(b, b2) {
		t.Error("the same raw answers gave two reports")
	}
}

// TestUnfitFileVerdictVariants: findings in the rest, a gate that is off,
// several files, a part of a file, and another reviewer that read it whole.
func TestUnfitFileVerdictVariants(t *testing.T) {
	set := unfitSet()
	bug := review.Answer{Summary: "bug", Findings: []review.RawFinding{
		reporttest.F("small.go", 2, "func F() int { return 1 }", "critical", "bug", "F returns the wrong value", "It should return 2."),
	}}

	t.Run("blocking finding in the rest", func(t *testing.T) {
		r := consolidate(t, set, reporttest.Raw(unfitResult("tinyllama", 0, bug)), report.Policy{})
		if r.Verdict.Status != report.VerdictIncomplete || !r.GateTripped() ||
			!strings.Contains(r.Verdict.Text, "; 1 finding at or above important in the rest") {
			t.Errorf("verdict %+v", r.Verdict)
		}
	})
	t.Run("gate off", func(t *testing.T) {
		r := consolidate(t, set, reporttest.Raw(unfitResult("tinyllama", 0, bug)), report.Policy{FailOn: report.FailOnNone})
		if r.Verdict.Status != report.VerdictIncomplete || r.GateTripped() ||
			!strings.Contains(r.Verdict.Text, "; the gate is off (1 finding in the rest)") {
			t.Errorf("verdict %+v: incomplete, and the gate the user turned off stays off", r.Verdict)
		}
	})
	t.Run("several files", func(t *testing.T) {
		set := unfitSet()
		set.Files = append(set.Files, reporttest.File("more.min.js", diff.StatusAdded, 0, 1, "+"+strings.Repeat("b", 40000)))
		res := unfitResult("tinyllama", 0, review.Answer{})
		res.NotCovered = []string{"long.js", "more.min.js"}
		r := consolidate(t, set, reporttest.Raw(res), report.Policy{})
		if !strings.HasPrefix(r.Verdict.Text, "incomplete: 2 files (long.js, more.min.js) did not fit any reviewer's context, even one line at a time, so no reviewer read them in full") ||
			!strings.Contains(r.Verdict.Text, "if they are generated or minified, leave them out") {
			t.Errorf("verdict %q", r.Verdict.Text)
		}
	})
	t.Run("one line of a file", func(t *testing.T) {
		// The plan showed the lines that fit and could not fit one: the
		// file is in an answered chunk and not covered.
		res := reporttest.Result("tinyllama", 0, reporttest.Chunk("c1", []string{"long.js", "small.go"}, review.Answer{}))
		res.NotCovered = []string{"long.js"}
		r := consolidate(t, set, reporttest.Raw(res), report.Policy{})
		if got := r.Coverage.Files[0].By["tinyllama"]; got != report.CoverTruncated {
			t.Errorf("long.js coverage %q, want truncated", got)
		}
		if r.Verdict.Status != report.VerdictIncomplete || !r.GateTripped() {
			t.Errorf("verdict %+v", r.Verdict)
		}
	})
	t.Run("another reviewer read it whole", func(t *testing.T) {
		big := reporttest.Result("bigctx", 1, reporttest.Chunk("c-all", []string{"long.js", "small.go"}, review.Answer{}))
		r := consolidate(t, set, reporttest.Raw(unfitResult("tinyllama", 0, review.Answer{}), big), report.Policy{})
		if by := r.Coverage.Files[0].By; by["tinyllama"] != report.CoverTruncated || by["bigctx"] != report.CoverReviewed {
			t.Errorf("long.js coverage %v", by)
		}
		if r.Verdict.Status != report.VerdictPass || r.GateTripped() || len(r.Verdict.Unread) != 0 {
			t.Errorf("verdict %+v: a file one reviewer read in full is reviewed", r.Verdict)
		}
	})
	t.Run("a stopped reviewer's unreached file stays not-covered", func(t *testing.T) {
		res := unfitResult("tinyllama", 0, review.Answer{})
		res.Status, res.Error = review.StatusPartial, "model \"tinyllama\" not found"
		r := consolidate(t, set, reporttest.Raw(res), report.Policy{})
		if got := r.Coverage.Files[0].By["tinyllama"]; got != report.CoverNotCovered {
			t.Errorf("long.js coverage %q, want not-covered (the reviewer stopped; it may have fitted)", got)
		}
		if r.Verdict.Status != report.VerdictIncomplete || !strings.Contains(r.Verdict.Text, "1 file read by no reviewer (long.js): see the coverage table, and run the review again") {
			t.Errorf("verdict %+v", r.Verdict)
		}
	})
}

// TestSkippedFilesStayPass: a generated or ignored file is skipped before
// planning (listed with its reason), never truncated and never partial: a
// minified bundle the user excluded leaves a clean pass.
func TestSkippedFilesStayPass(t *testing.T) {
	for _, reason := range []string{diff.SkipIgnored, diff.SkipGenerated} {
		set := unfitSet(diff.Skipped{Path: "long.js", Reason: reason})
		set.Files = set.Files[1:]
		r := consolidate(t, set, reporttest.Raw(reporttest.Result("tinyllama", 0, reporttest.Chunk("c-small", []string{"small.go"}, review.Answer{}))), report.Policy{})
		if r.Verdict.Status != report.VerdictPass || r.GateTripped() || len(r.Verdict.Unread) != 0 {
			t.Errorf("%s: verdict %+v", reason, r.Verdict)
		}
		if len(r.Coverage.Files) != 1 || len(r.Skipped) != 1 || (r.Skipped[0].File != "long.js" || r.Skipped[0].Reason != reason) {
			t.Errorf("%s: coverage %+v, skipped %+v", reason, r.Coverage.Files, r.Skipped)
		}
	}
}

// TestUnreadMatchesSanitisedNames: a reviewer whose name carries C1 or bidi
// characters (sanitised in the retro, exact in the coverage table) still
// counts as having read what it read: no file is unread, the review passes.
func TestUnreadMatchesSanitisedNames(t *testing.T) {
	set := unfitSet()
	name := "rev\u009b\u202e:7b"
	r := consolidate(t, set, reporttest.Raw(reporttest.Result(name, 0, reporttest.Chunk("c1", []string{"long.js", "small.go"}, review.Answer{}))), report.Policy{})
	if r.Verdict.Status != report.VerdictPass || len(r.Verdict.Unread) != 0 {
		t.Errorf("verdict %+v", r.Verdict)
	}
}

// TestOnlyUnfitFileIsNotUnanswered: when the unfit file is the only one,
// the reviewer has no chunk to ask; it is not "no reviewer answered": the
// verdict names the file as unread and trips the gate as beside another.
func TestOnlyUnfitFileIsNotUnanswered(t *testing.T) {
	set := unfitSet()
	set.Files = set.Files[:1]
	res := reporttest.Result("tinyllama", 0)
	res.Chunks, res.NotCovered = nil, []string{"long.js"}
	r := consolidate(t, set, reporttest.Raw(res), report.Policy{})
	v := r.Verdict
	if v.Status != report.VerdictIncomplete || !v.GateTripped || strings.Join(v.Unread, ",") != "long.js" ||
		!strings.Contains(v.Text, "long.js did not fit any reviewer's context, even one line at a time") || !r.TruncatedFor("long.js") ||
		strings.Contains(v.Text, "min agreement") || strings.Contains(r.Summary.Text, "did not answer") {
		t.Fatalf("verdict %+v, summary %q", v, r.Summary.Text)
	}
}

// TestUnfitAtOneTokenAByteSaysWhy: when every reviewer planned at one token
// a byte (no token count from its server), the verdict says so: that, not
// the file, is why a small file did not fit.
func TestUnfitAtOneTokenAByteSaysWhy(t *testing.T) {
	res := unfitResult("tinyllama", 0, review.Answer{Summary: "ok"})
	res.Calibration = "conservative"
	r := consolidate(t, unfitSet(), reporttest.Raw(res), report.Policy{})
	if !strings.Contains(r.Verdict.Text, "planned at one token a byte, the model's tokenizer unmeasured") {
		t.Errorf("verdict %q", r.Verdict.Text)
	}
	r = consolidate(t, unfitSet(), reporttest.Raw(unfitResult("tinyllama", 0, review.Answer{Summary: "ok"})), report.Policy{})
	if strings.Contains(r.Verdict.Text, "one token a byte") {
		t.Errorf("a measured reviewer's verdict %q", r.Verdict.Text)
	}
}

// TestNothingAskedIsNoAgreement: a reviewer with nothing it could ask
// read nothing: min_agreement 2 is not met by it and one that read, so a
// finding of the one is not let through as "found by fewer than 2".
func TestNothingAskedIsNoAgreement(t *testing.T) {
	set := unfitSet()
	set.Files = set.Files[:1]
	big := reporttest.Result("big", 0, reporttest.Chunk("c1", []string{"long.js"}, review.Answer{Findings: []review.RawFinding{
		reporttest.F("long.js", 1, "var x = 'aaaaaaaaaaaa", "important", "bug", "A huge literal", "e"),
	}}))
	small := reporttest.Result("small", 1)
	small.Chunks, small.NotCovered = nil, []string{"long.js"}
	r := consolidate(t, set, reporttest.Raw(big, small), report.Policy{FailOn: "important", MinAgreement: 2})
	if v := r.Verdict; v.Status == report.VerdictPass || !strings.Contains(v.Text, "min agreement 2 cannot be met by 1 reviewer") {
		t.Fatalf("verdict %+v", v)
	}
}
