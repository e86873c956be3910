package render

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/quorum-review/quorum/internal/safetext"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
)

// SARIF writes the findings as a SARIF 2.1.0 log for code scanning: one rule
// per category, one result per finding, its issue fingerprint
// (report.IssueFingerprint) as a partial fingerprint so results track
// across pushes.
func SARIF(w io.Writer, r *report.Report, _ Options) error {
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return fmt.Errorf("render sarif: %w", err)
	}
	driver := sarif.NewDriver("quorum").WithInformationURI("https://github.com/quorum-review/quorum")
	if r.ToolVersion != "" {
		driver.WithVersion(r.ToolVersion)
	}
	run := sarif.NewRun(*sarif.NewTool(driver))

	var cats []string
	for _, f := range slices.Concat(r.Findings, r.Dismissed) {
		if !slices.Contains(cats, f.Category) {
			cats = append(cats, f.Category)
		}
	}
	slices.Sort(cats)
	for _, c := range cats {
		help := "Reported in the " + c + " category by quorum's panel of local models; the message says how many reviewers found it. `quorum dismiss ID` (ID is the result's id property) dismisses a false positive, with the reason it is one."
		run.AddRule(ruleID(c)).
			WithShortDescription(sarif.NewMultiformatMessageString(c + " finding")).
			WithFullDescription(sarif.NewMultiformatMessageString("Findings in the " + c + " category, reported by quorum's review panel.")).
			WithHelp(sarif.NewMultiformatMessageString(strings.ReplaceAll(help, "`", "")).WithMarkdown(help))
	}

	run.Results = []*sarif.Result{}
	prints := issueFingerprints(r)
	for i, f := range r.Findings {
		run.AddResult(sarifResult(f, cats, prints[i]))
	}
	// A dismissed finding stays, marked suppressed: code scanning then shows
	// the alert as dismissed, where leaving it out would read as fixed.
	for i, f := range r.Dismissed {
		res := sarifResult(f, cats, prints[len(r.Findings)+i])
		res.AddSuppression(sarifSuppression(f, res.Locations[0]))
		run.AddResult(res)
	}
	inv := run.AddInvocation(r.Verdict.Status != report.VerdictIncomplete)
	inv.Properties = sarif.Properties{"verdict": r.Verdict.Status, "verdict_text": r.Verdict.Text}
	log.AddRun(run)
	var buf bytes.Buffer
	if err := log.PrettyWrite(&buf); err != nil {
		return err
	}
	_, werr := w.Write(safetext.EscapeJSON(buf.Bytes()))
	return werr
}

// issueFingerprints are the report.IssueFingerprint of r's findings, then
// of its dismissed ones. The findings alike in category, fingerprint and
// kinds are numbered in the order of their ids, which dismissing one does
// not change (a list order would, and a suppressed alert would come back
// as a new one). A longer id is later: Q…-2 before Q…-10.
func issueFingerprints(r *report.Report) []string {
	all := slices.Concat(r.Findings, r.Dismissed)
	order := make([]int, len(all))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(len(all[a].ID), len(all[b].ID)), strings.Compare(all[a].ID, all[b].ID))
	})
	nth := map[string]int{}
	prints := make([]string, len(all))
	for _, i := range order {
		f := all[i]
		key := f.Category + "\x00" + f.Fingerprint + "\x00" + strings.Join(f.Kinds, ",")
		nth[key]++
		prints[i] = report.IssueFingerprint(f.Fingerprint, f.Kinds, nth[key])
	}
	return prints
}

// place is where one of a finding's members is anchored.
type place struct {
	file, reviewer, title string
	line, endLine         int
	// oldLine is the old-side line of a member about deleted code.
	oldLine int
}

// elsewhere lists the places of f's members anchored at another line or
// in another file than f itself, each place once, in member order.
func elsewhere(f report.Finding) []place {
	var out []place
	seen := map[string]bool{}
	for _, m := range f.Members {
		file := cmp.Or(m.File, f.File)
		if file == f.File && (m.Line <= 0 || m.Line == f.Line) && m.OldLine == f.OldLine {
			continue // the finding's own place, or its own file as a whole
		}
		key := fmt.Sprintf("%s\x00%d\x00%d", file, m.Line, m.OldLine)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, place{file: file, reviewer: m.Reviewer, title: m.Title, line: m.Line, endLine: m.EndLine, oldLine: m.OldLine})
	}
	return out
}

