package render

// A finding's suggested fix: shown as a diff when it is code, as a
// sentence when it is words.

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/quorum-review/quorum/internal/safetext"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/dismiss"
	"github.com/quorum-review/quorum/review/report"
)

func diffPrefix(kind string) string {
	switch kind {
	case "added":
		return "+"
	case "deleted":
		return "-"
	}
	return " "
}

// fixTarget is the code a finding's fix was written for: the finding's
// own lines, or, for a fix borrowed from another finder (Finding.FixFrom),
// that finder's, which may be other lines or another file.
type fixTarget struct {
	line, endLine       int
	deleted             bool
	oldLine, oldEndLine int
	code                []report.CodeLine
}

// replaced is the new-side lines (added or unchanged) the fix was written
// for: those it replaces, unless it is about deleted code.
func (t fixTarget) replaced() []report.CodeLine {
	var out []report.CodeLine
	for _, l := range t.code {
		if (l.Kind == "added" || l.Kind == "context") && l.New >= t.line && l.New <= max(t.endLine, t.line) {
			out = append(out, l)
		}
	}
	return out
}

func fixTargetOf(f report.Finding) fixTarget {
	if s := f.FixFrom; s != nil {
		return fixTarget{line: s.Line, endLine: s.EndLine, deleted: s.Deleted, oldLine: s.OldLine, oldEndLine: s.OldEndLine, code: s.Code}
	}
	return fixTarget{line: f.Line, endLine: f.EndLine, deleted: f.Deleted, oldLine: f.OldLine, oldEndLine: f.OldEndLine, code: f.Code}
}

// fixDiff shows the fix as a diff: a model's unified diff as it is, or
// replacement code as removing the lines it was written for (added or
// unchanged; fixTargetOf) and adding the fix (only adding it, for a
// finding about deleted code). A one-line fix of a quote that is part of
// its line replaces the quote in the line, so the rest of the line is kept;
// other fixes take the indentation of the first line they replace when they
// come without one, so an indented Python block stays one.
//
// It is "" when there is no fix, and when a diff would not be faithful:
// some of the lines the fix replaces are not in the excerpt (the finding
// spans more lines than it carries), so a diff would remove only part of
// them. Such a fix is shown as written (fixAsWritten), not as a diff, and
// so is one that mixes words with its code (review.FixMixesWords): as a
// diff, its words and fence lines would read as code to add.
func fixDiff(f report.Finding) string {
	fix := strings.Trim(f.Fix, "\n")
	if strings.TrimSpace(fix) == "" || review.FixMixesWords(fix) {
		return ""
	}
	if review.FixIsDiff(fix) {
		return fix + "\n"
	}
	t := fixTargetOf(f)
	// The lines the fix replaces. A finding about deleted code replaces
	// none: its code is already gone, and the new-side line where the
	// deletion sits (t.line) is other code, kept or added, that the fix must
	// not be shown removing. The fix is added there, indented like the
	// deleted code it is about.
	var replaced []string
	shape := ""
	for _, l := range t.code {
		switch {
		case t.deleted:
			if l.Kind == "deleted" && l.Old >= t.oldLine && l.Old <= max(t.oldEndLine, t.oldLine) && shape == "" {
				shape = l.Text
			}
		case (l.Kind == "added" || l.Kind == "context") && l.New >= t.line && l.New <= t.endLine:
			replaced = append(replaced, l.Text)
		}
	}
	if !t.deleted && t.line > 0 && len(replaced) != max(t.endLine, t.line)-t.line+1 {
		return ""
	}
	fixLines := strings.Split(fix, "\n")
	var b strings.Builder
	for _, l := range replaced {
		b.WriteString("-" + l + "\n")
	}
	if len(replaced) == 1 && len(fixLines) == 1 {
		if line, ok := inPlace(replaced[0], f.FixQuote, strings.TrimSpace(fixLines[0])); ok {
			b.WriteString("+" + line + "\n")
			return b.String()
		}
	}
	if len(replaced) > 0 {
		shape = replaced[0]
	}
	indent := ""
	if shape != "" && !startsIndented(fixLines[0]) {
		indent = leadingSpace(shape)
	}
	absolute := keepsAbsoluteIndent(replaced, fixLines, indent)
	for i, l := range fixLines {
		if strings.TrimSpace(l) != "" && (i == 0 || !absolute) {
			l = indent + l
		}
		b.WriteString("+" + l + "\n")
	}
	return b.String()
}

