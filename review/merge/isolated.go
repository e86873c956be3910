package merge

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
)

// This file is the isolated-pair rule. Reviewers word one bug so
// differently that neither text nor inferred kind may link them ("Nested
// monitors in transfer" and "Two opposite transfers can block each other
// forever", one line apart). What does link them is the review itself: when
// two reviewers each point at a few lines where no reviewer reports a second
// issue, there is one issue there that both found, unless their known kinds
// disagree or their quotes anchor two different statements that each names.
//
// Two findings of different reviewers are isolated when
//   - they lie in one file and one section, at most Window lines apart;
//   - their known kinds do not conflict, their anchors are not distinct
//     (distinctAnchors), and on different lines they do not both name code
//     while sharing no name (disjointNames: "error from os.Open ignored"
//     and "error from io.ReadAll ignored" are two issues);
//   - they are not of plainly different natures (natureApart: a style nit
//     and a defect, a critical finding and a suggestion); this holds for
//     kindIsolated too;
//   - in the lines they span widened by Window on each side, no reviewer has
//     more than one finding (a reviewer's own repeats, collapsed in phase
//     one, count once).
//
// Further apart than Window, up to RegionWindow, the same holds inside one
// function-shaped section when no reviewer has more than one finding in
// the whole section: a finding at a function's signature ("no guard for
// empty input" on the def line) and one at the division four lines down.
//
// A reviewer with two findings there says there are two issues, and which
// of them the other reviewer's finding is about is then the text's call.

// isoScore is the score of an isolated pair: the lowest that links, so
// every pair the text or kinds link is applied first.
const isoScore = CrossThreshold

// isolated reports whether nodes a and b (canonical indices, different
// reviewers) are an isolated pair; self groups a reviewer's repeats.
func isolated(nodes []node, self *unionFind, a, b int) bool {
	fa, fb := &nodes[a].f, &nodes[b].f
	if fa.File != fb.File || fa.FileLevel() || fb.FileLevel() || !sameScope(fa, fb) {
		return false
	}
	if fa.Line == fb.Line && !ablate.isoSameLine {
		return false // one line often holds several bugs, one per reviewer
	}
	far := lineGap(fa, fb) > Window
	if far && (ablate.fnIsolated || lineGap(fa, fb) > RegionWindow || fa.Section == "" || !isFuncRegion(fa.Section)) {
		return false
	}
	if kindConflict(&nodes[a], &nodes[b]) || distinctAnchors(&nodes[a], &nodes[b]) || lineGap(fa, fb) > 0 && disjointNames(&nodes[a], &nodes[b]) {
		return false
	}
	if alt.isoDeclSame > 0 && nodes[a].declared && nodes[b].declared {
		if nodes[a].decl != nodes[b].decl || alt.isoDeclSame > 1 && nodes[a].decl == otherBit {
			return false
		}
	}
	lo, hi := min(fa.Line, fb.Line)-Window, max(fa.EndLine, fb.EndLine)+Window
	if far {
		lo, hi = math.MinInt, math.MaxInt // the whole function is the window
	}
	return oneEach(nodes, self, fa.File, lo, hi, func(k int) bool {
		if far && !sameScope(&nodes[k].f, fa) {
			return false
		}
		return !(alt.isoKinds && k != a && k != b && excluded(&nodes[k], &nodes[a], &nodes[b]))
	})
}

// oneEach reports whether no reviewer has two findings (its own repeats,
// grouped by self, count once) among those of file on lines lo..hi that
// counts keeps. nodes are sorted by file, then line.
func oneEach(nodes []node, self *unionFind, file string, lo, hi int, counts func(k int) bool) bool {
	start, _ := slices.BinarySearchFunc(nodes, file, func(n node, file string) int {
		if c := strings.Compare(n.f.File, file); c != 0 {
			return c
		}
		return cmp.Compare(n.f.Line, lo)
	})
	seen := map[string]int{} // reviewer -> self-group root of its finding in the window
	for k := start; k < len(nodes) && nodes[k].f.File == file; k++ {
		g := &nodes[k].f
		if g.FileLevel() || g.Line < lo {
			continue
		}
		if g.Line > hi {
			break
		}
		if !counts(k) {
			continue
		}
		r := self.find(k)
		if prev, ok := seen[g.Reviewer]; ok && prev != r {
			return false
		}
		seen[g.Reviewer] = r
	}
	return true
}

// excluded reports whether g, a finding near an isolated-pair candidate,
// is plainly about another issue than either of the pair: its known kind
// conflicts with one of theirs, or its anchor is distinct from one of theirs.
func excluded(g, a, b *node) bool {
	return kindConflict(g, a) || kindConflict(g, b) || distinctAnchors(g, a) || distinctAnchors(g, b)
}

// KindWindow is how far apart, in lines, two findings of one declared kind
// in one function may be and still be one issue by kindIsolated.
const KindWindow = 30

