package merge

import (
	"slices"
	"strings"
)

// This file reads the reviewer's subject: the one identifier a finding is
// about, which the schema asks for ("rows", "db.Query", "cfg.Workers").
// Two reviewers who name one subject in one function point at one thing
// however they word the defect; two who name different subjects on nearby
// lines point at two.

// subjectTokens are the identifier words of a subject, lower-cased, without
// receivers that say nothing (self, this) and call punctuation; nil when
// the reviewer gave none.
func subjectTokens(s string) []string {
	var toks []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !isWordRune(r) || r == '.' }) {
		if w == "self" || w == "this" || len(w) < 2 {
			continue
		}
		toks = append(toks, w)
	}
	return toks
}

// sameSubject reports whether both findings name a subject and the two
// are one: the same last word (db.Query and Query, a.gauges and gauges), or
// the words of one all in the other.
func sameSubject(a, b *node) bool {
	x, y := a.subj, b.subj
	if len(x) == 0 || len(y) == 0 {
		return false
	}
	if x[len(x)-1] == y[len(y)-1] {
		return true
	}
	within := func(p, q []string) bool {
		for _, t := range p {
			if !slices.Contains(q, t) {
				return false
			}
		}
		return true
	}
	return within(x, y) || within(y, x)
}

// subjectsApart reports whether both findings name a subject and they differ.
func subjectsApart(a, b *node) bool {
	return len(a.subj) > 0 && len(b.subj) > 0 && !sameSubject(a, b)
}

// subjectIsolated reports whether nodes a and b (different reviewers) name
// one subject in one function (or within Window lines), their kinds do not
// conflict, and no reviewer has a second finding about that subject there:
// one thing, found by both.
func subjectIsolated(nodes []node, self *unionFind, a, b int) bool {
	na, nb := &nodes[a], &nodes[b]
	fa, fb := &na.f, &nb.f
	if !alt.subjLink || fa.File != fb.File || fa.FileLevel() || fb.FileLevel() || !sameSubject(na, nb) || kindConflict(na, nb) {
		return false
	}
	if alt.subjKind {
		da, db := isoKind(na), isoKind(nb)
		if da == 0 || db == 0 || (da|db)&otherBit != 0 || da != db && (!da.related(db) || fa.Line == fb.Line) {
			return false
		}
		if vagueSubject[na.subj[len(na.subj)-1]] || vagueSubject[nb.subj[len(nb.subj)-1]] {
			return false
		}
	}
	gap := lineGap(fa, fb)
	region := fa.Section != "" && fa.Section == fb.Section && isFuncRegion(fa.Section)
	if gap > Window && (!region || gap > KindWindow) {
		return false
	}
	reach := Window
	if region {
		reach = KindWindow
	}
	lo, hi := min(fa.Line, fb.Line)-reach, max(fa.EndLine, fb.EndLine)+reach
	return oneEach(nodes, self, fa.File, lo, hi, func(k int) bool {
		g := &nodes[k]
		if region && g.f.Section != fa.Section && lineGap(&g.f, fa) > Window && lineGap(&g.f, fb) > Window {
			return false
		}
		return sameSubject(g, na) || sameSubject(g, nb)
	})
}

// vagueSubject are names a function has many of, one per call: a subject
// of "err" says which kind of thing, not which one.
var vagueSubject = map[string]bool{"err": true, "error": true, "e": true, "ex": true, "exc": true, "exception": true,
	"result": true, "res": true, "resp": true, "response": true, "data": true, "value": true, "val": true, "ok": true}
