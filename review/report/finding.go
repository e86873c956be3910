// This file makes a report finding of a cluster: its place, code, fix,
// evidence, severity and id, and the order findings are listed in.

package report

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/merge"
)

func (r *Report) finding(c merge.Cluster, files map[string]*diff.File, seen map[string]map[string]bool) Finding {
	rep := c.Rep
	votes := make([]string, 0, len(c.Votes))
	for _, name := range c.Reviewers {
		votes = append(votes, c.Votes[name])
	}
	sees := maps.Clone(seen[rep.File])
	if sees == nil {
		sees = map[string]bool{}
	}
	for _, name := range c.Reviewers {
		sees[name] = true // a reviewer that found it saw it
	}
	f := Finding{
		Severity:    r.Policy.Decide(votes),
		Category:    safetext.Sanitize(c.Category),
		Title:       strings.TrimSpace(safetext.Sanitize(rep.Raw.Title)),
		File:        rep.File,
		Line:        rep.Line,
		EndLine:     rep.EndLine,
		Reviewers:   c.Reviewers,
		SeenBy:      len(sees),
		Votes:       map[string]string{},
		Explanation: strings.TrimSpace(safetext.Sanitize(rep.Raw.Explanation)),
		Fix:         safetext.Sanitize(strings.TrimRight(rep.Raw.Fix, " \n\t")),
		Code:        codeLines(files, rep.File, rep.Line, rep.EndLine),
		LineKind:    string(rep.LineKind),
	}
	if safetext.Blank(f.Title) {
		f.Title = firstSentence(f.Explanation)
	}
	if f.Fix != "" {
		f.FixQuote = safetext.Sanitize(strings.TrimSpace(rep.Raw.Quote))
	} else if m, ok := fixLender(c); ok {
		// The representative gave no fix; another finder's is shown, with
		// the lines it was written for: that finder's, which need not be
		// the representative's (a fix of the loop header is no fix of the
		// line in the loop's body).
		f.Fix = safetext.Sanitize(strings.TrimRight(m.Raw.Fix, " \n\t"))
		f.FixQuote = safetext.Sanitize(strings.TrimSpace(m.Raw.Quote))
		src := &FixSource{Reviewer: m.Reviewer, File: m.File, Line: m.Line, EndLine: m.EndLine}
		if m.Deleted {
			src.Deleted, src.OldLine, src.OldEndLine = true, m.OldLine, m.OldEndLine
			src.Code = deletedCodeLines(files, m.File, m.OldLine, m.OldEndLine)
		} else {
			src.Code = codeLines(files, m.File, m.Line, m.EndLine)
		}
		f.FixFrom = src
	}
	for name, v := range c.Votes {
		f.Votes[name] = v
		if v != votes[0] {
			f.Disputed = true
		}
	}
	if rep.Deleted {
		f.Deleted, f.OldLine, f.OldEndLine = true, rep.OldLine, rep.OldEndLine
		f.Code = deletedCodeLines(files, rep.File, rep.OldLine, rep.OldEndLine)
	}
	f.Evidence, f.Support = evidence(c)
	// One wording per reviewer and severity: a reviewer's repeat rated
	// otherwise than the heading (a critical under a suggestion's title)
	// is shown, not hidden behind its other wording.
	titled := map[string]bool{rep.Reviewer + "\x00" + rep.Raw.Severity: true}
	for _, m := range c.Members {
		if key := m.Reviewer + "\x00" + m.Raw.Severity; titled[key] {
			continue
		} else {
			titled[key] = true
		}
		title := safetext.Sanitize(m.Raw.Title)
		if strings.EqualFold(strings.TrimSpace(title), strings.TrimSpace(safetext.Sanitize(rep.Raw.Title))) && m.Raw.Severity == rep.Raw.Severity {
			continue // worded and rated as the heading: nothing to add (Members has it)
		}
		f.Others = append(f.Others, Wording{Reviewer: m.Reviewer, Severity: m.Raw.Severity, Title: title})
	}
	slices.SortFunc(f.Others, func(a, b Wording) int {
		return cmp.Or(strings.Compare(a.Reviewer, b.Reviewer), strings.Compare(a.Severity, b.Severity), strings.Compare(a.Title, b.Title))
	})
	f.Members = make([]Member, 0, len(c.Members))
	for i, m := range c.Members {
		mem := Member{Reviewer: m.Reviewer, Title: strings.TrimSpace(safetext.Sanitize(m.Raw.Title)),
			Severity: m.Raw.Severity, Category: safetext.Sanitize(m.Raw.Category), Line: m.Line, EndLine: m.EndLine,
			Quote: safetext.Sanitize(strings.TrimSpace(m.Raw.Quote)), Kinds: c.MemberKinds(i),
			Fix: safetext.Sanitize(strings.TrimRight(m.Raw.Fix, " \n\t"))}
		// Another finder's: the fix's own author repeating itself with
		// other code is not a second opinion on it.
		author := rep.Reviewer
		if f.FixFrom != nil {
			author = f.FixFrom.Reviewer
		}
		if mem.Fix != "" && f.Fix != "" && mem.Reviewer != author && !sameCode(mem.Fix, f.Fix) && !slices.Contains(f.OtherFixes, mem.Reviewer) {
			f.OtherFixes = append(f.OtherFixes, mem.Reviewer)
		}
		if m.File != rep.File {
			mem.File = m.File
		}
		if m.Deleted {
			mem.OldLine = m.OldLine
		}
		f.Members = append(f.Members, mem)
	}
	slices.Sort(f.OtherFixes)
	slices.SortStableFunc(f.Members, func(a, b Member) int {
		return cmp.Or(strings.Compare(a.Reviewer, b.Reviewer), strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.OldLine, b.OldLine), strings.Compare(a.Title, b.Title),
			strings.Compare(a.Severity, b.Severity), strings.Compare(a.Quote, b.Quote), slices.Compare(a.Kinds, b.Kinds))
	})
	line := rep.Line
	if rep.Deleted {
		// Deleted code is placed by its old line, also where no new-side
		// line holds it (a deleted file): it is no file-level finding.
		line = max(line, rep.OldLine)
	}
	f.Fingerprint = Fingerprint(rep.File, line, rep.Outer, rep.Section, rep.LineText, f.Category)
	// A v1 entry named no class: of a method inside one it cannot tell
	// which class's it was, so it no longer covers it (the finding comes
	// back once, to be dismissed again).
	if len(rep.Outer) == 0 {
		if legacy := LegacyFingerprint(rep.File, line, rep.Section, rep.LineText, f.Category); legacy != f.Fingerprint {
			f.LegacyFingerprint = legacy
		}
	}
	kinds := map[string]bool{}
	if c.Core != nil {
		// A judged cluster's kinds are those of the rules' cluster it is
		// named after.
		for i := range c.Core {
			for _, k := range c.CoreKinds(i) {
				kinds[k] = true
			}
		}
	} else {
		for _, m := range f.Members { // their kinds, read above
			for _, k := range m.Kinds {
				kinds[k] = true
			}
		}
	}
	f.Kinds = slices.Sorted(maps.Keys(kinds))
	f.ID = stableID(rep.File, f.Fingerprint, f.Category, f.Kinds)
	return f
}

