package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/quorum-review/quorum/internal/safetext"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
)

// This file writes reviewdog's Diagnostic format (rdf), one JSON object per
// line, for `reviewdog -f=rdjsonl`. Field names follow reviewdog's
// proto/rdf/jsonschema/Diagnostic.jsonschema. Line ranges omit columns, which
// reviewdog reads as whole lines, end line included.

type rdDiagnostic struct {
	Message  string     `json:"message"`
	Location rdLocation `json:"location"`
	Severity string     `json:"severity,omitempty"`
	Source   rdSource   `json:"source"`
	Code     *rdCode    `json:"code,omitempty"`
	// RelatedLocations are the places of members anchored elsewhere (rdf's
	// related_locations).
	RelatedLocations []rdRelated `json:"related_locations,omitempty"`
	// Suggestions holds a code fix of the finding's own lines, as whole
	// lines (a range without columns, the diagnostic's own): reviewdog
	// posts it as a suggested change.
	Suggestions []rdSuggestion `json:"suggestions,omitempty"`
}

type rdSuggestion struct {
	Range rdRange `json:"range"`
	Text  string  `json:"text"`
}

type rdRelated struct {
	Message  string     `json:"message,omitempty"`
	Location rdLocation `json:"location"`
}

type rdLocation struct {
	Path  string   `json:"path"`
	Range *rdRange `json:"range,omitempty"`
}

type rdRange struct {
	Start rdPosition  `json:"start"`
	End   *rdPosition `json:"end,omitempty"`
}

type rdPosition struct {
	Line int `json:"line"`
}

type rdSource struct {
	Name string `json:"name"`
}

type rdCode struct {
	Value string `json:"value"`
}

// RDJSONL writes one reviewdog diagnostic per finding.
func RDJSONL(w io.Writer, r *report.Report, opts Options) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	defer func() { _, _ = w.Write(safetext.EscapeJSON(buf.Bytes())) }()
	prints := issueFingerprints(r) // the findings' first, as SARIF's
	for i, f := range r.Findings {
		k, n := f.Agreement()
		d := rdDiagnostic{
			Message:  fmt.Sprintf("%s%s%s (found by %d of %d: %s)", mdText(f.Title), lineNote(f), evidenceNote(f), k, n, mdText(joinNames(f.Reviewers))),
			Location: rdLocation{Path: fromRoot(opts.FromRoot, f.File)},
			Severity: rdSeverity(f.Severity),
			Source:   rdSource{Name: "quorum"},
			// reviewdog has no fingerprint field; the rule code is its
			// stable key, so it carries the fingerprint SARIF does
			// (report.IssueFingerprint), not the id.
			Code: &rdCode{Value: f.Category + "/" + prints[i]},
		}
		if f.Explanation != "" {
			d.Message += "\n\n" + mdBlock(f.Explanation)
		}
		rep, oneClick := fixReplacement(f)
		if fix, ok := showFix(f); ok && !oneClick {
			// No suggestion carries it (words, deleted code, a CRLF line,
			// lines not quoted): the comment shows it as the Markdown
			// report does, else it is lost.
			d.Message += "\n\n" + strings.TrimSuffix(fix.markdown(f), "\n")
		}
		if f.ID != "" {
			// The comment a reader sees names the id a dismissal takes
			// (the rule code carries the fingerprint, for reviewdog).
			d.Message += "\n\nA false positive? `quorum dismiss " + f.ID + " --reason \"...\"`"
		}
		// reviewdog filters and comments by new-side lines only (rdf has no
		// old side): a finding about deleted code goes on the line where the
		// deletion sits (f.Line), its old lines in the message (lineNote).
		if f.Line > 0 {
			d.Location.Range = &rdRange{Start: rdPosition{Line: f.Line}}
			if f.EndLine > f.Line {
				d.Location.Range.End = &rdPosition{Line: f.EndLine}
			}
		}
		if oneClick && d.Location.Range != nil {
			d.Suggestions = []rdSuggestion{{Range: *d.Location.Range, Text: rep.text}}
		}
		for _, pl := range elsewhere(f) {
			rel := rdRelated{Message: mdText(pl.reviewer + ": " + pl.title), Location: rdLocation{Path: fromRoot(opts.FromRoot, pl.file)}}
			if pl.line > 0 {
				rel.Location.Range = &rdRange{Start: rdPosition{Line: pl.line}}
				if pl.endLine > pl.line {
					rel.Location.Range.End = &rdPosition{Line: pl.endLine}
				}
			}
			d.RelatedLocations = append(d.RelatedLocations, rel)
		}
		if err := enc.Encode(d); err != nil {
			return err
		}
	}
	return nil
}

func rdSeverity(sev string) string {
	switch sev {
	case review.Critical:
		return "ERROR"
	case review.Important:
		return "WARNING"
	}
	return "INFO"
}

// fromRoot is the repository path p as read from dir, a directory
// relative to the repository root ("" or "." is the root).
func fromRoot(dir, p string) string {
	if dir == "" || dir == "." {
		return p
	}
	if rel, err := filepath.Rel(filepath.FromSlash(dir), filepath.FromSlash(p)); err == nil {
		return filepath.ToSlash(rel)
	}
	return p
}

// evidenceNote says, in SARIF and rdjsonl messages, that a finding rests
// on weaker evidence than a quote of the diff's code: their viewers show
// no evidence field, and a finding placed by a line number alone would
// read as one whose code was found there.
func evidenceNote(f report.Finding) string {
	switch f.Evidence {
	case report.EvidenceNearQuote:
		return " [weaker evidence: a near copy of the code]"
	case "line":
		return " [weaker evidence: a line number, no quoted code]"
	case "file":
		return " [weaker evidence: the file only, no quoted code]"
	}
	return ""
}

// lineNote says that a finding is about code the change deletes, or about
// unchanged code it did not touch. SARIF and rdjsonl place a finding on
// new-side lines only, so its region is where the deletion sits, or a
// context line of the diff; without the note the finding would read as
// being about whatever added line sits there, or about the change itself.
func lineNote(f report.Finding) string {
	switch {
	case f.Deleted && f.OldEndLine > f.OldLine:
		return fmt.Sprintf(" [deleted code: old lines %d-%d]", f.OldLine, f.OldEndLine)
	case f.Deleted:
		return fmt.Sprintf(" [deleted code: old line %d]", f.OldLine)
	case unchanged(f) && f.EndLine > f.Line:
		return " [unchanged code: lines this change did not touch]"
	case unchanged(f):
		return " [unchanged code: a line this change did not touch]"
	}
	return ""
}
