package merge

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/prompts"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
)

func fnd(reviewer, file string, line int, sev, cat, title, expl string) anchor.Finding {
	return anchor.Finding{Reviewer: reviewer, File: file, Line: line, EndLine: line,
		Raw: review.RawFinding{File: file, Line: line, Severity: sev, Category: cat, Title: title, Explanation: expl}}
}

// signature describes clusters independent of their order in memory.
func signature(cs []Cluster) string {
	var parts []string
	for _, c := range cs {
		var ms []string
		for _, m := range c.Members {
			ms = append(ms, fmt.Sprintf("%s@%d:%s", m.Reviewer, m.Line, m.Raw.Title))
		}
		parts = append(parts, "{"+strings.Join(ms, " | ")+"} rep="+c.Rep.Raw.Title)
	}
	return strings.Join(parts, "\n")
}

func TestClusters(t *testing.T) {
	leakA := fnd("a", "x.go", 17, "important", "bug", "File handle is never closed", "`os.Open` returns `f` but nothing calls `f.Close()`: leaks a descriptor.")
	leakB := fnd("b", "x.go", 17, "important", "bug", "Descriptor leak: missing f.Close()", "Each call opens `f` and never closes it; add `defer f.Close()`.")
	readA := fnd("a", "x.go", 18, "important", "error-handling", "ReadAll error discarded", "A failed `io.ReadAll` returns partial `data`.")
	readB := fnd("b", "x.go", 18, "important", "error-handling", "Partial reads are returned as success", "The error from `io.ReadAll` is dropped, so truncated `data` reaches callers.")
	for _, tt := range []struct {
		name string
		in   []anchor.Finding
		want int   // clusters
		size []int // reviewers per cluster, in any order
	}{
		{"same issue from two reviewers", []anchor.Finding{leakA, leakB}, 1, []int{2}},
		{"adjacent distinct issues stay apart", []anchor.Finding{leakA, leakB, readA, readB}, 2, []int{2, 2}},
		{"parallel wording, different identifiers, adjacent lines", []anchor.Finding{
			fnd("a", "x.go", 17, "important", "error-handling", "Error from os.Open ignored", "The error returned by `os.Open` is discarded, so `f` may be nil."),
			fnd("b", "x.go", 18, "important", "error-handling", "Error from io.ReadAll ignored", "The error returned by `io.ReadAll` is discarded, so `data` may be truncated."),
		}, 2, []int{1, 1}},
		{"plain prose, different names, adjacent lines", []anchor.Finding{
			fnd("a", "x.go", 17, "important", "error-handling", "Ignored error from Open", "The error returned by Open is silently discarded and execution continues."),
			fnd("b", "x.go", 18, "important", "error-handling", "Ignored error from ReadAll", "The error returned by ReadAll is silently discarded and execution continues."),
		}, 2, []int{1, 1}},
		{"same prose, same line", []anchor.Finding{
			fnd("a", "x.go", 17, "important", "error-handling", "Unchecked error", "The error returned here is discarded and the function continues with an invalid value."),
			fnd("b", "x.go", 17, "important", "error-handling", "Unchecked error", "The error returned here is dropped and the function goes on with a bad value."),
		}, 1, []int{2}},
		{"different files never merge", []anchor.Finding{leakA, func() anchor.Finding { f := leakB; f.File = "y.go"; return f }()}, 2, []int{1, 1}},
		{"far lines never merge", []anchor.Finding{leakA, func() anchor.Finding { f := leakB; f.Line, f.EndLine = 40, 40; return f }()}, 2, []int{1, 1}},
		{"a reviewer repeating itself collapses", []anchor.Finding{leakA, leakA, leakB}, 1, []int{2}},
		// A style note whose words sound like the injection on its line
		// ("query concatenation") is not a second reviewer of it.
		{"a style note never confirms a security finding", []anchor.Finding{
			func() anchor.Finding {
				f := fnd("a", "store.go", 31, "important", "security", "SQL built from name", "The query concatenates `name` into SQL: an injection.")
				f.Raw.Kind, f.Raw.Quote, f.LineText, f.Evidence = "sql-injection", "q := \"SELECT * FROM users WHERE name = '\"+name+\"'\"", "q := \"SELECT * FROM users WHERE name = '\"+name+\"'\"", anchor.EvidenceQuote
				return f
			}(),
			func() anchor.Finding {
				f := fnd("b", "store.go", 31, "suggestion", "style", "Query string formatting", "gofmt would space the query concatenation differently; name the variable query.")
				f.Raw.Kind, f.Raw.Quote, f.LineText, f.Evidence = "other", "q := \"SELECT * FROM users WHERE name = '\"+name+\"'\"", "q := \"SELECT * FROM users WHERE name = '\"+name+\"'\"", anchor.EvidenceQuote
				return f
			}(),
			fnd("a", "store.go", 24, "important", "error-handling", "os.Create error discarded", "The error from `os.Create` is dropped."),
			fnd("b", "store.go", 25, "important", "bug", "Nil file closed", "`f` may be nil when `defer f.Close()` runs."),
		}, 3, []int{2, 1, 1}}, // the error dropped and its nil file: a cause and its symptom
		{"one finding per reviewer per cluster", []anchor.Finding{
			fnd("a", "x.go", 17, "important", "bug", "Descriptor leak", "`f` is never closed."),
			fnd("a", "x.go", 17, "important", "bug", "Unchecked os.Open", "The error from `os.Open` is discarded."),
			fnd("b", "x.go", 17, "important", "bug", "Unchecked os.Open and descriptor leak", "The error from `os.Open` is discarded and `f` is never closed."),
		}, 2, []int{1, 2}},
		{"file-level findings cluster with file-level only", []anchor.Finding{
			fnd("a", "x.go", 0, "suggestion", "docs", "Package doc missing for cache", "The `cache` package has no doc comment."),
			fnd("b", "x.go", 0, "suggestion", "docs", "Add a package doc comment", "`cache` lacks a package doc comment."),
			fnd("c", "x.go", 1, "suggestion", "docs", "Package doc missing for cache", "The `cache` package has no doc comment."),
		}, 2, []int{2, 1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Clusters(tt.in)
			if len(got) != tt.want {
				t.Fatalf("%d clusters, want %d:\n%s", len(got), tt.want, signature(got))
			}
			var sizes []int
			for _, c := range got {
				sizes = append(sizes, len(c.Reviewers))
				seen := map[string]bool{}
				for _, r := range c.Reviewers {
					if seen[r] {
						t.Errorf("reviewer %s twice in a cluster", r)
					}
					seen[r] = true
				}
			}
			slices.Sort(sizes)
			want := slices.Sorted(slices.Values(tt.size))
			if !slices.Equal(sizes, want) {
				t.Errorf("reviewers per cluster = %v, want %v:\n%s", sizes, tt.size, signature(got))
			}
		})
	}
}