// srcRoot is the uriBaseId of every artifactLocation: the repository
// root, by the name SARIF producers give the source root (CodeQL's too),
// so a consumer knows what the relative URIs (repository paths) are
// relative to. The log gives no originalUriBaseIds: its value would be
// the absolute path of the reviewer's clone (their home directory, in a
// file uploaded to a server), and a consumer resolves %SRCROOT% to its
// own checkout.
const srcRoot = "%SRCROOT%"

// artifactLocation is a repository path as SARIF's artifactLocation:
// relative to the repository root (srcRoot).
func artifactLocation(path string) *sarif.ArtifactLocation {
	return sarif.NewSimpleArtifactLocation(artifactURI(path)).WithUriBaseId(srcRoot)
}

// artifactURI is a repository path as SARIF's artifactLocation.uri: a
// relative URI reference, so a space, '%', '#', '?' or a non-ASCII byte is
// percent-encoded and a ':' in the first segment gets a "./" (else
// "a:b.go" would read as the scheme "a").
func artifactURI(path string) string { return (&url.URL{Path: path}).String() }

func ruleID(category string) string { return "quorum/" + category }

func sarifLevel(sev string) string {
	switch sev {
	case review.Critical:
		return "error"
	case review.Important:
		return "warning"
	}
	return "note"
}

// sarifText is model text for a SARIF plain-text message, where
// "[text](target)" is an embedded link (SARIF 2.1.0 §3.11.6): a model's
// "](" is written "] (", which links nothing however the backslashes
// before it are read, so a viewer shows the text and follows no target
// the model chose.
func sarifText(s string) string { return strings.ReplaceAll(s, "](", "] (") }

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}