// kindIsolated reports whether nodes a and b (canonical indices, different
// reviewers) declare one kind (not "other"), or a cause-and-symptom pair of
// kinds on different lines (causeSymptom), and no reviewer has a second
// finding of those kinds near them: two reviewers who each report one
// deadlock in a function found the same deadlock, however they word it and
// wherever they anchor it. Near is within Window lines of the pair; for one
// kind that a function rarely has twice (functionWide), within KindWindow
// lines in their function. A reviewer with two findings of the kinds there
// says there are two issues, and the text decides; so do distinct anchors
// and, on different lines, names of code that differ (namedApart), except
// for a function-wide kind, whose one bug often spans two places (a lock
// order, a read and a write).
func kindIsolated(nodes []node, self *unionFind, a, b int) bool {
	na, nb := &nodes[a], &nodes[b]
	fa, fb := &na.f, &nb.f
	da, db := isoKind(na), isoKind(nb)
	if ablate.kindIsolated || da == 0 || db == 0 {
		return false
	}
	same := da == db
	if !same && ((da|db)&otherBit != 0 || !causeAndSymptom(da, db) || fa.Line == fb.Line) {
		return false
	}
	if same && da == otherBit && !alt.kisoOther {
		return false
	}
	if fa.File != fb.File || fa.FileLevel() || fb.FileLevel() {
		return false
	}
	gap := lineGap(fa, fb)
	region := functionWide(na, nb)
	if gap > Window && (!region || gap > KindWindow) {
		return false
	}
	// Distinct anchors and names say two places; a kind that spans places
	// (a lock order, a race between a read and a write) has two of its own.
	if (!region || !alt.regionNamesAll && na.decl&spanMask == 0) && (distinctAnchors(na, nb) || gap > 0 && namedApart(na, nb)) {
		return false
	}
	reach := Window
	if region {
		reach = KindWindow
	}
	lo, hi := min(fa.Line, fb.Line)-reach, max(fa.EndLine, fb.EndLine)+reach
	want := da | db
	return oneEach(nodes, self, fa.File, lo, hi, func(k int) bool {
		g := &nodes[k]
		if region && !sameScope(&g.f, fa) && lineGap(&g.f, fa) > Window && lineGap(&g.f, fb) > Window {
			return false // another function
		}
		// A finding without a declared kind counts by its inferred kinds.
		return g.decl&want != 0 || g.decl == 0 && g.kinds&want != 0
	})
}

// spanMask are the kinds whose one bug is often at two places, each
// named by its own statement: a lock order is two locks, a race a read and
// a write, a transaction its begin and its commit, a leak its open and
// its missing close, an XSS the helper that builds the HTML and the
// component that renders it. Two reviewers' findings of another kind that
// each name their own statement (two injections, two queries) are two
// issues.
var spanMask = kindBit("deadlock") | kindBit("data-race") | kindBit("missing-transaction") | kindBit("resource-leak") | kindBit("xss")

// isoKind is the kind a finding is isolated by: the one it declares, else
// (words only) the one strong kind its words name.
func isoKind(n *node) kindSet {
	if n.decl != 0 || ablate.inferIso || n.declared {
		return n.decl
	}
	if k := n.kinds &^ weakMask; k != 0 && k&(k-1) == 0 {
		return k
	}
	return 0
}

// namedApart reports whether two findings each name code on their own
// anchored line that the other's line lacks, and no dataflow links the two
// lines: "`os.Open` error ignored" and "`io.ReadAll` error ignored". Names
// only the text gives ("every later Get blocks") are not evidence of place.
func namedApart(a, b *node) bool {
	if len(a.ev.named) == 0 || len(b.ev.named) == 0 || dataflow(a, b) {
		return false
	}
	return ownName(a.ev.named, b.ev.line) && ownName(b.ev.named, a.ev.line)
}

// functionWide reports whether two findings declare one kind that a
// function rarely has twice (not perCallKinds) and lie in one function.
func functionWide(a, b *node) bool {
	return sameDeclared(a, b) && a.decl&perCallMask == 0 &&
		a.f.Section != "" && sameScope(&a.f, &b.f) && isFuncRegion(a.f.Section)
}

// sameDeclared reports whether both findings declare one kind of the taxonomy.
func sameDeclared(a, b *node) bool {
	return a.declared && b.declared && a.kinds == b.kinds
}

// perCallKinds are kinds a function often has several of, one per call or
// expression (each unchecked error, each possible nil): two reviewers' lone
// findings of such a kind further apart than Window are as likely two
// instances as one, so kindIsolated looks only within Window for them.
var perCallKinds = []string{"unchecked-error", "nil-deref", "bounds", "panic", "division-by-zero",
	"double-close", "integer-overflow", "missing-await", "http-status", "input-validation", "float-money",
	"off-by-one", "missing-return", "blocking-call", "missing-cancellation", "resource-exhaustion"}

var perCallMask = func() kindSet {
	var m kindSet
	for _, n := range perCallKinds {
		m |= kindBit(n)
	}
	return m
}()

// causeSymptom are related kinds that name one bug at its cause and at its
// symptom on different lines: a lookup that may find nothing and the
// dereference of what it returned; an error dropped and the nil value used.
var causeSymptom = [][2]string{
	{"missing-record", "nil-deref"},
	{"unchecked-error", "nil-deref"},
	{"missing-record", "http-status"},
}