func TestRepeatVotesTakeTheHighest(t *testing.T) {
	a1 := fnd("a", "x.go", 5, "suggestion", "bug", "Nil map write in Add", "`m` is nil when `Add` runs first.")
	a2 := a1
	a2.Raw.Severity, a2.Chunk = "critical", "c2"
	c := Clusters([]anchor.Finding{a1, a2})
	if len(c) != 1 || c[0].Votes["a"] != "critical" || c[0].Repeats != 1 {
		t.Fatalf("clusters = %+v", c)
	}
}

// TestOrderIndependence shuffles a dense, ambiguous set of findings many
// times; the clusters must not change.
func TestOrderIndependence(t *testing.T) {
	var in []anchor.Finding
	for r, name := range []string{"p", "q", "s", "t"} {
		for k := range 12 {
			l := (k*3+r)%20 + 1
			in = append(in, fnd(name, "d.go", l, []string{"critical", "important", "suggestion"}[(k+r)%3],
				[]string{"bug", "error-handling"}[k%2], fmt.Sprintf("load%d error ignored", l/4),
				fmt.Sprintf("The error from `load%d` is dropped; %s says so %d.", l/4, name, k%3)))
		}
	}
	want := signature(Clusters(in))
	for seed := range 300 {
		rng := rand.New(rand.NewPCG(uint64(seed), 1))
		shuffled := slices.Clone(in)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := signature(Clusters(shuffled)); got != want {
			t.Fatalf("seed %d changed the clusters:\n%s\nwant\n%s", seed, got, want)
		}
	}
}

func TestSimilarity(t *testing.T) {
	v := func(s string) vector { return vectorize(s) }
	same := jaccard(v("File handle is never closed: `f.Close()` missing after os.Open"), v("Descriptor leak: missing f.Close() on the os.Open result"))
	diff := jaccard(v("File handle is never closed: `f.Close()` missing"), v("ReadAll error discarded; partial data returned"))
	if same <= diff || same < CrossThreshold {
		t.Errorf("same-issue score %.2f, different-issue score %.2f", same, diff)
	}
	if got := jaccard(v("the a of"), v("the a of")); got != 0 {
		t.Errorf("stopwords only scored %.2f", got)
	}
	weights := func(s string) map[string]float64 {
		m := map[string]float64{}
		for _, tm := range v(s).terms {
			m[tm.tok] = tm.w
		}
		return m
	}
	for text, want := range map[string]map[string]float64{
		"calls parseConfig twice":                     {"parseconfig": identWeight, "twic": wordWeight},
		"Closes the socket. Then returns.":            {"clos": wordWeight, "socket": wordWeight, "return": wordWeight},
		"uses `cfg` and os.Getenv, then Load(path)":   {"cfg": identWeight, "os": identWeight, "getenv": identWeight, "load": identWeight, "path": wordWeight},
		"Error: the Handler leaks.\nMissing CLOSE_FD": {"error": wordWeight, "handler": identWeight, "leak": wordWeight, "miss": wordWeight, "close_fd": identWeight},
	} {
		got := weights(text)
		for tok, w := range want {
			if got[tok] != w {
				t.Errorf("%q: %s weighs %.0f, want %.0f (all: %v)", text, tok, got[tok], w, got)
			}
		}
	}
}