// keepsAbsoluteIndent reports whether a fix whose first line came without
// its indentation (indent, taken from the line it replaces, is added to
// it) wrote its later lines with the file's own indentation, not relative
// to the first: models often copy a block and trim only its first line.
// The lines the fix replaces tell which: more of the fix's later lines
// start as the replaced lines do than as they would under indent. With
// one replaced line nothing tells, and the later lines are read as
// relative (a Python block under its line).
func keepsAbsoluteIndent(replaced, fixLines []string, indent string) bool {
	if indent == "" {
		return false
	}
	asWritten, underIndent := 0, 0
	for k := 1; k < min(len(replaced), len(fixLines)); k++ {
		if strings.TrimSpace(fixLines[k]) == "" || strings.TrimSpace(replaced[k]) == "" {
			continue
		}
		want, lead := leadingSpace(replaced[k]), leadingSpace(fixLines[k])
		switch want {
		case lead:
			asWritten++
		case indent + lead:
			underIndent++
		}
	}
	return asWritten > underIndent
}

// fixAsWritten is a code fix fixDiff cannot show as a faithful diff, as
// its author wrote it; "" when fixDiff can (or there is no fix).
func fixAsWritten(f report.Finding) string {
	fix := strings.Trim(f.Fix, "\n")
	if strings.TrimSpace(fix) == "" || fixDiff(f) != "" {
		return ""
	}
	return fix + "\n"
}

// whyAsWritten says why fixAsWritten shows a fix as written, not as a diff.
func whyAsWritten(f report.Finding) string {
	if review.FixMixesWords(strings.Trim(f.Fix, "\n")) {
		return "it mixes words with code"
	}
	return "the lines it replaces are not all in the excerpt"
}

// shownFix is a finding's fix as the reports show it: words (a fix in
// words, or what stands in for code that would change nothing), or code,
// as written or as a diff.
type shownFix struct {
	words string
	code  string // ends in "\n"
	// why says why code is shown as written, not as a diff; "" for a diff.
	why string
}

// showFix is how the reports show f's fix; false when it has none.
func showFix(f report.Finding) (shownFix, bool) {
	if strings.TrimSpace(f.Fix) == "" {
		return shownFix{}, false
	}
	if review.FixIsProse(f.Fix) {
		// Words, not code: shown as a sentence, never as a replacement line.
		return shownFix{words: f.Fix}, true
	}
	if fix := safetext.Sanitize(fixAsWritten(f)); fix != "" {
		// The lines it replaces are not all known, or it mixes words with
		// code: the fix as written, never a diff that removes only some of
		// the lines or adds the words as code.
		return shownFix{code: fix, why: whyAsWritten(f)}, true
	}
	if fixRepeatsCode(f) {
		// A diff of it would remove and add the same lines.
		return shownFix{words: fixRepeats}, true
	}
	if fix := safetext.Sanitize(fixDiff(f)); fix != "" {
		return shownFix{code: fix}, true
	}
	return shownFix{}, false
}

// fixRepeats stands in for a fix that repeats the code it replaces.
const fixRepeats = "none, the fix repeats the code"

// fixRepeatsCode reports whether f's code fix is the lines it replaces,
// as they are (trailing blanks aside): a model that copied the code as
// its fix. As a suggestion it would change nothing, and as a diff it
// would show a line removed and added back. A model's own diff is left as
// written.
func fixRepeatsCode(f report.Finding) bool {
	if review.FixIsDiff(strings.Trim(f.Fix, "\n")) {
		return false
	}
	var removed, added []string
	for l := range strings.SplitSeq(strings.TrimSuffix(fixDiff(f), "\n"), "\n") {
		l = strings.TrimRight(l, " \t")
		if rest, ok := strings.CutPrefix(l, "-"); ok {
			removed = append(removed, rest)
		} else if rest, ok := strings.CutPrefix(l, "+"); ok {
			added = append(added, rest)
		}
	}
	return len(removed) > 0 && slices.Equal(removed, added)
}