var causeMask = pairMasks(causeSymptom)

// causeAndSymptom reports whether two declared kinds (one bit each) are a
// causeSymptom pair.
func causeAndSymptom(a, b kindSet) bool {
	if ablate.causeSymptom || a&(a-1) != 0 || b&(b-1) != 0 {
		return false
	}
	i := bits.TrailingZeros64(uint64(a))
	return i < len(causeMask) && causeMask[i]&b != 0
}

// fileKindPairs links two reviewers' findings of one declared kind
// anywhere in one file when no reviewer has a second finding of that kind
// in the file: one data race reported at the shared field and at the
// goroutine that writes it, one XSS at the helper that builds the HTML and
// at the component that renders it. Not for "other" (every logic bug
// without a name) nor for the kinds a function often has several of
// (perCallKinds: each unchecked error, each possible nil), which
// kindIsolated already looks for within Window (alt.fileKindPerCall
// measures them file-wide). A reviewer with two findings of the kind in
// the file says there are two issues, and the text decides. The pairs are
// isolated pairs (isoScore): every link the text or kinds make comes
// first, and a cluster still never holds two reviewers' findings, nor
// conflicting kinds.
func fileKindPairs(nodes []node, self *unionFind, pairs []pair) []pair {
	have := map[[2]int]bool{}
	for _, p := range pairs {
		if !p.same && p.score >= CrossThreshold {
			have[[2]int{p.a, p.b}] = true
		}
	}
	var out []pair
	for start := 0; start < len(nodes); {
		end := start
		for end < len(nodes) && nodes[end].f.File == nodes[start].f.File {
			end++
		}
		byKind := map[kindSet][]int{}
		for i := start; i < end; i++ {
			n := &nodes[i]
			if n.f.FileLevel() || n.decl == 0 || n.decl == otherBit || !alt.fileKindPerCall && n.decl&perCallMask != 0 {
				continue
			}
			byKind[n.decl] = append(byKind[n.decl], i)
		}
		for k, idx := range byKind {
			roots := map[string]int{}
			alone := true
			for i := start; i < end && alone; i++ {
				g := &nodes[i]
				if g.f.FileLevel() || !(g.decl&k != 0 || g.decl == 0 && g.kinds&k != 0) {
					continue
				}
				r := self.find(i)
				if prev, ok := roots[g.f.Reviewer]; ok && prev != r {
					alone = false
				}
				roots[g.f.Reviewer] = r
			}
			if !alone {
				continue
			}
			for x, a := range idx {
				nodes[a].fileIso = true
				for _, b := range idx[x+1:] {
					if nodes[a].f.Reviewer != nodes[b].f.Reviewer && !have[[2]int{a, b}] && !placesApart(&nodes[a], &nodes[b]) {
						out = append(out, pair{a: a, b: b, score: isoScore})
					}
				}
			}
		}
		start = end
	}
	return out
}

// placesApart reports whether two findings of one kind quote two
// statements that each name code of their own (distinct anchors, names
// apart) and the kind is not one whose one bug spans places (spanMask):
// two injections in two queries are two issues however alone each
// reviewer's is in the file.
func placesApart(a, b *node) bool {
	if alt.fileNamesApart || a.decl&spanMask != 0 {
		return false
	}
	return distinctAnchors(a, b) || lineGap(&a.f, &b.f) > 0 && namedApart(a, b)
}

// natureApart reports whether two findings are plainly of different
// natures: one about how code reads or is tested (category style, docs or
// tests) and the other about a defect (a bug, security, concurrency, error
// handling, performance); of different categories and one a suggestion
// while the other is not; or rated critical by one and a suggestion by the
// other. Being the only two findings of a few lines is then no evidence
// that they are one issue: a naming nit beside a password written to a
// log. Measured (BENCHMARKS.md, sixteenth pass): on the 45 reviews the
// rules were not tuned on, precision 0.895 to 0.903, recall 0.673 to 0.671.
func natureApart(a, b *anchor.Finding) bool {
	ca, cb := a.Raw.Category, b.Raw.Category
	ra, rb := readability(ca), readability(cb)
	if ra != rb && (ra && defect(cb) || rb && defect(ca)) {
		return true
	}
	sa, sb := a.Raw.Severity, b.Raw.Severity
	if ca != cb && (sa == review.Suggestion) != (sb == review.Suggestion) {
		return true
	}
	return sa == review.Critical && sb == review.Suggestion || sa == review.Suggestion && sb == review.Critical
}

func readabilityApart(a, b *anchor.Finding) bool {
	ca, cb := a.Raw.Category, b.Raw.Category
	ra, rb := readability(ca), readability(cb)
	return ra != rb && (ra && defect(cb) || rb && defect(ca))
}

func readability(cat string) bool { return cat == "style" || cat == "docs" || cat == "tests" }

func defect(cat string) bool {
	switch cat {
	case "bug", "security", "concurrency", "error-handling", "performance":
		return true
	}
	return false
}