// TestSchemaKinds: the reviewer schema's kind enum is the merge taxonomy
// plus "other", so every kind a model can give is one merge understands.
func TestSchemaKinds(t *testing.T) {
	want := append(KindNames(), "other")
	if got := prompts.Kinds(); !slices.Equal(got, want) {
		t.Errorf("schema kind enum\n%v\nwant\n%v", got, want)
	}
	if kindOf("other", "SQL injection", "") == 0 || kindOf("no-such-kind", "SQL injection", "") == 0 {
		t.Error("an unknown or \"other\" kind must fall back to the inferred kinds")
	}
	if kindOf("deadlock", "SQL injection", "") != kindBit("deadlock") {
		t.Error("a given kind must override the cues")
	}
}

// TestQuotedStatementsAreNotRepeats: one reviewer quoting two statements
// two lines apart made two findings, however alike their words; the same
// statement quoted twice (one hunk seen in two chunks) is a repeat.
func TestQuotedStatementsAreNotRepeats(t *testing.T) {
	quoted := func(line int, title string) anchor.Finding {
		f := fnd("a", "a.go", line, "critical", "security", title, "name is concatenated into the statement, so a caller controls the SQL.")
		f.Evidence, f.Raw.Kind = anchor.EvidenceQuote, "sql-injection"
		return f
	}
	if c := Clusters([]anchor.Finding{quoted(5, "SQL injection in DELETE"), quoted(7, "SQL injection in DROP TABLE")}); len(c) != 2 {
		t.Fatalf("two quoted statements: %d clusters\n%s", len(c), signature(c))
	}
	if c := Clusters([]anchor.Finding{quoted(5, "SQL injection in DELETE"), quoted(5, "SQL injection in the DELETE")}); len(c) != 1 || c[0].Repeats != 1 {
		t.Fatalf("one statement quoted twice: %d clusters\n%s", len(c), signature(c))
	}
	// Without quotes, lines are the reviewer's guess: alike words two
	// lines apart are still its repeat.
	a, b := quoted(5, "SQL injection in DELETE"), quoted(7, "SQL injection in the DELETE")
	a.Evidence, b.Evidence = anchor.EvidenceLine, anchor.EvidenceLine
	if c := Clusters([]anchor.Finding{a, b}); len(c) != 1 {
		t.Fatalf("line-only repeat: %d clusters\n%s", len(c), signature(c))
	}
}

// TestRepresentativeIsWhereItWasQuoted: a cluster is shown by the member
// whose place is surest (a quote over a line number, changed code over
// unchanged), however central another's words are: a reviewer's guessed
// line on unchanged code never becomes the finding's place.
func TestRepresentativeIsWhereItWasQuoted(t *testing.T) {
	guessed := fnd("a", "util.go", 5, "important", "bug", "Off-by-one in clamp bound", "`hi` is inclusive, so `v >= hi` clamps the bound itself.")
	guessed.Evidence, guessed.LineKind = anchor.EvidenceLine, diff.Context
	quoted := fnd("b", "util.go", 7, "important", "bug", "Clamp bound is off by one", "`v >= hi` clamps `hi` itself, which is a valid value.")
	quoted.Evidence, quoted.LineKind, quoted.Raw.Quote, quoted.LineText = anchor.EvidenceQuote, diff.Added, "if v >= hi {", "\tif v >= hi {"
	for _, in := range [][]anchor.Finding{{guessed, quoted}, {quoted, guessed}} {
		cs := Clusters(in)
		if len(cs) != 1 {
			t.Fatalf("%d clusters:\n%s", len(cs), signature(cs))
		}
		if r := cs[0].Rep; r.Line != 7 || r.Evidence != anchor.EvidenceQuote {
			t.Errorf("shown at line %d with %s evidence; want the quoted line 7", r.Line, r.Evidence)
		}
	}
}

// TestJudgedClusterIsShownWhereItWasQuoted: a judge that groups a critical
// finding on a guessed unchanged line with an important one quoted on the
// added line is named after the quoted one: severity does not move the
// finding's place onto a guess.
func TestJudgedClusterIsShownWhereItWasQuoted(t *testing.T) {
	guessed := fnd("a", "util.go", 5, "critical", "bug", "Bound clamped", "`hi` is clamped.")
	guessed.Evidence, guessed.LineKind = anchor.EvidenceLine, diff.Context
	quoted := fnd("b", "util.go", 7, "important", "bug", "Off by one in clamp", "`v >= hi` clamps the bound.")
	quoted.Evidence, quoted.LineKind, quoted.Raw.Quote, quoted.LineText = anchor.EvidenceQuote, diff.Added, "if v >= hi {", "\tif v >= hi {"
	rules := []Cluster{build(newNodes([]anchor.Finding{guessed}), []int{0}), build(newNodes([]anchor.Finding{quoted}), []int{0})}
	judged := []Cluster{{Members: []anchor.Finding{guessed, quoted}, Rep: guessed}}
	nameAfterRules(judged, rules)
	if r := judged[0].Rep; r.Line != 7 || r.Evidence != anchor.EvidenceQuote {
		t.Errorf("named after line %d (%s); want the quoted line 7", r.Line, r.Evidence)
	}
}
