package render

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
)

// Markdown writes the full report, every section of DESIGN §7, as GitHub
// flavoured Markdown. The code under each finding is the diff's real lines,
// never the model's quote.
func Markdown(w io.Writer, r *report.Report, _ Options) error {
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	m := &md{w: bw}
	m.header(r)
	m.summary(r)
	m.findings(r, review.Critical, "Critical issues")
	m.findings(r, review.Important, "Important issues")
	m.findings(r, review.Suggestion, "Suggestions")
	m.dismissed(r)
	m.design(r)
	m.testing(r)
	m.docs(r)
	m.commits(r)
	m.todos(r)
	m.retro(r)
	m.metrics(r)
	m.coverage(r)
	if err := bw.Flush(); err != nil {
		return err
	}
	// Build already stripped model text; a report.json edited by hand and
	// shown with 'quorum report show' has not been through Build.
	_, err := io.WriteString(w, safetext.Sanitize(buf.String()))
	return err
}

type md struct{ w *bufio.Writer }

func (m *md) p(format string, args ...any) { fmt.Fprintf(m.w, format, args...) }

func (m *md) h2(title string) { m.p("\n## %s\n\n", title) }

// cell makes text safe inside a table cell: one line, every Markdown mark
// but its code spans escaped, pipes too (mdCell).
func cell(s string) string { return mdCell(s) }

// codeCell is code(s) inside a table cell: a pipe would end the cell even
// inside the code span, so it is escaped (GFM shows it bare).
func codeCell(s string) string { return strings.ReplaceAll(code(s), "|", `\|`) }

// inline puts text on one line, its white space collapsed. It escapes
// nothing: text from a model or the repository goes through mdText, mdCell
// or mdBlock (escape.go).
func inline(s string) string { return strings.Join(strings.Fields(s), " ") }

// code wraps s, on one line, in a backtick span long enough not to be
// closed by s itself.
func code(s string) string { return codeSpanOf(inline(s)) }