// markdown is the fix as a Markdown block of f's finding: a fix another
// finder wrote (f.FixFrom) is labelled with its author and the lines it
// was written for, and shown against those lines.
func (s shownFix) markdown(f report.Finding) string {
	label := fixLabel(f)
	if s.code == "" {
		return fmt.Sprintf("%s: %s\n", label, mdText(s.words)) + otherFixes(f)
	}
	// The fence is longer than any run of backticks in the fix, so no
	// line of it can close the block.
	fence := fenceFor(s.code)
	if s.why != "" {
		return fmt.Sprintf("%s, as written (not a diff: %s):\n\n%s\n%s%s\n", label, s.why, fence, s.code, fence) + otherFixes(f)
	}
	return fmt.Sprintf("%s:\n\n%sdiff\n%s%s\n", label, fence, s.code, fence) + otherFixes(f)
}

// otherFixes says, under a finding's fix, which finders suggested
// another (report.json has each): "" when none did.
func otherFixes(f report.Finding) string {
	if len(f.OtherFixes) == 0 {
		return ""
	}
	names := make([]string, len(f.OtherFixes))
	for i, n := range f.OtherFixes {
		names[i] = mdText(n)
	}
	return fmt.Sprintf("\n%s suggested another fix (report.json, members' `fix`): check which is right; no tool applies either in one click.\n", strings.Join(names, " and "))
}

// text is the fix in plain text, for a SARIF message: labelled as the
// Markdown labels it, the code on lines of its own after a blank line.
func (s shownFix) text(f report.Finding) string {
	label := "Suggested fix"
	if src := f.FixFrom; src != nil {
		label += " (by " + src.Reviewer + ", for " + fixPlace(f) + ")"
	}
	switch {
	case s.code == "":
		return sarifText(label + ": " + s.words)
	case s.why != "":
		return sarifText(label + ", as written (not a diff: " + s.why + "):\n\n" + strings.TrimSuffix(s.code, "\n"))
	}
	return sarifText(label + ", as a diff:\n\n" + strings.TrimSuffix(s.code, "\n"))
}

// fixLabel introduces a finding's suggested fix. A fix borrowed from
// another finder names that finder and the place it was written for, so a
// fix of line 24 is never read as one of the finding's line 25.
func fixLabel(f report.Finding) string {
	s := f.FixFrom
	if s == nil {
		return "Suggested fix"
	}
	return "Suggested fix (by " + mdText(s.Reviewer) + ", for " + code(safetext.Sanitize(fixPlace(f))) + ")"
}

// fixPlace names the lines a borrowed fix was written for, as "Also at"
// names a member's place: "line 24", "lines 24-26", "deleted line 31",
// "b.go:7" in another file, or the file for a file-level finding.
func fixPlace(f report.Finding) string {
	s := f.FixFrom
	span := func(word string, a, b int) string {
		if b > a {
			return word + "s " + strconv.Itoa(a) + "-" + strconv.Itoa(b)
		}
		return word + " " + strconv.Itoa(a)
	}
	other := s.File != "" && s.File != f.File
	switch {
	case s.Deleted && other:
		return safetext.Path(s.File) + " (" + span("deleted line", s.OldLine, s.OldEndLine) + ")"
	case s.Deleted:
		return span("deleted line", s.OldLine, s.OldEndLine)
	case s.Line > 0 && other:
		at := safetext.Path(s.File) + ":" + strconv.Itoa(s.Line)
		if s.EndLine > s.Line {
			at += "-" + strconv.Itoa(s.EndLine)
		}
		return at
	case s.Line > 0:
		return span("line", s.Line, s.EndLine)
	}
	return safetext.Path(cmp.Or(s.File, f.File))
}

// inPlace replaces quote in line with fix when the quote is a part of the
// line found once, and the fix is not itself the whole line rewritten (it
// does not repeat the code around the quote).
func inPlace(line, quote, fix string) (string, bool) {
	if quote == "" || fix == "" || quote == strings.TrimSpace(line) || strings.Count(line, quote) != 1 {
		return "", false
	}
	i := strings.Index(line, quote)
	before, after := strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+len(quote):])
	if before != "" && strings.HasPrefix(fix, before) || after != "" && strings.HasSuffix(fix, after) {
		return "", false
	}
	return line[:i] + fix + line[i+len(quote):], true
}

func startsIndented(l string) bool { return l != "" && (l[0] == ' ' || l[0] == '\t') }

func leadingSpace(l string) string { return l[:len(l)-len(strings.TrimLeft(l, " \t"))] }

