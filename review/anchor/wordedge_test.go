package anchor_test

import (
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

// evidenceCase is a quote and how it must anchor: line 0 is "quote not in
// the diff"; near says the match is only a near copy (weaker evidence).
type evidenceCase struct {
	quote string
	line  int
	near  bool
}

func checkEvidence(t *testing.T, file string, first int, lines []string, cases []evidenceCase) {
	t.Helper()
	set := reporttest.Set()
	set.Files = append(set.Files, reporttest.File(file, diff.StatusModified, first, first, lines...))
	ix := anchor.NewIndex(set)
	for _, tt := range cases {
		got, rej := ix.Anchor("r", "c", 1, reporttest.F(file, first, tt.quote, "critical", "bug", "t", "e"))
		switch {
		case tt.line == 0 && rej == nil:
			t.Errorf("%q: anchored at %d (near %v), want rejected", tt.quote, got.Line, got.Near)
		case tt.line == 0 && rej.Reason != "quote not in the diff":
			t.Errorf("%q: rejected for %q", tt.quote, rej.Reason)
		case tt.line != 0 && rej != nil:
			t.Errorf("%q: rejected (%s), want line %d", tt.quote, rej.Reason, tt.line)
		case tt.line != 0 && (got.Line != tt.line || got.Evidence != anchor.EvidenceQuote || got.Near != tt.near):
			t.Errorf("%q: line %d evidence %s near %v, want line %d by quote, near %v", tt.quote, got.Line, got.Evidence, got.Near, tt.line, tt.near)
		}
	}
}

// TestPartOfALineStopsAtItsWords: a quote that is part of a line starts
// and ends where the line's words do. Cut inside a word or a number it
// says another thing; one that stops inside a name is a shortened line,
// a near copy.
func TestPartOfALineStopsAtItsWords(t *testing.T) {
	checkEvidence(t, "w.go", 10, []string{
		"+\tdisallowed := check(u)",              // 10
		"+\tn := 1000",                           // 11
		"+\tres := unsafeHTML(s)",                // 12
		"+\tlimit := 1024",                       // 13
		"+\tif sig != verification_sig(email) {", // 14
	}, []evidenceCase{
		{"allowed := check(u)", 0, false},
		{"n := 100", 0, false},
		{"safeHTML(s)", 0, false},
		{"limit := 10", 0, false},
		{"sig != verification", 14, true},
		// At the edges of the line's words: the line's own code.
		{"disallowed := check(u)", 10, false},
		{"unsafeHTML(s)", 12, false},
		{"check(u)", 10, false},
	})
}

// TestCodeInACommentIsNotCode: a quote found only in a line's comment is
// code the comment mentions, not code the change runs; it is a near copy
// at best. With the model's own comment dropped, the code that remains
// is read as rule 2 reads a part: `u.IsAdmin() {` of `if !u.IsAdmin() {`
// is a near copy whatever comment follows it.
func TestCodeInACommentIsNotCode(t *testing.T) {
	checkEvidence(t, "c.go", 20, []string{
		`+	// old: exec.Command("sh", "-c", userInput)`,       // 20
		"+\tif !u.IsAdmin() {",                                // 21
		"+\tdefer f.Close()",                                  // 22
		`+	run(exec.Command("ls")) // not exec.Command("sh")`, // 23
	}, []evidenceCase{
		{`exec.Command("sh", "-c", userInput)`, 20, true},
		{`// old: exec.Command("sh", "-c", userInput)`, 20, false},
		{"u.IsAdmin() { // not admin", 21, true},
		{"f.Close() // close", 22, true},
		{"if !u.IsAdmin() { // not admin", 21, false},
		{`run(exec.Command("ls"))`, 23, false},
	})
}

// TestShellHashInAWordIsCode: in a shell script, # starts a comment only
// at the start of a word: `${#items[@]}` is code, and a quote changing it
// is not the line.
func TestShellHashInAWordIsCode(t *testing.T) {
	checkEvidence(t, "run.sh", 1, []string{
		"+count=${#items[@]}",         // 1
		"+echo \"$count\" # how many", // 2
	}, []evidenceCase{
		{"count=${#users[@]}", 0, false},
		{"count=${#items[@]}", 1, false},
		{"echo \"$count\" # the count", 2, false},
	})
}

// TestRetriesKeepTheirCode: a quote is read without the prompt's line
// number or marker only where that number and marker are the prompt's.
// `500 * time.Second` is not line 500's `* time.Second`, nor
// `-1 * time.Second` a deleted `1 * time.Second`.
func TestRetriesKeepTheirCode(t *testing.T) {
	checkEvidence(t, "t.go", 20, []string{
		"+\ttimeout := 5 * time.Second", // 20
		"+\twait := 1 * time.Second",    // 21
		"-\tretries := 3",               // deleted
		" \treturn nil",                 // 22
	}, []evidenceCase{
		{"500 * time.Second", 0, false},
		{"-1 * time.Second", 0, false},
		{"20+\ttimeout := 5 * time.Second", 20, false},
		{"21: wait := 1 * time.Second", 21, false},
		{"22 \treturn nil", 22, false},
		{"-\tretries := 3", 22, false},
		{"-retries := 3", 22, false},
		{"+wait := 1 * time.Second", 21, false},
		{"-wait := 1 * time.Second", 0, false},
		// The number that counts is the first line's that is kept: a
		// blank numbered line above is dropped.
		{"19+\n20+\ttimeout := 5 * time.Second", 20, false},
	})
}

// TestWholeMatchBeatsANearCopy: a quote whose lines match whole further
// on (its first line there carries a comment it left off) is found there,
// not as a near copy of similar lines the first line matched exactly.
func TestWholeMatchBeatsANearCopy(t *testing.T) {
	lines := []string{
		"+\tx := load(cfg)", // 4
		"+\tif err := validate(conf, strict); err != nil {", // 5
	}
	for n := 6; n < 28; n++ {
		lines = append(lines, "+\tstep()")
	}
	lines = append(lines,
		"+\tx := load(cfg) // primary",                     // 28
		"+\tif err := validate(cfg, strict); err != nil {") // 29
	checkEvidence(t, "v.go", 4, lines, []evidenceCase{
		{"x := load(cfg)\nif err := validate(cfg, strict); err != nil {", 28, false},
	})
}

// TestKeywordQuotesWeighAsALine: a quote of nothing but common keywords
// and literals (`return nil`, `} else {`) is on many lines of any file:
// it places the finding but weighs as a line number; one naming code
// weighs as a quote.
func TestKeywordQuotesWeighAsALine(t *testing.T) {
	set := reporttest.Set()
	set.Files = append(set.Files, reporttest.File("k.go", diff.StatusModified, 1, 1,
		"+\tif ok {", "+\t\treturn nil", "+\t} else {", "+\t\treturn err", "+\t}", "+\tif err != nil {", "+\t\treturn ok", "+\t}"))
	ix := anchor.NewIndex(set)
	for quote, want := range map[string]string{
		"return nil": anchor.EvidenceLine, "} else {": anchor.EvidenceLine, "}": anchor.EvidenceLine,
		"if ok {": anchor.EvidenceQuote, "return ok": anchor.EvidenceQuote,
		// Error handling is often the bug itself: it weighs as a quote.
		"return err": anchor.EvidenceQuote, "if err != nil {": anchor.EvidenceQuote,
	} {
		got, rej := ix.Anchor("r", "c", 1, reporttest.F("k.go", 2, quote, "critical", "bug", "t", "e"))
		if rej != nil || got.Evidence != want {
			t.Errorf("%q: evidence %q (rejected %v), want %q", quote, got.Evidence, rej, want)
		}
	}
}

// TestNumberedKeywordQuoteNeedsThePromptsPrefix: a keyword quote copied
// with the prompt's own prefix of its line ("2+" for an added line) was
// read there and weighs as a quote; a number with another mark ("2 ",
// the unchanged lines' mark, or "2:", no prompt's) only repeats the
// finding's line and weighs as one.
func TestNumberedKeywordQuoteNeedsThePromptsPrefix(t *testing.T) {
	set := reporttest.Set()
	set.Files = append(set.Files, reporttest.File("k.go", diff.StatusModified, 1, 1,
		"+\tif ok {", "+\t\treturn nil", "+\t}", " \treturn nil"))
	ix := anchor.NewIndex(set)
	for _, tc := range []struct {
		line  int
		quote string
		want  string
	}{
		{2, "return nil", anchor.EvidenceLine},
		{2, "2+\t\treturn nil", anchor.EvidenceQuote},
		{2, "2 \t\treturn nil", anchor.EvidenceLine},
		{2, "2: return nil", anchor.EvidenceLine},
		{4, "4 \treturn nil", anchor.EvidenceQuote},
		{4, "4+\treturn nil", anchor.EvidenceLine},
	} {
		got, rej := ix.Anchor("r", "c", 1, reporttest.F("k.go", tc.line, tc.quote, "critical", "bug", "t", "e"))
		if rej != nil || got.Evidence != tc.want {
			t.Errorf("%q at %d: evidence %q (rejected %v), want %q", tc.quote, tc.line, got.Evidence, rej, tc.want)
		}
	}
}