// codeSpanOf wraps s as it is in a backtick span long enough not to be
// closed by s itself, padded with a space when s starts or ends with a
// backtick, so the span reads back as s.
func codeSpanOf(s string) string {
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// fenceFor returns a code fence longer than any backtick run in body.
func fenceFor(body string) string {
	fence := "```"
	for strings.Contains(body, fence) {
		fence += "`"
	}
	return fence
}

// commitRange names the reviewed commits so git reads them right: the
// commit itself when there is one ("X..X" is an empty range to git), else
// base..head, the base being the commit they were listed from (the
// merge-base, or A of --commits A..B), which git excludes as the review
// did. Without a base it names the oldest and newest commit in words, not
// as a range git would read as one commit short.
func commitRange(r *report.Report) string {
	n := len(r.Commits)
	if n == 1 {
		return short(r.Commits[0].SHA)
	}
	if from, to, ok := strings.Cut(r.CommitSpan(), ".."); ok {
		// The empty tree in full: git resolves a short name only of an
		// object it has, and the empty tree is often not stored.
		if from != diff.EmptyTree {
			from = short(from)
		}
		return from + ".." + short(to)
	}
	return fmt.Sprintf("oldest %s, newest %s", short(r.Commits[0].SHA), short(r.Commits[n-1].SHA))
}

// rangesCell names each reviewed range, base..head and its refs:
// "2 ranges: 1a2b3c4..5d6e7f8 (`refs/heads/b1`), ...".
func rangesCell(ranges []report.Range) string {
	var parts []string
	for _, rg := range ranges {
		from := rg.Base.Commit
		if from != diff.EmptyTree { // as commitRange: git may not have it to resolve a short name
			from = short(from)
		}
		part := from + ".." + short(rg.Head.Commit)
		if len(rg.Refs) > 0 {
			var refs []string
			for _, ref := range rg.Refs {
				refs = append(refs, codeCell(ref))
			}
			part += " (" + strings.Join(refs, ", ") + ")"
		}
		parts = append(parts, part)
	}
	return fmt.Sprintf("%d ranges: %s", len(ranges), strings.Join(parts, ", "))
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// Duration formats milliseconds as "1m 02s", "4.2s" or "850ms".
func Duration(ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	switch {
	case ms <= 0:
		return "–"
	case d < time.Second:
		return fmt.Sprintf("%dms", ms)
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
}

// location is where a finding is: its new-side line, and for deleted code
// the old-side lines too. A deletion with no new-side line (the whole file
// deleted or emptied) is only its file and old lines: there is no line 0.
func location(f report.Finding) string {
	file := safetext.Path(f.File)
	switch {
	case f.Deleted && f.Line == 0 && f.OldEndLine > f.OldLine:
		return fmt.Sprintf("%s (deleted lines %d-%d)", file, f.OldLine, f.OldEndLine)
	case f.Deleted && f.Line == 0:
		return fmt.Sprintf("%s (deleted line %d)", file, f.OldLine)
	case f.Deleted && f.OldEndLine > f.OldLine:
		return fmt.Sprintf("%s:%d (deleted lines %d-%d)", file, f.Line, f.OldLine, f.OldEndLine)
	case f.Deleted:
		return fmt.Sprintf("%s:%d (deleted line %d)", file, f.Line, f.OldLine)
	case f.Line == 0:
		return file
	case unchanged(f) && f.EndLine > f.Line:
		return fmt.Sprintf("%s:%d-%d (unchanged lines)", file, f.Line, f.EndLine)
	case unchanged(f):
		return fmt.Sprintf("%s:%d (unchanged line)", file, f.Line)
	case f.EndLine > f.Line:
		return fmt.Sprintf("%s:%d-%d", file, f.Line, f.EndLine)
	}
	return fmt.Sprintf("%s:%d", file, f.Line)
}

// unchanged reports whether a finding is about code the change did not
// touch: every line it is anchored to is an unchanged (context) line of
// the diff. Its finders count ½ each at the gate; the writers say so.
func unchanged(f report.Finding) bool { return f.LineKind == "context" && f.Line > 0 && !f.Deleted }

// unchangedNote is the sentence under such a finding.
func unchangedNote(f report.Finding) string {
	if f.EndLine > f.Line {
		return "Unchanged code: this finding is on lines this change did not touch; the code was there before it, so its finders count ½ each toward the gate."
	}
	return "Unchanged code: this finding is on a line this change did not touch; the code was there before it, so its finders count ½ each toward the gate."
}

func reviewerLabel(rv report.Reviewer) string {
	s := rv.Name
	var extra []string
	if rv.Model != "" && rv.Model != rv.Name {
		extra = append(extra, rv.Model)
	}
	if rv.Digest != "" {
		extra = append(extra, short(strings.TrimPrefix(rv.Digest, "sha256:"))+"…")
	}
	if rv.Host != "" {
		extra = append(extra, "on "+rv.Host)
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, ", ") + ")"
	}
	if rv.Status != "" && rv.Status != "ok" {
		s += " — " + rv.Status
	}
	return s
}

func (m *md) header(r *report.Report) {
	title := "quorum review"
	if r.Branch != "" {
		title += ": " + mdText(r.Branch)
	}
	m.p("# %s\n\n", title)
	m.p("| | |\n|---|---|\n")
	if r.Branch != "" {
		m.p("| Branch | %s |\n", codeCell(r.Branch))
	}
	if len(r.Ranges) > 1 {
		// A push of several refs: Base and Head are the first range's
		// only, and the findings may be in any of them.
		m.p("| Ranges | %s |\n", rangesCell(r.Ranges))
		if n := len(r.Commits); n > 0 {
			m.p("| Commits | %d in the %d ranges (see Commit structure) |\n", n, len(r.Ranges))
		}
	} else {
		if r.Base.Ref != "" || r.Base.Commit != "" {
			m.p("| Base | %s %s |\n", codeCell(r.Base.Ref), short(r.Base.Commit))
		}
		if r.Head.Ref != "" || r.Head.Commit != "" {
			m.p("| Head | %s %s |\n", codeCell(r.Head.Ref), short(r.Head.Commit))
		}
		if n := len(r.Commits); n > 0 {
			m.p("| Commits | %d, %s (see Commit structure) |\n", n, commitRange(r))
		}
	}
	var revs []string
	for _, rv := range r.Reviewers {
		revs = append(revs, cell(reviewerLabel(rv)))
	}
	if len(revs) == 0 {
		revs = []string{"none"}
	}
	m.p("| Reviewers | %s |\n", strings.Join(revs, "; "))
	m.p("| Verdict | **%s** — %s |\n", r.Verdict.Status, cell(r.Verdict.Text))
	m.p("| Wall-clock | %s |\n", Duration(r.WallMS))
	m.p("| Policy | severity %s, fail on %s, min agreement %d |\n", r.Policy.Severity, r.Policy.FailOn, r.Policy.MinAgreement)
	gen := "quorum"
	if r.ToolVersion != "" {
		gen += " " + r.ToolVersion
	}
	if r.PromptVersion != "" {
		gen += ", prompts " + r.PromptVersion
	}
	m.p("| Generated | %s by %s |\n", r.GeneratedAt.UTC().Format("2006-01-02 15:04 UTC"), cell(gen))
	if len(r.Options) > 0 {
		var kv []string
		for _, k := range slices.Sorted(maps.Keys(r.Options)) {
			kv = append(kv, k+"="+r.Options[k])
		}
		m.p("| Options | %s |\n", cell(strings.Join(kv, ", ")))
	}
	var gens []string
	for _, rv := range r.Reviewers {
		if rv.Options.NumCtx == 0 {
			continue // never asked (model missing)
		}
		g := fmt.Sprintf("temperature %g, seed %d", rv.Options.Temperature, rv.Options.Seed)
		if !slices.Contains(gens, g) {
			gens = append(gens, g)
		}
	}
	if len(gens) > 0 {
		m.p("| Generation | %s (num_ctx and num_predict per reviewer in the retro) |\n", cell(strings.Join(gens, "; ")))
	}
	if r.Interrupted {
		m.p("| Note | the review was interrupted; the report covers what finished |\n")
	}
}

func (m *md) summary(r *report.Report) {
	m.h2("Executive summary")
	m.p("%s\n", mdBlock(r.Summary.Text))
	for _, n := range r.Summary.Reviewers {
		m.p("\n**%s:** %s\n", mdText(n.Reviewer), mdText(n.Text))
	}
}

func (m *md) findings(r *report.Report, sev, title string) {
	m.h2(title)
	n := 0
	for _, f := range r.Findings {
		if f.Severity != sev {
			continue
		}
		n++
		m.finding(n, f)
	}
	if n == 0 {
		m.p("None.\n")
	}
}

// dismissed lists the dismissed findings collapsed to one line each, with
// the reason, so nothing is hidden; the section is left out when there are none.
func (m *md) dismissed(r *report.Report) {
	if len(r.Dismissed) == 0 {
		return
	}
	m.h2("Dismissed")
	inline, ledger := false, false
	for _, f := range r.Dismissed {
		if f.Dismissal != nil && f.Dismissal.Source == "inline" {
			inline = true
		} else {
			ledger = true
		}
	}
	var how []string
	if ledger {
		how = append(how, "'quorum dismiss --list' shows the ledger, 'quorum undismiss ID' takes one back")
	}
	if inline {
		// undismiss reads the ledgers only: an inline one is in the code.
		how = append(how, "deleting its quorum:ignore comment takes an inline one back")
	}
	m.p("%d finding%s dismissed, not counted by the gate, one line each (%s):\n\n", len(r.Dismissed), plural(len(r.Dismissed)), strings.Join(how, "; "))
	for _, f := range r.Dismissed {
		d := report.Dismissal{}
		if f.Dismissal != nil {
			d = *f.Dismissal
		}
		who := ""
		if d.Who != "" {
			who = " by " + mdText(d.Who)
		}
		if d.When != "" {
			who += ", " + mdText(d.When)
		}
		m.p("- `%s` %s, %s: %s — dismissed%s: %s\n", f.ID, mdText(f.Severity), mdText(location(f)), mdText(f.Title), who, mdText(d.Reason))
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (m *md) finding(n int, f report.Finding) {
	m.p("### %d. %s\n\n", n, mdText(f.Title))
	k, of := f.Agreement()
	m.p("**%s** · %s · found by %d of %d (%s) · %s · id %s\n", mdText(f.Severity), mdText(f.Category), k, of,
		mdText(strings.Join(f.Reviewers, ", ")), code(location(f)), code(f.ID))
	switch f.Evidence {
	case report.EvidenceNearQuote:
		m.p("\nEvidence: a near copy of the code, not the diff's own (a word differs, a name is cut short, it is in a comment, or it leaves off what turns the code around, such as `!`); it counts ½ toward the gate.\n")
	case "line":
		m.p("\nEvidence: a line number only, no quoted code; it counts ½ toward the gate.\n")
	case "file":
		m.p("\nEvidence: the file only, no quoted code; it counts ½ toward the gate.\n")
	}
	if unchanged(f) {
		m.p("\n%s\n", unchangedNote(f))
	}
	if f.NotDismissed != "" {
		cmd := "`quorum dismiss " + f.ID + " --reason ...` dismisses it too"
		if f.Copies > 1 || len(f.Places()) > 1 {
			cmd = "`quorum dismiss " + f.ID + " --all-places --reason ...`, once each place is checked, dismisses it too"
		}
		m.p("\n%s (%s).\n", mdText(upperFirst(f.NotDismissed)), cmd)
	}
	if f.Disputed {
		var votes []string
		for _, name := range f.Reviewers {
			votes = append(votes, name+": "+f.Votes[name])
		}
		m.p("\nSeverity votes differ (%s); shown as %s.\n", mdText(strings.Join(votes, ", ")), mdText(f.Severity))
	}
	if len(f.Code) > 0 {
		var b strings.Builder
		for _, l := range f.Code {
			b.WriteString(diffPrefix(l.Kind) + l.Text + "\n")
		}
		body := safetext.Sanitize(b.String())
		fence := fenceFor(body)
		m.p("\n%sdiff\n%s%s\n", fence, body, fence)
	}
	if text := mdBlock(f.Explanation); text != "" {
		m.p("\n%s\n", text)
	}
	if len(f.Others) > 0 {
		var ws []string
		for _, o := range f.Others {
			ws = append(ws, fmt.Sprintf("%s: “%s” (%s)", mdText(o.Reviewer), mdText(o.Title), mdText(o.Severity)))
		}
		m.p("\nAlso reported as: %s.\n", strings.Join(ws, "; "))
	}
	if f.RulesFloor {
		m.p("\nSeverity and agreement held at what quorum's rules give these findings: the judge's grouping would have lowered them.\n")
	}
	// Members anchored at other lines, or in other files (a judge may
	// group a cause with its symptom): each such place is named.
	var places []string
	for _, pl := range elsewhere(f) {
		at := safetext.Path(pl.file)
		switch {
		case pl.oldLine > 0 && pl.file == f.File:
			at = "deleted line " + strconv.Itoa(pl.oldLine)
		case pl.oldLine > 0:
			at += " (deleted line " + strconv.Itoa(pl.oldLine) + ")"
		case pl.file == f.File:
			at = "line " + strconv.Itoa(pl.line)
		case pl.line > 0:
			at += ":" + strconv.Itoa(pl.line)
		}
		places = append(places, fmt.Sprintf("%s (%s)", code(safetext.Sanitize(at)), mdText(pl.reviewer)))
	}
	if len(places) > 0 {
		m.p("\nAlso at: %s.\n", strings.Join(places, "; "))
	}
	if fix, ok := showFix(f); ok {
		m.p("\n%s", fix.markdown(f))
	}
	m.p("\n")
}

func by(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return " — " + mdText(strings.Join(names, ", "))
}

func (m *md) notes(ns []report.Note) {
	for _, n := range ns {
		m.p("- %s%s\n", mdText(n.Text), by(n.Reviewers))
	}
}

func (m *md) design(r *report.Report) {
	m.h2("Design observations")
	m.p("### Strengths\n\n")
	if len(r.Strengths) == 0 {
		m.p("None noted.\n")
	}
	m.notes(r.Strengths)
	m.p("\n### Concerns\n\n")
	if len(r.Concerns) == 0 {
		m.p("None noted.\n")
	}
	m.notes(r.Concerns)
}

func (m *md) testing(r *report.Report) {
	m.h2("Testing assessment")
	c := r.Checks
	switch {
	case len(c.SourceWithoutTests) > 0:
		m.p("Source changed with no test change beside it:\n\n")
		for _, p := range c.SourceWithoutTests {
			m.p("- %s\n", code(safetext.Path(p)))
		}
		m.p("\n")
	case c.TestsChanged:
		m.p("Every changed source file has a test change beside it.\n\n")
	default:
		m.p("No source or test files changed.\n\n")
	}
	if len(r.Untested) == 0 {
		m.p("The reviewers named no untested scenarios.\n")
		return
	}
	m.p("Untested scenarios, by risk:\n\n")
	for i, u := range r.Untested {
		m.p("%d. **%s** — %s%s\n", i+1, mdText(cmp.Or(u.Risk, "unrated")), mdText(u.Scenario), by(u.Reviewers))
	}
}

func (m *md) docs(r *report.Report) {
	m.h2("Documentation assessment")
	c := r.Checks
	switch {
	case len(c.APIWithoutDocs) > 0:
		m.p("Exported Go API changed with no documentation change:\n\n")
		for _, a := range c.APIWithoutDocs {
			m.p("- %s %s at %s\n", mdText(a.Change), code(a.Decl), code(fmt.Sprintf("%s:%d", safetext.Path(a.File), a.Line)))
		}
		m.p("\n")
	case c.DocsChanged:
		m.p("Documentation changed with the code.\n\n")
	default:
		m.p("No exported Go API changed without documentation.\n\n")
	}
	if len(r.Docs) == 0 {
		m.p("The reviewers noted no documentation gaps.\n")
	}
	m.notes(r.Docs)
}

func (m *md) commits(r *report.Report) {
	m.h2("Commit structure")
	if len(r.Commits) == 0 {
		m.p("No commits in the range (%s).\n", r.Mode)
		return
	}
	flagged := 0
	m.p("| commit | subject | notes |\n|---|---|---|\n")
	for _, c := range r.Commits {
		notes := strings.Join(c.Notes, "; ")
		if notes == "" {
			notes = "–"
		} else {
			flagged++
		}
		m.p("| %s | %s | %s |\n", short(c.SHA), cell(c.Subject), cell(notes))
	}
	if flagged == 0 {
		m.p("\nNo fixup, work-in-progress or merge commits, and every subject fits in %d characters.\n", report.SubjectLimit)
	}
}

func (m *md) todos(r *report.Report) {
	m.h2("Acknowledged limitations")
	if len(r.TODOs) == 0 {
		m.p("No TODO, FIXME, HACK or XXX markers added.\n")
		return
	}
	for i, t := range r.TODOs {
		m.p("%d. %s %s\n", i+1, code(fmt.Sprintf("%s:%d", safetext.Path(t.File), t.Line)), code(t.Text))
	}
}

// orDash prints a count, or a dash when it was never set (a missing model).
func orDash(n int) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprint(n)
}

// upperFirst is s with its first letter upper-cased (for a sentence).
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