// replacement is a finding's code fix as an edit of the file at head: its
// lines line..endLine replaced by text (lines joined by "\n", no final
// newline), for the formats tools apply (SARIF fixes, reviewdog
// suggestions).
type replacement struct {
	line, endLine int
	text          string
}

// fixReplacement is f's fix as a replacement of f's own lines: only when
// the Markdown shows it as a faithful diff of those lines (fixDiff), of
// code on the new side (a finding about deleted code has no lines at head
// to replace), written for f's place (a fix borrowed from another place is
// not an edit of this one), and only over lines the fix's author quoted:
// a tool applies the edit in one click, so it may remove no line the
// model merely claimed (an end_line past its quote, a line number with no
// quote, a near copy of the code). A fix in words, words mixed with code
// (a lead-in, a sentence, fence lines), a model's own diff, or a fix that
// repeats the code (fixRepeatsCode: an edit that changes nothing), is no
// replacement.
func fixReplacement(f report.Finding) (replacement, bool) {
	fix := strings.Trim(f.Fix, "\n")
	if f.Line <= 0 || f.Deleted || review.FixIsProse(f.Fix) || review.FixMixesWords(fix) || review.FixIsDiff(fix) {
		return replacement{}, false
	}
	if f.Evidence != "quote" || !quotesWholeLines(f) && !replacesInPlace(f) || fixRepeatsCode(f) {
		return replacement{}, false
	}
	if s := f.FixFrom; s != nil && (s.File != "" && s.File != f.File || s.Line != f.Line || s.EndLine != f.EndLine || s.Deleted) {
		return replacement{}, false
	}
	d := fixDiff(f)
	if d == "" {
		return replacement{}, false
	}
	var added []string
	for l := range strings.SplitSeq(strings.TrimSuffix(d, "\n"), "\n") {
		if rest, ok := strings.CutPrefix(l, "+"); ok {
			added = append(added, rest)
		}
	}
	if mixesIndentation(fixTargetOf(f).replaced(), added) {
		return replacement{}, false // a fix in spaces over tabs would re-indent the code
	}
	if why := notOneClick(f, added); why != "" || len(f.OtherFixes) > 0 {
		return replacement{}, false // (reviewers whose fixes differ: no code to apply blind)
	}
	return replacement{line: f.Line, endLine: max(f.EndLine, f.Line), text: strings.Join(added, "\n")}, true
}

// maxOneClickLines bounds a one-click edit: a fix longer than this for a
// finding's few lines is a rewrite to read, not to apply blind.
const maxOneClickLines = 40

// notOneClick says why the added lines of f's fix, a faithful diff of its
// lines, are still no edit to apply blind (helper 250), "" when they are:
//   - they add a quorum:ignore comment the code did not have: applied, the
//     edit would dismiss the finding, not fix it;
//   - a line carries the prompt's line-number prefix ("12+"), which the
//     model copied: applied, it writes the prefix into the code;
//   - its last lines are the lines right after the ones replaced, or its
//     first lines the ones right before (the model rewrote them too):
//     applied, they would be there twice;
//   - more than maxOneClickLines lines.
func notOneClick(f report.Finding, added []string) string {
	t := fixTargetOf(f)
	replaced := t.replaced()
	had := false
	for _, l := range replaced {
		had = had || strings.Contains(l.Text, dismiss.Marker)
	}
	var before, after []string // the excerpt's lines around the span, nearest first
	for _, l := range t.code {
		switch {
		case l.Kind == "deleted":
		case l.New < f.Line:
			before = append([]string{strings.TrimSpace(l.Text)}, before...)
		case l.New > max(f.EndLine, f.Line):
			after = append(after, strings.TrimSpace(l.Text))
		}
	}
	for _, l := range added {
		switch {
		case !had && strings.Contains(l, dismiss.Marker):
			return "it adds a " + dismiss.Marker + " comment"
		case promptPrefix.MatchString(l):
			return "it copies the prompt's line numbers"
		}
	}
	if rewritesNeighbours(added, before, after) {
		return "it rewrites the lines around the ones it replaces"
	}
	if len(added) > maxOneClickLines {
		return "it is longer than a one-click edit"
	}
	return ""
}