// fixLender is the member whose fix a cluster whose representative gave
// none shows: the first (members are in canonical order) anchored where
// the representative is, so the fix replaces the lines the finding shows,
// else the first that gave a fix at all.
func fixLender(c merge.Cluster) (anchor.Finding, bool) {
	rep := c.Rep
	var first *anchor.Finding
	for i, m := range c.Members {
		if strings.TrimSpace(m.Raw.Fix) == "" {
			continue
		}
		if m.File == rep.File && m.Line == rep.Line && m.EndLine == rep.EndLine && m.Deleted == rep.Deleted &&
			(!m.Deleted || m.OldLine == rep.OldLine && m.OldEndLine == rep.OldEndLine) {
			return m, true
		}
		if first == nil {
			first = &c.Members[i]
		}
	}
	if first == nil {
		return anchor.Finding{}, false
	}
	return *first, true
}

// evidence returns a cluster's strongest evidence and its support: each
// reviewer counts 1 when any of its findings in the cluster quoted code found
// in the diff, and ½ when it only gave a line or a file.
func evidence(c merge.Cluster) (string, float64) {
	full := map[string]bool{} // the reviewer quoted code this change touches
	strongest := 0
	exact := false // a member's quote matched the diff's code, not a near copy
	for _, m := range c.Members {
		r := anchor.EvidenceRank(m.Evidence)
		// A near copy (one word changed) finds the place but not the code:
		// the changed word may be the bug the model imagined (IsAdmin for
		// IsActive, Second for Millisecond), so it counts ½ like no quote.
		if m.Evidence == anchor.EvidenceQuote && !m.Near && m.LineKind != diff.Context {
			full[m.Reviewer] = true
		}
		exact = exact || m.Evidence == anchor.EvidenceQuote && !m.Near
		strongest = max(strongest, r)
	}
	// A quote of unchanged lines only is code that was there before the
	// change: it may be a bug the change exposes, or a model that strayed
	// from the lines it was asked about, so it counts ½ like no quote.
	support := 0.0
	for _, name := range c.Reviewers {
		if full[name] {
			support++
		} else {
			support += 0.5
		}
	}
	ev := anchor.EvidenceFile
	switch strongest {
	case anchor.EvidenceRank(anchor.EvidenceQuote):
		ev = anchor.EvidenceQuote
		if !exact {
			ev = EvidenceNearQuote
		}
	case anchor.EvidenceRank(anchor.EvidenceLine):
		ev = anchor.EvidenceLine
	}
	return ev, support
}

