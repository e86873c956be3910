package merge

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestKindInference measures the cue lists against the corpora's blind kind
// annotations (model-kinds.json): how often the words alone name the kind
// a model declared. It is the words-only path (a server that does not
// enforce the schema) and the overrule of declared kinds that depend on it.
// A measure, not a gate: run with -v.
func TestKindInference(t *testing.T) {
	if !testing.Verbose() {
		t.Skip("a measure for -v")
	}
	type tally struct{ n, exact, within, none, wrong, otherN, otherQuiet int }
	var all tally
	misses := map[string][]string{}
	for _, dir := range corpusDirs(t) {
		if slices.Contains(strings.Split(os.Getenv("QUORUM_SKIP_CORPORA"), ","), dir) {
			continue // held out while the cues are written
		}
		var c tally
		for _, r := range loadCorpus(t, dir) {
			for _, f := range r.Findings {
				want := declaredKind(f.Raw.Kind)
				if want == 0 {
					continue // no annotation
				}
				got := inferKinds(f.Raw.Title, f.Raw.Explanation)
				c.n++
				if want == otherBit {
					c.otherN++
					if got == 0 {
						c.otherQuiet++
					}
					continue
				}
				switch {
				case got == want:
					c.exact++
				case got&want != 0:
					c.within++
				case got == 0:
					c.none++
					misses[f.Raw.Kind] = append(misses[f.Raw.Kind], "none  "+f.Raw.Title)
				default:
					c.wrong++
					misses[f.Raw.Kind] = append(misses[f.Raw.Kind], fmt.Sprintf("wrong %v  %s", kindsJoined(got), f.Raw.Title))
				}
			}
		}
		k := c.n - c.otherN
		t.Logf("%-8s %3d findings of a taxonomy kind: exact %.2f, among others %.2f, none %.2f, wrong %.2f; %3d \"other\": no kind inferred %.2f",
			dir, k, frac(c.exact, k), frac(c.within, k), frac(c.none, k), frac(c.wrong, k), c.otherN, frac(c.otherQuiet, c.otherN))
		all.n += c.n
		all.exact += c.exact
		all.within += c.within
		all.none += c.none
		all.wrong += c.wrong
		all.otherN += c.otherN
		all.otherQuiet += c.otherQuiet
	}
	k := all.n - all.otherN
	t.Logf("%-8s %3d findings of a taxonomy kind: exact %.2f, among others %.2f, none %.2f, wrong %.2f; %3d \"other\": no kind inferred %.2f",
		"pooled", k, frac(all.exact, k), frac(all.within, k), frac(all.none, k), frac(all.wrong, k), all.otherN, frac(all.otherQuiet, all.otherN))
	names := make([]string, 0, len(misses))
	for n := range misses {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("%s: %d missed\n\t%s", n, len(misses[n]), strings.Join(misses[n], "\n\t"))
	}
}

func frac(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// kindsJoined names a set's kinds joined by commas.
func kindsJoined(k kindSet) string { return strings.Join(kindList(k), ",") }