// rewritesNeighbours reports whether the fix's last lines are the lines
// right after the span (after, nearest first), or its first lines the
// ones right before it (before, nearest first), with some code in them
// (not a lone brace): a fix of line 12 that goes on to write lines 13 and
// 14 as they are.
func rewritesNeighbours(added, before, after []string) bool {
	fix := make([]string, len(added))
	for i, l := range added {
		fix[i] = strings.TrimSpace(l)
	}
	for k := 1; k < len(fix); k++ {
		tail, head := fix[len(fix)-k:], fix[:k]
		if k <= len(after) && slices.Equal(tail, after[:k]) && len(strings.Join(tail, "")) >= 8 {
			return true
		}
		if k <= len(before) && len(strings.Join(head, "")) >= 8 {
			rev := make([]string, k)
			for i := range k {
				rev[i] = before[k-1-i]
			}
			if slices.Equal(head, rev) {
				return true
			}
		}
	}
	return false
}

// promptPrefix is the prompt's added-line number at a line's start
// ("12+code"): not "1+2", an expression.
var promptPrefix = regexp.MustCompile(`^\s*\d+\+([^\s\d=+(]|\t)`)

// promptNumber is the line number and marker the prompt shows a line
// with ("12+", "12 "), which models copy into quotes.
var promptNumber = regexp.MustCompile(`^\s*\d+[+ -]`)

// quotesWholeLines reports whether the quote f's fix was written for is
// the finding's lines exactly, each whole (indentation and the prompt's
// line numbers aside): a quote of part of a line, of a line found twice
// in it, or one line short of the span leaves code the model never
// showed, which an edit of whole lines would replace. A line shown
// otherwise than the file has it (CodeLine.Altered: a CRLF line, escapes)
// is none.
func quotesWholeLines(f report.Finding) bool {
	quote := strings.Split(strings.Trim(f.FixQuote, "\n"), "\n")
	var code []string
	for _, l := range fixTargetOf(f).replaced() {
		if l.Altered {
			return false // the text shown is not the file's: an edit of it would write the escapes
		}
		code = append(code, l.Text)
	}
	if len(code) == 0 || len(quote) != len(code) {
		return false
	}
	for i, q := range quote {
		q = strings.TrimSpace(strings.TrimSuffix(q, "\r"))
		if p := promptNumber.FindString(q); p != "" && strings.TrimSpace(q[len(p):]) == strings.TrimSpace(code[i]) {
			q = strings.TrimSpace(q[len(p):])
		}
		if q == "" || q != strings.TrimSpace(code[i]) {
			return false
		}
	}
	return true
}

// replacesInPlace reports whether f's fix replaces its quote inside its
// one line (inPlace), keeping the rest of the line as it is.
func replacesInPlace(f report.Finding) bool {
	t := fixTargetOf(f)
	fix := strings.Trim(f.Fix, "\n")
	if max(t.endLine, t.line) != t.line || strings.Contains(fix, "\n") {
		return false
	}
	lines := t.replaced()
	// A quote that stops inside brackets ("db.Query(q") would leave their
	// other half behind the fix.
	if len(lines) != 1 || lines[0].Altered || !balanced(f.FixQuote) || !balanced(fix) {
		return false
	}
	_, ok := inPlace(lines[0].Text, f.FixQuote, strings.TrimSpace(fix))
	return ok
}

// mixesIndentation reports whether the fix's lines are indented with
// spaces where the lines they replace are indented with tabs only, or the
// other way round, anywhere in their leading whitespace ("\t    return
// nil" over tabs counts).
func mixesIndentation(replaced []report.CodeLine, fix []string) bool {
	tabs, spaces := false, false
	for _, l := range replaced {
		lead := l.Text[:len(l.Text)-len(strings.TrimLeft(l.Text, " \t"))]
		tabs, spaces = tabs || strings.Contains(lead, "\t"), spaces || strings.Contains(lead, " ")
	}
	for _, l := range fix {
		lead := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if tabs && !spaces && strings.Contains(lead, " ") || spaces && !tabs && strings.Contains(lead, "\t") {
			return true
		}
	}
	return false
}

// balanced reports whether s closes every bracket it opens, in order.
func balanced(s string) bool {
	var open []rune
	pairs := map[rune]rune{')': '(', ']': '[', '}': '{'}
	for _, r := range s {
		switch r {
		case '(', '[', '{':
			open = append(open, r)
		case ')', ']', '}':
			if len(open) == 0 || open[len(open)-1] != pairs[r] {
				return false
			}
			open = open[:len(open)-1]
		}
	}
	return len(open) == 0
}
