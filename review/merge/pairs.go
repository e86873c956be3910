// This file scores pairs of findings: which pairs are candidates (one
// file, a window of lines), how alike their words are, and which pairs are
// each other's best match.

package merge

import (
	"regexp"
	"strings"

	"github.com/quorum-review/quorum/review/anchor"
)

// similarity scores two findings of unknown or unrelated kinds: weighted
// text overlap, plus a little for the same category and the same anchored line.
func similarity(a, b vector, fix float64, sameCategory, sameLine bool) float64 {
	j, shared := jaccardIdents(a, b)
	j = withFix(j, fix)
	s := j * (1 - categoryBonus)
	if sameCategory {
		s += categoryBonus
	}
	if sameLine {
		s += sameLineBonus
	} else if !shared && a.idents > 0 && b.idents > 0 {
		s *= disjointIdents
	}
	return min(s, 1)
}

// pairScore scores two findings of different reviewers, or returns 0 when
// they cannot be one issue. d is the gap in lines between their ranges.
func pairScore(a, b *node, d int) float64 {
	s := textScore(a, b, d)
	if s == 0 || !alt.location || kindConflict(a, b) {
		return s
	}
	// Location evidence: two reviewers pointing at (nearly) the same lines of
	// one function, with no known kinds that disagree. On its own it ranks a
	// pair; mutualBest keeps it only when neither finding has a better
	// counterpart from the other reviewer.
	if a.f.Section != "" && sameScope(&a.f, &b.f) && isFuncRegion(a.f.Section) && d <= locWindow {
		s = max(s, locBase*(1-float64(d)/float64(locWindow+1))+locText*jaccard(a.vec, b.vec))
	}
	return s
}

func textScore(a, b *node, d int) float64 {
	ka, kb := a.kinds, b.kinds
	if kindConflict(a, b) || distinctAnchors(a, b) {
		return 0 // two known, different kinds, or two lines each its own finding's subject
	}
	fix := fixSimilarity(a.fix, b.fix)
	near := d <= Window
	region := a.f.Section != "" && sameScope(&a.f, &b.f) && d <= RegionWindow && isFuncRegion(a.f.Section)
	if ka&kb == 0 {
		// No kind in common: the text must carry it, close by, or (damped)
		// anywhere in one function.
		if !near {
			if !region || !alt.regionText {
				return 0
			}
			return regionText * similarity(a.vec, b.vec, fix, a.f.Raw.Category == b.f.Raw.Category, false)
		}
		if a.f.Line == b.f.Line && !ablate.sameLineCode {
			return similarity(textOnly(a.vec), textOnly(b.vec), fix, a.f.Raw.Category == b.f.Raw.Category, true)
		}
		return similarity(a.vec, b.vec, fix, a.f.Raw.Category == b.f.Raw.Category, a.f.Line == b.f.Line)
	}
	fileFar := alt.fileFar && !near && !region && sameDeclared(a, b) && a.decl != otherBit && a.decl&perCallMask == 0 && farEvidence(a, b)
	if !near && !fileFar && (!region || !farEvidence(a, b) && !(alt.farFlow && dataflow(a, b))) {
		return 0
	}
	j := withFix(jaccard(a.vec, b.vec), fix)
	if d > 0 && !fileFar && disjointNames(a, b) && !dataflow(a, b) {
		// One kind, but about different names on different lines: two
		// issues unless the text says otherwise, close by.
		if !near {
			return 0
		}
		return similarity(a.vec, b.vec, fix, a.f.Raw.Category == b.f.Raw.Category, false)
	}
	return min(kindBase+kindText*j+kindClose*max(1-float64(d)/float64(RegionWindow+1), 0), 1)
}

type pair struct {
	a, b  int // canonical indices, a < b
	score float64
	same  bool // same reviewer
}

