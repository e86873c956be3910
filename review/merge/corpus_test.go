package merge

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/merge/corpus"
)

// The merge-quality corpus (corpus/sets/*/*.txtar) is realistic
// three-model answers about realistic diffs, each finding labelled with the
// issue it is really about. One archive is one review: its diff, written as
// hunks (a "@@ N @@ section" header, then lines prefixed '+', '-' or ' '),
// and findings.json. The findings are anchored by the real anchor.Index, so
// they carry the LineText and Section a review would give them.
//
// dev is the set the algorithm was tuned on; heldout was written before any
// tuning and blind before reading the algorithm, and both are only
// measured. Every directory under corpus/sets is measured; the format
// is in corpus/sets/README.md. Rerun with
//
//	go test ./review/merge -run 'TestCorpus' -v

// stripKinds is a finding as an answer without the schema's kind would give
// it (a server that does not enforce the schema): only its words say what
// kind it is.
func stripKinds(f anchor.Finding) anchor.Finding { f.Raw.Kind = ""; return f }

// kindNoise is a preparation that changes the kind of about one finding in
// every `every`: to "other" when wrong is false (a model that gives up), to
// another kind of the taxonomy when it is true (a model that picks the wrong
// one). Which findings, and which wrong kind, is a hash of the finding's
// reviewer, line and title, so the noise is the same on every run.
func kindNoise(every int, wrong bool) func(anchor.Finding) anchor.Finding {
	return func(f anchor.Finding) anchor.Finding {
		h := fnv.New64a()
		fmt.Fprintf(h, "%s\x00%d\x00%s", f.Reviewer, f.Line, f.Raw.Title)
		v := h.Sum64()
		if v%uint64(every) != 0 {
			return f
		}
		if !wrong {
			f.Raw.Kind = "other"
			return f
		}
		names := slices.DeleteFunc(slices.Clone(kindNames), func(n string) bool { return n == f.Raw.Kind })
		f.Raw.Kind = names[(v/uint64(every))%uint64(len(names))]
		return f
	}
}

// loadCorpus reads one set of the built-in corpora, or, given an
// absolute path, a set being written outside it.
func loadCorpus(t *testing.T, dir string) []corpus.Review {
	t.Helper()
	fsys, set := corpus.Builtin(), dir
	if filepath.IsAbs(dir) {
		fsys, set = os.DirFS(dir), "."
	}
	reviews, err := corpus.Load(fsys, set)
	if err != nil {
		t.Fatal(err)
	}
	if set == "." {
		for i := range reviews {
			reviews[i].Name = filepath.Join(dir, filepath.Base(reviews[i].Name))
		}
	}
	return reviews
}

