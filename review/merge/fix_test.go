package merge

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review/anchor"
)

func deltaTokens(v vector) []string {
	var out []string
	for _, t := range v.terms {
		out = append(out, t.tok)
	}
	return out
}

func TestFixDelta(t *testing.T) {
	for _, tt := range []struct {
		name, fix, code string
		want            []string
	}{
		{"replacement code: only what it adds", "rows, err := db.Query(q, id)\nif err != nil { return err }\ndefer rows.Close()",
			"rows, _ := db.Query(q, id)", []string{"close", "defer", "err", "if", "nil", "return"}},
		{"a diff: the '-' lines are old code, context is no change", "@@ -1 +1 @@\n-parts := strings.Split(s, \" \")\n+parts := strings.SplitN(s, \" \", 3)\n if len(parts) < 3 {",
			"", []string{"splitn"}},
		{"the replaced code, repeated, is no change", "keys.append(parts[2] if len(parts) > 2 else \"\")\nreturn keys",
			"keys.append(parts[2])\nreturn keys", []string{"else", "if", "len"}},
		{"a fenced diff: the fence and its tag are not the repair", "```diff\n-f.Close()\n+if err := f.Close(); err != nil { return err }\n```",
			"", []string{"err", "if", "nil", "return"}},
		{"a diff that only deletes changes nothing it adds", "-log.Printf(\"tok %s\", tok)\n-debugDump(req)", "", nil},
		{"git's no-newline marker is not words", "-foo()\n+bar()\n\\ No newline at end of file", "", []string{"bar"}},
		{"words, when the fix is prose, without stopwords", "Close the file before returning.", "f, _ := os.Open(p)", []string{"close", "returning"}},
		{"tokens of one rune are dropped, by runes not bytes", "é := 日 + café", "", []string{"café"}},
		{"no fix", "  \n", "x := 1", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := deltaTokens(fixDelta(tt.fix, tt.code))
			if !slices.Equal(got, tt.want) {
				t.Errorf("fixDelta(%q) = %v, want %v", tt.fix, got, tt.want)
			}
		})
	}
}

func TestFixDeltaWeighsFillerLow(t *testing.T) {
	v := fixDelta("if err != nil { return err }\ndefer rows.Close()", "rows, _ := q()")
	for _, term := range v.terms {
		want := identWeight
		if term.tok == "if" || term.tok == "err" || term.tok == "nil" || term.tok == "return" || term.tok == "defer" {
			want = wordWeight
		}
		if term.w != want || term.ident != (want == identWeight) {
			t.Errorf("%q weighs %v (ident %v), want %v", term.tok, term.w, term.ident, want)
		}
	}
	for _, term := range fixDelta("Close the file when done.", "").terms {
		if term.w != wordWeight || term.ident {
			t.Errorf("prose word %q weighs %v (ident %v), want a word's weight", term.tok, term.w, term.ident)
		}
	}
}

// The IDF of fixes is over the findings that have one: a token every fix
// adds falls to the floor however many findings have no fix.
func TestFixIDFCountsOnlyFindingsWithAFix(t *testing.T) {
	fixes := make([]vector, 20)
	for i := range 3 {
		fixes[i] = fixDelta(fmt.Sprintf("defer rows.Close()\nuse%d()", i), "")
	}
	for i := range idfMin {
		fixes[3+i] = fixDelta(fmt.Sprintf("other%d()", i), "")
	}
	fixIDF(fixes)
	for _, term := range fixes[0].terms {
		if term.tok == "close" && term.w > identWeight*0.75 {
			t.Errorf("a token 3 of 9 fixes add weighs %v; want it lowered (IDF over the 9, not the 20)", term.w)
		}
	}
	if fixes[19].total != 0 {
		t.Error("a finding without a fix got a fix vector")
	}
}

func TestWithFix(t *testing.T) {
	if got := withFix(0.2, -1); got != 0.2 {
		t.Errorf("no fix evidence changed the score: %v", got)
	}
	if got := withFix(0.2, 0); got != 0.2 {
		t.Errorf("fixes sharing nothing changed the score: %v (they never split a pair)", got)
	}
	if got := withFix(0.2, 1); got != 0.2+fixWeight {
		t.Errorf("the same fix: %v, want %v", got, 0.2+fixWeight)
	}
	if got := withFix(0.95, 1); got != 1 {
		t.Errorf("the score is capped at 1, got %v", got)
	}
}

// TestFixLinksParaphrases: one bug worded with no shared word, each reviewer
// with a second finding nearby (so no isolation), is linked by the repair
// both suggest, and only by it.
func TestFixLinksParaphrases(t *testing.T) {
	const section = "def load_keys(path):"
	a := withLine(fnd("a", "keys.py", 16, "important", "bug", "Short entries make the tool crash", "Lines with only two fields stop the program."), section, `parts = line.split(" ")`)
	b := withLine(fnd("b", "keys.py", 17, "important", "bug", "IndexError on comment-less keys", "Accessing the third element fails for such input."), section, `keys.append({"type": parts[0], "comment": parts[2]})`)
	a2 := withLine(fnd("a", "keys.py", 18, "suggestion", "style", "Prefer a dataclass", "A typed record reads better."), section, "return keys")
	b2 := withLine(fnd("b", "keys.py", 15, "suggestion", "performance", "Opened without a context manager", "The handle stays open."), section, "for line in open(path):")
	in := []anchor.Finding{a, b, a2, b2}
	linked := func(cs []Cluster) bool {
		for _, c := range cs {
			if len(c.Members) == 2 && strings.Contains(c.Members[0].Raw.Title+c.Members[1].Raw.Title, "IndexError") && strings.Contains(c.Members[0].Raw.Title+c.Members[1].Raw.Title, "Short entries") {
				return true
			}
		}
		return false
	}
	if cs := Clusters(in); linked(cs) {
		t.Fatalf("linked without any fix: the test tests nothing\n%s", signature(cs))
	}
	a.Raw.Fix = "parts = line.split(None, 2)\ncomment = parts[2] if len(parts) > 2 else \"\""
	b.Raw.Fix = "comment = parts[2] if len(parts) > 2 else \"\"\nkeys.append({\"type\": parts[0], \"comment\": comment})"
	in = []anchor.Finding{a, b, a2, b2}
	if cs := Clusters(in); !linked(cs) {
		t.Fatalf("the same repair did not link the paraphrases:\n%s", signature(cs))
	}
	// Different repairs leave them to the words, which do not link them.
	b.Raw.Fix = "with open(path) as fh:"
	if cs := Clusters([]anchor.Finding{a, b, a2, b2}); linked(cs) {
		t.Fatalf("different repairs linked the paraphrases:\n%s", signature(cs))
	}
}
