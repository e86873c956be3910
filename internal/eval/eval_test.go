package eval

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/review"
)

func hunkSet(path string, h diff.Hunk) *diff.Set {
	return &diff.Set{Mode: diff.ModeCommits, Files: []diff.File{{Path: path, Status: diff.StatusModified, Hunks: []diff.Hunk{h}}}}
}

// TestTruth: added lines by their number, deleted lines where anchoring
// puts them (the line they sit before; the last line at the end of a file).
func TestTruth(t *testing.T) {
	set := hunkSet("a.go", diff.Hunk{OldStart: 10, OldLines: 6, NewStart: 10, NewLines: 5, Lines: []diff.Line{
		{Kind: diff.Context, Old: 10, New: 10, Text: "a"},
		{Kind: diff.Deleted, Old: 11, Text: "gone"},
		{Kind: diff.Deleted, Old: 12, Text: "gone too"},
		{Kind: diff.Context, Old: 13, New: 11, Text: "b"},
		{Kind: diff.Added, New: 12, Text: "new"},
		{Kind: diff.Context, Old: 14, New: 13, Text: "c"},
		{Kind: diff.Context, Old: 15, New: 14, Text: "d"},
		{Kind: diff.Deleted, Old: 16, Text: "last"},
	}})
	got := Truth(set)
	if !slices.Equal(got["a.go"], []int{11, 12, 14}) || len(got) != 1 {
		t.Fatalf("truth %v", got)
	}
	c := &Case{Truth: got}
	for _, tc := range []struct {
		file            string
		line, end, want int
		hit             bool
	}{
		{"a.go", 8, 0, 3, true},    // 11-3
		{"a.go", 7, 0, 3, false},   // 4 away
		{"a.go", 17, 0, 3, true},   // 14+3
		{"a.go", 2, 8, 3, true},    // a span reaching 8
		{"a.go", 0, 0, 3, false},   // file-level
		{"b.go", 12, 0, 3, false},  // another file
		{"a.go", 13, 0, 0, false},  // window 0: only the lines themselves
		{"a.go", 12, 0, 0, true},   //
		{"a.go", 15, 20, 0, false}, //
	} {
		if got := c.Hits(tc.file, tc.line, tc.end, tc.want); got != tc.hit {
			t.Errorf("%s:%d-%d window %d: hit %v", tc.file, tc.line, tc.end, tc.want, got)
		}
	}
}

func commit(sha, subject string, files ...string) Commit {
	c := Commit{SHA: sha, Parents: []string{"p" + sha}, Subject: subject}
	for _, f := range files {
		c.Files = append(c.Files, FileStat{Path: f, Added: 2, Deleted: 1})
	}
	return c
}

// TestCandidates classifies a history (newest first).
func TestCandidates(t *testing.T) {
	hist := []Commit{
		commit("h0", "store: fix the lock order", "store.go"),
		commit("h1", "store: add Get", "store.go"),  // too recent: fewer than 2 later commits
		commit("h2", "store: add Put", "store.go"),  // the fix h0 touched store.go 2 commits later
		commit("h3", "calc: add Div", "calc.go"),    // no fix touched calc.go in the next 2 commits
		commit("h4", "chore: bump", "calc.go"),      // clean subject
		commit("h5", "docs: fix typo", "README.md"), // a fix, but no code
		commit("h6", "Fix crash in parse", "a.go", "b.go", "c.go", "d.go"),
		{SHA: "h7", Subject: "fix: first", Files: []FileStat{{Path: "x.go", Added: 1}}},
		commit("h8", "refactor: big", "big.go"),
		commit("h9", "parse: guard against nil", "vendor/lib.py"),
		commit("h10", "fix flaky test", "calc_test.go"),
		commit("h11", "calc: fix rounding", "calc.go", "calc_test.go", "testdata/x.go"),
	}
	hist[8].Files[0].Added = 41
	hist[9].Body = "This fixes CVE-2024-1234."
	bugs, clean, skipped, err := Candidates(hist, Mining{CleanWindow: 2, Paths: []string{"store.go", "calc.go", "README.md", "a.go", "b.go", "c.go", "d.go", "x.go", "big.go", "vendor", "calc_test.go", "testdata"}})
	if err != nil {
		t.Fatal(err)
	}
	shas := func(cs []Candidate) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Commit.SHA)
		}
		return strings.Join(out, ",")
	}
	if got := shas(bugs); got != "h0,h9,h11" || strings.Join(bugs[2].Files, ",") != "calc.go" {
		t.Errorf("bugs %s", got)
	}
	if got := shas(clean); got != "h3,h4" {
		t.Errorf("clean %s", got)
	}
	var why []string
	for _, s := range skipped {
		why = append(why, s.Commit+" "+s.Reason)
	}
	want := "h5 " + SkipNoCode + "|h6 too many files (4 > 3)|h7 " + SkipRoot + "|h8 too many changed lines (42 > 40)|h10 " + SkipTests
	if got := strings.Join(why, "|"); got != want {
		t.Errorf("skipped\n%s\nwant\n%s", got, want)
	}
	// --paths narrows the files: calc.go only.
	bugs, clean, _, _ = Candidates(hist, Mining{CleanWindow: 2, Paths: []string{"calc.go"}})
	if shas(bugs) != "h11" || shas(clean) != "h3,h4" {
		t.Errorf("paths: bugs %s clean %s", shas(bugs), shas(clean))
	}
}

