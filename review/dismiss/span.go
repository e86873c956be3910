package dismiss

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/report"
)

// spanOf is what an entry records of the code a finding quotes beyond its
// first line (the fingerprint reads that one): a short hash of each
// further line of its span, layout left out (anchor.Flowed), blank lines
// skipped. A dismissal of `q := "SELECT ..." +` / `quoteSQL(name)` must
// not cover the finding once the second line reads `name`.
func spanOf(f report.Finding) []string {
	if f.Evidence != anchor.EvidenceQuote {
		return nil // its lines are the model's end_line, not code it quoted
	}
	var out []string
	first := true
	for _, c := range f.Code {
		if !inSpan(f, c) {
			continue
		}
		if first {
			first = false
			continue
		}
		code := anchor.Flowed(c.Text)
		if code == "" {
			continue
		}
		h := sha256.Sum256([]byte("quorum.span/v1\x00" + code))
		out = append(out, hex.EncodeToString(h[:4]))
	}
	return out
}

// inSpan reports whether c is a line of f's own span: new-side lines
// Line..EndLine, or for a finding of deleted code its deleted lines
// OldLine..OldEndLine (Code also shows the lines either side).
func inSpan(f report.Finding, c report.CodeLine) bool {
	if f.Deleted {
		return c.Kind == string(diff.Deleted) && c.Old >= f.OldLine && c.Old <= max(f.OldEndLine, f.OldLine)
	}
	return c.Kind != string(diff.Deleted) && c.New >= f.Line && c.New <= max(f.EndLine, f.Line)
}

// spanAgrees reports whether f's quoted lines beyond its first are those
// the entry was made for, as far as both spans reach: a finding that
// quotes fewer lines is judged on those (its own quote is what it is
// about). An entry with no span (one line, or written before quorum
// recorded spans) agrees.
func (e Entry) spanAgrees(f report.Finding) bool {
	if len(e.Span) == 0 {
		return true
	}
	now := spanOf(f)
	for i := range min(len(now), len(e.Span)) {
		if now[i] != e.Span[i] {
			return false
		}
	}
	return true
}