// corpusDirs lists every built-in set, dev first, so a new directory is
// measured without touching this file. Only dev gates.
func corpusDirs(t *testing.T) []string {
	t.Helper()
	dirs, err := corpus.Sets(corpus.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 || dirs[0] != "dev" {
		t.Fatalf("no dev set in the built-in corpora: %v", dirs)
	}
	return dirs
}

// scoreCorpus clusters each review and counts "same issue" pairs.
func scoreCorpus(reviews []corpus.Review, prep func(anchor.Finding) anchor.Finding) corpus.Counts {
	var s corpus.Counts
	for _, r := range reviews {
		in := r.Findings
		if prep != nil {
			in = make([]anchor.Finding, len(r.Findings))
			for i, f := range r.Findings {
				in[i] = prep(f)
			}
		}
		s.Add(corpus.Score(r, in, mergedPartition(in), true))
	}
	return s
}

// halfKindless gives the findings of about half the reviewers (by a hash
// of the reviewer's name) the kind missing: a panel that mixes a server
// that enforces the schema with one that does not, where the answer's
// missing kind is read as missing ("": what the parser does) or, to
// measure what that reading is worth, as a declared "other".
func halfKindless(as string) func(anchor.Finding) anchor.Finding {
	return func(f anchor.Finding) anchor.Finding {
		h := fnv.New32a()
		h.Write([]byte(f.Reviewer))
		if h.Sum32()%2 == 0 {
			f.Raw.Kind = as
		}
		return f
	}
}

// stripFix is a finding without its suggested fix (the schema does not
// require one).
func stripFix(f anchor.Finding) anchor.Finding { f.Raw.Fix = ""; return f }

// fixDropout drops the fix of about one finding in every `every`, chosen by
// a hash of the finding, as a model that sometimes leaves the field out.
func fixDropout(every int) func(anchor.Finding) anchor.Finding {
	return func(f anchor.Finding) anchor.Finding {
		h := fnv.New64a()
		fmt.Fprintf(h, "fix\x00%s\x00%d\x00%s", f.Reviewer, f.Line, f.Raw.Title)
		if h.Sum64()%uint64(every) == 0 {
			f.Raw.Fix = ""
		}
		return f
	}
}

// noContext strips what only a real diff gives (the enclosing section and
// the line text), as a corpus of bare findings would.
func noContext(f anchor.Finding) anchor.Finding {
	f.Section, f.LineText = "", ""
	return f
}

// TestCorpusPairwise is the merge-quality gate on the dev corpus, and a
// measure (logged, not gated) on the held-out corpus.
func TestCorpusPairwise(t *testing.T) {
	for _, dir := range corpusDirs(t) {
		set := struct {
			dir  string
			gate bool
		}{dir, dir == "dev"}
		reviews := loadCorpus(t, set.dir)
		for _, v := range []struct {
			name string
			prep func(anchor.Finding) anchor.Finding
		}{{"", nil}, {" (no schema kind)", stripKinds}, {" (half the reviewers without kinds)", halfKindless("")}, {" (half the reviewers: missing kind read as other)", halfKindless("other")}, {" (no section/line text)", noContext}, {" (no suggested fix)", stripFix}, {" (1 fix in 3 missing)", fixDropout(3)}} {
			s := scoreCorpus(reviews, v.prep)
			t.Logf("%s%s: %d findings, %d issues: pairwise precision %.2f (tp %d fp %d), recall %.2f (fn %d)",
				set.dir, v.name, s.Findings, s.Issues, s.Precision(), s.TP, s.FP, s.Recall(), s.FN)
			if testing.Verbose() {
				for _, e := range s.Errs {
					t.Log("  " + e)
				}
			}
			if set.gate && v.prep == nil && (s.Precision() < 1 || s.Recall() < 0.9) {
				t.Errorf("%s: precision %.2f (want 1.00), recall %.2f (want >= 0.90)", set.dir, s.Precision(), s.Recall())
			}
		}
	}
}

// TestCorpusOrderIndependence: every corpus review clusters the same under shuffling.
func TestCorpusOrderIndependence(t *testing.T) {
	for _, dir := range corpusDirs(t) {
		for _, r := range loadCorpus(t, dir) {
			want := signature(Clusters(r.Findings))
			for seed := range 50 {
				rng := rand.New(rand.NewPCG(uint64(seed), 7))
				in := slices.Clone(r.Findings)
				rng.Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
				if got := signature(Clusters(in)); got != want {
					t.Fatalf("%s: seed %d changed the clusters:\n%s\nwant\n%s", r.Name, seed, got, want)
				}
			}
		}
	}
}

// TestCorpusKinds logs the inferred kinds of the dev corpus (with -v).
func TestCorpusKinds(t *testing.T) {
	if !testing.Verbose() {
		t.Skip("a listing for -v")
	}
	for _, r := range loadCorpus(t, cmp.Or(os.Getenv("QUORUM_CORPUS"), "dev")) {
		for _, f := range r.Findings {
			t.Logf("%-22s %-14s %-30s %s", r.Name, r.Issue[corpus.Key(f)], kindOf("", f.Raw.Title, f.Raw.Explanation), f.Raw.Title)
		}
	}
}

// TestCorpusAblation logs the comparison table of BENCHMARKS.md "Merge
// quality": the algorithm with one part off at a time, on both corpora.
func TestCorpusAblation(t *testing.T) {
	if !testing.Verbose() {
		t.Skip("a table for -v")
	}
	defer func() {
		ablate = struct{ kinds, idf, code, linkCheck, distinct, far, isolated, fnIsolated, isoSameLine, dataflow, sameLineCode, related, kindIsolated, causeSymptom, wordsOverrule, perCallFar, inferIso, fix, otherNoKind, fileKind, quotedRepeats, selfKind, quoteParts, selfCategory bool }{}
		alt.mutual, alt.regionText, alt.location, alt.farFlow, alt.isoKinds, alt.kisoOther, alt.isoDeclSame, alt.fixNames, alt.fileKindPerCall, alt.fileFar = false, false, false, false, false, false, 0, false, false, false
		alt.slipOwnWords, alt.relatedOwnWords, alt.regionNamesAll, alt.fileNamesApart = false, false, false, false
	}()
	type variant struct {
		name string
		set  func()
		prep func(anchor.Finding) anchor.Finding
	}
	noSection := func(f anchor.Finding) anchor.Finding { f.Section = ""; return f }
	dirs := corpusDirs(t)
	t.Logf("| %-26s | %s | %s |", "variant", strings.Join(dirs, " P / R | ")+" P / R", strings.Join(corpus.Pools, " pooled P / R | ")+" pooled P / R")
	for _, v := range []variant{
		{"all parts", func() {}, nil},
		{"no kinds", func() { ablate.kinds = true }, nil},
		{"no fix evidence", func() { ablate.fix = true }, nil},
		{"other is no kind (before pass 10)", func() { ablate.otherNoKind = true }, nil},
		{"no suggested fixes", func() {}, stripFix},
		{"1 fix in 3 missing", func() {}, fixDropout(3)},
		{"no section region", func() {}, noSection},
		{"no IDF", func() { ablate.idf = true }, nil},
		{"no anchored-line names", func() { ablate.code = true }, nil},
		{"no cluster-level check", func() { ablate.linkCheck = true }, nil},
		{"no distinct-anchor rule", func() { ablate.distinct = true }, nil},
		{"no far-evidence rule", func() { ablate.far = true }, nil},
		{"neither evidence rule", func() { ablate.distinct, ablate.far = true, true }, nil},
		{"neither isolated nor flow", func() { ablate.isolated, ablate.dataflow = true, true }, nil},
		{"pass 4 first cut, None fix", func() { ablate.fnIsolated, ablate.isoSameLine, ablate.sameLineCode = true, true, true }, nil},
		{"no function-wide isolation", func() { ablate.fnIsolated = true }, nil},
		{"isolation on one line too", func() { ablate.isoSameLine = true }, nil},
		{"one line: line names count", func() { ablate.sameLineCode = true }, nil},
		{"both of the above", func() { ablate.isoSameLine, ablate.sameLineCode = true, true }, nil},
		{"no isolated-pair rule", func() { ablate.isolated = true }, nil},
		{"no dataflow link", func() { ablate.dataflow = true }, nil},
		{"+ dataflow as far evidence", func() { alt.farFlow = true }, nil},
		{"+ isolated modulo kinds", func() { alt.isoKinds = true }, nil},
		{"+ mutual-best matching", func() { alt.mutual = true }, nil},
		{"+ region text pairs", func() { alt.regionText = true }, nil},
		{"+ location evidence", func() { alt.location = true }, nil},
		{"+ matching + location", func() { alt.mutual, alt.location = true, true }, nil},
		{"+ all three", func() { alt.mutual, alt.location, alt.regionText = true, true, true }, nil},
		{"no section, no line text", func() {}, noContext},
		{"no schema kinds (words only)", func() {}, stripKinds},
		{"no declared-kind isolation", func() { ablate.kindIsolated = true }, nil},
		{"no cause-and-symptom kinds", func() { ablate.causeSymptom = true }, nil},
		{"related kinds conflict", func() { ablate.related = true }, nil},
		{"+ other isolates like a kind", func() { alt.kisoOther = true }, nil},
		{"isolation needs one declared kind", func() { alt.isoDeclSame = 1 }, nil},
		{"+ a vague text's fix names its call", func() { alt.fixNames = true }, nil},
		{"… and not other", func() { alt.isoDeclSame = 2 }, nil},
		{"no file-wide kind isolation", func() { ablate.fileKind = true }, nil},
		{"quoted repeats collapse (before pass 13)", func() { ablate.quotedRepeats = true }, nil},
		{"a reviewer's same-kind quotes of one line need alike words (before pass 23)", func() { ablate.selfKind = true }, nil},
		{"a reviewer's quotes of two parts of one line may be a repeat (before pass 23)", func() { ablate.quoteParts = true }, nil},
		{"a reviewer's two categories may be a repeat (before pass 24)", func() { ablate.selfCategory = true }, nil},
		{"+ file-wide for per-call kinds", func() { alt.fileKindPerCall = true }, nil},
		{"+ file-wide far evidence", func() { alt.fileFar = true }, nil},
		{"words overrule a kind they also name (before pass 17)", func() { alt.slipOwnWords = true }, nil},
		{"related kinds in words of their own stay related (before pass 17)", func() { alt.relatedOwnWords = true }, nil},
		{"kinds link statements named apart (before pass 17)", func() { alt.regionNamesAll, alt.fileNamesApart = true, true }, nil},
		{"no inferred-kind isolation, no schema kind", func() { ablate.inferIso = true }, stripKinds},
		{"declared kind not overruled", func() { ablate.wordsOverrule = true }, nil},
		{"… with 1 kind in 10 wrong", func() { ablate.wordsOverrule = true }, kindNoise(10, true)},
		{"… with 1 kind in 5 wrong", func() { ablate.wordsOverrule = true }, kindNoise(5, true)},
		{"1 kind in 10 given up", func() {}, kindNoise(10, false)},
		{"1 kind in 5 given up", func() {}, kindNoise(5, false)},
		{"1 kind in 10 wrong", func() {}, kindNoise(10, true)},
		{"1 kind in 5 wrong", func() {}, kindNoise(5, true)},
	} {
		ablate = struct{ kinds, idf, code, linkCheck, distinct, far, isolated, fnIsolated, isoSameLine, dataflow, sameLineCode, related, kindIsolated, causeSymptom, wordsOverrule, perCallFar, inferIso, fix, otherNoKind, fileKind, quotedRepeats, selfKind, quoteParts, selfCategory bool }{}
		alt.mutual, alt.regionText, alt.location, alt.farFlow, alt.isoKinds, alt.kisoOther, alt.isoDeclSame, alt.fixNames, alt.fileKindPerCall, alt.fileFar = false, false, false, false, false, false, 0, false, false, false
		alt.slipOwnWords, alt.relatedOwnWords, alt.regionNamesAll, alt.fileNamesApart = false, false, false, false
		v.set()
		row := fmt.Sprintf("| %-26s", v.name)
		pooled := map[string]*corpus.Counts{}
		for _, dir := range dirs {
			s := scoreCorpus(loadCorpus(t, dir), v.prep)
			row += fmt.Sprintf(" | %.2f | %.2f", s.Precision(), s.Recall())
			g := corpus.Pool(dir)
			if pooled[g] == nil {
				pooled[g] = &corpus.Counts{}
			}
			pooled[g].TP += s.TP
			pooled[g].FP += s.FP
			pooled[g].FN += s.FN
		}
		for _, g := range corpus.Pools {
			if p := pooled[g]; p != nil {
				row += fmt.Sprintf(" | %.3f | %.3f", p.Precision(), p.Recall())
			}
		}
		t.Log(row + " |")
	}
}