// candidatePairs sweeps each file's findings by line and scores the pairs
// that are close enough to be the same issue: within Window lines, or within
// RegionWindow lines in one enclosing section.
func candidatePairs(nodes []node) []pair {
	var pairs []pair
	score := func(a, b, d int) {
		fa, fb := &nodes[a].f, &nodes[b].f
		var s float64
		same := fa.Reviewer == fb.Reviewer
		if same {
			if d > Window {
				return
			}
			// Two quotes of one reviewer at lines that do not overlap are
			// two statements it pointed at: two findings, however alike
			// their words ("SQL injection in DELETE", "... in DROP
			// TABLE"). A repeat (one hunk seen in two chunks) quotes the
			// same code, so it lands on the same lines.
			if !ablate.quotedRepeats && fa.Evidence == anchor.EvidenceQuote && fb.Evidence == anchor.EvidenceQuote &&
				(fb.Line > fa.EndLine || fa.Line > fb.EndLine) {
				return
			}
			// Two quotes of one line that are different parts of it (each
			// holds what the other does not: `r.FormValue("table")` and
			// `r.FormValue("name")`) point at two things in it. A repeat
			// quotes the same code, or more or less of it.
			if !ablate.quoteParts && fa.Evidence == anchor.EvidenceQuote && fb.Evidence == anchor.EvidenceQuote && fa.Line == fb.Line && partsApart(fa.LineText, fa.Raw.Quote, fb.Raw.Quote) {
				return
			}
			// Two kinds the reviewer declared say two issues, not one seen
			// twice (an injection and a hard-coded secret in one query).
			if da, db := nodes[a].decl, nodes[b].decl; da != 0 && db != 0 && da != db && (da|db)&otherBit == 0 {
				return
			}
			// So do two categories it gave (a security hole and a naming
			// nit of one line), unless it declared one kind of the
			// taxonomy for both: taking the nit for a repeat of the hole
			// would show the hole under the nit's title, and a dismissal of
			// the nit would hide it, while one SQL injection filed under
			// four categories is one finding, not four at the gate (helper
			// 250).
			sameKind := nodes[a].decl != 0 && nodes[a].decl == nodes[b].decl && nodes[a].decl != otherBit
			if !ablate.selfCategory && !sameKind && fa.Raw.Category != "" && fb.Raw.Category != "" && !strings.EqualFold(fa.Raw.Category, fb.Raw.Category) {
				return
			}
			// A reviewer's repeats are the same words seen twice (one hunk
			// in two chunks): their fixes add nothing.
			s = similarity(nodes[a].vec, nodes[b].vec, noFix, fa.Raw.Category == fb.Raw.Category, fa.Line == fb.Line)
			if sameQuotedIssue(&nodes[a], &nodes[b]) {
				s = max(s, SelfThreshold)
			}
		} else {
			s = pairScore(&nodes[a], &nodes[b], d)
		}
		if a > b {
			a, b = b, a
		}
		pairs = append(pairs, pair{a: a, b: b, score: s, same: same})
	}
	reach := max(Window, RegionWindow, KindWindow)
	// nodes are sorted by file then line, so each file is one run, file-level
	// findings (line 0) first.
	for start := 0; start < len(nodes); {
		end := start
		for end < len(nodes) && nodes[end].f.File == nodes[start].f.File {
			end++
		}
		for i := start; i < end; i++ {
			fi := nodes[i].f
			for j := i + 1; j < end; j++ {
				fj := nodes[j].f
				// file-level findings sort first and pair only with each other
				if fi.FileLevel() != fj.FileLevel() {
					break
				}
				d := 0
				if !fi.FileLevel() {
					if fj.Line > fi.EndLine+reach {
						if !alt.fileFar {
							break
						}
						if !sameDeclared(&nodes[i], &nodes[j]) || nodes[i].decl == otherBit || fi.Reviewer == fj.Reviewer {
							continue
						}
					}
					d = max(fj.Line-fi.EndLine, 0)
				}
				score(i, j, d)
			}
		}
		start = end
	}
	return pairs
}

// mutualBest keeps the cross-reviewer pairs that are a matching: for each
// pair of reviewers, a finding of one pairs with at most one finding of the
// other, and only when each is the other's best candidate from that
// reviewer (ties: the lower canonical index). Two distinct bugs on one line
// found by different subsets of reviewers then pair each with its own
// counterpart instead of chaining through the nearest one.
func mutualBest(nodes []node, cross []pair) []pair {
	type key struct {
		i   int
		rev string
	}
	best := map[key]int{}            // index into cross of i's best pair with reviewer rev
	better := func(x, y pair) bool { // x ranks above y
		if x.score != y.score {
			return x.score > y.score
		}
		if x.a != y.a {
			return x.a < y.a
		}
		return x.b < y.b
	}
	consider := func(i int, rev string, k int) {
		kk := key{i, rev}
		if j, ok := best[kk]; !ok || better(cross[k], cross[j]) {
			best[kk] = k
		}
	}
	for k, p := range cross {
		consider(p.a, nodes[p.b].f.Reviewer, k)
		consider(p.b, nodes[p.a].f.Reviewer, k)
	}
	out := make([]pair, 0, len(cross))
	for k, p := range cross {
		if best[key{p.a, nodes[p.b].f.Reviewer}] == k && best[key{p.b, nodes[p.a].f.Reviewer}] == k {
			out = append(out, p)
		}
	}
	return out
}

// sameQuotedIssue reports whether two findings of one reviewer quote the
// same lines and name the same kind, one of them declared (not "other"):
// one issue however it is worded, so a model that says it five ways gets
// one finding, not five that the gate counts and the ids cannot tell apart.
func sameQuotedIssue(a, b *node) bool {
	fa, fb := &a.f, &b.f
	if ablate.selfKind || fa.Evidence != anchor.EvidenceQuote || fb.Evidence != anchor.EvidenceQuote ||
		fa.Line != fb.Line || fa.EndLine != fb.EndLine || fa.Raw.Category != fb.Raw.Category {
		return false
	}
	if a.decl == 0 && b.decl == 0 || (a.decl|b.decl)&otherBit != 0 {
		return false
	}
	return a.kinds != 0 && a.kinds == b.kinds
}

// partsApart reports whether two one-line quotes are two separate parts
// of line, white space aside: each found in it once, and no byte of the
// line in both. Quotes that overlap (`result := divide(10, 0` and
// `divide(10, 0)`: one piece cut two ways), or that the line does not hold
// as written, are not known to be apart.
func partsApart(line, a, b string) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	line, a, b = norm(line), norm(bareQuote(a)), norm(bareQuote(b))
	if a == "" || b == "" || strings.Count(line, a) != 1 || strings.Count(line, b) != 1 {
		return false
	}
	i, j := strings.Index(line, a), strings.Index(line, b)
	return i+len(a) <= j || j+len(b) <= i
}

// quotedNumber is the prompt's line-number prefix a model may copy
// ("4+", "12: ").
var quotedNumber = regexp.MustCompile(`^\s*\d+[+: -]\s?`)

// bareQuote is a quote as the code it quotes: without the backticks around
// it or the prompt's line number in front.
func bareQuote(q string) string {
	q = strings.TrimSpace(q)
	if len(q) > 1 && strings.HasPrefix(q, "`") && strings.HasSuffix(q, "`") {
		q = strings.Trim(q, "`")
	}
	return quotedNumber.ReplaceAllString(q, "")
}