func TestOrder(t *testing.T) {
	var cs []Candidate
	for _, s := range []string{"a", "b", "c", "d", "e"} {
		cs = append(cs, Candidate{Commit: Commit{SHA: s}})
	}
	key := func(cs []Candidate) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Commit.SHA)
		}
		return strings.Join(out, "")
	}
	a := key(Order(cs, 1))
	rev := slices.Clone(cs)
	slices.Reverse(rev)
	if b := key(Order(rev, 1)); a != b {
		t.Fatalf("order depends on input order: %s vs %s", a, b)
	}
	if key(Order(cs, 2)) == a {
		t.Errorf("seeds 1 and 2 give the same order %s", a)
	}
	// A new commit does not reshuffle the others.
	more := key(Order(append(slices.Clone(cs), Candidate{Commit: Commit{SHA: "f"}}), 1))
	if strings.ReplaceAll(more, "f", "") != a {
		t.Errorf("adding f reshuffled: %s vs %s", more, a)
	}
}

// inputs are two bug cases and a clean one, answered by three reviewers.
func inputs() []Input {
	h := diff.Hunk{OldStart: 1, OldLines: 3, NewStart: 1, NewLines: 3, Lines: []diff.Line{
		{Kind: diff.Context, Old: 1, New: 1, Text: "package a"},
		{Kind: diff.Deleted, Old: 2, Text: "x := load()"},
		{Kind: diff.Added, New: 2, Text: "x, _ := load()"},
		{Kind: diff.Context, Old: 3, New: 3, Text: "use(x)"},
	}}
	mk := func(id, kind string, findings map[string][]review.RawFinding) Input {
		set := hunkSet("a.go", h)
		c := &Case{ID: id, Kind: kind, Commit: id, Subject: "subject " + id, Files: []string{"a.go"}, Set: set}
		if kind == KindBug {
			c.Truth = Truth(set)
		}
		raw := &review.Raw{Schema: "quorum.raw/v1"}
		for _, name := range []string{"m1", "m2", "m3"} {
			raw.Results = append(raw.Results, review.RawResult{
				Reviewer: review.Reviewer{Name: name, Model: name}, Digest: "d-" + name, Status: review.StatusOK, Covered: []string{"a.go"},
				Chunks:  []review.ChunkResult{{Chunk: "c", Files: []string{"a.go"}, Answer: &review.Answer{Findings: findings[name]}}},
				Metrics: review.Metrics{Requests: 1, PromptTokens: 100, EvalTokens: 10},
			})
		}
		return Input{Case: c, Raw: raw}
	}
	f := func(quote, sev, title string) review.RawFinding {
		return review.RawFinding{File: "a.go", Line: 2, Quote: quote, Severity: sev, Category: "error-handling", Title: title, Explanation: title + "."}
	}
	ignored := f("x, _ := load()", review.Important, "Error from load is ignored")
	return []Input{
		mk("bug:1", KindBug, map[string][]review.RawFinding{"m1": {ignored}, "m2": {ignored, f("use(x)", review.Suggestion, "Name x better")}}),
		mk("bug:2", KindBug, map[string][]review.RawFinding{"m3": {f("x, _ := load()", review.Critical, "Discarded error")}}),
		// On the added line: a finding that quotes only unchanged lines counts ½
		// at the gate, and this one is meant to block the clean case.
		mk("clean:3", KindClean, map[string][]review.RawFinding{"m2": {f("x, _ := load()", review.Important, "x may be nil")}}),
	}
}