func firstSentence(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, ".\n"); i > 0 {
		s = s[:i]
	}
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80]) + "…"
	}
	return s
}

// stableID is a finding's id: a hash of its path, its fingerprint
// (Fingerprint: the anchored line's code and the definitions around it),
// its category and its issue kinds (every member's), so it survives line
// drift, two findings of one line of code in two functions never share
// it, and neither do two issues of one line (an injection and a
// hard-coded secret): an id copied from one review names the same issue
// at the same place in the next, whichever findings that one has and
// however it orders them. A rewording, or another reviewer, that brings
// another kind gives a new id (dismiss then reads the report the old one
// came from). Two findings alike in all of that are numbered -2, -3 in
// report order (assignIDs).
func stableID(file, fingerprint, category string, kinds []string) string {
	h := sha256.Sum256([]byte("quorum.id/v2\x00" + file + "\x00" + fingerprint + "\x00" + category + "\x00" + strings.Join(kinds, ",")))
	return "Q" + hex.EncodeToString(h[:])[:10]
}

// assignIDs makes ids unique: two findings of one place, category and
// kinds get -2, -3 in report order.
func assignIDs(fs []Finding) {
	n := map[string]int{}
	for i := range fs {
		id := fs[i].ID
		n[id]++
		if n[id] > 1 {
			fs[i].ID = fmt.Sprintf("%s-%d", id, n[id])
		}
	}
}

// compareFindings is the report order: severity, agreement, path, line.
func compareFindings(a, b Finding) int {
	if c := cmp.Compare(review.SeverityRank(b.Severity), review.SeverityRank(a.Severity)); c != 0 {
		return c
	}
	// Higher agreement first: k_a/n_a > k_b/n_b, compared without division.
	ka, na := a.Agreement()
	kb, nb := b.Agreement()
	if c := cmp.Compare(kb*max(na, 1), ka*max(nb, 1)); c != 0 {
		return c
	}
	return cmp.Or(
		cmp.Compare(kb, ka),
		strings.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.EndLine, b.EndLine),
		strings.Compare(a.ID, b.ID),
		strings.Compare(a.Title, b.Title),
		strings.Compare(a.Explanation, b.Explanation),
	)
}

// sameCode reports whether two fixes are the same code, white space
// aside.
func sameCode(a, b string) bool {
	return strings.Join(strings.Fields(a), " ") == strings.Join(strings.Fields(b), " ")
}