// sarifResult is one finding as a SARIF result of the rule of its category.
// fingerprint is its fingerprint in the log (issueFingerprints).
func sarifResult(f report.Finding, cats []string, fingerprint string) *sarif.Result {
	k, n := f.Agreement()
	msg := sarifText(f.Title) + lineNote(f) + evidenceNote(f)
	if f.Explanation != "" {
		msg += "\n\n" + sarifText(f.Explanation)
	}
	rep, oneClick := fixReplacement(f)
	if fix, ok := showFix(f); ok && !oneClick {
		// No fixes entry carries it (words, deleted code, a CRLF line,
		// lines not quoted): the message does, else it is lost.
		msg += "\n\n" + fix.text(f)
	}
	msg += fmt.Sprintf("\n\nFound by %d of %d reviewers (%s).", k, n, joinNames(f.Reviewers))
	res := sarif.NewRuleResult(ruleID(f.Category)).
		WithRuleIndex(slices.Index(cats, f.Category)).
		WithLevel(sarifLevel(f.Severity)).
		WithMessage(sarif.NewTextMessage(msg))
	// The region is on the file at head, so it is always new-side lines:
	// for deleted code, the line where the deletion sits (f.Line; the
	// last line for a deletion at the end of a file), never the old
	// lines, which would point at unrelated code of the new file. The
	// old lines are in the message (lineNote) and the properties. A
	// deletion with no new-side line (the file deleted or emptied) has
	// no region.
	phys := sarif.NewPhysicalLocation().WithArtifactLocation(artifactLocation(f.File))
	if f.Line > 0 {
		phys.WithRegion(sarif.NewSimpleRegion(f.Line, max(f.EndLine, f.Line)))
	}
	res.AddLocation(sarif.NewLocationWithPhysicalLocation(phys))
	// Members anchored elsewhere (a cause and its symptom lines apart,
	// or in another file, grouped by a judge) are related locations,
	// so code scanning shows each place.
	for _, loc := range elsewhere(f) {
		rel := sarif.NewPhysicalLocation().WithArtifactLocation(artifactLocation(loc.file))
		if loc.line > 0 {
			rel.WithRegion(sarif.NewSimpleRegion(loc.line, max(loc.endLine, loc.line)))
		}
		res.AddRelatedLocation(sarif.NewLocationWithPhysicalLocation(rel).WithMessage(sarif.NewTextMessage(sarifText(loc.reviewer + ": " + loc.title))))
	}
	// A code fix of the finding's own lines is an edit a viewer can apply:
	// those whole lines (a region of lines and no columns) replaced.
	if oneClick {
		edit := sarif.NewReplacement(sarif.NewSimpleRegion(rep.line, rep.endLine)).
			WithInsertedContent(sarif.NewArtifactContent().WithText(rep.text))
		change := sarif.NewArtifactChange(artifactLocation(f.File)).WithReplacement(edit)
		res.AddFix(sarif.NewFix().WithDescriptionText("Suggested fix").WithArtifactChanges([]*sarif.ArtifactChange{change}))
	}
	// The fingerprint survives line moves, renames and rewording
	// (report.IssueFingerprint), so code scanning sees one finding across
	// runs, and two issues of one line as two. v3: v2 was the
	// finding's Fingerprint alone, which two issues of one line share.
	res.WithPartialFingerPrints(map[string]interface{}{"quorumFingerprint/v3": fingerprint})
	pb := sarif.NewPropertyBag()
	pb.Add("id", f.ID)
	pb.Add("severity", f.Severity)
	pb.Add("category", f.Category)
	pb.Add("reviewers", f.Reviewers)
	pb.Add("found_by", k)
	pb.Add("seen_by", n)
	pb.Add("votes", f.Votes)
	// How the finding is tied to the diff ("quote", "near-quote",
	// "line", "file") and the gate's weighted agreement it makes.
	pb.Add("evidence", f.Evidence)
	pb.Add("support", f.Support)
	if f.LineKind != "" {
		// "context": code this change did not touch (see report.Finding).
		pb.Add("line_kind", f.LineKind)
	}
	if f.Deleted {
		// The deleted code's own lines, in the base version of the file.
		pb.Add("old_line", f.OldLine)
		pb.Add("old_end_line", max(f.OldEndLine, f.OldLine))
	}
	res.AttachPropertyBag(pb)
	return res
}

// sarifSuppression marks a dismissed finding: "inSource" for a
// quorum:ignore comment, "external" for a ledger entry, accepted, with the
// reason (and who gave it) as the justification. The library writes every
// field of a suppression, so each gets a value: its location is the
// comment's for an inline one, else the finding's, and its guid is made from the id (unique in a report: two
// issues of one line share a fingerprint), the fingerprint and where the
// dismissal was read, so it is the same on every run.
func sarifSuppression(f report.Finding, at *sarif.Location) *sarif.Suppression {
	d := report.Dismissal{}
	if f.Dismissal != nil {
		d = *f.Dismissal
	}
	kind := "external"
	if d.Source == "inline" {
		kind = "inSource"
		if d.Line > 0 {
			// The comment that dismisses it, not the finding's code.
			at = sarif.NewLocationWithPhysicalLocation(sarif.NewPhysicalLocation().
				WithArtifactLocation(artifactLocation(f.File)).WithRegion(sarif.NewSimpleRegion(d.Line, d.Line)))
		}
	}
	why := d.Reason
	if d.Who != "" {
		why += " (" + d.Who + ")"
	}
	return sarif.NewSuppression(kind).WithStatus("accepted").WithJustifcation(sarifText(why)).
		WithLocation(at).WithGuid(stableGUID(f.ID + "\x00" + f.Fingerprint + "\x00" + d.Source))
}

// stableGUID is a name-based GUID of s in the version 5 layout (the
// version and variant bits set; the hash is SHA-256, not 5's SHA-1): the
// same s, the same GUID.
func stableGUID(s string) string {
	h := sha256.Sum256([]byte(s))
	h[6] = h[6]&0x0f | 0x50 // version 5
	h[8] = h[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