func render(t *testing.T, in []Input) string {
	t.Helper()
	res, err := Score(in, []Skip{{Kind: KindBug, Commit: "z", Reason: SkipNoCode}, {Kind: KindBug, Commit: "y", Reason: SkipRoot}}, Settings{Window: 3, Severity: review.Important, MaxCleanBlockRate: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, f := range Formats {
		if err := Write(&b, f, res); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// TestScoreIgnoresOrder: the same answers in any order (cases, reviewers,
// findings) give byte-identical output in every format.
func TestScoreIgnoresOrder(t *testing.T) {
	want := render(t, inputs())
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		in := inputs()
		rng.Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
		for _, x := range in {
			rs := x.Raw.Results
			rng.Shuffle(len(rs), func(i, j int) { rs[i], rs[j] = rs[j], rs[i] })
			for _, r := range rs {
				fs := r.Chunks[0].Answer.Findings
				rng.Shuffle(len(fs), func(i, j int) { fs[i], fs[j] = fs[j], fs[i] })
			}
		}
		if got := render(t, in); got != want {
			t.Fatalf("output depends on input order:\n%s\nwant:\n%s", got, want)
		}
	}
	for _, s := range []string{`"schema": "quorum.eval/v1"`, "| model | recall |", "Recommendation: --models m1,m3 --min-agreement 1 --fail-on important: recall 2/2 (100%)"} {
		if !strings.Contains(want, s) {
			t.Errorf("output lacks %q:\n%s", s, want)
		}
	}
}

// TestScoreByHand: three reviewers, two bugs, one clean case.
func TestScoreByHand(t *testing.T) {
	res, err := Score(inputs(), nil, Settings{Window: 3, Severity: review.Important, MaxCleanBlockRate: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	type fig struct{ found, bugs, hits, bugFindings, cleanFindings int }
	want := map[string]fig{"m1": {1, 2, 1, 1, 0}, "m2": {1, 2, 1, 1, 1}, "m3": {1, 2, 1, 1, 0}}
	for _, m := range res.Models {
		w := want[m.Name]
		if (fig{m.Found, m.Bugs, m.Hits, m.BugFindings, m.CleanFindings}) != w || m.TokensIn != 300 || m.Requests != 3 {
			t.Errorf("%s: %+v, want %+v", m.Name, m, w)
		}
	}
	for _, tc := range []struct {
		panel                      string
		k                          int
		failOn                     string
		found, bugBlocked, cleanBl int
	}{
		{"m1,m2,m3", 1, "important", 2, 2, 1},
		{"m1,m2,m3", 1, "critical", 1, 1, 0},
		{"m1,m2,m3", 2, "important", 1, 1, 0},
		{"m1,m2,m3", 3, "suggestion", 0, 0, 0},
		{"m1,m3", 1, "important", 2, 2, 0},
		{"m2", 1, "suggestion", 1, 1, 1},
	} {
		var got *Rule
		for i := range res.Rules {
			r := &res.Rules[i]
			if strings.Join(r.Panel, ",") == tc.panel && r.MinAgreement == tc.k && r.FailOn == tc.failOn {
				got = r
			}
		}
		if got == nil || got.Found != tc.found || got.BugBlocked != tc.bugBlocked || got.CleanBlocked != tc.cleanBl {
			t.Errorf("%s %d %s: %+v, want found %d, blocked %d/%d", tc.panel, tc.k, tc.failOn, got, tc.found, tc.bugBlocked, tc.cleanBl)
		}
	}
	// m1+m3 at 1-of-2 important finds both bugs and blocks no clean case:
	// the most recall within 10%; no single reviewer does as well.
	if r := res.Recommendation; r == nil || strings.Join(r.Panel, ",") != "m1,m3" || r.MinAgreement != 1 || r.FailOn != review.Critical && r.FailOn != review.Important || r.Found != 2 {
		t.Fatalf("recommendation %+v", res.Recommendation)
	}
	if len(res.Rules) != (3+2+2+2+1+1+1)*3 {
		t.Errorf("%d rules", len(res.Rules))
	}
}

// TestRecommendationTieGoesToFirstName: two models equal on every figure
// are recommended by name, not by the order their rules were scored in.
func TestRecommendationTieGoesToFirstName(t *testing.T) {
	tied := func(model string) Rule {
		return Rule{Panel: []string{model}, MinAgreement: 1, FailOn: review.Critical, Found: 2, Recall: 1, BugBlocked: 2, BugBlockRate: 1}
	}
	for _, rules := range [][]Rule{
		{tied("bugfinder2"), tied("bugfinder")},
		{tied("bugfinder"), tied("bugfinder2")},
	} {
		rec, why := recommend(rules, Counts{Bug: 2, Clean: 2}, 0.1)
		if rec == nil || strings.Join(rec.Panel, ",") != "bugfinder" {
			t.Fatalf("rules %s, %s: recommendation %+v (%s)", rules[0].Panel[0], rules[1].Panel[0], rec, why)
		}
	}
}

func TestNoRecommendation(t *testing.T) {
	in := inputs()[:2] // no clean case
	res, err := Score(in, nil, Settings{Window: 3, Severity: review.Important, MaxCleanBlockRate: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Recommendation != nil || !strings.Contains(res.NoRecommendation, "no clean case") {
		t.Fatalf("%+v %q", res.Recommendation, res.NoRecommendation)
	}
	var b bytes.Buffer
	if err := Write(&b, "text", res); err != nil || !strings.Contains(b.String(), "No recommendation: no clean case was scored") {
		t.Fatalf("%v\n%s", err, b.String())
	}
}

// TestNoRecommendationWithoutRecall: when no rule within the clean limit
// finds a bug case, no rule is recommended (a gate that blocks nothing is
// no starting point), and the output says why.
func TestNoRecommendationWithoutRecall(t *testing.T) {
	in := inputs()
	for _, x := range in {
		for i := range x.Raw.Results {
			for j := range x.Raw.Results[i].Chunks {
				x.Raw.Results[i].Chunks[j].Answer.Findings = nil
			}
		}
	}
	res, err := Score(in, nil, Settings{Window: 3, Severity: review.Important, MaxCleanBlockRate: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Recommendation != nil || res.NoRecommendation != "no rule within 10% of clean cases found any of the 2 bug cases" {
		t.Fatalf("%+v %q", res.Recommendation, res.NoRecommendation)
	}
	var b bytes.Buffer
	if err := Write(&b, "text", res); err != nil || !strings.Contains(b.String(), "No recommendation: no rule within 10% of clean cases found any of the 2 bug cases.") {
		t.Fatalf("%v\n%s", err, b.String())
	}
}

// TestUnsafeText: commit subjects, file and model names from the
// repository and the server never reach the output raw.
func TestUnsafeText(t *testing.T) {
	in := inputs()
	in[0].Case.Subject = cmdtest.EvilName
	in[0].Raw.Results[0].Reviewer.Name = cmdtest.EvilName
	res, err := Score(in, []Skip{{Kind: KindBug, Commit: "z", Subject: cmdtest.EvilName, Reason: SkipNoCode}}, Settings{Window: 3, Severity: review.Important, MaxCleanBlockRate: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Formats {
		var b bytes.Buffer
		if err := Write(&b, f, res); err != nil {
			t.Fatal(err)
		}
		if u := cmdtest.Unsafe(b.String()); u != "" {
			t.Errorf("%s output holds %s", f, u)
		}
		if !strings.Contains(b.String(), "gnp.exe") {
			t.Errorf("%s output lost the name:\n%s", f, b.String())
		}
	}
}
